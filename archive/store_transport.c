/* store_transport.c - how the store reaches a remote over the network:
 * credentials as git users hold them (ssh-agent, ~/.ssh key files, git's
 * credential helpers), ssh host keys checked against known_hosts, CA
 * certificates named as git names them, and errors a user can act on. */
#define _GNU_SOURCE 1
#include "store_int.h"

#include <libssh2.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "key.h"

extern char **environ;

/* --- URLs ----------------------------------------------------------------- */

/* Is `url` scp-like ([user@]host:path), which git and libgit2 take for ssh? */
static int scp_like(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');

	return !strstr(url, "://") && colon && colon != url &&
	       (!slash || colon < slash);
}

int store_url_parse(store_url *u, const char *url)
{
	const char *p = url, *at, *end, *hp;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (scp_like(url)) {
		snprintf(u->scheme, sizeof(u->scheme), "ssh");
		end = strchr(url, ':');
	} else if ((hp = strstr(url, "://"))) {
		snprintf(u->scheme, sizeof(u->scheme), "%.*s",
			 (int)(hp - url < 15 ? hp - url : 15), url);
		p = hp + 3;
		end = p + strcspn(p, "/");
	} else {
		snprintf(u->scheme, sizeof(u->scheme), "local");
		u->local = 1;
		return 0;
	}
	if (!strcmp(u->scheme, "file")) {
		u->local = 1;
		return 0;
	}
	if (!strcmp(u->scheme, "ssh+git") || !strcmp(u->scheme, "git+ssh"))
		snprintf(u->scheme, sizeof(u->scheme), "ssh");
	/* userinfo: everything before the last '@' of the authority */
	at = NULL;
	for (hp = p; hp < end; hp++)
		if (*hp == '@')
			at = hp;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		n = (size_t)((colon ? colon : at) - p);
		snprintf(u->user, sizeof(u->user), "%.*s", (int)n, p);
		u->has_password = colon != NULL;
		p = at + 1;
	}
	hp = p;
	if (*hp == '[') {                          /* [v6 address] */
		const char *close = memchr(hp, ']', (size_t)(end - hp));
		if (!close)
			return xfa_error_set(XFA_EINVALID, "'%s' is not a valid URL", url);
		snprintf(u->host, sizeof(u->host), "%.*s", (int)(close - hp - 1), hp + 1);
		p = close + 1;
	} else {
		n = strcspn(hp, ":/");
		if (hp + n > end)
			n = (size_t)(end - hp);
		snprintf(u->host, sizeof(u->host), "%.*s", (int)n, hp);
		p = hp + n;
	}
	u->port = !strcmp(u->scheme, "ssh") ? 22 : !strcmp(u->scheme, "https") ? 443 :
		  !strcmp(u->scheme, "http") ? 80 : !strcmp(u->scheme, "git") ? 9418 : 0;
	if (!scp_like(url) && *p == ':' && p + 1 < end) {
		u->port = atoi(p + 1);
		u->explicit_port = 1;
	}
	if (!*u->host)
		return xfa_error_set(XFA_EINVALID, "'%s' names no host", url);
	return 0;
}

void xfa_url_shown(char *out, size_t n, const char *url)
{
	const char *hp = strstr(url, "://"), *end, *at = NULL, *colon, *p;

	snprintf(out, n, "%s", url);
	if (!hp)
		return;
	end = hp + 3 + strcspn(hp + 3, "/");
	for (p = hp + 3; p < end; p++)
		if (*p == '@')
			at = p;
	colon = at ? memchr(hp + 3, ':', (size_t)(at - hp - 3)) : NULL;
	if (colon)
		snprintf(out, n, "%.*s@%s", (int)(colon - url), url, at + 1);
}

/* --- credentials ---------------------------------------------------------- */

/* The local user name, as ssh uses it when the URL names none. */
static const char *login_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *u = getenv("USER");

	return pw && pw->pw_name ? pw->pw_name : u && *u ? u : "git";
}

static void home_file(char *out, size_t n, const char *rel)
{
	const char *home = getenv("HOME");

	snprintf(out, n, "%s/%s", home && *home ? home : ".", rel);
}

/*
 * Run `git credential <verb>` (fill, approve, reject) with `in` on its
 * standard input, in the archive's git directory so that its configuration
 * and the user's (credential.helper) apply.  With `out`, the malloc'd
 * standard output.  0, or -1 if git failed or gave nothing.
 */
static int run_credential(char **out, const char *gitdir, const char *verb,
			  const char *in)
{
	char dirarg[4200], buf[4096];
	char *argv[] = { "git", dirarg, "credential", (char *)verb, NULL };
	posix_spawn_file_actions_t fa;
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, status = 0, rc = -1;
	size_t len = 0, inlen = strlen(in);
	sigset_t pipe_set, old;
	ssize_t k;
	pid_t pid;

	if (out)
		*out = NULL;
	snprintf(dirarg, sizeof(dirarg), "--git-dir=%s", gitdir);
	if (pipe(pin) < 0 || pipe(pout) < 0)
		goto close;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
	posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	posix_spawn_file_actions_addclose(&fa, pin[1]);
	posix_spawn_file_actions_addclose(&fa, pout[0]);
	k = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pin[0]);
	close(pout[1]);
	pin[0] = pout[1] = -1;
	if (k != 0)
		goto close;
	/* git may exit before reading (a broken helper): no SIGPIPE for us */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	k = write(pin[1], in, inlen);
	close(pin[1]);
	pin[1] = -1;
	{
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	while ((k = read(pout[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		if ((len += (size_t)k) == sizeof(buf) - 1)
			break;
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
		if (out && !(*out = strdup(buf)))
			rc = -1;
	}
	explicit_bzero(buf, sizeof(buf));
close:
	if (pin[0] >= 0) close(pin[0]);
	if (pin[1] >= 0) close(pin[1]);
	if (pout[0] >= 0) close(pout[0]);
	if (pout[1] >= 0) close(pout[1]);
	return rc;
}

/* The credential description git's helpers key on. */
static void cred_desc(char *out, size_t n, const store_xfer *x, const char *user,
		      const char *pass)
{
	const char *path = strstr(x->url, "://");

	path = path ? strchr(path + 3, '/') : NULL;
	snprintf(out, n, "protocol=%s\nhost=%s%s%.0d\npath=%s\n%s%s%s%s%s%s\n",
		 x->u.scheme, x->u.host, x->u.explicit_port ? ":" : "",
		 x->u.explicit_port ? x->u.port : 0, path ? path + 1 : "",
		 user ? "username=" : "", user ? user : "", user ? "\n" : "",
		 pass ? "password=" : "", pass ? pass : "", pass ? "\n" : "");
}

static void forget_pass(store_xfer *x)
{
	if (x->pass) {
		explicit_bzero(x->pass, strlen(x->pass));
		free(x->pass);
		x->pass = NULL;
	}
}

/* One answer from `git credential fill`: username and password. */
static int fill(store_xfer *x, const char *user)
{
	char in[2048], *res = NULL, *line, *save = NULL;
	int ok = 0;

	cred_desc(in, sizeof(in), x, user, NULL);
	if (run_credential(&res, x->gitdir, "fill", in) < 0)
		return -1;
	for (line = strtok_r(res, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "username=", 9))
			snprintf(x->user, sizeof(x->user), "%s", line + 9);
		else if (!strncmp(line, "password=", 9) && !x->pass)
			ok = (x->pass = strdup(line + 9)) != NULL;
	}
	explicit_bzero(res, strlen(res));
	free(res);
	return ok && *x->user ? 0 : -1;
}

/* Tell the helpers whether the password they gave worked. */
static void tell_helpers(store_xfer *x, const char *verb)
{
	char in[2048];

	if (!x->pass)
		return;
	cred_desc(in, sizeof(in), x, x->user, x->pass);
	run_credential(NULL, x->gitdir, verb, in);
	explicit_bzero(in, sizeof(in));
}

static int give_up(store_xfer *x, const char *user, const char *tried)
{
	x->auth_failed = 1;
	if (user != x->user)
		snprintf(x->user, sizeof(x->user), "%s", user);
	snprintf(x->tried, sizeof(x->tried), "%s", tried);
	git_error_set_str(GIT_ERROR_NET, "credentials refused");
	return GIT_EAUTH;
}

/* Does an ssh-agent answer at SSH_AUTH_SOCK?  (libgit2 gives up on a stale
 * socket instead of going on to the key files.) */
static int agent_alive(void)
{
	const char *path = getenv("SSH_AUTH_SOCK");
	struct sockaddr_un sa;
	int fd, ok;

	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* An ssh key: the agent's keys first, then ~/.ssh's key files, each once. */
static int ssh_key(git_credential **out, store_xfer *x, const char *user)
{
	static const char *const files[] = { ".ssh/id_ed25519", ".ssh/id_ecdsa",
		".ssh/id_rsa" };
	char priv[4096], pub[4200];

	if (x->ssh_step == 0) {
		x->ssh_step = 1;
		if (agent_alive()) {
			snprintf(x->tried_buf, sizeof(x->tried_buf), "%s", N_("the ssh-agent's keys"));
			return git_credential_ssh_key_from_agent(out, user);
		}
	}
	while (x->ssh_step <= (int)(sizeof(files) / sizeof(files[0]))) {
		home_file(priv, sizeof(priv), files[x->ssh_step++ - 1]);
		if (access(priv, R_OK) != 0)
			continue;
		snprintf(pub, sizeof(pub), "%s.pub", priv);
		size_t used = strlen(x->tried_buf);
		snprintf(x->tried_buf + used, sizeof(x->tried_buf) - used, "%s%s",
			 used ? ", " : "", priv);
		return git_credential_ssh_key_new(out, user,
			access(pub, R_OK) == 0 ? pub : NULL, priv, NULL);
	}
	return give_up(x, user, *x->tried_buf ? x->tried_buf :
		       N_("no ssh-agent (SSH_AUTH_SOCK) and no ~/.ssh/id_ed25519"));
}

static int on_credentials(git_credential **out, const char *url,
			  const char *user_from_url, unsigned int allowed,
			  void *payload)
{
	store_xfer *x = payload;
	const char *user = user_from_url && *user_from_url ? user_from_url :
			   *x->u.user ? x->u.user : NULL;

	(void)url;
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user ? user : login_name());
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return ssh_key(out, x, user ? user : login_name());
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		if (x->pass) {                /* the helper's password was refused */
			tell_helpers(x, "reject");
			forget_pass(x);
			return give_up(x, x->user, N_("the password from git's credential helper"));
		}
		if (x->filled++ || fill(x, user) < 0) {
			forget_pass(x);
			return give_up(x, user ? user : "?", N_("git credential fill gave no "
				       "user and password (configure credential.helper)"));
		}
		return git_credential_userpass_plaintext_new(out, x->user, x->pass);
	}
	return give_up(x, user ? user : "?", N_("no kind of credential this server accepts"));
}

/* --- host keys and certificates ----------------------------------------- */

static int knownhost_type(git_cert_ssh_raw_type_t t)
{
	switch (t) {
	case GIT_CERT_SSH_RAW_TYPE_RSA:            return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
	case GIT_CERT_SSH_RAW_TYPE_DSS:            return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256:  return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384:  return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521:  return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
	case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519:    return LIBSSH2_KNOWNHOST_KEY_ED25519;
	default:                                   return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
	}
}

/* A known_hosts verdict of ours beside libssh2's LIBSSH2_KNOWNHOST_CHECK_*. */
#define KNOWN_REVOKED (-100)

/*
 * Add the lines of known_hosts file `path` to `kh` one at a time, so that a
 * line libssh2 cannot parse (@cert-authority, an unknown key type) costs
 * only itself.  1 if an "@revoked" line holds key `b64`, else 0.
 */
static int read_known_hosts(LIBSSH2_KNOWNHOSTS *kh, const char *path,
			    const char *b64)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int revoked = 0;

	if (!f)
		return 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!strncmp(line, "@revoked", 8) && b64 && strstr(line, b64))
			revoked = 1;
		if (!n || line[0] == '#' || line[0] == '@')
			continue;
		(void)libssh2_knownhost_readline(kh, line, (size_t)n,
						 LIBSSH2_KNOWNHOST_FILE_OPENSSH);
	}
	free(line);
	fclose(f);
	return revoked;
}

/*
 * Look host key `hk` of `host`:`port` up in ~/.ssh/known_hosts and
 * /etc/ssh/ssh_known_hosts (plain or hashed entries, [host]:port for a port
 * other than 22) with libssh2's matcher: LIBSSH2_KNOWNHOST_CHECK_MATCH,
 * _MISMATCH (the host is known with another key), _NOTFOUND, or
 * KNOWN_REVOKED (an @revoked line names this key).
 */
static int known_host(const git_cert_hostkey *hk, const char *host, int port)
{
	LIBSSH2_SESSION *s = libssh2_session_init();
	LIBSSH2_KNOWNHOSTS *kh = s ? libssh2_knownhost_init(s) : NULL;
	struct libssh2_knownhost *found = NULL;
	char path[4096], *b64 = xfa_base64_encode((const unsigned char *)hk->hostkey,
						  hk->hostkey_len);
	int rc = LIBSSH2_KNOWNHOST_CHECK_NOTFOUND, revoked;

	home_file(path, sizeof(path), ".ssh/known_hosts");
	revoked = kh ? read_known_hosts(kh, path, b64) : 0;
	revoked |= kh ? read_known_hosts(kh, "/etc/ssh/ssh_known_hosts", b64) : 0;
	if (revoked)
		rc = KNOWN_REVOKED;
	else if (kh)
		rc = libssh2_knownhost_checkp(kh, host, port == 22 ? -1 : port,
			hk->hostkey, hk->hostkey_len,
			LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
			knownhost_type(hk->raw_type), &found);
	free(b64);
	if (kh)
		libssh2_knownhost_free(kh);
	if (s)
		libssh2_session_free(s);
	return rc == LIBSSH2_KNOWNHOST_CHECK_FAILURE ? LIBSSH2_KNOWNHOST_CHECK_NOTFOUND : rc;
}

static int on_certificate(git_cert *cert, int valid, const char *host,
			  void *payload)
{
	store_xfer *x = payload;
	const git_cert_hostkey *hk = (const git_cert_hostkey *)cert;
	char name[300], *b64;
	size_t n;
	int rc;

	if (cert->cert_type == GIT_CERT_X509) {
		if (valid)
			return 0;
		x->cert_failed = 1;
		snprintf(x->cert_msg, sizeof(x->cert_msg), "the TLS certificate of '%s' "
			 "is not trusted (not signed by the system's CAs or the one named "
			 "by http.sslCAInfo / GIT_SSL_CAINFO, or not for this name): refused",
			 host);
		return GIT_ECERTIFICATE;
	}
	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2 || !(hk->type & GIT_CERT_SSH_RAW) ||
	    !(hk->type & GIT_CERT_SSH_SHA256)) {
		x->cert_failed = 1;
		snprintf(x->cert_msg, sizeof(x->cert_msg), "cannot check the host key "
			 "of '%s': refused", host);
		return GIT_ECERTIFICATE;
	}
	if (x->u.port == 22)
		snprintf(name, sizeof(name), "%s", host);
	else
		snprintf(name, sizeof(name), "[%s]:%d", host, x->u.port);
	rc = known_host(hk, host, x->u.port);
	if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH)
		return 0;
	b64 = xfa_base64_encode(hk->hash_sha256, 32);
	for (n = b64 ? strlen(b64) : 0; n && b64[n - 1] == '='; n--)
		b64[n - 1] = '\0';
	x->cert_failed = 1;
	if (rc == KNOWN_REVOKED)
		snprintf(x->cert_msg, sizeof(x->cert_msg), "the host key of '%s' "
			 "(SHA256:%s) is marked @revoked in known_hosts: refused", name,
			 b64 ? b64 : "?");
	else if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
		snprintf(x->cert_msg, sizeof(x->cert_msg), "the host key of '%s' has "
			 "CHANGED: the server shows SHA256:%s, which is not the key "
			 "~/.ssh/known_hosts holds for it (someone may be impersonating "
			 "the server, or its key was replaced): refused", name,
			 b64 ? b64 : "?");
	else
		snprintf(x->cert_msg, sizeof(x->cert_msg), "the host key of '%s' is "
			 "unknown: the server shows SHA256:%s; if that is the server's "
			 "key, add it to ~/.ssh/known_hosts (ssh-keyscan -p %d %s, after "
			 "comparing the fingerprint): refused", name, b64 ? b64 : "?",
			 x->u.port, host);
	free(b64);
	/* libgit2 1.5.1 checked ~/.ssh/known_hosts too and found no match
	 * (valid 0): passing its verdict through lets it release the error
	 * state it saved (returning our own code leaks it) */
	return valid ? GIT_ECERTIFICATE : GIT_PASSTHROUGH;
}

void store_xfer_said(store_xfer *x, const char *str, size_t n)
{
	size_t room = sizeof(x->server) - 1 - x->nserver;

	if (n > room) {                        /* keep the latest text */
		size_t drop = n - room > x->nserver ? x->nserver : n - room;
		memmove(x->server, x->server + drop, x->nserver - drop);
		x->nserver -= drop;
		room = sizeof(x->server) - 1 - x->nserver;
	}
	if (n > room) {
		str += n - room;
		n = room;
	}
	memcpy(x->server + x->nserver, str, n);
	x->nserver += n;
	x->server[x->nserver] = '\0';
}

static int on_sideband(const char *str, int len, void *payload)
{
	store_xfer_said(payload, str, len > 0 ? (size_t)len : 0);
	return 0;
}

/* --- one exchange --------------------------------------------------------- */

void store_xfer_init(store_xfer *x, xfa_store *st, const char *remote,
		     const char *url)
{
	memset(x, 0, sizeof(*x));
	x->remote = remote;
	x->gitdir = git_repository_path(st->repo);
	snprintf(x->url, sizeof(x->url), "%s", url);
	if (store_url_parse(&x->u, url) < 0)
		xfa_error_clear();
	xfa_url_shown(x->shown, sizeof(x->shown), url);
}

void store_xfer_callbacks(git_remote_callbacks *cb, store_xfer *x)
{
	cb->credentials = on_credentials;
	cb->certificate_check = on_certificate;
	cb->sideband_progress = on_sideband;
	cb->payload = x;
}

int store_xfer_ca(xfa_store *st)
{
	git_config *cfg = NULL;
	git_buf file = GIT_BUF_INIT, dir = GIT_BUF_INIT;
	const char *ef = getenv("GIT_SSL_CAINFO"), *ed = getenv("GIT_SSL_CAPATH");
	const char *f = NULL, *d = NULL;
	int err = 0;

	if (git_repository_config_snapshot(&cfg, st->repo) == 0) {
		if (git_config_get_path(&file, cfg, "http.sslCAInfo") == 0)
			f = file.ptr;
		if (git_config_get_path(&dir, cfg, "http.sslCAPath") == 0)
			d = dir.ptr;
	}
	git_error_clear();
	if (ef && *ef)
		f = ef;
	if (ed && *ed)
		d = ed;
	if (!f && !d)
		f = store_ca_deferred();      /* the system's, not loaded yet */
	if ((f || d) && git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, f, d) < 0)
		err = store_fail(-1, f ? f : d);
	git_buf_dispose(&file);
	git_buf_dispose(&dir);
	git_config_free(cfg);
	return err;
}

void store_xfer_done(store_xfer *x, int ok)
{
	if (ok)
		tell_helpers(x, "approve");
	forget_pass(x);
}

/* Does a libgit2 message say the host could not be reached? */
static int unreachable(const char *msg)
{
	static const char *const says[] = { "failed to connect", "failed to resolve",
		"Connection refused", "No route to host", "timed out",
		"Network is unreachable", "Name or service not known", "connection reset" };
	size_t i;

	for (i = 0; i < sizeof(says) / sizeof(says[0]); i++)
		if (strcasestr(msg, says[i]))
			return 1;
	return 0;
}

int store_xfer_fail(store_xfer *x, int gerr, const char *verb)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown error";
	char where[2400];
	int code;

	if (*x->u.host && x->u.port)
		snprintf(where, sizeof(where), xfa_tr("remote '%s' (%s, host %s port %d)"),
			 x->remote, x->shown, x->u.host, x->u.port);
	else
		snprintf(where, sizeof(where), xfa_tr("remote '%s' (%s)"), x->remote, x->shown);
	verb = xfa_tr(verb);
	if (x->cert_failed)
		code = xfa_error_set(XFA_EAUTH, "cannot %s %s: %s", verb, where, x->cert_msg);
	else if (x->auth_failed && !strncmp(x->tried, "git credential fill", 19))
		code = xfa_error_set(XFA_EAUTH, "%s asks for a user and password, and "
				     "%s", where, xfa_tr(x->tried));
	else if (x->auth_failed || gerr == GIT_EAUTH)
		code = xfa_error_set(XFA_EAUTH, "%s refused the credentials of user '%s' "
				     "(tried: %s)", where, *x->user ? x->user :
				     *x->u.user ? x->u.user : "?",
				     *x->tried ? xfa_tr(x->tried) : msg);
	else if (gerr == GIT_ECERTIFICATE)
		code = xfa_error_set(XFA_EAUTH, "cannot %s %s: the server's certificate "
				     "is not trusted: %s", verb, where, msg);
	else if (unreachable(msg))
		code = xfa_error_set(XFA_EIO, "cannot reach host '%s' for %s: %s",
				     *x->u.host ? x->u.host : x->shown, where, msg);
	else
		code = xfa_error_set(XFA_EIO, "cannot %s %s: %s", verb, where, msg);
	store_xfer_done(x, 0);
	return code;
}

/* The server's own words, lines joined: what a hook printed, progress aside. */
const char *store_xfer_server_text(store_xfer *x)
{
	char *r = x->server, *w = x->said, *end = x->said + sizeof(x->said) - 1;

	for (; *r; r++)
		if (*r == '\r')
			*r = '\n';
	r = x->server;
	while (*r) {
		size_t n = strcspn(r, "\n");
		const char *line = r;
		r += n + (r[n] ? 1 : 0);
		while (n && (*line == ' ' || *line == '\t'))
			line++, n--;
		if (!n || !strncmp(line, "Enumerating", 11) || !strncmp(line, "Counting", 8) ||
		    !strncmp(line, "Compressing", 11) || !strncmp(line, "Total ", 6) ||
		    !strncmp(line, "Resolving", 9) || !strncmp(line, "Writing", 7))
			continue;
		if (w != x->said && w + 2 < end)
			*w++ = ';', *w++ = ' ';
		if (n > (size_t)(end - w))
			n = (size_t)(end - w);
		memcpy(w, line, n);
		w += n;
	}
	*w = '\0';
	return x->said;
}
