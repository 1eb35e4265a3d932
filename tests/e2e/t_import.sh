# t_import.sh - xfa import: a JSON-lines file of cases with their dated
# histories becomes signed events and signed commits in one pack, judged by
# git fsck, git verify-commit on every commit, xfa verify and python
# jsonschema; a file with one bad line (bad JSON, illegal transition, unknown
# signer, schema violation, key outside the keyring) is refused naming the
# line, the head does not move and no pack file appears; so is a line whose
# legacy_ref the archive holds already (the same file imported twice) or an
# earlier line of the file has, or that has none.
. "$E2E/lib.sh"

standard_archive
mkkey stranger stranger@elsewhere.example
C=$($XFA key fingerprint keys/clerk.pub)
H=$($XFA key fingerprint keys/handler.pub)
S=$($XFA key fingerprint keys/stranger.pub)
KEYS="--key keys/clerk.key --key keys/handler.key"
packs() { ls "$XFA_ARCHIVE/objects/pack" 2>/dev/null | sort | tr '\n' ' '; }

say "the lines satisfy schemas/import-line.schema.json (python jsonschema)"
$PY "$E2E/import_gen.py" 8 "$C" "$H" > good.jsonl
$PY - "$E2E/../../schemas" good.jsonl <<'EOF'
import json, os, sys
import jsonschema
d, f = sys.argv[1:3]
store = {}
for root, _, files in os.walk(d):
    for n in files:
        if n.endswith(".json"):
            store[os.path.relpath(os.path.join(root, n), d)] = json.load(open(os.path.join(root, n)))
s = store["import-line.schema.json"]
v = jsonschema.Draft7Validator(s, resolver=jsonschema.RefResolver("import-line.schema.json", s, store=store))
for i, line in enumerate(open(f, encoding="utf-8"), 1):
    errs = list(v.iter_errors(json.loads(line)))
    assert not errs, (i, [e.message for e in errs])
EOF

say "--check runs every rule and writes nothing"
before=$(head_of); p0=$(packs)
expect 0 $XFA import good.jsonl --check $KEYS
[ "$(head_of)" = "$before" ] || die "--check moved the head"
[ "$(packs)" = "$p0" ] || die "--check wrote a pack"

say "import 8 cases with their histories"
loose() { find "$XFA_ARCHIVE/objects" -path '*/objects/[0-9a-f][0-9a-f]/*' -type f | wc -l; }
loose0=$(loose)
expect 0 $XFA import good.jsonl $KEYS
[ "$(wc -l < .out)" -eq 8 ] || die "expected 8 lines of output"
code=$(sed -n 2p .out | cut -f3)
id=$(sed -n 2p .out | cut -f2)
echo "$id" | grep -Eq '^XF-2025-[0-9]{6}$' || die "bad case id '$id'"
[ "$(ls "$XFA_ARCHIVE/objects/pack" | grep -c '\.pack$')" -eq 1 ] || die "expected one pack file"
# the import's objects are packed, not loose
[ "$(loose)" -eq "$loose0" ] || die "the import wrote $(( $(loose) - loose0 )) loose objects"
events=$($PY -c 'import json,sys; print(sum(1 + len(json.loads(l).get("events", [])) for l in open(sys.argv[1])))' good.jsonl)

say "git fsck, git verify-commit on every commit, xfa verify"
git --git-dir="$XFA_ARCHIVE" fsck --full --strict
allowed_signers > /dev/null
n=0
for c in $(git --git-dir="$XFA_ARCHIVE" rev-list refs/heads/main); do
	sgit verify-commit "$c" 2> /dev/null || { sgit verify-commit "$c"; die "verify-commit failed on $c"; }
	n=$((n + 1))
done
# init + 5 keyring additions + the imported events
[ "$n" -eq $((6 + events)) ] || die "expected $((6 + events)) commits, found $n"
expect 0 $XFA verify

say "each event is signed by its actor; the query codes work"
sgit log --format='%ae %s' refs/heads/main | grep -q '^handler@unit.example .*sign-in' \
	|| die "sign-in is not signed by the handler"
sgit log --format='%ae %s' refs/heads/main | grep -q '^clerk@bureau.example .*accept' \
	|| die "accept is not signed by the clerk"
expect 0 $XFA lookup "$code"
out_has "$id"
$XFA --json case show "$id" | $PY -c 'import json,sys; d=json.load(sys.stdin)["case"]; assert d["status"] in ("handling","rejected"), d["status"]'
git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only refs/heads/main | grep -E '/case\.json$' > cases
$PY "$E2E/validate.py" "$E2E/../../schemas" "$XFA_ARCHIVE" case.schema.json < cases

# refused FILE LINE STATUS TEXT: the import fails naming the line; nothing written
refused() {
	before=$(head_of); p0=$(packs)
	expect "$3" $XFA import "$1" $KEYS
	err_has "line $2"
	[ -z "${4:-}" ] || err_has "$4"
	[ "$(head_of)" = "$before" ] || die "head moved after refusing $1"
	[ "$(packs)" = "$p0" ] || die "a pack was written while refusing $1"
}
$PY "$E2E/import_gen.py" 5 "$C" "$H" 5 2025 200 > base.jsonl

say "the same file twice: every line is refused, naming the case that has its number"
refused good.jsonl 1 65 "line 1: legacy_ref 'OLD-2025-0000000' is case XF-2025-000001 in the archive already"
err_has "line 8: legacy_ref 'OLD-2025-0000007' is case XF-2025-000008"
err_has "lines refused: 8; nothing was imported"
$XFA --json case show XF-2025-000008 | $PY -c 'import json,sys; assert json.load(sys.stdin)["case"]["legacy_ref"] == "OLD-2025-0000007"'

say "one old number among new ones: that line alone is named"
{ sed -n 1,2p base.jsonl; sed -n 3p good.jsonl; } > one-old.jsonl
refused one-old.jsonl 3 65 "line 3: legacy_ref 'OLD-2025-0000002' is case XF-2025-000003"
grep -q "line [12]:" .err && die "a new number was refused"

say "a number twice in one file: the later line is refused, naming the earlier"
{ sed -n 1,3p base.jsonl; sed -n 2p base.jsonl; } > twice.jsonl
refused twice.jsonl 4 65 "line 4: legacy_ref 'OLD-2025-0000201' repeats line 2"
expect 65 $XFA import twice.jsonl --check $KEYS
err_has "repeats line 2"

say "a line without legacy_ref is refused"
sed '2s/,"legacy_ref":"[^"]*"//' base.jsonl > no-ref.jsonl
grep -c legacy_ref no-ref.jsonl | grep -qx 4 || die "test setup: line 2 still has legacy_ref"
refused no-ref.jsonl 2 65 "legacy_ref"

say "bad JSON on line 3"
{ sed -n 1,2p base.jsonl; echo '{"case": {"channel": "visit",'; sed -n 4,5p base.jsonl; } > bad-json.jsonl
refused bad-json.jsonl 3 65 "line 3: invalid JSON"

say "an illegal transition on line 2 (registered -> handling)"
$PY - base.jsonl > bad-move.jsonl <<'EOF'
import json, sys
for i, l in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    d = json.loads(l)
    if i == 2:
        d["events"] = [e for e in d["events"] if e.get("to") not in ("accepted", "assigned")]
    print(json.dumps(d, ensure_ascii=False))
EOF
refused bad-move.jsonl 2 65

say "an unknown signer on line 2"
sed "2s#$H#SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA#" base.jsonl > bad-fpr.jsonl
refused bad-fpr.jsonl 2 77 "no --key"

say "a schema violation on line 5 (no summary)"
$PY - base.jsonl > bad-schema.jsonl <<'EOF'
import json, sys
for i, l in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    d = json.loads(l)
    if i == 5:
        del d["case"]["summary"]
    print(json.dumps(d, ensure_ascii=False))
EOF
refused bad-schema.jsonl 5 65 "summary"

say "a key outside the keyring on line 1"
sed "1s#\"by\":\"$C\",\"events\"#\"by\":\"$S\",\"events\"#" base.jsonl > bad-key.jsonl
grep -q "$S" bad-key.jsonl || die "test setup: the stranger's key is not in the file"
before=$(head_of); p0=$(packs)
expect 77 $XFA import bad-key.jsonl $KEYS --key keys/stranger.key
err_has "line 1"
[ "$(head_of)" = "$before" ] && [ "$(packs)" = "$p0" ] || die "a refused import wrote something"

say "every bad line is named, not only the first"
{ echo 'not json'; sed -n 1p base.jsonl; echo '[]'; } > two-bad.jsonl
refused two-bad.jsonl 1 65
err_has "line 3"

say "a longer batch, one pack; git fsck and xfa verify read every object"
$PY "$E2E/import_gen.py" 60 "$C" "$H" 5 2025 1000 > long.jsonl
expect 0 $XFA import long.jsonl $KEYS
git --git-dir="$XFA_ARCHIVE" fsck --full --strict
for i in "$XFA_ARCHIVE"/objects/pack/*.idx; do git verify-pack "$i" || die "verify-pack $i"; done
expect 0 $XFA verify
$XFA --json case list | $PY -c 'import json,sys; d=json.load(sys.stdin); n=len(d["cases"] if isinstance(d, dict) else d); assert n == 68, n'

say "usage and missing files"
expect 64 $XFA import good.jsonl
expect 66 $XFA import no-such-file.jsonl $KEYS

say "the keys are unlocked together; a wrong passphrase or a missing key file is named"
printf 'wrong\n' > wrong-pass; chmod 600 wrong-pass
before=$(head_of)
expect 77 env XFA_PASSPHRASE_FILE="$PWD/wrong-pass" $XFA import base.jsonl $KEYS
err_has "cannot use key 'keys/clerk.key': wrong passphrase"
expect 66 $XFA import base.jsonl --key keys/clerk.key --key keys/nobody.key
err_has "keys/nobody.key"
[ "$(head_of)" = "$before" ] || die "head moved after a key was refused"
echo ok
