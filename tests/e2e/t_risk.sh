# t_risk.sh - the dispute-risk ledger 矛盾纠纷台账 stored in the archive
# (issue 9.1): risk items registered from weekly screening under risks/,
# moved between the three lists as signed events, linked to a petition case
# that must exist, struck off 销号 only after the observation period on list 1
# by a clerk; `report ledger` and `report stats` against counts computed here;
# case list shows no risk items; verify, git verify-commit, ssh-keygen and
# jsonschema judge the records; a tampered risk event is caught.  An archive
# made before the ledger, and adding one to it: t_risk_enable.sh.
. "$E2E/lib.sh"
SSHSIGN=$(dirname "$XFA")/sshsign
[ -x "$SSHSIGN" ] || die "$SSHSIGN missing: make BUILD=$(dirname "$XFA") $(dirname "$XFA")/sshsign"
unset GIT_INDEX_FILE

standard_archive
say "archive.json names the ledger; its workflow is staged beside the petition one"
git --git-dir="$XFA_ARCHIVE" show main:.xfa/archive.json | $PY -c '
import json,sys; d=json.load(sys.stdin)
assert d["ledger"] == {"prefix": "FX", "workflow": "risk-ledger.json"}, d.get("ledger")'
git --git-dir="$XFA_ARCHIVE" show main:.xfa/attachments/risk-ledger.json | cmp - "$E2E/../../schemas/workflow/risk-ledger.json" \
	|| die "staged ledger workflow differs from schemas/"

# risk FOUND(YYYY-MM-DD) LOCALITY SUMMARY: register as the clerk, print the id
risk() {
	cat > r.json <<EOF
{"received_at": "${1}T10:00:00+08:00", "found_by": "${2}周排查", "locality": "$2",
 "parties": ["赵某", "钱某"], "category": "land-dispute", "headcount": 3, "summary": "$3"}
EOF
	$XFA --json risk new r.json --as keys/clerk.key | $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
mv_() { $XFA -q risk move "$@"; }
status() { $XFA --json risk show "$1" | $PY -c 'import json,sys; print(json.load(sys.stdin)["risk"]["status"])'; }

say "register: two risks found in 2025, seven in 2026"
A=$(risk 2025-01-06 东升村 "2025年宅基地争议")
B=$(risk 2025-02-03 西河村 "2025年拖欠工资")
R1=$(risk 2026-01-02 东升村 "征地补偿争议")
R2=$(risk 2026-01-05 西河村 "拖欠工资")
R3=$(risk 2026-01-07 南山村 "邻里宅基地纠纷")
R4=$(risk 2026-01-09 北岭村 "婚姻家庭纠纷")
R5=$(risk 2026-01-12 东升村 "土地流转纠纷")
R6=$(risk 2026-02-02 西河村 "山林权属争议")
R7=$(risk 2026-03-02 南山村 "赡养纠纷")
[ "$A" = FX-2025-000001 ] && [ "$B" = FX-2025-000002 ] && [ "$R1" = FX-2026-000001 ] && [ "$R7" = FX-2026-000007 ] \
	|| die "risk ids: $A $B $R1 $R7"
git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only main | grep -q "^risks/2026/00/00/$R1/events/000001.sig$" \
	|| die "risk not stored under risks/YYYY/ab/cd/ID/"
[ "$(status "$R1")" = screened ] || die "a new risk is screened"

say "bad registrations are refused, nothing written"
printf '{"received_at": "2026-01-02T10:00:00+08:00", "locality": "东升村", "summary": "无排查单位"}' > bad.json
unchanged 65 $XFA risk new bad.json --as keys/clerk.key
err_has "found_by"
printf '{"received_at": "2026-01-02T10:00:00+08:00", "found_by": "x", "locality": "x", "summary": "x", "status": "level1"}' > bad.json
unchanged 65 $XFA risk new bad.json --as keys/clerk.key
unchanged 77 $XFA risk new r.json --as keys/handler.key

say "moves between the lists: a reason, a clerk or leader, a known list"
mv_ "$A" 1 --note "调解协议已履行" --effective 2025-01-10 --as keys/clerk.key
mv_ "$B" level2 --note "欠薪未结清" --effective 2025-02-04 --as keys/leader.key
mv_ "$R1" level3 --note "双方对立情绪大" --effective 2026-01-03 --as keys/clerk.key
mv_ "$R2" 2 --note "需持续关注" --effective 2026-01-06 --as keys/clerk.key
mv_ "$R3" 3 --note "有激化苗头" --effective 2026-01-08 --as keys/clerk.key
mv_ "$R3" 2 --note "调解中" --effective 2026-02-01 --as keys/leader.key
mv_ "$R3" 1 --note "调解成功" --effective 2026-03-01 --as keys/clerk.key
mv_ "$R4" 1 --note "当场化解" --effective 2026-01-10 --as keys/clerk.key
mv_ "$R7" 1 --note "已化解" --effective 2026-03-05 --as keys/clerk.key
unchanged 65 $XFA risk move "$R6" level3 --as keys/clerk.key
err_has "note"
unchanged 65 $XFA risk move "$R6" level4 --note "未知清单" --as keys/clerk.key
unchanged 65 $XFA risk move "$R6" accepted --note "信访状态" --as keys/clerk.key
unchanged 77 $XFA risk move "$R6" level3 --note "承办人无权" --as keys/handler.key
unchanged 66 $XFA risk move FX-2026-000099 level3 --note "无此编号" --as keys/clerk.key
[ "$(status "$R3")" = level1 ] || die "R3 should be on list 1"

say "linking a petition case: the case must exist and be a case"
X=$(new_case "$SHARED_FIXTURES"/cases/01-*.json)
unchanged 66 $XFA risk move "$R5" level3 --note "当事人来访" --set petition=XF-2026-999999 --as keys/clerk.key
err_has "no case"
unchanged 65 $XFA risk move "$R5" level3 --note "当事人来访" --set petition="$R1" --as keys/clerk.key
unchanged 66 $XFA risk record "$R2" link-petition --set petition=XF-2026-999999 --as keys/clerk.key
mv_ "$R5" level3 --note "当事人来访，转入信访事项办理" --set petition="$X" --effective 2026-01-13 --as keys/clerk.key
$XFA --json risk show "$R5" | $PY -c '
import json,sys; d=json.load(sys.stdin)["risk"]; assert d["petition"] == sys.argv[1], d' "$X"

say "risk log and case log show a risk item's steps in the ledger's words"
for cmd in "risk log" "case log"; do
	expect 0 $XFA $cmd "$R3"
	for w in "排查登记" "已排查登记" "列入三级清单" "三级清单（重点管理）" "列入二级清单" \
		 "列入一级清单（已化解）" "一级清单（一般管理）" "排查登记员" "领导"; do
		out_has "$w"
	done
	! grep -Eq 'register|screened|list-[123]|level[123]' .out || { cat .out; die "$cmd shows step ids"; }
	[ "$(wc -l < .out)" -eq 4 ] || { cat .out; die "$cmd: want 4 events of $R3"; }
done
expect 0 $XFA --lang en risk log "$R5"
out_has "put on list 3" && out_has "list 3 (key management)" && out_has "screening clerk"
expect 0 $XFA case log "$X"    # a case's log keeps the petition workflow's words
out_has "登记" && out_has "登记员"
! grep -q "排查" .out || die "a case's log speaks the ledger's words"

say "销号: only from list 1, after the observation period, by a clerk"
unchanged 65 $XFA risk move "$R7" struck --note "申请销号" --effective 2026-05-01 --as keys/clerk.key
err_has "observation"
unchanged 65 $XFA risk move "$R1" struck --note "申请销号" --effective 2026-11-01 --as keys/clerk.key
unchanged 77 $XFA risk move "$R4" struck --note "申请销号" --effective 2026-07-20 --as keys/leader.key
unchanged 65 $XFA risk move "$R4" struck --effective 2026-07-20 --as keys/clerk.key
mv_ "$R4" struck --note "观察期满无信访，申请销号" --effective 2026-07-20 --as keys/clerk.key
mv_ "$A" struck --note "观察期满无信访，申请销号" --effective 2025-07-20 --as keys/clerk.key
unchanged 65 $XFA risk move "$R4" level3 --note "复发" --as keys/clerk.key
$XFA risk record "$R6" note --note "本周回访，情况稳定" --as keys/handler.key > /dev/null

say "risk list: by level, JSON and text"
$XFA --json risk list > all.json
n=$($PY -c 'import json,sys; print(len(json.load(open("all.json"))))')
[ "$n" = 9 ] || die "risk list gave $n items, want 9"
n=$($XFA --json risk list --level 1 | $PY -c 'import json,sys; print(" ".join(sorted(r["id"] for r in json.load(sys.stdin))))')
[ "$n" = "$R3 $R7" ] || die "--level 1 gave '$n'"
expect 65 $XFA risk list --status accepted
expect 64 $XFA risk list --level x
$XFA_ZH risk list > list.txt
grep -q "$R5" list.txt && grep -q "三级清单" list.txt || die "text list lacks rows or labels"

say "report ledger: counts per list against the list, items due for 销号"
ledger() { $XFA --json report ledger "$@" > ledger.json; }
ledger --at 2026-06-01
$PY - all.json ledger.json <<'EOF'
import json, sys, collections
items = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
want = collections.Counter(i["status"] for i in items)
got = {l["state"]: l["count"] for l in r["levels"]}
assert [l["state"] for l in r["levels"]] == ["screened", "level3", "level2", "level1", "struck"], r["levels"]
assert got == {s: want.get(s, 0) for s in got}, (got, want)
assert got == {"screened": 1, "level3": 2, "level2": 2, "level1": 2, "struck": 2}, got
assert r["total"] == 9 and r["struck"] == 2 and r["open"] == 7, r
assert r["due"] == [], r["due"]
assert r["at"] == "2026-06-01"
EOF
due() { ledger --at "$1"; $PY -c 'import json; print(" ".join(d["id"] for d in json.load(open("ledger.json"))["due"]))'; }
[ "$(due 2026-08-30)" = "$R3" ] || die "due on 2026-08-30: '$(due 2026-08-30)', want $R3"
[ "$(due 2026-10-01)" = "$R3 $R7" ] || die "due on 2026-10-01: '$(due 2026-10-01)'"
$PY -c '
import json, datetime
r = json.load(open("ledger.json"))
for d in r["due"]:
    due = datetime.date.fromisoformat(d["due"])
    assert d["days_over"] == (datetime.date(2026, 10, 1) - due).days, d
    assert due >= datetime.date(2026, 8, 27), d'
$XFA_ZH report ledger --at 2026-10-01 > ledger.txt
grep -q "一级清单（一般管理）  *2" ledger.txt && grep -q "观察期满待销号 2 件" ledger.txt \
	&& grep -q "$R7" ledger.txt || { cat ledger.txt; die "text ledger"; }
expect 64 $XFA report ledger --at 2026-13-01

say "report stats: risks screened and resolved, with 同比"
$XFA --json report stats --year 2026 > stats.json
$PY - stats.json all.json <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["counts"]; items = json.load(open(sys.argv[2]))
def n(y): return sum(1 for i in items if i["received_at"].startswith(y))
def s(y): return sum(1 for i in items if i.get("milestones", {}).get("struck", "").startswith(y))
assert r["risks_screened"] == {"value": n("2026"), "previous": n("2025"),
       "yoy": round((n("2026") - n("2025")) * 1000 / n("2025")) / 10}, r["risks_screened"]
assert (n("2026"), n("2025")) == (7, 2)
assert r["risks_resolved"] == {"value": s("2026"), "previous": s("2025"), "yoy": 0.0}, r["risks_resolved"]
assert (s("2026"), s("2025")) == (1, 1)
assert r["cases"]["value"] + r["cases"]["previous"] <= 1, "risks counted as cases"
EOF
$XFA_ZH report stats --year 2026 > stats.txt
grep -q "排查矛盾纠纷 7 件，同比件数上升 250.0%；化解销号 1 件，同比件数持平" stats.txt || { cat stats.txt; die "stats text"; }

say "case list shows cases only (index and scan)"
for mode in on off; do
	ids=$(XFA_INDEX=$mode $XFA --json case list | $PY -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))')
	[ "$ids" = "$X" ] || die "case list (index $mode) gave '$ids', want $X"
done
$XFA --json case show "$R3" > /dev/null    # case show takes risk ids too
expect 0 $XFA_ZH case show "$R3"               # in the ledger's view and words
out_has "一级清单（一般管理）" && out_has "排查单位"
! grep -q "level1" .out || die "case show of a risk item shows the state id"

say "verify, git verify-commit, ssh-keygen, jsonschema"
expect 0 $XFA verify
out_has "ok: the archive is sound"
allowed_signers > /dev/null
c=$(sgit log --format=%H -1 -- "risks/")
sgit verify-commit "$c" 2> /dev/null || { sgit verify-commit "$c"; die "verify-commit failed on $c"; }
sgit log --format=%s -1 "$c" | grep -q "^FX-" || die "last risk commit message"
d=$(git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only main | grep "/$R5/case.json$" | sed 's#/case.json$##')
git --git-dir="$XFA_ARCHIVE" show "main:$d/events/000002.json" > ev.json
git --git-dir="$XFA_ARCHIVE" show "main:$d/events/000002.sig" > ev.sig
ssh-keygen -Y verify -f allowed -I clerk@bureau.example -n xfa-event -s ev.sig < ev.json > /dev/null
git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only main | grep -E '^risks/.*/case\.json$' > risks
[ "$(wc -l < risks)" -eq 9 ] || die "expected 9 risk documents"
$PY "$E2E/validate.py" "$E2E/../../schemas" "$XFA_ARCHIVE" risk.schema.json < risks
git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only main | grep -E '^risks/.*/events/[0-9]{6}\.json$' \
	| $PY "$E2E/validate.py" "$E2E/../../schemas" "$XFA_ARCHIVE" event.schema.json
if echo "$d/case.json" | $PY "$E2E/validate.py" "$E2E/../../schemas" "$XFA_ARCHIVE" case.schema.json 2> /dev/null; then
	die "a risk document passed as a case document"
fi
git --git-dir="$XFA_ARCHIVE" fsck --full --strict 2> /dev/null

# --- tampering with a copy (git plumbing, re-signed with the keyring's keys)
G() { git --git-dir="$T" "$@"; }
put() { G update-index --add --cacheinfo "100644,$(G hash-object -w "$2"),$1"; }
edit() {   # edit PATH PYEXPR: canonical JSON of PATH at main after PYEXPR on d, into `edited`
	G show "main:$1" | $PY -c '
import json, sys
d = json.load(sys.stdin)
exec(sys.argv[1])
sys.stdout.write(json.dumps(d, indent=2, ensure_ascii=False, sort_keys=True) + "\n")' "$2" > edited
}
esign() { rm -f "$1.sig"; "$SSHSIGN" -Y sign -n xfa-event -f "$2" "$1" > /dev/null 2>&1; }
recommit() {   # recommit KEY [PARENT]: the index's tree with the head's author, time, message
	an=$(G log -1 --format=%an main); ae=$(G log -1 --format=%ae main)
	ad=$(G log -1 --format=%ad --date=raw main); msg=$(G log -1 --format=%B main)
	tree=$(G write-tree); key=$1; shift
	ps=""; for p in "$@"; do ps="$ps -p $p"; done
	c=$(GIT_AUTHOR_NAME="$an" GIT_AUTHOR_EMAIL="$ae" GIT_AUTHOR_DATE="$ad" \
	    GIT_COMMITTER_NAME="$an" GIT_COMMITTER_EMAIL="$ae" GIT_COMMITTER_DATE="$ad" \
	    G -c gpg.format=ssh -c gpg.ssh.program="$SSHSIGN" -c user.signingkey="$key" \
	    commit-tree -S "$tree" $ps -m "$msg")
	G update-ref refs/heads/main "$c"
}

say "tamper: a risk's move rewritten to 销号 from screened, event and commit re-signed"
T=$PWD/tampered.xfa
cp -a "$XFA_ARCHIVE" "$T"
XFA_ARCHIVE=$T $XFA -q risk move "$R6" level2 --note "升级关注" --as keys/clerk.key
export GIT_INDEX_FILE=$PWD/t.index
d6=$(G ls-tree -r --name-only main | grep "/$R6/case.json$" | sed 's#/case.json$##')
G read-tree main
edit "$d6/events/000003.json" 'd["to"] = "struck"'; cp edited ev3.json; esign ev3.json keys/clerk.key
put "$d6/events/000003.json" ev3.json; put "$d6/events/000003.sig" ev3.json.sig
edit "$d6/case.json" 'd["status"] = "struck"'; put "$d6/case.json" edited
recommit keys/clerk.key "$(G rev-parse main^)"
unset GIT_INDEX_FILE
set +e; XFA_ARCHIVE=$T $XFA --json verify > report.json 2> report.err; st=$?; set -e
[ "$st" -eq 1 ] || { cat report.err; die "verify exited $st on a tampered risk, not 1"; }
$PY - report.json "$R6" <<'EOF' || die "tampered risk not reported"
import json, sys
r = json.load(open(sys.argv[1]))
got = [(f["reason"], f["case"]) for f in r["findings"]]
print("    found:", got)
assert ("illegal-transition", sys.argv[2]) in got, got
EOF

say "tamper: a risk item filed under cases/ is not a case"
T=$PWD/misfiled.xfa
cp -a "$XFA_ARCHIVE" "$T"
XFA_ARCHIVE=$T $XFA -q risk record "$R2" note --note "回访" --as keys/clerk.key
export GIT_INDEX_FILE=$PWD/t2.index
G read-tree main
d2=$(G ls-tree -r --name-only main | grep "/$R2/case.json$" | sed 's#/case.json$##')
G ls-tree -r main -- "$d2" | while read -r mode type oid path; do
	G update-index --add --cacheinfo "$mode,$oid,cases/${path#risks/}"
	printf '0 %040d\t%s\n' 0 "$path" | G update-index --index-info
done
recommit keys/clerk.key "$(G rev-parse main^)"
unset GIT_INDEX_FILE
set +e; XFA_ARCHIVE=$T $XFA --json verify > report.json 2> report.err; st=$?; set -e
[ "$st" -eq 1 ] || { cat report.err; die "verify exited $st on a misfiled risk, not 1"; }
$PY - report.json "$R2" <<'EOF' || die "misfiled risk not reported"
import json, sys
r = json.load(open(sys.argv[1]))
got = [(f["reason"], f["case"], f["message"]) for f in r["findings"]]
print("    found:", got)
assert any(c == sys.argv[2] and "ledger's prefix" in m for _, c, m in got), got
EOF

say "tamper: a risk's petition link rewritten to a case that does not exist, re-signed"
T=$PWD/badlink.xfa
cp -a "$XFA_ARCHIVE" "$T"
XFA_ARCHIVE=$T $XFA -q risk record "$R2" link-petition --set petition="$X" --as keys/clerk.key
export GIT_INDEX_FILE=$PWD/t3.index
G read-tree main
d2=$(G ls-tree -r --name-only main | grep "/$R2/case.json$" | sed 's#/case.json$##')
n=$(G ls-tree --name-only main "$d2/events/" | grep -c '\.json$')
ev=$(printf '%s/events/%06d.json' "$d2" "$n")
edit "$ev" 'd["patch"]["petition"] = "XF-2026-999999"'; cp edited evl.json; esign evl.json keys/clerk.key
put "$ev" evl.json; put "${ev%.json}.sig" evl.json.sig
edit "$d2/case.json" 'd["petition"] = "XF-2026-999999"'; put "$d2/case.json" edited
recommit keys/clerk.key "$(G rev-parse main^)"
unset GIT_INDEX_FILE
set +e; XFA_ARCHIVE=$T $XFA --json verify > report.json 2> report.err; st=$?; set -e
[ "$st" -eq 1 ] || { cat report.err; die "verify exited $st on a dangling petition link, not 1"; }
$PY - report.json "$R2" <<'EOF' || die "dangling petition link not reported"
import json, sys
r = json.load(open(sys.argv[1]))
got = [(f["reason"], f["case"], f["message"]) for f in r["findings"]]
print("    found:", got)
assert any(c == sys.argv[2] and "XF-2026-999999" in m for _, c, m in got), got
EOF

say "verify ID takes a risk id; a struck-off item has no deadline finding"
expect 0 $XFA verify "$R4"
out_has "ok: the archive is sound"
grep -q "deadline finding" .out && die "a waiting period reported as a deadline finding"

say "sync: risks travel between offices like cases (fast-forward, union, conflict)"
unset GIT_INDEX_FILE
O=$XFA_ARCHIVE
for o in A01 B02; do expect 0 $XFA clone "$O" "$o.xfa" --office $o; done
a1=$(XFA_ARCHIVE=$PWD/A01.xfa risk 2026-04-01 东升村 "A01 排查")
b1=$(XFA_ARCHIVE=$PWD/B02.xfa risk 2026-04-02 西河村 "B02 排查")
[ "$a1" = FX-2026-A01-000001 ] && [ "$b1" = FX-2026-B02-000001 ] || die "office risk ids: $a1 $b1"
$XFA -C A01.xfa -q risk move "$R1" level2 --note "A01 降级" --as keys/clerk.key
expect 0 $XFA -C A01.xfa sync --as keys/clerk.key
expect 0 $XFA -C B02.xfa sync --as keys/clerk.key
[ "$(git --git-dir=B02.xfa rev-list --merges main | wc -l)" -ge 1 ] || die "no union merge in B02"
expect 0 $XFA -C B02.xfa verify
[ "$($XFA -C B02.xfa --json risk show "$R1" | $PY -c 'import json,sys; print(json.load(sys.stdin)["risk"]["status"])')" = level2 ] \
	|| die "A01's move did not reach B02"
$XFA -C B02.xfa -q risk move "$R1" level3 --note "B02 升级" --as keys/clerk.key
expect 0 $XFA -C A01.xfa sync --as keys/clerk.key
$XFA -C A01.xfa -q risk move "$R1" level1 --note "A01 化解" --as keys/clerk.key
expect 0 $XFA -C B02.xfa sync --as keys/clerk.key
before=$(head_of "$PWD/A01.xfa")
expect 65 $XFA -C A01.xfa sync --as keys/clerk.key
grep -q "$R1" .err .out || { cat .err .out; die "the conflict does not name $R1"; }
[ "$(head_of "$PWD/A01.xfa")" = "$before" ] || die "a conflicting sync moved the head"
n=$($XFA --json report ledger | $PY -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$n" = 11 ] || die "origin ledger total $n after sync, want 11"
expect 0 $XFA verify
echo "t_risk: ok"
