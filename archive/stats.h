/* stats.h - the yearly statistics of a bureau (report 003's 【概况】): visits
 * in 件次 and 人次, first visits, collective visits, online matters,
 * skip-level visits by destination, repeats, matters settled per level and
 * the three rates, for a year and the year before, with 同比 changes. */
#ifndef XFA_STATS_H
#define XFA_STATS_H

#include <jansson.h>

#include "archive.h"

/* The counters, in print order; each key of "counts" in the result. */
extern const char *const xfa_stats_keys[];
extern const size_t xfa_stats_nkeys;

/*
 * Count the cases whose received_at falls in calendar year `year` (in the
 * stamp's own offset) into *out (new, the caller's):
 *   {"visits_times", "visits_people", "first_visits_times",
 *    "first_visits_people", "collective_batches", "collective_people",
 *    "collective_first_batches", "collective_first_people",
 *    "online_times" (every online case), "online_forwarded_times" (those
 *    with "forwarded_from": 国家、省、市转送网上信访事项),
 *    "skip_level_times" (市以上: city, province, national),
 *    "skip_county", "skip_city", "skip_province", "skip_national",
 *    "repeats", "cases", "settled_village", "settled_township",
 *    "settled_county", "reception_days" (领导接访: distinct leader and
 *    date of the cases' "reception"), "reception_batches",
 *    "reception_people", "risks_screened" (risk items of the ledger
 *    found in the year), "risks_resolved" (struck off 销号 in the year):
 *    integers}
 * 件次 is a case's "batches" (1 if absent), 人次 its "headcount" (else the
 * number of petitioners, at least 1).  A visit is channel "visit"; a
 * collective visit also has "collective": true; a first visit
 * "first_visit": true; settled means the case reached "closed".  Returns 0
 * or a code of xfa_report_each().
 */
int xfa_stats_count(json_t **out, xfa_archive *a, int year);

/*
 * The statistics of `year` against `year - 1`, rates judged on day
 * `as_of`: *out (new, the caller's):
 *   {"year", "previous_year",
 *    "counts": {"<key>": {"value", "previous", "yoy": percent change with
 *               one decimal, or null when the previous value is 0}},
 *    "rates": {"<rate id>": {"label", "percent", "previous" (percents or
 *              null)}}}
 * Returns 0, XFA_EINVALID (year outside 1900..9998, no report section) or a
 * code of xfa_report_each().
 */
int xfa_stats_year(json_t **out, xfa_archive *a, int year, long as_of);

#endif
