# t_risk_enable.sh - an archive made before the risk ledger 矛盾纠纷台账
# (archive.json without "ledger"; its init event re-signed as such):
# verifies, refuses risk items (65); `xfa risk enable --as ADMIN` adds the
# ledger as a signed "ledger-enable" event of the archive's own stream,
# attaching the shipped ledger workflow, refused for a non-admin (77), the
# cases' prefix, twice, or another file of the workflow's name (65, nothing
# written); afterwards risk items work and verify, git verify-commit,
# ssh-keygen and jsonschema accept the event; the same event re-signed by a
# clerk is caught by verify (keyring-unauthorised).
. "$E2E/lib.sh"
SSHSIGN=$(dirname "$XFA")/sshsign
[ -x "$SSHSIGN" ] || die "$SSHSIGN missing: make BUILD=$(dirname "$XFA") $(dirname "$XFA")/sshsign"
unset GIT_INDEX_FILE
mkkey admin admin@bureau.example
mkkey clerk clerk@bureau.example
SCHEMAS=$E2E/../../schemas

# --- git plumbing on archive $T, re-signed with the keyring's keys
G() { git --git-dir="$T" "$@"; }
put() { G update-index --add --cacheinfo "100644,$(G hash-object -w "$2"),$1"; }
esign() { rm -f "$1.sig"; "$SSHSIGN" -Y sign -n xfa-event -f "$2" "$1" > /dev/null 2>&1; }
# canon PYEXPR [ARG]: stdin's JSON after PYEXPR on d, canonical as xfa writes it
canon() { $PY -c '
import hashlib, json, sys
d = json.load(sys.stdin)
exec(sys.argv[1])
sys.stdout.write(json.dumps(d, indent=2, ensure_ascii=False, sort_keys=True) + "\n")' "$@"; }
recommit() {   # recommit KEY [PARENT]: the index's tree with the head's author (or AN, AE), time, message
	an=${AN:-$(G log -1 --format=%an main)}; ae=${AE:-$(G log -1 --format=%ae main)}
	ad=$(G log -1 --format=%ad --date=raw main); msg=${MSG:-$(G log -1 --format=%B main)}
	tree=$(G write-tree); key=$1; shift
	ps=""; for p in "$@"; do ps="$ps -p $p"; done
	c=$(GIT_AUTHOR_NAME="$an" GIT_AUTHOR_EMAIL="$ae" GIT_AUTHOR_DATE="$ad" \
	    GIT_COMMITTER_NAME="$an" GIT_COMMITTER_EMAIL="$ae" GIT_COMMITTER_DATE="$ad" \
	    G -c gpg.format=ssh -c gpg.ssh.program="$SSHSIGN" -c user.signingkey="$key" \
	    commit-tree -S "$tree" $ps -m "$msg")
	G update-ref refs/heads/main "$c"
}

# archive.json or the init event without "ledger", its workflow file's record
# gone (argv[2] none) or matching wf.json
UNLEDGER='
del (d["patch"] if "patch" in d else d)["ledger"]
data = open("wf.json", "rb").read()
for a in list(d["attachments"]):
    if a["name"] == "risk-ledger.json":
        if sys.argv[2] == "none": d["attachments"].remove(a)
        else: a.update(sha256=hashlib.sha256(data).hexdigest(), size=len(data))'

# old_archive PATH FILE: an archive as `xfa init` made it before the ledger.
# FILE: none (no ledger workflow in .xfa/attachments/, as then), same (the
# shipped file there, named by nothing), other (another file of its name).
old_archive() {
	T=$1
	XFA_ARCHIVE=$T $XFA init --name "旧档案" --fonds J002 --as keys/admin.key > /dev/null
	export GIT_INDEX_FILE=$PWD/old.index
	G read-tree main
	f=.xfa/attachments/risk-ledger.json
	G show "main:$f" > wf.json
	case $2 in
	none)  printf '0 %040d\t%s\n' 0 "$f" | G update-index --index-info ;;
	other) printf '{"id": "local-ledger"}\n' > wf.json; put "$f" wf.json ;;
	esac
	G show main:.xfa/archive.json | canon "$UNLEDGER" "$2" > doc.json
	G show main:.xfa/events/000001.json | canon "$UNLEDGER" "$2" > ev1.json
	put .xfa/archive.json doc.json
	esign ev1.json keys/admin.key
	put .xfa/events/000001.json ev1.json; put .xfa/events/000001.sig ev1.json.sig
	# the writer's message names the event's hash (verify requires it whole)
	MSG=$(printf 'archive #1 init\n\nevent-sha256: %s' "$(sha256sum ev1.json | cut -d' ' -f1)") \
		recommit keys/admin.key
	unset GIT_INDEX_FILE
}

cat > r.json <<EOF
{"received_at": "2026-01-02T10:00:00+08:00", "found_by": "东升村周排查", "locality": "东升村",
 "parties": ["赵某"], "category": "land-dispute", "headcount": 2, "summary": "宅基地争议"}
EOF

say "an archive made before the ledger: verifies, refuses risk items (65)"
old_archive "$PWD/old.xfa" none
export XFA_ARCHIVE=$T
! G cat-file -e main:.xfa/attachments/risk-ledger.json 2> /dev/null || die "the old archive has the ledger workflow"
expect 0 $XFA verify
out_has "ok: the archive is sound"
$XFA keyring add keys/clerk.pub --role clerk --as keys/admin.key > /dev/null
unchanged 65 $XFA risk new r.json --as keys/clerk.key
err_has "no risk ledger"
expect 65 $XFA report ledger
expect 0 $XFA report stats --year 2026

say "risk enable: refused for a non-admin, a bad or the cases' prefix; nothing written"
unchanged 77 $XFA risk enable --as keys/clerk.key
err_has "not an admin"
unchanged 65 $XFA risk enable --prefix XF --as keys/admin.key
err_has "cases' prefix"
unchanged 65 $XFA risk enable --prefix fx1 --as keys/admin.key
err_has "'fx1' is not 1 to 8 capital letters"
unchanged 65 $XFA risk enable --prefix ABCDEFGHI --as keys/admin.key
unchanged 64 $XFA risk enable extra --as keys/admin.key
unchanged 64 $XFA risk enable --prefix
printf 'wrong passphrase\n' > wrongpass; chmod 600 wrongpass
export XFA_PASSPHRASE_FILE=$PWD/wrongpass   # a bad prefix is refused before the key is unlocked
unchanged 65 $XFA risk enable --prefix XF --as keys/admin.key
err_has "cases' prefix"
unchanged 77 $XFA risk enable --as keys/admin.key
export XFA_PASSPHRASE_FILE=$PWD/pass

say "risk enable: the ledger as an admin's signed event of the archive's stream"
before=$(head_of)
expect 0 $XFA --json risk enable --as keys/admin.key
$PY -c 'import json,sys; assert json.load(open(sys.argv[1])) == {"prefix": "FX", "workflow": "risk-ledger.json"}' .out
[ "$(G rev-parse main^)" = "$before" ] || die "risk enable is not one commit on the head"
G show main:.xfa/attachments/risk-ledger.json | cmp - "$SCHEMAS/workflow/risk-ledger.json" \
	|| die "the attached ledger workflow is not the shipped one"
n=$(G ls-tree --name-only main .xfa/events/ | grep -c '\.json$')
ev=$(printf '.xfa/events/%06d.json' "$n")
G show "main:$ev" > ev.json
G show "main:${ev%.json}.sig" > ev.sig
keyof() { $XFA --json keyring list | $PY -c '
import json,sys; print([f for f, r in json.load(sys.stdin).items() if sys.argv[1] in r["roles"]][0])' "$1"; }
admin=$(keyof admin)
clerk=$(keyof clerk)
$PY - ev.json "$admin" "$SCHEMAS/workflow/risk-ledger.json" <<'EOF'
import hashlib, json, sys
e = json.load(open(sys.argv[1])); wf = open(sys.argv[3], "rb").read()
assert e["type"] == "ledger-enable" and e["role"] == "admin" and e["by"] == sys.argv[2], e
assert e["case"] == "archive" and e["patch"] == {"ledger": {"prefix": "FX", "workflow": "risk-ledger.json"}}, e
assert e["attachments"] == [{"name": "risk-ledger.json", "kind": "workflow", "media_type": "application/json",
                             "size": len(wf), "sha256": hashlib.sha256(wf).hexdigest()}], e["attachments"]
EOF
G show main:.xfa/archive.json | $PY -c '
import json,sys; d=json.load(sys.stdin)
assert d["ledger"] == {"prefix": "FX", "workflow": "risk-ledger.json"}, d
assert [a["name"] for a in d["attachments"]].count("risk-ledger.json") == 1, d["attachments"]'
unchanged 65 $XFA risk enable --as keys/admin.key
err_has "already"

say "stock tools judge it: ssh-keygen, git verify-commit, jsonschema"
allowed_signers > /dev/null
ssh-keygen -Y verify -f allowed -I admin@bureau.example -n xfa-event -s ev.sig < ev.json > /dev/null
sgit verify-commit main 2> /dev/null || { sgit verify-commit main; die "git verify-commit refused the ledger-enable commit"; }
echo "$ev" | $PY "$E2E/validate.py" "$SCHEMAS" "$XFA_ARCHIVE" event.schema.json
echo .xfa/archive.json | $PY "$E2E/validate.py" "$SCHEMAS" "$XFA_ARCHIVE" archive.schema.json

say "verify accepts it; risk items work afterwards"
cp -a "$XFA_ARCHIVE" enabled.xfa
expect 0 $XFA verify
out_has "ok: the archive is sound"
R=$($XFA --json risk new r.json --as keys/clerk.key | $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')
[ "$R" = FX-2026-000001 ] || die "first risk id $R"
expect 0 $XFA risk move "$R" 3 --note "列入重点管理" --as keys/clerk.key
expect 0 $XFA risk log "$R"
out_has "列入三级清单"
n=$($XFA --json report ledger | $PY -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$n" = 1 ] || die "ledger total $n, want 1"
expect 0 $XFA verify
out_has "ok: the archive is sound"
G fsck --full --strict --no-dangling

say "tamper: the same ledger-enable event signed by a clerk, commit re-signed"
T=$PWD/enabled.xfa
export GIT_INDEX_FILE=$PWD/t.index
G read-tree main
canon 'd["by"] = sys.argv[2]' "$clerk" < ev.json > evc.json
esign evc.json keys/clerk.key
put "$ev" evc.json; put "${ev%.json}.sig" evc.json.sig
MSG=$(G log -1 --format=%s main; printf '\nevent-sha256: %s' "$(sha256sum evc.json | cut -d' ' -f1)") \
AN=clerk AE=clerk@bureau.example recommit keys/clerk.key "$(G rev-parse main^)"
unset GIT_INDEX_FILE
set +e; XFA_ARCHIVE=$T $XFA --json verify > report.json 2> report.err; st=$?; set -e
[ "$st" -eq 1 ] || { cat report.err; die "verify exited $st on a clerk's ledger-enable, not 1"; }
$PY - report.json <<'EOF' || die "a clerk's ledger-enable not reported"
import json, sys
r = json.load(open(sys.argv[1]))
got = [(f["reason"], f["message"]) for f in r["findings"]]
print("    found:", got)
assert any(reason == "keyring-unauthorised" and "not an admin" in m for reason, m in got), got
assert {reason for reason, _ in got} == {"keyring-unauthorised", "role-not-allowed"}, got
EOF

say "an old archive holding the shipped workflow file already: enabled without attaching it again"
old_archive "$PWD/same.xfa" same
export XFA_ARCHIVE=$T
expect 0 $XFA verify
expect 0 $XFA risk enable --as keys/admin.key
out_has "FX-YYYY-NNNNNN"
G show main:.xfa/events/000002.json | $PY -c '
import json,sys; e=json.load(sys.stdin); assert e["type"] == "ledger-enable" and "attachments" not in e, e'
expect 0 $XFA verify
out_has "ok: the archive is sound"

say "an old archive holding another file of the workflow's name: refused (65), nothing written"
old_archive "$PWD/other.xfa" other
export XFA_ARCHIVE=$T
expect 0 $XFA verify
unchanged 65 $XFA risk enable --as keys/admin.key
err_has "not the shipped ledger workflow"
echo "t_risk_enable: ok"
