# t_risk_sync.sh - a sync conflict on a risk item of the ledger 矛盾纠纷台账:
# two offices move the same item at once; the later sync reports the
# conflict (exit 65, nothing merged, the remote kept under
# refs/xfa/conflicts/), `sync --resolve FX-... --keep remote` and, on a
# second conflict, `--keep local` record a signed resolution merge whose
# resolution event lists the discarded events' SHA-256; verify, git
# verify-commit and git fsck accept the result and every office converges.
. "$E2E/lib.sh"

mkdir srv
export XFA_ARCHIVE="$PWD/srv/county.git"
standard_archive
cat > r.json <<EOF
{"received_at": "2026-01-05T10:00:00+08:00", "found_by": "东升村周排查", "locality": "东升村",
 "parties": ["赵某", "钱某"], "category": "land-dispute", "headcount": 3, "summary": "征地补偿争议"}
EOF
R=$($XFA --json risk new r.json --as keys/clerk.key | $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')
[ "$R" = FX-2026-000001 ] || die "risk id $R"
allowed=$(allowed_signers)
unset XFA_ARCHIVE
for o in A01 B02 C03; do expect 0 $XFA clone "$PWD/srv/county.git" "$o.xfa" --office $o; done

status() { $XFA -C "$1.xfa" --json risk show "$R" | $PY -c 'import json,sys; print(json.load(sys.stdin)["risk"]["status"])'; }
notes() { $XFA -C "$1.xfa" --json risk log "$R" | $PY -c '
import json,sys; print("\n".join(e.get("note", "") for e in json.load(sys.stdin)))'; }
# discards OFFICE: the SHA-256 of every event a resolution of $R discarded
discards() { $XFA -C "$1.xfa" --json risk log "$R" | $PY -c '
import json,sys
print("\n".join(d["sha256"] for e in json.load(sys.stdin)
                for d in (e.get("resolution") or {}).get("discarded", [])))'; }
# conflict OFFICE: the JSON sync report of OFFICE's conflicting sync into conflict.json
conflict() {
	expect 65 $XFA -C "$1.xfa" --json sync --as keys/clerk.key
	cp .out conflict.json
	$PY - conflict.json "$R" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["outcome"] == "conflict" and not r["pushed"], r
assert [c["case"] for c in r["conflicts"]] == [sys.argv[2]], r["conflicts"]
c = r["conflicts"][0]
assert len(c["local"]) == 1 and len(c["remote"]) == 1, c
assert c["local"][0]["seq"] == c["remote"][0]["seq"] == c["base_seq"] + 1, c
assert c["local"][0]["sha256"] != c["remote"][0]["sha256"], c
EOF
}
side() { $PY -c 'import json,sys; print(json.load(open("conflict.json"))["conflicts"][0][sys.argv[1]][0]["sha256"])' "$1"; }
# merged OFFICE: the newest merge of OFFICE's main is validly signed (git's own check)
merged() {
	m=$(git --git-dir="$1.xfa" rev-list --merges -1 main)
	[ -n "$m" ] || die "no merge in $1"
	git --git-dir="$1.xfa" -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$allowed" \
		verify-commit "$m" 2> vc.err || { cat vc.err; die "git verify-commit refused the merge $m of $1"; }
	git --git-dir="$1.xfa" -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$allowed" \
		verify-commit main 2> vc.err || { cat vc.err; die "git verify-commit refused $1's head"; }
}

say "A01 and B02 move $R at once; A01 syncs first"
expect 0 $XFA -C A01.xfa risk move "$R" level3 --note "A01 列入三级" --as keys/clerk.key
expect 0 $XFA -C B02.xfa risk move "$R" level2 --note "B02 列入二级" --as keys/leader.key
expect 0 $XFA -C A01.xfa sync --as keys/clerk.key
out_has "pushed"

say "B02's sync reports the conflict on $R, merges nothing (65)"
bhead=$(head_of B02.xfa)
expect 65 $XFA -C B02.xfa sync --as keys/clerk.key
err_has "conflict on $R"
err_has "local  #2 list-2"
err_has "remote #2 list-3"
[ "$(head_of B02.xfa)" = "$bhead" ] || die "a conflicting sync moved main"
git --git-dir=B02.xfa rev-parse -q --verify "refs/xfa/conflicts/origin/$R" > /dev/null ||
	die "the remote history is not kept under refs/xfa/conflicts"
conflict B02
[ "$(head_of B02.xfa)" = "$bhead" ] || die "a conflicting sync moved main"
[ "$(status B02)" = level2 ] || die "B02's own move is gone before any resolution"
discarded=$(side local)

say "refused resolutions change nothing"
export XFA_ARCHIVE="$PWD/B02.xfa"
unchanged 64 $XFA sync --resolve "$R" --keep both --as keys/clerk.key
unchanged 66 $XFA sync --resolve FX-2026-000099 --keep local --as keys/clerk.key
err_has "not in conflict"
unset XFA_ARCHIVE

say "B02 resolves keeping the remote's move"
expect 0 $XFA -C B02.xfa sync --resolve "$R" --keep remote --as keys/clerk.key
out_has "resolved, pushed"
! git --git-dir=B02.xfa rev-parse -q --verify "refs/xfa/conflicts/origin/$R" > /dev/null ||
	die "conflict ref left after the resolution"
[ "$(status B02)" = level3 ] || die "the remote's move to level3 was not kept"
notes B02 > notes.txt
grep -q "A01 列入三级" notes.txt || die "the remote's event is not in the log"
! grep -q "B02 列入二级" notes.txt || die "the discarded event is still in the log"
grep -q "resolve: keep remote" notes.txt || die "no resolution note"
discards B02 | grep -qx "$discarded" || { discards B02; die "the resolution does not list the discarded event $discarded"; }
git --git-dir=B02.xfa cat-file -e "$bhead" || die "the discarded history is not reachable"
expect 0 $XFA -C B02.xfa risk log "$R"
out_has "备注"    # the resolution note is the ledger's note event, in its words
expect 0 $XFA -C B02.xfa verify
out_has "ok: the archive is sound"
merged B02

say "a second conflict on $R, resolved keeping the local move"
for o in A01 C03; do expect 0 $XFA -C $o.xfa sync --as keys/clerk.key; done
[ "$(status C03)" = level3 ] || die "C03 did not receive the resolved state"
expect 0 $XFA -C A01.xfa risk move "$R" level1 --note "A01 已化解" --as keys/clerk.key
expect 0 $XFA -C C03.xfa risk move "$R" level2 --note "C03 降为二级" --as keys/clerk.key
expect 0 $XFA -C A01.xfa sync --as keys/clerk.key
chead=$(head_of C03.xfa)
conflict C03
[ "$(head_of C03.xfa)" = "$chead" ] || die "a conflicting sync moved main"
discarded=$(side remote)
expect 0 $XFA -C C03.xfa --json sync --resolve "$R" --keep local --as keys/clerk.key
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["outcome"]=="resolved" and r["pushed"], r' .out
[ "$(status C03)" = level2 ] || die "the local move to level2 was not kept"
notes C03 > notes.txt
grep -q "C03 降为二级" notes.txt && ! grep -q "A01 已化解" notes.txt || { cat notes.txt; die "keep local kept the wrong side"; }
grep -q "resolve: keep local" notes.txt || die "no resolution note"
discards C03 | grep -qx "$discarded" || { discards C03; die "the resolution does not list the discarded event $discarded"; }
expect 0 $XFA -C C03.xfa verify
merged C03

say "everyone converges on the resolved ledger"
for o in A01 B02 C03 A01 B02; do expect 0 $XFA -C $o.xfa sync --as keys/clerk.key; done
server=$(head_of srv/county.git)
for o in A01 B02 C03; do
	[ "$(head_of $o.xfa)" = "$server" ] || die "$o did not converge"
	[ "$(status $o)" = level2 ] || die "$o has $R on $(status $o)"
	expect 0 $XFA -C $o.xfa verify
done
expect 0 $XFA -C srv/county.git verify
expect 0 $XFA -C srv/county.git --json report ledger
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["total"]==1 and r["open"]==1, r' .out
git --git-dir=srv/county.git fsck --strict --no-progress > fsck.out 2>&1 || { cat fsck.out; die "git fsck on the server"; }
git --git-dir=srv/county.git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$allowed" \
	log --format='%H %G?' main > sigs
! grep -v ' G$' sigs || die "a commit on the server is not validly signed"
[ "$(git --git-dir=srv/county.git rev-list --merges main | wc -l)" -ge 2 ] || die "the resolution merges are not on the server"
echo "t_risk_sync: ok"
