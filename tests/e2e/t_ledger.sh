# t_ledger.sh - leaders and levels (issue 9): 签批 (instruct) and 包案
# (assign-lead) are signed status-free events with the leader role; a case
# is escalated 逐级上报 one level at a time (village -> township -> county)
# with a reason, and refused past the top or when skipping a level; `xfa
# case list --lead NAME` lists a leader's cases; verify accepts it all.
. "$E2E/lib.sh"
F="$SHARED_FIXTURES/cases"

standard_archive
rec() { $XFA -q case record "$@"; }

say "a village-level case (05) and a county-level case (01)"
mkdir -p docs; echo "%PDF-1.4 form" > docs/授权委托书.pdf
v=$(new_case "$F"/05-*.json --attach "authorization:docs/授权委托书.pdf")
k=$(new_case "$F"/01-*.json)
lvl() { $XFA --json case show "$1" | $PY -c 'import json,sys; print(json.load(sys.stdin)["case"]["level"])'; }
[ "$(lvl "$v")" = village ] || die "05 should start at village level"

say "escalation needs a reason, the next level, and a clerk or leader"
unchanged 65 $XFA case record "$v" escalate --set level=township --as keys/clerk.key
err_has "note"
unchanged 65 $XFA case record "$v" escalate --set level=county --note "村调解未果" --as keys/clerk.key
err_has "one step at a time"
unchanged 65 $XFA case record "$v" escalate --note "村调解未果" --as keys/clerk.key
unchanged 77 $XFA case record "$v" escalate --set level=township --note "村调解未果" --as keys/handler.key
rec "$v" escalate --set level=township --note "村调解未果，上报镇" --as keys/clerk.key
[ "$(lvl "$v")" = township ] || die "not escalated to township"
rec "$v" escalate --set level=county --note "镇级化解未果，上报县" --as keys/leader.key
[ "$(lvl "$v")" = county ] || die "not escalated to county"

say "an extension belongs to one level's handling: escalation counts the deadline again and allows a new one"
w=$(new_case "$F"/05-*.json --attach "authorization:docs/授权委托书.pdf")
echo "%PDF-1.4 approval" > docs/approval.pdf
echo "%PDF-1.4 approval 2" > docs/approval2.pdf
echo "%PDF-1.4 approval 3" > docs/approval3.pdf
$XFA -q case move "$w" accepted --as keys/clerk.key
$XFA -q case move "$w" assigned --set unit=村委会 --as keys/clerk.key
$XFA -q case move "$w" handling --as keys/handler.key
$XFA -q case move "$w" handling --set-json extension_days=10 --attach approval:docs/approval.pdf --as keys/leader.key
ext() { $XFA --json case show "$1" | $PY -c 'import json,sys; c=json.load(sys.stdin)["case"]; print(c.get("extensions", 0), c["due"]["handle"])'; }
set -- $(ext "$w"); [ "$1" = 1 ] || die "one extension expected, got $1"; due1=$2
unchanged 65 $XFA case move "$w" handling --set-json extension_days=5 --attach approval:docs/approval2.pdf --as keys/leader.key
err_has "already extended"
rec "$w" escalate --set level=township --note "村级化解未果，上报镇" --as keys/clerk.key
set -- $(ext "$w"); [ "$1" = 0 ] || die "escalation should count extensions again, got $1"
[ "$2" != "$due1" ] || die "escalation should count the handling deadline again"
$XFA -q case move "$w" handling --set-json extension_days=5 --attach approval:docs/approval2.pdf --as keys/leader.key
set -- $(ext "$w"); [ "$1" = 1 ] || die "the township's extension was not counted: $1"
unchanged 65 $XFA case move "$w" handling --set-json extension_days=5 --attach approval:docs/approval3.pdf --as keys/leader.key
err_has "already extended"

say "past the top level (county) is refused, nothing written"
unchanged 65 $XFA case record "$v" escalate --set level=county --note "再上报" --as keys/leader.key
err_has "top of the list"
unchanged 65 $XFA case record "$k" escalate --set level=city --note "上报市" --as keys/leader.key

say "签批 by a leader only, with the instruction text"
unchanged 77 $XFA case record "$k" instruct --note "请民政局三日内办理" --as keys/clerk.key
unchanged 65 $XFA case record "$k" instruct --as keys/leader.key
rec "$k" instruct --note "请民政局三日内办理" --as keys/leader.key

say "包案: the lead is required; the leader or a clerk assigns"
unchanged 65 $XFA case record "$k" assign-lead --as keys/leader.key
unchanged 77 $XFA case record "$k" assign-lead --set lead=王县长 --as keys/handler.key
rec "$k" assign-lead --set lead=王县长 --as keys/leader.key
rec "$v" assign-lead --set lead=王县长 --as keys/clerk.key
t=$(new_case "$F"/03-*.json)
rec "$t" assign-lead --set lead=李副县长 --as keys/leader.key

say "case list --lead lists exactly that leader's cases"
n=$($XFA --json case list --lead 王县长 | $PY -c '
import json,sys; rows=json.load(sys.stdin); print(" ".join(sorted(r["id"] for r in rows)))')
want=$(printf '%s\n%s\n' "$k" "$v" | sort | tr '\n' ' ' | sed 's/ $//')
[ "$n" = "$want" ] || die "--lead 王县长 gave '$n', want '$want'"
n=$($XFA --json case list --lead 李副县长 | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 1 ] || die "--lead 李副县长 gave $n cases"
$XFA case list --lead 王县长 > out.txt
grep -q "$k" out.txt && grep -q "$v" out.txt || die "human list lacks the cases"

say "the log shows the signed events with their roles; verify is clean"
$XFA --json case log "$v" | $PY -c '
import json,sys
evs=json.load(sys.stdin)
evs=evs.get("events", evs) if isinstance(evs, dict) else evs
esc=[e for e in evs if e.get("type")=="escalate"]
assert len(esc)==2, esc
assert [e["patch"]["level"] for e in esc]==["township","county"], esc
assert esc[1]["role"]=="leader" and esc[0]["role"]=="clerk", esc
'
expect 0 $XFA verify
echo "t_ledger: ok"
