# t_workflow.sh - the workflow refuses every illegal move with the right
# exit status and writes nothing (the head of main does not move); and
# `xfa lookup CODE` shows the public timeline without personal data.
. "$E2E/lib.sh"
F="$SHARED_FIXTURES/cases"

standard_archive
mkdir -p docs
for f in reply approval review recheck form; do echo "%PDF-1.4 $f" > "docs/$f.pdf"; done
mv_() { id=$1 st=$2 when=$3 who=$4; shift 4; $XFA -q case move "$id" "$st" --effective "$when" --as "keys/$who.key" "$@"; }

say "a case in handling"
code=$($XFA --json case new "$F"/02-*.json --as keys/clerk.key | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["query_code"])')
c=${code% *}; code=${code#* }

say "a move not in the table (registered -> replied, -> no such state)"
unchanged 65 $XFA case move "$c" replied --as keys/handler.key --attach reply:docs/reply.pdf --set outcome=support
err_has "no transition from 'registered' to 'replied'"
unchanged 65 $XFA case move "$c" finished --as keys/clerk.key
unchanged 65 $XFA case record "$c" approve --as keys/clerk.key

say "the wrong role: a handler may not accept, a clerk may not sign in"
unchanged 77 $XFA case move "$c" accepted --as keys/handler.key
err_has "lacks role"
unchanged 77 $XFA case move "$c" accepted --role handler --as keys/clerk.key
mv_ "$c" accepted 2026-02-10 clerk
mv_ "$c" assigned 2026-02-11 clerk --set unit=民政局
unchanged 77 $XFA case move "$c" handling --effective 2026-02-12 --as keys/clerk.key

say "an objection (退回) after its 5 working days is refused"
# assigned 02-11: 12, 13, 14 (adjusted Saturday), 24, 25 -> due 2026-02-25
unchanged 65 $XFA case move "$c" registered --effective 2026-02-26 --note "不属本单位职责" --as keys/handler.key
mv_ "$c" handling 2026-02-12 handler

say "effective times: not before the last step, not in the future"
unchanged 65 $XFA case move "$c" handling --effective 2026-02-01 --set-json extension_days=10 \
	--attach approval:docs/approval.pdf --as keys/leader.key
unchanged 65 $XFA case record "$c" note --note x --effective 2099-01-01 --as keys/clerk.key

say "a missing required attachment: extension without approval, reply without 处理意见书"
unchanged 65 $XFA case move "$c" handling --set-json extension_days=10 --effective 2026-03-01 --as keys/leader.key
err_has "approval"
unchanged 65 $XFA case move "$c" replied --set outcome=support --effective 2026-03-20 --as keys/handler.key
err_has "reply"
unchanged 65 $XFA case move "$c" replied --attach evidence:docs/reply.pdf --set outcome=support --effective 2026-03-20 --as keys/handler.key

say "extensions: not by a handler, at most 30 days, only once"
unchanged 77 $XFA case move "$c" handling --set-json extension_days=10 --attach approval:docs/approval.pdf \
	--effective 2026-03-01 --as keys/handler.key
unchanged 65 $XFA case move "$c" handling --set-json extension_days=31 --attach approval:docs/approval.pdf \
	--effective 2026-03-01 --as keys/leader.key
err_has "30"
unchanged 65 $XFA case move "$c" handling --set-json extension_days=0 --attach approval:docs/approval.pdf \
	--effective 2026-03-01 --as keys/leader.key
mv_ "$c" handling 2026-03-01 leader --set-json extension_days=30 --attach approval:docs/approval.pdf
# handle: case 02 is at the township (街道 answers within 72 hours):
# accepted 02-10 (a bare date is noon) + 72 h = 02-13T12:00; + 30 days of
# 24 hours (an hour due date does not roll) = 03-15T12:00
$XFA --json case show "$c" | $PY -c 'import json,sys; c=json.load(sys.stdin)["case"]; assert c["due"]["handle"]=="2026-03-15T12:00:00+08:00" and c["extensions"]==1, c["due"]'
cp docs/approval.pdf docs/approval2.pdf
unchanged 65 $XFA case move "$c" handling --set-json extension_days=5 --attach approval:docs/approval2.pdf \
	--effective 2026-03-02 --as keys/leader.key
err_has "already extended"

say "a 复查 request after its 30-day window"
mv_ "$c" replied 2026-03-20 handler --set outcome=explain --attach reply:docs/reply.pdf
# replied 03-20 + 30 = 04-19 Sun -> due 04-20; 04-21 is too late
unchanged 65 $XFA case move "$c" review_requested --effective 2026-04-21 --as keys/clerk.key
err_has "review_request"
unchanged 65 $XFA case move "$c" closed --set satisfaction=delighted --effective 2026-04-21 --as keys/clerk.key
unchanged 65 $XFA case move "$c" closed --effective 2026-04-21 --as keys/clerk.key
mv_ "$c" review_requested 2026-04-20 clerk
unchanged 65 $XFA case move "$c" reviewed --effective 2026-05-10 --as keys/reviewer.key
unchanged 77 $XFA case move "$c" reviewed --attach review:docs/review.pdf --effective 2026-05-10 --as keys/clerk.key

say "a repeat of a terminated (rechecked) matter can only be rejected"
t=$(new_case "$F"/03-*.json)
mv_ "$t" accepted 2026-03-05 clerk
mv_ "$t" assigned 2026-03-06 clerk --set unit=镇政府
mv_ "$t" handling 2026-03-09 handler
mv_ "$t" replied 2026-04-20 handler --set outcome=not-support --attach reply:docs/reply.pdf
mv_ "$t" review_requested 2026-05-08 clerk
mv_ "$t" reviewed 2026-06-02 reviewer --attach review:docs/review.pdf
# 复核 window: reviewed 06-02 + 30 = 07-02
unchanged 65 $XFA case move "$t" recheck_requested --effective 2026-07-03 --as keys/clerk.key
mv_ "$t" recheck_requested 2026-06-20 clerk
mv_ "$t" rechecked 2026-07-10 reviewer --attach recheck:docs/recheck.pdf
$PY -c '
import json, sys
d = json.load(open(sys.argv[1])); d["repeat_of"] = sys.argv[2]; d["received_at"] = "2026-08-03T10:00:00+08:00"
json.dump(d, open("repeat.json", "w"), ensure_ascii=False)' "$(ls "$F"/03-*.json)" "$t"
r=$(new_case repeat.json)
unchanged 65 $XFA case move "$r" accepted --effective 2026-08-04 --as keys/clerk.key
err_has "reject"
unchanged 65 $XFA case move "$r" transferred --set transferred_to=某部门 --effective 2026-08-04 --as keys/clerk.key
unchanged 65 $XFA case move "$r" withdrawn --effective 2026-08-04 --as keys/clerk.key
unchanged 65 $XFA case move "$r" rejected --effective 2026-08-04 --as keys/clerk.key
mv_ "$r" rejected 2026-08-04 clerk --set "decision.reason=已复核终结" --set decision.channel=other
# a repeat of a case that did not go through 复核 may be accepted
sed "s/\"repeat_of\": \"$t\"/\"repeat_of\": \"$c\"/" repeat.json > repeat2.json
r2=$(new_case repeat2.json)
mv_ "$r2" accepted 2026-08-04 clerk
$PY -c '
import json, sys
d = json.load(open("repeat.json")); d["repeat_of"] = "XF-2026-999999"
json.dump(d, open("repeat3.json", "w"), ensure_ascii=False)'
unchanged 66 $XFA case new repeat3.json --as keys/clerk.key

say "a proxy registration without its authorisation form"
unchanged 65 $XFA case new "$F"/04-*.json --as keys/clerk.key
err_has "authorization"
unchanged 65 $XFA case new "$F"/04-*.json --attach evidence:docs/form.pdf --as keys/clerk.key
# the form must carry the name the case document gives it
unchanged 65 $XFA case new "$F"/04-*.json --attach authorization:docs/form.pdf --as keys/clerk.key
unchanged 77 $XFA case new "$F"/02-*.json --as keys/handler.key
# the form's scope (权限) and term (期限) must be recorded
cp docs/form.pdf 授权委托书.pdf
$PY -c '
import json, sys
d = json.load(open(sys.argv[1])); del d["proxy"]["scope"]
json.dump(d, open("noscope.json", "w"), ensure_ascii=False)' "$(ls "$F"/04-*.json)"
unchanged 65 $XFA case new noscope.json --attach authorization:授权委托书.pdf --as keys/clerk.key
err_has "scope"
p=$(new_case "$F"/04-*.json --attach authorization:授权委托书.pdf)
$XFA --json case show "$p" | $PY -c '
import json, sys
c = json.load(sys.stdin)["case"]
assert c["proxy"]["agent"]["name"] == "李志玲" and c["proxy"]["principal"]["name"] == "李国友"
assert c["proxy"]["scope"] and c["proxy"]["term"]["until"] == "closed"
assert [a["kind"] for a in c["attachments"]] == ["authorization"]'
$XFA_ZH case show "$p" > proxy.txt
grep -q '^委托人 *李国友' proxy.txt && grep -q '^代办权限 .*申请复查复核' proxy.txt && grep -q '^代办期限 *2026-04-08 ~ 办结为止' proxy.txt \
	|| { cat proxy.txt; die "case show lacks the proxy's principal, powers or term"; }

say "internal steps: archiving only through export"
unchanged 65 $XFA case move "$r" archived --as keys/archivist.key

say "xfa lookup CODE: the public timeline, no personal data"
$XFA lookup "$code" > pub.txt
grep -q "$c" pub.txt || { cat pub.txt; die "lookup lacks the case id"; }
grep -q '复查申请' pub.txt || { cat pub.txt; die "lookup lacks the current state in Chinese"; }
grep -q '2026-02-10 *受理' pub.txt || { cat pub.txt; die "lookup lacks the acceptance date"; }
$XFA --json lookup "$code" > pub.json
$PY - pub.json "$F"/02-*.json <<'PY' || die "lookup shows personal data"
import json, sys
pub = open(sys.argv[1], encoding="utf-8").read()
doc = json.load(open(sys.argv[2]))
p = json.loads(pub)
assert p["status"] == "review_requested" and p["unit"] == "民政局", p
assert [s["state"] for s in p["timeline"] if "state" in s][:3] == ["registered", "accepted", "assigned"], p
for pet in doc["petitioners"]:
    for k in ("name", "id_number", "phone", "address"):
        if k in pet:
            assert pet[k] not in pub, (k, pet[k])
for k in ("summary", "facts", "reasons", "demands"):
    if k in doc:
        assert doc[k] not in pub, k
assert "note" not in pub and "SHA256:" not in pub, pub
PY
$XFA lookup "$code" | grep -q '王某\|158' && die "human lookup shows personal data"
unchanged 66 $XFA lookup AAAA-BBBB-CCCC-DDDD
unchanged 64 $XFA lookup
git --git-dir="$XFA_ARCHIVE" fsck --strict > /dev/null 2>&1 || die "git fsck"

say "tiers: hour limits below the county, counted again on escalation"
# case 05 is at the village (社区: review within 3 hours, answer within 48;
# reports 000 and 004): received 05-18T09:45 + 3 h = 12:45
$PY -c '
import json, sys
d = json.load(open(sys.argv[1])); del d["proxy"]
json.dump(d, open("village.json", "w"), ensure_ascii=False)' "$(ls "$F"/05-*.json)"
v=$(new_case village.json)
due_is() {
	$XFA --json case show "$1" | $PY -c '
import json, sys
c = json.load(sys.stdin)["case"]
want = dict(x.split("=", 1) for x in sys.argv[1].split())
assert c["due"] == want, (c["due"], want)' "$2" || die "case $1: due dates are not '$2'"
}
due_is "$v" "accept=2026-05-18T12:45:00+08:00"
# accepted 10:30 (in time), answer due 48 h later
mv_ "$v" accepted 2026-05-18T10:30:00+08:00 clerk
due_is "$v" "accept=2026-05-18T12:45:00+08:00 handle=2026-05-20T10:30:00+08:00"
# escalated to the street office 05-19T15:00: its 72 hours run from then
$XFA -q case record "$v" escalate --set level=township --note "社区无法解决，上报街道" \
	--effective 2026-05-19T15:00:00+08:00 --as keys/clerk.key
due_is "$v" "accept=2026-05-18T12:45:00+08:00 handle=2026-05-22T15:00:00+08:00"
# then to the county 05-21T09:00: the statutory 60 days, 05-21 + 60 = 07-20 Mon
$XFA -q case record "$v" escalate --set level=county --note "街道化解未果，上报县" \
	--effective 2026-05-21T09:00:00+08:00 --as keys/leader.key
due_is "$v" "accept=2026-05-18T12:45:00+08:00 handle=2026-07-20"
$XFA --json case show "$v" | $PY -c '
import json, sys
d = {x["id"]: x for x in json.load(sys.stdin)["deadlines"]}
assert d["accept"]["met"] is True and d["accept"]["done"] == "2026-05-18T10:30:00+08:00", d["accept"]'
# a village case accepted after its 3 hours is late; verify reports it
w=$(new_case village.json)
mv_ "$w" accepted 2026-05-18T13:00:00+08:00 clerk
$XFA --json case show "$w" | $PY -c '
import json, sys
d = {x["id"]: x for x in json.load(sys.stdin)["deadlines"]}
assert d["accept"]["met"] is False, d["accept"]'
$XFA --json verify "$v" "$w" > tiers.json || { cat tiers.json; die "verify refused the tiered cases"; }
# verify judges open duties on today's date: neither case was answered
$PY - tiers.json "$v" "$w" <<'PY' || die "verify: the tiered deadline findings"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] and d["findings"] == [], d["findings"]
got = sorted((f["case"], f["reason"]) for f in d["deadlines"])
assert got == sorted([(sys.argv[2], "late-handle"), (sys.argv[3], "late-accept"),
                      (sys.argv[3], "late-handle")]), got
PY
