/* help.c - what `xfa help CMD` and `xfa CMD --help` print: the usage
 * lines, then what the command does, its options, examples and exit
 * statuses, in the user's language (gettext). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"

struct help {
	const char *cmd;
	const char *what;       /* what the command does */
	const char *options;    /* one option a line: "  --opt X   text" */
	const char *examples;
	const char *exits;      /* statuses beside 0 and 64 */
};

static const struct help helps[] = {
	{ "key",
	  N_("Make an Ed25519 signing key: PATH.key (encrypted with a passphrase,\n"
	     "Argon2id, mode 0600) and PATH.pub (OpenSSH form); print a fingerprint."),
	  N_("  --name NAME     the holder's name (the public key's comment)\n"
	     "  --email EMAIL   the principal ssh-keygen -Y verify -I and git name\n"
	     "  --out PATH      write PATH.key and PATH.pub (never overwritten)"),
	  "  xfa key new --name 登记员 --email clerk@bureau.example --out clerk\n"
	  "  xfa key fingerprint clerk.pub",
	  N_("  65  the key files exist already\n"
	     "  74  the files cannot be written\n"
	     "  77  no passphrase (no terminal and no XFA_PASSPHRASE_FILE)") },
	{ "init",
	  N_("Create an archive: a bare git repository whose first commit is the\n"
	     "init event, self-signed by the root admin key."),
	  N_("  --name BUREAU   the bureau (信访局) the archive belongs to\n"
	     "  --fonds CODE    全宗号, the fonds code of the filing numbers\n"
	     "  --prefix XF     the prefix of case ids (XF-2026-000001)\n"
	     "  --office CODE   this clone's office code, for several offices\n"
	     "  --as ADMIN.key  the root admin key"),
	  "  xfa init county.xfa --name 沽源县信访局 --fonds J001 --as admin.key",
	  N_("  65  the folder exists, or a value is invalid\n"
	     "  77  wrong passphrase") },
	{ "keyring",
	  N_("Add, revoke and list the keys that may sign, and print git's\n"
	     "allowed-signers file.  Every change is an event signed by an admin."),
	  N_("  --role ROLE[,ROLE]  admin, clerk, handler, leader, reviewer, archivist,\n"
	     "                      auditor, or their labels (登记员, 承办人...)\n"
	     "  --name, --email     override the public key's comment"),
	  "  xfa keyring add clerk.pub --role 登记员 --as admin.key\n"
	  "  xfa keyring list\n"
	  "  xfa keyring allowed-signers > allowed",
	  N_("  65  an unknown role, or a key already in the keyring\n"
	     "  66  no such public key file\n"
	     "  77  the signer is not an admin, or a wrong passphrase") },
	{ "case",
	  N_("Register cases, move them through the workflow, record status-free\n"
	     "events, and read them.  Every write is one signed event in one signed\n"
	     "commit.  States, event types, roles, attachment kinds and coded fields\n"
	     "take the workflow's id or its Chinese label (已交办 or assigned).\n"
	     "The query code 查询码 is printed once, even with -q."),
	  N_("  --attach KIND:PATH    attach a file (authorization, reply, approval...)\n"
	     "  --set FIELD=VALUE     set a field (unit=民政局, outcome=支持)\n"
	     "  --set-json FIELD=JSON set a field to a JSON value\n"
	     "  --note TEXT           the event's note (a reason, where a step needs one)\n"
	     "  --effective TIME      when the act happened (a date or RFC 3339 time)\n"
	     "  --role ROLE           the role to act in, when the key holds several\n"
	     "  list: --status S --unit U --category C --lead NAME --overdue"),
	  "  xfa case new petition.json --attach authorization:授权委托书.pdf --as clerk.key\n"
	  "  xfa case move XF-2026-000001 已受理 --as clerk.key\n"
	  "  xfa case move XF-2026-000001 assigned --set unit=住建局 --as clerk.key\n"
	  "  xfa case record XF-2026-000001 note --note '电话回访' --as clerk.key\n"
	  "  xfa case reissue-code XF-2026-000001 --as clerk.key\n"
	  "  xfa case list --status 办理中",
	  N_("  65  invalid document, unknown value, or a step the workflow refuses\n"
	     "  66  no such case or file\n"
	     "  75  the archive moved too often under concurrent writers: try again\n"
	     "  77  the key lacks the role, or a wrong passphrase") },
	{ "risk",
	  N_("The dispute-risk ledger 矛盾纠纷台账: register risk items and move\n"
	     "them between the three lists; strike them off after observation."),
	  N_("  --note WHY          the reason of a move (required)\n"
	     "  --set petition=ID   link the item to a petition case\n"
	     "  list: --level N --status S"),
	  "  xfa risk new risk.json --as clerk.key\n"
	  "  xfa risk move FX-2026-000001 2 --note '调解未果' --as clerk.key",
	  N_("  65  invalid document or a refused move\n"
	     "  66  no such item") },
	{ "lookup",
	  N_("Print a case's public timeline by its query code: dates and states,\n"
	     "no personal data."),
	  "",
	  "  xfa lookup 7KQ2-M9XD-4TQP-8H3C",
	  N_("  66  no case has this code (or it was re-issued)") },
	{ "verify",
	  N_("Prove the archive's history: every commit and event signature, the\n"
	     "hash chains, every step against the workflow in force, attachments and\n"
	     "documents; deadline findings are listed apart.  A progress line is\n"
	     "shown on a terminal."),
	  N_("  ID...             prove these cases only\n"
	     "  --trust FPR       the root key's fingerprint, pinned\n"
	     "  --checkpoint FILE the history must extend this checkpoint\n"
	     "  --strict          deadline findings count as problems\n"
	     "  --threads N       worker threads (default: one per core)"),
	  "  xfa verify\n"
	  "  xfa verify --checkpoint cp.txt --trust SHA256:…\n"
	  "  xfa --json verify XF-2026-000001",
	  N_("  1   problems found (each with case, event and reason code)\n"
	     "  66  no such archive") },
	{ "checkpoint",
	  N_("Print a signed statement (a C2SP signed note) of the archive's\n"
	     "current head, for verify --checkpoint later."),
	  "",
	  "  xfa checkpoint --as clerk.key > cp.txt",
	  N_("  77  the key is not in the keyring, or a wrong passphrase") },
	{ "export",
	  N_("Write closed cases as one signed BagIt package (tar or zip) for\n"
	     "filing 归档移交, with an inventory to print and a four-property report,\n"
	     "and record an archived event per case.  Progress on a terminal."),
	  N_("  --closed          every archivable case not yet archived\n"
	     "  --out FILE        FILE.tar or FILE.zip (written only when complete)\n"
	     "  --force           export cases that are not archivable (no event)\n"
	     "  --as KEY          the archivist's key"),
	  "  xfa export --closed --out 2026.tar --as archivist.key",
	  N_("  65  nothing to export, or a case fails verification\n"
	     "  74  the package cannot be written\n"
	     "  77  the key is not an archivist's") },
	{ "verify-export",
	  N_("Check a package offline, without the archive and without trusting\n"
	     "what it asserts: manifests, signatures, every case's events."),
	  N_("  --trust FPR       the root key's fingerprint, pinned\n"
	     "  --max-bytes N     refuse a package larger than N bytes"),
	  "  xfa verify-export 2026.tar",
	  N_("  1   the package has problems\n"
	     "  66  no such file") },
	{ "report",
	  N_("Overdue cases, the three rates 三率 with the counts behind them, the\n"
	     "risk ledger, and yearly statistics."),
	  N_("  overdue [--as-of DATE] [--within DAYS]\n"
	     "  rates [--from DATE] [--to DATE]\n"
	     "  ledger [--at DATE]\n"
	     "  stats [--year YYYY]"),
	  "  xfa report overdue\n"
	  "  xfa report rates --from 2026-01-01 --to 2026-06-30",
	  "" },
	{ "import",
	  N_("Bulk-load cases and their history from JSON lines, all or nothing."),
	  N_("  --key KEYFILE     an actor's key (repeatable)\n"
	     "  --check           check the file, write nothing"),
	  "  xfa import legacy.jsonl --key clerk.key --key handler.key",
	  N_("  65  a line is refused (each refused line is named)") },
	{ "sync",
	  N_("Fetch a remote, verify what it brings, integrate it (signed merge)\n"
	     "and push."),
	  N_("  --no-push         do not push\n"
	     "  --resolve ID --keep local|remote   settle a diverged case"),
	  "  xfa sync county --as clerk.key",
	  N_("  65  the remote holds no valid archive, or a case diverged\n"
	     "  74  the remote is unreachable\n"
	     "  77  the remote refuses the credentials") },
	{ NULL, NULL, NULL, NULL, NULL }
};

/* The command a usage string is for: the word after "xfa ". */
static const struct help *find(const char *usage)
{
	const struct help *h;
	size_t n;

	if (strncmp(usage, "xfa ", 4))
		return NULL;
	usage += 4;
	n = strcspn(usage, " \n");
	for (h = helps; h->cmd; h++)
		if (strlen(h->cmd) == n && !strncmp(h->cmd, usage, n))
			return h;
	return NULL;
}

void cli_print_help(const char *usage)
{
	const struct help *h = find(usage);

	printf(_("usage: %s\n"), usage);
	if (!h)
		return;
	printf("\n%s\n", _(h->what));
	if (*h->options)
		printf("\n%s\n%s\n", _("options:"), _(h->options));
	printf("\n%s\n%s\n", _("examples:"), h->examples);
	printf("\n%s\n%s\n", _("exit status:"), _("  0   success\n"
					       "  64  usage error"));
	if (*h->exits)
		printf("%s\n", _(h->exits));
	printf("\n%s\n", _("Global options: -C DIR (XFA_ARCHIVE), --as KEYFILE (XFA_KEY), --json, -q,\n"
			   "--lang zh|en (XFA_LANG; default: the locale).  See xfa(1)."));
}
