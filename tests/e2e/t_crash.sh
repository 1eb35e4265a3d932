# t_crash.sh - crash safety.  A seeded loop of registrations, moves,
# attachments and notes, each xfa killed with SIGKILL at a random moment
# (at least 200 kills; 2000 with XFA_SOAK=1); after each kill: git fsck
# --full clean, xfa verify exit 0, every acknowledged change (exit 0 and its
# id printed) present, and the archive still writable.
# Then power loss: with fsync on, tests/e2e/powercut.c (LD_PRELOAD) logs the
# files written and not yet fsync'd and kills xfa at a random fsync (just
# before or just after it); the test then truncates every file whose data
# was never synced to zero bytes - what a pessimistic journaling file system
# (metadata journaled, data not) leaves after a power cut - and checks the
# same things.  The seed is printed; XFA_CRASH_SEED=N replays a run.
. "$E2E/lib.sh"

SEED=${XFA_CRASH_SEED:-$(( $(date +%s) % 100000 ))}
KILLS=${XFA_CRASH_KILLS:-200}
CUTS=${XFA_CRASH_CUTS:-25}
[ "${XFA_SOAK:-}" = 1 ] && KILLS=${XFA_CRASH_KILLS:-2000} CUTS=${XFA_CRASH_CUTS:-400}
echo "t_crash: seed $SEED (XFA_CRASH_SEED=$SEED replays it), $KILLS kills, $CUTS power cuts"
G="git --git-dir=$XFA_ARCHIVE"
rnd=$SEED
# rand N: a number in 0..N-1 in $r (an LCG: the same seed, the same run)
rand() { rnd=$(( (rnd * 1103515245 + 12345) % 2147483648 )); r=$(( (rnd / 65536) % $1 )); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

cc -O2 -o fastkey "$E2E/fastkey.c" -lsodium
cc -O2 -shared -fPIC -o powercut.so "$E2E/powercut.c" -ldl
mkkey admin admin@bureau.example
$XFA init --name "崩溃测试" --fonds J001 --as keys/admin.key > /dev/null
./fastkey pass keys/clerk
$XFA keyring add keys/clerk.pub --role clerk --as keys/admin.key > /dev/null
FIX=$(ls "$SHARED_FIXTURES"/cases/*.json | head -n 1)
first=$($XFA case new "$FIX" --as keys/clerk.key | head -n 1)
: > acked        # "ID SEQ" of every acknowledged change
echo "$first 1" >> acked
: > fresh        # registered cases never moved (a move is tried once)
echo "$first" >> fresh
kills=0 cuts=0 done_ok=0 busy=0 i=0

# check: the archive after a crash.
check() {
	$G fsck --full --strict > fsck.out 2>&1 || { cat fsck.out; die "git fsck after $1 (seed $SEED)"; }
	$XFA verify > verify.out 2>&1 || { cat verify.out; die "xfa verify after $1 (seed $SEED)"; }
	$G ls-tree -r --name-only refs/heads/main | grep -E '/events/[0-9]{6}\.json$' |
		sed -E 's#^.*/([A-Z]+-[0-9]{4}-[0-9]{6})/events/0*([0-9]+)\.json$#\1 \2#' > present
	awk 'NR == FNR { have[$0] = 1; next } !($0 in have) { print; bad = 1 } END { exit bad }' \
		present acked > lost || { cat lost; die "acknowledged changes lost after $1 (seed $SEED)"; }
}

# one_op: choose an operation; its xfa arguments go to $ARGS (no spaces).
one_op() {
	rand 4
	kind=$r
	if [ $kind -eq 1 ] && [ -s fresh ]; then
		c=$(head -n 1 fresh); sed -i 1d fresh
		set -- case move "$c" accepted --note "move-$i"
	elif [ $kind -eq 2 ]; then
		c=$(tail -n 1 acked | cut -d' ' -f1)
		head -c $(( (i * 7919) % 300000 + 1 )) /dev/urandom > "att-$i.bin"
		set -- case attach "$c" "other:att-$i.bin"
	elif [ $kind -eq 0 ]; then
		set -- case new "$FIX"
	else
		c=$(tail -n 1 acked | cut -d' ' -f1)
		set -- case record "$c" note --note "note-$i"
	fi
	ARGS="$*"
}

# record RC: what the finished (or killed) process means.
record() {
	if [ "$1" -eq 0 ]; then
		done_ok=$((done_ok + 1))
		set -- $(head -n 1 out)
		if [ "${2:-}" = "" ]; then
			echo "$1 1" >> acked; echo "$1" >> fresh
		else
			echo "$1 ${2#\#}" >> acked
		fi
	elif [ "$1" -eq 75 ]; then
		busy=$((busy + 1))      # refused; nothing written
	elif [ "$1" -ne 137 ]; then
		cat err; die "xfa $ARGS: exit $1 (seed $SEED)"
	fi
}

say "how long does one write take"
t0=$(now_ms)
$XFA --no-fsync case record "$first" note --note timing --as keys/clerk.key > out
echo "$first 2" >> acked
T=$(( $(now_ms) - t0 + 20 ))
echo "one write: about ${T} ms"

say "SIGKILL at random moments"
while [ $kills -lt "$KILLS" ]; do
	i=$((i + 1))
	one_op
	set -- $ARGS
	rand $T
	d=$r
	# every fifth operation runs to the end, so that acknowledged changes
	# pile up and later kills have something to lose
	[ $((i % 5)) -eq 0 ] && d=100000
	$XFA --no-fsync "$@" --as keys/clerk.key > out 2> err &
	pid=$!
	if [ $d -lt 100000 ]; then
		sleep "$(printf '0.%03d' "$d")"
		kill -9 $pid 2> /dev/null || true
	fi
	rc=0; wait $pid || rc=$?
	record $rc
	if [ $rc -eq 137 ]; then
		kills=$((kills + 1))
		check "kill $kills ($ARGS after ${d} ms)"
	fi
done
check "the kill loop"
echo "kills survived: $kills; operations acknowledged: $done_ok; refused busy: $busy"

say "power loss with fsync on"
FSYNCS=$(LD_PRELOAD=$PWD/powercut.so POWERCUT_LOG=$PWD/count.log POWERCUT_ROOT=$XFA_ARCHIVE \
	sh -c "$XFA case record $first note --note count --as keys/clerk.key > out && grep -c '^[SA] ' count.log")
echo "$first 3" >> acked
echo "one write makes $FSYNCS fsync/syncfs calls"
[ "$FSYNCS" -gt 0 ] || die "xfa wrote without a single fsync"
emptied=0
: > pl.log
while [ $cuts -lt "$CUTS" ]; do
	i=$((i + 1))
	one_op
	set -- $ARGS
	rand $((FSYNCS + 2))
	at=$((r + 1))
	rand 2
	before=$r
	rc=0
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD=$PWD/powercut.so \
		POWERCUT_LOG=$PWD/pl.log POWERCUT_ROOT=$XFA_ARCHIVE POWERCUT_AT=$at POWERCUT_BEFORE=$before \
		$XFA "$@" --as keys/clerk.key > out 2> err || rc=$?
	record $rc
	[ $rc -eq 137 ] || continue
	cuts=$((cuts + 1))
	# the power is out: every file still unsynced loses its data
	awk '$1 == "W" { d[$2] = 1 } $1 == "S" { delete d[$2] } $1 == "A" { for (p in d) delete d[p] }
	     $1 == "R" || $1 == "L" { if ($2 in d) d[$3] = 1; else if ($1 == "R") delete d[$3]; if ($1 == "R") delete d[$2] }
	     END { for (p in d) print p }' pl.log > lost-data
	while read -r p; do
		if [ -f "$p" ] && [ -s "$p" ]; then : > "$p"; emptied=$((emptied + 1)); fi
	done < lost-data
	: > pl.log
	check "power cut $cuts ($ARGS at fsync $at, $([ $before = 1 ] && echo before || echo after) it; $(wc -l < lost-data) unsynced files emptied)"
done
check "the power-loss loop"

say "still writable"
$XFA case record "$first" note --note after-all --as keys/clerk.key > /dev/null
echo "t_crash: seed $SEED: $kills kills and $cuts power cuts ($emptied unsynced files emptied) survived, $done_ok changes acknowledged and kept, $busy refused with 75"
