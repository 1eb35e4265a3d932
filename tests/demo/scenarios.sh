# scenarios.sh - the twelve sample cases (tests/fixtures/cases), walked
# through the 2022 workflow with `--effective` dates in 2026 (sourced by
# tests/e2e/t_scenarios.sh and tests/demo/demo.sh).
#
# Needs: $XFA (the binary), $FIX (tests/fixtures), XFA_ARCHIVE and
# XFA_PASSPHRASE_FILE exported; runs in the current folder (keys/, docs/).
# scn_archive makes the keys and the archive; scn_walk registers and moves
# the cases and sets c01 .. c12b (case ids).  Thirteen petitions in all plus
# one repeat: 12 is two batches at a leader's reception day (12a accepted and
# left in handling, 12b withdrawn), 3 is followed by a repeat petition (c03r)
# that can only be rejected.

# scn_key NAME ROLE EMAIL: a key for the role, added to the keyring
scn_key() {
	$XFA -q key new --name "$1" --email "$3" --out "keys/$2" > /dev/null
	$XFA -q keyring add "keys/$2.pub" --role "$2" --as keys/admin.key > /dev/null
}

scn_archive() {
	mkdir -p keys docs
	$XFA -q key new --name 管理员 --email admin@bureau.example --out keys/admin > /dev/null
	$XFA -q init --name 示范县信访局 --fonds J001 --as keys/admin.key > /dev/null
	scn_key 登记员 clerk clerk@bureau.example
	scn_key 承办人 handler handler@unit.example
	scn_key 分管领导 leader leader@bureau.example
	scn_key 复查复核员 reviewer reviewer@city.example
	scn_key 档案员 archivist archivist@bureau.example
	for f in 授权委托书 处理意见书 延期审批表 复查意见书 复核意见书 评估报告; do
		printf '%%PDF-1.4\n%% %s (scanned)\n%%%%EOF\n' "$f" > "docs/$f.pdf"
	done
}

# scn_new FIXTURE [ARGS...]: register as the clerk, print the id
scn_new() {
	f=$1; shift
	$XFA --json case new "$f" --as keys/clerk.key "$@" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

# mv ID STATE WHEN ROLE [ARGS...]: one move, effective WHEN
mv() {
	id=$1 state=$2 when=$3 role=$4; shift 4
	$XFA -q case move "$id" "$state" --effective "$when" --as "keys/$role.key" "$@"
}

# The usual path: accept, assign, sign in, reply, close.
# path ID ACCEPT ASSIGN SIGNIN REPLY CLOSE SATISFACTION UNIT
path() {
	mv "$1" accepted "$2" clerk
	mv "$1" assigned "$3" clerk --set "unit=$8"
	mv "$1" handling "$4" handler
	mv "$1" replied "$5" handler --set outcome=support --attach reply:docs/处理意见书.pdf
	mv "$1" closed "$6" clerk --set "satisfaction=$7"
}

# derive SRC OUT PYTHON-EXPR: a fixture with some fields changed
derive() {
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d.update(json.loads(sys.argv[3]))
for k in [k for k, v in d.items() if v is None]:
    del d[k]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False, indent=2)
' "$1" "$2" "$3"
}

scn_walk() {
	F=$FIX/cases
	auth="authorization:docs/授权委托书.pdf"

	# 1 集体访: 35 farmers, unpaid wages; replied after ~20 days of mediation
	c01=$(scn_new $F/01-*.json)
	path "$c01" 2026-01-13 2026-01-14 2026-01-15 2026-02-04 2026-02-06 satisfied 人社局劳动保障监察大队

	# 2 ordinary claim to 民政局
	c02=$(scn_new $F/02-*.json)
	path "$c02" 2026-02-10 2026-02-11 2026-02-12 2026-03-20 2026-03-25 satisfied 民政局

	# 3 复查 and 复核, a 包案领导, then a repeat petition that is rejected
	c03=$(scn_new $F/03-*.json)
	mv "$c03" accepted 2026-03-05 clerk
	mv "$c03" assigned 2026-03-06 clerk --set unit=黄盖淖镇人民政府
	mv "$c03" handling 2026-03-09 handler
	mv "$c03" replied 2026-04-20 handler --set outcome=not-support --attach reply:docs/处理意见书.pdf
	mv "$c03" review_requested 2026-05-08 clerk --note "信访人不服处理意见，申请复查"
	mv "$c03" reviewed 2026-06-02 reviewer --set outcome=not-support --attach review:docs/复查意见书.pdf
	mv "$c03" recheck_requested 2026-06-20 clerk --note "信访人不服复查意见，申请复核"
	mv "$c03" rechecked 2026-07-10 reviewer --set outcome=not-support --attach recheck:docs/复核意见书.pdf
	mv "$c03" closed 2026-07-15 clerk --set satisfaction=dissatisfied
	derive $F/03-*.json c03r.json "{\"received_at\": \"2026-08-03T10:00:00+08:00\", \"channel\": \"visit\", \"repeat_of\": \"$c03\", \"unit\": null, \"summary\": \"袁某再次来访反映同一土地纠纷，事实和理由与原信访事项相同。\"}"
	c03r=$(scn_new c03r.json)
	mv "$c03r" rejected 2026-08-05 clerk --set "decision.reason=同一事项已经复核终结，不再受理" --set decision.channel=other

	# 4 代办: the agent files with the signed authorisation form
	c04=$(scn_new $F/04-*.json --attach "$auth")
	path "$c04" 2026-04-09 2026-04-10 2026-04-13 2026-05-15 2026-05-20 satisfied 水利局

	# 5 代办, several units, replied within 7 days; no rating given
	c05=$(scn_new $F/05-*.json --attach "$auth")
	path "$c05" 2026-05-19T09:00:00+08:00 2026-05-19T15:00:00+08:00 2026-05-20 2026-05-25 2026-05-28 none 扎赉特旗人民政府

	# 6 代办, collective; a leader approves a 30-day extension
	c06=$(scn_new $F/06-*.json --attach "$auth")
	mv "$c06" accepted 2026-06-05 clerk
	mv "$c06" assigned 2026-06-08 clerk --set unit=自然资源与规划局
	mv "$c06" handling 2026-06-09 handler
	mv "$c06" handling 2026-07-30 leader --set-json extension_days=30 \
		--attach approval:docs/延期审批表.pdf --note "需与开发商协商，延期30日"
	mv "$c06" replied 2026-08-25 handler --set outcome=partial --attach reply:docs/处理意见书.pdf
	mv "$c06" closed 2026-08-31 clerk --set satisfaction=basic

	# 7 an outside assessor's report attached as evidence
	c07=$(scn_new $F/07-*.json)
	mv "$c07" accepted 2026-06-23 clerk
	mv "$c07" assigned 2026-06-24 clerk --set "unit=方正县某镇人民政府"
	mv "$c07" handling 2026-06-25 handler
	$XFA -q case record "$c07" attach --effective 2026-07-20 --as keys/handler.key \
		--attach assessment:docs/评估报告.pdf
	$XFA -q case record "$c07" amend --effective 2026-07-21 --as keys/clerk.key \
		--set "facts=镇政府告知菌厂用地将被征收，陈某因此停止备料；后征收未实施，当季生产已无法进行。评估报告认定损失约3.2万元。" \
		--note "据评估报告补充损失金额"
	mv "$c07" replied 2026-08-10 handler --set outcome=support --attach reply:docs/处理意见书.pdf
	mv "$c07" closed 2026-08-12 clerk --set satisfaction=satisfied

	# 8 不予受理 with the legal channel (诉讼); decided late (day 18 of 15)
	c08=$(scn_new $F/08-*.json)
	mv "$c08" rejected 2026-07-24 clerk

	# 9 township-level handling; the on-site survey made the reply late
	c09=$(scn_new $F/09-*.json)
	path "$c09" 2026-08-05 2026-08-06 2026-08-07 2026-10-12 2026-10-15 satisfied 方正镇人民政府

	# 10 online, very short cycle; no rating given
	c10=$(scn_new $F/10-*.json)
	path "$c10" 2026-08-28T09:10:00+08:00 2026-08-28T10:00:00+08:00 2026-08-28T14:00:00+08:00 \
		2026-08-29T16:00:00+08:00 2026-09-02 none 某社区居委会

	# 11 代办, police as the unit
	c11=$(scn_new $F/11-*.json --attach "$auth")
	path "$c11" 2026-09-11 2026-09-14 2026-09-15 2026-10-20 2026-10-23 satisfied 公安局

	# 12 a leader's reception day: 12a accepted and still in handling,
	# 12b (city planning) explained and withdrawn at the visitor's request
	c12a=$(scn_new $F/12-*.json)
	mv "$c12a" accepted 2026-01-20T14:00:00+08:00 clerk
	mv "$c12a" assigned 2026-01-21 clerk --set unit=人社局
	mv "$c12a" handling 2026-01-22 handler
	# overdue since 03-23: the bureau supervises (督办) and urges (催办)
	$XFA -q case record "$c12a" supervise --effective 2026-04-01 --as keys/leader.key \
		--note "逾期未办结，挂牌督办，请人社局十日内报送办理结果"
	$XFA -q case record "$c12a" urge --effective 2026-04-15 --as keys/clerk.key \
		--note "电话催办"
	derive $F/12-*.json c12b.json '{"petitioners": [{"name": "林某", "address": "某市铁东区"}], "headcount": 1, "batches": 1, "category": "urban-planning", "summary": "领导接访日来访，林某对城市规划调整有异议。", "facts": null, "demands": "要求公开规划调整依据。", "unit": null, "instructions": null}'
	c12b=$(scn_new c12b.json)
	mv "$c12b" withdrawn 2026-01-20T15:30:00+08:00 clerk --note "经接访领导解释，信访人当场表示理解并撤回"
}

# --- issue 9 (h-ledger): leaders, levels and a second year --------------
# scn_issue9: after scn_walk.  Two escalations 逐级上报 (c04 village ->
# township, c09 township -> county), a 包案 (c06), 签批 (c06), c12a and c12b
# linked to the leader's reception day of 2026-01-20, four skip-level
# visits and two online matters forwarded from above (上级转送) in 2026, and
# a year of 2025 petitions (s25_1 .. s25_11: skip-level visits to every
# level above but the city's twice, one online matter forwarded and one
# not, a repeat that is rejected; all accepted or rejected, one late; a
# village matter settled in the village), so that every line of `xfa report stats --year 2026` has
# a 同比 change.
scn_rec() {
	id=$1 type=$2 when=$3 role=$4; shift 4
	$XFA -q case record "$id" "$type" --effective "$when" --as "keys/$role.key" "$@"
}

scn_issue9() {
	F=$FIX/cases
	scn_rec "$c04" escalate 2026-04-09T11:00:00+08:00 clerk --set level=township \
		--note "村级调解未果，报镇水利站"
	scn_rec "$c09" escalate 2026-08-10 leader --set level=county \
		--note "涉及两村地界，镇级难以化解，报县"
	scn_rec "$c06" assign-lead 2026-06-06 leader --set "lead=李副县长"
	scn_rec "$c06" instruct 2026-06-06 leader --note "请自然资源局会同开发商妥善处理，七月底前报结果"
	for c in "$c12a" "$c12b"; do
		scn_rec "$c" reception 2026-01-20T16:00:00+08:00 clerk \
			--set "reception.leader=王县长" --set reception.date=2026-01-20
	done
	# 2026: skip-level visits (to the city twice, to the province once)
	derive $F/02-*.json s26a.json '{"received_at": "2026-03-16T09:00:00+08:00", "skip_level": "city", "first_visit": false}'
	derive $F/07-*.json s26b.json '{"received_at": "2026-05-11T09:30:00+08:00", "skip_level": "city"}'
	derive $F/09-*.json s26c.json '{"received_at": "2026-09-21T10:00:00+08:00", "skip_level": "province"}'
	derive $F/07-*.json s26d.json '{"received_at": "2026-07-13T09:30:00+08:00", "skip_level": "county"}'
	# online matters forwarded by the city and the province (c10 was not)
	derive $F/10-*.json s26e.json '{"received_at": "2026-10-12T09:00:00+08:00", "forwarded_from": "city"}'
	derive $F/10-*.json s26f.json '{"received_at": "2026-11-02T09:00:00+08:00", "forwarded_from": "province"}'
	for f in s26a s26b s26c s26d s26e s26f; do scn_new $f.json > /dev/null; done
	# 2025: eleven petitions, three settled
	derive $F/01-*.json s25_1.json '{"received_at": "2025-03-10T09:00:00+08:00", "headcount": 28}'
	derive $F/02-*.json s25_2.json '{"received_at": "2025-04-14T09:00:00+08:00", "reception": {"leader": "王县长", "date": "2025-04-14"}}'
	derive $F/07-*.json s25_3.json '{"received_at": "2025-05-06T10:00:00+08:00", "skip_level": "city"}'
	derive $F/09-*.json s25_4.json '{"received_at": "2025-06-02T10:00:00+08:00", "skip_level": "national"}'
	derive $F/10-*.json s25_5.json '{"received_at": "2025-07-08T10:00:00+08:00", "forwarded_from": "city"}'
	derive $F/12-*.json s25_6.json '{"received_at": "2025-09-15T10:00:00+08:00", "batches": 1, "headcount": 3}'
	derive $F/03-*.json s25_7.json '{"received_at": "2025-11-03T10:00:00+08:00"}'
	derive $F/10-*.json s25_8.json '{"received_at": "2025-10-09T20:00:00+08:00"}'
	derive $F/02-*.json s25_9.json '{"received_at": "2025-08-11T09:00:00+08:00", "skip_level": "province"}'
	derive $F/09-*.json s25_10.json '{"received_at": "2025-10-20T10:00:00+08:00", "skip_level": "county"}'
	s25_1=$(scn_new s25_1.json); s25_2=$(scn_new s25_2.json)
	# the rest accepted within the 15 days, one of them (s25_8) late
	for p in s25_4:2025-06-05 s25_5:2025-07-11 s25_6:2025-09-18 \
		 s25_8:2025-10-31 s25_9:2025-08-13 s25_10:2025-10-23; do
		mv "$(scn_new ${p%%:*}.json)" accepted "${p#*:}" clerk
	done
	s25_7=$(scn_new s25_7.json)
	mv "$s25_7" accepted 2025-11-05 clerk
	derive $F/03-*.json s25_11.json "{\"received_at\": \"2025-12-01T10:00:00+08:00\", \"repeat_of\": \"$s25_7\"}"
	s25_11=$(scn_new s25_11.json)
	mv "$s25_11" rejected 2025-12-03 clerk --set "decision.reason=同一事项正在办理" --set decision.channel=other
	s25_3=$(scn_new s25_3.json)
	path "$s25_1" 2025-03-11 2025-03-12 2025-03-13 2025-04-10 2025-04-15 satisfied 人社局
	path "$s25_2" 2025-04-15 2025-04-16 2025-04-17 2025-06-30 2025-07-02 basic 民政局
	path "$s25_3" 2025-05-07 2025-05-08 2025-05-09 2025-06-01 2025-06-03 satisfied 镇政府
	# a village matter settled in the village, for the per-level 同比
	derive $F/05-*.json s25_12.json '{"received_at": "2025-09-01T09:00:00+08:00"}'
	s25_12=$(scn_new s25_12.json --attach "$auth")
	path "$s25_12" 2025-09-01T10:00:00+08:00 2025-09-01T11:00:00+08:00 \
		2025-09-01T14:00:00+08:00 2025-09-02T16:00:00+08:00 2025-09-05 satisfied 村委会
}
