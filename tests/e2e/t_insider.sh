# t_insider.sh - verification that no key holder can fool (issue 14).
# An insider holding one valid key (a clerk's that is later revoked, an
# auditor's, a handler's, an admin's) builds histories with git plumbing
# (hash-object, update-index, write-tree, commit-tree signed by sshsign or
# ssh-keygen, update-ref), every commit and event re-signed with real
# keyring keys.  Each must make `xfa --json verify` exit 1 naming the case
# and the reason code, with and without --checkpoint of an earlier honest
# head, and `xfa sync` from a remote holding it must exit non-zero and leave
# the receiving replica's main unchanged.  Honest histories (the same
# plumbing changing nothing, two offices syncing both ways in criss-cross
# order, conflicts resolved either way, a revocation followed by sync) keep
# verifying and syncing (exit 0).
# Every attack is tried and the misses are listed together at the end.
. "$E2E/lib.sh"
SSHSIGN=$(dirname "$XFA")/sshsign
[ -x "$SSHSIGN" ] || die "$SSHSIGN missing: make BUILD=$(dirname "$XFA") $(dirname "$XFA")/sshsign"
unset GIT_INDEX_FILE
F=$SHARED_FIXTURES/cases

# --- python helpers: canonical edits, messages, times, findings ----------
cat > ins.py <<'EOF'
import datetime, hashlib, json, sys

def shift(t, s):
    "the RFC 3339 time t moved by s seconds, in its own offset"
    return (datetime.datetime.fromisoformat(t) + datetime.timedelta(seconds=s)).isoformat()

def now(s=0):
    tz = datetime.timezone(datetime.timedelta(hours=8))
    return (datetime.datetime.now(tz).replace(microsecond=0) + datetime.timedelta(seconds=s)).isoformat()

def canon(d):
    return json.dumps(d, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

def gitdate(t):
    "an RFC 3339 time as git's raw date: epoch and +HHMM"
    d = datetime.datetime.fromisoformat(t)
    off = int(d.utcoffset().total_seconds() // 60)
    return "%d %s%02d%02d" % (d.timestamp(), "-" if off < 0 else "+", abs(off) // 60, abs(off) % 60)

cmd = sys.argv[1]
if cmd == "edit":            # edit EXPR < json > canonical json, EXPR on d
    d = json.load(sys.stdin)
    exec(sys.argv[2])
    sys.stdout.write(canon(d))
elif cmd == "remsg":         # remsg OLD NEW [EXPR on m] < commit: its message, naming NEW's hash for OLD's
    h = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
    m = sys.stdin.buffer.read().decode().split("\n\n", 1)[1].replace(h(sys.argv[2]), h(sys.argv[3]))
    if len(sys.argv) > 4 and sys.argv[4]:
        exec(sys.argv[4])
    sys.stdout.write(m)
elif cmd == "gitdate":       # gitdate EVENT: its at as git's raw date
    print(gitdate(json.load(open(sys.argv[2]))["at"]))
elif cmd == "now":           # now [SECONDS]: the time, +08:00, moved
    print(now(int(sys.argv[2]) if len(sys.argv) > 2 else 0))
elif cmd == "check":         # check REPORT REASONS CASE SEQ: a matching finding?
    r = json.load(open(sys.argv[2]))
    reasons, case, seq = sys.argv[3].split("|"), sys.argv[4], sys.argv[5]
    got = r.get("findings", [])
    print("found:", " ".join("%s(%s%s)" % (f["reason"], f["case"] or "-",
          "#%s" % f["seq"] if f.get("seq") else "") for f in got) or "nothing")
    ok = any(f["reason"] in reasons and (case == "*" or f["case"] == case) and
             (seq == "" or str(f.get("seq")) == seq) for f in got)
    sys.exit(0 if ok and not r["ok"] else 1)
EOF
edit() { $PY ins.py edit "$1"; }

# --- the honest archive ----------------------------------------------------

say "an honest archive: cases closed and evaluated, a clerk later revoked"
export XFA_ARCHIVE="$PWD/base.xfa"
standard_archive
mkkey auditor auditor@bureau.example
mkkey rclerk rclerk@bureau.example
$XFA keyring add keys/auditor.pub --role auditor --as keys/admin.key > /dev/null
$XFA keyring add keys/rclerk.pub --role clerk --as keys/admin.key > /dev/null
mkdir sshk
for k in sshclerk rogue other; do
	ssh-keygen -q -t ed25519 -N '' -C "$k <$k@bureau.example>" -f sshk/$k
done
$XFA keyring add sshk/sshclerk.pub --role clerk --as keys/admin.key > /dev/null
fpr() { $XFA key fingerprint "$1"; }
A=$(new_case "$F/02-civil-affairs.json")
$XFA case move "$A" accepted --as keys/clerk.key > /dev/null
$XFA case move "$A" assigned --set unit=民政局 --as keys/clerk.key > /dev/null
$XFA case move "$A" handling --as keys/handler.key > /dev/null
printf '%%PDF-1.4 处理意见书\n' > reply.pdf
$XFA case move "$A" replied --set outcome=explain --attach reply:reply.pdf --as keys/handler.key > /dev/null
A_REPLIED=$(head_of)
$XFA case move "$A" closed --set satisfaction=dissatisfied --as keys/clerk.key > /dev/null
A_CLOSED=$(head_of)
$XFA case record "$A" evaluate --set satisfaction=satisfied --as keys/clerk.key > /dev/null
B=$($XFA --json case new "$F/03-land-dispute.json" --as keys/rclerk.key |
	$PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')
$XFA case move "$B" accepted --as keys/rclerk.key > /dev/null
PRE=$(head_of)
cp -a base.xfa pre.xfa                   # the revoked clerk's copy, forked here
$XFA keyring revoke "$(fpr keys/rclerk.pub)" --as keys/admin.key > /dev/null
C=$(new_case "$F/08-urban-planning.json")
HEAD=$(head_of)
$XFA checkpoint --as keys/clerk.key > cp
expect 0 $XFA verify
out_has "ok: the archive is sound"
expect 0 $XFA verify --checkpoint cp
cp -a base.xfa replica.xfa               # an honest office receiving syncs

# the revoked clerk goes on writing in the copy forked before the revocation
sleep 1
XFA_ARCHIVE=$PWD/pre.xfa $XFA case move "$B" assigned --set unit=国土局 --as keys/rclerk.key > /dev/null
RHEAD=$(head_of pre.xfa)

# --- plumbing helpers ------------------------------------------------------

n=0
: > misses
G() { git --git-dir="$T" "$@"; }
# fresh NAME [FROM]: attack n on a fresh copy of FROM (base.xfa) in $T
# ("control: ..." names no attack: its history must verify)
fresh() {
	NAME=$1
	case $NAME in
	control:*) k=c; LABEL=$NAME; say "$NAME" ;;
	*) n=$((n + 1)); k=$n; LABEL="attack $n ($NAME)"; say "attack $n: $NAME" ;;
	esac
	T=$PWD/t$k.xfa
	rm -rf "$T"
	cp -a "${2:-base.xfa}" "$T"
	export XFA_ARCHIVE="$T" GIT_INDEX_FILE="$PWD/t$k.index"
	built=1
}
# put PATH FILE [MODE]: FILE's bytes at PATH in the index
put() { G update-index --add --cacheinfo "${3:-100644},$(G hash-object -w "$2"),$1"; }
# putdir DIR COMMIT: DIR's files as they are in COMMIT (none if absent there)
putdir() {
	t=$(G write-tree)
	{ G ls-tree -r --name-only "$t" -- "$1/" | sed 's/^/0 0000000000000000000000000000000000000000	/'
	  G ls-tree -r "$2" -- "$1/" | sed 's/ blob / /'; } | G update-index --index-info
}
# who KEYFILE: AN, AE = the key holder's name and email as the keyring has them
who() {
	AN=$(basename "$1" .key)
	case $AN in
	handler) AE=handler@unit.example ;;
	reviewer) AE=reviewer@city.example ;;
	*) AE=$AN@bureau.example ;;
	esac
}
# mkcommit KEY DATE MSGFILE PARENT...: the index's tree, committed and signed
# with KEY (an xfa key file, or an ssh-keygen key) by its holder; main moves
mkcommit() {
	key=$1 date=$2 msgf=$3; shift 3
	who "$key"
	ps=""
	for p in "$@"; do ps="$ps -p $p"; done
	c=$(GIT_AUTHOR_NAME="$AN" GIT_AUTHOR_EMAIL="$AE" GIT_AUTHOR_DATE="$date" \
	    GIT_COMMITTER_NAME="$AN" GIT_COMMITTER_EMAIL="$AE" GIT_COMMITTER_DATE="$date" \
	    G -c gpg.format=ssh -c gpg.ssh.program="$SSHSIGN" -c user.signingkey="$key" \
	    commit-tree -S "$(G write-tree)" $ps -F "$msgf")
	G update-ref refs/heads/main "$c"
}
# esign FILE KEY: FILE.sig, namespace xfa-event; HASH=sha256 signs so
# (with ssh-keygen: sshsign's xfa keys sign sha512 only)
esign() {
	rm -f "$1.sig"
	if [ -n "${HASH:-}" ]; then
		ssh-keygen -Y sign -O hashalg="$HASH" -n xfa-event -f "$2" "$1" > /dev/null 2>&1
	else
		"$SSHSIGN" -Y sign -n xfa-event -f "$2" "$1" > /dev/null 2>&1
	fi
	[ -s "$1.sig" ] || die "could not sign $1 with $2"
}
# the event file COMMIT adds against its first parent
event_of() {
	G diff-tree -r --no-commit-id --name-only --diff-filter=A "$1^1" "$1" |
		grep '/events/[0-9]\{6\}\.json$' | tail -n 1
}
# redo COMMIT EVEXPR [DOCEXPR]: re-make COMMIT (written by xfa) as an
# insider would: its event edited by EVEXPR (python, on d) and re-signed,
# the record's document edited by DOCEXPR, on COMMIT's parents, dated at the
# event's at, its message naming the new event's hash (then MSGX, python on
# m), signed by KEY (default: COMMIT's author's key), the event file in MODE
# (default 100644).  main moves to it.
redo() {
	c=$1
	ev=$(event_of "$c")
	[ -n "$ev" ] || die "commit $c adds no event"
	key=${KEY:-keys/$(G log -1 --format=%an "$c").key}
	G read-tree "$c"
	G show "$c:$ev" > old.json
	if ! edit "$2" < old.json > ev.json 2> edit.err; then
		miss "cannot build it: $2 on $(tr -d '\n' < old.json | head -c 600): $(tail -n 1 edit.err)"
		built=0
		return 0
	fi
	esign ev.json "$key"
	put "$ev" ev.json "${MODE:-100644}"
	put "${ev%.json}.sig" ev.json.sig
	if [ -n "${3:-}" ]; then
		dir=${ev%/events/*}
		case $dir in .xfa) doc=.xfa/archive.json ;; *) doc=$dir/case.json ;; esac
		G show "$c:$doc" | edit "$3" > doc.json
		put "$doc" doc.json
	fi
	G cat-file commit "$c" | $PY ins.py remsg old.json ev.json "${MSGX:-}" > msg
	mkcommit "$key" "$($PY ins.py gitdate ev.json)" msg $(G rev-parse "$c^@")
}
# merge KEY MSG P1 P2: the index's tree as a merge of P1 and P2, now
merge() {
	printf '%s\n' "$2" > msg
	mkcommit "$1" "$(date +%s) +0800" msg "$3" "$4"
}
# union P1 P2: the index holds the union of P1's and P2's trees
union() { G read-tree "$(G merge-tree --write-tree "$1" "$2")"; }
# last_event COMMIT CASE: the path of the case's last event file at COMMIT
last_event() {
	G ls-tree -r --name-only "$1" | grep "/$2/events/[0-9]\{6\}\.json$" | sort | tail -n 1
}
dirof() { G ls-tree -r --name-only "${2:-main}" | grep "/$1/case.json$" | sed 's#/case.json$##'; }

miss() {
	m=$(printf '%s' "$*" | tr '\n\t' '  ')
	echo "$LABEL: $m" >> misses
	echo "    MISSED: $m"
}
# want STATUS CMD...: an honest step exits STATUS; otherwise a miss
want() {
	w=$1; shift
	set +e
	"$@" > "$PWD/.out" 2> "$PWD/.err"
	st=$?
	set -e
	[ "$st" -eq "$w" ] || miss "$* exited $st, not $w: $(head -c 400 .err)"
}
# verified REASONS CASE SEQ [ARGS]: verify exits 1 with a finding of one
# of REASONS (a|b) for CASE ("*": any) at SEQ ("": any)
verified() {
	reasons=$1 case=$2 seq=$3; shift 3
	set +e
	$XFA --json verify "$@" > rep.json 2> rep.err
	st=$?
	set -e
	res=$($PY ins.py check rep.json "$reasons" "$case" "$seq" 2>&1) && ok=1 || ok=0
	echo "    verify $*: exit $st, $res"
	if [ "$st" -ne 1 ] || [ "$ok" -ne 1 ]; then
		miss "verify $*: exit $st, wanted $reasons for $case${seq:+ #$seq}; $res $(head -c 300 rep.err)"
	fi
}
# sync_refused [FROM]: a sync of FROM (default $T) into the honest replica
# exits non-zero, never "up-to-date", and leaves the replica's main as it was
sync_refused() {
	from=${1:-$T}
	r=$PWD/replica.xfa
	before=$(head_of "$r")
	git --git-dir="$r" remote remove evil > /dev/null 2>&1 || true
	$XFA -C "$r" remote add evil "$from" > /dev/null
	set +e
	$XFA -C "$r" sync evil --no-push --as keys/clerk.key > sync.out 2> sync.err
	st=$?
	set -e
	after=$(head_of "$r")
	echo "    sync: exit $st, $(head -n 1 sync.err)"
	if [ "$st" -eq 0 ] || [ "$before" != "$after" ]; then
		miss "sync exited $st, main $before -> $after: $(head -c 300 sync.out) $(head -c 300 sync.err)"
		git --git-dir="$r" update-ref refs/heads/main "$before"
	elif grep -qi 'up-to-date' sync.out sync.err; then
		miss "sync said up-to-date: $(head -c 300 sync.err)"
	fi
	[ "$st" -eq 0 ] || refusal_clear "sync" "$st"
}
# refusal_clear WHAT STATUS: a refusal with an exit status of SPEC 6 and
# a message of xfa's on stderr (sync.err), not a crash
refusal_clear() {
	case $2 in 1|65|66|74|75|77) ;; *) miss "$1 exited $2 (not a status of SPEC 6)" ;; esac
	grep -q '^xfa: ' sync.err || miss "$1 gave no message: $(head -c 300 sync.err)"
	! grep -q 'Sanitizer\|runtime error' sync.err || miss "$1 crashed: $(grep -m1 'Sanitizer\|runtime error' sync.err)"
}
# caught REASONS CASE [SEQ]: verify, with and without the checkpoint of the
# honest head, reports it; a sync of it is refused
caught() {
	[ "$built" -eq 1 ] || return 0
	verified "$1" "$2" "${3:-}"
	verified "$1" "$2" "${3:-}" --checkpoint "$PWD/cp"
	sync_refused
}
# honest: this history verifies (exit 0, with the checkpoint too)
honest() {
	expect 0 $XFA verify
	expect 0 $XFA verify --checkpoint "$PWD/cp"
}

dA=$(T=base.xfa dirof "$A"); dC=$(T=base.xfa dirof "$C")

# --- the plumbing itself changes nothing ------------------------------------

fresh "control: an honest commit re-made by the helpers is the same commit, and verifies re-signed by another clerk"
$XFA case record "$C" note --note "核实材料" --as keys/clerk.key > /dev/null
X=$(head_of)
redo "$X" 'pass'
[ "$(head_of)" = "$X" ] || die "redo changed an honest commit: $X -> $(head_of)"
KEY=sshk/sshclerk redo "$X" "d['by'] = '$(fpr sshk/sshclerk.pub)'"
honest

# --- 1. a merge with an older commit takes a case back -----------------------

for variant in folder:merge case.json:merge folder:resolve case.json:resolve; do
	what=${variant%%:*} how=${variant#*:}
	for old in "$A_REPLIED" "$A_CLOSED"; do
		fresh "merge with an older commit: $A's $what from ${old%"${old#???????}"} ($how)"
		G read-tree "$HEAD"
		if [ "$what" = folder ]; then putdir "$dA" "$old"
		else G update-index --add --cacheinfo "100644,$(G rev-parse "$old:$dA/case.json"),$dA/case.json"; fi
		if [ "$how" = merge ]; then m="merge origin

remote origin at $old"
		else m="resolve $A keep remote

remote origin at $old"; fi
		merge keys/clerk.key "$m" "$HEAD" "$old"
		caught "merge-commit|bad-resolution" "$A"
	done
done

fresh "a second $A registered on a branch forked before it, merged in its place"
reg=$(G log --format=%H --grep="^$A #1 " main)
G update-ref refs/heads/main "$reg^"
A2=$(new_case "$F/12-social-security.json")
[ "$A2" = "$A" ] || die "the branch registered $A2, not a second $A"
side=$(head_of)
G read-tree "$HEAD"
putdir "$dA" "$side"
merge keys/clerk.key "merge origin

remote origin at $side" "$HEAD" "$side"
caught "merge-diverged|merge-commit" "$A"

# --- 2. a merge on a commit from before the revocation, by the revoked key -------

fresh "merge whose first parent predates the revocation, signed by the revoked clerk"
G read-tree "$PRE"
putdir "$dC" "$HEAD"
merge keys/rclerk.key "merge origin

remote origin at $HEAD" "$PRE" "$HEAD"
caught key-revoked "*"

# --- 3. a branch forked before the revocation, merged ----------------------------

fresh "the revoked clerk's branch (B #3 after the revocation) merged by an honest clerk"
G fetch -q "$PWD/pre.xfa" main:refs/heads/fork
G update-ref -d refs/heads/fork
union "$HEAD" "$RHEAD"
merge keys/clerk.key "merge fork

remote fork at $RHEAD" "$HEAD" "$RHEAD"
caught key-revoked "$B" 3
n=$((n + 1)); LABEL="attack $n (xfa sync from the revoked clerk's branch)"; say "attack $n: xfa sync from the revoked clerk's branch"
sync_refused "$PWD/pre.xfa"

n=$((n + 1)); LABEL="attack $n (the revoked clerk's office syncs from main with an honest clerk's key)"
say "attack $n: the revoked clerk's office syncs from main with an honest clerk's key"
rm -rf fork.xfa; cp -a pre.xfa fork.xfa
$XFA -C fork.xfa remote add main "$PWD/base.xfa" > /dev/null
before=$(head_of fork.xfa)
set +e
$XFA -C fork.xfa sync main --no-push --as keys/clerk.key > sync.out 2> sync.err
st=$?
set -e
echo "    sync: exit $st, $(head -n 1 sync.err)"
if [ "$st" -eq 0 ] || [ "$(head_of fork.xfa)" != "$before" ]; then
	miss "sync exited $st, main $before -> $(head_of fork.xfa): $(head -c 300 sync.out)"
else
	refusal_clear sync "$st"
	grep -q "revoked" sync.err || miss "the refusal does not say why: $(head -c 300 sync.err)"
fi

# --- 3b. a keyring changed in two offices, joined --------------------------------

LABEL="control: each office revokes a key; the clerk may not join the keyrings, the admin does"
say "$LABEL"
sfp=$(fpr sshk/sshclerk.pub); afp=$(fpr keys/auditor.pub)
rm -rf k1.xfa k2.xfa; cp -a base.xfa k1.xfa; cp -a base.xfa k2.xfa
$XFA -C k1.xfa keyring revoke "$sfp" --as keys/admin.key > /dev/null
$XFA -C k2.xfa keyring revoke "$afp" --as keys/admin.key > /dev/null
$XFA -C k1.xfa remote add k2 "$PWD/k2.xfa" > /dev/null
before=$(head_of k1.xfa)
want 77 $XFA -C k1.xfa sync k2 --no-push --as keys/clerk.key
[ "$(head_of k1.xfa)" = "$before" ] || miss "a refused keyring join moved main"
want 0 $XFA -C k1.xfa sync k2 --no-push --as keys/admin.key
want 0 $XFA -C k1.xfa verify
want 0 $XFA -C k1.xfa --json keyring list
$PY - .out "$sfp" "$afp" <<'EOF' || miss "the joined keyring lacks a revocation"
import json, sys
keys = json.load(open(sys.argv[1]))
assert keys[sys.argv[2]].get("revoked_at") and keys[sys.argv[3]].get("revoked_at"), keys
EOF
JOIN=$(head_of k1.xfa)

fresh "a keyring-merge that leaves out the other office's revocation" k1.xfa
redo "$JOIN" "d['patch']['keys'] = {}" "del d['keys']['$afp']['revoked_at']"
caught bad-resolution archive

fresh "a keyring-merge that also lifts this office's revocation" k1.xfa
redo "$JOIN" "d['patch']['keys']['$sfp'] = {'revoked_at': None}" "del d['keys']['$sfp']['revoked_at']"
caught "bad-resolution|illegal-keyring-change" archive

# --- 4. time ------------------------------------------------------------------

fresh "an event dated 2099"
$XFA case record "$C" note --note "冻结" --as keys/clerk.key > /dev/null
redo "$(head_of)" 'd["at"] = d["effective"] = "2099-01-01T09:00:00+08:00"'
caught future-time "$C"

fresh "the writer behind a head an hour ahead"
$XFA case record "$C" note --note "超前" --as keys/clerk.key > /dev/null
redo "$(head_of)" 'd["at"] = d["effective"] = shift(d["at"], 3600)'
ahead=$(G show "main:$(event_of "$(head_of)")" | $PY -c 'import json,sys; print(json.load(sys.stdin)["at"])')
before=$(head_of)
set +e
$XFA case move "$C" accepted --as keys/clerk.key > w.out 2> w.err
st=$?
set -e
echo "    case move: exit $st, $(head -n 1 w.err)"
[ "$st" -eq 65 ] || miss "case move behind the head exited $st, not 65: $(head -c 300 w.err)"
[ "$(head_of)" = "$before" ] || { miss "case move behind the head wrote"; G update-ref refs/heads/main "$before"; }
# both times named: the head's at (to the minute, local or UTC) and the clock's
hm=$($PY -c 'import datetime,sys; d=datetime.datetime.fromisoformat(sys.argv[1]); print(d.strftime("%H:%M"), d.astimezone(datetime.timezone.utc).strftime("%H:%M"))' "$ahead")
set -- $hm
grep -q -e "$1" -e "$2" w.err || miss "the refusal does not name the head's time $ahead: $(head -c 300 w.err)"
[ "$(grep -o '[0-9]\{4\}-[0-9][0-9]-[0-9][0-9][T ][0-9:]*' w.err | sort -u | wc -l)" -ge 2 ] ||
	miss "the refusal does not name two times: $(head -c 300 w.err)"
caught future-time "$C"

fresh "an event an hour before its parent commit"
D=$(new_case "$F/10-property.json")
redo "$(head_of)" 'd["at"] = shift(d["at"], -3600)'
caught time-before-parent "$D"

# --- 5. a key record whose public key is not the key its fingerprint names --------

fresh "key-add whose public_key is another key than its fingerprint"
$XFA keyring add sshk/rogue.pub --role clerk --as keys/admin.key > /dev/null
rfp=$(fpr sshk/rogue.pub); opub=$(cut -d' ' -f1-2 sshk/other.pub)
redo "$(head_of)" "d['patch']['keys']['$rfp']['public_key'] = '$opub'" \
	"d['keys']['$rfp']['public_key'] = '$opub'"
caught key-mismatch archive

# --- 6. strict where SPEC is strict -----------------------------------------------

fresh "an event signature made with sha256"
$XFA case record "$C" note --note "哈希" --as keys/clerk.key > /dev/null
KEY=sshk/sshclerk HASH=sha256 redo "$(head_of)" "d['by'] = '$(fpr sshk/sshclerk.pub)'"
caught bad-event-signature "$C"

for mode in 100755 120000; do
	fresh "an event file stored with mode $mode"
	$XFA case record "$C" note --note "模式" --as keys/clerk.key > /dev/null
	MODE=$mode redo "$(head_of)" 'pass'
	caught bad-mode "$C"
done

fresh "a commit message naming another target state"
$XFA case move "$C" accepted --as keys/clerk.key > /dev/null
MSGX='m = m.replace("-> accepted", "-> rejected")' redo "$(head_of)" 'pass'
caught message-mismatch "$C"

fresh "a commit message with words the writer does not write"
$XFA case move "$C" accepted --as keys/clerk.key > /dev/null
MSGX='m += "\n经局长批准撤销此案\n"' redo "$(head_of)" 'pass'
caught message-mismatch "$C"

# --- 7. merges by roles that may not integrate -------------------------------------

for role in clerk auditor handler; do
	if [ $role = clerk ]; then fresh "control: a union merge made by these helpers, signed by the clerk, verifies"
	else fresh "a union merge signed by the $role"; fi
	$XFA case record "$C" note --note "左" --as keys/clerk.key > /dev/null
	L=$(head_of)
	G update-ref refs/heads/main "$HEAD"
	$XFA case record "$A" note --note "右" --as keys/clerk.key > /dev/null
	R=$(head_of)
	union "$L" "$R"
	merge keys/$role.key "merge origin

remote origin at $R" "$L" "$R"
	if [ $role = clerk ]; then honest; else caught merge-not-allowed "*"; fi
done

for when in 2099 past; do
	fresh "a union merge dated $when"
	$XFA case record "$C" note --note "左" --as keys/clerk.key > /dev/null
	L=$(head_of)
	G update-ref refs/heads/main "$HEAD"
	$XFA case record "$A" note --note "右" --as keys/clerk.key > /dev/null
	R=$(head_of)
	union "$L" "$R"
	printf 'merge origin\n\nremote origin at %s\n' "$R" > msg
	if [ $when = 2099 ]; then d="4070908800 +0800"; else d="$(( $(date +%s) - 3600 )) +0800"; fi
	mkcommit keys/clerk.key "$d" msg "$L" "$R"
	if [ $when = 2099 ]; then caught future-time "*"; else caught time-before-parent "*"; fi
done

fresh "xfa sync that needs a merge, run with the auditor's, the handler's or the revoked clerk's key"
$XFA case record "$C" note --note "远端" --as keys/clerk.key > /dev/null
rm -rf local.xfa; cp -a base.xfa local.xfa
XFA_ARCHIVE=$PWD/local.xfa $XFA case record "$A" note --note "本地" --as keys/clerk.key > /dev/null
$XFA -C local.xfa remote add peer "$T" > /dev/null
for who in auditor handler rclerk; do
	before=$(head_of local.xfa)
	set +e
	$XFA -C local.xfa sync peer --no-push --as keys/$who.key > sync.out 2> sync.err
	st=$?
	set -e
	echo "    sync --as $who: exit $st, $(head -n 1 sync.err)"
	[ "$st" -ne 0 ] && [ "$(head_of local.xfa)" = "$before" ] ||
		miss "sync --as $who exited $st, main $before -> $(head_of local.xfa)"
	[ "$st" -eq 0 ] || refusal_clear "sync --as $who" "$st"
done
LABEL="control: the same sync with the clerk's key merges"
want 0 $XFA -C local.xfa sync peer --no-push --as keys/clerk.key
want 0 $XFA -C local.xfa verify

# --- 8. resolutions that settle nothing -------------------------------------------

# an honest conflict on C, resolved keeping the local side: the template
say "an honest conflict on $C (remote: two notes, local: one), resolved keep local"
cp -a base.xfa right.xfa
XFA_ARCHIVE=$PWD/right.xfa $XFA case record "$C" note --note "远端一" --as keys/clerk.key > /dev/null
XFA_ARCHIVE=$PWD/right.xfa $XFA case record "$C" note --note "远端二" --as keys/clerk.key > /dev/null
cp -a base.xfa left.xfa
export XFA_ARCHIVE=$PWD/left.xfa
$XFA case record "$C" note --note "本地" --as keys/clerk.key > /dev/null
$XFA remote add right "$PWD/right.xfa" > /dev/null
LABEL="honest: the conflict on $C resolved"
want 65 $XFA sync right --no-push --as keys/clerk.key
grep -q "$C" .err || miss "the conflict does not name $C: $(head -c 300 .err)"
want 0 $XFA sync right --resolve "$C" --keep local --no-push --as keys/clerk.key
want 0 $XFA verify
want 0 $XFA verify --checkpoint "$PWD/cp"
T=$XFA_ARCHIVE
RES=$(head_of)
resev=$(event_of "$RES")
G show "$RES:$resev" > template.json
echo "    the resolution event: $(tr -d '\n ' < template.json | head -c 400)"

fresh "a resolution whose discarded list omits an event" left.xfa
redo "$RES" 'd["resolution"]["discarded"] = d["resolution"]["discarded"][:-1]'
caught bad-resolution "$C"

fresh "a resolution naming a wrong hash for a discarded event" left.xfa
redo "$RES" 'd["resolution"]["discarded"][0]["sha256"] = "0" * 64'
caught bad-resolution "$C"

fresh "a resolution that says keep remote over the local side's folder" left.xfa
redo "$RES" 'd["resolution"]["keep"] = "remote"'
caught bad-resolution "$C"

# resolve L R DISCARDED: on the index, a resolution of case C keeping L
# (the first parent): a note chained on L's last event of C, from the
# honest template, discarding DISCARDED (python list); committed by the clerk
resolve() {
	prev=$(last_event "$1" "$C")
	G show "$1:$prev" > prev.json
	seq=$(( $(basename "$prev" .json | sed 's/^0*//') + 1 ))
	edit "d.update(seq=$seq, prev='$(sha256sum prev.json | cut -d' ' -f1)', at='$($PY ins.py now)', by='$(fpr keys/clerk.pub)', role='clerk', case='$C'); d['effective'] = d['at']; d['resolution'] = {'keep': 'local', 'discarded': $3}" \
		< template.json > ev.json
	esign ev.json keys/clerk.key
	put "$dC/events/$(printf %06d $seq).json" ev.json
	put "$dC/events/$(printf %06d $seq).sig" ev.json.sig
	printf 'resolve %s keep local\n\nremote origin at %s\n' "$C" "$2" > msg
	mkcommit keys/clerk.key "$($PY ins.py gitdate ev.json)" msg "$1" "$2"
}
# the discarded list of C's events of R beyond seq 1 (the common prefix)
discarded() {
	G ls-tree -r --name-only "$1" -- "$dC/events/" | grep '\.json$' | sed 1d | while read -r p; do
		printf '{"seq": %d, "sha256": "%s"}, ' "$(basename "$p" .json | sed 's/^0*//')" \
			"$(G cat-file blob "$1:$p" | sha256sum | cut -d' ' -f1)"
	done
}

fresh "control: a resolution made by these helpers over the real divergence verifies" left.xfa
G read-tree "$RES^1"
resolve "$RES^1" "$RES^2" "[$(discarded "$RES^2")]"
honest

fresh "a resolution whose kept folder also changes $C's case.json" left.xfa
redo "$RES" 'pass' 'd["summary"] = "改过的摘要"'
caught "bad-resolution|merge-commit|document-mismatch" "$C"

fresh "a union merge that smuggles a new event of $A (no commit of its own)"
$XFA case record "$C" note --note "左" --as keys/clerk.key > /dev/null
L=$(head_of)
G update-ref refs/heads/main "$HEAD"
$XFA case record "$A" note --note "右" --as keys/clerk.key > /dev/null
R=$(head_of)
union "$L" "$R"
prev=$(last_event "$R" "$A")
G show "$R:$prev" > prev.json
seq=$(( $(basename "$prev" .json | sed 's/^0*//') + 1 ))
edit "d.update(seq=$seq, prev='$(sha256sum prev.json | cut -d' ' -f1)', note='夹带', at='$($PY ins.py now)'); d['effective'] = d['at']" < prev.json > ev.json
esign ev.json keys/clerk.key
put "$dA/events/$(printf %06d $seq).json" ev.json
put "$dA/events/$(printf %06d $seq).sig" ev.json.sig
merge keys/clerk.key "merge origin

remote origin at $R" "$L" "$R"
caught "merge-commit|bad-resolution" "$A"

fresh "a resolution where nothing diverged ($C only on one side)"
$XFA case record "$C" note --note "左" --as keys/clerk.key > /dev/null
L=$(head_of)
G update-ref refs/heads/main "$HEAD"
$XFA case record "$A" note --note "右" --as keys/clerk.key > /dev/null
R=$(head_of)
union "$L" "$R"
resolve "$L" "$R" "[]"
caught bad-resolution "$C"

# --- 9. a remote whose main is no commit --------------------------------------------

for what in missing blob; do
	n=$((n + 1)); LABEL="attack $n (a remote whose main names a $what object)"; say "attack $n: a remote whose main names a $what object"
	rm -rf evil.xfa; cp -a base.xfa evil.xfa
	if [ $what = missing ]; then oid=0123456789abcdef0123456789abcdef01234567
	else oid=$(echo "not a commit" | git --git-dir=evil.xfa hash-object -w --stdin); fi
	git --git-dir=evil.xfa pack-refs --all
	echo "$oid" > evil.xfa/refs/heads/main
	sync_refused "$PWD/evil.xfa"
	grep -q "main\|$(echo "$oid" | cut -c1-7)" sync.err || miss "the message names neither main nor $oid: $(head -c 300 sync.err)"
done

# --- honest offices ----------------------------------------------------------
# Misses here are collected like the attacks' (LABEL names the step).

at_office() { o=$1; shift; (export XFA_ARCHIVE="$PWD/$o.xfa"; "$@"); }
osync() { want 0 $XFA -C "$1.xfa" sync "$2" --no-push --as keys/clerk.key; }
same_heads() {
	[ "$(head_of A01.xfa)" = "$(head_of B02.xfa)" ] || miss "the offices did not converge"
}

LABEL="honest: two offices sync both ways, criss-cross, several rounds"; say "$LABEL"
unset GIT_INDEX_FILE
cp -a base.xfa county.xfa
expect 0 $XFA clone "$PWD/county.xfa" A01.xfa --office A01
expect 0 $XFA clone "$PWD/county.xfa" B02.xfa --office B02
expect 0 $XFA -C A01.xfa remote add b "$PWD/B02.xfa"
expect 0 $XFA -C B02.xfa remote add a "$PWD/A01.xfa"
expect 0 $XFA -C B02.xfa remote add athen "$PWD/A01.then"
i=0
for f in 01-unpaid-wages:07-other 09-land-dispute:03-land-dispute 12-social-security:10-property; do
	i=$((i + 1))
	# each office registers a case, and moves one the other registered
	a=$(at_office A01 new_case "$F/${f%:*}.json")
	b=$(at_office B02 new_case "$F/${f#*:}.json")
	want 0 at_office B02 $XFA case move "$b" accepted --as keys/clerk.key
	[ -z "${olda:-}" ] || want 0 at_office B02 $XFA case move "$olda" accepted --as keys/clerk.key
	[ -z "${oldb:-}" ] || want 0 at_office A01 $XFA case record "$oldb" note --note "第$i轮" --as keys/clerk.key
	# A01<-B02 and B02<-A01 from the same moment: both merge (criss-cross)
	rm -rf A01.then; cp -a A01.xfa A01.then
	if [ $((i % 2)) -eq 1 ]; then osync A01 b; osync B02 athen
	else osync B02 athen; osync A01 b; fi
	for o in A01 B02; do want 0 $XFA -C $o.xfa verify; done
	olda=$a oldb=$b
done
git --git-dir=A01.xfa fetch -q "$PWD/B02.xfa" main:refs/heads/peek
bases=$(git --git-dir=A01.xfa merge-base --all main peek | wc -l)
git --git-dir=A01.xfa update-ref -d refs/heads/peek
echo "    $bases merge bases between the offices"
[ "$bases" -ge 2 ] || miss "no criss-cross: $bases merge base"
osync A01 b; osync B02 a
same_heads
for o in A01 B02; do want 0 $XFA -C $o.xfa verify --checkpoint "$PWD/cp"; done

LABEL="honest: a conflict resolved keeping the local side, one keeping the remote"; say "$LABEL"
for keep in local remote; do
	want 0 at_office A01 $XFA case record "$a" note --note "A01 $keep" --as keys/clerk.key
	want 0 at_office B02 $XFA case record "$a" note --note "B02 $keep" --as keys/clerk.key
	want 65 $XFA -C A01.xfa sync b --no-push --as keys/clerk.key
	grep -q "$a" .err || miss "the conflict does not name $a: $(head -c 300 .err)"
	want 0 $XFA -C A01.xfa sync b --resolve "$a" --keep $keep --no-push --as keys/clerk.key
	want 0 $XFA -C A01.xfa verify
	osync B02 a
	want 0 $XFA -C B02.xfa verify
	same_heads
done
want 0 at_office A01 $XFA --json case log "$a"
$PY - .out <<'EOF' || miss "the resolutions did not keep what they say"
import json, sys
notes = [e.get("note", "") for e in json.load(open(sys.argv[1]))]
assert "A01 local" in notes and "B02 local" not in notes, notes
assert "B02 remote" in notes and "A01 remote" not in notes, notes
EOF

LABEL="honest: a revocation in one office, a new case in the other, synced"; say "$LABEL"
at_office A01 $XFA keyring add sshk/rogue.pub --role clerk --as keys/admin.key > /dev/null
at_office A01 $XFA keyring revoke "$(fpr sshk/rogue.pub)" --as keys/admin.key > /dev/null
b=$(at_office B02 new_case "$F/07-other.json")
osync B02 a
osync A01 b
want 0 $XFA -C B02.xfa sync a --no-push --as keys/clerk.key
same_heads
for o in A01 B02; do want 0 $XFA -C $o.xfa verify; done
want 0 $XFA -C B02.xfa keyring list
grep -q "rogue" .out || miss "B02 lacks the synced keyring change"

say "$n attacks"
[ "$n" -ge 25 ] || die "only $n attacks"
if [ -s misses ]; then
	echo "MISSED $(wc -l < misses) checks:"
	cat misses
	die "$(cut -d: -f1 misses | sort -u | wc -l) attacks or honest steps failed"
fi
echo "t_insider: ok"
