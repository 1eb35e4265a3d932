/* sshsign.c - a stand-in for `ssh-keygen -Y sign -n NS -f KEY FILE...` that
 * signs with xfa's own (passphrase-encrypted) key files, so that the tamper
 * tests can make re-signed commits with `git -c gpg.ssh.program=sshsign
 * commit-tree -S` and re-signed events.  The passphrase comes from
 * XFA_PASSPHRASE_FILE; a KEY that is not an xfa key file is handed to the
 * real ssh-keygen.  Writes FILE.sig for each FILE (stdin to stdout if none).
 * Test tool only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "file.h"
#include "key.h"
#include "sshsig.h"
#include "xfa.h"

static int sign_file(const xfa_key *k, const char *ns, const char *path)
{
	char *buf = NULL, *sig = NULL, out[4096];
	size_t len = 0, cap = 0, n;
	FILE *f;
	int err;

	if (path) {
		if ((err = xfa_file_read(&buf, &len, path, 64u << 20)) < 0)
			return err;
	} else {
		cap = 1 << 16;
		buf = malloc(cap);
		while (buf && (n = fread(buf + len, 1, cap - len, stdin)) > 0)
			if ((len += n) == cap && !(buf = realloc(buf, cap *= 2)))
				break;
		if (!buf)
			return XFA_ERROR;
	}
	err = xfa_sshsig_sign(&sig, k, ns, (const unsigned char *)buf, len);
	free(buf);
	if (err < 0)
		return err;
	snprintf(out, sizeof(out), "%s.sig", path ? path : "");
	f = path ? fopen(out, "w") : stdout;
	if (!f || fputs(sig, f) < 0 || (path && fclose(f)))
		err = XFA_EIO;
	free(sig);
	return err;
}

int main(int argc, char **argv)
{
	const char *ns = NULL, *keyfile = NULL, *passfile = getenv("XFA_PASSPHRASE_FILE");
	char *pass = NULL;
	size_t plen = 0;
	xfa_key *k = NULL;
	int i, first = argc, err = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			ns = argv[++i];
		else if (!strcmp(argv[i], "-f") && i + 1 < argc)
			keyfile = argv[++i];
		else if (!strcmp(argv[i], "-Y") && i + 1 < argc)
			i++;
		else if (argv[i][0] != '-') {
			first = i;
			break;
		}
	}
	if (!ns || !keyfile) {
		fprintf(stderr, "usage: sshsign -Y sign -n NS -f KEYFILE [FILE...]\n");
		return 64;
	}
	if (xfa_init() < 0)
		return 74;
	if (!passfile || xfa_file_read(&pass, &plen, passfile, 1000) < 0)
		return 77;
	plen = strcspn(pass, "\r\n");
	err = xfa_key_load(&k, keyfile, pass, plen);
	free(pass);
	if (err == XFA_EINVALID) {
		argv[0] = (char *)"ssh-keygen";
		execvp("ssh-keygen", argv);
		return 74;
	}
	for (i = first; err == 0 && i <= argc; i++) {
		if (i == argc && first != argc)
			break;
		err = sign_file(k, ns, i < argc ? argv[i] : NULL);
	}
	if (err < 0)
		fprintf(stderr, "sshsign: %s\n", xfa_error_last());
	xfa_key_free(k);
	return err < 0 ? 1 : 0;
}
