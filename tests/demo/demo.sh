#!/bin/sh
# demo.sh XFA_BINARY WORKDIR - build a demo archive from the twelve sample
# cases walked by tests/demo/scenarios.sh (with
# dates in 2026 so that deadlines and rates mean something), then show it:
# the case list, one case, the overdue report and the three rates.
# WORKDIR is removed first, so the demo can be run again; the keys get a
# generated passphrase kept in WORKDIR/passphrase (XFA_PASSPHRASE_FILE).
set -eu
[ $# -eq 2 ] || { echo "usage: demo.sh XFA_BINARY WORKDIR" >&2; exit 64; }
here=$(cd "$(dirname "$0")" && pwd)
XFA=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$XFA" ] || { echo "demo.sh: $1 is not an executable" >&2; exit 66; }
FIX="$here/../fixtures"
work=$2
case "$work" in
	""|/) echo "demo.sh: refusing WORKDIR '$work'" >&2; exit 64 ;;
esac
rm -rf "$work"
mkdir -p "$work"
cd "$work"
export LC_ALL=C.UTF-8 XFA_LANG=zh
umask 077
od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > passphrase
echo >> passphrase
export XFA_PASSPHRASE_FILE="$PWD/passphrase"
export XFA_ARCHIVE="$PWD/demo.xfa"
. "$here/scenarios.sh"

# counts of what the archive holds, read from it (never written by hand)
counts() {
	cases=$($XFA --json case list | grep -c '"id":' || true)
	events=$(git --git-dir="$XFA_ARCHIVE" rev-list --count refs/heads/main)
	echo "== the demo archive in $PWD/demo.xfa: $cases petitions, $events signed events"
}
echo "== building the demo archive in $PWD/demo.xfa"
scn_archive
scn_walk
counts
show() { echo; echo "\$ xfa $*"; $XFA "$@"; }
show case list
show case show "$c06"
show case log "$c06"
show report overdue
show report rates
echo; echo "== escalations, 包案, a leader's reception day and a year of 2025 petitions"
scn_issue9
counts
. "$here/risks.sh"; risk_demo; show risk list; show report ledger
show case list --lead 李副县长
show report stats --year 2026
show verify
echo
echo "== done: XFA_ARCHIVE=$XFA_ARCHIVE XFA_PASSPHRASE_FILE=$XFA_PASSPHRASE_FILE; keys in $PWD/keys"
