/* file.c - whole-file reads with a size limit, and atomic writes. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

int xfa_file_read(char **out, size_t *out_len, const char *path, size_t max)
{
	struct stat stbuf;
	char *buf = NULL;
	size_t got = 0;
	int fd, err = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return xfa_error_set(XFA_ENOTFOUND, "'%s': no such file", path);
		if (errno == ELOOP)
			return xfa_error_set(XFA_EINVALID, "'%s': is a symbolic link", path);
		return xfa_error_set(XFA_EIO, "'%s': %s", path, strerror(errno));
	}
	if (fstat(fd, &stbuf) < 0) {
		err = xfa_error_set(XFA_EIO, "'%s': %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(stbuf.st_mode)) {
		err = xfa_error_set(XFA_EINVALID, "'%s': not a regular file", path);
		goto done;
	}
	if ((size_t)stbuf.st_size > max) {
		err = xfa_error_set(XFA_EINVALID,
			"'%s': larger than the limit of %zu bytes", path, max);
		goto done;
	}
	if (!(buf = malloc((size_t)stbuf.st_size + 1))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	while (got <= (size_t)stbuf.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)stbuf.st_size + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = xfa_error_set(XFA_EIO, "'%s': %s", path, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)stbuf.st_size) {
		err = xfa_error_set(XFA_EIO, "'%s': changed while being read", path);
		goto done;
	}
	buf[got] = '\0';
	*out = buf;
	buf = NULL;
	if (out_len)
		*out_len = got;
done:
	free(buf);
	close(fd);
	return err;
}

int xfa_file_write_atomic(const char *path, const void *data, size_t len,
			  int mode, int excl)
{
	size_t plen = strlen(path), off = 0;
	char *tmp = malloc(plen + 16);
	int fd = -1, err = 0;

	if (!tmp)
		return xfa_error_set(XFA_ERROR, "out of memory");
	snprintf(tmp, plen + 16, "%s.tmp%ld", path, (long)getpid());
	if (excl && access(path, F_OK) == 0) {
		err = xfa_error_set(XFA_EEXISTS, "'%s': already exists", path);
		goto done;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		err = xfa_error_set(XFA_EIO, "'%s': %s", tmp, strerror(errno));
		goto done;
	}
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = xfa_error_set(XFA_EIO, "'%s': %s", tmp, strerror(errno));
			goto done;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		err = xfa_error_set(XFA_EIO, "'%s': %s", tmp, strerror(errno));
		goto done;
	}
	fd = -1;
	if (excl ? link(tmp, path) < 0 : rename(tmp, path) < 0) {
		err = errno == EEXIST
			? xfa_error_set(XFA_EEXISTS, "'%s': already exists", path)
			: xfa_error_set(XFA_EIO, "'%s': %s", path, strerror(errno));
		goto done;
	}
done:
	if (fd >= 0)
		close(fd);
	if (err || excl)
		unlink(tmp);
	free(tmp);
	return err;
}
