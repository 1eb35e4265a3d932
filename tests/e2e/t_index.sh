# t_index.sh - the derived case index (<archive>/xfa-index) behind
# `xfa case list`: its answers equal a brute-force scan of the archive (xfa's
# own with XFA_INDEX=off, and python over git ls-tree), through the base
# file alone and through base + overlay (xfa-index.overlay); it follows new
# commits in the overlay without rewriting the base, and folds the overlay
# into the base past its bound; a deleted or damaged file is rebuilt (the
# base) or made again (the overlay); an overlay of another base is not
# used; an index written for a head that was later rolled back is detected
# as stale and rebuilt.
. "$E2E/lib.sh"

standard_archive
C=$($XFA key fingerprint keys/clerk.pub)
H=$($XFA key fingerprint keys/handler.pub)
IX="$XFA_ARCHIVE/xfa-index"
OV="$XFA_ARCHIVE/xfa-index.overlay"
# hx FILE OFFSET: the 20 bytes at OFFSET as hex (a head the file names)
hx() { $PY -c 'import sys; o=int(sys.argv[2]); print(open(sys.argv[1],"rb").read()[o:o+20].hex())' "$1" "$2"; }

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

say "an empty index, then the cases imported in its overlay"
[ ! -e "$IX" ] || die "the index exists before any query"
same
[ -f "$IX" ] || die "case list did not write $IX"
cp "$IX" base-empty
$PY "$E2E/import_gen.py" 30 "$C" "$H" > cases.jsonl
$XFA import cases.jsonl --key keys/clerk.key --key keys/handler.key > /dev/null
id=$(new_case "$SHARED_FIXTURES"/cases/02-*.json)
same
[ -f "$OV" ] || die "no overlay after the import"
cmp -s "$IX" base-empty || die "the base was rewritten for 31 new cases"
[ "$(hx "$OV" 24)" = "$(head_of)" ] || die "the overlay does not name the head"
[ "$(hx "$OV" 44)" = "$(hx "$IX" 24)" ] || die "the overlay does not name its base"

say "list results equal a brute-force scan (base + overlay)"
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
[ "$(hx "$OV" 24)" = "$(head_of)" ] || die "the overlay does not name the head"
cmp -s "$IX" base-empty || die "the base was rewritten for a move"

say "a deleted index is rebuilt"
rm "$IX"
same --status accepted
[ -f "$IX" ] || die "the index was not rebuilt"
[ ! -e "$OV" ] || die "the overlay of the deleted base was kept"
[ "$(hx "$IX" 24)" = "$(head_of)" ] || die "the rebuilt index does not name the head"
cp "$IX" index-at-new

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
[ -f "$OV" ] || die "no overlay for the forwarded index"
cmp -s "$IX" index-at-old || die "the forwarded base was rewritten"

say "a damaged or deleted overlay is made again"
cp "$OV" overlay-good
printf 'garbage' | dd of="$OV" bs=1 seek=100 conv=notrunc 2> /dev/null
same --status rejected
cmp -s "$OV" overlay-good || die "the damaged overlay was not made again"
head -c 50 overlay-good > "$OV"
same
cmp -s "$OV" overlay-good || die "the truncated overlay was not made again"
rm "$OV"
same --status rejected
cmp -s "$OV" overlay-good || die "the deleted overlay was not made again"

say "an overlay of another base is not used"
rm "$IX"
same
[ ! -e "$OV" ] || die "the overlay of the deleted base was kept"
cp overlay-good "$OV"
id2=$(new_case "$SHARED_FIXTURES"/cases/02-*.json)
$XFA case move "$id2" accepted --as keys/clerk.key > /dev/null
same --status accepted
same --status withdrawn
same
cmp -s "$OV" overlay-good && die "the overlay of another base was used"
[ "$(hx "$OV" 44)" = "$(hx "$IX" 24)" ] || die "the new overlay does not name the base"

say "an overlay past its bound is folded into the base"
$PY "$E2E/import_gen.py" 70 "$C" "$H" 5 2025 30 > more.jsonl
$XFA import more.jsonl --key keys/clerk.key --key keys/handler.key > /dev/null
cp "$IX" base-before
same
[ ! -e "$OV" ] || die "the overlay was not folded into the base"
cmp -s "$IX" base-before && die "the base was not brought forward"
[ "$(hx "$IX" 24)" = "$(head_of)" ] || die "the folded index does not name the head"
same --status handling
same --overdue
check status handling --status
$XFA --json case list > all.json
[ "$(ids all.json | wc -l)" -eq 102 ] || die "expected 102 cases in the list"
brute - - > want; ids all.json > got; cmp -s got want || die "the folded list misses cases"

say "readers running beside writers never see a torn index"
for k in 1 2 3 4 5 6; do new_case "$SHARED_FIXTURES"/cases/02-*.json; done > movers
(for m in $(cat movers); do $XFA case move "$m" accepted --as keys/clerk.key > /dev/null || exit 1; done) &
writer=$!
k=0
while kill -0 $writer 2> /dev/null || [ $k -lt 3 ]; do
	$XFA --json case list > live.json || die "case list failed beside a writer"
	$PY -c 'import json,sys; json.load(open(sys.argv[1]))' live.json || die "case list printed broken JSON beside a writer"
	k=$((k + 1))
done
wait $writer || die "a move failed"
same
same --status accepted
for m in $(cat movers); do grep -q "\"$m\"" with.json || die "$m missing after the moves"; done

say "case show works at any size through the case's own path"
expect 0 $XFA --json case show "$id"
expect 66 $XFA case show XF-2025-999999
echo ok
