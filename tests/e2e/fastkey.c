/* fastkey.c - write an xfa key file whose Argon2id limits are libsodium's
 * minimum (1 pass, 8 KiB) instead of `xfa key new`'s interactive ones, for
 * the tests that start a thousand xfa processes (t_parallel.sh, t_crash.sh):
 * unlocking then costs microseconds instead of a fifth of a second.  Same
 * layout as archive/key.c: armor "XFA SECRET KEY" around magic "xfakey\0\1"
 * || u64be opslimit || u64be memlimit || salt || nonce || pk ||
 * XChaCha20-Poly1305(seed) with the header as associated data.  Never use
 * such a key for anything real.
 * usage: fastkey PASSPHRASE-FILE OUT   (writes OUT.key and OUT.pub)
 * Built by the tests: cc -o fastkey fastkey.c -lsodium */
#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>

static void put_u64be(unsigned char *p, unsigned long long v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

int main(int argc, char **argv)
{
	enum { SALT = 24, NONCE = SALT + 16, PK = NONCE + 24, HDR = PK + 32 };
	unsigned char blob[HDR + 32 + 16], seed[32], pk[32], sk[64], dk[32];
	unsigned char wire[51];
	char pass[256], b64[256], path[4096];
	size_t plen, i, n;
	FILE *f;

	if (argc != 3 || sodium_init() < 0 || !(f = fopen(argv[1], "r")) ||
	    !fgets(pass, sizeof(pass), f))
		return 64;
	fclose(f);
	plen = strcspn(pass, "\r\n");
	randombytes_buf(seed, 32);
	crypto_sign_seed_keypair(pk, sk, seed);
	memcpy(blob, "xfakey\0\1", 8);
	put_u64be(blob + 8, crypto_pwhash_OPSLIMIT_MIN);
	put_u64be(blob + 16, crypto_pwhash_MEMLIMIT_MIN);
	randombytes_buf(blob + SALT, 16);
	randombytes_buf(blob + NONCE, 24);
	memcpy(blob + PK, pk, 32);
	if (crypto_pwhash(dk, 32, pass, plen, blob + SALT,
			  crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return 70;
	crypto_aead_xchacha20poly1305_ietf_encrypt(blob + HDR, NULL, seed, 32,
		blob, HDR, NULL, blob + NONCE, dk);
	sodium_bin2base64(b64, sizeof(b64), blob, sizeof(blob),
			  sodium_base64_VARIANT_ORIGINAL);
	snprintf(path, sizeof(path), "%s.key", argv[2]);
	if (!(f = fopen(path, "wx")) || fchmod(fileno(f), 0600) != 0)
		return 73; /* xfa refuses a key file others may read */
	fprintf(f, "-----BEGIN XFA SECRET KEY-----\n");
	for (i = 0, n = strlen(b64); i < n; i += 70)
		fprintf(f, "%.70s\n", b64 + i);
	fprintf(f, "-----END XFA SECRET KEY-----\n");
	if (fclose(f) != 0)
		return 74;
	memcpy(wire, "\0\0\0\x0bssh-ed25519\0\0\0\x20", 19);
	memcpy(wire + 19, pk, 32);
	sodium_bin2base64(b64, sizeof(b64), wire, sizeof(wire),
			  sodium_base64_VARIANT_ORIGINAL);
	snprintf(path, sizeof(path), "%s.pub", argv[2]);
	if (!(f = fopen(path, "wx")))
		return 73;
	fprintf(f, "ssh-ed25519 %s %s\n", b64, strrchr(argv[2], '/') ?
		strrchr(argv[2], '/') + 1 : argv[2]);
	return fclose(f) != 0 ? 74 : 0;
}
