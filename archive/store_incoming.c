/* store_incoming.c - durable writes with a few flushes of the disk.
 *
 * A move writes about eleven loose objects (blobs, the trees on the case's
 * path, the commit), and libgit2 with fsync on flushes each file and its
 * folder: 22 flushes before the ref's two.  Durability needs an order, not
 * a flush per file: every object on disk before a ref names it, and no
 * object's name on disk before its bytes (a file renamed into place and
 * then lost to a power cut would stay as an empty object, and libgit2,
 * finding the name, would never write it again).  So, as git's
 * core.fsyncMethod=batch does with its temporary object folder, objects
 * are written without fsync into objects/xfa-incoming-XXXXXX/ (a loose
 * backend placed before the repository's own, so it takes the writes and
 * reads see them), and before a ref moves, store_incoming_flush() makes one
 * syncfs(2) of the file system (the bytes), renames every file into
 * objects/, and makes a second syncfs (the names); the ref is then written
 * with libgit2's fsyncs as before.  Four flushes instead of twenty-four.
 * syncfs also writes whatever else is dirty on that file system, which
 * costs time, never safety.  Without syncfs (not Linux), or with
 * --no-fsync, none of this is used.  A folder left by a process that died
 * holds no object any ref names and is removed an hour later. */
#if defined(__linux__)
#define _GNU_SOURCE              /* syncfs */
#define HAVE_SYNCFS 1
#else
#define HAVE_SYNCFS 0
#endif
#include "store_int.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>

#define PREFIX "xfa-incoming-"

int store_durable = 1;

/* The folder this process writes into, and the objects folder it belongs
 * to: another handle on the same repository opened in this process (the
 * verifier's threads open their own) reads and writes there too. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static char *shared_dir, *shared_objects;

static int flush_fs(const char *dir)
{
#if HAVE_SYNCFS
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r, e;

	if (fd < 0)
		return xfa_error_set(XFA_EIO, "cannot open '%s': %s", dir, strerror(errno));
	r = syncfs(fd);
	e = errno;
	close(fd);
	if (r < 0)
		return xfa_error_set(XFA_EIO, "cannot write '%s' to disk: %s", dir, strerror(e));
#else
	(void)dir;
#endif
	return 0;
}

/* Remove folder `dir` and the files and fan-out folders in it. */
static void remove_tree(const char *dir)
{
	char p[8192], q[8448];
	struct dirent *d, *f;
	DIR *top, *sub;

	if (!(top = opendir(dir)))
		return;
	while ((d = readdir(top))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, d->d_name);
		if ((sub = opendir(p))) {
			while ((f = readdir(sub)))
				if (strcmp(f->d_name, ".") && strcmp(f->d_name, "..")) {
					snprintf(q, sizeof(q), "%s/%s", p, f->d_name);
					unlink(q);
				}
			closedir(sub);
			rmdir(p);
		} else {
			unlink(p);
		}
	}
	closedir(top);
	rmdir(dir);
}

/* Folders of writers that died: their owner's flock on <dir>/.lock is
 * gone (the kernel drops it with the process); one that never got its
 * lock file is removed once an hour old. */
static void remove_stale(const char *objects)
{
	char p[8192], l[8300];
	struct dirent *d;
	struct stat sb;
	DIR *dir;
	int fd, dead;

	if (!(dir = opendir(objects)))
		return;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, PREFIX, strlen(PREFIX)))
			continue;
		snprintf(p, sizeof(p), "%s/%s", objects, d->d_name);
		if (lstat(p, &sb) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		snprintf(l, sizeof(l), "%s/.lock", p);
		if ((fd = open(l, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
			dead = flock(fd, LOCK_EX | LOCK_NB) == 0;
			if (dead)
				remove_tree(p);
			close(fd);
		} else if (errno == ENOENT && time(NULL) - sb.st_mtime >= 3600) {
			remove_tree(p);
		}
	}
	closedir(dir);
}

/* Put loose folder `dir` before `st`'s own object folders (priority 3:
 * above the loose 1 and packed 2), so that it takes the writes. */
static int add_backend(xfa_store *st, const char *dir)
{
	git_odb_backend *be = NULL;
	git_odb *odb = NULL;
	int err;

	if ((err = git_repository_odb(&odb, st->repo)) < 0 ||
	    (err = git_odb_backend_loose(&be, dir, -1, 0, 0, 0)) < 0 ||
	    (err = git_odb_add_backend(odb, be, 3)) < 0) {
		err = store_fail(err, "cannot prepare the object folder");
		if (be)
			be->free(be);
		git_odb_free(odb);
		return err;
	}
	git_odb_free(odb);
	if (!(st->incoming = strdup(dir)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

static int attach(xfa_store *st)
{
	char objects[4096], dir[4200], lock[4300];
	int err = 0;

	if (st->incoming || !store_durable || !HAVE_SYNCFS || st->mempack)
		return 0;
	snprintf(objects, sizeof(objects), "%sobjects", git_repository_path(st->repo));
	pthread_mutex_lock(&shared_lock);
	if (shared_dir && !strcmp(shared_objects, objects)) {
		err = add_backend(st, shared_dir);
		pthread_mutex_unlock(&shared_lock);
		return err;
	}
	pthread_mutex_unlock(&shared_lock);
	remove_stale(objects);
	snprintf(dir, sizeof(dir), "%s/" PREFIX "XXXXXX", objects);
	if (!mkdtemp(dir))
		return xfa_error_set(XFA_EIO, "cannot make a folder in '%s': %s",
				     objects, strerror(errno));
	snprintf(lock, sizeof(lock), "%s/.lock", dir);
	if ((st->incoming_lock = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
	    flock(st->incoming_lock, LOCK_EX) < 0) {
		err = xfa_error_set(XFA_EIO, "cannot lock '%s': %s", lock, strerror(errno));
		if (st->incoming_lock >= 0)
			close(st->incoming_lock);
		st->incoming_lock = -1;
		unlink(lock);
		rmdir(dir);
		return err;
	}
	if ((err = add_backend(st, dir)) < 0) {
		remove_tree(dir);
		close(st->incoming_lock);
		st->incoming_lock = -1;
		return err;
	}
	st->incoming_owner = 1;
	pthread_mutex_lock(&shared_lock);
	if (!shared_dir) {
		shared_dir = strdup(dir);
		shared_objects = strdup(objects);
	}
	pthread_mutex_unlock(&shared_lock);
	return 0;
}

void store_incoming_share(xfa_store *st)
{
	char objects[4096];
	int share;

	if (!store_durable || !HAVE_SYNCFS)
		return;
	snprintf(objects, sizeof(objects), "%sobjects", git_repository_path(st->repo));
	pthread_mutex_lock(&shared_lock);
	share = shared_dir && shared_objects && !strcmp(shared_objects, objects);
	if (share && add_backend(st, shared_dir) < 0)
		xfa_error_clear();
	pthread_mutex_unlock(&shared_lock);
}

int store_objects_begin(xfa_store *st)
{
	int err = attach(st);

	if (err == 0 && st->incoming)
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	return err;
}

void store_objects_end(xfa_store *st)
{
	if (st->incoming)
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, store_durable);
}

int store_incoming_flush(xfa_store *st)
{
	char objects[4096], sdir[4400], from[4800], to[4800];
	struct dirent *d, *f;
	DIR *top, *sub;
	int moved = 0, err;

	if (!st->incoming)
		return 0;
	snprintf(objects, sizeof(objects), "%sobjects", git_repository_path(st->repo));
	if (!(top = opendir(st->incoming)))
		return xfa_error_set(XFA_EIO, "cannot read '%s': %s", st->incoming,
				     strerror(errno));
	/* the bytes of every object written, then their names */
	if ((err = flush_fs(objects)) < 0)
		goto done;
	while ((d = readdir(top))) {
		if (strlen(d->d_name) != 2 || d->d_name[0] == '.')
			continue;
		snprintf(sdir, sizeof(sdir), "%s/%s", st->incoming, d->d_name);
		snprintf(to, sizeof(to), "%s/%s", objects, d->d_name);
		if (mkdir(to, 0755) < 0 && errno != EEXIST) {
			err = xfa_error_set(XFA_EIO, "cannot make '%s': %s", to, strerror(errno));
			goto done;
		}
		if (!(sub = opendir(sdir)))
			continue;
		while ((f = readdir(sub))) {
			if (f->d_name[0] == '.' || !strncmp(f->d_name, "tmp_", 4))
				continue;
			snprintf(from, sizeof(from), "%s/%s", sdir, f->d_name);
			snprintf(to, sizeof(to), "%s/%s/%s", objects, d->d_name, f->d_name);
			/* ENOENT: another handle of this process moved it */
			if (rename(from, to) < 0 && errno != ENOENT) {
				err = xfa_error_set(XFA_EIO, "cannot move '%s': %s", from,
						    strerror(errno));
				closedir(sub);
				goto done;
			}
			moved++;
		}
		closedir(sub);
	}
	if (moved)
		err = flush_fs(objects);
done:
	closedir(top);
	return err;
}

void store_incoming_free(xfa_store *st)
{
	if (!st->incoming)
		return;
	if (st->incoming_owner) {
		pthread_mutex_lock(&shared_lock);
		if (shared_dir && !strcmp(shared_dir, st->incoming)) {
			free(shared_dir);
			free(shared_objects);
			shared_dir = shared_objects = NULL;
		}
		pthread_mutex_unlock(&shared_lock);
		remove_tree(st->incoming);
		close(st->incoming_lock);
		st->incoming_lock = -1;
	}
	free(st->incoming);
	st->incoming = NULL;
}
