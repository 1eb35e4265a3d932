/* error.h - return codes and the per-thread message of the last failure. */
#ifndef XFA_ERROR_H
#define XFA_ERROR_H

/*
 * Every function that can fail returns 0 or one of these negative codes and
 * leaves a message naming the file, field, case or event at fault for
 * xfa_error_last().  cli/ maps each code to one exit status (SPEC 6).
 */
enum {
	XFA_OK        =  0,
	XFA_ERROR     = -1, /* internal failure */
	XFA_ENOTFOUND = -2, /* no such case, file, key or object */
	XFA_EEXISTS   = -3, /* would overwrite something that exists */
	XFA_EINVALID  = -4, /* invalid data or illegal transition */
	XFA_EBADSIG   = -5, /* a signature does not verify */
	XFA_ECONFLICT = -6, /* concurrent update: the head moved too often */
	XFA_EAUTH     = -7, /* key not authorised, revoked, or bad passphrase */
	XFA_EIO       = -8  /* reading or writing a file failed */
};

/*
 * Messages are English format strings translated through GNU gettext (text
 * domain "xfa", catalogue cli/po/zh_CN.po) when the program chose a
 * language: xfa_error_set and xfa_error_wrap translate their `fmt`; a
 * module that formats a message itself translates its format with xfa_tr.
 * The library never chooses the language (cli/ does, with setlocale).
 */
const char *xfa_tr(const char *fmt) __attribute__((format_arg(1)));

/* Marks a message for xgettext where it is translated later, by xfa_tr or
 * by the function it is given to (as cli/i18n.h's N_). */
#ifndef N_
#define N_(s) (s)
#endif

/* Record `code` with a printf-style message for this thread; returns `code`. */
int xfa_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix the current message with "<context>: "; returns `code`. */
int xfa_error_wrap(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The message of this thread's last failure ("" if none); borrowed. */
const char *xfa_error_last(void);

/* The code of this thread's last failure (0 if none). */
int xfa_error_code(void);

void xfa_error_clear(void);

/* A short English name for a code, e.g. "no such object". */
const char *xfa_error_name(int code);

#endif
