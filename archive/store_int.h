/* store_int.h - what the files of the store module share (store.c: objects,
 * transactions and publishing; store_history.c: reading history;
 * store_bulk.c: bulk packs; store_pack.c: packs of what commits add;
 * store_remote.c: remotes and exchange; store_push.c: pushes;
 * store_transport.c: credentials, host keys and errors of a transfer).  Only
 * these files include git2.h.  Not a public header. */
#ifndef XFA_STORE_INT_H
#define XFA_STORE_INT_H

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "store.h"

struct xfa_store {
	git_repository *repo;
	char *path;
	/* bulk mode (xfa_store_bulk_begin): repo writes into `mempack` */
	git_repository *plain;     /* the repository outside bulk mode */
	git_odb_backend *mempack;  /* owned by repo's object database */
	git_oid *bulk;             /* commits written since the last flush */
	size_t nbulk, capbulk;
	char *incoming;            /* objects/xfa-incoming-*, store_incoming.c */
	int incoming_owner;        /* made by this handle (removed with it) */
	int incoming_lock;         /* the owner's flock on <incoming>/.lock */
};

/* Turn libgit2's last error `gerr` into ours: "<what>: <libgit2 message>". */
int store_fail(int gerr, const char *what);

/* store_incoming.c: durable writes in four flushes.  Object writes go
 * between begin and end (into the incoming folder, unsynced, once it
 * exists); flush puts them on disk and into objects/ before a ref names
 * them.  store_durable is what --no-fsync turns off. */
extern int store_durable;
int store_objects_begin(xfa_store *st);
void store_objects_end(xfa_store *st);
int store_incoming_flush(xfa_store *st);
void store_incoming_free(xfa_store *st);
/* A handle just opened: if this process writes into an incoming folder of
 * the same repository, read (and write) there too. */
void store_incoming_share(xfa_store *st);

/* store_ca.c: while on, libgit2's start-up notes the CA bundle it would
 * parse instead of parsing it; store_ca_deferred() is that bundle (or
 * NULL: nothing deferred, libgit2 loaded its own). */
void store_ca_defer(int on);
const char *store_ca_deferred(void);
void store_ca_free(void);

/* The tree entry at `path` in `commit`'s tree (the caller frees it). */
int store_entry_at(git_tree_entry **out, xfa_store *st, const xfa_oid *commit,
		   const char *path);

/* Add commit `id` to `pb` with the trees and blobs it holds that none of
 * its parents holds at the same path (store_pack.c). */
int store_pack_commit(git_packbuilder *pb, git_repository *repo, const git_oid *id);

/* Add to `pb` what `want` reaches and `have` (NULL: nothing) does not:
 * each commit of the range with what it adds over its parents.  Costs what
 * the range changes, not the size of the trees.  0 or a libgit2 code. */
int store_pack_range(git_packbuilder *pb, git_repository *repo,
		     const git_oid *want, const git_oid *have);

/* Send the objects of `want` that repository `dest` lacks (all but what
 * `have` reaches; NULL: all) from `src` as one pack.  0 or a code. */
int store_pack_send(git_repository *dest, git_repository *src, const git_oid *want,
		    const git_oid *have);

/* Does repository `r` hold object `id`? */
int store_has_object(git_repository *r, const git_oid *id);

/* A remote's URL, taken apart (store_url_parse). */
typedef struct store_url {
	char scheme[16];         /* ssh (also scp-like), https, http, git, local */
	char user[128];          /* from the URL, or "" */
	char host[256];
	int port;                /* the scheme's default unless explicit_port */
	int explicit_port;
	int has_password;        /* the URL holds user:password@ */
	int local;               /* a path or file:// */
} store_url;

/* Take `url` apart.  0, or XFA_EINVALID (names no host). */
int store_url_parse(store_url *u, const char *url);

/* One fetch or push over the network: what the callbacks learnt. */
typedef struct store_xfer {
	const char *remote;      /* the remote's name (borrowed) */
	const char *gitdir;      /* the archive, where `git credential` runs */
	char url[2048], shown[2048];   /* shown: without a password */
	store_url u;
	int ssh_step;            /* 0 agent next, then key files 1..3 */
	int filled;              /* git credential fill ran */
	char user[128];          /* the user the credentials were for */
	char *pass;              /* from git credential fill (wiped) */
	char tried[512], tried_buf[512];
	int auth_failed, cert_failed;
	char cert_msg[700];
	char server[2048], said[2048];  /* the server's side-band text */
	size_t nserver;
} store_xfer;

void store_xfer_init(store_xfer *x, xfa_store *st, const char *remote,
		     const char *url);
/* Point `cb` at the credential, certificate and side-band callbacks. */
void store_xfer_callbacks(git_remote_callbacks *cb, store_xfer *x);
/* Trust the CA named by GIT_SSL_CAINFO / http.sslCAInfo (or ...CAPath). */
int store_xfer_ca(xfa_store *st);
/* The transfer is over: tell git's credential helpers (ok) and wipe. */
void store_xfer_done(store_xfer *x, int ok);
/* Map a failed transfer to XFA_EAUTH or XFA_EIO with a message naming the
 * remote, its host, the user; "cannot <verb> ...".  Wipes credentials. */
int store_xfer_fail(store_xfer *x, int gerr, const char *verb);
/* Keep text the server sends aside (hook output, "remote: ..."): the
 * latest 2 KiB. */
void store_xfer_said(store_xfer *x, const char *str, size_t n);
/* What the server printed (hook output), progress lines left out. */
const char *store_xfer_server_text(store_xfer *x);

#endif
