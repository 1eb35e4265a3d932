/* store_push.c - pushing main: one pack of what the remote lacks (found by
 * store_pack.c from what changed), sent over libgit2's own connection to
 * the remote (ssh, git://, http, https), or written into a bare repository
 * on a local path; the remote's ref moves only if it is a fast-forward. */
#include "store_int.h"

#include <git2/sys/transport.h>

/*
 * Why not git_remote_push: libgit2 1.5 packs a push with
 * git_packbuilder_insert_walk, which first reads the whole tree of every
 * head the remote advertises to mark it as not to be sent
 * (mark_edges_uninteresting: every tree of the archive read and parsed,
 * every entry put in a hash map).  A push of 100 events then cost what
 * the archive holds: 0.13 s of CPU at 10,000 cases, 1.8 s (of the
 * process's 2.3 s) and 280 MB at 100,000.  git's pack-objects walks only
 * the paths that changed (pack.useSparse).  So libgit2 connects (its ssh,
 * git and http subtransports, our credential and host-key callbacks) and
 * reads the remote's refs; we send the update command and the pack that
 * store_pack_range builds (5 ms at either size) on the same stream, as
 * libgit2's own push would (smart_protocol.c: gen_pktline,
 * git_smart__push: report-status and side-band-64k asked for), and read
 * the server's report-status.  A server without report-status (none we
 * know of) would make a push that landed look failed: the next sync finds
 * it up to date.
 */

/* git's pkt-line: 4 hex digits of length (themselves included), payload;
 * "0000" is a flush.  At most LARGE_PACKET_MAX bytes. */
#define PKT_MAX 65520

struct push_state {
	store_xfer x;                  /* first: the callbacks' payload */
	int kind;                      /* 's'sh, 'g'it, 'h'ttp(s) */
	git_smart_subtransport *sub;   /* borrowed from the transport */
	const char *dst;
	char *rejected;                /* the server's reason, malloc'd */
	char unpack[256];              /* the server's "unpack" status */
	int reported;                  /* an ok or ng line for dst came */
	char *band;                    /* side-band 1: the report's pkt-lines */
	size_t nband, capband;
};

/* The libgit2 subtransport for the URL's scheme, kept for our own stream. */
static int make_sub(git_smart_subtransport **out, git_transport *owner, void *param)
{
	struct push_state *ps = param;
	int err = ps->kind == 's' ? git_smart_subtransport_ssh(out, owner, NULL) :
		  ps->kind == 'g' ? git_smart_subtransport_git(out, owner, NULL) :
		  git_smart_subtransport_http(out, owner, NULL);

	if (err == 0)
		ps->sub = *out;
	return err;
}

/* git_remote_callbacks.transport: libgit2's smart transport over make_sub
 * (what libgit2 builds for these schemes; http is stateless: rpc). */
static int make_transport(git_transport **out, git_remote *owner, void *payload)
{
	struct push_state *ps = payload;
	git_smart_subtransport_definition def = { make_sub, ps->kind == 'h', ps };

	return git_transport_smart(out, owner, &def);
}

/* --- the server's report -------------------------------------------------- */

/* The length a pkt-line starting at `p` declares, or -1. */
static long pkt_len(const char *p)
{
	long n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0)
			return -1;
		n = n * 16 + v;
	}
	return n == 0 || (n >= 4 && n <= PKT_MAX) ? n : -1;
}

static int bad_reply(void)
{
	git_error_set_str(GIT_ERROR_NET, "the server's reply to the push is not "
			  "git's protocol");
	return -1;
}

/* One line of report-status: "unpack ok", "ok REF" or "ng REF REASON". */
static int report_line(struct push_state *ps, const char *p, size_t n)
{
	size_t d = strlen(ps->dst);

	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n >= 7 && !memcmp(p, "unpack ", 7)) {
		snprintf(ps->unpack, sizeof(ps->unpack), "%.*s", (int)(n - 7), p + 7);
	} else if (n == 3 + d && !memcmp(p, "ok ", 3) && !memcmp(p + 3, ps->dst, d)) {
		ps->reported = 1;
	} else if (n > 4 + d && !memcmp(p, "ng ", 3) && !memcmp(p + 3, ps->dst, d) &&
		   p[3 + d] == ' ') {
		ps->reported = 1;
		free(ps->rejected);
		if (!(ps->rejected = strndup(p + 4 + d, n - 4 - d))) {
			git_error_set_oom();
			return -1;
		}
	} else if (n >= 4 && !memcmp(p, "ERR ", 4)) {
		git_error_set(GIT_ERROR_NET, "the server refused: %.*s", (int)(n - 4), p + 4);
		return -1;
	}
	return 0;
}

/* Side-band 1 carries the report as pkt-lines of its own, split anyhow. */
static int report_band(struct push_state *ps, const char *p, size_t n)
{
	size_t off = 0;
	long len;
	int err;

	if (ps->nband + n > ps->capband) {
		size_t cap = ps->nband + n + 4096;
		char *b = realloc(ps->band, cap);
		if (!b) {
			git_error_set_oom();
			return -1;
		}
		ps->band = b;
		ps->capband = cap;
	}
	memcpy(ps->band + ps->nband, p, n);
	ps->nband += n;
	while (ps->nband - off >= 4) {
		if ((len = pkt_len(ps->band + off)) < 0)
			return bad_reply();
		if (len == 0) {
			off += 4;
			continue;
		}
		if (ps->nband - off < (size_t)len)
			break;
		if ((err = report_line(ps, ps->band + off + 4, (size_t)len - 4)) < 0)
			return err;
		off += (size_t)len;
	}
	memmove(ps->band, ps->band + off, ps->nband - off);
	ps->nband -= off;
	return 0;
}

/* Read `s` until at least `want` bytes are buffered in buf[0..*len). */
static int fill(git_smart_subtransport_stream *s, char *buf, size_t *len, size_t want)
{
	size_t got;
	int err;

	while (*len < want) {
		if ((err = s->read(s, buf + *len, PKT_MAX - *len, &got)) < 0)
			return err;
		if (!got) {
			git_error_set_str(GIT_ERROR_NET, "the server closed the "
					  "connection without reporting on the push");
			return -1;
		}
		*len += got;
	}
	return 0;
}

/*
 * Read the server's answer to the end (its flush): the report-status lines,
 * in side-band 1 when the server multiplexes (we ask for side-band-64k, as
 * libgit2 does), its messages (side-band 2, hook output) into ps->x.
 */
static int read_report(struct push_state *ps, git_smart_subtransport_stream *s)
{
	char *buf = malloc(PKT_MAX);
	size_t len = 0;
	long n;
	int err = 0;

	if (!buf) {
		git_error_set_oom();
		return -1;
	}
	for (;;) {
		if ((err = fill(s, buf, &len, 4)) < 0)
			break;
		if ((n = pkt_len(buf)) < 0) {
			err = bad_reply();
			break;
		}
		if (n == 0)
			break;
		if ((err = fill(s, buf, &len, (size_t)n)) < 0)
			break;
		if (n > 4 && buf[4] == 1)
			err = report_band(ps, buf + 5, (size_t)n - 5);
		else if (n > 4 && buf[4] == 2)
			store_xfer_said(&ps->x, buf + 5, (size_t)n - 5);
		else if (n > 4 && buf[4] == 3) {
			git_error_set(GIT_ERROR_NET, "remote error: %.*s", (int)(n - 5), buf + 5);
			err = -1;
		} else
			err = report_line(ps, buf + 4, (size_t)n - 4);
		if (err < 0)
			break;
		memmove(buf, buf + n, len - (size_t)n);
		len -= (size_t)n;
	}
	free(buf);
	return err;
}

/* --- sending -------------------------------------------------------------- */

static int to_stream(void *buf, size_t size, void *payload)
{
	git_smart_subtransport_stream *s = payload;

	return s->write(s, buf, size);
}

/*
 * Over the connected remote `r`: the command moving `dst` from `have`
 * (zero: create) to `want`, the pack of what `want` adds, the report.
 */
static int send_push(struct push_state *ps, xfa_store *st, git_remote *r,
		     const git_oid *want, const git_oid *have)
{
	static const char caps[] = " report-status side-band-64k\n";
	git_smart_subtransport_stream *s = NULL;
	git_packbuilder *pb = NULL;
	char cmd[700], hw[GIT_OID_HEXSZ + 1], hh[GIT_OID_HEXSZ + 1], hx[5];
	const char *url = git_remote_pushurl(r) ? git_remote_pushurl(r) : git_remote_url(r);
	size_t len;
	int n, err;

	git_oid_tostr(hw, sizeof(hw), want);
	git_oid_tostr(hh, sizeof(hh), have);
	/* "<old> <new> <ref>\0 <capabilities>\n", then a flush */
	n = snprintf(cmd + 4, sizeof(cmd) - 4, "%s %s %s", hh, hw, ps->dst);
	if (n < 0 || (len = 4 + (size_t)n + 1 + sizeof(caps) - 1) + 4 > sizeof(cmd))
		return xfa_error_set(XFA_EINVALID, "ref name too long: '%s'", ps->dst);
	memcpy(cmd + 4 + n + 1, caps, sizeof(caps) - 1);
	memcpy(cmd + len, "0000", 4);
	snprintf(hx, sizeof(hx), "%04zx", len);
	memcpy(cmd, hx, 4);
	if ((err = git_packbuilder_new(&pb, st->repo)) < 0 ||
	    (err = store_pack_range(pb, st->repo, want,
				    git_oid_is_zero(have) ? NULL : have)) < 0 ||
	    (err = ps->sub->action(&s, ps->sub, url, GIT_SERVICE_RECEIVEPACK)) < 0 ||
	    (err = s->write(s, cmd, len + 4)) < 0 ||
	    (err = git_packbuilder_foreach(pb, to_stream, s)) < 0 ||
	    (err = read_report(ps, s)) < 0)
		err = store_xfer_fail(&ps->x, err, N_("push to"));
	else if (ps->unpack[0] && strcmp(ps->unpack, "ok"))
		err = xfa_error_set(XFA_EIO, "remote '%s' (%s) could not store the pushed "
				    "objects: %s", ps->x.remote, ps->x.shown, ps->unpack);
	else if (!ps->reported)
		err = xfa_error_set(XFA_EIO, "remote '%s' (%s) did not report on %s",
				    ps->x.remote, ps->x.shown, ps->dst);
	/* stateless (http): each request is a stream of its own, ours */
	if (s && ps->kind == 'h')
		s->free(s);
	git_packbuilder_free(pb);
	return err;
}

/*
 * Connect to remote `r` for a push (libgit2 reads the remote's refs), check
 * that moving its `dst` from what it names to `want` is a fast-forward of
 * history we hold, and send it.  0, or a code (XFA_ECONFLICT: not a
 * fast-forward).  A rejection by the server is left in ps->rejected.
 */
static int push_net(struct push_state *ps, xfa_store *st, git_remote *r,
		    const git_oid *want)
{
	git_remote_callbacks cb = GIT_REMOTE_CALLBACKS_INIT;
	git_proxy_options proxy = GIT_PROXY_OPTIONS_INIT;
	const git_remote_head **heads = NULL;
	git_oid have;
	size_t nh = 0, i;
	int err;

	store_xfer_callbacks(&cb, &ps->x);
	cb.transport = make_transport;
	if ((err = git_remote_connect(r, GIT_DIRECTION_PUSH, &cb, &proxy, NULL)) < 0 ||
	    (err = git_remote_ls(&heads, &nh, r)) < 0)
		return store_xfer_fail(&ps->x, err, N_("push to"));
	memset(&have, 0, sizeof(have));
	for (i = 0; i < nh; i++)
		if (!strcmp(heads[i]->name, ps->dst))
			git_oid_cpy(&have, &heads[i]->oid);
	if (git_oid_equal(&have, want))
		return 0;
	if (!git_oid_is_zero(&have) && (!store_has_object(st->repo, &have) ||
	    git_graph_descendant_of(st->repo, want, &have) != 1)) {
		git_error_clear();
		return xfa_error_set(XFA_ECONFLICT, "push to '%s' refused: not a "
				     "fast-forward", ps->x.remote);
	}
	return send_push(ps, st, r, want, &have);
}

/* --- pushing ------------------------------------------------------------- */

static int on_push_update(const char *ref, const char *status, void *data)
{
	struct push_state *ps = data;

	(void)ref;
	if (status && !ps->rejected)
		ps->rejected = strdup(status);
	return 0;
}

/* Does the server's reason mean "the ref moved meanwhile: fetch again"?
 * (git receive-pack: "failed to update ref" with "cannot lock ref ...: is
 * at X but expected Y" when another push won the race.) */
static int moved_meanwhile(const char *status, const char *said)
{
	return strstr(status, "non-fast-forward") || strstr(status, "fetch first") ||
	       strstr(status, "stale info") || strstr(said, "but expected") ||
	       strstr(status, "but expected");
}

/*
 * A push to a bare repository on a local path (or file://): the objects
 * go over as one pack (libgit2's local push writes and syncs every object
 * loose), then the remote's ref moves by compare-and-swap if it is a
 * fast-forward.  1 if the remote is not such a repository (push
 * normally), 0, or a code.
 */
static int push_local(xfa_store *st, const char *url, const char *src,
		      const char *dst)
{
	git_repository *dest = NULL;
	git_reference *ref = NULL;
	git_oid want, have, zero;
	int err, has;

	if (!strncmp(url, "file://", 7))
		url += 7;
	if (strstr(url, "://") || git_repository_open_bare(&dest, url) < 0) {
		git_error_clear();
		return 1;
	}
	memset(&zero, 0, sizeof(zero));
	if ((err = git_reference_name_to_id(&want, st->repo, src)) < 0) {
		err = store_fail(err, src);
		goto done;
	}
	has = git_reference_name_to_id(&have, dest, dst) == 0;
	if (has && git_oid_equal(&have, &want)) {
		err = 0;
		goto done;
	}
	if (has && git_graph_descendant_of(st->repo, &want, &have) != 1) {
		err = xfa_error_set(XFA_ECONFLICT, "push to '%s' refused: not a fast-forward", url);
		goto done;
	}
	if ((err = store_pack_send(dest, st->repo, &want, has ? &have : NULL)) < 0)
		goto done;
	err = git_reference_create_matching(&ref, dest, dst, &want, 1,
					    has ? &have : &zero, "xfa sync: push");
	if (err == GIT_EMODIFIED || err == GIT_ELOCKED || (err == GIT_ENOTFOUND && has))
		err = xfa_error_set(XFA_ECONFLICT, "push to '%s' refused: "
				    "the remote moved meanwhile", url);
	else if (err < 0)
		err = store_fail(err, "cannot push to the remote");
done:
	git_reference_free(ref);
	git_repository_free(dest);
	git_error_clear();
	return err;
}

/* A push the server has answered: 0 if it took it, XFA_ECONFLICT when its
 * main moved meanwhile (fetch and try again), XFA_EIO with its words. */
static int judge_report(struct push_state *ps, const char *remote)
{
	const char *said = store_xfer_server_text(&ps->x);

	if (ps->rejected && moved_meanwhile(ps->rejected, said))
		return xfa_error_set(XFA_ECONFLICT, "push to '%s' refused by the "
				     "server: %s", remote, ps->rejected);
	if (ps->rejected)
		return xfa_error_set(XFA_EIO, "remote '%s' (%s) refused the push: "
				     "%s%s%s", remote, ps->x.shown, ps->rejected,
				     *said ? xfa_tr("; the server said: ") : "", said);
	store_xfer_done(&ps->x, 1);
	return 0;
}

/* The scheme of a remote URL whose push we send ourselves: 's', 'g' or
 * 'h', or 0 (another transport: libgit2's git_remote_push). */
static int push_kind(const char *url)
{
	store_url u;

	if (store_url_parse(&u, url) < 0) {
		xfa_error_clear();
		return 0;
	}
	return !strcmp(u.scheme, "ssh") ? 's' : !strcmp(u.scheme, "git") ? 'g' :
	       !strcmp(u.scheme, "http") || !strcmp(u.scheme, "https") ? 'h' : 0;
}

int xfa_store_push(xfa_store *st, const char *remote, const char *src,
		   const char *dst)
{
	git_push_options po = GIT_PUSH_OPTIONS_INIT;
	struct push_state ps;
	git_remote *r = NULL;
	char spec[600], *specs[1] = { spec };
	git_strarray arr = { specs, 1 };
	git_oid want;
	int err;

	memset(&ps, 0, sizeof(ps));
	if ((err = git_remote_lookup(&r, st->repo, remote)) < 0) {
		if (err == GIT_ENOTFOUND || err == GIT_EINVALIDSPEC)
			return xfa_error_set(XFA_ENOTFOUND, "no remote '%s'", remote);
		return store_fail(err, remote);
	}
	if (git_remote_url(r) &&
	    (err = push_local(st, git_remote_url(r), src, dst)) <= 0) {
		git_remote_free(r);
		return err;
	}
	ps.dst = dst;
	ps.kind = push_kind(git_remote_url(r) ? git_remote_url(r) : "");
	store_xfer_init(&ps.x, st, remote, git_remote_url(r) ? git_remote_url(r) : "");
	if ((err = store_xfer_ca(st)) < 0)
		goto done;
	if (ps.kind) {
		if ((err = git_reference_name_to_id(&want, st->repo, src)) < 0)
			err = store_fail(err, src);
		else
			err = push_net(&ps, st, r, &want);
	} else {
		snprintf(spec, sizeof(spec), "%s:%s", src, dst);  /* never '+' */
		store_xfer_callbacks(&po.callbacks, &ps.x);
		po.callbacks.push_update_reference = on_push_update;
		err = git_remote_push(r, &arr, &po);
		if (err == GIT_ENONFASTFORWARD)
			err = xfa_error_set(XFA_ECONFLICT,
				"push to '%s' refused: not a fast-forward", remote);
		else if (err < 0)
			err = store_xfer_fail(&ps.x, err, N_("push to"));
	}
	if (err == 0)
		err = judge_report(&ps, remote);
done:
	store_xfer_done(&ps.x, 0);
	git_remote_free(r);
	free(ps.rejected);
	free(ps.band);
	return err;
}
