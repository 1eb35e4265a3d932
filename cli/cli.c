/* cli.c - exit statuses, messages, passphrases, keys and output shared by
 * every command. */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "error.h"
#include "file.h"
#include "stamp.h"
#include "i18n.h"

struct cli_globals cli;

int cli_status(int code)
{
	switch (code) {
	case XFA_OK:        return EXIT_OKAY;
	case XFA_ENOTFOUND: return EXIT_NOINPUT;
	case XFA_EEXISTS:
	case XFA_EINVALID:
	case XFA_EBADSIG:   return EXIT_DATA;
	case XFA_ECONFLICT: return EXIT_TEMPFAIL;
	case XFA_EAUTH:     return EXIT_NOPERM;
	default:            return EXIT_IOERR;
	}
}

int cli_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs(_("xfa: "), stderr);
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	if (*xfa_error_last())
		fprintf(stderr, _(": %s"), xfa_error_last());
	fputc('\n', stderr);
	return cli_status(code);
}

int cli_usage(const char *usage, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fputs(_("xfa: "), stderr);
		va_start(ap, fmt);
		vfprintf(stderr, _(fmt), ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, _("usage: %s\n"), usage);
	return EXIT_USAGE;
}

int cli_help(int argc, char **argv, const char *usage)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cli_print_help(usage);
			return 1;
		}
	}
	return 0;
}

int cli_open(xfa_archive **out)
{
	int err = xfa_archive_open(out, cli.dir);

	if (err < 0)
		return cli_fail(err, "cannot open archive '%s'", cli.dir);
	return 0;
}

static int read_tty_line(char *buf, size_t cap, const char *prompt)
{
	struct termios old, quiet;
	FILE *tty = fopen("/dev/tty", "r+");
	int ok;

	if (!tty)
		return xfa_error_set(XFA_EAUTH,
			"no terminal for the passphrase (set XFA_PASSPHRASE_FILE)");
	/* echo off first, then the prompt: what is typed after the prompt
	 * appears is never flushed away (as OpenSSH's readpassphrase) */
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fputs(_(prompt), tty);
	fflush(tty);
	ok = fgets(buf, (int)cap, tty) != NULL;
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	if (!ok)
		return xfa_error_set(XFA_EAUTH, "no passphrase given");
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/*
 * A passphrase file others can read or write is refused, as OpenSSH
 * refuses such a private key: the key file's encryption is only as
 * private as the passphrase beside it.
 */
static int private_file(const char *file)
{
	struct stat sb;

	if (lstat(file, &sb) < 0)
		return 0;   /* xfa_file_read names what is wrong */
	if (S_ISREG(sb.st_mode) && (sb.st_mode & 077))
		return xfa_error_set(XFA_EAUTH, "'%s' is accessible by other "
				     "users (mode %04o; chmod 600 it)", file,
				     (unsigned)(sb.st_mode & 07777));
	return 0;
}

int cli_passphrase(char **out, size_t *out_len, const char *prompt, int confirm)
{
	const char *file = getenv("XFA_PASSPHRASE_FILE");
	char *p = xfa_secret_alloc(1024), *again = NULL, *buf = NULL;
	size_t len;
	int err = 0;

	*out = NULL;
	if (!p)
		return xfa_error_set(XFA_ERROR, "out of memory");
	if (file && *file) {
		if ((err = private_file(file)) < 0 ||
		    (err = xfa_file_read(&buf, &len, file, 1000)) < 0) {
			err = xfa_error_wrap(err, "XFA_PASSPHRASE_FILE");
			goto done;
		}
		len = strcspn(buf, "\r\n");
		memcpy(p, buf, len);
		p[len] = '\0';
		memset(buf, 0, len);
	} else {
		if ((err = read_tty_line(p, 1024, prompt)) < 0)
			goto done;
		if (confirm) {
			if (!(again = xfa_secret_alloc(1024)) ||
			    (err = read_tty_line(again, 1024, N_("again: "))) < 0)
				goto done;
			if (strcmp(p, again)) {
				err = xfa_error_set(XFA_EINVALID, "the passphrases differ");
				goto done;
			}
		}
	}
	*out = p;
	*out_len = strlen(p);
	p = NULL;
done:
	free(buf);
	xfa_secret_free(again);
	xfa_secret_free(p);
	return err;
}

void cli_passphrase_free(char *p)
{
	xfa_secret_free(p);
}

int cli_is_pubfile(const char *path)
{
	char head[80] = "", *sp;
	size_t n;
	FILE *f;

	if (!(f = fopen(path, "r")))
		return 0;
	n = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[n] = '\0';
	/* "TYPE AAAA...": ssh-ed25519, sk-ssh-ed25519@openssh.com, but also
	 * the types refused later by name (ssh-rsa, ecdsa-sha2-..., sk-ecdsa-...) */
	if (strncmp(head, "ssh-", 4) && strncmp(head, "ecdsa-", 6) &&
	    strncmp(head, "sk-", 3))
		return 0;
	return (sp = strchr(head, ' ')) && !strncmp(sp + 1, "AAAA", 4);
}

int cli_agent_key(xfa_key **out, const char *path)
{
	char *name = NULL, *email = NULL;
	xfa_pubkey pk;
	int err, st;

	*out = NULL;
	if ((st = cli_read_pub(&pk, &name, &email, path)))
		return st;
	free(name);
	free(email);
	if ((err = xfa_key_from_agent(out, &pk, NULL)) < 0)
		return cli_fail(err, "cannot sign as '%s'", path);
	return 0;
}

int cli_signing_key(xfa_key **out)
{
	char *pass = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if (!cli.key || !*cli.key) {
		fprintf(stderr, _("xfa: %s\n"), _("this command signs: name a key with --as KEYFILE or XFA_KEY"));
		return EXIT_USAGE;
	}
	if (cli_is_pubfile(cli.key))
		return cli_agent_key(out, cli.key);
	/* refuse a world-readable or odd file before asking for a passphrase */
	if ((err = xfa_key_file_check(cli.key)) < 0)
		return cli_fail(err, "cannot use key '%s'", cli.key);
	if ((err = cli_passphrase(&pass, &len, N_("passphrase: "), 0)) < 0)
		return cli_fail(err, "cannot unlock '%s'", cli.key);
	err = xfa_key_load(out, cli.key, pass, len);
	cli_passphrase_free(pass);
	if (err < 0)
		return cli_fail(err, "cannot use key '%s'", cli.key);
	return 0;
}

void cli_json(const json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	fputc('\n', stdout);
}

int cli_done(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, _("xfa: cannot write output: %s\n"), strerror(errno));
		return EXIT_IOERR;
	}
	return status;
}

int cli_width(const char *s)
{
	mbstate_t st;
	wchar_t wc;
	int w = 0;

	memset(&st, 0, sizeof(st));
	while (*s) {
		size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		int cw;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			return w + (int)strlen(s);
		cw = wcwidth(wc);
		w += cw < 0 ? 1 : cw;
		s += n;
	}
	return w;
}

void cli_cell(const char *s, int width)
{
	int w;

	s = s ? s : "";
	w = cli_width(s);
	fputs(s, stdout);
	if (w >= width && width > 0)
		fputc(' ', stdout);	/* too wide: still one space to the next cell */
	for (; w < width; w++)
		fputc(' ', stdout);
}

const char *cli_resolve(const xfa_workflow *wf, const char *vocab,
			const char *what, const char *s)
{
	const char *id = xfa_workflow_resolve(wf, vocab, s);

	if (!id) {
		xfa_workflow_refuse_value(wf, vocab, what, s, cli.lang);
		fprintf(stderr, _("xfa: %s\n"), xfa_error_last());
	}
	return id;
}

int cli_resolve_list(char *out, size_t cap, const xfa_workflow *wf,
		     const char *vocab, const char *what, const char *list)
{
	size_t len = 0;
	char item[256];
	const char *p = list, *comma, *id;

	out[0] = '\0';
	for (;;) {
		size_t n = (comma = strchr(p, ',')) ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof(item))
			n = sizeof(item) - 1;
		memcpy(item, p, n);
		item[n] = '\0';
		if (!(id = cli_resolve(wf, vocab, what, item)))
			return EXIT_DATA;
		if (len + strlen(id) + 2 > cap)
			return cli_usage("", "%s: too long", what);
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "", id);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

const char *cli_label(const xfa_meta *m, const char *vocab, const char *id)
{
	if (!id)
		return "";
	return m ? xfa_workflow_label(m->wf, vocab, id, cli.lang) : id;
}

int cli_read_pub(xfa_pubkey *pk, char **name, char **email, const char *path)
{
	char *buf = NULL, *comment = NULL, *lt, *gt;
	int err;

	*name = *email = NULL;
	if ((err = xfa_file_read(&buf, NULL, path, 16384)) < 0)
		return cli_fail(err, "cannot read public key");
	buf[strcspn(buf, "\r\n")] = '\0';
	err = xfa_pubkey_parse(pk, &comment, buf);
	free(buf);
	if (err < 0)
		return cli_fail(err, "'%s'", path);
	if (comment && (lt = strchr(comment, '<')) && (gt = strchr(lt, '>'))) {
		*gt = '\0';
		*email = strdup(lt + 1);
		while (lt > comment && lt[-1] == ' ')
			lt--;
		*lt = '\0';
	}
	*name = comment;
	return 0;
}

void cli_verified_write(const char *head)
{
	char path[4096], line[128];
	xfa_stamp now;
	char at[XFA_STAMP_SIZE];
	int n;

	if (xfa_stamp_now(&now, 0) < 0)
		return;
	xfa_stamp_format(at, &now);
	n = snprintf(line, sizeof(line), "%s %s\n", head, at);
	if ((size_t)snprintf(path, sizeof(path), "%s/xfa-verified", cli.dir) < sizeof(path) &&
	    n > 0 && (size_t)n < sizeof(line))
		(void)xfa_file_write_atomic(path, line, (size_t)n, 0644, 0);
	xfa_error_clear();
}

int cli_verified_check(const char *head, char *when, size_t cap)
{
	char path[4096], *buf = NULL, *sp;
	int r = -1;

	when[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/xfa-verified", cli.dir) >= sizeof(path) ||
	    xfa_file_read(&buf, NULL, path, 256) < 0) {
		xfa_error_clear();
		return -1;
	}
	if ((sp = strchr(buf, ' '))) {
		*sp = '\0';
		snprintf(when, cap, "%.*s", (int)strcspn(sp + 1, "\r\n"), sp + 1);
		r = !strcmp(buf, head);
	}
	free(buf);
	return r;
}
