/* bagit.h - BagIt 1.0 bags (RFC 8493) serialised as tar or zip through
 * libarchive: a streaming writer that hashes while it writes and puts the
 * manifests last, a reader that checks a package without extracting it,
 * and the bag's completeness and validity.  Only bagit.c and bagit_read.c
 * include archive.h. */
#ifndef XFA_BAGIT_H
#define XFA_BAGIT_H

#include <stddef.h>
#include <stdint.h>

/* The two containers. */
enum { XFA_BAG_TAR = 1, XFA_BAG_ZIP = 2 };

/* bagit.txt, exactly. */
#define XFA_BAGIT_TXT "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

/* The container a package name asks for: "*.tar" or "*.zip".  Returns 0 or
 * XFA_EINVALID naming `path`. */
int xfa_bag_format_for(int *out, const char *path);

/* Signs `len` bytes and returns an armored SSH signature (malloc'd). */
typedef int (*xfa_bag_sign_fn)(char **armor, const unsigned char *msg,
			       size_t len, void *payload);

/* --- writing ----------------------------------------------------------- */

typedef struct xfa_bagw xfa_bagw;

/*
 * Start a bag whose entries are "<name>/..." in container `format`,
 * written to the open file `fd` (which stays the caller's), every entry
 * dated `mtime`.  bagit.txt is written at once.  The writer hashes the
 * package's bytes as it writes them (see xfa_bagw_finish).  *out is the
 * caller's (xfa_bagw_free).  Returns 0, XFA_EINVALID or XFA_ERROR.
 */
int xfa_bagw_open(xfa_bagw **out, int fd, int format, const char *name,
		  int64_t mtime);

/*
 * Add a whole file at `path` below the bag ("data/..." is payload and goes
 * into both manifests; anything else is a tag file and goes into the tag
 * manifest).  Paths are UTF-8, relative, without "." or ".." parts.
 */
int xfa_bagw_file(xfa_bagw *w, const char *path, const void *data, size_t len);

/*
 * Stream a file of exactly `size` bytes: begin, write pieces, end.  `end`
 * fails with XFA_EINVALID if fewer bytes came, `write` if more; `sha256`
 * (may be NULL) receives the file's digest.  Memory: one chunk at a time.
 */
int xfa_bagw_begin(xfa_bagw *w, const char *path, uint64_t size);
int xfa_bagw_write(xfa_bagw *w, const void *data, size_t len);
int xfa_bagw_end(xfa_bagw *w, unsigned char sha256[32]);

/* Payload-Oxum so far: bytes and number of payload files. */
void xfa_bagw_oxum(const xfa_bagw *w, uint64_t *bytes, uint64_t *count);

/*
 * Write manifest-sha256.txt and manifest-sha512.txt (every payload file,
 * sorted by path), tagmanifest-sha256.txt (every tag file so far and both
 * manifests), and, when `sign` is given, tagmanifest-sha256.txt.sig: the
 * signature `sign` makes over the tag manifest's exact bytes.  Then close
 * the container; `sha256` and `bytes` receive the digest and size of the
 * whole package as written.  The caller still owns and syncs the fd.
 */
int xfa_bagw_finish(xfa_bagw *w, xfa_bag_sign_fn sign, void *payload,
		    unsigned char sha256[32], uint64_t *bytes);

/* Abandon (NULL-safe). */
void xfa_bagw_free(xfa_bagw *w);

/* --- reading ----------------------------------------------------------- */

/* What a reader accepts; anything past these rejects the package. */
typedef struct xfa_bag_limits {
	uint64_t total;        /* bytes of all entries, counted as read */
	uint64_t entry;        /* bytes of one entry, counted as read */
	uint64_t entries;      /* number of entries, folders included */
	size_t path;           /* bytes of an entry's name */
	uint64_t kept;         /* bytes kept in memory (tag files, documents) */
	uint64_t kept_entry;   /* bytes of one kept file */
} xfa_bag_limits;

/* 64 GiB in all, 4 GiB per entry, 30,000 entries, 1024-byte names,
 * 24 MiB kept, 8 MiB per kept file; and always: no expansion past 100
 * times the bytes read (beyond the first 8 MiB).  Header sizes are checked
 * before any data is read. */
void xfa_bag_limits_default(xfa_bag_limits *l);

/* One file of a package. */
typedef struct xfa_bag_file {
	char *path;                 /* below the bag: "bagit.txt", "data/..." */
	uint64_t size;
	unsigned char sha256[32];
	unsigned char sha512[64];
	char *data;                 /* the bytes (NUL-terminated) if kept, or NULL */
} xfa_bag_file;

/* A package read into memory: its files' digests and the kept bytes. */
typedef struct xfa_bag {
	char *name;                 /* the bag's top folder */
	xfa_bag_file *files;        /* sorted by path */
	size_t n;
	uint64_t bytes;             /* all entries' bytes */
} xfa_bag;

/* Should the bytes of payload file `path` (of `size` bytes) be kept? */
typedef int (*xfa_bag_keep_fn)(const char *path, uint64_t size, void *payload);

/*
 * Read the tar or zip package at `path` entry by entry without writing
 * anything to disk, hashing every file (SHA-256 and SHA-512) and keeping
 * the bytes of every tag file and of the payload files `keep` asks for.
 * Rejects the package (XFA_EINVALID, the message naming the entry) for: an
 * entry outside one top folder, an absolute name, a "." or ".." part, a
 * backslash, an empty part, a name that is not UTF-8 or holds a control
 * character, a symbolic or hard link, a device, FIFO or socket, a sparse
 * or encrypted entry, a duplicate name, data that does not match the
 * entry's declared size, a compression bomb (more than 100 bytes out
 * for one read), and anything past `lim` (NULL: the defaults), refusing
 * what headers declare before reading, and counting what is read too.  Returns 0,
 * XFA_ENOTFOUND, XFA_EINVALID, XFA_EIO or XFA_ERROR.
 */
int xfa_bag_read(xfa_bag **out, const char *path, const xfa_bag_limits *lim,
		 xfa_bag_keep_fn keep, void *payload);

/*
 * Called after each file is read, with the bag so far (its files in the
 * package's order, not sorted yet) and the new file's index: the caller
 * may check files as they stream and free the `data` it no longer needs
 * (setting it NULL).  Returns the number of kept bytes it freed (which no
 * longer count against lim->kept), or a negative code that stops the read.
 */
typedef long (*xfa_bag_file_fn)(xfa_bag *b, size_t i, void *payload);

/* xfa_bag_read, calling `on_file` (may be NULL) after each file. */
int xfa_bag_read_each(xfa_bag **out, const char *path, const xfa_bag_limits *lim,
		      xfa_bag_keep_fn keep, xfa_bag_file_fn on_file, void *payload);

/* The file at `path` below the bag, or NULL; borrowed. */
const xfa_bag_file *xfa_bag_find(const xfa_bag *b, const char *path);

void xfa_bag_free(xfa_bag *b);

/*
 * The value of `label` in bag-info.txt (the first one; continuation lines
 * joined with a space), malloc'd, or NULL if absent.
 */
char *xfa_bag_info(const xfa_bag *b, const char *label);

/* A problem found in a bag: the file at fault, a reason code, a message. */
typedef void (*xfa_bag_finding_fn)(const char *file, const char *reason,
				   const char *msg, void *payload);

/*
 * Check that `b` is a complete and valid bag (RFC 8493 section 3): bagit.txt
 * is exactly XFA_BAGIT_TXT; there is a manifest; every manifest and tag
 * manifest line is well formed, names a file that exists and carries its
 * digest; every payload file is in every manifest; bag-info.txt is well
 * formed and its Payload-Oxum matches.  Manifests of algorithms other than
 * sha256 and sha512 are reported as unverifiable.  Calls `fn` for each
 * problem (reasons: bagit-declaration, missing-manifest, bad-manifest,
 * unsupported-algorithm, missing-file, unlisted-file, digest-mismatch,
 * bad-bag-info, oxum-mismatch) and returns their number.
 */
size_t xfa_bag_validate(const xfa_bag *b, xfa_bag_finding_fn fn,
			void *payload);

/*
 * The paths a manifest lists, in order, as a malloc'd NULL-terminated
 * array (free with xfa_bag_strv_free); NULL if the file is absent or
 * malformed.
 */
char **xfa_bag_manifest_paths(const xfa_bag *b, const char *manifest);
void xfa_bag_strv_free(char **v);

#endif
