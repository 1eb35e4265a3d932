# t_i18n.sh - Chinese in and Chinese out.  Vocabulary values given as their
# Chinese labels (states, steps, roles, categories, kinds, channels, outcome,
# decision channel, satisfaction, level, attachment kinds) are stored as the
# workflow's ids; a refused value lists the allowed ones in the user's
# language.  Messages, the passphrase prompt, help and the verify report come
# from the gettext catalogue (cli/po/zh_CN.po, built beside the binary)
# under LANG=zh_CN.UTF-8 or --lang zh, in English under LANG=C or --lang en,
# with plurals ("1 case", "2 cases").  The zh_CN.UTF-8 locale need not be
# generated: xfa selects the catalogue through LANGUAGE over C.UTF-8.
. "$E2E/lib.sh"
# this test chooses the language itself, and finds the built catalogue
unset XFA_LANG XFA_LOCALEDIR LC_ALL LANGUAGE LC_MESSAGES
zh() { env LANG=zh_CN.UTF-8 "$@"; }
en() { env LANG=C "$@"; }

say "keys and an archive, roles given by their labels"
mkkey admin admin@bureau.example
mkkey clerk clerk@bureau.example
mkkey handler handler@unit.example
mkkey leader leader@bureau.example
en $XFA init --name 测试县信访局 --fonds J001 --as keys/admin.key > /dev/null
zh $XFA keyring add keys/clerk.pub --role 登记员 --as keys/admin.key > /dev/null
zh $XFA keyring add keys/handler.pub --role 承办人 --as keys/admin.key > /dev/null
zh $XFA keyring add keys/leader.pub --role 领导,clerk --as keys/admin.key > /dev/null
$XFA --json keyring list > keys.json
$PY - <<'EOF'
import json
k = json.load(open("keys.json"))
roles = sorted(",".join(r["roles"]) for r in k.values())
assert roles == ["admin", "clerk", "handler", "leader,clerk"], roles
EOF
unchanged 65 zh $XFA keyring add keys/leader.pub --role 领袖 --as keys/admin.key
err_has '“领袖”不是可用的值，可用：管理员 (admin)、登记员 (clerk)、承办人 (handler)'
unchanged 65 en $XFA keyring add keys/leader.pub --role chief --as keys/admin.key
err_has "'chief' is not one of: admin, clerk, handler, leader, reviewer, archivist, auditor"

say "a registration in Chinese"
cat > p1.json <<'EOF'
{"channel": "来信", "received_at": "2026-11-02", "petitioners": [{"name": "张某"}],
 "category": "劳动社保", "kind": "申诉求决类", "level": "乡镇（街道）",
 "summary": "反映工资拖欠。"}
EOF
c1=$(zh $XFA -q case new p1.json --as keys/clerk.key | head -n 1)
cat > p2.json <<'EOF'
{"channel": "来访", "received_at": "2026-11-03T09:00:00+08:00", "petitioners": [{"name": "李某"}],
 "summary": "反映邻里纠纷。"}
EOF
c2=$(zh $XFA -q case new p2.json --as keys/clerk.key | head -n 1)
$XFA --json case show "$c1" > c1.json
$PY - <<'EOF'
import json
d = json.load(open("c1.json"))["case"]
assert (d["channel"], d["category"], d["kind"], d["level"]) == \
    ("letter", "social-security", "claim", "township"), d
EOF
sed 's/"劳动社保"/"劳动保障"/' p1.json > bad.json
unchanged 65 zh $XFA case new bad.json --as keys/clerk.key
err_has '字段 category\|category：“劳动保障”不是可用的值，可用：拖欠工资 (unpaid-wages)'
err_has '劳动社保 (social-security)'
unchanged 65 en $XFA case new bad.json --as keys/clerk.key
err_has "category: '劳动保障' is not one of: unpaid-wages, land-acquisition"

say "moves, fields and steps by their labels"
zh $XFA case move "$c1" 已受理 --as keys/clerk.key > /dev/null
zh $XFA case move "$c1" 已交办 --set unit=人社局 --as keys/clerk.key > /dev/null
zh $XFA case move "$c1" 办理中 --role 承办人 --as keys/handler.key > /dev/null
printf '%%PDF-1.4 reply\n' > reply.pdf
zh $XFA case move "$c1" 已答复 --set outcome=部分支持 --attach 处理意见书:reply.pdf --as keys/handler.key > /dev/null
zh $XFA case record "$c1" 备注 --note 电话回访 --as keys/clerk.key > /dev/null
zh $XFA case move "$c1" 已办结 --set satisfaction=基本满意 --as keys/clerk.key > /dev/null
zh $XFA case move "$c2" 不予受理 --set decision.reason=属于劳动仲裁范围 --set decision.channel=仲裁 --as keys/clerk.key > /dev/null
$XFA --json case show "$c1" > c1.json
$XFA --json case show "$c2" > c2.json
$XFA --json case log "$c1" > log1.json
$PY - <<'EOF'
import json
d = json.load(open("c1.json"))["case"]
assert (d["status"], d["outcome"], d["satisfaction"]) == ("closed", "partial", "basic"), d
assert [a["kind"] for a in d["attachments"]] == ["reply"], d["attachments"]
e = json.load(open("c2.json"))["case"]
assert e["status"] == "rejected" and e["decision"]["channel"] == "arbitration", e
types = [ev["type"] for ev in json.load(open("log1.json"))]
assert types == ["register", "accept", "assign", "sign-in", "reply", "note", "close"], types
EOF
[ "$($XFA --json case list --status 已办结 | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] \
	|| die "case list --status 已办结"
unchanged 65 zh $XFA case move "$c2" 已撤销 --as keys/clerk.key
err_has 'STATE：“已撤销”不是可用的值，可用：已登记 (registered)、已受理 (accepted)'
unchanged 65 zh $XFA case record "$c1" 表扬 --note x --as keys/clerk.key
err_has '备注 (note)'
grep -q '已归档 (archived)\|归档 (archive)' .err && die "the internal archive step is offered"
unchanged 65 en $XFA case move "$c1" replied --set outcome=满意 --as keys/handler.key
err_has "outcome: '满意' is not one of: support, explain, not-support, partial"
unchanged 65 zh $XFA case move "$c1" 已答复 --set outcome=满意 --as keys/handler.key
err_has '“满意”不是可用的值，可用：支持 (support)、解释说明 (explain)'

say "messages from the catalogue: Chinese under LANG=zh_CN.UTF-8 or --lang zh"
unchanged 65 zh $XFA case move "$c2" 已受理 --as keys/clerk.key
err_has "工作流程 xinfang-2022 中没有从“rejected”到“accepted”的流转"
unchanged 65 en $XFA case move "$c2" accepted --as keys/clerk.key
err_has "no transition from 'rejected' to 'accepted' in workflow xinfang-2022"
unchanged 65 en $XFA --lang zh case move "$c2" accepted --as keys/clerk.key
err_has "没有从“rejected”到“accepted”的流转"
unchanged 65 zh $XFA --lang en case move "$c2" accepted --as keys/clerk.key
err_has "no transition from 'rejected' to 'accepted'"
expect 66 zh $XFA case show XF-2026-000999
err_has "无法显示事项“XF-2026-000999”"
chmod 644 pass
unchanged 77 zh $XFA case record "$c1" note --note x --as keys/clerk.key
err_has "可被其他用户访问（权限 0644；请执行 chmod 600）"
chmod 600 pass

say "the passphrase prompt, on a terminal"
# answer PROMPT...: on a pseudo-terminal (script), type an empty line after
# each prompt appears; an empty passphrase is then refused
answer() {
	for p in "$@"; do
		until grep -q "$p" tty.log 2> /dev/null; do sleep 0.1; done
		printf '\n'
	done
}
rm -f tty.log
answer '新密钥的口令：' '再次输入：' | env -u XFA_PASSPHRASE_FILE LANG=zh_CN.UTF-8 \
	script -qefc "$XFA key new --name 甲 --out tty1" tty.log > /dev/null 2>&1 || true
grep -q '不允许空口令' tty.log || { cat tty.log; die "no Chinese refusal of an empty passphrase"; }
rm -f tty.log
answer 'passphrase for the new key: ' 'again: ' | env -u XFA_PASSPHRASE_FILE LANG=C \
	script -qefc "$XFA key new --name a --out tty2" tty.log > /dev/null 2>&1 || true
grep -q 'an empty passphrase is not allowed' tty.log || { cat tty.log; die "no English refusal"; }
[ ! -e tty1.key ] && [ ! -e tty2.key ] || die "a key was written with an empty passphrase"

say "the verify report and plurals"
expect 0 zh $XFA verify
out_has '^已验证 13 个提交、13 个事件、2 件事项、'
out_has '通过：档案库完整可信'
expect 0 en $XFA verify
out_has '^verified 13 commits, 13 events, 2 cases, '
out_has 'ok: the archive is sound'
expect 0 en $XFA verify "$c2"
out_has ' 1 case, '
grep -q ' 1 cases' .out && die "'1 cases'"
# a tampered copy: findings carry the reason code and its text in either language
cp -r archive.xfa t.xfa
dir=$(git --git-dir=t.xfa ls-tree -r --name-only main | grep "/$c2/case.json$")
blob=$(git --git-dir=t.xfa show "main:$dir" | sed 's/属于劳动仲裁范围/不属于/' | git --git-dir=t.xfa hash-object -w --stdin)
git --git-dir=t.xfa read-tree main
git --git-dir=t.xfa update-index --cacheinfo 100644,"$blob","$dir"
tree=$(git --git-dir=t.xfa write-tree)
c=$(echo tamper | git --git-dir=t.xfa commit-tree "$tree" -p main)
git --git-dir=t.xfa update-ref refs/heads/main "$c"
expect 1 zh $XFA -C t.xfa verify
out_has '个问题：'
out_has '不通过：档案库存在问题'
out_has 'unsigned-commit  提交 [0-9a-f]* 没有签名  (提交没有签名)'
expect 1 en $XFA -C t.xfa verify
out_has 'unsigned-commit  commit [0-9a-f]* is not signed  (a commit has no signature)'
out_has 'FAILED: the archive has problems'

say "case show, case list and the reports from the catalogue, in either language"
expect 0 zh $XFA case show "$c2"
out_has '^不予受理理由 *属于劳动仲裁范围'
out_has '^期限:$'
expect 0 en $XFA case show "$c2"
out_has '^rejected because *属于劳动仲裁范围'
out_has '^deadlines:$'
expect 0 zh $XFA case list
out_has '^案件编号 *状态 *收到 *分类 *责任单位 *概要$'
expect 0 en $XFA case list
out_has '^case *status *received *category *unit *summary$'
expect 0 zh $XFA report rates
out_has '^登记 2 件（其中重复信访 0 件），'
expect 0 en $XFA report rates
out_has '^registrations 2 (repeats 0), '
expect 0 en $XFA report overdue --as-of 2026-11-03 --within 1
out_has '^as of 2026-11-03, overdue or due within 1 day: [0-9]* deadlines*$'
grep -q 'within 1 days' .out && die "'within 1 days'"
c3=$(sed 's/2026-11-02/2026-11-20/' p1.json > p3.json && zh $XFA -q case new p3.json --as keys/clerk.key | head -n 1)
expect 0 zh $XFA report overdue --as-of 2026-11-24 --within 30
out_has '^截至 2026-11-24：已逾期或 30 日内到期的期限 1 项$'
out_has "^$c3 .* 剩余 [0-9]* 日 "
expect 0 en $XFA report overdue --as-of 2026-11-24 --within 30
out_has '^as of 2026-11-24, overdue or due within 30 days: 1 deadline$'
out_has "^$c3 .* [0-9]* days left "
expect 0 en $XFA report overdue --as-of 2026-12-06 --within 30
out_has "^$c3 .* 1 day left "
out_has '^  township or street office 0 overdue, 1 due soon$'
expect 0 zh $XFA report stats --year 2026
out_has '^【概况】 2026 年，测试县信访局接待群众来访 '
expect 0 en $XFA report stats --year 2026
out_has '^\[Overview\] 2026, 测试县信访局: visits '
expect 0 zh $XFA report --help
out_has '年度统计【概况】及同比变化'
expect 0 zh $XFA keyring list
out_has '(信任根)'
expect 0 en $XFA keyring list
out_has '(root)'

say "sync, remote, import, schema and verify-export messages from the catalogue"
unchanged 66 zh $XFA sync nowhere --as keys/clerk.key
err_has '^xfa：无法与“nowhere”同步：没有远端“nowhere”$'
unchanged 66 en $XFA sync nowhere --as keys/clerk.key
err_has "^xfa: cannot sync with 'nowhere': no remote 'nowhere'$"
unchanged 65 zh $XFA remote add county https://u:secret@example.org/a.git
err_has '远端“county”的 URL 中含有密码：请给出不含密码的 URL（https://u@example.org/...）'
unchanged 65 en $XFA remote add county https://u:secret@example.org/a.git
err_has "the URL of remote 'county' holds a password: give the URL without it (https://u@example.org/...)"
printf '{"legacy_ref": "A1",\n\357\273\277{}\n' > bad.jsonl
unchanged 65 zh $XFA import bad.jsonl --key keys/clerk.key --check
err_has '^xfa：第 1 行：不是有效的 JSON：'
err_has '^xfa：第 2 行：以字节顺序标记开头（字节 EF BB BF，U+FEFF）'
err_has '^xfa：无法导入“bad.jsonl”：bad.jsonl：2 行被拒绝；未导入任何内容$'
unchanged 65 en $XFA import bad.jsonl --key keys/clerk.key --check
err_has "^xfa: line 1: invalid JSON: "
err_has "^xfa: line 2: starts with a byte-order mark (bytes EF BB BF, U+FEFF)"
err_has "^xfa: cannot import 'bad.jsonl': bad.jsonl: lines refused: 2; nothing was imported$"
sed 's/"summary"/"colour": "red", "summary"/' p2.json > extra.json
unchanged 65 zh $XFA case new extra.json --as keys/clerk.key
err_has '：未知的属性“colour”$'
unchanged 65 en $XFA case new extra.json --as keys/clerk.key
err_has ": unknown property 'colour'$"
printf 'not a package' > junk.tar
expect 1 zh $XFA verify-export junk.tar
out_has '^junk.tar: 不通过；0 件事项'
expect 1 en $XFA verify-export junk.tar
out_has '^junk.tar: FAILED; 0 cases'

say "help in both languages"
expect 0 zh $XFA help case
out_has '^用法：xfa case new'
out_has '^示例：'
out_has '^退出状态：'
expect 0 en $XFA case --help
out_has '^examples:'
out_has '  75  the archive moved too often'
echo "i18n ok"
