/* store_ca.c - the system's CA certificates, parsed when an https transfer
 * needs them rather than in every process.
 *
 * libgit2 1.5 built with mbedTLS (as Debian builds it) parses the whole
 * system CA bundle inside git_libgit2_init(): some 56 million instructions,
 * nearly half of what a `case move` executes, in every process, for the
 * few processes that will ever open an https connection.  So libgit2's
 * call reaches the function below.  Linked statically (LINK=static, the
 * default), the Makefile passes --wrap=mbedtls_x509_crt_parse_file, so the
 * call from libgit2's archive goes to __wrap_mbedtls_x509_crt_parse_file
 * and mbedTLS's own is __real_...; linked against the shared libraries, the
 * executable defines mbedtls_x509_crt_parse_file itself and the dynamic
 * linker binds libgit2's call to it (the linker exports it because a
 * shared library of the link refers to it), and mbedTLS's own is found with
 * dlsym(RTLD_NEXT).  While xfa_store_global_init() runs libgit2's
 * start-up, it notes the path it was given and parses nothing (libgit2 then
 * holds an empty CA chain); before a transfer, store_xfer_ca() hands the
 * noted bundle back to libgit2 (GIT_OPT_SET_SSL_CERT_LOCATIONS), whose call
 * comes here again and reaches mbedTLS's own parser.  A program linked
 * without the export (the unit tests), or a libgit2 on another TLS library,
 * never calls it: libgit2 then loads its CAs at start-up as before. */
#define _GNU_SOURCE              /* RTLD_NEXT */
#include "store_int.h"

#include <dlfcn.h>

struct mbedtls_x509_crt;

static int deferring;
static char *deferred;           /* the bundle libgit2 meant to load */

/* 1 when libgit2 asked for the bundle while deferring (noted, not parsed). */
static int defer(const char *path)
{
	if (!deferring)
		return 0;
	free(deferred);
	deferred = path ? strdup(path) : NULL;
	return 1;
}

#ifdef XFA_STATIC_LINK
int __real_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	return defer(path) ? 0 : __real_mbedtls_x509_crt_parse_file(chain, path);
}
#else
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	static int (*real)(struct mbedtls_x509_crt *, const char *);

	if (defer(path))
		return 0;
	if (!real) {
		void *f = dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
		if (!f)
			return -1;
		memcpy(&real, &f, sizeof(real));
	}
	return real(chain, path);
}
#endif

void store_ca_defer(int on)
{
	deferring = on;
}

const char *store_ca_deferred(void)
{
	return deferred;
}

void store_ca_free(void)
{
	free(deferred);
	deferred = NULL;
}
