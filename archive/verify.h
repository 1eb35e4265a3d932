/* verify.h - proving an archive's history (SPEC section 7): every commit
 * checked against its parent alone, on all cores, in bounded memory; the
 * root of trust, checkpoints, deadline findings, and the JSON report.
 *
 * Reason codes.  Every finding carries one of these stable codes; the
 * table below is the documented list (also the enum of
 * schemas/verify-report.schema.json, and xfa_verify_reasons[]).
 *
 * severity "error" (integrity; any of them makes `xfa verify` exit 1):
 *   unsigned-commit        a commit has no gpgsig signature
 *   bad-commit-signature   the commit's SSHSIG (namespace git) is malformed
 *                          or does not verify over the commit's bytes
 *   unknown-key            the commit's key is not in the keyring at its parent
 *   key-revoked            the key was revoked in the keyring at the parent
 *                          (later commits may not use it, whatever time
 *                          they claim); at a merge, the other parent's
 *                          keyring revoked the merge's key, or a key that
 *                          signed an event the merge carries in, before it
 *   key-not-yet-valid      the event's time precedes the key's valid_from
 *   author-mismatch        author/committer name or e-mail is not the key's
 *                          holder and principal, or their time/offset is
 *                          not the event's "at"
 *   message-mismatch       the commit message is not exactly the one the
 *                          writer makes for its event (xfa_event_message);
 *                          a merge's does not begin "merge " or "resolve "
 *   missing-event          a (non-merge) commit that records no event and
 *                          changes nothing
 *   unaccounted-file       a path changed that the event does not account
 *                          for: an extra or deleted file, an edited old
 *                          event, a second event, a file that is not a
 *                          regular file, a metadata file (workflow,
 *                          calendar) changed without an admin event
 *                          listing it, any change outside a stream
 *   mixed-commit           one commit changes more than one case (stream)
 *   merge-commit           a merge whose tree is not what the per-record
 *                          rule gives (SPEC 7.8a, archive/merge.h): for each
 *                          record (case, risk item, .xfa) one parent holds a
 *                          prefix of, the longer side's folder exactly;
 *                          nothing else changed (or more than two parents)
 *   malformed-event        the event file is not strict JSON, breaks
 *                          schemas/event.schema.json, is not in canonical
 *                          form, or its file name is not its seq
 *   wrong-case             the event's "case" does not name its folder
 *   seq-gap                seq is more than the stream's last seq + 1
 *   duplicate-event        seq is not above the stream's last seq
 *   chain-broken           "prev" is not the SHA-256 of the previous event
 *   bad-event-signature    the .sig is missing, malformed, or does not
 *                          verify (namespace xfa-event) over the event
 *   signer-mismatch        the event's signer is not "by", or not the key
 *                          that signed the commit
 *   effective-after-at     "effective" is later than "at"
 *   time-regression        "at" is earlier than the previous event's "at"
 *                          (a backdated event)
 *   role-not-allowed       the signer does not hold "role" at "at", or that
 *                          role may not take the step
 *   illegal-transition     the workflow in force at the parent refuses the
 *                          event (no such transition, a required field or
 *                          attachment missing, a window closed...)
 *   derived-mismatch       the workflow derives other values (from, to,
 *                          due dates, milestones...) than the event holds
 *   keyring-unauthorised   a keyring or configuration change not signed by
 *                          an admin key valid at the time
 *   illegal-keyring-change a keyring event that breaks the keyring rules
 *                          (two keys at once, a backdated key, removing
 *                          the last admin...)
 *   attachment-mismatch    an attachment's bytes do not match its record's
 *                          sha256 or size, or it was not added with it
 *   document-mismatch      case.json (archive.json) is not byte for byte
 *                          the replay of the stream's events
 *   malformed-document     a stored document breaks its schema, or the
 *                          workflow/calendar archive.json names is missing
 *                          or invalid
 *   unreadable-object      a git object the check needs is missing or
 *                          corrupt
 *   bad-root               the first commit is not the archive's init
 *                          event, self-signed by the root key
 *   untrusted-root         the archive's root key is not the --trust key
 *   bad-checkpoint         the checkpoint is malformed, signed by no key of
 *                          the keyring, or names another archive or count
 *   rollback               main is behind the checkpointed head (history
 *                          went back)
 *   history-rewritten      the checkpointed head is missing from main's
 *                          history (rewritten and force-updated)
 *   merge-diverged         a record both parents extended past a common
 *                          prefix (neither stream a prefix of the other),
 *                          merged without a resolution event
 *   bad-resolution         a resolution event that does not match what
 *                          diverged: not a note (a keyring-merge for .xfa)
 *                          on the kept side's last event, a "resolution"
 *                          that does not name the kept side or list every
 *                          discarded event with its sha256, a keyring-merge
 *                          that does not carry exactly the other side's keys
 *                          and revocations, or a resolution of a record that
 *                          did not diverge
 *   merge-not-allowed      a merge signed by a key none of whose roles is in
 *                          archive.json "integrators" (default admin, clerk)
 *   future-time            an event (or a merge) dated after the verifier's
 *                          clock plus the skew (clock_skew_minutes, 10)
 *   time-before-parent     an event (or a merge) dated before its parent
 *                          commit (the later parent) less the skew
 *   key-mismatch           a key record whose public_key is not the key its
 *                          fingerprint names
 *   bad-mode               a file a commit adds or changes that is not a
 *                          regular file (mode 100644: a symlink, an
 *                          executable, a submodule)
 *   checkpoint-equivocation two checkpoints of one origin disagree: two
 *                          heads at one commit count, or a larger count
 *                          whose head does not descend from the smaller
 *                          one's (a split view); names both heads and
 *                          both signers
 *
 * severity "deadline" (listed apart; exit 1 only with --strict):
 *   late-<rule>            deadline rule <rule> of the workflow was missed
 *                          (done late, or not done and past due); with the
 *                          shipped workflow: late-accept (受理, 15 days),
 *                          late-handle (答复, 60 days), late-review (复查),
 *                          late-recheck (复核)
 */
#ifndef XFA_VERIFY_H
#define XFA_VERIFY_H

#include <jansson.h>
#include <stddef.h>

/* One documented reason code and what it means. */
typedef struct xfa_verify_reason {
	const char *code;
	const char *what;
} xfa_verify_reason;

/* The integrity reason codes, ending with {NULL, NULL}. */
extern const xfa_verify_reason xfa_verify_reasons[];

/* Called about every half second while commits are checked. */
typedef void (*xfa_verify_progress_fn)(size_t done, size_t total,
				       void *payload);

/* One checkpoint given to a run: its note's text and where it came from. */
typedef struct xfa_verify_note {
	const char *name;          /* the file, for messages; may be NULL */
	const char *text;
	size_t len;
} xfa_verify_note;

/* What to verify and how. */
typedef struct xfa_verify_opts {
	const char *const *cases;  /* prove only these cases (and the
				    * archive's own stream): their events'
				    * commits, found through a derived list
				    * (xfa-evmap) and checked against it;
				    * NULL or ncases 0: all */
	size_t ncases;
	const char *trust;         /* the root fingerprint the auditor trusts,
				    * or NULL: the archive's own root */
	const char *checkpoint;    /* a checkpoint note's text, or NULL */
	size_t checkpoint_len;
	const xfa_verify_note *notes;  /* more checkpoints (--checkpoint given
				    * several times, or a folder) */
	size_t nnotes;
	const xfa_verify_note *since;  /* verify only the commits after this
				    * checkpoint's head (it is checked as
				    * the others are); NULL: all history */
	int threads;               /* worker threads; 0: online CPUs */
	const char *head;          /* the commit (hex) whose history to check;
				    * NULL: main */
	const char *const *hide;   /* commits (hex) already proven: check only
				    * the commits they do not reach (each against
				    * its parent, so this is sound) */
	size_t nhide;
	int integrity_only;        /* no deadline pass */
	int caller_hashes_attachments;  /* case attachments: check that each is
				    * added with its event, a regular file of
				    * the recorded size, but leave hashing its
				    * bytes to the caller, which reads them
				    * anyway and must compare them with the
				    * proven records (xfa export does) */
	long long now;             /* the verifier's clock (seconds since the
				    * epoch) for future-time; 0: the system's */
	size_t deadlines_listed;   /* deadline findings listed in full, the rest
				    * counted; 0: 10,000 */
	xfa_verify_progress_fn progress;  /* may be NULL */
	void *payload;
} xfa_verify_opts;

/*
 * Verify the archive at `archive_path` and build the report (a new
 * reference in *report, see schemas/verify-report.schema.json):
 *   {"archive", "head", "root", "trust": "archive"|"given", "scope":
 *    "all"|[ids], "coverage": {"mode": "all"|"since"|"cases", "commits",
 *    ...what the run proved and what it rests on}, "checkpoint": {...}
 *    (the first), "checkpoints": [...] (every one given), "notes":
 *    [strings] (another office's head not yet integrated...), "ok": no
 *    error finding,
 *    "totals": {commits, events, cases, signatures, attachments, seconds},
 *    "findings": [errors], "deadlines": [deadline findings],
 *    "deadlines_omitted": N (only when there are more deadline findings than
 *    deadlines_listed: those are listed, the rest counted)}
 * each finding {severity, reason, case, seq, commit, path, message}.
 * Findings do not make the call fail: they are the report.  Returns 0, or
 * XFA_ENOTFOUND (no archive, or a named case does not exist), XFA_EINVALID
 * (not an xfa archive, a bad case id or fingerprint), XFA_EIO, XFA_ERROR.
 */
int xfa_verify_run(json_t **report, const char *archive_path,
		   const xfa_verify_opts *o);

#endif
