/* calendar.c - working days: weekends, public holidays and adjusted working
 * days (调休) loaded from schemas/calendar/, and deadline arithmetic over them. */
#include "calendar.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "schema.h"

/* Longest single holiday a calendar may list (China's longest is 9 days). */
#define HOLIDAY_MAX_DAYS 31

struct xfa_calendar {
	long *off;        /* rest days, sorted */
	size_t noff;
	long *on;         /* working days on a rest weekday (调休), sorted */
	size_t non;
	unsigned rest;    /* bit w set: weekday w (0 = Monday) is a rest day */
	int *years;       /* years whose holidays are listed */
	size_t nyears;
};

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int has_day(const long *v, size_t n, long day)
{
	return n && bsearch(&day, v, n, sizeof(*v), cmp_long) != NULL;
}

/* Parse obj[key] as a date, naming `what` in the message. */
static int date_member(long *out, const json_t *obj, const char *key,
		       const char *what)
{
	const char *s = xfa_json_str(obj, key);

	if (xfa_date_parse(out, s) < 0)
		return xfa_error_set(XFA_EINVALID, "calendar: %s: '%s' is not a "
				     "valid date", what, s ? s : "");
	return 0;
}

/* The days of the holiday ranges in `arr`, appended to c->off. */
static int load_holidays(xfa_calendar *c, const json_t *arr)
{
	size_t i, total = 0;
	const json_t *h;
	long from, until, d;

	json_array_foreach(arr, i, h) {
		if (date_member(&from, h, "from", "holidays") < 0 ||
		    date_member(&until, h, "until", "holidays") < 0)
			return XFA_EINVALID;
		if (until < from || until - from >= HOLIDAY_MAX_DAYS)
			return xfa_error_set(XFA_EINVALID, "calendar: holiday "
				"%s..%s: 'until' must be 0..%d days after 'from'",
				xfa_json_str(h, "from"), xfa_json_str(h, "until"),
				HOLIDAY_MAX_DAYS - 1);
		total += (size_t)(until - from + 1);
	}
	c->off = malloc((total ? total : 1) * sizeof(*c->off));
	if (!c->off)
		return xfa_error_set(XFA_ERROR, "out of memory");
	json_array_foreach(arr, i, h) {
		date_member(&from, h, "from", "holidays");
		date_member(&until, h, "until", "holidays");
		for (d = from; d <= until; d++)
			c->off[c->noff++] = d;
	}
	return 0;
}

static int load_workdays(xfa_calendar *c, const json_t *arr)
{
	size_t i, n = json_array_size(arr);
	const json_t *w;

	c->on = malloc((n ? n : 1) * sizeof(*c->on));
	if (!c->on)
		return xfa_error_set(XFA_ERROR, "out of memory");
	json_array_foreach(arr, i, w) {
		if (date_member(&c->on[c->non], w, "date", "workdays") < 0)
			return XFA_EINVALID;
		c->non++;
	}
	return 0;
}

/* Sort both lists and refuse a day listed twice or both off and on. */
static int check_days(xfa_calendar *c)
{
	char buf[XFA_DATE_SIZE];
	size_t i;

	if (c->noff) /* qsort(NULL, 0) is undefined */
		qsort(c->off, c->noff, sizeof(long), cmp_long);
	if (c->non)
		qsort(c->on, c->non, sizeof(long), cmp_long);
	for (i = 1; i < c->noff; i++)
		if (c->off[i] == c->off[i - 1]) {
			xfa_date_format(buf, c->off[i]);
			return xfa_error_set(XFA_EINVALID, "calendar: holiday "
					     "%s is listed twice", buf);
		}
	for (i = 0; i < c->non; i++) {
		xfa_date_format(buf, c->on[i]);
		if ((i && c->on[i] == c->on[i - 1]) ||
		    has_day(c->off, c->noff, c->on[i]))
			return xfa_error_set(XFA_EINVALID, "calendar: working "
				"day %s is listed twice or also as a holiday", buf);
	}
	return 0;
}

static int load_week(xfa_calendar *c, const json_t *def)
{
	const json_t *rest = json_object_get(def, "rest_weekdays"), *v;
	size_t i;

	if (!rest) {
		c->rest = (1u << 5) | (1u << 6);
		return 0;
	}
	json_array_foreach(rest, i, v) {
		json_int_t w = json_integer_value(v);
		if (w < 1 || w > 7)
			return xfa_error_set(XFA_EINVALID, "calendar: "
				"rest_weekdays: %lld is not 1..7", (long long)w);
		c->rest |= 1u << (w - 1);
	}
	if (c->rest == 0x7f)
		return xfa_error_set(XFA_EINVALID,
				     "calendar: rest_weekdays leaves no working day");
	return 0;
}

static int load_years(xfa_calendar *c, const json_t *def)
{
	const json_t *years = json_object_get(def, "years"), *v;
	size_t i;

	c->years = malloc((json_array_size(years) + 1) * sizeof(int));
	if (!c->years)
		return xfa_error_set(XFA_ERROR, "out of memory");
	json_array_foreach(years, i, v)
		c->years[c->nyears++] = (int)json_integer_value(v);
	return 0;
}

int xfa_calendar_load(xfa_calendar **out, const json_t *def)
{
	xfa_calendar *c = NULL;
	int err;

	*out = NULL;
	if (def && (err = xfa_schema_check("calendar.schema.json", def,
					   "calendar")) < 0)
		return err;
	if (!(c = calloc(1, sizeof(*c))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = load_week(c, def)) < 0 ||
	    (err = load_holidays(c, json_object_get(def, "holidays"))) < 0 ||
	    (err = load_workdays(c, json_object_get(def, "workdays"))) < 0 ||
	    (err = load_years(c, def)) < 0 || (err = check_days(c)) < 0)
		goto done;
	*out = c;
	c = NULL;
done:
	xfa_calendar_free(c);
	return err;
}

void xfa_calendar_free(xfa_calendar *c)
{
	if (!c)
		return;
	free(c->off);
	free(c->on);
	free(c->years);
	free(c);
}

int xfa_calendar_is_workday(const xfa_calendar *c, long day)
{
	if (has_day(c->on, c->non, day))
		return 1;
	if (has_day(c->off, c->noff, day))
		return 0;
	return !(c->rest & (1u << xfa_weekday(day)));
}

int xfa_calendar_covers(const xfa_calendar *c, long day)
{
	unsigned m, d;
	size_t i;
	int y;

	xfa_civil_from_days(day, &y, &m, &d);
	for (i = 0; i < c->nyears; i++)
		if (c->years[i] == y)
			return 1;
	return 0;
}

long xfa_calendar_next_workday(const xfa_calendar *c, long day)
{
	/* terminates: holidays are bounded and some weekday is working */
	while (!xfa_calendar_is_workday(c, day))
		day++;
	return day;
}

long xfa_calendar_add_days(const xfa_calendar *c, long start, int n)
{
	return xfa_calendar_next_workday(c, start + n);
}

long xfa_calendar_add_workdays(const xfa_calendar *c, long start, int n)
{
	long day = start;

	while (n > 0) {
		day++;
		if (xfa_calendar_is_workday(c, day))
			n--;
	}
	return day;
}
