/* workflow_int.h - what workflow.c (loading the definition, queries) shares
 * with workflow_apply.c (completing and checking one event).  Not a public
 * header. */
#ifndef XFA_WORKFLOW_INT_H
#define XFA_WORKFLOW_INT_H

#include <jansson.h>
#include <stddef.h>

#include "deadline.h"
#include "workflow.h"

/* A transition, or a status-free event (to == NULL). */
struct wf_step {
	const json_t *def;       /* borrowed from wf->def */
	const char *id;
	const char *to;
	int initial;
	int internal;
};

struct xfa_workflow {
	json_t *def;             /* owned copy of the definition */
	const char *id;
	struct wf_step *steps;
	size_t nsteps;
	xfa_deadline *rules;
	size_t nrules;
	json_t *stop;            /* owned: states that are not open */
	json_t *counters;        /* owned: fields named by steps' "counts" */
};

/* Helpers over the definition (workflow.c); all borrow what they return. */
int wf_str_in(const json_t *arr, const char *s);
const json_t *wf_by_id(const json_t *arr, const char *id);
const json_t *wf_get_path(const json_t *doc, const char *path);
int wf_blank(const char *s);
int wf_non_empty(const json_t *v);
void wf_join(char *buf, size_t cap, const json_t *arr, const char *sep);
int wf_set_str(json_t *obj, const char *key, const char *val);
int wf_is_computed(const xfa_workflow *wf, const char *key);
const json_t *wf_vocabulary(const xfa_workflow *wf, const char *name);
const json_t *wf_state_def(const xfa_workflow *wf, const char *id);
const struct wf_step *wf_find_step(const xfa_workflow *wf, const char *id);
const json_t *wf_step_get(const struct wf_step *st, const char *key);
int wf_step_flag(const struct wf_step *st, const char *key);

#endif
