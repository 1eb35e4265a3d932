#!/bin/sh
# sync.sh BUILD [EVENTS] - how long `xfa sync` takes to carry EVENTS new
# events (default 10,000) between two archives through a bare county
# repository over a path remote.  Office A01 bulk-loads the events with
# `xfa import` (not timed), then:
#   push:  A01's `xfa sync` (fetch, nothing to integrate, push the events);
#   pull:  B02's `xfa sync`, B02 having one case of its own: fetch the
#          events, verify the whole fetched history, build and sign the
#          union merge, push it;
#   ff:    A01's `xfa sync` again (fetch + verify + fast-forward).
# Prints one JSON line per step (seconds wall-clock, includes the Argon2id
# key unlock of each process) and a table.  Figures, not a test.
set -eu
B=${1:?usage: sync.sh BUILD [EVENTS]}
EVENTS=${2:-10000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$B" && pwd)
XFA=$B/xfa
W=$(mktemp -d "${TMPDIR:-/tmp}/xfa-bench-sync.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
cd "$W"
printf 'bench\n' > pass; chmod 600 pass
export XFA_PASSPHRASE_FILE=$W/pass
for k in admin clerk handler; do
	$XFA key new --name $k --email $k@bureau.example --out $k > /dev/null
done
$XFA init county.git --name 同步测试 --fonds S001 --as admin.key > /dev/null
$XFA -C county.git keyring add clerk.pub --role clerk --as admin.key > /dev/null
$XFA -C county.git keyring add handler.pub --role handler --as admin.key > /dev/null
$XFA clone "$W/county.git" a.xfa --office A01 > /dev/null
$XFA clone "$W/county.git" b.xfa --office B02 > /dev/null
fpr() { ssh-keygen -lf "$1" | cut -d' ' -f2; }
# import_gen.py writes about 4.57 events per case (register + up to 4)
/usr/bin/python3 "$ROOT/tests/e2e/import_gen.py" $((EVENTS * 100 / 455 + 1)) "$(fpr clerk.pub)" \
	"$(fpr handler.pub)" > import.jsonl
$XFA -C a.xfa import import.jsonl --key clerk.key --key handler.key > /dev/null
nev=$(/usr/bin/python3 -c 'import json,sys; print(sum(1 + len(json.loads(l).get("events", [])) for l in open(sys.argv[1])))' import.jsonl)
$XFA -C b.xfa case new "$ROOT/tests/fixtures/cases/02-civil-affairs.json" --as clerk.key > /dev/null

now() { date +%s.%N; }
step() {
	label=$1; shift
	t0=$(now)
	"$@" > step.out 2>&1 || { cat step.out >&2; echo "sync.sh: $label failed" >&2; exit 1; }
	t1=$(now)
	secs=$(echo "$t1 - $t0" | bc)
	printf '{"bench":"sync","step":"%s","events":%s,"seconds":%s,"result":"%s"}\n' \
		"$label" "$nev" "$secs" "$(head -1 step.out)"
}
step push $XFA -C a.xfa sync --as clerk.key
step pull-merge $XFA -C b.xfa sync --as clerk.key
step ff $XFA -C a.xfa sync --as clerk.key
step verify $XFA -C a.xfa verify -q
