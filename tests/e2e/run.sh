#!/bin/sh
# run.sh - run every end-to-end test (t_*.sh) against an xfa binary.
# usage: run.sh PATH/TO/xfa [TEST...]
# Each test is a shell script run in a fresh temporary folder; it passes when
# it exits 0.  Prints one line per test and a closing "N passed, M failed".
set -u
xfa=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
tests=${*:-$(ls "$here"/t_*.sh)}
pass=0 fail=0 failed=""
for t in $tests; do
	name=$(basename "$t" .sh)
	work=$(mktemp -d "${TMPDIR:-/tmp}/xfa-e2e.XXXXXX")
	start=$(date +%s)
	if (cd "$work" && XFA="$xfa" E2E="$here" sh "$here/$(basename "$t")") > "$work.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $name ($(( $(date +%s) - start ))s)"
		rm -rf "$work" "$work.log"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name ($(( $(date +%s) - start ))s) -- last lines of $work.log:"
		tail -n 25 "$work.log" | sed 's/^/     /'
	fi
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
