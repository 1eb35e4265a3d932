/* store_remote.c - remotes and exchange for sync: remotes, fetch (pushes:
 * store_push.c), merge bases, refs, per-clone config, merges. */
#include "store_int.h"

/* --- remotes and exchange (sync) -------------------------------------- */

int xfa_store_remote_add(xfa_store *st, const char *name, const char *url)
{
	git_remote *r = NULL;
	store_url u;
	char spec[300];
	int err, valid = 0;

	if (git_remote_name_is_valid(&valid, name) < 0 || !valid ||
	    strlen(name) > 200)
		return xfa_error_set(XFA_EINVALID, "'%s' is not a valid remote name", name);
	if (!*url || strlen(url) > 2000)
		return xfa_error_set(XFA_EINVALID, "'%s' is not a valid URL", url);
	if ((err = store_url_parse(&u, url)) < 0)
		return err;
	/* the archive's configuration never holds a password */
	if (u.has_password)
		return xfa_error_set(XFA_EINVALID, "the URL of remote '%s' holds a "
			"password: give the URL without it (https://%s%s%s/...), and the "
			"password to git's credential helper (git config --global "
			"credential.helper store, or cache)", name, u.user, *u.user ? "@" : "",
			u.host);
	snprintf(spec, sizeof(spec), "+refs/heads/main:refs/xfa/remotes/%s/main", name);
	err = git_remote_create_with_fetchspec(&r, st->repo, name, url, spec);
	git_remote_free(r);
	if (err == GIT_EEXISTS)
		return xfa_error_set(XFA_EEXISTS, "remote '%s' exists already", name);
	return err < 0 ? store_fail(err, "cannot add the remote") : 0;
}

int xfa_store_remote_list(char ***names, char ***urls, size_t *n, xfa_store *st)
{
	git_strarray list = { NULL, 0 };
	size_t i;
	int err;

	*names = *urls = NULL;
	*n = 0;
	if ((err = git_remote_list(&list, st->repo)) < 0)
		return store_fail(err, "cannot list remotes");
	*names = calloc(list.count + 1, sizeof(char *));
	*urls = calloc(list.count + 1, sizeof(char *));
	for (i = 0; *names && *urls && i < list.count; i++) {
		git_remote *r = NULL;
		if (git_remote_lookup(&r, st->repo, list.strings[i]) < 0)
			continue;
		(*names)[*n] = strdup(list.strings[i]);
		(*urls)[*n] = strdup(git_remote_url(r) ? git_remote_url(r) : "");
		git_remote_free(r);
		if (!(*names)[*n] || !(*urls)[*n])
			break;
		(*n)++;
	}
	err = *names && *urls && i == list.count ? 0 :
		xfa_error_set(XFA_ERROR, "out of memory");
	git_strarray_dispose(&list);
	return err;
}

int xfa_store_remote_url(char **out, xfa_store *st, const char *name)
{
	git_remote *r = NULL;
	int err;

	*out = NULL;
	if ((err = git_remote_lookup(&r, st->repo, name)) < 0) {
		if (err == GIT_ENOTFOUND || err == GIT_EINVALIDSPEC)
			return xfa_error_set(XFA_ENOTFOUND, "no remote '%s'", name);
		return store_fail(err, name);
	}
	*out = strdup(git_remote_url(r) ? git_remote_url(r) : "");
	git_remote_free(r);
	return *out ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

/* A remote's main must name a commit it holds (never "up-to-date"). */
static int main_is_commit(git_repository *src, const git_oid *want, const char *url)
{
	git_odb *odb = NULL;
	git_object_t type = GIT_OBJECT_INVALID;
	size_t len;
	char hex[GIT_OID_HEXSZ + 1];
	int err;

	git_oid_tostr(hex, sizeof(hex), want);
	if ((err = git_repository_odb(&odb, src)) == 0)
		err = git_odb_read_header(&len, &type, odb, want);
	git_odb_free(odb);
	git_error_clear();
	if (err < 0)
		return xfa_error_set(XFA_EINVALID, "the main of '%s' names %s, an object "
				     "it does not hold", url, hex);
	if (type != GIT_OBJECT_COMMIT)
		return xfa_error_set(XFA_EINVALID, "the main of '%s' names %s, a %s, "
				     "not a commit", url, hex, git_object_type2string(type));
	return 0;
}

/*
 * A fetch from a bare repository on a local path (or file://): its main's
 * objects that we lack come over as one pack (see send_pack), then ref
 * `into` is set (unless NULL).  1 if the remote is not such a repository,
 * 0, or a code.
 */
static int fetch_local(xfa_oid *out, xfa_store *st, const char *url,
		       const char *into)
{
	git_repository *src = NULL;
	git_reference *ref = NULL;
	git_oid want, mine;
	int err = 0, hide = 0;

	if (!strncmp(url, "file://", 7))
		url += 7;
	if (strstr(url, "://") || git_repository_open_bare(&src, url) < 0) {
		git_error_clear();
		store_url u;
		if (store_url_parse(&u, url) == 0 && !strcmp(u.scheme, "local") &&
		    access(url, F_OK) != 0)
			return xfa_error_set(XFA_ENOTFOUND, "no repository at '%s'", url);
		xfa_error_clear();
		return 1;
	}
	if (git_reference_name_to_id(&want, src, XFA_MAIN_REF) < 0) {
		git_strarray names = { NULL, 0 };
		int any = git_reference_list(&names, src) == 0 && names.count > 0;
		git_strarray_dispose(&names);
		err = any ? xfa_error_set(XFA_EINVALID, "'%s' is not an xfa archive: "
					  "it holds no %s", url, XFA_MAIN_REF) :
			    xfa_error_set(XFA_ENOTFOUND, "'%s' has no history", url);
		goto done;
	}
	if ((err = main_is_commit(src, &want, url)) < 0)
		goto done;
	if (!store_has_object(st->repo, &want)) {
		if (git_reference_name_to_id(&mine, st->repo, XFA_MAIN_REF) == 0 &&
		    store_has_object(src, &mine))
			hide = 1;
		else if (git_reference_name_to_id(&mine, st->repo, into) == 0 &&
			 store_has_object(src, &mine))
			hide = 1;
		if ((err = store_pack_send(st->repo, src, &want, hide ? &mine : NULL)) < 0)
			goto done;
	}
	memcpy(out->id, want.id, XFA_OID_RAW);
	if (into && (err = git_reference_create(&ref, st->repo, into, &want, 1,
						"xfa sync: fetch")) < 0)
		err = store_fail(err, into);
done:
	git_reference_free(ref);
	git_repository_free(src);
	return err;
}

/* The id the connected remote advertises for its main.  0, XFA_ENOTFOUND
 * (it advertises nothing: an empty repository) or XFA_EINVALID. */
static int remote_main(git_oid *out, git_remote *r, const store_xfer *x)
{
	const git_remote_head **heads = NULL;
	size_t n = 0, i, refs = 0;

	if (git_remote_ls(&heads, &n, r) < 0)
		return store_fail(-1, "cannot list the remote's refs");
	for (i = 0; i < n; i++) {
		if (!strcmp(heads[i]->name, XFA_MAIN_REF)) {
			git_oid_cpy(out, &heads[i]->oid);
			return 0;
		}
		refs += strncmp(heads[i]->name, "refs/", 5) == 0;
	}
	if (!refs)
		return xfa_error_set(XFA_ENOTFOUND, "remote '%s' (%s) has no history "
				     "(no %s)", x->remote, x->shown, XFA_MAIN_REF);
	return xfa_error_set(XFA_EINVALID, "remote '%s' (%s) is not an xfa archive: "
			     "it holds no %s", x->remote, x->shown, XFA_MAIN_REF);
}

int xfa_store_fetch(xfa_oid *out, xfa_store *st, const char *remote,
		    const char *into)
{
	git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
	git_remote *r = NULL;
	git_reference *ref = NULL;
	store_xfer x;
	char spec[] = XFA_MAIN_REF, *specs[1] = { spec };
	git_strarray arr = { specs, 1 };
	git_oid want;
	int err;

	if ((err = git_remote_lookup(&r, st->repo, remote)) < 0) {
		if (err == GIT_ENOTFOUND || err == GIT_EINVALIDSPEC)
			return xfa_error_set(XFA_ENOTFOUND, "no remote '%s'", remote);
		return store_fail(err, remote);
	}
	if (git_remote_url(r) && (err = fetch_local(out, st, git_remote_url(r), into)) <= 0) {
		git_remote_free(r);
		return err;
	}
	store_xfer_init(&x, st, remote, git_remote_url(r) ? git_remote_url(r) : "");
	store_xfer_callbacks(&fo.callbacks, &x);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.update_fetchhead = 0;
	/* objects only: no ref moves until the caller has judged the history */
	if ((err = store_xfer_ca(st)) < 0)
		goto done;
	if ((err = git_remote_connect(r, GIT_DIRECTION_FETCH, &fo.callbacks,
				      &fo.proxy_opts, NULL)) < 0) {
		err = store_xfer_fail(&x, err, N_("fetch from"));
		goto done;
	}
	if ((err = remote_main(&want, r, &x)) < 0)
		goto done;
	if (!store_has_object(st->repo, &want) &&
	    (err = git_remote_download(r, &arr, &fo)) < 0) {
		err = store_xfer_fail(&x, err, N_("fetch from"));
		goto done;
	}
	if (!store_has_object(st->repo, &want)) {
		err = xfa_error_set(XFA_EIO, "remote '%s' (%s) did not send its %s",
				    remote, x.shown, XFA_MAIN_REF);
		goto done;
	}
	store_xfer_done(&x, 1);
	memcpy(out->id, want.id, XFA_OID_RAW);
	if (into && (err = git_reference_create(&ref, st->repo, into, &want, 1,
						"xfa sync: fetch")) < 0)
		err = store_fail(err, into);
done:
	store_xfer_done(&x, 0);
	git_remote_disconnect(r);
	git_reference_free(ref);
	git_remote_free(r);
	return err;
}

int xfa_store_merge_base(xfa_oid *out, xfa_store *st, const xfa_oid *a,
			 const xfa_oid *b)
{
	git_oid id;
	int err = git_merge_base(&id, st->repo, (const git_oid *)a->id,
				 (const git_oid *)b->id);

	if (err == GIT_ENOTFOUND)
		return xfa_error_set(XFA_ENOTFOUND, "the two histories have no common commit");
	if (err < 0)
		return store_fail(err, "cannot find the common history");
	memcpy(out->id, id.id, XFA_OID_RAW);
	return 0;
}

int xfa_store_set_ref(xfa_store *st, const char *name, const xfa_oid *id,
		      const xfa_oid *old, const char *reflog)
{
	git_reference *ref = NULL;
	git_oid zero;
	int err;

	memset(&zero, 0, sizeof(zero));
	if ((err = store_incoming_flush(st)) < 0)
		return err;
	if (old)
		err = git_reference_create_matching(&ref, st->repo, name,
			(const git_oid *)id->id, 1,
			xfa_oid_is_zero(old) ? &zero : (const git_oid *)old->id, reflog);
	else
		err = git_reference_create(&ref, st->repo, name,
					   (const git_oid *)id->id, 1, reflog);
	git_reference_free(ref);
	if (err == GIT_EMODIFIED || err == GIT_ELOCKED ||
	    (err == GIT_ENOTFOUND && old && !xfa_oid_is_zero(old)))
		return xfa_error_set(XFA_ECONFLICT,
			"'%s' changed meanwhile (concurrent update)", name);
	return err < 0 ? store_fail(err, name) : 0;
}

int xfa_store_del_ref(xfa_store *st, const char *name)
{
	int err = git_reference_remove(st->repo, name);

	return err < 0 && err != GIT_ENOTFOUND ? store_fail(err, name) : 0;
}

int xfa_store_refs(char ***out, size_t *n, xfa_store *st, const char *glob)
{
	git_reference_iterator *it = NULL;
	const char *name;
	size_t cap = 8;
	int err;

	*n = 0;
	if (!(*out = calloc(cap, sizeof(char *))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = git_reference_iterator_glob_new(&it, st->repo, glob)) < 0)
		return store_fail(err, glob);
	while ((err = git_reference_next_name(&name, it)) == 0) {
		if (*n + 1 >= cap) {
			char **v = realloc(*out, 2 * cap * sizeof(char *));
			if (!v)
				break;
			*out = v;
			cap *= 2;
		}
		if (!((*out)[*n] = strdup(name)))
			break;
		(*out)[++*n] = NULL;
	}
	git_reference_iterator_free(it);
	return err == GIT_ITEROVER ? 0 : xfa_error_set(XFA_ERROR, "cannot list refs");
}

int xfa_store_config_get(char **out, xfa_store *st, const char *key)
{
	git_config *cfg = NULL, *local = NULL;
	git_buf buf = GIT_BUF_INIT;
	int err;

	*out = NULL;
	/* the repository's own file only: never ~/.gitconfig or /etc/gitconfig */
	if ((err = git_repository_config_snapshot(&cfg, st->repo)) < 0 ||
	    (err = git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL)) < 0) {
		git_config_free(cfg);
		return store_fail(err, "cannot read the repository configuration");
	}
	err = git_config_get_string_buf(&buf, local, key);
	git_config_free(local);
	git_config_free(cfg);
	if (err == GIT_ENOTFOUND)
		return xfa_error_set(XFA_ENOTFOUND, "no setting '%s'", key);
	if (err < 0)
		return store_fail(err, key);
	*out = strdup(buf.ptr);
	git_buf_dispose(&buf);
	return *out ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

int xfa_store_config_set(xfa_store *st, const char *key, const char *value)
{
	git_config *cfg = NULL;
	int err;

	if ((err = git_repository_config(&cfg, st->repo)) < 0)
		return store_fail(err, "cannot open the repository configuration");
	err = git_config_set_string(cfg, key, value);
	git_config_free(cfg);
	return err < 0 ? store_fail(err, key) : 0;
}

int xfa_store_tree_update(xfa_oid *out, xfa_store *st, const xfa_oid *base,
			  const xfa_tree_up *ups, size_t n)
{
	git_tree_update *u = NULL;
	git_tree *tree = NULL;
	git_oid id;
	size_t i;
	int err;

	if ((err = git_tree_lookup(&tree, st->repo, (const git_oid *)base->id)) < 0)
		return store_fail(err, "cannot read the tree");
	if (n && !(u = calloc(n, sizeof(*u)))) {
		git_tree_free(tree);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	for (i = 0; i < n; i++) {
		u[i].action = ups[i].remove ? GIT_TREE_UPDATE_REMOVE : GIT_TREE_UPDATE_UPSERT;
		memcpy(u[i].id.id, ups[i].id.id, XFA_OID_RAW);
		u[i].filemode = GIT_FILEMODE_BLOB;
		u[i].path = ups[i].path;
	}
	err = git_tree_create_updated(&id, st->repo, tree, n, u);
	free(u);
	git_tree_free(tree);
	if (err < 0)
		return store_fail(err, "cannot build the tree");
	memcpy(out->id, id.id, XFA_OID_RAW);
	return 0;
}

int xfa_store_write_merge(xfa_oid *out, xfa_store *st, const xfa_oid *tree,
			  const xfa_oid *p0, const xfa_oid *p1,
			  const xfa_ident *who, const char *message,
			  xfa_sign_fn sign, void *payload)
{
	git_signature *sig = NULL;
	git_commit *par[2] = { NULL, NULL };
	git_tree *t = NULL;
	git_buf buf = GIT_BUF_INIT;
	git_oid id;
	char *armor = NULL;
	size_t n;
	int err;

	if ((err = git_signature_new(&sig, who->name, who->email,
				     (git_time_t)who->when, who->offset)) < 0 ||
	    (err = git_tree_lookup(&t, st->repo, (const git_oid *)tree->id)) < 0 ||
	    (err = git_commit_lookup(&par[0], st->repo, (const git_oid *)p0->id)) < 0 ||
	    (err = git_commit_lookup(&par[1], st->repo, (const git_oid *)p1->id)) < 0 ||
	    (err = git_commit_create_buffer(&buf, st->repo, sig, sig, NULL, message,
					    t, 2, (const git_commit **)par)) < 0) {
		err = store_fail(err, "cannot build the merge commit");
		goto done;
	}
	if ((err = sign(&armor, (const unsigned char *)buf.ptr, buf.size, payload)) < 0)
		goto done;
	for (n = strlen(armor); n && armor[n - 1] == '\n'; n--)
		armor[n - 1] = '\0';
	if ((err = git_commit_create_with_signature(&id, st->repo, buf.ptr, armor, NULL)) < 0)
		err = store_fail(err, "cannot write the merge commit");
	else
		memcpy(out->id, id.id, XFA_OID_RAW);
done:
	free(armor);
	git_buf_dispose(&buf);
	git_commit_free(par[0]);
	git_commit_free(par[1]);
	git_tree_free(t);
	git_signature_free(sig);
	return err;
}

int xfa_store_shadow(const char *path, xfa_store *st, const xfa_oid *head)
{
	git_repository_init_options o = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	git_repository *repo = NULL;
	git_reference *ref = NULL;
	char alt[4200];
	FILE *f;
	int err;

	o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	o.initial_head = "main";
	if ((err = git_repository_init_ext(&repo, path, &o)) < 0)
		return store_fail(err, path);
	git_repository_free(repo);
	repo = NULL;
	snprintf(alt, sizeof(alt), "%s/objects/info/alternates", path);
	if (!(f = fopen(alt, "w")))
		return xfa_error_set(XFA_EIO, "cannot write '%s'", alt);
	fprintf(f, "%sobjects\n", git_repository_path(st->repo));
	if (st->incoming)           /* objects written, not yet published */
		fprintf(f, "%s\n", st->incoming);
	if (fclose(f) != 0)
		return xfa_error_set(XFA_EIO, "cannot write '%s'", alt);
	if ((err = git_repository_open_bare(&repo, path)) < 0 ||
	    (err = git_reference_create(&ref, repo, XFA_MAIN_REF,
					(const git_oid *)head->id, 1, "shadow")) < 0)
		err = store_fail(err, path);
	git_reference_free(ref);
	git_repository_free(repo);
	return err;
}
