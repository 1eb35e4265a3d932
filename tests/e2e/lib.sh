# lib.sh - helpers for the end-to-end tests (sourced).  $XFA is the binary.
set -eu
SHARED_FIXTURES="$E2E/../fixtures"
PY=/usr/bin/python3
export XFA_ARCHIVE="$PWD/archive.xfa"
export LC_ALL=C.UTF-8
# The tests read labels in Chinese (as the product's users do) and messages
# untranslated: no catalogue is found under XFA_LOCALEDIR, so gettext
# returns the English format strings the tests match.  t_i18n tests the
# catalogue itself, with the locale and --lang.
export XFA_LANG=zh XFA_LOCALEDIR=/nonexistent
# $XFA_ZH is xfa with the catalogue, for the tests that read a report or a
# case as a clerk does: headings and sentences in Chinese.
XFA_ZH="env XFA_LOCALEDIR=$(dirname "$XFA")/locale $XFA"

printf 'correct horse battery staple\n' > "$PWD/pass"
chmod 600 "$PWD/pass"
export XFA_PASSPHRASE_FILE="$PWD/pass"

die() { echo "FAILED: $*" >&2; exit 1; }
say() { echo "--- $*"; }

# expect STATUS CMD...: run CMD, require its exit status to be STATUS.
expect() {
	want=$1; shift
	set +e
	"$@" > "$PWD/.out" 2> "$PWD/.err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "stdout:"; cat "$PWD/.out"; echo "stderr:"; cat "$PWD/.err"
		die "expected exit $want, got $got from: $*"
	fi
}

# stderr of the last `expect` must mention TEXT.
err_has() { grep -q -- "$1" "$PWD/.err" || { cat "$PWD/.err"; die "stderr lacks '$1'"; }; }
out_has() { grep -q -- "$1" "$PWD/.out" || { cat "$PWD/.out"; die "stdout lacks '$1'"; }; }

head_of() { git --git-dir="${1:-$XFA_ARCHIVE}" rev-parse refs/heads/main; }

# unchanged CMD...: the command must fail and leave the head where it was.
unchanged() {
	want=$1; shift
	before=$(head_of)
	expect "$want" "$@"
	after=$(head_of)
	[ "$before" = "$after" ] || die "head moved after a refused command: $*"
}

# mkkey NAME [EMAIL]: make keys/NAME.key and keys/NAME.pub
mkkey() {
	mkdir -p keys
	if [ -n "${2:-}" ]; then
		$XFA key new --name "$1" --email "$2" --out "keys/$1" > /dev/null
	else
		$XFA key new --name "$1" --out "keys/$1" > /dev/null
	fi
}

# A standard archive: admin root key, a clerk, a handler, a leader, a reviewer,
# an archivist and an auditor.
standard_archive() {
	mkkey admin admin@bureau.example
	mkkey clerk clerk@bureau.example
	mkkey handler handler@unit.example
	mkkey leader leader@bureau.example
	mkkey reviewer reviewer@city.example
	mkkey archivist archivist@bureau.example
	$XFA init --name "测试县信访局" --fonds J001 --as keys/admin.key > /dev/null
	for r in clerk handler leader reviewer archivist; do
		$XFA keyring add keys/$r.pub --role $r --as keys/admin.key > /dev/null
	done
}

# new_case FIXTURE [ARGS...]: register as the clerk and print the new id
new_case() {
	f=$1; shift
	$XFA --json case new "$f" --as keys/clerk.key "$@" | $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

# git with the archive's allowed signers
allowed_signers() { $XFA keyring allowed-signers > "$PWD/allowed"; echo "$PWD/allowed"; }
sgit() {
	git --git-dir="$XFA_ARCHIVE" -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$PWD/allowed" "$@"
}
