/* store_ca.c - the system's CA certificates, parsed when an https transfer
 * needs them rather than in every process.
 *
 * libgit2 1.5 built with mbedTLS (as Debian builds it) parses the whole
 * system CA bundle inside git_libgit2_init(): some 56 million instructions,
 * nearly half of what a `case move` executes, in every process, for the
 * few processes that will ever open an https connection.  So the xfa
 * executable exports mbedtls_x509_crt_parse_file (the Makefile links it
 * with --export-dynamic-symbol) and the dynamic linker binds libgit2's call
 * to the function below: while xfa_store_global_init() runs libgit2's
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
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

static int deferring;
static char *deferred;           /* the bundle libgit2 meant to load */

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	static int (*real)(struct mbedtls_x509_crt *, const char *);

	if (deferring) {
		free(deferred);
		deferred = path ? strdup(path) : NULL;
		return 0;
	}
	if (!real) {
		void *f = dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
		if (!f)
			return -1;
		memcpy(&real, &f, sizeof(real));
	}
	return real(chain, path);
}

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
