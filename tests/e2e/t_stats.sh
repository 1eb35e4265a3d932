# t_stats.sh - xfa report stats --year Y (issue 9): the yearly counts and
# their 同比 changes are checked against counts computed here, in Python,
# from the very documents the test registers; the Chinese text carries them
# in the yearbook's shape; bad options are refused with 64.
. "$E2E/lib.sh"
F="$SHARED_FIXTURES/cases"

standard_archive
mkdir -p in docs
echo "%PDF-1.4 reply" > docs/reply.pdf

say "fourteen petitions over 2025 and 2026, varied channel, batches, people, levels"
$PY - "$F/02-civil-affairs.json" <<'PY'
import json, sys
base = json.load(open(sys.argv[1]))
rows = [
  # year, channel, collective, first, skip, batches, headcount, level
  (2025, "visit", True,  True,  None,       1, 30, "county"),
  (2025, "visit", False, True,  "city",     1, None, "township"),
  (2025, "visit", False, False, "province", 2, 3, "village"),
  (2025, "online", False, None, None,       None, None, "village"),
  (2025, "letter", False, None, "national", 1, 2, "county"),
  (2025, "visit", True,  False, None,       3, 12, "township"),
  (2026, "visit", True,  True,  None,       2, 40, "county"),
  (2026, "visit", True,  True,  None,       1, 6, "township"),
  (2026, "visit", False, True,  "city",     1, None, "village"),
  (2026, "visit", False, True,  "city",     1, 2, "village"),
  (2026, "visit", False, False, "county",   1, 1, "township"),
  (2026, "online", False, None, None,       None, None, "village"),
  (2026, "online", False, None, None,       2, None, "county"),
  (2026, "phone", False, None, "national",  1, 1, "county"),
]
for i, (y, ch, co, fv, sk, b, h, lv) in enumerate(rows):
    d = dict(base)
    d["received_at"] = "%d-0%d-1%dT09:00:00+08:00" % (y, 1 + i % 9, i % 10)
    d["channel"], d["level"] = ch, lv
    for k, v in (("collective", co), ("first_visit", fv), ("skip_level", sk),
                 ("batches", b), ("headcount", h)):
        if v is None:
            d.pop(k, None)
        else:
            d[k] = v
    if i in (0, 6, 7):   # received at a leader's reception day
        d["reception"] = {"leader": "王县长", "date": d["received_at"][:10]}
    # 上级转送: online 03 (2025) and 12 (2026) came from above, online 11 did
    # not; letter 04 did too, but only online matters are counted
    if i in (3, 4, 12):
        d["forwarded_from"] = {3: "city", 4: "national", 12: "province"}[i]
    json.dump(d, open("in/%02d.json" % i, "w"), ensure_ascii=False)
PY
ids=""
for f in in/*.json; do ids="$ids $(new_case "$f")"; done
set -- $ids
# a repeat in 2026 of the first 2025 case, and one repeat in 2025
$PY - "$F/02-civil-affairs.json" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.update({"received_at": "2026-11-03T10:00:00+08:00", "repeat_of": sys.argv[2]})
json.dump(d, open("in/r1.json", "w"), ensure_ascii=False)
d.update({"received_at": "2025-12-03T10:00:00+08:00", "repeat_of": sys.argv[3]})
json.dump(d, open("in/r0.json", "w"), ensure_ascii=False)
PY
new_case in/r1.json > /dev/null
new_case in/r0.json > /dev/null

say "link a case to another leader's reception day (a signed event)"
$XFA -q case record "$(echo $ids | cut -d' ' -f10)" reception --set reception.leader=李副县长 \
	--set reception.date=2026-01-19 --as keys/leader.key
unchanged 77 $XFA case record "$(echo $ids | cut -d' ' -f10)" reception --set reception.leader=李副县长 \
	--set reception.date=2026-01-19 --as keys/handler.key
unchanged 65 $XFA case record "$(echo $ids | cut -d' ' -f11)" reception --set reception.leader=李副县长 \
	--as keys/leader.key

say "settle two 2026 cases (a village one and a county one) and one of 2025"
close_() {
	$XFA -q case move "$1" accepted --effective "$2" --as keys/clerk.key
	$XFA -q case move "$1" assigned --effective "$2" --set unit=镇政府 --as keys/clerk.key
	$XFA -q case move "$1" handling --effective "$2" --as keys/handler.key
	$XFA -q case move "$1" replied --effective "$2" --set outcome=support --attach reply:docs/reply.pdf --as keys/handler.key
	$XFA -q case move "$1" closed --effective "$2" --set satisfaction=satisfied --as keys/clerk.key
}
close_ "$9" 2026-11-20T10:00:00+08:00        # in/08: village
shift 6
close_ "$1" 2026-11-21T10:00:00+08:00        # in/06: county
close_ "$(echo $ids | cut -d' ' -f2)" 2025-06-20T10:00:00+08:00   # in/01: township

say "the numbers, computed independently from the inputs"
$PY - > expect.json <<'PY'
import json, glob
docs = [json.load(open(f)) for f in sorted(glob.glob("in/*.json"))]
settled = {"in/08.json", "in/06.json", "in/01.json"}
names = sorted(glob.glob("in/*.json"))
days = {}
def count(year):
    c = {}
    def inc(k, n=1): c[k] = c.get(k, 0) + n
    for name, d in zip(names, docs):
        if int(d["received_at"][:4]) != year:
            continue
        t = d.get("batches", 1)
        p = d.get("headcount") or len(d.get("petitioners", [])) or 1
        inc("cases")
        if d["channel"] == "visit":
            inc("visits_times", t); inc("visits_people", p)
            if d.get("first_visit"):
                inc("first_visits_times", t); inc("first_visits_people", p)
            if d.get("collective"):
                inc("collective_batches", t); inc("collective_people", p)
                if d.get("first_visit"):
                    inc("collective_first_batches", t); inc("collective_first_people", p)
        if d["channel"] == "online":
            inc("online_times", t)
            if d.get("forwarded_from"):
                inc("online_forwarded_times", t)
        s = d.get("skip_level")
        if s:
            inc("skip_" + s, t)
            if s != "county":
                inc("skip_level_times", t)
        if d.get("repeat_of"):
            inc("repeats")
        if name in settled:
            inc("settled_" + d["level"])
        r = d.get("reception") or (name == "in/09.json" and
                                   {"leader": "李副县长", "date": "2026-01-19"})
        if r:
            days.setdefault(year, set()).add((r["leader"], r["date"]))
            c["reception_days"] = len(days[year])
            inc("reception_batches", t); inc("reception_people", p)
    return c
print(json.dumps({"2026": count(2026), "2025": count(2025)}))
PY
$XFA --json report stats --year 2026 --as-of 2026-11-30 > got.json
$PY - <<'PY'
import json, math
want = json.load(open("expect.json"))
got = json.load(open("got.json"))
assert got["year"] == 2026 and got["previous_year"] == 2025, got
keys = set(want["2026"]) | set(want["2025"])
assert keys <= set(got["counts"]), keys - set(got["counts"])
for k, v in got["counts"].items():
    cur, prev = want["2026"].get(k, 0), want["2025"].get(k, 0)
    assert v["value"] == cur and v["previous"] == prev, (k, v, cur, prev)
    x = (cur - prev) * 1000 / prev if prev else 0
    y = None if prev == 0 else math.copysign(math.floor(abs(x) + 0.5), x) / 10  # half away from 0, as C round()
    assert v["yoy"] == y, (k, v["yoy"], y)
# sanity: the data really differ between the years
assert want["2026"]["visits_times"] == 7 and want["2025"]["visits_times"] == 8
assert want["2026"]["skip_city"] == 2 and want["2025"]["skip_city"] == 1
assert want["2026"]["reception_days"] == 3 and want["2025"]["reception_days"] == 1
assert want["2026"]["online_times"] == 3 and want["2026"]["online_forwarded_times"] == 2
assert want["2025"]["online_times"] == 1 and want["2025"]["online_forwarded_times"] == 1
for r in ("timely_acceptance", "on_time", "satisfaction"):
    assert r in got["rates"], got["rates"]
assert got["rates"]["satisfaction"]["percent"] == 100.0, got["rates"]
print("counts match:", {k: v["value"] for k, v in got["counts"].items()})
PY

say "the yearbook text in Chinese"
$XFA_ZH report stats --year 2026 --as-of 2026-11-30 > zh.txt
cat zh.txt
v=$($PY -c 'import json; c=json.load(open("expect.json"))["2026"]; print(c["visits_times"], c["visits_people"])')
grep -q "【概况】 2026 年，测试县信访局接待群众来访 ${v% *} 件次 ${v#* } 人次，同比件次下降 12.5%" zh.txt || die "visits line"
grep -q "（初访：6 件 50 人，同比件次上升 100.0%），集体访 3 批次 46 人次，同比批次下降 25.0%" zh.txt || die "first and collective visits"
grep -q "到市访 2 件次，同比件次上升 100.0%" zh.txt || die "skip-level to the city"
grep -q "受理国家、省、市转送网上信访事项 2 件次，同比件次上升 100.0%；网上信访共 3 件次，同比件次上升 200.0%" zh.txt || die "online matters"
grep -q "越级到县访 1 件次，上年为零" zh.txt || die "no previous year"
grep -q "办结于村（社区）1 件，上年为零；乡镇（街道）0 件，同比件数下降 100.0%；县（区）1 件，上年为零。" zh.txt || die "settled per level"
grep -q "领导接访 3 次，接待来访群众 4 批次 48 人次，同比批次上升 300.0%" zh.txt || die "receptions"
grep -q "群众满意率 100.00%" zh.txt || die "rates line"
say "the same paragraph in English, from the same messages"
$XFA --lang en report stats --year 2026 --as-of 2026-11-30 > en.txt
cat en.txt
grep -q "^\[Overview\] 2026, 测试县信访局: visits ${v% *}, people ${v#* }, down 12.5% on the year before" en.txt || die "english visits"
grep -q "collective visits: groups 3, people 46, down 25.0% on the year before" en.txt || die "english collective"
grep -q "past the township to the county: 1, none the year before" en.txt || die "english no previous year"
grep -q "township (street): 0, down 100.0% on the year before" en.txt || die "english settled"
! grep -qP '[\x{4e00}-\x{9fff}]' en.txt < /dev/null || ! sed 's/测试县信访局//; s/[^ ]*率[^ ]*//g' en.txt | grep -qP '[\x{4e00}-\x{9fff}]' \
	|| die "Chinese text in the English paragraph"

expect 0 $XFA verify

say "bad options: 64, nothing printed on stdout"
expect 64 $XFA report stats --year 20x6
err_has "not a year"
expect 64 $XFA report stats --year 1066
expect 64 $XFA report stats --as-of 2026-13-01
expect 64 $XFA report stats --bogus
expect 64 $XFA report stats 2026
echo "t_stats: ok"
