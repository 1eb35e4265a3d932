# t_sync.sh - offices exchange archives through git remotes (issue 8):
# a county repository served by `git daemon` (git://), three office clones
# with their own office codes, syncs in several orders, a case moved in two
# offices at once (reported, not merged, then resolved both ways), a
# concurrent push, path and file:// remotes, a tampered remote refused.
. "$E2E/lib.sh"

F=$SHARED_FIXTURES/cases
mkdir srv
export XFA_ARCHIVE="$PWD/srv/county.git"
standard_archive
c0=$(new_case "$F/02-civil-affairs.json")
expect 0 $XFA keyring allowed-signers
cp .out allowed

# git daemon on a free port of 127.0.0.1, stopped at exit
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git daemon --listen=127.0.0.1 --port="$PORT" --base-path="$PWD/srv" --export-all \
	--enable=receive-pack --reuseaddr "$PWD/srv" 2> daemon.log &
DPID=$!
trap 'kill $DPID 2>/dev/null || true' EXIT INT TERM
URL=git://127.0.0.1:$PORT/county.git
i=0
until git ls-remote "$URL" > /dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || die "git daemon did not start"; sleep 0.1
done

say "clone: each office its own office code"
unset XFA_ARCHIVE
expect 64 $XFA clone "$URL" a.xfa
err_has "office"
expect 65 $XFA clone "$URL" a.xfa --office a-1
[ ! -e a.xfa ] || die "a refused clone left a folder"
for o in A01 B02 C03; do
	expect 0 $XFA clone "$URL" "$o.xfa" --office $o
done
expect 65 $XFA clone "$URL" A01.xfa --office A09
err_has "exists"
[ "$(git --git-dir=A01.xfa config xfa.office)" = A01 ] || die "office code not recorded"
expect 0 $XFA -C A01.xfa remote list
out_has "origin	$URL"
expect 0 $XFA -C A01.xfa --json remote list
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r==[{"name":"origin","url":sys.argv[2]}], r' .out "$URL"
expect 65 $XFA -C A01.xfa remote add origin "$URL"
expect 64 $XFA -C A01.xfa remote add onlyname

say "each office registers a case; ids carry the office code"
a1=$(XFA_ARCHIVE=$PWD/A01.xfa new_case "$F/03-land-dispute.json")
b1=$(XFA_ARCHIVE=$PWD/B02.xfa new_case "$F/09-land-dispute.json")
c1=$(XFA_ARCHIVE=$PWD/C03.xfa new_case "$F/10-property.json")
case "$a1 $b1 $c1" in
XF-*-A01-000001\ XF-*-B02-000001\ XF-*-C03-000001) ;;
*) die "unexpected ids: $a1 $b1 $c1" ;;
esac

say "case $c0 moved in two offices at once"
expect 0 $XFA -C A01.xfa case move "$c0" accepted --note "A01 accepts" --as keys/clerk.key
expect 0 $XFA -C B02.xfa case move "$c0" accepted --note "B02 accepts" --as keys/clerk.key

say "sync A01 (fast-forward push), C03 (union merge), then B02 (conflict)"
expect 0 $XFA -C A01.xfa sync --as keys/clerk.key
out_has "pushed"
expect 0 $XFA -C C03.xfa --json sync --as keys/clerk.key
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["outcome"]=="merged" and r["pushed"], r' .out
bhead=$(head_of B02.xfa)
expect 65 $XFA -C B02.xfa sync --as keys/clerk.key
err_has "conflict on $c0"
err_has "local  #2 accept"
err_has "remote #2 accept"
[ "$(head_of B02.xfa)" = "$bhead" ] || die "a conflicting sync moved main"
git --git-dir=B02.xfa rev-parse -q --verify "refs/xfa/conflicts/origin/$c0" > /dev/null ||
	die "the remote history is not kept under refs/xfa/conflicts"
expect 0 $XFA -C B02.xfa case show "$c0"
expect 65 $XFA -C B02.xfa --json sync --as keys/clerk.key
$PY - .out "$c0" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["outcome"] == "conflict" and not r["pushed"], r
c = r["conflicts"][0]
assert c["case"] == sys.argv[2] and c["base_seq"] == 1, c
assert [e["seq"] for e in c["local"]] == [2] and [e["seq"] for e in c["remote"]] == [2], c
assert c["local"][0]["sha256"] != c["remote"][0]["sha256"], c
EOF
[ "$(head_of B02.xfa)" = "$bhead" ] || die "a conflicting sync moved main"

say "refused resolutions change nothing"
export XFA_ARCHIVE="$PWD/B02.xfa"
unchanged 64 $XFA sync --keep remote --as keys/clerk.key
unchanged 64 $XFA sync --resolve "$c0" --keep both --as keys/clerk.key
unchanged 66 $XFA sync --resolve "$b1" --keep local --as keys/clerk.key
err_has "not in conflict"
unchanged 66 $XFA sync nowhere --as keys/clerk.key
unset XFA_ARCHIVE

say "B02 resolves keeping the remote's version"
expect 0 $XFA -C B02.xfa sync --resolve "$c0" --keep remote --as keys/clerk.key
out_has "resolved, pushed"
! git --git-dir=B02.xfa rev-parse -q --verify "refs/xfa/conflicts/origin/$c0" > /dev/null ||
	die "conflict ref left after the resolution"
expect 0 $XFA -C B02.xfa --json case log "$c0"
grep -q "A01 accepts" .out || die "the remote's version was not kept"
! grep -q "B02 accepts" .out || die "the discarded version is still in the case"
grep -q "resolve: keep remote" .out || die "no resolve note"

say "a second conflict, resolved keeping the local version"
for o in A01 C03; do expect 0 $XFA -C $o.xfa sync --as keys/clerk.key; done
expect 0 $XFA -C A01.xfa case move "$a1" accepted --note "A01 first" --as keys/clerk.key
expect 0 $XFA -C C03.xfa case move "$a1" accepted --note "C03 too" --as keys/clerk.key
expect 0 $XFA -C A01.xfa sync --as keys/clerk.key
expect 65 $XFA -C C03.xfa sync --as keys/clerk.key
err_has "conflict on $a1"
expect 0 $XFA -C C03.xfa sync --resolve "$a1" --keep local --as keys/clerk.key
expect 0 $XFA -C C03.xfa --json case log "$a1"
grep -q "C03 too" .out || die "the local version was not kept"
grep -q "resolve: keep local" .out || die "no resolve note"

say "everyone converges"
for o in A01 B02 C03 A01 B02; do expect 0 $XFA -C $o.xfa sync --as keys/clerk.key; done
server=$(head_of srv/county.git)
for o in A01 B02 C03; do
	[ "$(head_of $o.xfa)" = "$server" ] || die "$o did not converge"
	for id in "$c0" "$a1" "$b1" "$c1"; do expect 0 $XFA -C $o.xfa case show "$id"; done
	expect 0 $XFA -C $o.xfa verify
done
expect 0 $XFA -C srv/county.git verify
git --git-dir=srv/county.git fsck --strict --no-progress > fsck.out 2>&1 || { cat fsck.out; die "git fsck on the server"; }
git --git-dir=srv/county.git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$PWD/allowed" \
	log --format='%H %G?' refs/heads/main > sigs
! grep -v ' G$' sigs || die "a commit on the server is not validly signed"

say "two offices push at the same time: both get in (retry after rejection)"
a2=$(XFA_ARCHIVE=$PWD/A01.xfa new_case "$F/12-social-security.json")
c2=$(XFA_ARCHIVE=$PWD/C03.xfa new_case "$F/07-other.json")
$XFA -C A01.xfa sync --as keys/clerk.key > sa.out 2>&1 & p1=$!
$XFA -C C03.xfa sync --as keys/clerk.key > sc.out 2>&1 & p2=$!
wait $p1 || { cat sa.out; die "concurrent sync A01"; }
wait $p2 || { cat sc.out; die "concurrent sync C03"; }
expect 0 $XFA -C B02.xfa sync --as keys/clerk.key
for id in "$a2" "$c2"; do expect 0 $XFA -C B02.xfa case show "$id"; done

say "a push into an empty repository creates its main, all history in one pack"
git init -q --bare srv/empty.git
expect 0 $XFA -C A01.xfa remote add empty "git://127.0.0.1:$PORT/empty.git"
expect 0 $XFA -C A01.xfa sync empty --as keys/clerk.key
out_has "pushed"
[ "$(git --git-dir=srv/empty.git rev-parse refs/heads/main)" = "$(git --git-dir=A01.xfa rev-parse refs/heads/main)" ] ||
	die "the empty repository did not get A01's main"
git --git-dir=srv/empty.git fsck --strict --no-progress > fsck.out 2>&1 || { cat fsck.out; die "git fsck of the created repository"; }
expect 0 $XFA -C srv/empty.git verify

say "a push that loses a race at the server (its main moved after it was listed) is fetched again and retried"
git clone -q --bare srv/county.git srv/race.git
# once: move main back behind receive-pack's back, as a concurrent push would
# move it on (refs may not move inside the push's quarantine)
printf '#!/bin/sh\n[ -e moved ] && exit 0\n: > moved\nenv -u GIT_QUARANTINE_PATH git update-ref refs/heads/main refs/heads/main~1\n' \
	> srv/race.git/hooks/pre-receive
chmod +x srv/race.git/hooks/pre-receive
expect 0 $XFA -C B02.xfa remote add race "git://127.0.0.1:$PORT/race.git"
b3=$(XFA_ARCHIVE=$PWD/B02.xfa new_case "$F/12-social-security.json")
expect 0 $XFA -C B02.xfa --json sync race --as keys/clerk.key
[ -e srv/race.git/moved ] || die "the racing hook did not run"
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["pushed"] and r["attempts"] == 2, r' .out
[ "$(git --git-dir=srv/race.git rev-parse refs/heads/main)" = "$(git --git-dir=B02.xfa rev-parse refs/heads/main)" ] ||
	die "the retried push did not land"
git --git-dir=srv/race.git fsck --strict --no-progress > fsck.out 2>&1 || { cat fsck.out; die "git fsck after the retried push"; }

say "path and file:// remotes (fetch only)"
b2=$(XFA_ARCHIVE=$PWD/B02.xfa new_case "$F/08-urban-planning.json")
expect 0 $XFA -C A01.xfa remote add peer "$PWD/B02.xfa"
expect 0 $XFA -C A01.xfa sync peer --no-push --as keys/clerk.key
expect 0 $XFA -C A01.xfa case show "$b2"
expect 0 $XFA -C C03.xfa remote add peer "file://$PWD/A01.xfa"
expect 0 $XFA -C C03.xfa sync peer --no-push --as keys/clerk.key
expect 0 $XFA -C C03.xfa case show "$b2"
expect 0 $XFA -C C03.xfa verify

say "a remote serving a commit with a bad signature is refused"
git clone -q --bare srv/county.git srv/evil.git
h=$(git --git-dir=srv/evil.git rev-parse refs/heads/main)
git --git-dir=srv/evil.git cat-file commit "$h" |
	sed "0,/^parent /s/^parent .*/parent $h/; \$ s/\$/ (tampered)/" |
	git --git-dir=srv/evil.git hash-object -t commit -w --stdin > bad
git --git-dir=srv/evil.git update-ref refs/heads/main "$(cat bad)"
expect 0 $XFA -C C03.xfa remote add evil "git://127.0.0.1:$PORT/evil.git"
export XFA_ARCHIVE="$PWD/C03.xfa"
unchanged 1 $XFA sync evil --as keys/clerk.key
unset XFA_ARCHIVE
err_has "bad-commit-signature"
! git --git-dir=C03.xfa merge-base --is-ancestor "$(cat bad)" refs/heads/main ||
	die "the tampered commit was integrated"
expect 1 $XFA clone "git://127.0.0.1:$PORT/evil.git" evil.xfa --office E05
[ ! -e evil.xfa ] || die "a refused clone left a folder"
echo "t_sync: ok"
