# t_querycode.sh - nothing printed once is lost: `-q case new` still prints
# the query code 查询码 (and --json carries it); a lost code is re-issued by a
# signed reissue-code event (a clerk's, with a note): the new code finds the
# case, the old one no longer does, verify and git verify-commit accept the
# event, and a refused re-issue writes nothing.
. "$E2E/lib.sh"
standard_archive
f="$SHARED_FIXTURES/cases/02-civil-affairs.json"

say "-q case new prints the id and the query code"
$XFA -q case new "$f" --as keys/clerk.key > new.txt
[ "$(wc -l < new.txt)" -eq 2 ] || { cat new.txt; die "-q case new printed $(wc -l < new.txt) lines"; }
id=$(head -n 1 new.txt)
old=$(tail -n 1 new.txt | awk '{print $NF}')
echo "$old" | grep -Eq '^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$' || die "no query code after -q: $(cat new.txt)"
$XFA --lang en -q case new "$f" --as keys/clerk.key | tail -n 1 | grep -q '^query code: ' || die "English -q"
expect 0 $XFA lookup "$old"
out_has "$id"

say "a re-issue needs a note, a clerk, and goes through its own command"
unchanged 65 $XFA case reissue-code "$id" --as keys/clerk.key
err_has "requires a note"
unchanged 77 $XFA case reissue-code "$id" --note 遗失 --as keys/handler.key
unchanged 64 $XFA case record "$id" reissue-code --note 遗失 --set query_hash=00 --as keys/clerk.key
err_has "xfa case reissue-code"
unchanged 66 $XFA case reissue-code XF-2026-000999 --note 遗失 --as keys/clerk.key
expect 0 $XFA lookup "$old"

say "re-issued: the new code finds the case, the old one does not"
$XFA -q case reissue-code "$id" --note 信访人遗失查询码 --as keys/clerk.key > re.txt
new=$(tail -n 1 re.txt | awk '{print $NF}')
[ -n "$new" ] && [ "$new" != "$old" ] || die "no new code: $(cat re.txt)"
expect 66 $XFA lookup "$old"
expect 0 $XFA lookup "$new"
out_has "$id"
$XFA --json case log "$id" | $PY -c '
import json, sys
ev = json.load(sys.stdin)[-1]
assert ev["type"] == "reissue-code" and ev["note"] == "信访人遗失查询码", ev
assert set(ev["patch"]) == {"query_hash"}, ev["patch"]
assert ev["to"] is None and ev["role"] == "clerk", ev
'
$XFA --json case reissue-code "$id" --note 再次遗失 --as keys/clerk.key > re.json
third=$($PY -c 'import json; print(json.load(open("re.json"))["query_code"])')
expect 66 $XFA lookup "$new"
expect 0 $XFA lookup "$third"

say "verify and stock git accept the event"
expect 0 $XFA verify
out_has "ok: the archive is sound"
allowed_signers > /dev/null
sgit verify-commit "$(head_of)" 2> /dev/null || die "git verify-commit refused the reissue commit"
