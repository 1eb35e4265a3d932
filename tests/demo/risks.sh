# risks.sh - the dispute-risk ledger 矛盾纠纷台账 of the demo (report 002):
# risks found in the weekly screening 周排查 of 2025 and 2026, one on each
# list, one moved between lists, one linked to a petition case, one struck
# off 销号 after its 180-day observation, one still under observation whose
# period has run (due for 销号), one just screened.  Sourced by demo.sh after
# scenarios.sh (needs $XFA, keys/clerk.key, keys/leader.key and the case
# id $c01); effective dates make every step legal when it is dated.

# risk_new FOUND LOCALITY CATEGORY HEADCOUNT SUMMARY: register, print the id
risk_new() {
	/usr/bin/python3 -c '
import json, sys
found, loc, cat, n, summary = sys.argv[1:6]
json.dump({"received_at": found + "T10:00:00+08:00", "found_by": loc + "周排查",
           "locality": loc, "parties": ["当事人甲", "当事人乙"], "category": cat,
           "headcount": int(n), "summary": summary}, open("docs/risk.json", "w"),
          ensure_ascii=False)' "$@"
	$XFA --json risk new docs/risk.json --as keys/clerk.key |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

# risk_mv ID LIST WHEN ROLE WHY [ARGS...]: one move between lists
risk_mv() {
	id=$1 to=$2 when=$3 role=$4 why=$5; shift 5
	$XFA -q risk move "$id" "$to" --effective "$when" --note "$why" --as "keys/$role.key" "$@"
}

risk_demo() {
	# 2025: one found, resolved, observed for six months and struck off
	r25=$(risk_new 2025-06-09 北岭村 family 2 "赡养费纠纷")
	risk_mv "$r25" level1 2025-06-10 clerk "村调委会调解，签订赡养协议"
	risk_mv "$r25" struck 2025-12-15 clerk "观察期满无信访，排查办申请销号"
	# 2026
	r1=$(risk_new 2026-01-05 东升村 land-acquisition 23 "高速公路征地补偿标准分歧")
	risk_mv "$r1" level3 2026-01-06 leader "涉及 23 户，有聚集苗头，县领导包案" --set lead=李副县长
	r2=$(risk_new 2026-01-12 西河村 unpaid-wages 41 "建筑工地拖欠农民工工资")
	risk_mv "$r2" level2 2026-01-13 clerk "总包单位承诺春节前支付"
	risk_mv "$r2" level3 2026-02-10 leader "未按期支付，工人多次聚集"
	risk_mv "$r2" level2 2026-03-02 clerk "已支付七成，余款分期"
	r3=$(risk_new 2026-01-19 南山村 neighbours 2 "宅基地滴水檐纠纷")
	risk_mv "$r3" level1 2026-01-20 clerk "人民调解成功"
	risk_mv "$r3" struck 2026-07-21 clerk "观察期满无信访，排查办申请销号"
	r4=$(risk_new 2026-02-02 东升村 land-dispute 6 "承包地边界争议")
	risk_mv "$r4" level2 2026-02-03 clerk "双方各执一词，需持续关注"
	risk_mv "$r4" level3 2026-03-16 clerk "当事人已到县信访局来访" --set "petition=$c01"
	r5=$(risk_new 2026-03-09 西河村 neighbours 3 "邻里通行纠纷")
	risk_mv "$r5" level1 2026-03-10 clerk "村调委会调解成功，已履行"
	r6=$(risk_new 2026-11-23 南山村 other 1 "山林权属争议苗头")
	echo "   risk ledger: $r25 struck off; $r1 list 3; $r2 lists 2 -> 3 -> 2;" \
	     "$r3 struck off; $r4 linked to $c01; $r5 observed; $r6 screened"
}
