# t_tamper.sh - the tamper suite: a clean archive built from the sample
# cases verifies (exit 0); then each tampering, made with git plumbing on a
# fresh copy of the bare repository (hash-object, read-tree/update-index/
# write-tree, commit-tree, update-ref), must make `xfa verify` exit 1 and
# name the expected case and reason code.  Re-signed variants sign with
# keys of the keyring (xfa keys, through the test tool sshsign standing in
# for ssh-keygen as git's gpg.ssh.program) or with ssh-keygen keys.
# A merge whose tree is the union of its parents verifies.
. "$E2E/lib.sh"
SSHSIGN=$(dirname "$XFA")/sshsign
[ -x "$SSHSIGN" ] || die "$SSHSIGN missing: make BUILD=$(dirname "$XFA") $(dirname "$XFA")/sshsign"
unset GIT_INDEX_FILE

say "a clean archive from the sample cases"
standard_archive
mkdir -p sshk
for k in sshclerk sshold rogue; do
	ssh-keygen -q -t ed25519 -N '' -C "$k <$k@bureau.example>" -f sshk/$k
done
$XFA keyring add sshk/sshclerk.pub --role clerk --as keys/admin.key > /dev/null
$XFA keyring add sshk/sshold.pub --role clerk --as keys/admin.key > /dev/null
$XFA keyring revoke "$($XFA key fingerprint sshk/sshold.pub)" --as keys/admin.key > /dev/null
A=$(new_case "$SHARED_FIXTURES"/cases/02-*.json)
form=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["proxy"]["form"])' "$SHARED_FIXTURES"/cases/04-*.json)
printf '%%PDF-1.4 scanned authorisation form\n' > "$form"
B=$(new_case "$SHARED_FIXTURES"/cases/04-*.json --attach "authorization:$form")
C=$(new_case "$SHARED_FIXTURES"/cases/08-*.json)
D=$(new_case "$SHARED_FIXTURES"/cases/01-*.json)
$XFA case move "$A" accepted --as keys/clerk.key > /dev/null
$XFA case move "$A" assigned --set unit=民政局 --as keys/clerk.key > /dev/null
$XFA case move "$A" handling --as keys/handler.key > /dev/null
$XFA case move "$C" accepted --as keys/clerk.key > /dev/null
printf '%%PDF-1.4 处理意见书\n' > reply.pdf
$XFA case move "$A" replied --set outcome=explain --attach reply:reply.pdf \
	--as keys/handler.key > /dev/null
expect 0 $XFA verify
out_has "ok: the archive is sound"
$XFA checkpoint --as keys/clerk.key > checkpoint
mv "$XFA_ARCHIVE" clean.xfa
dirof() { git --git-dir=clean.xfa ls-tree -r --name-only main | grep "/$1/case.json$" | sed 's#/case.json$##'; }
dA=$(dirof "$A"); dB=$(dirof "$B"); dC=$(dirof "$C")

# --- plumbing helpers --------------------------------------------------

n=0
G() { git --git-dir="$T" "$@"; }
# fresh NAME: a fresh copy of the clean archive in $T, its own index file
fresh() {
	n=$((n + 1))
	T=$PWD/t$n-$1.xfa
	cp -a clean.xfa "$T"
	export XFA_ARCHIVE="$T" GIT_INDEX_FILE="$PWD/t$n.index"
	say "tamper $n: $1"
}
tree_of() { G read-tree "$1"; }                       # COMMIT into the index
put() { G update-index --add --cacheinfo "100644,$(G hash-object -w "$2"),$1"; }
del() { printf '0 %040d\t%s\n' 0 "$1" | G update-index --index-info; }
show() { G show "main:$1"; }
# like COMMIT: take author, time and message of COMMIT for the next commit
like() {
	AN=$(G log -1 --format=%an "$1"); AE=$(G log -1 --format=%ae "$1")
	AD=$(G log -1 --format=%ad --date=raw "$1"); MSG=$(G log -1 --format=%B "$1")
}
# as NAME EMAIL: the next commit's author
as() { AN=$1; AE=$2; }
# commit KEY PARENT...: commit the index's tree, signed with KEY (an xfa
# key file or an ssh-keygen private key) or "none"; moves main to it
commit() {
	key=$1; shift
	tree=$(G write-tree)
	ps=""
	for p in "$@"; do ps="$ps -p $p"; done
	if [ "$key" = none ]; then
		c=$(GIT_AUTHOR_NAME="$AN" GIT_AUTHOR_EMAIL="$AE" GIT_AUTHOR_DATE="$AD" \
		    GIT_COMMITTER_NAME="$AN" GIT_COMMITTER_EMAIL="$AE" GIT_COMMITTER_DATE="$AD" \
		    G commit-tree "$tree" $ps -m "$MSG")
	else
		c=$(GIT_AUTHOR_NAME="$AN" GIT_AUTHOR_EMAIL="$AE" GIT_AUTHOR_DATE="$AD" \
		    GIT_COMMITTER_NAME="$AN" GIT_COMMITTER_EMAIL="$AE" GIT_COMMITTER_DATE="$AD" \
		    G -c gpg.format=ssh -c gpg.ssh.program="$SSHSIGN" -c user.signingkey="$key" \
		    commit-tree -S "$tree" $ps -m "$MSG")
	fi
	G update-ref refs/heads/main "$c"
}
# keyfile COMMIT: the key file of COMMIT's author (keys/NAME.key)
keyfile() { echo "keys/$(G log -1 --format=%an "$1").key"; }
# replay COMMIT: apply COMMIT's changes (against its first parent) to the index
replay() {
	G diff-tree -r --no-commit-id "$1^" "$1" | while read -r om nm oid nid st path; do
		if [ "$st" = D ]; then del "$path"
		else G update-index --add --cacheinfo "$nm,$nid,$path"; fi
	done
}
# edit PATH PYEXPR: rewrite the JSON at PATH (in $FROM, default main) with
# PYEXPR on d, in canonical form, into file `edited`
edit() {
	G show "${FROM:-main}:$1" | $PY -c '
import json, sys
d = json.load(sys.stdin)
exec(sys.argv[1])
sys.stdout.write(json.dumps(d, indent=2, ensure_ascii=False, sort_keys=True) + "\n")' "$2" > edited
}
# esign FILE KEY: sign an event file (namespace xfa-event) into FILE.sig
esign() { rm -f "$1.sig"; "$SSHSIGN" -Y sign -n xfa-event -f "$2" "$1" > /dev/null 2>&1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
fpr() { $XFA key fingerprint "$1"; }
# caught REASON CASE [REASON CASE]...: verify exits 1 and reports each
# REASON for its CASE ("-": none), in each of the three modes: the whole
# history; --since a checkpoint of the last clean commit the tampered
# history still holds (the merge base with the clean head); and `verify
# ID...` of the cases named (or $IDS, or $A), which traces their events
# through the derived event list
findings() {
	$PY - report.json "$@" <<'EOF' || die "tamper $n ($mode): expected findings $*"
import json, sys
r = json.load(open(sys.argv[1]))
want = list(zip(sys.argv[2::2], sys.argv[3::2]))
got = [(f["reason"], f["case"] or "-") for f in r["findings"]]
print("    %s found:" % r["coverage"]["mode"], " ".join("%s(%s)" % g for g in got))
sys.exit(0 if all(w in got for w in want) and not r["ok"] else 1)
EOF
}
verify_mode() {
	set +e
	$XFA --json verify "$@" > report.json 2> report.err
	st=$?
	set -e
	[ "$st" -eq 1 ] || { cat report.err; die "tamper $n ($mode): verify exited $st, not 1"; }
}
caught() {
	mode=all; verify_mode; findings "$@"
	# --since: a checkpoint signed now of the fork point (the clean part)
	base=$(G merge-base main "$HEAD")
	rm -rf cpbase.xfa; cp -a clean.xfa cpbase.xfa
	git --git-dir=cpbase.xfa update-ref refs/heads/main "$base"
	$XFA -C cpbase.xfa checkpoint --as keys/clerk.key > since.cp
	mode=since; verify_mode --since since.cp; findings "$@"
	$PY -c 'import json,sys; c=json.load(open("report.json"))["coverage"]; assert c["mode"]=="since" and c["from"]==sys.argv[1] and c["commits"]>=1, c' "$base"
	ids=${IDS:-$(printf '%s\n' "$@" | sed -n 'n;p' | grep -v -e '^-$' -e '^archive$' | sort -u)}
	mode=cases; verify_mode ${ids:-$A}; findings "$@"
	unset IDS
}
HEAD=$(git --git-dir=clean.xfa rev-parse main)
ev5=$dA/events/000005

# --- the tamperings ------------------------------------------------------

fresh event-byte-changed-resigned-commit
tree_of "$HEAD"; edit "$ev5.json" 'd["note"] = "答复已送达"'; put "$ev5.json" edited
like "$HEAD"; commit keys/handler.key "$HEAD^"
caught bad-event-signature "$A"

fresh event-byte-changed-unsigned-commit
tree_of "$HEAD"; edit "$ev5.json" 'd["patch"]["outcome"] = "support"'; put "$ev5.json" edited
like "$HEAD"; commit none "$HEAD^"
caught unsigned-commit "$A" bad-event-signature "$A"

fresh attachment-swapped
tree_of "$HEAD"; printf '%%PDF-1.4 another reply\n' > other.pdf; put "$dA/attachments/reply.pdf" other.pdf
like "$HEAD"; commit keys/handler.key "$HEAD^"
caught attachment-mismatch "$A"

# the same size, other bytes: verify hashes them; xfa export's verification
# leaves that to the writer, which hashes what it copies into the package
fresh attachment-swapped-same-size
tree_of "$HEAD"; printf '%%PDF-1.4 处理意见乙\n' > same.pdf; put "$dA/attachments/reply.pdf" same.pdf
[ "$(wc -c < same.pdf)" = "$(wc -c < reply.pdf)" ] || die "same.pdf is not the size of reply.pdf"
like "$HEAD"; commit keys/handler.key "$HEAD^"
caught attachment-mismatch "$A"
unchanged 65 $XFA export "$A" --force --out swapped.tar --as keys/archivist.key
err_has "$A: attachment 'reply.pdf' does not match its signed record (attachment-mismatch"
[ ! -e swapped.tar ] || die "export wrote a package of a swapped attachment"

fresh case-json-edited-without-event
tree_of "$HEAD"; edit "$dC/case.json" 'd["summary"] = "改过的摘要"'; put "$dC/case.json" edited
as clerk clerk@bureau.example; AD="$(date +%s) +0800"; MSG="$C #3 amend"
commit keys/clerk.key "$HEAD"
caught unaccounted-file "$C"

fresh case-json-not-the-replay
tree_of "$HEAD"; edit "$dA/case.json" 'd["outcome"] = "support"'; put "$dA/case.json" edited
like "$HEAD"; commit keys/handler.key "$HEAD^"
caught document-mismatch "$A"

fresh event-deleted
tree_of "$HEAD"; del "$dA/events/000003.json"; del "$dA/events/000003.sig"
as clerk clerk@bureau.example; AD="$(date +%s) +0800"; MSG="$A #6 note"
commit keys/clerk.key "$HEAD"
caught unaccounted-file "$A"

fresh event-deleted-from-rewritten-history
# drop A#4 (sign-in): C#2 and A#5 replayed on A#3, re-signed by their keys
base=$(G rev-parse "$HEAD~3")
tree_of "$base"; replay "$HEAD~1"; like "$HEAD~1"; commit "$(keyfile "$HEAD~1")" "$base"
new=$(G rev-parse main); replay "$HEAD"; like "$HEAD"; commit "$(keyfile "$HEAD")" "$new"
caught seq-gap "$A"

fresh event-duplicated
tree_of "$HEAD"
show "$ev5.json" > dup.json; show "$ev5.sig" > dup.sig
put "$dA/events/000006.json" dup.json; put "$dA/events/000006.sig" dup.sig
like "$HEAD"; AD="$(date +%s) +0800"; commit keys/handler.key "$HEAD"
caught duplicate-event "$A"

fresh events-reordered
# A#3 .. A#4 C#2 A#5 becomes A#3 .. C#2 A#5 A#4
base=$(G rev-parse "$HEAD~3")
tree_of "$base"; replay "$HEAD~1"; like "$HEAD~1"; commit "$(keyfile "$HEAD~1")" "$base"
new=$(G rev-parse main); replay "$HEAD"; like "$HEAD"; commit "$(keyfile "$HEAD")" "$new"
new=$(G rev-parse main); replay "$HEAD~2"; like "$HEAD~2"; commit "$(keyfile "$HEAD~2")" "$new"
caught seq-gap "$A" duplicate-event "$A"

fresh event-replayed-from-another-case
tree_of "$HEAD"
show "$dC/events/000002.json" > r.json; show "$dC/events/000002.sig" > r.sig
put "$dA/events/000006.json" r.json; put "$dA/events/000006.sig" r.sig
like "$HEAD~1"; MSG="$A #6 accept"; commit keys/clerk.key "$HEAD"
caught wrong-case "$A"

fresh commit-signed-by-unknown-key
tree_of "$HEAD"; like "$HEAD"; as rogue rogue@bureau.example
commit sshk/rogue "$HEAD^"
caught unknown-key "$A"

fresh commit-signed-by-revoked-key
tree_of "$HEAD"; like "$HEAD"; as sshold sshold@bureau.example
commit sshk/sshold "$HEAD^"
caught key-revoked "$A"

fresh signed-by-a-key-without-the-role
# the reply (a handler's step) signed, event and commit, by a clerk's key
tree_of "$HEAD"
edit "$ev5.json" "d['by'] = '$(fpr sshk/sshclerk.pub)'"; cp edited ev.json
esign ev.json sshk/sshclerk; put "$ev5.json" ev.json; put "$ev5.sig" ev.json.sig
like "$HEAD"; as sshclerk sshclerk@bureau.example; commit sshk/sshclerk "$HEAD^"
caught role-not-allowed "$A"

fresh keyring-change-not-signed-by-admin
# a clerk's key adds a rogue key with the admin role
last=$(G ls-tree --name-only main .xfa/events/ | grep -c '\.json$')
tree_of "$HEAD"
show ".xfa/events/$(printf %06d "$last").json" > prev.json
clerkfpr=$(fpr sshk/sshclerk.pub); roguefpr=$(fpr sshk/rogue.pub)
now=$($PY -c 'import datetime as d; print(d.datetime.now(d.timezone(d.timedelta(hours=8))).replace(microsecond=0).isoformat())')
show .xfa/events/000002.json | $PY -c '
import json, sys
d = json.load(sys.stdin)
seq, prev, by, fp, pub, now = sys.argv[1:]
d.update(seq=int(seq), prev=prev, by=by, at=now, effective=now)
rec = dict(list(d["patch"]["keys"].values())[0], fingerprint=fp, public_key=pub,
           name="rogue", email="rogue@bureau.example", principal="rogue@bureau.example",
           roles=["admin"], added_by=by, valid_from=now)
d["patch"] = {"keys": {fp: rec}}
sys.stdout.write(json.dumps(d, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
' "$((last + 1))" "$(sha prev.json)" "$clerkfpr" "$roguefpr" "$(cut -d' ' -f1-2 sshk/rogue.pub)" "$now" > ka.json
esign ka.json sshk/sshclerk
evp=.xfa/events/$(printf %06d $((last + 1)))
put "$evp.json" ka.json; put "$evp.sig" ka.json.sig
show .xfa/archive.json | $PY -c '
import json, sys
d = json.load(sys.stdin); e = json.load(open("ka.json"))
d["keys"].update(e["patch"]["keys"])
sys.stdout.write(json.dumps(d, indent=2, ensure_ascii=False, sort_keys=True) + "\n")' > arch.json
put .xfa/archive.json arch.json
as sshclerk sshclerk@bureau.example
AD="$($PY -c 'import datetime,sys; print(int(datetime.datetime.fromisoformat(sys.argv[1]).timestamp()))' "$now") +0800"
MSG="archive #$((last + 1)) key-add"
commit sshk/sshclerk "$HEAD"
caught keyring-unauthorised archive

fresh backdated-event
# the reply re-dated before the sign-in, event and commit re-signed
t4=$(show "$dA/events/000004.json" | $PY -c 'import json,sys; print(json.load(sys.stdin)["at"])')
back=$($PY -c 'import datetime,sys; t=datetime.datetime.fromisoformat(sys.argv[1]); print((t-datetime.timedelta(hours=1)).isoformat())' "$t4")
tree_of "$HEAD"; edit "$ev5.json" "d['at'] = d['effective'] = '$back'"; cp edited ev.json
esign ev.json keys/handler.key; put "$ev5.json" ev.json; put "$ev5.sig" ev.json.sig
like "$HEAD"
AD="$($PY -c 'import datetime,sys; print(int(datetime.datetime.fromisoformat(sys.argv[1]).timestamp()))' "$back") +0800"
commit keys/handler.key "$HEAD^"
caught time-regression "$A"

fresh effective-after-at
tree_of "$HEAD"
edit "$ev5.json" 'import datetime; d["effective"] = (datetime.datetime.fromisoformat(d["at"]) + datetime.timedelta(days=1)).isoformat()'
cp edited ev.json; esign ev.json keys/handler.key; put "$ev5.json" ev.json; put "$ev5.sig" ev.json.sig
like "$HEAD"; commit keys/handler.key "$HEAD^"
caught effective-after-at "$A"

fresh history-rewritten-and-force-updated
# C's registration rewritten (event re-signed by the clerk), every later
# commit replayed and re-signed by its own author's key
reg=$(G log --format=%H --grep="^$C #1 " main)
tree_of "$reg"
FROM=$reg
edit "$dC/events/000001.json" 'd["patch"]["summary"] = "改写的历史"'; cp edited ev.json
esign ev.json keys/clerk.key; put "$dC/events/000001.json" ev.json; put "$dC/events/000001.sig" ev.json.sig
edit "$dC/case.json" 'd["summary"] = "改写的历史"'; put "$dC/case.json" edited
FROM=main
like "$reg"; commit keys/clerk.key "$reg^"
for c in $(G rev-list --reverse "$reg..$HEAD"); do
	new=$(G rev-parse main); replay "$c"; like "$c"; commit "$(keyfile "$c")" "$new"
done
caught chain-broken "$C" document-mismatch "$C"
expect 1 $XFA --json verify --checkpoint checkpoint
grep -q '"history-rewritten"' .out || die "no history-rewritten with the checkpoint"
expect 1 $XFA --json verify --since checkpoint
$PY -c 'import json,sys; r=json.load(sys.stdin); assert [f["reason"] for f in r["findings"]]==["history-rewritten"] and r["coverage"]["commits"]==0, r' < .out
expect 1 $XFA --json verify --checkpoint checkpoint "$C"
grep -q '"history-rewritten"' .out || die "no history-rewritten in verify ID"

fresh head-rolled-back-behind-a-checkpoint
G update-ref refs/heads/main "$HEAD~3"
expect 0 $XFA verify
expect 1 $XFA --json verify --checkpoint checkpoint
$PY -c 'import json,sys; r=json.load(sys.stdin); assert [f["reason"] for f in r["findings"]]==["rollback"], r["findings"]' < .out
expect 1 $XFA --json verify --since checkpoint
$PY -c 'import json,sys; r=json.load(sys.stdin); assert [f["reason"] for f in r["findings"]]==["rollback"] and r["coverage"]["from"] is None, r' < .out
expect 1 $XFA --json verify --checkpoint checkpoint "$A"
$PY -c 'import json,sys; r=json.load(sys.stdin); assert [f["reason"] for f in r["findings"]]==["rollback"], r["findings"]' < .out

fresh extra-file-slipped-into-a-commit
tree_of "$HEAD"; printf 'not recorded\n' > extra.pdf; put "$dA/attachments/extra.pdf" extra.pdf
like "$HEAD"; commit keys/handler.key "$HEAD^"
caught unaccounted-file "$A"

fresh file-outside-any-case
tree_of "$HEAD"; printf 'hello\n' > readme; put README readme
like "$HEAD"; commit keys/handler.key "$HEAD^"
IDS=$A caught unaccounted-file -

fresh workflow-changed-without-admin-event
tree_of "$HEAD"
edit .xfa/attachments/xinfang-2022.json 'd["transitions"][0]["roles"].append("handler")'
put .xfa/attachments/xinfang-2022.json edited
as admin admin@bureau.example; AD="$(date +%s) +0800"; MSG="archive #9 config"
commit keys/admin.key "$HEAD"
caught unaccounted-file archive

fresh two-cases-mixed-in-one-commit
# C#2 and A#5 in one commit
tree_of "$HEAD"; like "$HEAD"; commit keys/handler.key "$HEAD~2"
caught mixed-commit "$C"

fresh commit-bytes-changed-under-its-signature
G cat-file commit "$HEAD" | sed 's/handling -> replied/handling => replied/' \
	| G hash-object -t commit -w --stdin > new
G update-ref refs/heads/main "$(cat new)"
caught bad-commit-signature "$A"

fresh commit-with-a-second-signature-header
# xfa reads the signed bytes from the parsed commit: a second gpgsig header
# stays in them, so the first signature no longer covers the commit
G cat-file commit "$HEAD" | $PY -c '
import sys
raw = sys.stdin.read()
head, msg = raw.split("\n\n", 1)
lines = head.split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith("gpgsig "))
j = i + 1
while j < len(lines) and lines[j].startswith(" "):
    j += 1
lines[j:j] = lines[i:j]
sys.stdout.write("\n".join(lines) + "\n\n" + msg)' | G hash-object -t commit -w --stdin > new
G update-ref refs/heads/main "$(cat new)"
caught bad-commit-signature "$A"

fresh author-is-not-the-signer
tree_of "$HEAD"; like "$HEAD"; as clerk clerk@bureau.example; commit keys/handler.key "$HEAD^"
caught author-mismatch "$A"

fresh commit-signed-by-another-keyring-key
tree_of "$HEAD"; like "$HEAD"; as leader leader@bureau.example; commit keys/leader.key "$HEAD^"
caught signer-mismatch "$A"

fresh event-not-canonical
tree_of "$HEAD"
show "$ev5.json" | $PY -c 'import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), ensure_ascii=False))' > ev.json
esign ev.json keys/handler.key; put "$ev5.json" ev.json; put "$ev5.sig" ev.json.sig
like "$HEAD"; commit keys/handler.key "$HEAD^"
caught malformed-event "$A"

fresh chain-broken
tree_of "$HEAD"; edit "$ev5.json" 'd["prev"] = "0" * 64'; cp edited ev.json
esign ev.json keys/handler.key; put "$ev5.json" ev.json; put "$ev5.sig" ev.json.sig
like "$HEAD"; commit keys/handler.key "$HEAD^"
caught chain-broken "$A"

fresh illegal-transition
# A is replied; an extra "reply" event again, properly chained and signed
tree_of "$HEAD"
show "$ev5.json" > prev.json
edit "$ev5.json" "d['seq'] = 6; d['prev'] = '$(sha prev.json)'; d['from'] = 'replied'"
cp edited ev.json; esign ev.json keys/handler.key
put "$dA/events/000006.json" ev.json; put "$dA/events/000006.sig" ev.json.sig
like "$HEAD"; MSG="$A #6 reply"; commit keys/handler.key "$HEAD"
caught illegal-transition "$A"

fresh message-does-not-name-the-event
tree_of "$HEAD"; like "$HEAD"; MSG="$B #5 reply"; commit keys/handler.key "$HEAD^"
caught message-mismatch "$A"

fresh merge-that-is-not-a-union
tree_of "$HEAD"; printf 'smuggled\n' > s.pdf; put "$dB/attachments/s.pdf" s.pdf
like "$HEAD"; as clerk clerk@bureau.example; commit keys/clerk.key "$HEAD" "$HEAD~1"
caught merge-commit "$B"

[ "$n" -ge 25 ] || die "only $n tamperings"

say "a merge whose tree is the union of its parents verifies"
export XFA_ARCHIVE=$PWD/merge.xfa GIT_INDEX_FILE=$PWD/merge.index
cp -a clean.xfa merge.xfa
cp -a clean.xfa side.xfa
$XFA case move "$B" accepted --as keys/clerk.key > /dev/null
$XFA -C side.xfa case move "$D" accepted --as keys/clerk.key > /dev/null
T=$XFA_ARCHIVE
G fetch -q "$PWD/side.xfa" main:refs/heads/side
ours=$(G rev-parse main); theirs=$(G rev-parse side)
tree=$(G merge-tree --write-tree "$ours" "$theirs")
G read-tree "$tree"
as clerk clerk@bureau.example; AD="$(date +%s) +0800"; MSG="merge side"
commit keys/clerk.key "$ours" "$theirs"
G update-ref -d refs/heads/side
expect 0 $XFA verify
out_has "ok: the archive is sound"
$XFA --json verify | $PY -c 'import json,sys; r=json.load(sys.stdin); assert r["ok"] and r["totals"]["cases"]==4, r'
git --git-dir="$T" fsck --strict 2> /dev/null
