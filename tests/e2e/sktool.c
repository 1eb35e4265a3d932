/* sktool.c - a software stand-in for a FIDO2 security key holding an
 * sk-ssh-ed25519@openssh.com key, for the tests of a machine without a
 * token.  It signs as OpenSSH PROTOCOL.u2f describes: Ed25519 over
 * SHA256(application) || flags || uint32 counter || SHA256(message).
 * Test tool only.
 *
 *   sktool keygen NAME [APPLICATION]    NAME.seed (0600) and NAME.pub
 *   sktool -Y sign -n NS -f NAME.seed [FILE]
 *        like ssh-keygen -Y sign (git's gpg.ssh.program): FILE.sig, or
 *        stdin to stdout; SKTOOL_FLAGS (default 0x01, user present) and
 *        SKTOOL_APP (default: the key's application) alter the signature
 *   sktool agent SOCKET NAME.seed [ok|noflag|wrongapp|refuse|garbage|close|huge]
 *        an ssh-agent (draft-miller-ssh-agent) holding the key, until
 *        killed: lists it, and signs as a token would (or misbehaves as
 *        the mode says) */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

#define SK_TYPE "sk-ssh-ed25519@openssh.com"

struct key {
	unsigned char seed[32], pk[32], sk[64];
	char app[65];
};

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		if (!(b->p = realloc(b->p, b->cap)))
			exit(70);
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { v >> 24, v >> 16, v >> 8, v };
	put(b, x, 4);
}

static void put_str(struct buf *b, const void *d, size_t n)
{
	put_u32(b, (uint32_t)n);
	put(b, d, n);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void pub_blob(struct buf *b, const struct key *k)
{
	put_str(b, SK_TYPE, strlen(SK_TYPE));
	put_str(b, k->pk, 32);
	put_str(b, k->app, strlen(k->app));
}

/* string type || string sig || byte flags || uint32 counter */
static void sk_sig(struct buf *out, const struct key *k, const char *app,
		   unsigned flags, uint32_t counter, const unsigned char *m,
		   size_t mlen)
{
	unsigned char sd[69], sig[64];

	crypto_hash_sha256(sd, (const unsigned char *)app, strlen(app));
	sd[32] = (unsigned char)flags;
	sd[33] = counter >> 24, sd[34] = counter >> 16;
	sd[35] = counter >> 8, sd[36] = counter;
	crypto_hash_sha256(sd + 37, m, mlen);
	crypto_sign_detached(sig, NULL, sd, sizeof(sd), k->sk);
	put_str(out, SK_TYPE, strlen(SK_TYPE));
	put_str(out, sig, 64);
	put(out, (unsigned char[]){ (unsigned char)flags }, 1);
	put_u32(out, counter);
}

static int load(struct key *k, const char *path)
{
	char hex[80], *nl;
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (!f || !fgets(hex, sizeof(hex), f) || sodium_hex2bin(k->seed, 32,
	    hex, 64, NULL, &n, NULL) != 0 || n != 32 ||
	    !fgets(k->app, sizeof(k->app), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	if ((nl = strchr(k->app, '\n')))
		*nl = '\0';
	if (!*k->app) /* the line after the seed: the application */
		return -1;
	crypto_sign_seed_keypair(k->pk, k->sk, k->seed);
	return 0;
}

static int keygen(const char *name, const char *app)
{
	struct key k;
	struct buf b = { 0 };
	char path[4096], hex[65], b64[200];
	FILE *f;

	randombytes_buf(k.seed, 32);
	crypto_sign_seed_keypair(k.pk, k.sk, k.seed);
	snprintf(k.app, sizeof(k.app), "%s", app);
	snprintf(path, sizeof(path), "%s.seed", name);
	if (!(f = fopen(path, "wx")) || fchmod(fileno(f), 0600) != 0)
		return 73;
	fprintf(f, "%s\n%s\n", sodium_bin2hex(hex, sizeof(hex), k.seed, 32), app);
	fclose(f);
	pub_blob(&b, &k);
	sodium_bin2base64(b64, sizeof(b64), b.p, b.len,
			  sodium_base64_VARIANT_ORIGINAL);
	snprintf(path, sizeof(path), "%s.pub", name);
	if (!(f = fopen(path, "wx")))
		return 73;
	fprintf(f, SK_TYPE " %s %s\n", b64, name);
	free(b.p);
	return fclose(f) ? 74 : 0;
}

/* -Y sign: the SSHSIG blob of `msg` (PROTOCOL.sshsig, sha512), armored. */
static int sshsig(FILE *out, const struct key *k, const char *ns,
		  const unsigned char *msg, size_t mlen)
{
	const char *app = getenv("SKTOOL_APP") ? getenv("SKTOOL_APP") : k->app;
	unsigned flags = getenv("SKTOOL_FLAGS") ?
		(unsigned)strtoul(getenv("SKTOOL_FLAGS"), NULL, 0) : 0x01;
	struct buf sd = { 0 }, sig = { 0 }, blob = { 0 }, pk = { 0 };
	unsigned char h[64];
	char *b64;
	size_t n, i;

	crypto_hash_sha512(h, msg, mlen);
	put(&sd, "SSHSIG", 6);
	put_str(&sd, ns, strlen(ns));
	put_str(&sd, "", 0);
	put_str(&sd, "sha512", 6);
	put_str(&sd, h, 64);
	sk_sig(&sig, k, app, flags, 7, sd.p, sd.len);
	pub_blob(&pk, k);
	put(&blob, "SSHSIG", 6);
	put_u32(&blob, 1);
	put_str(&blob, pk.p, pk.len);
	put_str(&blob, ns, strlen(ns));
	put_str(&blob, "", 0);
	put_str(&blob, "sha512", 6);
	put_str(&blob, sig.p, sig.len);
	n = sodium_base64_ENCODED_LEN(blob.len, sodium_base64_VARIANT_ORIGINAL);
	if (!(b64 = malloc(n)))
		return 70;
	sodium_bin2base64(b64, n, blob.p, blob.len, sodium_base64_VARIANT_ORIGINAL);
	fprintf(out, "-----BEGIN SSH SIGNATURE-----\n");
	for (i = 0, n = strlen(b64); i < n; i += 70)
		fprintf(out, "%.70s\n", b64 + i);
	fprintf(out, "-----END SSH SIGNATURE-----\n");
	free(b64);
	free(sd.p), free(sig.p), free(blob.p), free(pk.p);
	return 0;
}

static unsigned char *slurp(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n;
	unsigned char *p = malloc(cap);

	*len = 0;
	while (p && (n = fread(p + *len, 1, cap - *len, f)) > 0)
		if ((*len += n) == cap && !(p = realloc(p, cap *= 2)))
			return NULL;
	return p;
}

static int sign_main(int argc, char **argv)
{
	const char *ns = NULL, *keyfile = NULL, *file = NULL;
	unsigned char *msg;
	struct key k;
	char out[4096];
	size_t len;
	FILE *in, *o;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-Y") && i + 1 < argc) i++;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc) ns = argv[++i];
		else if (!strcmp(argv[i], "-f") && i + 1 < argc) keyfile = argv[++i];
		else if (!strcmp(argv[i], "-U")) ;
		else file = argv[i];
	}
	if (!ns || !keyfile || load(&k, keyfile) < 0) {
		fprintf(stderr, "sktool: -Y sign needs -n NS and -f NAME.seed\n");
		return 64;
	}
	in = file ? fopen(file, "rb") : stdin;
	if (!in || !(msg = slurp(in, &len)))
		return 66;
	snprintf(out, sizeof(out), "%s.sig", file ? file : "");
	o = file ? fopen(out, "w") : stdout;
	if (!o)
		return 73;
	rc = sshsig(o, &k, ns, msg, len);
	free(msg);
	return fclose(o) || rc ? 74 : 0;
}

static int read_full(int fd, void *p, size_t n)
{
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r <= 0)
			return -1;
		p = (char *)p + r;
		n -= (size_t)r;
	}
	return 0;
}

static void reply(int fd, const struct buf *b)
{
	unsigned char len[4] = { b->len >> 24, b->len >> 16, b->len >> 8, b->len };

	if (write(fd, len, 4) != 4 || write(fd, b->p, b->len) != (ssize_t)b->len)
		return;
}

/* One request (type first) from a client; writes the reply. */
static void serve_one(int fd, const struct key *k, const char *mode,
		      const unsigned char *req, size_t len)
{
	struct buf b = { 0 }, pk = { 0 }, sig = { 0 };
	uint32_t kl, dl;

	pub_blob(&pk, k);
	if (req[0] == 11) { /* REQUEST_IDENTITIES */
		put(&b, (unsigned char[]){ 12 }, 1);
		put_u32(&b, 1);
		put_str(&b, pk.p, pk.len);
		put_str(&b, "sktool", 6);
	} else if (req[0] == 13 && !strcmp(mode, "refuse")) {
		put(&b, (unsigned char[]){ 5 }, 1);
	} else if (req[0] == 13 && len >= 9 && (kl = get_u32(req + 1)) <= len - 9 &&
		   kl == pk.len && !memcmp(req + 5, pk.p, kl) &&
		   (dl = get_u32(req + 5 + kl)) <= len - 9 - kl) {
		sk_sig(&sig, k, !strcmp(mode, "wrongapp") ? "ssh:other" : k->app,
		       !strcmp(mode, "noflag") ? 0x00 : 0x01, 42,
		       req + 9 + kl, dl);
		put(&b, (unsigned char[]){ 14 }, 1);
		put_str(&b, sig.p, sig.len);
	} else {
		put(&b, (unsigned char[]){ 5 }, 1);
	}
	reply(fd, &b);
	free(b.p), free(pk.p), free(sig.p);
}

static int agent_main(const char *path, const char *keyfile, const char *mode)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	unsigned char hdr[4], *req;
	struct key k;
	uint32_t n;
	int s, c;

	if (load(&k, keyfile) < 0 || strlen(path) >= sizeof(sun.sun_path))
		return 64;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(s, 8) < 0)
		return 71;
	for (;;) {
		if ((c = accept(s, NULL, NULL)) < 0)
			continue;
		while (read_full(c, hdr, 4) == 0) {
			n = get_u32(hdr);
			if (!strcmp(mode, "close"))
				break;
			if (!strcmp(mode, "garbage")) {
				if (write(c, "SSH-2.0-OpenSSH_9.2\r\n", 21) < 0)
					break;
				break;
			}
			if (!strcmp(mode, "huge")) {
				if (write(c, "\x7f\xff\xff\xff\x0c", 5) < 0)
					break;
				break;
			}
			if (n == 0 || n > 256 * 1024 || !(req = malloc(n)))
				break;
			if (read_full(c, req, n) == 0)
				serve_one(c, &k, mode, req, n);
			free(req);
		}
		close(c);
	}
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 70;
	if (argc >= 3 && !strcmp(argv[1], "keygen"))
		return keygen(argv[2], argc > 3 ? argv[3] : "ssh:");
	if (argc >= 4 && !strcmp(argv[1], "agent"))
		return agent_main(argv[2], argv[3], argc > 4 ? argv[4] : "ok");
	if (argc >= 2 && !strcmp(argv[1], "-Y"))
		return sign_main(argc, argv);
	fprintf(stderr, "usage: sktool keygen NAME [APP] | -Y sign -n NS -f "
		"NAME.seed [FILE] | agent SOCKET NAME.seed [MODE]\n");
	return 64;
}
