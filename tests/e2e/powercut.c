/* powercut.c - an LD_PRELOAD shim for t_crash.sh that simulates losing
 * power: it keeps a log of the files a process wrote and did not fsync, and
 * can "cut the power" at the Nth fsync of a process.
 *
 * The model (pessimistic ext4 data=writeback): a file's bytes are durable
 * only once the file has been fsync'd after its last write; names (create,
 * rename, link, mkdir) are journaled and survive.  So after a cut, every file
 * written since its last fsync is left with zero bytes (the classic
 * "zero-length file after a crash"), whatever process wrote it.
 *
 * Environment:
 *   POWERCUT_LOG=FILE   append "W path" (written, not yet synced; logged at
 *                       close or rename), "S path" (fsync'd), "A path"
 *                       (syncfs: everything written before is durable) and
 *                       "R old new" (renamed) lines; the test replays them
 *                       after a cut and truncates every path still unsynced.
 *   POWERCUT_AT=N       at the Nth fsync/fdatasync/syncfs of this process, cut the
 *                       power: before the call if POWERCUT_BEFORE=1 (the
 *                       data never reached the disk), else just after it;
 *                       the process dies by SIGKILL there.
 * Only paths below POWERCUT_ROOT (the archive) are logged.
 * Built by t_crash.sh: cc -shared -fPIC -o powercut.so powercut.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAXFD 4096
static unsigned char dirty[MAXFD];
static long nsync;

static void logline(const char *tag, const char *a, const char *b)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	const char *log = getenv("POWERCUT_LOG");
	const char *root = getenv("POWERCUT_ROOT");
	char line[4 * PATH_MAX + 16];
	int fd, n;

	if (!log || !root || strncmp(a, root, strlen(root)))
		return;
	if (!real_write)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	n = snprintf(line, sizeof(line), "%s %s%s%s\n", tag, a, b ? " " : "", b ? b : "");
	if (n <= 0 || n >= (int)sizeof(line))
		return;
	fd = (int)syscall(SYS_open, log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	real_write(fd, line, (size_t)n);
	syscall(SYS_close, fd);
}

static int fd_path(int fd, char *out)
{
	char p[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	n = readlink(p, out, PATH_MAX - 1);
	if (n <= 0)
		return -1;
	out[n] = '\0';
	return 0;
}

static void abs_path(const char *path, char *out)
{
	char cwd[PATH_MAX];
	/* out holds 2 * PATH_MAX bytes */

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		snprintf(out, 2 * PATH_MAX, "%s", path);
	else
		snprintf(out, 2 * PATH_MAX, "%s/%s", cwd, path);
}

static void mark(int fd)
{
	if (fd >= 0 && fd < MAXFD)
		dirty[fd] = 1;
}

/* Log a dirty fd's file as written-not-synced, and forget it. */
static void flush_dirty(int fd)
{
	char p[PATH_MAX];

	if (fd >= 0 && fd < MAXFD && dirty[fd]) {
		dirty[fd] = 0;
		if (fd_path(fd, p) == 0)
			logline("W", p, NULL);
	}
}

#define REAL(ret, name, ...) \
	static ret (*real)(__VA_ARGS__); \
	if (!real) real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(ssize_t, "write", int, const void *, size_t);
	mark(fd);
	return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(ssize_t, "pwrite", int, const void *, size_t, off_t);
	mark(fd);
	return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	REAL(ssize_t, "pwrite64", int, const void *, size_t, off_t);
	mark(fd);
	return real(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *v, int n)
{
	REAL(ssize_t, "writev", int, const struct iovec *, int);
	mark(fd);
	return real(fd, v, n);
}

static void cut_if_due(int after)
{
	const char *at = getenv("POWERCUT_AT");
	const char *before = getenv("POWERCUT_BEFORE");
	int want_before = before && !strcmp(before, "1");

	if (at && atol(at) == nsync && want_before != after) {
		int fd;
		for (fd = 0; fd < MAXFD; fd++)
			flush_dirty(fd);
		kill(getpid(), SIGKILL);
	}
}

static int synced(int fd, int r)
{
	char p[PATH_MAX];

	if (r == 0 && fd >= 0 && fd < MAXFD) {
		dirty[fd] = 0;
		if (fd_path(fd, p) == 0)
			logline("S", p, NULL);
	}
	cut_if_due(1);
	return r;
}

int fsync(int fd)
{
	REAL(int, "fsync", int);
	nsync++;
	cut_if_due(0);
	return synced(fd, real(fd));
}

int fdatasync(int fd)
{
	REAL(int, "fdatasync", int);
	nsync++;
	cut_if_due(0);
	return synced(fd, real(fd));
}

/* syncfs: every file is durable afterwards ("A", logged with the fd's
 * path so that the log keeps to POWERCUT_ROOT) */
int syncfs(int fd)
{
	char p[PATH_MAX];
	int r, i;
	REAL(int, "syncfs", int);
	nsync++;
	cut_if_due(0);
	for (i = 0; i < MAXFD; i++)
		flush_dirty(i);
	r = real(fd);
	if (r == 0 && fd_path(fd, p) == 0)
		logline("A", p, NULL);
	cut_if_due(1);
	return r;
}

int close(int fd)
{
	REAL(int, "close", int);
	flush_dirty(fd);
	return real(fd);
}

int rename(const char *a, const char *b)
{
	char pa[2 * PATH_MAX], pb[2 * PATH_MAX];
	int r;
	REAL(int, "rename", const char *, const char *);
	r = real(a, b);
	if (r == 0) {
		abs_path(a, pa);
		abs_path(b, pb);
		logline("R", pa, pb);
	}
	return r;
}

int link(const char *a, const char *b)
{
	char pa[2 * PATH_MAX], pb[2 * PATH_MAX];
	int r;
	REAL(int, "link", const char *, const char *);
	r = real(a, b);
	if (r == 0) {
		abs_path(a, pa);
		abs_path(b, pb);
		logline("L", pa, pb);
	}
	return r;
}
