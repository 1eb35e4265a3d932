# t_slips.sh - the small slips of a first day, each refused or accepted as
# a clerk would expect: a BOM-prefixed file is refused with a visible
# message (not stripped: input is refused, not repaired); received_at takes a
# plain date as --effective does; "collective": true needs a headcount of 5
# or more; a refused registration names no case id that was never
# allocated; a GBK attachment name is refused with its bytes shown and how
# to rename it.  Every refusal exits 65 and leaves the head where it was.
. "$E2E/lib.sh"
standard_archive
f="$SHARED_FIXTURES/cases/02-civil-affairs.json"

say "a byte-order mark: refused, and said so visibly"
printf '\357\273\277' > bom.json
cat "$f" >> bom.json
unchanged 65 $XFA case new bom.json --as keys/clerk.key
err_has "bom.json: starts with a byte-order mark (bytes EF BB BF, U+FEFF): save it as UTF-8 without BOM"
grep -q "$(printf '\357\273\277')" .err && die "the message carries the invisible BOM"

say "received_at as a plain date"
$PY - "$f" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); d["received_at"] = "2026-03-02"
json.dump(d, open("date.json", "w"), ensure_ascii=False)
d["received_at"] = "2099-01-01"
json.dump(d, open("future.json", "w"), ensure_ascii=False)
d["received_at"] = "2026-13-40"
json.dump(d, open("baddate.json", "w"), ensure_ascii=False)
EOF
id=$(new_case date.json)
$XFA --json case show "$id" | $PY -c '
import json, sys
d = json.load(sys.stdin)["case"]
assert d["received_at"] == "2026-03-02T12:00:00+08:00", d["received_at"]'
unchanged 65 $XFA case new future.json --as keys/clerk.key
err_has "received_at 2099-01-01 is in the future"
unchanged 65 $XFA case new baddate.json --as keys/clerk.key
err_has "received_at"

say "a collective visit is 5 people or more"
$PY - "$f" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); d["collective"] = True; d["headcount"] = 2
json.dump(d, open("two.json", "w"), ensure_ascii=False)
d.pop("headcount")
json.dump(d, open("nohead.json", "w"), ensure_ascii=False)
d["headcount"] = 5
json.dump(d, open("five.json", "w"), ensure_ascii=False)
EOF
unchanged 65 $XFA case new two.json --as keys/clerk.key
err_has "headcount: must be at least 5"
unchanged 65 $XFA case new nohead.json --as keys/clerk.key
err_has "headcount"
new_case five.json > /dev/null

say "a refused registration names no id"
next=$($XFA --json case list | $PY -c 'import json,sys; print("XF-2026-%06d" % (len(json.load(sys.stdin)) + 1))')
form=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["proxy"]["form"])' "$SHARED_FIXTURES"/cases/04-*.json)
unchanged 65 $XFA case new "$SHARED_FIXTURES"/cases/04-*.json --as keys/clerk.key
err_has "new case: step 'register': a case with 'proxy' requires an attachment of kind 'authorization'"
grep -q "$next" .err && die "the refusal names $next, which was never allocated"

say "a GBK file name: its bytes shown, and how to rename it"
gbk=$(printf '\265\307\274\307\261\355.pdf')     # 登记表.pdf in GBK
printf '%%PDF-1.4 form\n' > "$gbk"
unchanged 65 $XFA case attach "$id" "record:$gbk" --as keys/clerk.key
err_has "attachment name is not valid UTF-8: '\\\\xB5\\\\xC7\\\\xBC\\\\xC7\\\\xB1\\\\xED.pdf' (a GBK name?)"
err_has "convmv -f GBK -t UTF-8 --notest FILE"
cp "$gbk" 登记表.pdf
$XFA case attach "$id" record:登记表.pdf --as keys/clerk.key > /dev/null
expect 0 $XFA verify

say "the demo's banners: counted from the archive, no issue numbers"
demo="$E2E/../demo/demo.sh"
grep -n '== issue' "$demo" && die "demo.sh prints an issue number"
grep -nE 'echo .*== .*[0-9]+ (petitions,|signed events)' "$demo" && die "demo.sh prints a count written by hand"
grep -q 'rev-list --count' "$demo" || die "demo.sh does not count the events from the archive"
