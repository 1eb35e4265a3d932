/* fuzz_key.c - the key-file reader (armor, header, Argon2 limits, AEAD) on
 * a file holding the input, with the fixtures' passphrase; a file it
 * accepts yields a key whose signatures verify under its public half. */
#include "fuzz.h"
#include "key.h"

static const char pass[] = "fixture passphrase";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xfa_key *k = NULL;
	unsigned char sig[64];
	const char *path = fuzz_tmpfile(data, size, ".key");

	if (xfa_key_load(&k, path, pass, sizeof(pass) - 1) == 0) {
		xfa_key_sign(sig, k, data, size);
		if (xfa_pubkey_verify(xfa_key_public(k), sig, data, size) != 0)
			abort();
		xfa_key_free(k);
	}
	unlink(path);
	return 0;
}
