/* stamp.h - RFC 3339 timestamps with their UTC offset, and civil dates. */
#ifndef XFA_STAMP_H
#define XFA_STAMP_H

#include <stdint.h>

/* "2026-11-22T15:03:00+08:00" and its NUL. */
#define XFA_STAMP_SIZE 26
/* "2026-11-22" and its NUL. */
#define XFA_DATE_SIZE 11

/* An instant and the UTC offset it was written in. */
typedef struct {
	int64_t t;   /* seconds since 1970-01-01T00:00:00Z */
	int off;     /* minutes east of UTC */
} xfa_stamp;

/*
 * Parse "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM".
 * Fractions of a second are refused (events are recorded to the second).
 * Returns 0 or XFA_EINVALID.
 */
int xfa_stamp_parse(xfa_stamp *out, const char *s);

/* Format as RFC 3339 in the stamp's own offset ("Z" never used: "+00:00"). */
void xfa_stamp_format(char out[XFA_STAMP_SIZE], const xfa_stamp *s);

/*
 * The current time in offset `off`.  For reproducible tests and demos the
 * environment variable XFA_NOW (an RFC 3339 stamp) overrides the clock.
 * Returns 0 or XFA_EINVALID (XFA_NOW malformed).
 */
int xfa_stamp_now(xfa_stamp *out, int off);

/* Parse a UTC offset "+08:00", "-05:30" or "Z" into minutes. */
int xfa_offset_parse(int *out, const char *s);

/* The calendar day (days since 1970-01-01) on which `s` falls in its offset. */
long xfa_stamp_day(const xfa_stamp *s);

/* Parse "YYYY-MM-DD" into days since 1970-01-01.  Returns 0 or XFA_EINVALID. */
int xfa_date_parse(long *out, const char *s);

/* Parse either a date or a full stamp, giving the day in the stamp's offset. */
int xfa_day_parse(long *out, const char *s);

void xfa_date_format(char out[XFA_DATE_SIZE], long day);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
long xfa_days_from_civil(int y, unsigned m, unsigned d);
void xfa_civil_from_days(long z, int *y, unsigned *m, unsigned *d);

/* 0 = Monday ... 6 = Sunday */
int xfa_weekday(long day);

#endif
