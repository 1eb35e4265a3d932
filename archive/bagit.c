/* bagit.c - writing BagIt bags as tar or zip through libarchive: entries
 * stream through the SHA-256 and SHA-512 of the manifests while the
 * container's own bytes stream through the package's SHA-256; the
 * manifests, the tag manifest and its signature come last. */
#define _GNU_SOURCE
#include "bagit.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bagit_int.h"
#include "error.h"
#include "json.h"
#include "key.h"

/* One manifest line: a file and its digests (hex). */
struct bag_line {
	char *path;
	char sha256[65];
	char sha512[129];
};

struct bag_list {
	struct bag_line *v;
	size_t n, cap;
};

struct xfa_bagw {
	struct archive *ar;
	int fd;
	int format;
	char *name;
	int64_t mtime;
	int failed;                 /* a write failed: the package is unusable */
	xfa_sha256_ctx pkg;         /* the container's bytes */
	uint64_t pkg_bytes;
	/* the file being streamed */
	int open, cur_payload;
	char *cur;
	uint64_t want, got;
	xfa_sha256_ctx h256;
	xfa_sha512_ctx h512;
	struct bag_list payload, tags;
	uint64_t payload_bytes;
};

/* --- names and the UTF-8 locale ---------------------------------------- */

static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static locale_t utf8_loc;

static void utf8_init(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/*
 * libarchive converts names through the thread's locale (and the pax writer
 * of 3.6 crashes on a non-ASCII name in the "C" locale), so every call into
 * it runs under C.UTF-8 for this thread only; the process locale is the
 * program's business.
 */
int xfa_bag_locale_enter(locale_t *old)
{
	pthread_once(&utf8_once, utf8_init);
	if (!utf8_loc)
		return xfa_error_set(XFA_ERROR, "no C.UTF-8 locale for package names");
	*old = uselocale(utf8_loc);
	return 0;
}

void xfa_bag_locale_leave(locale_t old)
{
	uselocale(old);
}

int xfa_bag_format_for(int *out, const char *path)
{
	size_t n = strlen(path);

	if (n > 4 && !strcmp(path + n - 4, ".tar"))
		*out = XFA_BAG_TAR;
	else if (n > 4 && !strcmp(path + n - 4, ".zip"))
		*out = XFA_BAG_ZIP;
	else
		return xfa_error_set(XFA_EINVALID,
			"'%s': a package name ends in .tar or .zip", path);
	return 0;
}

int xfa_bag_path_check(const char *path, size_t max)
{
	size_t n = strlen(path), i, part = 0;

	if (n == 0 || n > max)
		return xfa_error_set(XFA_EINVALID, "name is empty or longer than %zu bytes", max);
	if (path[0] == '/')
		return xfa_error_set(XFA_EINVALID, "absolute name");
	if (!xfa_utf8_valid(path, n))
		return xfa_error_set(XFA_EINVALID, "name is not UTF-8");
	for (i = 0; i <= n; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c == '/' || c == '\0') {
			if (part == 0)
				return xfa_error_set(XFA_EINVALID, "empty part in the name");
			if ((part == 1 && path[i - 1] == '.') ||
			    (part == 2 && path[i - 1] == '.' && path[i - 2] == '.'))
				return xfa_error_set(XFA_EINVALID, "'.' or '..' in the name");
			part = 0;
			continue;
		}
		if (c == '\\')
			return xfa_error_set(XFA_EINVALID, "backslash in the name");
		if (c < 0x20 || c == 0x7f)
			return xfa_error_set(XFA_EINVALID, "control character in the name");
		part++;
	}
	return 0;
}

/* --- manifest lines ---------------------------------------------------- */

static int list_add(struct bag_list *l, const char *path, const char *h256,
		    const char *h512)
{
	struct bag_line *line;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct bag_line *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return xfa_error_set(XFA_ERROR, "out of memory");
		l->v = v;
		l->cap = cap;
	}
	line = &l->v[l->n];
	if (!(line->path = strdup(path)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	memcpy(line->sha256, h256, sizeof(line->sha256));
	memcpy(line->sha512, h512, sizeof(line->sha512));
	l->n++;
	return 0;
}

static void list_free(struct bag_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bag_line *)a)->path,
		      ((const struct bag_line *)b)->path);
}

/* Append `s` to a growing buffer, encoding CR, LF and % as RFC 8493 asks. */
static int buf_path(char **buf, size_t *len, size_t *cap, const char *s)
{
	for (; *s; s++) {
		const char *enc = *s == '%' ? "%25" : *s == '\r' ? "%0D" :
				  *s == '\n' ? "%0A" : NULL;
		size_t k = enc ? 3 : 1;
		if (*len + k + 2 > *cap) {
			size_t ncap = *cap * 2 + k + 256;
			char *nb = realloc(*buf, ncap);
			if (!nb)
				return xfa_error_set(XFA_ERROR, "out of memory");
			*buf = nb;
			*cap = ncap;
		}
		memcpy(*buf + *len, enc ? enc : s, k);
		*len += k;
	}
	return 0;
}

/* "<digest>  <path>\n" for every line, in path order: sha256sum's format. */
static int manifest_text(char **out, size_t *out_len, struct bag_list *l,
			 int alg512)
{
	size_t len = 0, cap = 0, i;
	char *buf = NULL;
	int err = 0;

	if (l->n) /* qsort(NULL, 0) is undefined */
		qsort(l->v, l->n, sizeof(*l->v), line_cmp);
	for (i = 0; i < l->n && !err; i++) {
		const char *h = alg512 ? l->v[i].sha512 : l->v[i].sha256;
		size_t hl = strlen(h);
		if (len + hl + 4 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + hl + 256);
			if (!nb) {
				err = xfa_error_set(XFA_ERROR, "out of memory");
				break;
			}
			buf = nb;
		}
		memcpy(buf + len, h, hl);
		memcpy(buf + len + hl, "  ", 2);
		len += hl + 2;
		if ((err = buf_path(&buf, &len, &cap, l->v[i].path)) == 0)
			buf[len++] = '\n';
	}
	if (err || !(*out = buf ? buf : strdup(""))) {
		free(buf);
		return err ? err : xfa_error_set(XFA_ERROR, "out of memory");
	}
	*out_len = len;
	return 0;
}

/* --- the container ----------------------------------------------------- */

static la_ssize_t out_write(struct archive *ar, void *cd, const void *buf,
			    size_t len)
{
	xfa_bagw *w = cd;
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(w->fd, (const char *)buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			archive_set_error(ar, errno, "%s", strerror(errno));
			return -1;
		}
		off += (size_t)n;
	}
	xfa_sha256_update(&w->pkg, buf, len);
	w->pkg_bytes += len;
	return (la_ssize_t)len;
}

static int ar_fail(xfa_bagw *w, const char *what)
{
	const char *msg = archive_error_string(w->ar);

	w->failed = 1;
	return xfa_error_set(XFA_EIO, "cannot write the package: %s: %s", what,
			     msg ? msg : "unknown error");
}

static int container_open(xfa_bagw *w)
{
	int r;

	if (!(w->ar = archive_write_new()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if (w->format == XFA_BAG_ZIP) {
		/* stored, not deflated: scans are compressed already, and a
		 * package must open with the plainest tools for decades */
		r = archive_write_set_format_zip(w->ar);
		if (r == ARCHIVE_OK)
			r = archive_write_zip_set_compression_store(w->ar);
		if (r == ARCHIVE_OK)
			r = archive_write_set_options(w->ar, "zip:hdrcharset=UTF-8");
	} else {
		/* ustar, with pax headers only for long or non-ASCII names */
		r = archive_write_set_format_pax_restricted(w->ar);
		if (r == ARCHIVE_OK)
			r = archive_write_set_bytes_per_block(w->ar, 64 * 1024);
		if (r == ARCHIVE_OK)
			r = archive_write_set_bytes_in_last_block(w->ar, 1);
	}
	if (r != ARCHIVE_OK)
		return ar_fail(w, "format");
	if (archive_write_open(w->ar, w, NULL, out_write, NULL) != ARCHIVE_OK)
		return ar_fail(w, "open");
	return 0;
}

int xfa_bagw_open(xfa_bagw **out, int fd, int format, const char *name,
		  int64_t mtime)
{
	xfa_bagw *w = calloc(1, sizeof(*w));
	locale_t old = LC_GLOBAL_LOCALE;
	int err;

	*out = NULL;
	if (!w || !(w->name = strdup(name))) {
		free(w);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	w->fd = fd;
	w->format = format;
	w->mtime = mtime;
	xfa_sha256_init(&w->pkg);
	if ((err = xfa_bag_path_check(name, 200)) < 0) {
		err = xfa_error_wrap(err, "bag name '%s'", name);
		goto fail;
	}
	if ((err = xfa_bag_locale_enter(&old)) < 0)
		goto fail;
	err = container_open(w);
	xfa_bag_locale_leave(old);
	if (err == 0 &&
	    (err = xfa_bagw_file(w, "bagit.txt", XFA_BAGIT_TXT, strlen(XFA_BAGIT_TXT))) == 0) {
		*out = w;
		return 0;
	}
fail:
	xfa_bagw_free(w);
	return err;
}

int xfa_bagw_begin(xfa_bagw *w, const char *path, uint64_t size)
{
	struct archive_entry *e = NULL;
	char *full = NULL;
	locale_t old = LC_GLOBAL_LOCALE;
	int err;

	if (w->failed || w->open)
		return xfa_error_set(XFA_ERROR, "internal: bag writer misused");
	if ((err = xfa_bag_path_check(path, 1024)) < 0)
		return xfa_error_wrap(err, "package entry '%s'", path);
	if (asprintf(&full, "%s/%s", w->name, path) < 0 || !(e = archive_entry_new())) {
		free(full);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	archive_entry_set_pathname_utf8(e, full);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, (time_t)w->mtime, 0);
	if ((err = xfa_bag_locale_enter(&old)) == 0) {
		if (archive_write_header(w->ar, e) != ARCHIVE_OK)
			err = ar_fail(w, path);
		xfa_bag_locale_leave(old);
	}
	archive_entry_free(e);
	free(full);
	if (err)
		return err;
	if (!(w->cur = strdup(path)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	w->open = 1;
	w->cur_payload = !strncmp(path, "data/", 5);
	w->want = size;
	w->got = 0;
	xfa_sha256_init(&w->h256);
	xfa_sha512_init(&w->h512);
	return 0;
}

int xfa_bagw_write(xfa_bagw *w, const void *data, size_t len)
{
	const char *p = data;
	locale_t old = LC_GLOBAL_LOCALE;
	int err = 0;

	if (!w->open || w->failed)
		return xfa_error_set(XFA_ERROR, "internal: bag writer misused");
	if (len > w->want - w->got)
		return xfa_error_set(XFA_EINVALID, "package entry '%s': more than "
				     "the %llu bytes announced", w->cur,
				     (unsigned long long)w->want);
	xfa_sha256_update(&w->h256, data, len);
	if (w->cur_payload)
		xfa_sha512_update(&w->h512, data, len);
	if ((err = xfa_bag_locale_enter(&old)) < 0)
		return err;
	while (len && !err) {
		la_ssize_t n = archive_write_data(w->ar, p, len);
		if (n <= 0)
			err = ar_fail(w, w->cur);
		else {
			p += n;
			len -= (size_t)n;
			w->got += (uint64_t)n;
		}
	}
	xfa_bag_locale_leave(old);
	return err;
}

int xfa_bagw_end(xfa_bagw *w, unsigned char sha256[32])
{
	unsigned char d256[32], d512[64];
	char h256[65], h512[129] = "";
	int err;

	if (!w->open || w->failed)
		return xfa_error_set(XFA_ERROR, "internal: bag writer misused");
	w->open = 0;
	if (w->got != w->want) {
		w->failed = 1;
		err = xfa_error_set(XFA_EINVALID, "package entry '%s': %llu bytes "
				    "instead of %llu", w->cur, (unsigned long long)w->got,
				    (unsigned long long)w->want);
		goto done;
	}
	xfa_sha256_final(&w->h256, d256);
	xfa_hex(h256, d256, 32);
	if (sha256)
		memcpy(sha256, d256, 32);
	if (w->cur_payload) {
		xfa_sha512_final(&w->h512, d512);
		xfa_hex(h512, d512, 64);
		w->payload_bytes += w->got;
	}
	err = list_add(w->cur_payload ? &w->payload : &w->tags, w->cur, h256, h512);
done:
	free(w->cur);
	w->cur = NULL;
	return err;
}

int xfa_bagw_file(xfa_bagw *w, const char *path, const void *data, size_t len)
{
	int err;

	if ((err = xfa_bagw_begin(w, path, len)) == 0 &&
	    (err = xfa_bagw_write(w, data, len)) == 0)
		err = xfa_bagw_end(w, NULL);
	return err;
}

void xfa_bagw_oxum(const xfa_bagw *w, uint64_t *bytes, uint64_t *count)
{
	*bytes = w->payload_bytes;
	*count = w->payload.n;
}

/* The two payload manifests and the tag manifest, as tag files. */
static int write_manifests(xfa_bagw *w, char **tagman, size_t *tagman_len)
{
	char *text = NULL;
	size_t len;
	int err;

	if ((err = manifest_text(&text, &len, &w->payload, 0)) < 0 ||
	    (err = xfa_bagw_file(w, "manifest-sha256.txt", text, len)) < 0)
		goto done;
	free(text);
	text = NULL;
	if ((err = manifest_text(&text, &len, &w->payload, 1)) < 0 ||
	    (err = xfa_bagw_file(w, "manifest-sha512.txt", text, len)) < 0)
		goto done;
	free(text);
	text = NULL;
	if ((err = manifest_text(&text, &len, &w->tags, 0)) < 0 ||
	    (err = xfa_bagw_file(w, "tagmanifest-sha256.txt", text, len)) < 0)
		goto done;
	*tagman = text;
	*tagman_len = len;
	text = NULL;
done:
	free(text);
	return err;
}

int xfa_bagw_finish(xfa_bagw *w, xfa_bag_sign_fn sign, void *payload,
		    unsigned char sha256[32], uint64_t *bytes)
{
	char *tagman = NULL, *sig = NULL;
	size_t tlen = 0;
	locale_t old = LC_GLOBAL_LOCALE;
	int err;

	if (w->open || w->failed)
		return xfa_error_set(XFA_ERROR, "internal: bag writer misused");
	if ((err = write_manifests(w, &tagman, &tlen)) < 0)
		goto done;
	/*
	 * The signature is a tag file that no manifest lists: it signs the tag
	 * manifest, so the tag manifest cannot hold its digest, and BagIt
	 * tools ignore tag files they do not know.  It covers everything else
	 * through the tag manifest, which covers the payload manifests.
	 */
	if (sign && ((err = sign(&sig, (const unsigned char *)tagman, tlen, payload)) < 0 ||
		     (err = xfa_bagw_file(w, "tagmanifest-sha256.txt.sig", sig,
					  strlen(sig))) < 0))
		goto done;
	if ((err = xfa_bag_locale_enter(&old)) < 0)
		goto done;
	if (archive_write_close(w->ar) != ARCHIVE_OK)
		err = ar_fail(w, "close");
	xfa_bag_locale_leave(old);
	if (err)
		goto done;
	xfa_sha256_final(&w->pkg, sha256);
	*bytes = w->pkg_bytes;
done:
	if (err)
		w->failed = 1;
	free(tagman);
	free(sig);
	return err;
}

void xfa_bagw_free(xfa_bagw *w)
{
	locale_t old = LC_GLOBAL_LOCALE;

	if (!w)
		return;
	if (w->ar && xfa_bag_locale_enter(&old) == 0) {
		archive_write_free(w->ar);
		xfa_bag_locale_leave(old);
	}
	list_free(&w->payload);
	list_free(&w->tags);
	free(w->cur);
	free(w->name);
	free(w);
}
