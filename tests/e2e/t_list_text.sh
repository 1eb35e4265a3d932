# t_list_text.sh - `xfa case list` prints its rows as the index yields them
# (cli/cmd_case.c writes the JSON text itself): the text equals what a JSON
# library prints for the same rows (python json.dumps, indent 2, keys
# sorted), also for summaries with quotes, backslashes and wide characters,
# and for an empty answer; the human table keeps its columns aligned.
. "$E2E/lib.sh"

standard_archive
$PY - "$SHARED_FIXTURES/cases/02-civil-affairs.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i, s in enumerate(['他说"我要见领导"', 'C:\\路径\\文件', 'ascii only', '很长的概要' * 8]):
    d["summary"] = s
    d["unit"] = ["民政局", 'unit "q"', "人社局", "民政局"][i]
    json.dump(d, open("in%d.json" % i, "w"), ensure_ascii=False)
PY
for i in 0 1 2 3; do new_case in$i.json > /dev/null; done

say "JSON text equals json.dumps of the same rows"
for q in "" "--unit 民政局" "--status accepted" "--unit nobody"; do
	# shellcheck disable=SC2086
	$XFA --json case list $q > got.json
	$PY - got.json <<'PY' || die "case list --json $q: text differs from json.dumps"
import json, sys
t = open(sys.argv[1], encoding="utf-8").read()
assert t == json.dumps(json.loads(t), indent=2, sort_keys=True, ensure_ascii=False) + "\n", t
PY
done
[ "$($XFA --json case list --unit nobody)" = "[]" ] || die "an empty answer is not []"
n=$($XFA --json case list --unit 民政局 | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 2 ] || die "case list --unit 民政局: 2 rows expected, got $n"
$XFA --json case list --unit 'unit "q"' | $PY -c '
import json, sys
r = json.load(sys.stdin)
assert len(r) == 1 and r[0]["summary"].startswith("C:\\路径"), r' || die "quoted unit / backslash summary"

say "human table: columns aligned, same rows as JSON"
$XFA case list > list.txt
[ "$(wc -l < list.txt)" -eq 5 ] || { cat list.txt; die "a header and 4 rows expected"; }
$PY - list.txt <<'PY' || die "case list columns are not aligned"
import sys, unicodedata
def w(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
# the summary column starts at the same display column on every line
starts = set()
for l in lines:
    i = l.rfind("  ")
    starts.add(w(l[:i + 2]))
assert len(starts) == 1, (starts, lines)
PY
