/* attachment.c - safe attachment names and streaming reads into the store. */
#include "attachment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "json.h"
#include "key.h"

#define CHUNK (256 * 1024)

int xfa_attachment_name_check(const char *name)
{
	size_t n = name ? strlen(name) : 0, i;

	if (n == 0 || n > 200)
		return xfa_error_set(XFA_EINVALID,
			"attachment name must be 1 to 200 bytes long");
	if (!strcmp(name, ".") || !strcmp(name, "..") || strstr(name, ".."))
		return xfa_error_set(XFA_EINVALID,
			"attachment name '%s' must not contain '..'", name);
	if (!xfa_utf8_valid(name, n)) {
		/* most often a file named on a GBK system: show its bytes, and
		 * how to give it a UTF-8 name */
		char shown[4 * 200 + 1];
		size_t j = 0;
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)name[i];
			if (c >= 0x20 && c < 0x7f)
				shown[j++] = (char)c;
			else
				j += (size_t)snprintf(shown + j, sizeof(shown) - j, "\\x%02X", c);
		}
		shown[j] = '\0';
		return xfa_error_set(XFA_EINVALID, "attachment name is not valid UTF-8: "
			"'%s' (a GBK name?); give the file a UTF-8 name, e.g. "
			"convmv -f GBK -t UTF-8 --notest FILE, or cp FILE 新名称.pdf, "
			"and attach that", shown);
	}
	if (name[0] == '-' || name[0] == '.')
		return xfa_error_set(XFA_EINVALID,
			"attachment name '%s' must not start with '-' or '.'", name);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '/' || c == '\\')
			return xfa_error_set(XFA_EINVALID,
				"attachment name '%s' must not contain '/' or '\\'", name);
		if (c < 0x20 || c == 0x7f)
			return xfa_error_set(XFA_EINVALID,
				"attachment name contains a control character");
	}
	return 0;
}

int xfa_attachment_kind_check(const char *kind)
{
	size_t n = kind ? strlen(kind) : 0, i;

	if (n == 0 || n > 32 || kind[0] < 'a' || kind[0] > 'z')
		goto bad;
	for (i = 0; i < n; i++)
		if (!((kind[i] >= 'a' && kind[i] <= 'z') ||
		      (kind[i] >= '0' && kind[i] <= '9') || kind[i] == '-'))
			goto bad;
	return 0;
bad:
	return xfa_error_set(XFA_EINVALID,
		"attachment kind '%s' must be a lower-case word such as "
		"'authorization'", kind ? kind : "");
}

int xfa_attachment_spec(char **kind, const char **path, const char *spec)
{
	const char *colon = strchr(spec, ':');

	*kind = NULL;
	if (!colon || colon == spec || !colon[1])
		return xfa_error_set(XFA_EINVALID,
			"'%s': an attachment is given as KIND:PATH", spec);
	if (!(*kind = strndup(spec, (size_t)(colon - spec))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	*path = colon + 1;
	return 0;
}

static const char *media_type(const char *name)
{
	static const char *const map[][2] = {
		{ ".pdf", "application/pdf" }, { ".ofd", "application/ofd" },
		{ ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" },
		{ ".png", "image/png" }, { ".tif", "image/tiff" },
		{ ".tiff", "image/tiff" }, { ".txt", "text/plain" },
		{ ".json", "application/json" }, { ".xml", "application/xml" },
		{ ".html", "text/html" }, { ".csv", "text/csv" },
		{ ".doc", "application/msword" }, { ".mp3", "audio/mpeg" },
		{ ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ ".wav", "audio/wav" }, { ".mp4", "video/mp4" },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(dot, map[i][0]))
			return map[i][1];
	return "application/octet-stream";
}

static int open_regular(int *fd, struct stat *st, const char *path, uint64_t max)
{
	*fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0) {
		if (errno == ENOENT)
			return xfa_error_set(XFA_ENOTFOUND, "attachment '%s': no such file", path);
		if (errno == ELOOP)
			return xfa_error_set(XFA_EINVALID,
				"attachment '%s': is a symbolic link", path);
		return xfa_error_set(XFA_EIO, "attachment '%s': %s", path, strerror(errno));
	}
	if (fstat(*fd, st) < 0)
		return xfa_error_set(XFA_EIO, "attachment '%s': %s", path, strerror(errno));
	if (!S_ISREG(st->st_mode))
		return xfa_error_set(XFA_EINVALID,
			"attachment '%s': not a regular file", path);
	if ((uint64_t)st->st_size > max)
		return xfa_error_set(XFA_EINVALID,
			"attachment '%s': %lld bytes, over the limit of %llu",
			path, (long long)st->st_size, (unsigned long long)max);
	return 0;
}

/* Copy exactly `size` bytes of `fd` into `w`, hashing them. */
static int pump(xfa_blobw *w, xfa_sha256_ctx *h, int fd, uint64_t size,
		const char *path)
{
	unsigned char *buf = malloc(CHUNK);
	uint64_t got = 0;
	int err = 0;

	if (!buf)
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = xfa_error_set(XFA_EIO, "attachment '%s': %s", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (got + (uint64_t)n > size) {
			err = xfa_error_set(XFA_EINVALID,
				"attachment '%s': changed while being read", path);
			break;
		}
		xfa_sha256_update(h, buf, (size_t)n);
		if ((err = xfa_blobw_write(w, buf, (size_t)n)) < 0)
			break;
		got += (uint64_t)n;
	}
	free(buf);
	if (!err && got != size)
		err = xfa_error_set(XFA_EINVALID,
			"attachment '%s': changed while being read", path);
	return err;
}

int xfa_attachment_stage(xfa_staged *out, xfa_store *st, const char *kind,
			 const char *path, uint64_t max)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct stat sb, sa;
	xfa_sha256_ctx h;
	xfa_blobw *w = NULL;
	unsigned char digest[32];
	char hex[65];
	int fd = -1, err;

	memset(out, 0, sizeof(*out));
	if ((err = xfa_attachment_kind_check(kind)) < 0 ||
	    (err = xfa_attachment_name_check(name)) < 0 ||
	    (err = open_regular(&fd, &sb, path, max)) < 0 ||
	    (err = xfa_blobw_open(&w, st, (uint64_t)sb.st_size)) < 0)
		goto done;
	xfa_sha256_init(&h);
	if ((err = pump(w, &h, fd, (uint64_t)sb.st_size, path)) < 0)
		goto done;
	if (fstat(fd, &sa) < 0 || sa.st_size != sb.st_size ||
	    sa.st_mtim.tv_sec != sb.st_mtim.tv_sec ||
	    sa.st_mtim.tv_nsec != sb.st_mtim.tv_nsec) {
		err = xfa_error_set(XFA_EINVALID,
			"attachment '%s': changed while being read", path);
		goto done;
	}
	err = xfa_blobw_finish(&out->blob, w);
	w = NULL;
	if (err < 0)
		goto done;
	xfa_sha256_final(&h, digest);
	xfa_hex(hex, digest, 32);
	out->rec = json_pack("{s:s, s:s, s:s, s:I, s:s}", "name", name, "kind", kind,
			     "media_type", media_type(name), "size",
			     (json_int_t)sb.st_size, "sha256", hex);
	if (!out->rec)
		err = xfa_error_set(XFA_ERROR, "out of memory");
done:
	xfa_blobw_free(w);
	if (fd >= 0)
		close(fd);
	return err;
}

void xfa_staged_release(xfa_staged *s)
{
	json_decref(s->rec);
	s->rec = NULL;
}
