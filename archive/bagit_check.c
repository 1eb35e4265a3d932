/* bagit_check.c - is a bag read by xfa_bag_read complete and valid
 * (RFC 8493 section 3): bagit.txt, manifests and tag manifests, every
 * digest, bag-info.txt and its Payload-Oxum. */
#define _GNU_SOURCE
#include "bagit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bagit_int.h"
#include "error.h"
#include "key.h"

/* One parsed manifest line. */
struct mline {
	char *path;
	const char *hex;
	size_t hexlen;
};

struct check {
	const xfa_bag *b;
	xfa_bag_finding_fn fn;
	void *payload;
	size_t n;
};

static void found(struct check *c, const char *file, const char *reason,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void found(struct check *c, const char *file, const char *reason,
		  const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), xfa_tr(fmt), ap);
	va_end(ap);
	c->n++;
	if (c->fn)
		c->fn(file, reason, msg, c->payload);
}

/* Decode %0D, %0A and %25 (RFC 8493 2.1.3); other text is kept as is. */
static char *decode_path(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len) {
			if (!strncasecmp(s + i, "%0D", 3) || !strncasecmp(s + i, "%0A", 3) ||
			    !strncmp(s + i, "%25", 3)) {
				*o++ = s[i + 2] == '5' ? '%' : (s[i + 2] | 0x20) == 'd' ? '\r' : '\n';
				i += 2;
				continue;
			}
		}
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

static void mlines_free(struct mline *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i].path);
	free(v);
}

/*
 * Split a manifest into lines "<hex><spaces or tabs><path>".  Malformed
 * lines are reported (when `c` is given) and left out.  Returns the number
 * of lines in *out, or -1 when out of memory.
 */
static long parse_manifest(struct mline **out, const xfa_bag_file *f,
			   struct check *c)
{
	const char *p = f->data, *end = f->data + f->size;
	struct mline *v = NULL;
	size_t n = 0, cap = 0, lineno = 0;

	*out = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le, *sp, *q;
		le = nl ? nl : end;
		lineno++;
		if (le > p && le[-1] == '\r')
			le--;
		for (sp = p; sp < le && *sp != ' ' && *sp != '\t'; sp++)
			;
		for (q = sp; q < le && (*q == ' ' || *q == '\t'); q++)
			;
		if (sp == p || q == sp || q == le) {
			if (c)
				found(c, f->path, "bad-manifest", "line %zu is not "
				      "'<digest> <path>'", lineno);
		} else {
			if (n == cap) {
				struct mline *nv = realloc(v, (cap = cap * 2 + 64) * sizeof(*v));
				if (!nv)
					goto oom;
				v = nv;
			}
			v[n].hex = p;
			v[n].hexlen = (size_t)(sp - p);
			if (!(v[n].path = decode_path(q, (size_t)(le - q))))
				goto oom;
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	*out = v;
	return (long)n;
oom:
	mlines_free(v, n);
	return -1;
}

static int mline_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mline *)a)->path, ((const struct mline *)b)->path);
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

/* One listed file: its name, presence and digest. */
static void check_line(struct check *c, const xfa_bag_file *man,
		       const struct mline *l, int tag, int alg512)
{
	const xfa_bag_file *f;
	char hex[129];

	if (l->hexlen != (alg512 ? 128u : 64u) || !is_hex(l->hex, l->hexlen)) {
		found(c, man->path, "bad-manifest", "'%s': not a %s digest", l->path,
		      alg512 ? "sha512" : "sha256");
		return;
	}
	if (xfa_bag_path_check(l->path, 4096) < 0 ||
	    (!tag && strncmp(l->path, "data/", 5)) || (tag && !strncmp(l->path, "data/", 5))) {
		found(c, man->path, "bad-manifest", "'%s': not a %s file name", l->path,
		      tag ? "tag" : "payload");
		return;
	}
	if (!(f = xfa_bag_find(c->b, l->path))) {
		found(c, l->path, "missing-file", "listed in %s but not in the package",
		      man->path);
		return;
	}
	if (alg512)
		xfa_hex(hex, f->sha512, 64);
	else
		xfa_hex(hex, f->sha256, 32);
	if (strncasecmp(hex, l->hex, l->hexlen))
		found(c, l->path, "digest-mismatch", "its %s differs from %s",
		      alg512 ? "sha512" : "sha256", man->path);
}

/* A manifest or tag manifest: every line, and (payload) every file listed. */
static void check_manifest(struct check *c, const xfa_bag_file *man, int tag,
			   const char *alg)
{
	int alg512 = !strcmp(alg, "sha512");
	struct mline *v = NULL, key;
	long n;
	size_t i;

	if (!alg512 && strcmp(alg, "sha256")) {
		found(c, man->path, "unsupported-algorithm",
		      "xfa checks sha256 and sha512 manifests, not %s", alg);
		return;
	}
	if ((n = parse_manifest(&v, man, c)) < 0) {
		found(c, man->path, "bad-manifest", "out of memory");
		return;
	}
	for (i = 0; i < (size_t)n; i++)
		check_line(c, man, &v[i], tag, alg512);
	if (n > 0) /* qsort(NULL, 0) is undefined */
		qsort(v, (size_t)n, sizeof(*v), mline_cmp);
	for (i = 1; i < (size_t)n; i++)
		if (!strcmp(v[i].path, v[i - 1].path))
			found(c, man->path, "bad-manifest", "'%s' is listed twice", v[i].path);
	for (i = 0; !tag && i < c->b->n; i++) {
		key.path = c->b->files[i].path;
		if (!strncmp(key.path, "data/", 5) &&
		    !(n && bsearch(&key, v, (size_t)n, sizeof(*v), mline_cmp)))
			found(c, key.path, "unlisted-file", "not listed in %s", man->path);
	}
	mlines_free(v, (size_t)n);
}

/* "manifest-<alg>.txt" (tag 0) or "tagmanifest-<alg>.txt" (tag 1): the alg. */
static int manifest_alg(char *alg, size_t n, const char *path, int *tag)
{
	const char *p;
	size_t len;

	*tag = !strncmp(path, "tagmanifest-", 12);
	if (!*tag && strncmp(path, "manifest-", 9))
		return 0;
	p = path + (*tag ? 12 : 9);
	len = strlen(p);
	if (len <= 4 || len - 4 >= n || strcmp(p + len - 4, ".txt") || strchr(p, '/'))
		return 0;
	memcpy(alg, p, len - 4);
	alg[len - 4] = '\0';
	return 1;
}

/* bag-info.txt: "Label: value" lines (continuations indented), Payload-Oxum. */
static void check_info(struct check *c)
{
	const xfa_bag_file *f = xfa_bag_find(c->b, "bag-info.txt");
	unsigned long long bytes = 0, count = 0, ob, oc;
	const char *p, *nl;
	char *oxum, tail;
	size_t i, lineno = 0;

	if (!f)
		return;
	for (p = f->data; p < f->data + f->size; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(f->data + f->size - p));
		lineno++;
		if (!nl) {
			found(c, f->path, "bad-bag-info", "line %zu does not end", lineno);
			break;
		}
		if ((*p == ' ' || *p == '\t') && lineno > 1)
			continue;
		if (!memchr(p, ':', (size_t)(nl - p)) || *p == ':' || *p == ' ')
			found(c, f->path, "bad-bag-info", "line %zu is not 'Label: value'", lineno);
	}
	for (i = 0; i < c->b->n; i++)
		if (!strncmp(c->b->files[i].path, "data/", 5)) {
			bytes += c->b->files[i].size;
			count++;
		}
	if ((oxum = xfa_bag_info(c->b, "Payload-Oxum"))) {
		if (sscanf(oxum, "%llu.%llu%c", &ob, &oc, &tail) != 2)
			found(c, f->path, "bad-bag-info", "Payload-Oxum '%s' is not "
			      "<bytes>.<files>", oxum);
		else if (ob != bytes || oc != count)
			found(c, f->path, "oxum-mismatch", "Payload-Oxum says %llu bytes in "
			      "%llu files, the payload has %llu in %llu", ob, oc, bytes, count);
		free(oxum);
	}
}

size_t xfa_bag_validate(const xfa_bag *b, xfa_bag_finding_fn fn, void *payload)
{
	const xfa_bag_file *f = xfa_bag_find(b, "bagit.txt");
	struct check c = { b, fn, payload, 0 };
	size_t i, manifests = 0;
	char alg[32];
	int tag;

	if (!f)
		found(&c, "bagit.txt", "bagit-declaration", "missing");
	else if (f->size != strlen(XFA_BAGIT_TXT) || memcmp(f->data, XFA_BAGIT_TXT, f->size))
		found(&c, "bagit.txt", "bagit-declaration",
		      "is not exactly BagIt-Version 1.0 with UTF-8 tag files");
	for (i = 0; i < b->n; i++) {
		if (!manifest_alg(alg, sizeof(alg), b->files[i].path, &tag))
			continue;
		manifests += !tag;
		check_manifest(&c, &b->files[i], tag, alg);
	}
	if (!manifests)
		found(&c, "manifest-sha512.txt", "missing-manifest", "the bag has no payload manifest");
	check_info(&c);
	return c.n;
}

char *xfa_bag_info(const xfa_bag *b, const char *label)
{
	const xfa_bag_file *f = xfa_bag_find(b, "bag-info.txt");
	size_t n = strlen(label);
	const char *p, *end, *nl;
	char *out = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	end = f->data + f->size;
	for (p = f->data; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl : end;
		if (out && (*p == ' ' || *p == '\t')) {
			char *no;
			while (p < nl && (*p == ' ' || *p == '\t'))
				p++;
			if (!(no = realloc(out, len + (size_t)(nl - p) + 2)))
				break;
			out = no;
			out[len++] = ' ';
			memcpy(out + len, p, (size_t)(nl - p));
			out[len += (size_t)(nl - p)] = '\0';
			continue;
		}
		if (out)
			break;
		if ((size_t)(nl - p) > n && !strncmp(p, label, n) && p[n] == ':') {
			const char *v = p + n + 1;
			while (v < nl && (*v == ' ' || *v == '\t'))
				v++;
			if (!(out = strndup(v, (size_t)(nl - v))))
				return NULL;
			len = strlen(out);
		}
	}
	if (out && len && out[len - 1] == '\r')
		out[len - 1] = '\0';
	return out;
}

char **xfa_bag_manifest_paths(const xfa_bag *b, const char *manifest)
{
	const xfa_bag_file *f = xfa_bag_find(b, manifest);
	struct mline *v = NULL;
	char **out;
	long n, i;

	if (!f || !f->data || (n = parse_manifest(&v, f, NULL)) < 0)
		return NULL;
	if (!(out = calloc((size_t)n + 1, sizeof(*out)))) {
		mlines_free(v, (size_t)n);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		out[i] = v[i].path;
		v[i].path = NULL;
	}
	mlines_free(v, (size_t)n);
	return out;
}

void xfa_bag_strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
