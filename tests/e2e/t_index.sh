# t_index.sh - the derived case index (<archive>/xfa-index) behind
# `xfa case list`: its answers equal a brute-force scan of the archive (xfa's
# own with XFA_INDEX=off, and python over git ls-tree); it follows new
# commits; a deleted or damaged file is rebuilt; an index written for a head
# that was later rolled back is detected as stale and rebuilt.
. "$E2E/lib.sh"

standard_archive
C=$($XFA key fingerprint keys/clerk.pub)
H=$($XFA key fingerprint keys/handler.pub)
IX="$XFA_ARCHIVE/xfa-index"
$PY "$E2E/import_gen.py" 30 "$C" "$H" > cases.jsonl
$XFA import cases.jsonl --key keys/clerk.key --key keys/handler.key > /dev/null
id=$(new_case "$SHARED_FIXTURES"/cases/02-*.json)

# same FILTERS...: the index and a scan of the archive give the same rows
same() {
	$XFA --json case list "$@" > with.json
	XFA_INDEX=off $XFA --json case list "$@" > without.json
	cmp -s with.json without.json || { diff with.json without.json | head; die "index and scan differ for: $*"; }
}
# python FIELD VALUE: the ids whose case.json has FIELD == VALUE (git alone)
brute() {
	git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only refs/heads/main | grep '/case\.json$' |
	$PY -c '
import json, subprocess, sys
f, v = sys.argv[2:4]
for p in sys.stdin.read().split():
    d = json.loads(subprocess.run(["git", "--git-dir", sys.argv[1], "show", "refs/heads/main:" + p],
                                  check=True, capture_output=True).stdout)
    if f == "-" or d.get(f) == v:
        print(d["id"])' "$XFA_ARCHIVE" "$1" "$2" | sort
}
ids() { $PY -c 'import json,sys; print("\n".join(r["id"] for r in json.load(open(sys.argv[1]))))' "$1" | sed '/^$/d' | sort; }
# check FIELD VALUE OPTION: index rows equal git's for one filter
check() {
	$XFA --json case list "$3" "$2" > rows.json
	ids rows.json > got
	brute "$1" "$2" > want
	cmp -s got want || { diff got want; die "case list $3 $2 differs from a scan of git"; }
}

say "list results equal a brute-force scan"
[ ! -e "$IX" ] || die "the index exists before any query"
same
[ -f "$IX" ] || die "case list did not write $IX"
same --status handling
same --status rejected
same --unit 民政局
same --category land-dispute
same --overdue
same --status handling --unit 人社局
same --overdue --category civil-affairs
check status handling --status
check status registered --status
check unit 住建局 --unit
check category public-order --category
ids with.json > /dev/null
$XFA --json case list > all.json
[ "$(ids all.json | wc -l)" -eq 31 ] || die "expected 31 cases in the list"
brute - - > want; ids all.json > got; cmp -s got want || die "the list misses cases"
$XFA --json case list --overdue | grep -q '"overdue": true' || die "no overdue case found"
$XFA --json case list --status rejected | grep -q "$($PY -c 'print("XF-2025-000004")')" || die "XF-2025-000004 should be rejected"

say "the index follows new commits"
old=$(head_of)
$XFA case move "$id" accepted --as keys/clerk.key > /dev/null
$XFA --json case list --status accepted | grep -q "\"$id\"" || die "the moved case is not listed as accepted"
same --status registered
same --status accepted
$PY -c 'import sys; b=open(sys.argv[1],"rb").read(); print(b[24:44].hex())' "$IX" > ixhead
[ "$(cat ixhead)" = "$(head_of)" ] || die "the index does not name the head"
cp "$IX" index-at-new

say "a deleted index is rebuilt"
rm "$IX"
same --status accepted
[ -f "$IX" ] || die "the index was not rebuilt"
cmp -s "$IX" index-at-new || die "the rebuilt index differs from the updated one"

say "a damaged index is rebuilt"
printf 'garbage' | dd of="$IX" bs=1 seek=70 conv=notrunc 2> /dev/null
same --status accepted
cmp -s "$IX" index-at-new || die "the damaged index was not rebuilt"
head -c 100 index-at-new > "$IX"
same
cmp -s "$IX" index-at-new || die "the truncated index was not rebuilt"

say "an index from a rolled-back head is stale"
git --git-dir="$XFA_ARCHIVE" update-ref refs/heads/main "$old"
$XFA --json case list --status accepted > rows.json
if grep -q "\"$id\"" rows.json; then die "a stale index answered for a rolled-back head"; fi
same --status registered
$PY -c 'import sys; b=open(sys.argv[1],"rb").read(); print(b[24:44].hex())' "$IX" > ixhead
[ "$(cat ixhead)" = "$old" ] || die "the stale index was not rebuilt for the head"

say "an index from an older head is brought forward"
cp "$IX" index-at-old
$XFA case move "$id" rejected --as keys/clerk.key --set 'decision.reason=不属于信访事项' --set decision.channel=litigation > /dev/null \
	|| die "cannot reject $id"
cp index-at-old "$IX"
same --status rejected
$XFA --json case list --status rejected | grep -q "\"$id\"" || die "the forwarded index misses the rejection"

say "case show works at any size through the case's own path"
expect 0 $XFA --json case show "$id"
expect 66 $XFA case show XF-2025-999999
echo ok
