/* stamp.c - RFC 3339 timestamps and civil dates (H. Hinnant's algorithms). */
#include "stamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"

long xfa_days_from_civil(int y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

void xfa_civil_from_days(long z, int *y, unsigned *m, unsigned *d)
{
	long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)yoe + (int)era * 400 + (*m <= 2);
}

int xfa_weekday(long day)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0) */
	long w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static int days_in_month(int y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

/* Read exactly `n` digits. */
static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_date_part(long *out, const char *s)
{
	int y, m, d;

	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || y < 1900 || m < 1 ||
	    m > 12 || d < 1 || d > days_in_month(y, (unsigned)m))
		return -1;
	*out = xfa_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int xfa_date_parse(long *out, const char *s)
{
	if (!s || strlen(s) != 10 || parse_date_part(out, s))
		return xfa_error_set(XFA_EINVALID,
			"'%s' is not a date (YYYY-MM-DD)", s ? s : "");
	return 0;
}

int xfa_offset_parse(int *out, const char *s)
{
	int h, m;

	if (!strcmp(s, "Z")) {
		*out = 0;
		return 0;
	}
	if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') ||
	    digits(s + 1, 2, &h) || s[3] != ':' || digits(s + 4, 2, &m) ||
	    h > 14 || m > 59)
		return xfa_error_set(XFA_EINVALID,
			"'%s' is not a UTC offset (+HH:MM)", s);
	*out = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

int xfa_stamp_parse(xfa_stamp *out, const char *s)
{
	long day;
	int hh, mm, ss, off;

	if (!s || strlen(s) < 20 || parse_date_part(&day, s) ||
	    (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &hh) ||
	    s[13] != ':' || digits(s + 14, 2, &mm) || s[16] != ':' ||
	    digits(s + 17, 2, &ss) || hh > 23 || mm > 59 || ss > 59 ||
	    xfa_offset_parse(&off, s + 19))
		return xfa_error_set(XFA_EINVALID,
			"'%s' is not an RFC 3339 time (YYYY-MM-DDTHH:MM:SS+HH:MM)",
			s ? s : "");
	out->off = off;
	out->t = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss -
		 (int64_t)off * 60;
	return 0;
}

/* Write `v` as exactly `n` decimal digits. */
static char *put(char *p, unsigned long v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

void xfa_stamp_format(char out[XFA_STAMP_SIZE], const xfa_stamp *s)
{
	int64_t local = s->t + (int64_t)s->off * 60;
	long day = (long)(local >= 0 ? local / 86400 : (local - 86399) / 86400);
	unsigned long sec = (unsigned long)(local - (int64_t)day * 86400);
	unsigned long a = (unsigned long)(s->off < 0 ? -s->off : s->off);
	char *p = out;

	xfa_date_format(p, day);
	p += 10;
	*p++ = 'T';
	p = put(p, sec / 3600, 2);
	*p++ = ':';
	p = put(p, sec / 60 % 60, 2);
	*p++ = ':';
	p = put(p, sec % 60, 2);
	*p++ = s->off < 0 ? '-' : '+';
	p = put(p, a / 60 % 100, 2);
	*p++ = ':';
	p = put(p, a % 60, 2);
	*p = '\0';
}

long xfa_stamp_day(const xfa_stamp *s)
{
	int64_t local = s->t + (int64_t)s->off * 60;

	return (long)(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

int xfa_day_parse(long *out, const char *s)
{
	xfa_stamp st;

	if (s && strlen(s) == 10)
		return xfa_date_parse(out, s);
	if (xfa_stamp_parse(&st, s) < 0)
		return xfa_error_set(XFA_EINVALID,
			"'%s' is neither a date nor an RFC 3339 time", s ? s : "");
	*out = xfa_stamp_day(&st);
	return 0;
}

void xfa_date_format(char out[XFA_DATE_SIZE], long day)
{
	int y;
	unsigned m, d;

	xfa_civil_from_days(day, &y, &m, &d);
	out = put(out, (unsigned long)(y < 0 ? 0 : y % 10000), 4);
	*out++ = '-';
	out = put(out, m, 2);
	*out++ = '-';
	out = put(out, d, 2);
	*out = '\0';
}

int xfa_stamp_now(xfa_stamp *out, int off)
{
	const char *env = getenv("XFA_NOW");

	if (env && *env) {
		if (xfa_stamp_parse(out, env) < 0)
			return xfa_error_wrap(XFA_EINVALID, "XFA_NOW");
		return 0;
	}
	out->t = (int64_t)time(NULL);
	out->off = off;
	return 0;
}
