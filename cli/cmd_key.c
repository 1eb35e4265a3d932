/* cmd_key.c - xfa key new: an Ed25519 key, encrypted under a passphrase,
 * and its public half in OpenSSH form; xfa key fingerprint; the ssh-agent
 * subcommands are in cmd_key_agent.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "error.h"
#include "file.h"
#include "key.h"

static const char usage[] =
	"xfa key new --name NAME [--email EMAIL] --out PATH\n"
	"       xfa key fingerprint PUBFILE\n"
	"       xfa key agent-add KEYFILE [--lifetime 8h]\n"
	"       xfa key agent-list";

static int key_new(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, 0, 'n' },
		{ "email", required_argument, 0, 'e' },
		{ "out", required_argument, 0, 'o' },
		{ 0, 0, 0, 0 }
	};
	const char *name = NULL, *email = NULL, *out = NULL;
	char keypath[4096], pubpath[4096], *pass = NULL, *line = NULL, comment[512];
	xfa_key *k = NULL;
	size_t plen = 0, n;
	int c, err, status = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n') name = optarg;
		else if (c == 'e') email = optarg;
		else if (c == 'o') out = optarg;
		else return cli_usage(usage, NULL);
	}
	if (!name || !out || optind != argc)
		return cli_usage(usage, "key new needs --name and --out");
	n = strlen(out);
	if (n > 4 && !strcmp(out + n - 4, ".key"))
		n -= 4;
	snprintf(keypath, sizeof(keypath), "%.*s.key", (int)n, out);
	snprintf(pubpath, sizeof(pubpath), "%.*s.pub", (int)n, out);
	if (access(keypath, F_OK) == 0 || access(pubpath, F_OK) == 0) {
		fprintf(stderr, "xfa: '%s' or '%s' exists: not overwriting a key\n",
			keypath, pubpath);
		return EXIT_DATA;
	}
	if (strpbrk(name, "<>\n\r") || (email && strpbrk(email, "<> \n\r,")))
		return cli_usage(usage, "name and email must not contain '<', '>' or line breaks");
	if ((err = cli_passphrase(&pass, &plen, "passphrase for the new key: ", 1)) < 0)
		return cli_fail(err, "no passphrase");
	if (plen == 0) {
		fprintf(stderr, "xfa: an empty passphrase is not allowed\n");
		status = EXIT_NOPERM;
		goto done;
	}
	if (email)
		snprintf(comment, sizeof(comment), "%s <%s>", name, email);
	else
		snprintf(comment, sizeof(comment), "%s", name);
	if ((err = xfa_key_generate(&k)) < 0 ||
	    (err = xfa_key_save(k, keypath, pass, plen)) < 0) {
		status = cli_fail(err, "cannot write '%s'", keypath);
		goto done;
	}
	line = xfa_pubkey_format(xfa_key_public(k), comment);
	if (line) {
		char *nl = realloc(line, strlen(line) + 2);
		if (nl)
			strcat(nl, "\n");
		else
			free(line);
		line = nl;
	}
	if (!line || (err = xfa_file_write_atomic(pubpath, line, strlen(line), 0644, 1)) < 0) {
		unlink(keypath);
		status = cli_fail(err, "cannot write '%s'", pubpath);
		goto done;
	}
	{
		char fpr[XFA_FPR_SIZE];
		xfa_pubkey_fingerprint(fpr, xfa_key_public(k));
		if (cli.json) {
			json_t *o = json_pack("{s:s, s:s, s:s}", "fingerprint", fpr,
					      "key", keypath, "public", pubpath);
			cli_json(o);
			json_decref(o);
		} else if (!cli.quiet) {
			printf("%s\n", fpr);
		}
	}
done:
	free(line);
	xfa_key_free(k);
	cli_passphrase_free(pass);
	return cli_done(status);
}

static int key_fingerprint(int argc, char **argv)
{
	char *name = NULL, *email = NULL, fpr[XFA_FPR_SIZE];
	xfa_pubkey pk;
	int st;

	if (argc != 2)
		return cli_usage(usage, NULL);
	if ((st = cli_read_pub(&pk, &name, &email, argv[1])))
		return st;
	xfa_pubkey_fingerprint(fpr, &pk);
	printf("%s\n", fpr);
	free(name);
	free(email);
	return cli_done(0);
}

int cmd_key(int argc, char **argv)
{
	if (cli_help(argc, argv, usage))
		return cli_done(0);
	if (argc >= 2 && !strcmp(argv[1], "new"))
		return key_new(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "fingerprint"))
		return key_fingerprint(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "agent-add"))
		return key_agent_add(argc - 1, argv + 1, usage);
	if (argc >= 2 && !strcmp(argv[1], "agent-list"))
		return key_agent_list(argc - 1, argv + 1, usage);
	return cli_usage(usage, NULL);
}
