#!/bin/sh
# run.sh - run every end-to-end test (t_*.sh) against an xfa binary.
# usage: run.sh PATH/TO/xfa [TEST...]
# Each test is a shell script run in a fresh temporary folder; it passes when
# it exits 0.  E2E_JOBS tests (default: the number of cores) run at once.
# Prints one line per test and a closing "N passed, M failed".
set -u
xfa=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
tests=${*:-$(ls "$here"/t_*.sh)}
jobs=${E2E_JOBS:-$(nproc 2>/dev/null || echo 1)}
results=$(mktemp -d "${TMPDIR:-/tmp}/xfa-e2e-results.XXXXXX")

export xfa here results
printf '%s\n' $tests | xargs -P "$jobs" -I{} sh -c '
	t={}
	name=$(basename "$t" .sh)
	work=$(mktemp -d "${TMPDIR:-/tmp}/xfa-e2e.XXXXXX")
	start=$(date +%s)
	if (cd "$work" && XFA="$xfa" E2E="$here" sh "$here/$(basename "$t")") > "$work.log" 2>&1; then
		echo "ok   $name ($(( $(date +%s) - start ))s)"
		echo ok > "$results/$name"
		rm -rf "$work" "$work.log"
	else
		{ echo "FAIL $name ($(( $(date +%s) - start ))s) -- last lines of $work.log:"
		  tail -n 25 "$work.log" | sed "s/^/     /"; } > "$work.report"
		cat "$work.report"
		echo fail > "$results/$name"
	fi'
pass=$(grep -l '^ok$' "$results"/* 2>/dev/null | wc -l)
fail=$(grep -l '^fail$' "$results"/* 2>/dev/null | wc -l)
ran=$((pass + fail))
want=$(printf '%s\n' $tests | wc -l)
rm -rf "$results"
[ "$ran" -eq "$want" ] || { echo "e2e: only $ran of $want tests reported"; fail=$((fail + want - ran)); }
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
