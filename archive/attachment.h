/* attachment.h - files attached to a case: safe names, safe reads, and
 * streaming a file into the store while hashing it. */
#ifndef XFA_ATTACHMENT_H
#define XFA_ATTACHMENT_H

#include <stdint.h>

#include "event.h"
#include "store.h"

/* Default largest attachment (the archive document's attachment_max overrides). */
#define XFA_ATTACHMENT_MAX_DEFAULT (64ull << 20)

/*
 * Is `name` acceptable as a file name inside a case: 1 to 200 bytes of
 * UTF-8, not "." or "..", no "/", "\", control characters or leading "-"?
 * Returns 0 or XFA_EINVALID naming what is wrong.
 */
int xfa_attachment_name_check(const char *name);

/* Is `kind` a lower-case word such as "authorization"?  0 or XFA_EINVALID. */
int xfa_attachment_kind_check(const char *kind);

/*
 * Stream the regular file at `path` into a blob of `st`, hashing it with
 * SHA-256 as it goes, and fill `out` (record {name, kind, media_type,
 * size, sha256} and blob id).  The name is the last component of `path`.
 * Refuses symlinks, devices, FIFOs, folders, files over `max` bytes, and
 * files that change while being read.  Returns 0, XFA_ENOTFOUND,
 * XFA_EINVALID or XFA_EIO; nothing reachable is written on failure.
 */
int xfa_attachment_stage(xfa_staged *out, xfa_store *st, const char *kind,
			 const char *path, uint64_t max);

/* Split "KIND:PATH" into its parts (malloc'd kind; path points into spec). */
int xfa_attachment_spec(char **kind, const char **path, const char *spec);

void xfa_staged_release(xfa_staged *s);

#endif
