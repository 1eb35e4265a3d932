/* read_floor.c - the least any verifier built on libgit2 must read.
 *
 *   read_floor ARCHIVE [MAX_COMMITS]
 *
 * Walks main newest first and, for each commit, reads through libgit2's
 * object database (inflate and SHA-1 check, as verify does) the commit and
 * every tree and blob it adds: the entries whose ids differ from its first
 * parent's, level by level.  The parent's side is not read (a perfect cache
 * would have it).  Nothing is parsed beyond the trees, no signature is
 * checked.  One thread.  In the same run it times libsodium's Ed25519
 * verification on one thread, and prints one JSON line: commits and objects
 * read per CPU-second, microseconds of reading per commit, the Ed25519 cost
 * of one event (two verifications), and the ratio a verifier could reach at
 * best if it did nothing but read and verify signatures:
 *   2 * t_ed25519 / (2 * t_ed25519 + t_read).
 * Not a test: figures only. */
#include <git2.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static git_odb *odb;
static unsigned long objects, bytes;

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	const git_error *e = git_error_last();

	fprintf(stderr, "read_floor: %s: %s\n", what, e ? e->message : "failed");
	exit(1);
}

static void read_obj(const git_oid *id)
{
	git_odb_object *o;

	if (git_odb_read(&o, odb, id) < 0)
		die("read");
	objects++;
	bytes += git_odb_object_size(o);
	git_odb_object_free(o);
}

/* Read what tree `nid` adds over tree `oid` (NULL: all of it). */
static void added(git_repository *r, const git_oid *nid, const git_oid *oid)
{
	git_tree *nt, *ot = NULL;
	size_t i, n;

	objects++;       /* the new tree: read unless the cache has it (as
			  * the parent side of the commit before) */
	if (git_tree_lookup(&nt, r, nid) < 0 || (oid && git_tree_lookup(&ot, r, oid) < 0))
		die("tree");
	n = git_tree_entrycount(nt);
	bytes += n * 40;   /* about */
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(nt, i), *p;
		p = ot ? git_tree_entry_byname(ot, git_tree_entry_name(e)) : NULL;
		if (p && git_oid_equal(git_tree_entry_id(p), git_tree_entry_id(e)))
			continue;
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
			added(r, git_tree_entry_id(e),
			      p && git_tree_entry_type(p) == GIT_OBJECT_TREE ?
			      git_tree_entry_id(p) : NULL);
		else
			read_obj(git_tree_entry_id(e));
	}
	git_tree_free(ot);
	git_tree_free(nt);
}

static double ed25519_us(void)
{
	unsigned char pk[32], sk[64], sig[64], msg[300];
	double t0, t;
	int i, n = 4000;

	crypto_sign_keypair(pk, sk);
	randombytes_buf(msg, sizeof(msg));
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	t0 = cpu_s();
	for (i = 0; i < n; i++)
		if (crypto_sign_verify_detached(sig, msg, sizeof(msg), pk) != 0)
			die("ed25519");
	t = cpu_s() - t0;
	return t * 1e6 / n;
}

int main(int argc, char **argv)
{
	git_repository *r;
	git_revwalk *w;
	git_commit *c, *p;
	git_oid id;
	unsigned long commits = 0, max = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	double t0, t, read_us, ed_us;

	if (argc < 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: read_floor ARCHIVE [MAX_COMMITS]\n");
		return 64;
	}
	git_libgit2_init();
	/* libgit2 set up as xfa verify sets it (store.c, verify.c) */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)32 << 20);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)128 << 20);
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)4 << 20);
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
			 (size_t)64 << 10);
	if (git_repository_open_bare(&r, argv[1]) < 0 ||
	    git_repository_odb(&odb, r) < 0 || git_revwalk_new(&w, r) < 0 ||
	    git_revwalk_push_ref(w, "refs/heads/main") < 0)
		die(argv[1]);
	t0 = cpu_s();
	while ((!max || commits < max) && git_revwalk_next(&id, w) == 0) {
		read_obj(&id);
		if (git_commit_lookup(&c, r, &id) < 0)
			die("commit");
		if (git_commit_parentcount(c) == 0)
			added(r, git_commit_tree_id(c), NULL);
		else {
			if (git_commit_parent(&p, c, 0) < 0)
				die("parent");
			added(r, git_commit_tree_id(c), git_commit_tree_id(p));
			git_commit_free(p);
		}
		git_commit_free(c);
		commits++;
	}
	t = cpu_s() - t0;
	read_us = t * 1e6 / (double)commits;
	ed_us = ed25519_us();
	printf("{\"step\":\"read_floor\",\"commits\":%lu,\"objects\":%lu,\"bytes\":%lu,"
	       "\"cpu_seconds\":%.3f,\"commits_per_cpu_s\":%.1f,"
	       "\"objects_per_commit\":%.2f,\"read_us_per_commit\":%.1f,"
	       "\"ed25519_verify_us\":%.1f,\"best_ratio\":%.3f}\n",
	       commits, objects, bytes, t, (double)commits / t,
	       (double)objects / (double)commits, read_us, ed_us,
	       2 * ed_us / (2 * ed_us + read_us));
	git_revwalk_free(w);
	git_odb_free(odb);
	git_repository_free(r);
	git_libgit2_shutdown();
	return 0;
}
