/* embedded.h - the files of schemas/, compiled into the library at build time. */
#ifndef XFA_EMBEDDED_H
#define XFA_EMBEDDED_H

#include <stddef.h>

struct xfa_embedded {
	const char *name;           /* path below schemas/, e.g. "case.schema.json" */
	const unsigned char *data;  /* the file's bytes, NUL-terminated */
	size_t len;                 /* length without the terminating NUL */
};

/* The table, ended by an entry whose name is NULL. */
extern const struct xfa_embedded xfa_embedded_files[];

/* The embedded file `name`, or NULL. */
const struct xfa_embedded *xfa_embedded_find(const char *name);

#endif
