# t_parallel.sh - parallel writers: 4 processes x 250 events against one
# archive (XFA_PARALLEL_N changes the 250; XFA_SOAK=1 makes it 1000), mixing
# new cases, moves of each writer's own new cases (legal whatever the
# interleaving) and notes on three shared cases (where every writer races
# every other for the next seq).  Judged afterwards: every acknowledged event
# is in the history with its own text (no lost update), no case id or
# (case, seq) twice, seqs contiguous, commits = events, git fsck clean and
# xfa verify passing.  A writer that loses 64 compare-and-swap races in a row
# may exit 75; it must then have written nothing (the counts prove it).
. "$E2E/lib.sh"

N=${XFA_PARALLEL_N:-250}
[ "${XFA_SOAK:-}" = 1 ] && N=${XFA_PARALLEL_N:-1000}
W=4
G="git --git-dir=$XFA_ARCHIVE"

say "archive with fast-unlocking test keys"
cc -O2 -o fastkey "$E2E/fastkey.c" -lsodium
mkkey admin admin@bureau.example
$XFA init --name "并发测试" --fonds J001 --as keys/admin.key > /dev/null
for w in 1 2 3 4; do
	./fastkey pass keys/w$w
	$XFA keyring add keys/w$w.pub --role clerk --as keys/admin.key > /dev/null
done
FIX=$(ls "$SHARED_FIXTURES"/cases/*.json | head -n 1)
s1=$($XFA --no-fsync case new "$FIX" --as keys/w1.key | head -n 1)
s2=$($XFA --no-fsync case new "$FIX" --as keys/w1.key | head -n 1)
s3=$($XFA --no-fsync case new "$FIX" --as keys/w1.key | head -n 1)
base=$($G rev-list --count refs/heads/main)

# worker W: N events; one line per attempt in w$W.log:
#   "ok new ID" | "ok ev ID SEQ NOTE" | "busy" (exit 75)
worker() {
	w=$1 i=0 mine=""
	while [ $i -lt "$N" ]; do
		i=$((i + 1))
		note="w$w-$i"
		case $((i % 5)) in
		1) set -- case new "$FIX" ;;
		2) if [ -n "$mine" ]; then set -- case move "$mine" accepted --note "$note"
		   else set -- case record "$s1" note --note "$note"; fi ;;
		3) set -- case record "$s1" note --note "$note" ;;
		4) set -- case record "$s2" note --note "$note" ;;
		0) set -- case record "$s3" note --note "$note" ;;
		esac
		rc=0
		$XFA --no-fsync "$@" --as keys/w$w.key > out.$w 2> err.$w || rc=$?
		if [ $rc -eq 75 ]; then
			echo busy; continue
		elif [ $rc -ne 0 ]; then
			echo "FAIL rc=$rc: $* -- $(cat err.$w)"; continue
		fi
		if [ "$1 $2" = "case new" ]; then
			mine=$(head -n 1 out.$w)
			echo "ok new $mine"
		else
			[ "$2" = move ] && mine=""
			# "XF-2026-000001 #7"
			set -- $(head -n 1 out.$w)
			echo "ok ev $1 ${2#\#} $note"
		fi
	done > w$w.log
}

say "$W writers x $N events"
for w in 1 2 3 4; do worker $w & done
wait
cat w1.log w2.log w3.log w4.log > all.log
if grep FAIL all.log; then die "a writer failed"; fi
busy=$(grep -c '^busy' all.log || true)
acked=$(grep -c '^ok' all.log)
echo "acknowledged $acked events, $busy gave up with exit 75"
[ $((acked + busy)) -eq $((W * N)) ] || die "lost attempts"

say "no lost update, no duplicate id or seq"
$G ls-tree -r --name-only refs/heads/main | grep -E '^cases/.*/events/[0-9]{6}\.json$' > evfiles
commits=$($G rev-list --count refs/heads/main)
[ $((commits - base)) -eq "$acked" ] || die "$acked acknowledged events but $((commits - base)) new commits"
[ "$(grep -c . evfiles)" -eq $((acked + 3)) ] || die "$((acked + 3)) events expected, $(grep -c . evfiles) stored"
grep '^ok new' all.log | cut -d' ' -f3 > newids
[ "$(sort newids | uniq -d | wc -l)" -eq 0 ] || die "duplicate case ids: $(sort newids | uniq -d)"
grep '^ok ev' all.log | cut -d' ' -f3,4 | sort | uniq -d > dups
[ ! -s dups ] || die "a (case, seq) acknowledged twice: $(cat dups)"
# per case, event files are 000001..n with no gap
sed -E 's#^.*/([A-Z]+-[0-9]{4}-[0-9]{6})/events/([0-9]{6})\.json$#\1 \2#' evfiles | sort |
	awk '{ n[$1]++; if ($2 + 0 != n[$1]) { print "gap in " $1 " at " $2; bad = 1 } } END { exit bad }' \
	|| die "seq not contiguous"
[ "$(cut -d' ' -f1 < evfiles | wc -l)" -gt 0 ]
# every acknowledged note is in the event file its seq names (one git
# cat-file for all of them)
$PY - "$XFA_ARCHIVE" <<'PYEOF' || die "an acknowledged event is not where its seq says"
import json, re, subprocess, sys
files = {}
for f in open("evfiles").read().split():
    m = re.search(r"/([A-Z]+-\d{4}-\d{6})/events/(\d{6})\.json$", f)
    files[(m.group(1), int(m.group(2)))] = f
acks = [l.split() for l in open("all.log") if l.startswith("ok ev ")]
req = "".join("refs/heads/main:%s\n" % files[(a[2], int(a[3]))] for a in acks)
out = subprocess.run(["git", "--git-dir=" + sys.argv[1], "cat-file", "--batch"],
                     input=req.encode(), capture_output=True, check=True).stdout
for a in acks:
    hdr, out = out.split(b"\n", 1)
    n = int(hdr.split()[2])
    ev, out = json.loads(out[:n]), out[n + 1:]
    if ev.get("note") != a[4] or ev["seq"] != int(a[3]) or ev["case"] != a[2]:
        sys.exit("%s #%s: stored note %r, acknowledged %r" % (a[2], a[3], ev.get("note"), a[4]))
PYEOF
for s in $s1 $s2 $s3; do
	n=$(grep -c "/$s/events/" evfiles)
	a=$(grep -c "^ok ev $s " all.log || true)
	[ "$n" -eq $((a + 1)) ] || die "$s: $a acknowledged notes but $((n - 1)) stored"
done

say "git fsck, xfa verify"
$G fsck --full --strict > fsck.err 2>&1 || { cat fsck.err; die "git fsck"; }
echo "git fsck: clean; $(grep -c "^dangling commit" fsck.err || true) dangling commits (the losers of compare-and-swap races, rebuilt and retried)"
$XFA verify > verify.out 2>&1 || { cat verify.out; die "xfa verify after the races"; }
echo "races: $W writers, $((W * N)) attempts, $acked written, $busy refused with 75"
