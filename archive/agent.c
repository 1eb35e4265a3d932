/* agent.c - the ssh-agent protocol (draft-miller-ssh-agent), client side:
 * framing (uint32 length || byte type || contents), bounded reads, and the
 * four requests xfa makes.  Every length an agent sends is checked before
 * it is used; anything else is "not an agent". */
#include "agent.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"

/* Message numbers (draft-miller-ssh-agent section 5.1) */
#define AGENT_FAILURE 5
#define AGENT_SUCCESS 6
#define AGENTC_REQUEST_IDENTITIES 11
#define AGENT_IDENTITIES_ANSWER 12
#define AGENTC_SIGN_REQUEST 13
#define AGENT_SIGN_RESPONSE 14
#define AGENTC_ADD_IDENTITY 17
#define AGENTC_ADD_ID_CONSTRAINED 25
#define AGENT_CONSTRAIN_LIFETIME 1
/* OpenSSH's agent answers these when it does not know a request. */
#define SSH_COM_AGENT2_FAILURE 102
#define SSH2_AGENT_FAILURE 30

/* How long to wait for a reply: long enough for a hardware key's touch. */
#define REPLY_TIMEOUT_MS 120000

struct xfa_agent {
	int fd;
	char *name;
};

/* A cursor reading an agent's reply. */
struct rd {
	const unsigned char *p;
	size_t len;
};

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int agent_new(xfa_agent **out, int fd, const char *name)
{
	xfa_agent *a = calloc(1, sizeof(*a));

	if (!a || !(a->name = strdup(name))) {
		free(a);
		close(fd);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	a->fd = fd;
	*out = a;
	return 0;
}

int xfa_agent_from_fd(xfa_agent **out, int fd, const char *name)
{
	*out = NULL;
	return agent_new(out, fd, name);
}

int xfa_agent_open(xfa_agent **out, const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	*out = NULL;
	if (!path && (!(path = getenv("SSH_AUTH_SOCK")) || !*path))
		return xfa_error_set(XFA_EAUTH, "no ssh-agent: SSH_AUTH_SOCK is "
				     "not set (start one with ssh-agent)");
	if (strlen(path) >= sizeof(sun.sun_path))
		return xfa_error_set(XFA_EIO, "ssh-agent socket path '%.60s...' "
				     "is too long", path);
	if (stat(path, &st) < 0)
		return xfa_error_set(XFA_EIO, "cannot reach ssh-agent at '%s': %s",
				     path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return xfa_error_set(XFA_EIO, "'%s' (SSH_AUTH_SOCK) is not a "
				     "socket, so not an ssh-agent", path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return xfa_error_set(XFA_EIO, "cannot make a socket: %s",
				     strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		close(fd);
		return xfa_error_set(XFA_EIO, "cannot reach ssh-agent at '%s': %s",
				     path, strerror(e));
	}
	return agent_new(out, fd, path);
}

void xfa_agent_close(xfa_agent *a)
{
	if (!a)
		return;
	close(a->fd);
	free(a->name);
	free(a);
}

const char *xfa_agent_name(const xfa_agent *a)
{
	return a->name;
}

static int send_all(xfa_agent *a, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = send(a->fd, p, len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return xfa_error_set(XFA_EIO, "cannot write to ssh-agent "
					     "'%s': %s", a->name, strerror(errno));
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Exactly `len` bytes, within the reply deadline. */
static int recv_all(xfa_agent *a, unsigned char *p, size_t len,
		    const struct timespec *t0)
{
	struct timespec now;
	struct pollfd pfd;
	long waited;
	ssize_t r;
	int n;

	while (len > 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - t0->tv_sec) * 1000 +
			 (now.tv_nsec - t0->tv_nsec) / 1000000;
		pfd.fd = a->fd;
		pfd.events = POLLIN;
		n = waited >= REPLY_TIMEOUT_MS ? 0 :
		    poll(&pfd, 1, (int)(REPLY_TIMEOUT_MS - waited));
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return xfa_error_set(XFA_EIO, "ssh-agent '%s' did not "
				"answer within %d s", a->name, REPLY_TIMEOUT_MS / 1000);
		r = n < 0 ? -1 : recv(a->fd, p, len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != ECONNRESET)
			return xfa_error_set(XFA_EIO, "cannot read from ssh-agent "
					     "'%s': %s", a->name, strerror(errno));
		if (r <= 0)
			return xfa_error_set(XFA_EIO, "'%s' closed the connection "
				"without an answer: not an ssh-agent?", a->name);
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/*
 * Send one framed request (`req`, whose first 4 bytes are left for the
 * length) and read one framed reply into *reply (malloc'd; type first).
 */
static int transact(unsigned char **reply, size_t *reply_len, xfa_agent *a,
		    unsigned char *req, size_t req_len)
{
	unsigned char hdr[4], *buf;
	struct timespec t0;
	uint32_t n;
	int err;

	*reply = NULL;
	be32(req, (uint32_t)(req_len - 4));
	if ((err = send_all(a, req, req_len)) < 0)
		return err;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((err = recv_all(a, hdr, 4, &t0)) < 0)
		return err;
	n = get_be32(hdr);
	if (n == 0 || n > XFA_AGENT_MAX_MSG)
		return xfa_error_set(XFA_EIO, "'%s' sent a reply of %lu bytes "
			"(1..%d allowed): not an ssh-agent", a->name,
			(unsigned long)n, XFA_AGENT_MAX_MSG);
	if (!(buf = malloc(n)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = recv_all(a, buf, n, &t0)) < 0) {
		free(buf);
		return err;
	}
	*reply = buf;
	*reply_len = n;
	return 0;
}

static int get_u32(struct rd *r, uint32_t *v)
{
	if (r->len < 4)
		return -1;
	*v = get_be32(r->p);
	r->p += 4;
	r->len -= 4;
	return 0;
}

static int get_str(struct rd *r, struct rd *s)
{
	uint32_t n;

	if (get_u32(r, &n) < 0 || n > r->len)
		return -1;
	s->p = r->p;
	s->len = n;
	r->p += n;
	r->len -= n;
	return 0;
}

static int malformed(const xfa_agent *a, const char *what)
{
	return xfa_error_set(XFA_EIO, "'%s' sent a malformed %s: not an "
			     "ssh-agent", a->name, what);
}

/* The reply's type: `want`, a refusal (EAUTH, `refusal` names it), or EIO. */
static int reply_type(const xfa_agent *a, const unsigned char *reply,
		      int want, const char *refusal)
{
	if (reply[0] == want)
		return 0;
	if (reply[0] == AGENT_FAILURE || reply[0] == SSH2_AGENT_FAILURE ||
	    reply[0] == SSH_COM_AGENT2_FAILURE)
		return xfa_error_set(XFA_EAUTH, "ssh-agent '%s' refused %s",
				     a->name, refusal);
	return xfa_error_set(XFA_EIO, "'%s' answered with message type %u, "
			     "expected %d: not an ssh-agent", a->name,
			     (unsigned)reply[0], want);
}

void xfa_agent_ids_free(xfa_agent_id *ids, size_t n)
{
	size_t i;

	for (i = 0; ids && i < n; i++) {
		free(ids[i].blob);
		free(ids[i].comment);
	}
	free(ids);
}

/* The identities of an IDENTITIES_ANSWER body (after the type byte). */
static int parse_ids(xfa_agent_id **out, size_t *out_n, const xfa_agent *a,
		     struct rd r)
{
	xfa_agent_id *ids = NULL;
	struct rd blob, comment;
	uint32_t n, i;

	if (get_u32(&r, &n) < 0)
		return malformed(a, "identities answer (no count)");
	/* each identity takes at least 8 bytes: two empty strings */
	if (n > XFA_AGENT_MAX_IDS || n > r.len / 8)
		return malformed(a, "identities answer (count too large)");
	if (n && !(ids = calloc(n, sizeof(*ids))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < n; i++) {
		if (get_str(&r, &blob) < 0 || get_str(&r, &comment) < 0 ||
		    blob.len == 0) {
			xfa_agent_ids_free(ids, n);
			return malformed(a, "identities answer (truncated key)");
		}
		ids[i].blob = malloc(blob.len);
		ids[i].comment = malloc(comment.len + 1);
		if (!ids[i].blob || !ids[i].comment) {
			xfa_agent_ids_free(ids, n);
			return xfa_error_set(XFA_ERROR, "out of memory");
		}
		memcpy(ids[i].blob, blob.p, blob.len);
		ids[i].blob_len = blob.len;
		memcpy(ids[i].comment, comment.p, comment.len);
		ids[i].comment[comment.len] = '\0';
	}
	if (r.len != 0) {
		xfa_agent_ids_free(ids, n);
		return malformed(a, "identities answer (trailing bytes)");
	}
	*out = ids;
	*out_n = n;
	return 0;
}

int xfa_agent_list(xfa_agent_id **out, size_t *n, xfa_agent *a)
{
	unsigned char req[5], *reply = NULL;
	size_t reply_len = 0;
	struct rd r;
	int err;

	*out = NULL;
	*n = 0;
	req[4] = AGENTC_REQUEST_IDENTITIES;
	if ((err = transact(&reply, &reply_len, a, req, sizeof(req))) < 0)
		return err;
	if ((err = reply_type(a, reply, AGENT_IDENTITIES_ANSWER,
			      "to list its keys")) == 0) {
		r.p = reply + 1;
		r.len = reply_len - 1;
		err = parse_ids(out, n, a, r);
	}
	free(reply);
	return err;
}

static void put_str(unsigned char **p, const void *d, size_t n)
{
	be32(*p, (uint32_t)n);
	memcpy(*p + 4, d, n);
	*p += 4 + n;
}

int xfa_agent_sign(unsigned char **sig, size_t *sig_len, xfa_agent *a,
		   const unsigned char *key_blob, size_t key_blob_len,
		   const unsigned char *data, size_t data_len)
{
	unsigned char *req = NULL, *reply = NULL, *p;
	size_t req_len, reply_len = 0;
	struct rd r, s;
	int err;

	*sig = NULL;
	*sig_len = 0;
	if (key_blob_len > 4096 || data_len > XFA_AGENT_MAX_MSG - 8192)
		return xfa_error_set(XFA_ERROR, "sign request too large for "
				     "ssh-agent (%zu bytes)", data_len);
	req_len = 4 + 1 + 4 + key_blob_len + 4 + data_len + 4;
	if (!(req = malloc(req_len)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	p = req + 4;
	*p++ = AGENTC_SIGN_REQUEST;
	put_str(&p, key_blob, key_blob_len);
	put_str(&p, data, data_len);
	be32(p, 0); /* flags: none (no RSA hash choice for Ed25519) */
	if ((err = transact(&reply, &reply_len, a, req, req_len)) < 0 ||
	    (err = reply_type(a, reply, AGENT_SIGN_RESPONSE,
			      "to sign (it does not hold the key, or the "
			      "user declined)")) < 0)
		goto done;
	r.p = reply + 1;
	r.len = reply_len - 1;
	if (get_str(&r, &s) < 0 || r.len != 0 || s.len == 0) {
		err = malformed(a, "sign response");
		goto done;
	}
	if (!(*sig = malloc(s.len))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	memcpy(*sig, s.p, s.len);
	*sig_len = s.len;
done:
	free(req);
	free(reply);
	return err;
}

int xfa_agent_add_ed25519(xfa_agent *a, const unsigned char sk[64],
			  const char *comment, uint32_t lifetime)
{
	size_t clen = strlen(comment), len;
	unsigned char *req, *reply = NULL, *p;
	size_t reply_len = 0;
	int err;

	if (clen > 1024)
		return xfa_error_set(XFA_EINVALID, "key comment longer than 1024 "
				     "bytes");
	len = 4 + 1 + (4 + 11) + (4 + 32) + (4 + 64) + (4 + clen) +
	      (lifetime ? 5 : 0);
	if (!(req = sodium_malloc(len)))
		return xfa_error_set(XFA_ERROR, "out of memory for a secret key");
	p = req + 4;
	*p++ = lifetime ? AGENTC_ADD_ID_CONSTRAINED : AGENTC_ADD_IDENTITY;
	put_str(&p, "ssh-ed25519", 11);
	put_str(&p, sk + 32, 32);
	put_str(&p, sk, 64);
	put_str(&p, comment, clen);
	if (lifetime) {
		*p++ = AGENT_CONSTRAIN_LIFETIME;
		be32(p, lifetime);
	}
	err = transact(&reply, &reply_len, a, req, len);
	sodium_free(req); /* wipes the secret */
	if (err == 0 && (err = reply_type(a, reply, AGENT_SUCCESS,
					  "to add the key")) == 0 &&
	    reply_len != 1)
		err = malformed(a, "success reply");
	free(reply);
	return err;
}
