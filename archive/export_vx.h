/* export_vx.h - what export_verify.c (the package, its manifests, its
 * signature and the report) shares with export_prove.c (replaying the
 * archive's stream and re-proving every case from it).  Not a public
 * header. */
#ifndef XFA_EXPORT_VX_H
#define XFA_EXPORT_VX_H

#include <jansson.h>
#include <stdint.h>

#include "archive.h"
#include "bagit.h"

/* The archive after one event of its own stream, as the replay gives it. */
struct vsnap {
	int64_t at;              /* the event's time */
	json_t *doc;             /* archive.json after it (owned) */
	xfa_meta meta;           /* its workflow and calendar, once loaded */
	int loaded;              /* 1 loaded, -1 could not be */
};

/* One verify-export run. */
struct vx {
	const xfa_bag *b;        /* where files are looked up now (sorted) */
	const xfa_bag *ctx;      /* the files of the archive's stream (sorted) */
	json_t *findings;
	json_t *keys;            /* data/keys/keyring.json, parsed, or NULL */
	json_t *manifest;        /* data/export.json, or NULL */
	struct vsnap *snap;      /* the replay of data/archive, oldest first */
	size_t nsnap;
	int stream;              /* the package carries the archive's stream */
	int stream_ok;           /* ... and it replayed without a finding */
	json_t *docs;            /* case id -> its replayed document (borrowed refs kept) */
	json_t *unproven;        /* what could not be re-proved, in words */
	int64_t exported;        /* export.json's exported_at; INT64_MAX unknown */
	/* streaming: cases are checked as their folders end, and freed */
	int ctx_done;            /* export.json, keyring.json, the stream read */
	xfa_bag view;            /* sorted copy of the context files' entries */
	struct {
		int manifest, keys, arcdoc, commits, format;
		unsigned events, sigs, atts, want_events, want_atts;
	} seen;
	char cur[512];           /* the case folder being read */
	size_t *pend, npend, cappend;   /* its files (indexes in the bag) */
	json_t *checked;         /* folders checked while streaming */
	json_t *byfolder;        /* export.json's entries by folder */
	size_t cases, events, attachments;
};

/* Record a finding on `file`. */
void xfa_vx_find(struct vx *v, const char *file, const char *reason,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parse a kept JSON file of the bag, checked against `schema` (may be
 * NULL); NULL and a finding if absent or bad.  New reference. */
json_t *xfa_vx_json(struct vx *v, const char *path, const char *schema);

/*
 * Replay the archive's own stream from data/archive: every event's file,
 * signature, chain and keyring rule (xfa_keyring_check_event), from the
 * self-signed init; archive.json, commits.txt and the attachments against
 * it; keyring.json equal to the replay.  Fills v->snap.
 */
void xfa_vx_replay_archive(struct vx *v);

/* The archive document in force at `t` (the last event at or before it),
 * or NULL before init; borrowed. */
const json_t *xfa_vx_keyring_at(const struct vx *v, int64_t t);

/* Re-prove the case of export.json entry `entry` from its folder. */
void xfa_vx_check_case(struct vx *v, const json_t *entry);

void xfa_vx_release(struct vx *v);

#endif
