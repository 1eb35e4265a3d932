/* check_agent.c - tests for agent.c and the agent path of key.c: the bytes
 * of each request, and replies both good and malformed from a fake agent (a
 * thread serving one connection on a unix socket, from a script). */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"
#include "error.h"
#include "key.h"
#include "sshsig.h"

#define MAXR 8

/* A reply: fixed bytes (with their frame), or made by `fn` from the request. */
struct canned {
	const char *bytes;
	size_t len;
	size_t (*fn)(unsigned char *out, const unsigned char *req, size_t len);
};

static struct fake {
	char path[108];
	int lfd;
	pthread_t tid;
	struct canned replies[MAXR];
	size_t nreplies;
	unsigned char req[MAXR][4096];
	size_t req_len[MAXR], nreq;
} fk;

static xfa_key *signer; /* the secret the fake agent signs with */

static int read_full(int fd, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void *serve(void *arg)
{
	unsigned char hdr[4], out[8192];
	size_t i, n;
	int c;

	(void)arg;
	if ((c = accept(fk.lfd, NULL, NULL)) < 0)
		return NULL;
	for (i = 0; i < fk.nreplies; i++) {
		if (read_full(c, hdr, 4) < 0)
			break;
		n = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 |
		    (size_t)hdr[2] << 8 | hdr[3];
		if (n > sizeof(fk.req[0]) || read_full(c, fk.req[i], n) < 0)
			break;
		fk.req_len[i] = n;
		fk.nreq = i + 1;
		if (fk.replies[i].fn) {
			size_t m = fk.replies[i].fn(out + 4, fk.req[i], n);
			out[0] = (unsigned char)(m >> 24), out[1] = (unsigned char)(m >> 16);
			out[2] = (unsigned char)(m >> 8), out[3] = (unsigned char)m;
			if (write(c, out, m + 4) < 0)
				break;
		} else if (fk.replies[i].len &&
			   write(c, fk.replies[i].bytes, fk.replies[i].len) < 0) {
			break;
		}
	}
	close(c);
	return NULL;
}

/* Start a fake agent answering `n` requests with `r`. */
static void fake_start(const struct canned *r, size_t n)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memset(&fk, 0, sizeof(fk));
	snprintf(fk.path, sizeof(fk.path), "/tmp/xfa-check-agent-%d.sock",
		 (int)getpid());
	unlink(fk.path);
	memcpy(sun.sun_path, fk.path, strlen(fk.path) + 1);
	fk.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fk.lfd, 0);
	ck_assert_int_eq(bind(fk.lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(fk.lfd, 1), 0);
	memcpy(fk.replies, r, n * sizeof(*r));
	fk.nreplies = n;
	ck_assert_int_eq(pthread_create(&fk.tid, NULL, serve, NULL), 0);
}

static void fake_stop(void)
{
	pthread_join(fk.tid, NULL);
	close(fk.lfd);
	unlink(fk.path);
}

#define R(s) { s, sizeof(s) - 1, NULL }

static void assert_error(int got, int want, const char *fragment)
{
	ck_assert_msg(got == want, "got %d (%s), want %d", got, xfa_error_last(),
		      want);
	ck_assert_msg(strstr(xfa_error_last(), fragment), "message '%s' lacks '%s'",
		      xfa_error_last(), fragment);
}

/* two identities: an ed25519 blob of 51 bytes "c1", and a 3-byte "xyz" "" */
static const char two_ids[] =
	"\0\0\0\x4d" "\x0c" "\0\0\0\x02"
	"\0\0\0\x33" "\0\0\0\x0bssh-ed25519\0\0\0\x20"
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "\0\0\0\x02" "c1"
	"\0\0\0\x03" "xyz" "\0\0\0\x00";

START_TEST(test_list)
{
	struct canned r[] = { R(two_ids) };
	xfa_agent *a = NULL;
	xfa_agent_id *ids = NULL;
	size_t n = 0;

	fake_start(r, 1);
	ck_assert_int_eq(xfa_agent_open(&a, fk.path), 0);
	ck_assert_int_eq(xfa_agent_list(&ids, &n, a), 0);
	fake_stop();
	ck_assert_uint_eq(fk.req_len[0], 1);
	ck_assert_uint_eq(fk.req[0][0], 11);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ids[0].blob_len, 51);
	ck_assert_str_eq(ids[0].comment, "c1");
	ck_assert_uint_eq(ids[1].blob_len, 3);
	ck_assert_mem_eq(ids[1].blob, "xyz", 3);
	ck_assert_str_eq(ids[1].comment, "");
	xfa_agent_ids_free(ids, n);
	xfa_agent_close(a);
}
END_TEST

/* Each malformed answer to REQUEST_IDENTITIES and the error it gives. */
static const struct {
	const char *bytes;
	size_t len;
	int code;
	const char *msg;
} bad_lists[] = {
	{ "\0\0\0\x01\x05", 5, XFA_EAUTH, "refused to list" },
	{ "\0\0\0\x01\x1e", 5, XFA_EAUTH, "refused" },          /* SSH2_AGENT_FAILURE */
	{ "\0\0\0\x01\x0e", 5, XFA_EIO, "message type 14" },
	{ "\0\0\0\x00", 4, XFA_EIO, "reply of 0 bytes" },
	{ "\x7f\xff\xff\xff\x0c", 5, XFA_EIO, "reply of 2147483647 bytes" },
	{ "\0\x04\0\x01\x0c", 5, XFA_EIO, "reply of 262145 bytes" },
	{ "\0\0\0\x01\x0c", 5, XFA_EIO, "no count" },
	{ "\0\0\0\x05\x0c\xff\xff\xff\xff", 9, XFA_EIO, "count too large" },
	{ "\0\0\0\x0d\x0c\0\0\0\x01\0\0\0\x09zz\0\0", 17, XFA_EIO, "truncated key" },
	{ "\0\0\0\x0d\x0c\0\0\0\x01\0\0\0\0\0\0\0\0", 17, XFA_EIO, "truncated key" },
	{ "\0\0\0\x0e\x0c\0\0\0\x01\0\0\0\x01k\0\0\0\0", 18, 0, "" },             /* well formed */
	{ "\0\0\0\x0f\x0c\0\0\0\x01\0\0\0\x01k\0\0\0\0!", 19, XFA_EIO, "trailing bytes" },
	{ "\0\0\0\x09\x0c\0\0", 7, XFA_EIO, "closed the connection" },
	{ "", 0, XFA_EIO, "closed the connection" },
};

START_TEST(test_list_malformed)
{
	struct canned r[1] = { { bad_lists[_i].bytes, bad_lists[_i].len, NULL } };
	xfa_agent *a = NULL;
	xfa_agent_id *ids = NULL;
	size_t n = 7;
	int err;

	fake_start(r, 1);
	ck_assert_int_eq(xfa_agent_open(&a, fk.path), 0);
	err = xfa_agent_list(&ids, &n, a);
	xfa_agent_close(a); /* an agent that sent less than it announced */
	fake_stop();
	if (_i == 10) { /* one well-formed identity with an empty comment */
		ck_assert_int_eq(err, 0);
		ck_assert_uint_eq(n, 1);
		xfa_agent_ids_free(ids, n);
		return;
	}
	assert_error(err, bad_lists[_i].code, bad_lists[_i].msg);
	ck_assert_ptr_null(ids);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_sign_request)
{
	struct canned r[] = {
		R("\0\0\0\x0a\x0e\0\0\0\x05sig!!"),
		R("\0\0\0\x01\x05"),
		R("\0\0\0\x0b\x0e\0\0\0\x05sig!!?"),
		R("\0\0\0\x05\x0e\0\0\0\0"),
	};
	static const unsigned char want[] =
		"\x0d" "\0\0\0\x03" "KEY" "\0\0\0\x04" "data" "\0\0\0\0";
	unsigned char *sig = NULL;
	xfa_agent *a = NULL;
	size_t len = 0;

	fake_start(r, 4);
	ck_assert_int_eq(xfa_agent_open(&a, fk.path), 0);
	ck_assert_int_eq(xfa_agent_sign(&sig, &len, a, (const unsigned char *)"KEY",
		3, (const unsigned char *)"data", 4), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(sig, "sig!!", 5);
	free(sig);
	assert_error(xfa_agent_sign(&sig, &len, a, (const unsigned char *)"KEY", 3,
		(const unsigned char *)"data", 4), XFA_EAUTH, "refused to sign");
	ck_assert_ptr_null(sig);
	assert_error(xfa_agent_sign(&sig, &len, a, (const unsigned char *)"KEY", 3,
		(const unsigned char *)"data", 4), XFA_EIO, "malformed sign response");
	assert_error(xfa_agent_sign(&sig, &len, a, (const unsigned char *)"KEY", 3,
		(const unsigned char *)"data", 4), XFA_EIO, "malformed sign response");
	xfa_agent_close(a);
	fake_stop();
	ck_assert_uint_eq(fk.nreq, 4);
	ck_assert_uint_eq(fk.req_len[0], sizeof(want) - 1);
	ck_assert_mem_eq(fk.req[0], want, sizeof(want) - 1);
}
END_TEST

START_TEST(test_add_request)
{
	struct canned r[] = { R("\0\0\0\x01\x06"), R("\0\0\0\x01\x06"),
			      R("\0\0\0\x01\x05"), R("\0\0\0\x02\x06!") };
	unsigned char sk[64];
	xfa_agent *a = NULL;
	size_t i;

	for (i = 0; i < 64; i++)
		sk[i] = (unsigned char)i;
	fake_start(r, 4);
	ck_assert_int_eq(xfa_agent_open(&a, fk.path), 0);
	ck_assert_int_eq(xfa_agent_add_ed25519(a, sk, "clerk", 28800), 0);
	ck_assert_int_eq(xfa_agent_add_ed25519(a, sk, "c", 0), 0);
	assert_error(xfa_agent_add_ed25519(a, sk, "c", 0), XFA_EAUTH,
		     "refused to add");
	assert_error(xfa_agent_add_ed25519(a, sk, "c", 0), XFA_EIO,
		     "malformed success reply");
	xfa_agent_close(a);
	fake_stop();
	/* ADD_ID_CONSTRAINED: type, key, pk, seed||pk, comment, lifetime */
	ck_assert_uint_eq(fk.req_len[0], 1 + 15 + 36 + 68 + 9 + 5);
	ck_assert_uint_eq(fk.req[0][0], 25);
	ck_assert_mem_eq(fk.req[0] + 1, "\0\0\0\x0bssh-ed25519\0\0\0\x20", 19);
	ck_assert_mem_eq(fk.req[0] + 20, sk + 32, 32);
	ck_assert_mem_eq(fk.req[0] + 52, "\0\0\0\x40", 4);
	ck_assert_mem_eq(fk.req[0] + 56, sk, 64);
	ck_assert_mem_eq(fk.req[0] + 120, "\0\0\0\x05" "clerk", 9);
	ck_assert_mem_eq(fk.req[0] + 129, "\x01\0\0\x70\x80", 5);
	/* ADD_IDENTITY without a lifetime */
	ck_assert_uint_eq(fk.req[1][0], 17);
	ck_assert_uint_eq(fk.req_len[1], 1 + 15 + 36 + 68 + 5);
}
END_TEST

START_TEST(test_open_refused)
{
	xfa_agent *a = NULL;

	unsetenv("SSH_AUTH_SOCK");
	assert_error(xfa_agent_open(&a, NULL), XFA_EAUTH, "SSH_AUTH_SOCK");
	setenv("SSH_AUTH_SOCK", "", 1);
	assert_error(xfa_agent_open(&a, NULL), XFA_EAUTH, "SSH_AUTH_SOCK");
	assert_error(xfa_agent_open(&a, "/nonexistent/agent.sock"), XFA_EIO,
		     "cannot reach");
	assert_error(xfa_agent_open(&a, "tests/check_agent.c"), XFA_EIO,
		     "not a socket");
	ck_assert_ptr_null(a);
	unsetenv("SSH_AUTH_SOCK");
}
END_TEST

/* ---- the agent path of key.c ---- */

static size_t ids_of_signer(unsigned char *out, const unsigned char *req,
			    size_t len)
{
	unsigned char blob[XFA_PUBKEY_BLOB_MAX];
	size_t n = xfa_pubkey_blob(blob, xfa_key_public(signer));

	(void)req, (void)len;
	memcpy(out, "\x0c\0\0\0\x01\0\0\0", 8);
	out[8] = (unsigned char)n;
	memcpy(out + 9, blob, n);
	memcpy(out + 9 + n, "\0\0\0\0", 4);
	return 13 + n;
}

/* A SIGN_RESPONSE by `signer` over the request's data; `spoil` alters it. */
static int spoil;
static size_t sign_as_signer(unsigned char *out, const unsigned char *req,
			     size_t len)
{
	uint32_t kl = (uint32_t)req[1] << 24 | req[2] << 16 | req[3] << 8 | req[4];
	const unsigned char *d = req + 5 + kl + 4;
	uint32_t dl = (uint32_t)d[-4] << 24 | d[-3] << 16 | d[-2] << 8 | d[-1];
	unsigned char *sig = NULL;
	size_t sl = 0;

	(void)len;
	if (xfa_key_sign_ssh(&sig, &sl, signer, d, dl) < 0)
		return 0; /* not from this thread: the client sees a closed agent */
	if (spoil == 1)
		sig[sl - 1] ^= 1;   /* a signature that does not verify */
	if (spoil == 2)
		sl -= 1;            /* a truncated signature */
	out[0] = 0x0e;
	out[1] = out[2] = out[3] = 0;
	out[4] = (unsigned char)sl;
	memcpy(out + 5, sig, sl);
	free(sig);
	return 5 + sl;
}

START_TEST(test_key_through_agent)
{
	struct canned r[] = { { 0, 0, ids_of_signer }, { 0, 0, sign_as_signer },
			      { 0, 0, sign_as_signer }, { 0, 0, sign_as_signer },
			      { 0, 0, sign_as_signer } };
	static const unsigned char msg[] = "an event";
	char *direct = NULL, *via = NULL;
	unsigned char raw[64];
	xfa_key *k = NULL;

	ck_assert_int_eq(xfa_key_generate(&signer), 0);
	fake_start(r, 5);
	ck_assert_int_eq(xfa_key_from_agent(&k, xfa_key_public(signer), fk.path), 0);
	ck_assert_int_eq(xfa_key_in_agent(k), 1);
	ck_assert_int_eq(xfa_key_in_agent(signer), 0);
	spoil = 0;
	ck_assert_int_eq(xfa_sshsig_sign(&via, k, "xfa-event", msg, sizeof(msg)), 0);
	ck_assert_int_eq(xfa_sshsig_sign(&direct, signer, "xfa-event", msg,
					 sizeof(msg)), 0);
	ck_assert_str_eq(via, direct); /* Ed25519 is deterministic */
	free(via);
	via = NULL;
	ck_assert_int_eq(xfa_key_sign(raw, k, msg, sizeof(msg)), 0);
	ck_assert_int_eq(xfa_pubkey_verify(xfa_key_public(k), raw, msg,
					   sizeof(msg)), 0);
	spoil = 1;
	assert_error(xfa_sshsig_sign(&via, k, "git", msg, sizeof(msg)), XFA_EAUTH,
		     "returned a bad signature");
	ck_assert_ptr_null(via);
	spoil = 2;
	assert_error(xfa_sshsig_sign(&via, k, "git", msg, sizeof(msg)), XFA_EIO,
		     "returned a bad signature");
	ck_assert_ptr_null(via);
	xfa_key_free(k);
	fake_stop();
	free(direct);
	xfa_key_free(signer);
	signer = NULL;
}
END_TEST

START_TEST(test_key_not_held)
{
	struct canned r[] = { R(two_ids) };
	xfa_key *k = NULL;

	ck_assert_int_eq(xfa_key_generate(&signer), 0);
	fake_start(r, 1);
	assert_error(xfa_key_from_agent(&k, xfa_key_public(signer), fk.path),
		     XFA_EAUTH, "does not hold key SHA256:");
	ck_assert_ptr_null(k);
	fake_stop();
	xfa_key_free(signer);
	signer = NULL;
}
END_TEST

/* ---- FIDO2 keys (PROTOCOL.u2f), signed here with a software key ---- */

static unsigned char sk_secret[64];
static xfa_pubkey sk_pub;
static unsigned sk_flags = 0x01;
static const char *sk_app = "ssh:";

/* string type || string sig || byte flags || uint32 counter over `m` */
static size_t sk_sign(unsigned char *out, const unsigned char *m, size_t ml)
{
	unsigned char sd[69];

	crypto_hash_sha256(sd, (const unsigned char *)sk_app, strlen(sk_app));
	sd[32] = (unsigned char)sk_flags;
	memcpy(sd + 33, "\0\0\0\x2a", 4);
	crypto_hash_sha256(sd + 37, m, ml);
	memcpy(out, "\0\0\0\x1a" "sk-ssh-ed25519@openssh.com" "\0\0\0\x40", 34);
	crypto_sign_detached(out + 34, NULL, sd, sizeof(sd), sk_secret);
	out[98] = (unsigned char)sk_flags;
	memcpy(out + 99, "\0\0\0\x2a", 4);
	return 103;
}

static void sk_setup(void)
{
	memset(&sk_pub, 0, sizeof(sk_pub));
	crypto_sign_keypair(sk_pub.pk, sk_secret);
	sk_pub.sk = 1;
	memcpy(sk_pub.app, "ssh:", 4);
	sk_pub.app_len = 4;
	sk_flags = 0x01;
	sk_app = "ssh:";
}

START_TEST(test_sk_verify)
{
	static const unsigned char m[] = "signed data";
	unsigned char blob[128];
	unsigned flags = 99;
	size_t n;

	sk_setup();
	n = sk_sign(blob, m, sizeof(m));
	ck_assert_int_eq(xfa_pubkey_verify_ssh(&flags, &sk_pub, blob, n, m,
					       sizeof(m)), 0);
	ck_assert_uint_eq(flags, 0x01);
	blob[98] = 0x05; /* flags altered after signing */
	assert_error(xfa_pubkey_verify_ssh(&flags, &sk_pub, blob, n, m, sizeof(m)),
		     XFA_EBADSIG, "does not verify");
	sk_app = "ssh:other";
	n = sk_sign(blob, m, sizeof(m));
	assert_error(xfa_pubkey_verify_ssh(&flags, &sk_pub, blob, n, m, sizeof(m)),
		     XFA_EBADSIG, "does not verify");
	sk_app = "ssh:";
	n = sk_sign(blob, m, sizeof(m));
	assert_error(xfa_pubkey_verify_ssh(&flags, &sk_pub, blob, n - 1, m,
		     sizeof(m)), XFA_EINVALID, "flags or counter");
	assert_error(xfa_pubkey_verify_ssh(&flags, &sk_pub, blob, n + 1, m,
		     sizeof(m)), XFA_EINVALID, "trailing");
	/* an sk signature blob for a plain key, and the reverse */
	sk_pub.sk = 0;
	assert_error(xfa_pubkey_verify_ssh(&flags, &sk_pub, blob, n, m, sizeof(m)),
		     XFA_EINVALID, "does not match key type");
}
END_TEST

static size_t ids_of_sk(unsigned char *out, const unsigned char *req, size_t len)
{
	unsigned char blob[XFA_PUBKEY_BLOB_MAX];
	size_t n = xfa_pubkey_blob(blob, &sk_pub);

	(void)req, (void)len;
	memcpy(out, "\x0c\0\0\0\x01\0\0\0", 8);
	out[8] = (unsigned char)n;
	memcpy(out + 9, blob, n);
	memcpy(out + 9 + n, "\0\0\0\0", 4);
	return 13 + n;
}

static size_t sign_as_sk(unsigned char *out, const unsigned char *req,
			 size_t len)
{
	uint32_t kl = (uint32_t)req[1] << 24 | req[2] << 16 | req[3] << 8 | req[4];
	const unsigned char *d = req + 5 + kl + 4;
	uint32_t dl = (uint32_t)d[-4] << 24 | d[-3] << 16 | d[-2] << 8 | d[-1];

	(void)len;
	out[0] = 0x0e;
	memcpy(out + 1, "\0\0\0\x67", 4);
	return 5 + sk_sign(out + 5, d, dl);
}

START_TEST(test_sk_through_agent)
{
	struct canned r[] = { { 0, 0, ids_of_sk }, { 0, 0, sign_as_sk },
			      { 0, 0, sign_as_sk }, { 0, 0, sign_as_sk } };
	static const unsigned char msg[] = "an event";
	unsigned char raw[64];
	char *armor = NULL;
	xfa_pubkey got;
	xfa_key *k = NULL;

	sk_setup();
	fake_start(r, 4);
	ck_assert_int_eq(xfa_key_from_agent(&k, &sk_pub, fk.path), 0);
	ck_assert_int_eq(xfa_sshsig_sign(&armor, k, "git", msg, sizeof(msg)), 0);
	ck_assert_int_eq(xfa_sshsig_verify(&got, armor, strlen(armor), "git", msg,
					   sizeof(msg)), 0);
	ck_assert_uint_eq(got.sk, 1);
	ck_assert_mem_eq(got.app, "ssh:", 4);
	/* the verifier's policy: without the user-presence flag, refused */
	free(armor);
	armor = NULL;
	sk_flags = 0x00;
	assert_error(xfa_sshsig_sign(&armor, k, "git", msg, sizeof(msg)),
		     XFA_EAUTH, "without the user's touch");
	ck_assert_ptr_null(armor);
	assert_error(xfa_key_sign(raw, k, msg, sizeof(msg)), XFA_EAUTH,
		     "security key");
	sk_flags = 0x01;
	/* three of the four answers used: the thread ends when the key closes */
	xfa_key_free(k);
	fake_stop();
}
END_TEST

START_TEST(test_sk_sshsig_noflag_refused)
{
	static const unsigned char msg[] = "an event";
	unsigned char sd[200], sig[128], blob[400], pk[XFA_PUBKEY_BLOB_MAX], h[64];
	size_t sdl = 0, sl, bl = 0, pkl;
	char *armor;

	/* an SSHSIG made outside xfa by a key that did not see a touch */
	sk_setup();
	sk_flags = 0x00;
	crypto_hash_sha512(h, msg, sizeof(msg));
	memcpy(sd, "SSHSIG\0\0\0\x03git\0\0\0\0\0\0\0\x06sha512\0\0\0\x40", 31);
	memcpy(sd + 31, h, 64);
	sdl = 95;
	sl = sk_sign(sig, sd, sdl);
	pkl = xfa_pubkey_blob(pk, &sk_pub);
	memcpy(blob, "SSHSIG\0\0\0\x01", 10), bl = 10;
	blob[bl] = 0, blob[bl + 1] = 0, blob[bl + 2] = 0, blob[bl + 3] = (unsigned char)pkl;
	memcpy(blob + bl + 4, pk, pkl), bl += 4 + pkl;
	memcpy(blob + bl, "\0\0\0\x03git\0\0\0\0\0\0\0\x06sha512", 21), bl += 21;
	blob[bl] = 0, blob[bl + 1] = 0, blob[bl + 2] = 0, blob[bl + 3] = (unsigned char)sl;
	memcpy(blob + bl + 4, sig, sl), bl += 4 + sl;
	armor = xfa_armor_encode("SSH SIGNATURE", blob, bl);
	assert_error(xfa_sshsig_verify(NULL, armor, strlen(armor), "git", msg,
				       sizeof(msg)), XFA_EBADSIG, "user-presence flag");
	free(armor);
	sk_flags = 0x01;
}
END_TEST

Suite *agent_suite(void);

Suite *agent_suite(void)
{
	Suite *s = suite_create("agent");
	TCase *tc = tcase_create("protocol");

	tcase_add_test(tc, test_list);
	tcase_add_loop_test(tc, test_list_malformed, 0,
			    sizeof(bad_lists) / sizeof(bad_lists[0]));
	tcase_add_test(tc, test_sign_request);
	tcase_add_test(tc, test_add_request);
	tcase_add_test(tc, test_open_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("key");
	tcase_add_test(tc, test_key_through_agent);
	tcase_add_test(tc, test_key_not_held);
	tcase_add_test(tc, test_sk_verify);
	tcase_add_test(tc, test_sk_through_agent);
	tcase_add_test(tc, test_sk_sshsig_noflag_refused);
	suite_add_tcase(s, tc);
	return s;
}
