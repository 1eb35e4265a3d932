/* cli.h - what every command shares: global options, exit statuses,
 * messages, passphrases, keys, JSON and table output. */
#ifndef XFA_CLI_H
#define XFA_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "archive.h"
#include "key.h"

/* Exit statuses (SPEC 6, after sysexits.h). */
enum {
	EXIT_OKAY = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 64, EXIT_DATA = 65,
	EXIT_NOINPUT = 66, EXIT_IOERR = 74, EXIT_TEMPFAIL = 75, EXIT_NOPERM = 77
};

/* Options valid before or after any command. */
struct cli_globals {
	const char *dir;    /* -C DIR / XFA_ARCHIVE, default ./archive.xfa */
	const char *key;    /* --as KEYFILE / XFA_KEY */
	const char *lang;   /* --lang zh|en, default zh */
	int json;           /* --json */
	int quiet;          /* -q */
};
extern struct cli_globals cli;

/* The one place library codes become exit statuses. */
int cli_status(int code);

/* Print "xfa: <what>: <library message>" and return the exit status for `code`. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "xfa: <message>" and "usage: ..." to stderr; returns 64. */
int cli_usage(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print `usage`, then what the command does, its options, examples and
 * exit statuses (help.c), to stdout. */
void cli_print_help(const char *usage);

/* True if argv holds -h or --help; then prints cli_print_help(usage). */
int cli_help(int argc, char **argv, const char *usage);

/* Open the archive named by -C; returns 0 or an exit status (message printed). */
int cli_open(xfa_archive **out);

/* Read a passphrase from XFA_PASSPHRASE_FILE or the terminal (no echo). */
int cli_passphrase(char **out, size_t *out_len, const char *prompt, int confirm);
void cli_passphrase_free(char *p);

/*
 * The key named by --as / XFA_KEY: a key file, checked (mode 0600 or
 * stricter) and unlocked with the passphrase; or an OpenSSH public key
 * (ssh-ed25519 or sk-ssh-ed25519@openssh.com) whose secret half the
 * ssh-agent at $SSH_AUTH_SOCK holds.  0 or an exit status (message printed).
 */
int cli_signing_key(xfa_key **out);

/* The key `path` (an OpenSSH public key file) names, held by the ssh-agent
 * at $SSH_AUTH_SOCK; 0 or an exit status (message printed). */
int cli_agent_key(xfa_key **out, const char *path);

/* 1 if the file at `path` starts like an OpenSSH public key line. */
int cli_is_pubfile(const char *path);

/* Print `v` as one JSON document on stdout. */
void cli_json(const json_t *v);

/* Flush stdout and report a write failure; returns `status` or 74. */
int cli_done(int status);

/* Columns `s` takes on a terminal (wide CJK characters count two). */
int cli_width(const char *s);

/* Print `s` left-aligned in `width` columns (one space after it when it
 * fills them or is wider). */
void cli_cell(const char *s, int width);

/*
 * The id of `s` in vocabulary `vocab` of workflow `wf` (see
 * xfa_workflow_resolve: the id itself or any of its labels), or NULL after
 * printing "xfa: WHAT: 'S' is not one of: ..." with the allowed values in
 * the chosen language.  Borrowed.
 */
const char *cli_resolve(const xfa_workflow *wf, const char *vocab,
			const char *what, const char *s);

/*
 * `list` ("登记员,handler") with every role resolved to its id, written to
 * `out` (capacity `cap`); 0, or EXIT_DATA after the message.
 */
int cli_resolve_list(char *out, size_t cap, const xfa_workflow *wf,
		     const char *vocab, const char *what, const char *list);

/*
 * The record of the last whole-archive `xfa verify` that found the archive
 * sound: "<dir>/xfa-verified" beside the repository holds "HEAD TIME".
 * Derived and advisory (never trusted by verify itself): case show uses it
 * to warn that what it reads is not the verified head.
 * cli_verified_write records `head` (failures ignored: a read-only archive).
 * cli_verified_check: 1 if `head` is the verified one, 0 if another head
 * was (its time in `when`), -1 if none was ever recorded.
 */
void cli_verified_write(const char *head);
int cli_verified_check(const char *head, char *when, size_t cap);

/* A label from the archive's workflow in the chosen language. */
const char *cli_label(const xfa_meta *m, const char *vocab, const char *id);



/*
 * Read an OpenSSH public-key file; its comment "Name <email>" (or "Name")
 * gives the holder.  *name and *email are malloc'd (email may be NULL).
 * Returns 0 or an exit status (message printed).
 */
int cli_read_pub(xfa_pubkey *pk, char **name, char **email, const char *path);
#endif
