/* file.h - whole-file reads with a size limit, and atomic writes. */
#ifndef XFA_FILE_H
#define XFA_FILE_H

#include <stddef.h>

/*
 * Read the regular file `path` into a NUL-terminated malloc'd buffer.
 * Refuses symlinks and anything but a regular file, and files over `max`
 * bytes.  Returns 0, XFA_ENOTFOUND, XFA_EINVALID (not a regular file, too
 * large) or XFA_EIO.
 */
int xfa_file_read(char **out, size_t *out_len, const char *path, size_t max);

/*
 * Write `len` bytes to `path` atomically: a temporary file in the same
 * folder, fsync, rename.  With `excl`, fails with XFA_EEXISTS if `path`
 * exists.  `mode` is the new file's permission bits.
 */
int xfa_file_write_atomic(const char *path, const void *data, size_t len,
			  int mode, int excl);

#endif
