/* fuzz_sshsig.c - the SSHSIG armor parser and verifier.  The input is an
 * armored signature over the fixed message of tests/fixtures/keys/message.txt
 * (the seeds are real signatures of it, so mutations reach deep into the
 * blob); it is verified in namespace xfa-event.  A signature that verifies
 * must verify again and must not verify in another namespace.  The input is
 * also fed to the public-key line parser. */
#include "fuzz.h"
#include "key.h"
#include "sshsig.h"

static const char msg[] =
	"\xe4\xbf\xa1\xe8\xae\xbf\xe4\xba\x8b\xe9\xa1\xb9 XF-2026-000123: "
	"status accepted -> assigned\nsecond line\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xfa_pubkey pk, pk2;
	char *line, *comment = NULL;
	int r;

	r = xfa_sshsig_verify(&pk, (const char *)data, size, "xfa-event",
			      (const unsigned char *)msg, sizeof(msg) - 1);
	if (r == 0) {
		if (xfa_sshsig_verify(&pk2, (const char *)data, size,
				      "xfa-event", (const unsigned char *)msg,
				      sizeof(msg) - 1) != 0 ||
		    memcmp(&pk, &pk2, sizeof(pk)) != 0)
			abort();
		if (xfa_sshsig_verify(NULL, (const char *)data, size, "git",
				      (const unsigned char *)msg,
				      sizeof(msg) - 1) == 0)
			abort();      /* namespace must be bound */
	}
	if ((line = malloc(size + 1))) {
		memcpy(line, data, size);
		line[size] = '\0';
		if (xfa_pubkey_parse(&pk, &comment, line) == 0) {
			char *s = xfa_pubkey_format(&pk, comment);
			free(s);
		}
		free(comment);
		free(line);
	}
	return 0;
}
