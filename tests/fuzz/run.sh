#!/bin/sh
# run.sh - build and run the libFuzzer targets tests/fuzz/fuzz_*.c.
# usage: run.sh check   each target over its seeds + FUZZ_CHECK_SECONDS (20)
#        run.sh long    each target for FUZZ_SECONDS (600)
#        run.sh build   only build them
# Targets link against a libxfa built with clang and
# -fsanitize=fuzzer-no-link,address,undefined in $FUZZ_BUILD (build/fuzz).
# Seeds live in tests/fuzz/seeds/<target>/ (crash inputs found are kept there
# as regressions); new inputs found go to $FUZZ_BUILD/corpus/<target>/, never
# into the source tree.  Any crash, leak, UB report or timeout fails the run;
# the input that did it is left as $FUZZ_BUILD/crash-<target>-*.
# Prints, per target, the executions made and the corpus size.
set -eu
mode=${1:-check}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
B=${FUZZ_BUILD:-build/fuzz}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# The libraries are the Makefile's own list (one place to add one).
PKGS=${FUZZ_PKGS:-$(make -s --no-print-directory print-pkgs)}
LINK_PKGS=${FUZZ_LINK_PKGS:-$(make -s --no-print-directory print-link-pkgs)}
case $mode in
check) secs=${FUZZ_CHECK_SECONDS:-20} ;;
long) secs=${FUZZ_SECONDS:-600} ;;
build) secs=0 ;;
*) echo "usage: run.sh check|long|build" >&2; exit 64 ;;
esac

# linked against the shared libraries, as check-asan is (see the Makefile)
make -s BUILD="$B" LINK=shared CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $SAN" "$B/libxfa.a"
targets=${FUZZ_TARGETS:-$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
for t in $targets; do
	if [ ! -x "$B/fuzz_$t" ] || [ -n "$(find "$here/fuzz_$t.c" "$here/fuzz.h" "$B/libxfa.a" -newer "$B/fuzz_$t")" ]; then
		clang -O1 -g -fsanitize=fuzzer $SAN -std=c11 -D_POSIX_C_SOURCE=200809L \
			-D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wmissing-prototypes \
			-iquote archive $(pkg-config --cflags $PKGS) \
			-o "$B/fuzz_$t" "$here/fuzz_$t.c" "$B/libxfa.a" \
			$(pkg-config --libs $LINK_PKGS) -lm -pthread
	fi
done
[ "$mode" = build ] && exit 0

fail=0
for t in $targets; do
	corpus="$B/corpus/$t"
	mkdir -p "$corpus" "$here/seeds/$t"
	log="$B/fuzz_$t.log"
	dict=""
	[ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
	# -timeout: the key target runs Argon2id (up to libsodium's moderate
	# limits) under ASan, which takes seconds, not minutes.
	if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	   "$B/fuzz_$t" -max_total_time="$secs" -timeout=60 -rss_limit_mb=3072 \
		-max_len=65536 -print_final_stats=1 $dict \
		-artifact_prefix="$B/crash-$t-" "$corpus" "$here/seeds/$t" \
		> "$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok   fuzz_$t: ${execs:-?} executions in ${secs}s, corpus $(ls "$corpus" | wc -l) + $(ls "$here/seeds/$t" | wc -l) seeds"
	else
		fail=$((fail + 1))
		echo "FAIL fuzz_$t -- last lines of $log:"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|deadly signal' "$log" | head -n 10 | sed 's/^/     /'
		tail -n 15 "$log" | sed 's/^/     /'
	fi
done
echo "fuzz: $(echo $targets | wc -w) targets, $fail failed"
[ "$fail" -eq 0 ]
