/* check_store.c - tests for store.c: creating and opening repositories,
 * blobs (whole and streamed), trees by path, signed commits that stock
 * git verifies, compare-and-swap of refs/heads/main, batches, history. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_fixture.h"
#include "error.h"
#include "event.h"
#include "key.h"
#include "sshsig.h"
#include "store.h"

static char dir[64], repo[128];
static xfa_store *st;
static xfa_key *key;

static void setup(void)
{
	xfa_store_set_fsync(0);
	fx_tmpdir(dir, "/tmp/xfa-check-store-XXXXXX");
	snprintf(repo, sizeof(repo), "%s/r.git", dir);
	ck_assert_int_eq(xfa_store_create(&st, repo), 0);
	ck_assert_int_eq(xfa_key_generate(&key), 0);
}

static void teardown(void)
{
	xfa_store_free(st);
	st = NULL;
	xfa_key_free(key);
	key = NULL;
	fx_rmrf(dir);
}

static const xfa_ident who = { "测试员", "tester@bureau.example", 1795330980, 480 };

/* Stage `n` path/content pairs and commit them; asserts. */
static void commit_files(xfa_oid *out, const char *const *files, size_t n,
			 const char *msg)
{
	xfa_txn *tx = NULL;
	size_t i;

	ck_assert_int_eq(xfa_txn_begin(&tx, st), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(xfa_txn_put(tx, files[2 * i], files[2 * i + 1],
					     strlen(files[2 * i + 1])), 0);
	ck_assert_msg(xfa_txn_commit(out, tx, &who, msg, xfa_event_sign_git, key) == 0,
		      "%s", xfa_error_last());
	xfa_txn_free(tx);
}

static int git_ok(const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "git --git-dir=%s %s >/dev/null 2>&1", repo, args);
	return system(cmd) == 0;
}

START_TEST(create_and_open)
{
	xfa_store *other = NULL;
	char path[160];
	xfa_oid head;

	ck_assert_str_eq(xfa_store_path(st), repo);
	ck_assert(git_ok("rev-parse --is-bare-repository"));
	ck_assert(git_ok("symbolic-ref HEAD"));
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd),
			 "test \"$(git --git-dir=%s symbolic-ref HEAD)\" = refs/heads/main", repo);
		ck_assert_int_eq(system(cmd), 0);
	}
	ck_assert_int_eq(xfa_store_head(&head, st), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_store_create(&other, repo), XFA_EEXISTS);
	ck_assert(strstr(xfa_error_last(), "a repository already exists"));
	ck_assert_ptr_null(other);
	ck_assert_int_eq(xfa_store_open(&other, repo), 0);
	xfa_store_free(other);
	snprintf(path, sizeof(path), "%s/missing", dir);
	ck_assert_int_eq(xfa_store_open(&other, path), XFA_ENOTFOUND);
	ck_assert(strstr(xfa_error_last(), path));
	ck_assert_ptr_null(other);
	/* an empty folder may become a repository */
	snprintf(path, sizeof(path), "%s/empty", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(xfa_store_open(&other, path), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_store_create(&other, path), 0);
	xfa_store_free(other);
	/* a path through a plain file: something is in the way, but no repository */
	snprintf(path, sizeof(path), "%s/plain", dir);
	fx_spit(path, "x", 1);
	snprintf(path, sizeof(path), "%s/plain/r.git", dir);
	ck_assert_int_eq(xfa_store_create(&other, path), XFA_EEXISTS);
	ck_assert(strstr(xfa_error_last(), path));
	ck_assert(strstr(xfa_error_last(), "not a folder"));
	ck_assert_ptr_null(other);
}
END_TEST

START_TEST(blobs_whole_and_streamed)
{
	xfa_oid a, b, c;
	xfa_blobw *w = NULL;
	char *buf = NULL, hex[XFA_OID_HEX];
	size_t len = 0;

	ck_assert_int_eq(xfa_store_put_blob(&a, st, "hello\n", 6), 0);
	xfa_oid_fmt(hex, &a);
	ck_assert_str_eq(hex, "ce013625030ba8dba906f756967f9e9ca394464a"); /* git hash-object */
	ck_assert_int_eq(xfa_blobw_open(&w, st, 6), 0);
	ck_assert_int_eq(xfa_blobw_write(w, "hel", 3), 0);
	ck_assert_int_eq(xfa_blobw_write(w, "lo\n", 3), 0);
	ck_assert_int_eq(xfa_blobw_finish(&b, w), 0);
	ck_assert(xfa_oid_equal(&a, &b));
	ck_assert_int_eq(xfa_store_read_blob(&buf, &len, st, &a, 100), 0);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(buf, "hello\n");
	free(buf);
	ck_assert_int_eq(xfa_store_read_blob(&buf, &len, st, &a, 5), XFA_EINVALID);
	ck_assert_ptr_null(buf);
	/* fewer bytes than declared */
	ck_assert_int_eq(xfa_blobw_open(&w, st, 10), 0);
	ck_assert_int_eq(xfa_blobw_write(w, "short", 5), 0);
	ck_assert_int_eq(xfa_blobw_finish(&c, w), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "declared size"));
	/* abandoned */
	ck_assert_int_eq(xfa_blobw_open(&w, st, 3), 0);
	xfa_blobw_free(w);
	xfa_blobw_free(NULL);
	/* an unknown blob */
	memset(&c, 0x11, sizeof(c));
	ck_assert_int_lt(xfa_store_read_blob(&buf, &len, st, &c, 100), 0);
}
END_TEST

START_TEST(commits_trees_and_reads)
{
	const char *const files[] = {
		"cases/2026/00/00/XF-2026-000001/case.json", "{}\n",
		"cases/2026/00/00/XF-2026-000001/events/000001.json", "{\"seq\": 1}\n",
		".xfa/archive.json", "{\"name\": \"x\"}\n",
	};
	char *buf = NULL, **names = NULL;
	size_t len, n;
	uint64_t size;
	xfa_oid c1, head, blob, tree, entry;

	commit_files(&c1, files, 3, "first\n");
	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	ck_assert(xfa_oid_equal(&head, &c1));
	ck_assert_int_eq(xfa_store_ref(&head, st, XFA_MAIN_REF), 0);
	ck_assert_int_eq(xfa_store_ref(&head, st, "refs/heads/nope"), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_store_read(&buf, &len, st, &c1, ".xfa/archive.json"), 0);
	ck_assert_str_eq(buf, "{\"name\": \"x\"}\n");
	free(buf);
	ck_assert_int_eq(xfa_store_read(&buf, &len, st, &c1, ".xfa/nope.json"), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_store_read(&buf, &len, st, &c1, ".xfa"), XFA_ENOTFOUND);
	ck_assert(strstr(xfa_error_last(), "not a file"));
	ck_assert_int_eq(xfa_store_stat(&blob, &size, st, &c1,
		"cases/2026/00/00/XF-2026-000001/case.json"), 0);
	ck_assert_uint_eq(size, 3);
	ck_assert_int_eq(xfa_store_stat(&blob, &size, st, &c1, "cases"), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_store_list(&names, &n, st, &c1, "cases/2026/00/00/XF-2026-000001"), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(names[0], "case.json");
	ck_assert_str_eq(names[1], "events");
	ck_assert_ptr_null(names[2]);
	xfa_strv_free(names);
	ck_assert_int_eq(xfa_store_list(&names, &n, st, &c1, ""), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(names[0], ".xfa");
	xfa_strv_free(names);
	xfa_strv_free(NULL);
	ck_assert_int_eq(xfa_store_list(&names, &n, st, &c1, "cases/2027"), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_store_list(&names, &n, st, &c1, ".xfa/archive.json"), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_store_commit_tree(&tree, st, &c1), 0);
	ck_assert_int_eq(xfa_store_entry_id(&entry, st, &c1, ""), 0);
	ck_assert(xfa_oid_equal(&tree, &entry));
	ck_assert_int_eq(xfa_store_entry_id(&entry, st, &c1, "cases/2026"), 0);
	ck_assert_int_eq(xfa_store_entry_id(&entry, st, &c1, "cases/2099"), XFA_ENOTFOUND);
	memset(&entry, 0x42, sizeof(entry));
	ck_assert_int_eq(xfa_store_commit_tree(&tree, st, &entry), XFA_ENOTFOUND);
	ck_assert(git_ok("fsck --full --strict"));
}
END_TEST

START_TEST(signed_commits_verify)
{
	const char *const files[] = { "a.txt", "a\n" };
	xfa_commit_info ci;
	xfa_pubkey pk;
	xfa_oid c1;
	char hex[XFA_OID_HEX], path[160], args[512], *line;

	commit_files(&c1, files, 1, "XF-2026-000001 #1 register\n");
	ck_assert_int_eq(xfa_store_commit_info(&ci, st, &c1), 0);
	ck_assert(xfa_oid_equal(&ci.id, &c1));
	ck_assert_uint_eq(ci.nparents, 0);
	ck_assert_str_eq(ci.author_name, "测试员");
	ck_assert_str_eq(ci.author_email, "tester@bureau.example");
	ck_assert_str_eq(ci.committer_email, "tester@bureau.example");
	ck_assert_int_eq(ci.author_time, 1795330980);
	ck_assert_int_eq(ci.commit_offset, 480);
	ck_assert_str_eq(ci.message, "XF-2026-000001 #1 register\n");
	ck_assert_ptr_nonnull(ci.signature);
	ck_assert(strstr(ci.signature, "-----BEGIN SSH SIGNATURE-----"));
	/* the signature round-trips: it verifies over the signed bytes, by our key */
	ck_assert_int_eq(xfa_sshsig_verify(&pk, ci.signature, strlen(ci.signature), "git",
		(const unsigned char *)ci.signed_data, ci.signed_len), 0);
	ck_assert_int_eq(memcmp(&pk, xfa_key_public(key), sizeof(pk)), 0);
	ck_assert_int_eq(xfa_sshsig_verify(NULL, ci.signature, strlen(ci.signature),
		XFA_EVENT_NS, (const unsigned char *)ci.signed_data, ci.signed_len),
		XFA_EBADSIG);
	ck_assert(strstr(ci.signed_data, "tree ") == ci.signed_data);
	ck_assert(!strstr(ci.signed_data, "gpgsig"));
	xfa_commit_info_release(&ci);
	/* stock git agrees */
	line = xfa_pubkey_format(xfa_key_public(key), NULL);
	snprintf(path, sizeof(path), "%s/allowed", dir);
	snprintf(args, sizeof(args), "tester@bureau.example namespaces=\"git\" %s\n", line);
	fx_spit(path, args, strlen(args));
	free(line);
	xfa_oid_fmt(hex, &c1);
	snprintf(args, sizeof(args), "-c gpg.format=ssh -c gpg.ssh.allowedSignersFile=%s "
		 "verify-commit %s", path, hex);
	ck_assert_msg(git_ok(args), "git verify-commit refused %s", hex);
	/* and refuses another key */
	{
		xfa_key *other = NULL;
		ck_assert_int_eq(xfa_key_generate(&other), 0);
		line = xfa_pubkey_format(xfa_key_public(other), NULL);
		snprintf(args, sizeof(args), "tester@bureau.example namespaces=\"git\" %s\n", line);
		fx_spit(path, args, strlen(args));
		free(line);
		xfa_key_free(other);
		snprintf(args, sizeof(args), "-c gpg.format=ssh -c gpg.ssh.allowedSignersFile=%s "
			 "verify-commit %s", path, hex);
		ck_assert(!git_ok(args));
	}
}
END_TEST

static int failing_signer(char **armor, const unsigned char *buf, size_t len, void *p)
{
	(void)buf; (void)len; (void)p;
	*armor = NULL;
	return xfa_error_set(XFA_EAUTH, "no signature today");
}

START_TEST(a_failed_signature_writes_no_ref)
{
	xfa_txn *tx = NULL;
	xfa_oid c, head;

	ck_assert_int_eq(xfa_txn_begin(&tx, st), 0);
	ck_assert_int_eq(xfa_txn_base(&head, tx), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_txn_put(tx, "f", "x", 1), 0);
	ck_assert_int_eq(xfa_txn_commit(&c, tx, &who, "m\n", failing_signer, NULL), XFA_EAUTH);
	xfa_txn_free(tx);
	ck_assert_int_eq(xfa_store_head(&head, st), XFA_ENOTFOUND);
	/* nothing to publish */
	ck_assert_int_eq(xfa_txn_begin(&tx, st), 0);
	ck_assert_int_eq(xfa_txn_publish(tx, "x"), XFA_EINVALID);
	xfa_txn_free(tx);
	xfa_txn_free(NULL);
}
END_TEST

START_TEST(compare_and_swap_refuses_a_stale_base)
{
	const char *const files[] = { "base", "0\n" };
	xfa_txn *t1 = NULL, *t2 = NULL, *t3 = NULL;
	xfa_oid base, c1, c2, head, b1;

	commit_files(&base, files, 1, "base\n");
	ck_assert_int_eq(xfa_txn_begin(&t1, st), 0);
	ck_assert_int_eq(xfa_txn_begin(&t2, st), 0);
	ck_assert_int_eq(xfa_txn_base(&b1, t1), 0);
	ck_assert(xfa_oid_equal(&b1, &base));
	ck_assert_int_eq(xfa_txn_put(t1, "one", "1\n", 2), 0);
	ck_assert_int_eq(xfa_txn_put(t2, "two", "2\n", 2), 0);
	ck_assert_int_eq(xfa_txn_commit(&c1, t1, &who, "one\n", xfa_event_sign_git, key), 0);
	ck_assert_int_eq(xfa_txn_commit(&c2, t2, &who, "two\n", xfa_event_sign_git, key),
			 XFA_ECONFLICT);
	ck_assert(strstr(xfa_error_last(), "concurrent"));
	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	ck_assert(xfa_oid_equal(&head, &c1));
	/* starting again on the new head works */
	ck_assert_int_eq(xfa_txn_begin(&t3, st), 0);
	ck_assert_int_eq(xfa_txn_put(t3, "two", "2\n", 2), 0);
	ck_assert_int_eq(xfa_txn_commit(&c2, t3, &who, "two\n", xfa_event_sign_git, key), 0);
	ck_assert_int_eq(xfa_store_is_ancestor(st, &c1, &c2), 1);
	ck_assert_int_eq(xfa_store_is_ancestor(st, &c2, &c1), 0);
	ck_assert_int_eq(xfa_store_is_ancestor(st, &c2, &c2), 1);
	xfa_txn_free(t1);
	xfa_txn_free(t2);
	xfa_txn_free(t3);
}
END_TEST

START_TEST(compare_and_swap_on_an_empty_archive)
{
	xfa_txn *t1 = NULL, *t2 = NULL;
	xfa_oid c1, c2, head;

	ck_assert_int_eq(xfa_txn_begin(&t1, st), 0);
	ck_assert_int_eq(xfa_txn_begin(&t2, st), 0);
	ck_assert_int_eq(xfa_txn_put(t1, "one", "1\n", 2), 0);
	ck_assert_int_eq(xfa_txn_put(t2, "two", "2\n", 2), 0);
	ck_assert_int_eq(xfa_txn_commit(&c1, t1, &who, "one\n", xfa_event_sign_git, key), 0);
	ck_assert_int_eq(xfa_txn_commit(&c2, t2, &who, "two\n", xfa_event_sign_git, key),
			 XFA_ECONFLICT);
	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	ck_assert(xfa_oid_equal(&head, &c1));
	xfa_txn_free(t1);
	xfa_txn_free(t2);
}
END_TEST

static int count_commit(const xfa_oid *id, void *payload)
{
	(void)id;
	(*(int *)payload)++;
	return 0;
}

static int stop_at_two(const xfa_oid *id, void *payload)
{
	(void)id;
	return ++(*(int *)payload) == 2 ? 42 : 0;
}

START_TEST(batches_publish_all_or_nothing)
{
	const char *const files[] = { "base", "0\n" };
	xfa_txn *tx = NULL, *other = NULL;
	xfa_oid base, n1, n2, head, c;
	int count = 0;

	commit_files(&base, files, 1, "base\n");
	ck_assert_int_eq(xfa_txn_begin(&tx, st), 0);
	ck_assert_int_eq(xfa_txn_put(tx, "a", "a\n", 2), 0);
	ck_assert_int_eq(xfa_txn_next(&n1, tx, &who, "a\n", xfa_event_sign_git, key), 0);
	ck_assert_int_eq(xfa_txn_put(tx, "b", "b\n", 2), 0);
	ck_assert_int_eq(xfa_txn_next(&n2, tx, &who, "b\n", xfa_event_sign_git, key), 0);
	/* nothing visible yet */
	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	ck_assert(xfa_oid_equal(&head, &base));
	ck_assert_int_eq(xfa_txn_publish(tx, "batch"), 0);
	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	ck_assert(xfa_oid_equal(&head, &n2));
	ck_assert_int_eq(xfa_store_walk(st, &head, count_commit, &count), 0);
	ck_assert_int_eq(count, 3);
	count = 0;
	ck_assert_int_eq(xfa_store_walk(st, &head, stop_at_two, &count), 42);
	xfa_txn_free(tx);
	/* a stale batch publishes nothing */
	ck_assert_int_eq(xfa_txn_begin(&tx, st), 0);
	ck_assert_int_eq(xfa_txn_put(tx, "c", "c\n", 2), 0);
	ck_assert_int_eq(xfa_txn_next(NULL, tx, &who, "c\n", xfa_event_sign_git, key), 0);
	ck_assert_int_eq(xfa_txn_begin(&other, st), 0);
	ck_assert_int_eq(xfa_txn_put(other, "d", "d\n", 2), 0);
	ck_assert_int_eq(xfa_txn_commit(&c, other, &who, "d\n", xfa_event_sign_git, key), 0);
	ck_assert_int_eq(xfa_txn_publish(tx, "batch"), XFA_ECONFLICT);
	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	ck_assert(xfa_oid_equal(&head, &c));
	xfa_txn_free(tx);
	xfa_txn_free(other);
	(void)n1;
}
END_TEST

struct seen { int n; char paths[8][64]; int status[8]; };

static int record_change(const xfa_change *ch, void *payload)
{
	struct seen *s = payload;

	ck_assert_int_lt(s->n, 8);
	snprintf(s->paths[s->n], 64, "%s", ch->path);
	s->status[s->n++] = ch->status;
	return 0;
}

START_TEST(diffs_between_trees)
{
	const char *const f1[] = { "x/keep", "k\n", "x/change", "1\n", "gone", "g\n" };
	const char *const f2[] = { "x/change", "2\n", "y/new", "n\n" };
	xfa_oid c1, c2, t1, t2;
	xfa_txn *tx = NULL;
	struct seen s;
	int i, found = 0;

	commit_files(&c1, f1, 3, "1\n");
	ck_assert_int_eq(xfa_txn_begin(&tx, st), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(xfa_txn_put(tx, f2[2 * i], f2[2 * i + 1], 2), 0);
	ck_assert_int_eq(xfa_txn_commit(&c2, tx, &who, "2\n", xfa_event_sign_git, key), 0);
	xfa_txn_free(tx);
	ck_assert_int_eq(xfa_store_commit_tree(&t1, st, &c1), 0);
	ck_assert_int_eq(xfa_store_commit_tree(&t2, st, &c2), 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(xfa_store_diff(st, &t1, &t2, record_change, &s), 0);
	ck_assert_int_eq(s.n, 2);   /* "gone" stays: the txn only adds and replaces */
	for (i = 0; i < s.n; i++) {
		if (!strcmp(s.paths[i], "x/change"))
			found += s.status[i] == 'M';
		if (!strcmp(s.paths[i], "y/new"))
			found += s.status[i] == 'A';
	}
	ck_assert_int_eq(found, 2);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(xfa_store_diff(st, NULL, &t1, record_change, &s), 0);
	ck_assert_int_eq(s.n, 3);
}
END_TEST

/* How many files the objects/xfa-incoming-XXXXXX folder holds besides .lock, and
 * whether there is such a folder at all (-1: none). */
static int incoming_files(void)
{
	char cmd[512], line[64];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "d=$(ls -d %s/objects/xfa-incoming-* 2>/dev/null) && "
		 "find $d -type f ! -name .lock | wc -l", repo);
	if ((p = popen(cmd, "r"))) {
		if (fgets(line, sizeof(line), p))
			n = atoi(line);
		pclose(p);
	}
	return n;
}

/* With fsync on, objects wait unsynced in objects/xfa-incoming-XXXXXX and
 * reach objects/ just before the ref names them; other handles of the
 * process see them; a dead writer's folder goes, a live one's stays. */
START_TEST(durable_writes_wait_in_the_incoming_folder)
{
	xfa_store *other = NULL;
	xfa_txn *tx = NULL;
	xfa_oid c, blob;
	char path[512], hex[41];
	char *buf = NULL;
	size_t len;
	int fd;

	xfa_store_set_fsync(1);
	ck_assert_int_eq(xfa_txn_begin(&tx, st), 0);
	ck_assert_int_eq(xfa_txn_put(tx, "cases/a.json", "{\"a\":1}\n", 8), 0);
	ck_assert_msg(xfa_txn_next(&c, tx, &who, "one", xfa_event_sign_git, key) == 0,
		      "%s", xfa_error_last());
	/* the blob, the empty tree the first commit starts from, two trees
	 * and the commit, none yet in objects/ */
	ck_assert_int_eq(incoming_files(), 5);
	xfa_oid_fmt(hex, &c);
	snprintf(path, sizeof(path), "%s/objects/%.2s/%s", repo, hex, hex + 2);
	ck_assert_int_ne(access(path, F_OK), 0);
	/* another handle of this process reads them */
	ck_assert_int_eq(xfa_store_open(&other, repo), 0);
	ck_assert_int_eq(xfa_store_stat(&blob, NULL, other, &c, "cases/a.json"), 0);
	ck_assert_int_eq(xfa_store_read_blob(&buf, &len, other, &blob, 100), 0);
	ck_assert_int_eq((int)len, 8);
	free(buf);
	xfa_store_free(other);
	ck_assert_int_eq(incoming_files(), 5);
	ck_assert_int_eq(xfa_txn_publish(tx, "one"), 0);
	xfa_txn_free(tx);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(incoming_files(), 0);
	ck_assert(git_ok("fsck --full --strict"));
	/* a folder whose owner died goes at the next write; a held one stays */
	snprintf(path, sizeof(path), "%s/objects/xfa-incoming-dead01", repo);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/objects/xfa-incoming-dead01/.lock", repo);
	ck_assert_int_ge(fd = open(path, O_RDWR | O_CREAT, 0600), 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/objects/xfa-incoming-live01", repo);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/objects/xfa-incoming-live01/.lock", repo);
	ck_assert_int_ge(fd = open(path, O_RDWR | O_CREAT, 0600), 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	xfa_store_free(st);
	ck_assert_int_eq(xfa_store_open(&st, repo), 0);
	ck_assert_int_eq(xfa_store_put_blob(&blob, st, "x", 1), 0);
	snprintf(path, sizeof(path), "%s/objects/xfa-incoming-dead01", repo);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/objects/xfa-incoming-live01", repo);
	ck_assert_int_eq(access(path, F_OK), 0);
	close(fd);
	/* a handle freed unpublished leaves nothing behind */
	xfa_store_free(st);
	st = NULL;
	snprintf(path, sizeof(path), "ls -d %s/objects/xfa-incoming-* 2>/dev/null | grep -vq live01", repo);
	ck_assert_int_ne(system(path), 0);
	ck_assert_int_eq(xfa_store_open(&st, repo), 0);
	xfa_store_set_fsync(0);
}
END_TEST

START_TEST(oids)
{
	xfa_oid a, zero;
	char hex[XFA_OID_HEX];

	memset(&zero, 0, sizeof(zero));
	ck_assert(xfa_oid_is_zero(&zero));
	ck_assert_int_eq(xfa_oid_parse(&a, "ce013625030ba8dba906f756967f9e9ca394464a"), 0);
	ck_assert(!xfa_oid_is_zero(&a));
	xfa_oid_fmt(hex, &a);
	ck_assert_str_eq(hex, "ce013625030ba8dba906f756967f9e9ca394464a");
	ck_assert(!xfa_oid_equal(&a, &zero));
	ck_assert_int_eq(xfa_oid_parse(&a, "not-hex"), XFA_EINVALID);
	ck_assert_int_eq(xfa_oid_parse(&a, "ce0136"), XFA_EINVALID);
	ck_assert_int_eq(xfa_oid_parse(&a, "ce013625030ba8dba906f756967f9e9ca394464a00"),
			 XFA_EINVALID);
}
END_TEST

Suite *store_suite(void); /* found by the runner: see the Makefile */

Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, create_and_open);
	tcase_add_test(tc, blobs_whole_and_streamed);
	tcase_add_test(tc, commits_trees_and_reads);
	tcase_add_test(tc, signed_commits_verify);
	tcase_add_test(tc, a_failed_signature_writes_no_ref);
	tcase_add_test(tc, compare_and_swap_refuses_a_stale_base);
	tcase_add_test(tc, compare_and_swap_on_an_empty_archive);
	tcase_add_test(tc, batches_publish_all_or_nothing);
	tcase_add_test(tc, diffs_between_trees);
	tcase_add_test(tc, durable_writes_wait_in_the_incoming_folder);
	tcase_add_test(tc, oids);
	suite_add_tcase(s, tc);
	return s;
}
