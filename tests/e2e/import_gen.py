#!/usr/bin/python3
"""import_gen.py N CLERK_FPR HANDLER_FPR [EVENTS [YEAR [FIRST]]] - print N
import lines (schemas/import-line.schema.json): cases received in YEAR
(default 2025) with up to EVENTS events each (default 5: register, accept,
assign, sign-in, note), spread over a few units, categories and end states,
numbered from FIRST (default 0), for tests and measurements; case i carries
legacy_ref "OLD-YEAR-i" (its number in the legacy system)."""
import json
import sys

n = int(sys.argv[1])
clerk, handler = sys.argv[2], sys.argv[3]
events = int(sys.argv[4]) if len(sys.argv) > 4 else 5
year = int(sys.argv[5]) if len(sys.argv) > 5 else 2025
first = int(sys.argv[6]) if len(sys.argv) > 6 else 0
UNITS = ["民政局", "人社局", "住建局", "自然资源局", "公安局"]
CATS = ["civil-affairs", "unpaid-wages", "urban-planning", "land-dispute", "public-order"]
for i in range(first, first + n):
    day = 1 + i % 28
    month = 1 + (i // 28) % 9
    recv = "%d-%02d-%02dT09:30:00+08:00" % (year, month, day)
    d = lambda k: "%d-%02d-%02dT1%d:00:00+08:00" % (year, month + 1 + k // 3, day, k % 10)
    case = {
        "channel": ["visit", "letter", "phone", "online"][i % 4],
        "received_at": recv,
        "petitioners": [{"name": "信访人%d" % i, "phone": "139****%04d" % (i % 10000)}],
        "summary": "第%d号案件：请求解决相关问题。" % i,
        "category": CATS[i % len(CATS)],
        "locality": "沽源县",
        "legacy_ref": "OLD-%d-%07d" % (year, i),
    }
    ev = []
    plan = [
        {"to": "accepted", "by": clerk},
        {"to": "assigned", "by": clerk, "set": {"unit": UNITS[i % len(UNITS)]}},
        {"to": "handling", "by": handler},
        {"type": "note", "by": handler, "note": "已联系信访人"},
    ]
    if i % 7 == 3:
        plan = [{"to": "rejected", "by": clerk,
                 "set": {"decision": {"reason": "不属于信访事项", "channel": "litigation"}}}]
    for k, e in enumerate(plan[: max(0, events - 1)]):
        e = dict(e)
        e["effective"] = d(k)
        ev.append(e)
    line = {"case": case, "by": clerk, "events": ev}
    print(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
