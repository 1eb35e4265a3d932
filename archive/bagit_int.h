/* bagit_int.h - what bagit.c (writing) shares with bagit_read.c (reading
 * and validating).  Not a public header. */
#ifndef XFA_BAGIT_INT_H
#define XFA_BAGIT_INT_H

#include <locale.h>
#include <stddef.h>

/* Run libarchive under C.UTF-8 for this thread; returns 0 or XFA_ERROR. */
int xfa_bag_locale_enter(locale_t *old);
void xfa_bag_locale_leave(locale_t old);

/*
 * Is `path` a safe relative name of at most `max` bytes: UTF-8, no leading
 * "/", no empty, "." or ".." part, no backslash or control character?
 * Returns 0 or XFA_EINVALID saying what is wrong (the caller names it).
 */
int xfa_bag_path_check(const char *path, size_t max);

#endif
