# t_verify.sh - xfa verify and xfa checkpoint on a clean archive: text and
# --json reports (checked with python jsonschema), --trust, --strict, case
# selection, exit statuses, checkpoints (rollback, rewritten history), and
# the stock-tool path an auditor who does not trust xfa follows: git alone
# for the commit signatures, ssh-keygen for an event signature.
. "$E2E/lib.sh"
SCHEMAS="$E2E/../../schemas"

# report_has FILE REASON CASE: the JSON report lists that finding
report_has() {
	$PY - "$1" "$2" "$3" <<'EOF' || { cat "$1"; die "report lacks $2 for $3"; }
import json, sys
r = json.load(open(sys.argv[1]))
want = (sys.argv[2], sys.argv[3])
sys.exit(0 if any((f["reason"], f["case"] or "-") == want
                  for f in r["findings"] + r["deadlines"]) else 1)
EOF
}
# valid_report FILE: the report satisfies schemas/verify-report.schema.json
valid_report() {
	$PY - "$SCHEMAS/verify-report.schema.json" "$1" <<'EOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.Draft7Validator(schema).validate(json.load(open(sys.argv[2])))
EOF
}

say "a clean archive"
standard_archive
c1=$(new_case "$SHARED_FIXTURES"/cases/02-*.json)
form=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["proxy"]["form"])' "$SHARED_FIXTURES"/cases/04-*.json)
printf '%%PDF-1.4 scanned authorisation form\n' > "$form"
c2=$(new_case "$SHARED_FIXTURES"/cases/04-*.json --attach "authorization:$form")
c3=$(new_case "$SHARED_FIXTURES"/cases/08-*.json)
$XFA case move "$c1" accepted --as keys/clerk.key > /dev/null
$XFA case move "$c1" assigned --set unit=民政局 --as keys/clerk.key > /dev/null
$XFA case move "$c1" handling --as keys/handler.key > /dev/null
root=$($XFA --json keyring list | $PY -c 'import json,sys; print([k for k,v in json.load(sys.stdin).items() if "admin" in v["roles"]][0])')

say "verify: text report, exit 0"
expect 0 $XFA verify
out_has "ok: the archive is sound"
out_has "verified 12 commits, 12 events, 3 cases"
out_has "the archive's own root"
# deadline findings (the sample cases were received months ago) are listed
# apart and do not fail the run...
out_has "late-accept"
# ...unless --strict
expect 1 $XFA verify --strict
out_has "late-accept"
expect 0 $XFA -q verify
[ ! -s .out ] || die "-q printed a sound report"
# no terminal: no progress on stderr
[ ! -s .err ] || { cat .err; die "verify wrote to stderr without a terminal"; }

say "verify --json: valid against the schema"
expect 0 $XFA --json verify
cp .out report.json
valid_report report.json
$PY - report.json "$root" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is True and r["findings"] == [], r["findings"]
assert r["trust"] == "archive" and r["root"] == sys.argv[2], (r["trust"], r["root"])
t = r["totals"]
assert (t["commits"], t["events"], t["cases"]) == (12, 12, 3), t
assert t["signatures"] == 24, t   # every event and every commit
assert r["scope"] == "all"
assert all(f["severity"] == "deadline" for f in r["deadlines"])
EOF

say "--trust"
expect 0 $XFA verify --trust "$root"
out_has "checked against --trust"
other=$($XFA key fingerprint keys/clerk.pub)
expect 1 $XFA --json verify --trust "$other"
report_has .out untrusted-root archive
expect 64 $XFA verify --trust not-a-fingerprint
err_has "not a key fingerprint"

say "verify ID..."
expect 0 $XFA --json verify "$c2"
$PY -c 'import json,sys; r=json.load(sys.stdin); assert r["scope"]==[sys.argv[1]], r["scope"]; assert r["totals"]["cases"]==1' "$c2" < .out
expect 0 $XFA verify "$c1" "$c3"
expect 66 $XFA verify XF-2026-999999
err_has "XF-2026-999999"
expect 64 $XFA verify not-an-id
err_has "not-an-id"
expect 64 $XFA verify --bogus
expect 66 $XFA -C nowhere.xfa verify
expect 0 $XFA verify --threads 1
expect 64 $XFA verify --threads 0

say "checkpoint and verify --checkpoint"
$XFA checkpoint --as keys/clerk.key > cp1
head -1 cp1 | grep -q '^xfa-checkpoint/J001/' || die "checkpoint origin"
sed -n 2p cp1 | grep -qx 12 || die "checkpoint count"
sed -n 3p cp1 | grep -qx "$(head_of)" || die "checkpoint head"
grep -q "^— clerk@bureau.example " cp1 || die "checkpoint signature line"
expect 0 $XFA --json verify --checkpoint cp1
valid_report .out
$PY -c 'import json,sys; c=json.load(sys.stdin)["checkpoint"]; assert c["status"]=="ok" and c["count"]==12, c' < .out
unchanged 64 $XFA checkpoint extra-arg --as keys/clerk.key
unchanged 64 $XFA checkpoint
expect 66 $XFA verify --checkpoint no-such-file
# history grows: the old checkpoint still holds
$XFA case move "$c3" accepted --as keys/clerk.key > /dev/null
expect 0 $XFA verify --checkpoint cp1
# a forged or foreign checkpoint
sed 's/^12$/13/' cp1 > cp-forged
expect 1 $XFA --json verify --checkpoint cp-forged
report_has .out bad-checkpoint -
sed 's#/J001/#/J999/#' cp1 > cp-foreign
expect 1 $XFA --json verify --checkpoint cp-foreign
report_has .out bad-checkpoint -
printf 'garbage\n' > cp-garbage
expect 1 $XFA verify --checkpoint cp-garbage
out_has bad-checkpoint
$XFA checkpoint --as keys/clerk.key > cp2

say "rollback behind a checkpoint"
cp -a "$XFA_ARCHIVE" rolled.xfa
git --git-dir=rolled.xfa update-ref refs/heads/main "$(head_of)~2"
expect 0 $XFA -C rolled.xfa verify
expect 1 $XFA -C rolled.xfa --json verify --checkpoint cp2
valid_report .out
report_has .out rollback -

say "history rewritten and force-updated"
cp -a "$XFA_ARCHIVE" rewritten.xfa
git --git-dir=rewritten.xfa update-ref refs/heads/main "$(head_of)~1"
$XFA -C rewritten.xfa case move "$c2" accepted --as keys/clerk.key > /dev/null
expect 0 $XFA -C rewritten.xfa verify
expect 1 $XFA -C rewritten.xfa --json verify --checkpoint cp2
report_has .out history-rewritten -
$PY -c 'import json,sys; c=json.load(sys.stdin)["checkpoint"]; assert c["status"]=="history-rewritten", c' < .out

say "several checkpoints, a folder of them, --since"
mkdir cps
cp cp1 cps/a.cp; cp cp2 cps/b.cp
expect 0 $XFA --json verify --checkpoint cps --checkpoint cp1
valid_report .out
$PY -c 'import json,sys; r=json.load(sys.stdin); s=[c["status"] for c in r["checkpoints"]]; assert s==["ok"]*3 and r["checkpoint"]["file"]=="cps/a.cp", r["checkpoints"]' < .out
expect 66 $XFA verify --checkpoint no-such-folder/
mkdir empty; expect 66 $XFA verify --checkpoint empty
expect 0 $XFA --json verify --since cp1
valid_report .out
$PY -c 'import json,sys; c=json.load(sys.stdin)["coverage"]; assert c["mode"]=="since" and c["commits"]>=1 and c["rests_on"]["signer"].startswith("SHA256:"), c' < .out
expect 0 $XFA verify --since cp1
out_has "covered: the "
out_has "rests on the checkpoint"
expect 1 $XFA --json verify --since cp-garbage
$PY -c 'import json,sys; r=json.load(sys.stdin); assert r["coverage"]["from"] is None and r["totals"]["commits"]==0 and [f["reason"] for f in r["findings"]]==["bad-checkpoint"], r' < .out
expect 66 $XFA verify --since no-such-file
expect 64 $XFA verify --since cp1 --since cp2
expect 64 $XFA verify --since cp1 "$c1"
expect 1 $XFA -C rolled.xfa --json verify --since cp2
report_has .out rollback -
expect 1 $XFA -C rewritten.xfa --json verify --since cp2
report_has .out history-rewritten -

say "verify ID: through the derived event list"
rm -f "$XFA_ARCHIVE/xfa-evmap"
expect 0 $XFA --json verify "$c1"
valid_report .out
$PY -c 'import json,sys; c=json.load(sys.stdin)["coverage"]; assert c["mode"]=="cases" and c["derived"]=="rebuilt", c' < .out
[ -f "$XFA_ARCHIVE/xfa-evmap" ] || die "no xfa-evmap written"
expect 0 $XFA --json verify "$c1"
$PY -c 'import json,sys; c=json.load(sys.stdin)["coverage"]; assert c["derived"]=="current", c' < .out
printf 'garbage' > "$XFA_ARCHIVE/xfa-evmap"
expect 0 $XFA --json verify "$c1"
$PY -c 'import json,sys; c=json.load(sys.stdin)["coverage"]; assert c["derived"]=="rebuilt", c' < .out
expect 0 $XFA verify "$c1"
out_has "derived event list"

say "stock tools: git alone checks every commit signature"
# exactly the commands the README gives an auditor
$XFA keyring allowed-signers > allowed
git --git-dir="$XFA_ARCHIVE" -c gpg.format=ssh -c gpg.ssh.allowedSignersFile=allowed \
	log --show-signature > log.txt
commits=$(git --git-dir="$XFA_ARCHIVE" rev-list --count refs/heads/main)
[ "$(grep -c '^Good "git" signature for ' log.txt)" -eq "$commits" ] \
	|| die "git log --show-signature: not every commit has a good signature"
for c in $(git --git-dir="$XFA_ARCHIVE" rev-list refs/heads/main); do
	git --git-dir="$XFA_ARCHIVE" -c gpg.format=ssh -c gpg.ssh.allowedSignersFile=allowed \
		verify-commit "$c" 2> /dev/null || die "git verify-commit failed on $c"
done

say "stock tools: ssh-keygen checks an event signature"
dir=$(git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only refs/heads/main | grep "/$c1/case.json$" | sed 's#/case.json##')
mkdir -p events
git --git-dir="$XFA_ARCHIVE" show "main:$dir/events/000001.json" > events/000001.json
git --git-dir="$XFA_ARCHIVE" show "main:$dir/events/000001.sig" > events/000001.sig
ssh-keygen -Y verify -f allowed -I clerk@bureau.example -n xfa-event \
	-s events/000001.sig < events/000001.json | grep -q '^Good "xfa-event" signature'
sed 's/"seq": 1/"seq": 2/' events/000001.json > events/forged.json
if ssh-keygen -Y verify -f allowed -I clerk@bureau.example -n xfa-event \
	-s events/000001.sig < events/forged.json > /dev/null 2>&1; then
	die "ssh-keygen accepted a forged event"
fi
