/* cmd_report.h - what a `xfa report` subcommand shares with cmd_report.c.
 * A subcommand is one function of this shape, in its own cli/ file, and
 * one line of the table in cmd_report.c (see the comment at its top). */
#ifndef XFA_CMD_REPORT_H
#define XFA_CMD_REPORT_H

#include "archive.h"

/*
 * Run report subcommand argv[0] with its options argv[1..argc) on the open
 * archive `a` whose metadata is `m` (both borrowed).  Prints the result
 * (text in cli.lang, or one JSON document with cli.json) and returns an
 * exit status; the caller closes the archive and calls cli_done().
 */
typedef int report_fn(xfa_archive *a, const xfa_meta *m, int argc, char **argv);

/* Parse a YYYY-MM-DD option value `arg` of option `opt` into days since
 * 1970-01-01; 0 or an exit status (64, message printed). */
int report_day(long *out, const char *opt, const char *arg);

/* The dispute-risk ledger (cli/cmd_report_ledger.c) and the yearly
 * statistics (cli/cmd_report_stats.c). */
report_fn report_ledger;
report_fn report_stats;

#endif
