/* bagit_lib.c - libarchive, opened when a package is first written or read.
 *
 * Only export, verify-export and import read or write tar and zip files,
 * yet a program linked with libarchive loads it and the twelve libraries
 * behind it (libxml2, ICU, libstdc++, the compressors...) in every process:
 * half of the dynamic loader's work in a `case move`, most of `xfa help`.
 * So libxfa is not linked with it.  It defines the libarchive functions
 * bagit.c and bagit_read.c call, each with libarchive's own prototype from
 * <archive.h> (the compiler holds them to it), and each forwards to the
 * function of that name in libarchive.so, opened with dlopen() the first
 * time one is called.  If it cannot be opened, the constructors return NULL
 * and the error says why (git keeps libcurl out of git the same way, in
 * git-remote-http). */
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

#if ARCHIVE_VERSION_NUMBER < 3000000 || ARCHIVE_VERSION_NUMBER >= 4000000
#error "libarchive 3 (soname libarchive.so.13) expected"
#endif
#define LIBARCHIVE_SONAME "libarchive.so.13"

/* X(return type, name, parameters, arguments, value if not loaded) */
#define FUNCS(X, V) \
	X(__LA_MODE_T, archive_entry_filetype, (struct archive_entry *e), (e), 0) \
	V(archive_entry_free, (struct archive_entry *e), (e)) \
	X(const char *, archive_entry_hardlink, (struct archive_entry *e), (e), NULL) \
	X(int, archive_entry_is_encrypted, (struct archive_entry *e), (e), 0) \
	X(struct archive_entry *, archive_entry_new, (void), (), NULL) \
	X(const char *, archive_entry_pathname_utf8, (struct archive_entry *e), (e), NULL) \
	V(archive_entry_set_filetype, (struct archive_entry *e, unsigned int t), (e, t)) \
	V(archive_entry_set_mtime, (struct archive_entry *e, time_t t, long ns), (e, t, ns)) \
	V(archive_entry_set_pathname_utf8, (struct archive_entry *e, const char *p), (e, p)) \
	V(archive_entry_set_perm, (struct archive_entry *e, __LA_MODE_T m), (e, m)) \
	V(archive_entry_set_size, (struct archive_entry *e, la_int64_t n), (e, n)) \
	X(la_int64_t, archive_entry_size, (struct archive_entry *e), (e), 0) \
	X(int, archive_entry_size_is_set, (struct archive_entry *e), (e), 0) \
	X(int, archive_entry_sparse_count, (struct archive_entry *e), (e), 0) \
	X(const char *, archive_entry_symlink, (struct archive_entry *e), (e), NULL) \
	X(int, archive_errno, (struct archive *a), (a), 0) \
	X(const char *, archive_error_string, (struct archive *a), (a), NULL) \
	X(la_int64_t, archive_filter_bytes, (struct archive *a, int n), (a, n), -1) \
	X(int, archive_read_data_block, (struct archive *a, const void **b, size_t *n, la_int64_t *o), (a, b, n, o), ARCHIVE_FATAL) \
	X(int, archive_read_free, (struct archive *a), (a), ARCHIVE_FATAL) \
	X(struct archive *, archive_read_new, (void), (), NULL) \
	X(int, archive_read_next_header, (struct archive *a, struct archive_entry **e), (a, e), ARCHIVE_FATAL) \
	X(int, archive_read_open_filename, (struct archive *a, const char *f, size_t n), (a, f, n), ARCHIVE_FATAL) \
	X(int, archive_read_support_format_tar, (struct archive *a), (a), ARCHIVE_FATAL) \
	X(int, archive_read_support_format_zip, (struct archive *a), (a), ARCHIVE_FATAL) \
	X(int, archive_write_close, (struct archive *a), (a), ARCHIVE_FATAL) \
	X(la_ssize_t, archive_write_data, (struct archive *a, const void *b, size_t n), (a, b, n), -1) \
	X(int, archive_write_free, (struct archive *a), (a), ARCHIVE_FATAL) \
	X(int, archive_write_header, (struct archive *a, struct archive_entry *e), (a, e), ARCHIVE_FATAL) \
	X(struct archive *, archive_write_new, (void), (), NULL) \
	X(int, archive_write_open, (struct archive *a, void *p, archive_open_callback *o, archive_write_callback *w, archive_close_callback *c), (a, p, o, w, c), ARCHIVE_FATAL) \
	X(int, archive_write_set_bytes_in_last_block, (struct archive *a, int n), (a, n), ARCHIVE_FATAL) \
	X(int, archive_write_set_bytes_per_block, (struct archive *a, int n), (a, n), ARCHIVE_FATAL) \
	X(int, archive_write_set_format_pax_restricted, (struct archive *a), (a), ARCHIVE_FATAL) \
	X(int, archive_write_set_format_zip, (struct archive *a), (a), ARCHIVE_FATAL) \
	X(int, archive_write_set_options, (struct archive *a, const char *o), (a, o), ARCHIVE_FATAL) \
	X(int, archive_write_zip_set_compression_store, (struct archive *a), (a), ARCHIVE_FATAL)

/* the table of libarchive's functions */
#define SLOT(ret, name, params, args, fail) ret (*name) params;
#define VSLOT(name, params, args) void (*name) params;
static struct {
	FUNCS(SLOT, VSLOT)
	void (*archive_set_error)(struct archive *, int, const char *, ...);
} real;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char why[256];

static void *sym(void *h, const char *name)
{
	void *f = dlsym(h, name);

	if (!f && !why[0])
		snprintf(why, sizeof(why), "%s: no %s", LIBARCHIVE_SONAME, name);
	return f;
}

static void open_libarchive(void)
{
	void *h = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	void *f;

	if (!h) {
		const char *e = dlerror();
		snprintf(why, sizeof(why), "%s", e ? e : LIBARCHIVE_SONAME);
		return;
	}
#define RESOLVE(ret, name, params, args, fail) \
	f = sym(h, #name); memcpy(&real.name, &f, sizeof(f));
#define VRESOLVE(name, params, args) RESOLVE(void, name, params, args, 0)
	FUNCS(RESOLVE, VRESOLVE)
	RESOLVE(void, archive_set_error, (), (), 0)
	loaded = !why[0];
}

static int ready(void)
{
	pthread_once(&once, open_libarchive);
	if (!loaded)
		xfa_error_set(XFA_ERROR, "cannot load libarchive: %s", why);
	return loaded;
}

#define WRAP(ret, name, params, args, fail) \
	ret name params { return ready() ? real.name args : fail; }
#define VWRAP(name, params, args) \
	void name params { if (ready()) real.name args; }
FUNCS(WRAP, VWRAP)

/* libarchive's is variadic: the message is formatted here */
void archive_set_error(struct archive *a, int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ready())
		real.archive_set_error(a, err, "%s", msg);
}
