/* bagit_read.c - reading a tar or zip package through libarchive without
 * writing to disk, refusing hostile entries and anything past the limits,
 * and checking that the bag inside is complete and valid (RFC 8493). */
#define _GNU_SOURCE
#include "bagit.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bagit_int.h"
#include "error.h"
#include "key.h"

#define BLOCK (64 * 1024)

/* A package may expand at most this many times the bytes read from it
 * (past the first EXPAND_FREE bytes): more is a compression bomb. */
#define EXPAND_RATIO 100
#define EXPAND_FREE (8ull << 20)

/*
 * The defaults bound the reader's memory by design, whatever the package
 * holds: verify-export's memory grows about 1.6 KB a file (the table of
 * files, the manifests, export.json and the inventory held to the end;
 * each case's events and documents are freed once checked), so 30,000
 * files (about 5,000 cases) stay under 64 MiB with the 24 MiB of kept
 * bytes; attachments are hashed as they stream and never held.
 */
void xfa_bag_limits_default(xfa_bag_limits *l)
{
	l->total = 64ull << 30;
	l->entry = 4ull << 30;
	l->entries = 30000;
	l->path = 1024;
	l->kept = 24ull << 20;
	l->kept_entry = 8ull << 20;
}

/* What one read pass carries. */
struct reader {
	struct archive *ar;
	const xfa_bag_limits *lim;
	xfa_bag_keep_fn keep;
	xfa_bag_file_fn on_file;
	void *payload;
	xfa_bag *bag;
	size_t cap;
	char **dirs;              /* folder entries, for the duplicate check */
	size_t ndirs, capdirs;
	uint64_t entries, kept;
	uint64_t declared;        /* bytes the headers announced so far */
};

static int reject(const char *name, const char *why)
{
	return xfa_error_set(XFA_EINVALID, "package entry '%s': %s", name, xfa_tr(why));
}

static int push_file(struct reader *r, xfa_bag_file *f)
{
	xfa_bag *b = r->bag;

	if (b->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		xfa_bag_file *v = realloc(b->files, cap * sizeof(*v));
		if (!v)
			return xfa_error_set(XFA_ERROR, "out of memory");
		b->files = v;
		r->cap = cap;
	}
	b->files[b->n++] = *f;
	return 0;
}

static int push_dir(struct reader *r, const char *path)
{
	if (r->ndirs == r->capdirs) {
		size_t cap = r->capdirs ? r->capdirs * 2 : 64;
		char **v = realloc(r->dirs, cap * sizeof(*v));
		if (!v)
			return xfa_error_set(XFA_ERROR, "out of memory");
		r->dirs = v;
		r->capdirs = cap;
	}
	if (!(r->dirs[r->ndirs] = strdup(path)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	r->ndirs++;
	return 0;
}

/* Split "<bag>/<rest>" and check the bag folder is the package's only one. */
static int split_name(const char **rest, struct reader *r, const char *name)
{
	const char *slash = strchr(name, '/');
	size_t n = slash ? (size_t)(slash - name) : strlen(name);

	if (!r->bag->name && !(r->bag->name = strndup(name, n)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if (strlen(r->bag->name) != n || strncmp(r->bag->name, name, n))
		return reject(name, "outside the bag's folder");
	*rest = slash ? slash + 1 : "";
	return 0;
}

/* The entry's kind: 1 a regular file, 0 a folder; or a refusal. */
static int entry_kind(struct archive_entry *e, const char *name)
{
	mode_t t = archive_entry_filetype(e);

	if (archive_entry_hardlink(e))
		return reject(name, "a hard link");
	if (t == AE_IFLNK || archive_entry_symlink(e))
		return reject(name, "a symbolic link");
	if (t == AE_IFCHR || t == AE_IFBLK)
		return reject(name, "a device");
	if (t == AE_IFIFO)
		return reject(name, "a FIFO");
	if (t == AE_IFSOCK)
		return reject(name, "a socket");
	if (t != AE_IFREG && t != AE_IFDIR)
		return reject(name, "not a regular file or folder");
	if (archive_entry_is_encrypted(e))
		return reject(name, "encrypted");
	if (t == AE_IFREG && archive_entry_sparse_count(e) > 0)
		return reject(name, "a sparse file");
	return t == AE_IFREG;
}

/* Read the data of a file entry, counting what comes, not what was declared. */
static int read_data(struct reader *r, xfa_bag_file *f, const char *name,
		     int keep, int64_t declared)
{
	xfa_sha256_ctx h256;
	xfa_sha512_ctx h512;
	size_t cap = 0;
	const void *buf;
	size_t len;
	la_int64_t off;
	int rc;

	xfa_sha256_init(&h256);
	xfa_sha512_init(&h512);
	while ((rc = archive_read_data_block(r->ar, &buf, &len, &off)) == ARCHIVE_OK) {
		if ((uint64_t)off != f->size)
			return reject(name, "holes in the data (sparse)");
		if (!len)        /* zip hands empty entries a NULL block */
			continue;
		if (len > r->lim->entry - f->size)
			return reject(name, "larger than the limit for one entry");
		if (len > r->lim->total - r->bag->bytes)
			return reject(name, "the package is larger than the limit");
		if (r->bag->bytes + len > EXPAND_FREE &&
		    r->bag->bytes + len > EXPAND_RATIO *
		    (uint64_t)archive_filter_bytes(r->ar, -1))
			return reject(name, "the package expands more than 100 times "
				      "the bytes it occupies (a compression bomb)");
		if (keep) {
			if (len > r->lim->kept - r->kept)
				return reject(name, "too many bytes to hold for checking");
			if (len > r->lim->kept_entry - f->size)
				return reject(name, "a document or tag file larger than "
					      "the limit for one");
			if (f->size + len + 1 > cap) {
				/* the declared size at once (it is checked against
				 * the limits), else doubling */
				size_t want = declared >= 0 && (uint64_t)declared >= f->size + len
					? (size_t)declared + 1 : (f->size + len) * 2 + 1;
				char *nd = realloc(f->data, cap = want);
				if (!nd)
					return xfa_error_set(XFA_ERROR, "out of memory");
				f->data = nd;
			}
			memcpy(f->data + f->size, buf, len);
			r->kept += len;
		}
		xfa_sha256_update(&h256, buf, len);
		xfa_sha512_update(&h512, buf, len);
		f->size += len;
		r->bag->bytes += len;
	}
	if (rc != ARCHIVE_EOF)
		return reject(name, archive_error_string(r->ar) ?
			      archive_error_string(r->ar) : "unreadable data");
	if (declared >= 0 && (uint64_t)declared != f->size)
		return reject(name, "its data does not have the size its header declares");
	if (keep && !f->data && !(f->data = malloc(1)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if (keep)
		f->data[f->size] = '\0';
	xfa_sha256_final(&h256, f->sha256);
	xfa_sha512_final(&h512, f->sha512);
	return 0;
}

/* One entry: check its name and kind, then hash (and maybe keep) its data. */
static int one_entry(struct reader *r, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname_utf8(e), *rest = "";
	char *name = NULL;
	xfa_bag_file f;
	int64_t declared = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	int kind, keep, err;
	size_t n;

	memset(&f, 0, sizeof(f));
	if (++r->entries > r->lim->entries)
		return reject(raw ? raw : "?", "the package has more entries than the limit");
	if (!raw)
		return xfa_error_set(XFA_EINVALID, "package entry %llu: name is not UTF-8",
				     (unsigned long long)r->entries);
	if (!(name = strdup(raw)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	n = strlen(name);
	if ((kind = entry_kind(e, raw)) < 0) {
		err = kind;
		goto done;
	}
	if (kind == 0 && n > 1 && name[n - 1] == '/')
		name[--n] = '\0';
	if ((err = xfa_bag_path_check(name, r->lim->path)) < 0) {
		char why[256];
		snprintf(why, sizeof(why), "%s", xfa_error_last());
		err = reject(raw, why);
		goto done;
	}
	if ((err = split_name(&rest, r, name)) < 0)
		goto done;
	if (kind == 0) {
		err = *rest ? push_dir(r, rest) : 0;
		goto done;
	}
	if (!*rest) {
		err = reject(raw, "a file in place of the bag's folder");
		goto done;
	}
	if (declared > 0 && (uint64_t)declared > r->lim->entry) {
		err = reject(raw, "its header declares more than the limit for one entry");
		goto done;
	}
	if (declared > 0 && (uint64_t)declared > r->lim->total - r->declared) {
		err = reject(raw, "the headers declare more than the limit for the package");
		goto done;
	}
	if (declared > 0)
		r->declared += (uint64_t)declared;
	keep = strncmp(rest, "data/", 5) || (r->keep && r->keep(rest, declared < 0 ? 0 :
						(uint64_t)declared, r->payload));
	if (keep && declared > 0 && (uint64_t)declared > r->lim->kept_entry) {
		err = reject(raw, "its header declares a document or tag file larger "
			     "than the limit for one");
		goto done;
	}
	if (!(f.path = strdup(rest))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	if ((err = read_data(r, &f, raw, keep, declared)) == 0 &&
	    (err = push_file(r, &f)) == 0) {
		memset(&f, 0, sizeof(f));
		if (r->on_file) {
			long freed = r->on_file(r->bag, r->bag->n - 1, r->payload);
			if (freed < 0)
				err = (int)freed;
			else
				r->kept -= (uint64_t)freed > r->kept ? r->kept : (uint64_t)freed;
		}
	}
done:
	free(f.path);
	free(f.data);
	free(name);
	return err;
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const xfa_bag_file *)a)->path, ((const xfa_bag_file *)b)->path);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is `a` equal to `b` or a folder above it? */
static int covers(const char *a, const char *b)
{
	size_t n = strlen(a);

	return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/');
}

/* No name twice, and no file where another entry needs a folder. */
static int check_duplicates(struct reader *r)
{
	xfa_bag *b = r->bag;
	size_t i, j;

	/* qsort's array must not be NULL, even for no elements (UBSan) */
	if (b->n)
		qsort(b->files, b->n, sizeof(*b->files), file_cmp);
	if (r->ndirs)
		qsort(r->dirs, r->ndirs, sizeof(*r->dirs), str_cmp);
	for (i = 0; i + 1 < b->n; i++)
		if (covers(b->files[i].path, b->files[i + 1].path))
			return reject(b->files[i + 1].path, !strcmp(b->files[i].path,
				      b->files[i + 1].path) ? "a duplicate entry"
				      : "below a name that is a file");
	for (i = 0, j = 0; i < r->ndirs; i++) {
		if (i + 1 < r->ndirs && !strcmp(r->dirs[i], r->dirs[i + 1]))
			return reject(r->dirs[i], "a duplicate entry");
		if (xfa_bag_find(b, r->dirs[i]))
			return reject(r->dirs[i], "both a file and a folder");
		for (; j < b->n && strcmp(b->files[j].path, r->dirs[i]) < 0; j++)
			if (covers(b->files[j].path, r->dirs[i]))
				return reject(r->dirs[i], "below a name that is a file");
	}
	return 0;
}

static int read_all(struct reader *r, const char *path)
{
	struct archive_entry *e;
	int rc, err = 0;

	archive_read_support_format_tar(r->ar);
	archive_read_support_format_zip(r->ar);
	if (archive_read_open_filename(r->ar, path, BLOCK) != ARCHIVE_OK) {
		const char *m = archive_error_string(r->ar);
		return xfa_error_set(archive_errno(r->ar) == ENOENT ? XFA_ENOTFOUND
				     : XFA_EINVALID, "'%s': %s", path,
				     m ? m : "not a tar or zip package");
	}
	while (!err && (rc = archive_read_next_header(r->ar, &e)) != ARCHIVE_EOF) {
		if (rc != ARCHIVE_OK) {
			const char *m = archive_error_string(r->ar);
			return xfa_error_set(XFA_EINVALID, "'%s': entry %llu: %s", path,
					     (unsigned long long)r->entries + 1,
					     m ? m : "unreadable header");
		}
		err = one_entry(r, e);
	}
	if (err)
		return err;
	if (!r->bag->name)
		return xfa_error_set(XFA_EINVALID, "'%s': an empty package", path);
	return check_duplicates(r);
}

int xfa_bag_read(xfa_bag **out, const char *path, const xfa_bag_limits *lim,
		 xfa_bag_keep_fn keep, void *payload)
{
	return xfa_bag_read_each(out, path, lim, keep, NULL, payload);
}

int xfa_bag_read_each(xfa_bag **out, const char *path, const xfa_bag_limits *lim,
		      xfa_bag_keep_fn keep, xfa_bag_file_fn on_file, void *payload)
{
	xfa_bag_limits dflt;
	struct reader r;
	locale_t old = LC_GLOBAL_LOCALE;
	size_t i;
	int err;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	if (!lim) {
		xfa_bag_limits_default(&dflt);
		lim = &dflt;
	}
	r.lim = lim;
	r.keep = keep;
	r.on_file = on_file;
	r.payload = payload;
	if (!(r.bag = calloc(1, sizeof(*r.bag))) || !(r.ar = archive_read_new())) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	if ((err = xfa_bag_locale_enter(&old)) < 0)
		goto done;
	err = read_all(&r, path);
	archive_read_free(r.ar);
	r.ar = NULL;
	xfa_bag_locale_leave(old);
done:
	if (r.ar)
		archive_read_free(r.ar);
	for (i = 0; i < r.ndirs; i++)
		free(r.dirs[i]);
	free(r.dirs);
	if (err)
		xfa_bag_free(r.bag);
	else
		*out = r.bag;
	return err;
}

const xfa_bag_file *xfa_bag_find(const xfa_bag *b, const char *path)
{
	xfa_bag_file key;

	key.path = (char *)path;
	return b->n ? bsearch(&key, b->files, b->n, sizeof(*b->files), file_cmp) : NULL;
}

void xfa_bag_free(xfa_bag *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->files[i].path);
		free(b->files[i].data);
	}
	free(b->files);
	free(b->name);
	free(b);
}
