/* check_fixture.h - shared fixtures for the Check suites: temporary
 * folders, and a temporary archive with an admin and a clerk key. */
#ifndef XFA_CHECK_FIXTURE_H
#define XFA_CHECK_FIXTURE_H

#include <jansson.h>
#include <stddef.h>

#include "archive.h"
#include "key.h"

/* A temporary folder with an archive at "<dir>/a.xfa". */
typedef struct fx_archive {
	char dir[64];
	char path[128];
	xfa_key *admin, *clerk;
	char admin_fpr[XFA_FPR_SIZE], clerk_fpr[XFA_FPR_SIZE];
	xfa_archive *a;
} fx_archive;

/* Make a temporary folder from `tmpl` ("/tmp/xfa-check-x-XXXXXX") into out. */
void fx_tmpdir(char out[64], const char *tmpl);

/* Remove a folder and everything below it (NULL-safe, "" ignored). */
void fx_rmrf(const char *path);

/* Write `len` bytes to `path` (asserts). */
void fx_spit(const char *path, const void *data, size_t len);

/*
 * Create an archive with a root admin key and (with_clerk) a clerk key
 * added by the admin.  `office` may be NULL.  Asserts on failure.
 */
void fx_archive_setup(fx_archive *f, const char *office, int with_clerk);
void fx_archive_teardown(fx_archive *f);

/* The JSON file at `path` (relative to the project root), parsed (new
 * reference; asserts). */
json_t *fx_read_json(const char *path);

/* A valid case input document (new reference): tests/fixtures/cases/02. */
json_t *fx_case_input(void);

/* Register `n` cases from fx_case_input() as the clerk, their ids in
 * ids[0..n) (each at least XFA_CASE_ID_MAX + 1 bytes, stride `size`). */
void fx_register(fx_archive *f, int n, char *ids, size_t size);

/* The head commit of an archive as hex (for "nothing written" checks). */
void fx_head(char out[41], xfa_archive *a);

#endif
