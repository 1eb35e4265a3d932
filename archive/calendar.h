/* calendar.h - working days, holidays and deadline arithmetic. */
#ifndef XFA_CALENDAR_H
#define XFA_CALENDAR_H

#include <jansson.h>
#include <stdint.h>

#include "stamp.h"

/* A holiday calendar: public holidays and adjusted working days (调休). */
typedef struct xfa_calendar xfa_calendar;

/*
 * Build a calendar from its JSON definition (schemas/calendar.schema.json;
 * `def` borrowed): "holidays" [{name, from, until}] are rest days,
 * "workdays" [{name, date}] are working days that fall on a weekend,
 * "rest_weekdays" (ISO numbers, 1 = Monday; default [6, 7]) the weekly
 * rest days, "years" the years the lists cover.  NULL `def` gives a
 * calendar with no holidays (weekends are still rest days).  Refuses
 * impossible dates, a range whose "until" precedes "from" or spans more
 * than 31 days, and a day listed twice or both as holiday and working day.
 * *out is the caller's (xfa_calendar_free).  Returns 0, XFA_EINVALID or
 * XFA_ERROR (out of memory).
 */
int xfa_calendar_load(xfa_calendar **out, const json_t *def);
void xfa_calendar_free(xfa_calendar *c);

/* Is `day` (days since 1970-01-01) a working day? */
int xfa_calendar_is_workday(const xfa_calendar *c, long day);

/*
 * Does the calendar list the holidays of the year of `day` (its "years")?
 * Outside those years only weekends are rest days, so a caller may warn
 * that a deadline was computed without that year's holidays.
 */
int xfa_calendar_covers(const xfa_calendar *c, long day);

/* `day` itself if it is a working day, else the next working day. */
long xfa_calendar_next_workday(const xfa_calendar *c, long day);

/*
 * `n` (>= 0) calendar days after `start` (the start day not counted); if
 * the result is not a working day it moves to the next working day (民法典
 * arts 201, 203).
 */
long xfa_calendar_add_days(const xfa_calendar *c, long start, int n);

/*
 * The `n`th working day after `start` (the start day not counted); `start`
 * itself when `n` <= 0.
 */
long xfa_calendar_add_workdays(const xfa_calendar *c, long start, int n);

#endif
