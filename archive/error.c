/* error.c - the per-thread message of the last failure. */
#include "error.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MSG_MAX 1024

static _Thread_local char last_msg[MSG_MAX];
static _Thread_local int last_code;

const char *xfa_tr(const char *fmt)
{
	return dgettext("xfa", fmt);
}

int xfa_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), xfa_tr(fmt), ap);
	va_end(ap);
	last_code = code;
	return code;
}

int xfa_error_wrap(int code, const char *fmt, ...)
{
	char prefix[MSG_MAX], old[MSG_MAX];
	size_t n;
	va_list ap;

	memcpy(old, last_msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), xfa_tr(fmt), ap);
	va_end(ap);
	/* "<prefix>: <old>", cut to fit */
	n = strlen(prefix);
	memcpy(last_msg, prefix, n + 1);
	if (old[0] && n + 2 < sizeof(last_msg)) {
		memcpy(last_msg + n, ": ", 3);
		n += 2;
		memcpy(last_msg + n, old, strnlen(old, sizeof(last_msg) - n - 1));
		last_msg[n + strnlen(old, sizeof(last_msg) - n - 1)] = '\0';
	}
	last_code = code;
	return code;
}

const char *xfa_error_last(void)
{
	return last_msg;
}

int xfa_error_code(void)
{
	return last_code;
}

void xfa_error_clear(void)
{
	last_msg[0] = '\0';
	last_code = 0;
}

const char *xfa_error_name(int code)
{
	switch (code) {
	case XFA_OK:        return "ok";
	case XFA_ENOTFOUND: return "not found";
	case XFA_EEXISTS:   return "already exists";
	case XFA_EINVALID:  return "invalid";
	case XFA_EBADSIG:   return "bad signature";
	case XFA_ECONFLICT: return "concurrent update";
	case XFA_EAUTH:     return "not authorised";
	case XFA_EIO:       return "i/o error";
	default:            return "internal error";
	}
}
