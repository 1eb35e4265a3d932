#!/bin/sh
# agent.sh BUILD [SIZES] - writes with the key in an ssh-agent, side by side
# with what a user of stock git does with the key in the same agent:
#   xfa:  `xfa case move ID accepted --as clerk.pub` (whole process; the
#         clerk's xfa key added once with `xfa key agent-add`), fsync on;
#   git:  `git add && git commit -S` (gpg.format=ssh, user.signingkey = the
#         .pub of an ssh-keygen key added with ssh-add) of the same move in a
#         work tree holding the same number of case folders (git's default:
#         loose objects not fsync'd);
#   and at equal durability: xfa --no-fsync beside git's default, and git
#   with core.fsync=committed (objects and refs fsync'd) beside xfa's default;
# at each size of SIZES (default "1000 10000"), N=BENCH_N moves each
# (default 30), and `xfa help` / `xfa --version` on their own
# (BENCH_REPACK=1 repacks each filled archive into one pack first).  Prints one
# JSON line per step (bench_exec's: median/p99 wall ms) and a table with
# the ratio git/xfa.  Figures, not a test.
set -eu
B=${1:?usage: agent.sh BUILD [SIZES]}
SIZES=${2:-1000 10000}
N=${BENCH_N:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$B" && pwd)
XFA=$B/xfa
BB=$B/bench
for p in bench_write bench_exec; do
	[ -x "$BB/$p" ] || { echo "agent.sh: $BB/$p not built (make bench builds it)" >&2; exit 1; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/xfa-bench-agent.XXXXXX")
AGENT_PID=
cleanup() { [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2> /dev/null; rm -rf "$W"; }
trap cleanup EXIT INT TERM
cd "$W"
export LC_ALL=C.UTF-8
printf 'bench passphrase\n' > pass; chmod 600 pass
export XFA_PASSPHRASE_FILE=$W/pass
INPUT=$ROOT/tests/fixtures/cases/02-civil-affairs.json
load() { cut -d' ' -f1-3 /proc/loadavg; }
RES=$W/results.jsonl
: > "$RES"
ex() { "$BB/bench_exec" "$@" | tee -a "$RES"; }

unset SSH_AUTH_SOCK SSH_AGENT_PID
ssh-agent -a "$W/agent.sock" > agent.env
. ./agent.env > /dev/null
AGENT_PID=$SSH_AGENT_PID
$XFA key new --name 管理员 --email admin@bench.example --out admin > /dev/null
$XFA key new --name 登记员 --email clerk@bench.example --out clerk > /dev/null
$XFA key agent-add clerk.key --lifetime 2h > /dev/null
ssh-keygen -q -t ed25519 -N '' -C clerk@bench.example -f git_key
ssh-add -q git_key 2> /dev/null
printf 'clerk@bench.example %s\n' "$(cut -d' ' -f1,2 git_key.pub)" > git_allowed

printf '{"step":"machine","nproc":%s,"cpu":"%s","loadavg":"%s","n":%s}\n' "$(nproc)" \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" "$(load)" $N >> "$RES"
ex -n 100 -l help -x '"what":"xfa help"' -- "$XFA" help > /dev/null
ex -n 100 -l version -x '"what":"xfa --version"' -- "$XFA" --version > /dev/null
ex -n 100 -l true -x '"what":"/bin/true (process floor)"' -- /bin/true > /dev/null

for S in $SIZES; do
	A=$W/a$S.xfa
	export XFA_ARCHIVE=$A
	$XFA init "$A" --name 基准测试信访局 --fonds B001 --as admin.key > /dev/null
	$XFA keyring add clerk.pub --role clerk --as admin.key > /dev/null
	"$BB/bench_write" fill "$A" clerk.key pass "$INPUT" -c $((S - N)) \
		-b $([ $S -lt 5000 ] && echo $((S - N)) || echo 5000) -f 0 > /dev/null
	# BENCH_REPACK=1: consolidate the fill's packs first, as the README
	# advises after a bulk load (at 1,000,000 cases, 200 packs)
	[ "${BENCH_REPACK:-0}" = 1 ] && git --git-dir="$A" repack -a -d -q
	: > ids.out
	ex -n $N -l xfa_new -x "\"size\":$S,\"what\":\"xfa case new --as clerk.pub (agent)\"" \
		-o ids.out -- "$XFA" case new "$INPUT" --as clerk.pub > /dev/null
	grep -o '^[A-Z]*-[0-9]*-[0-9]*' ids.out > ids
	ex -n "$(wc -l < ids)" -l xfa_move -x "\"size\":$S,\"what\":\"xfa case move --as clerk.pub (agent)\",\"loadavg\":\"$(load)\"" \
		-a ids -- "$XFA" case move '{}' accepted --as clerk.pub > /dev/null
	ex -n "$(wc -l < ids)" -l xfa_move_nofsync -x "\"size\":$S,\"what\":\"xfa --no-fsync case move --as clerk.pub (agent)\",\"loadavg\":\"$(load)\"" \
		-a ids -- "$XFA" --no-fsync case move '{}' assigned --set unit=民政局 --as clerk.pub > /dev/null

	g=$W/git$S
	mkdir -p "$g"
	git -C "$g" init -q -b main
	git -C "$g" config user.name 登记员
	git -C "$g" config user.email clerk@bench.example
	git -C "$g" config gpg.format ssh
	git -C "$g" config user.signingkey "$W/git_key.pub"
	git -C "$g" config gpg.ssh.allowedSignersFile "$W/git_allowed"
	awk -v n=$S -v dir="$g" 'BEGIN { for (i = 1; i <= n; i++)
		printf "%s/cases/2026/%02d/%02d/XF-2026-%06d/events\n", dir, int(i / 10000), int(i / 100) % 100, i }' > dirs
	xargs mkdir -p < dirs
	awk -v input="$INPUT" '
		BEGIN { while ((getline l < input) > 0) doc = doc l "\n" }
		{ d = substr($0, 1, length($0) - 7); id = d; sub(/.*\//, "", id)
		  f = d "/case.json"; printf "%s", doc > f; close(f)
		  f = $0 "/000001.json"; printf "{\"seq\":1,\"case\":\"%s\"}\n", id > f; close(f)
		  f = $0 "/000001.sig"; printf "sig %s\n", id > f; close(f) }' dirs
	git -C "$g" add -A
	git -C "$g" -c commit.gpgsign=false commit -q -m "$S cases"
	cat > gitmove.sh <<'EOF'
set -e
id=$(printf 'XF-2026-%06d' $((BENCH_I + 1)))
d=$(ls -d cases/2026/*/*/$id)
printf '{"seq":%s,"case":"%s","to":"accepted"}\n' $SEQ $id > $d/events/00000$SEQ.json
printf 'sig%s %s\n' $SEQ $id > $d/events/00000$SEQ.sig
printf '{"status":"accepted"}\n' >> $d/case.json
git add $d
git $GITFSYNC commit -q -S -m "$id #$SEQ move"
EOF
	(cd "$g" && export GITFSYNC= SEQ=2 && ex -n $N -l git_move -x "\"size\":$S,\"what\":\"git add + git commit -S (key in the agent)\",\"loadavg\":\"$(load)\"" \
		-- sh "$W/gitmove.sh") > /dev/null
	(cd "$g" && export GITFSYNC="-c core.fsync=committed" SEQ=3 && ex -n $N -l git_move_fsync -x "\"size\":$S,\"what\":\"git add + git -c core.fsync=committed commit -S (agent)\",\"loadavg\":\"$(load)\"" \
		-- sh "$W/gitmove.sh") > /dev/null
	git -C "$g" verify-commit HEAD 2> /dev/null || echo "agent.sh: git's last commit does not verify" >&2
	$XFA verify > /dev/null || echo "agent.sh: xfa verify failed at $S" >&2
	rm -rf "$g" dirs
done

/usr/bin/python3 - "$RES" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
by = {}
for r in rows:
    by[(r.get("label", r.get("step")), r.get("size"))] = r
def med(r): return r.get("median_ms", r.get("median"))
m = [r for r in rows if r.get("step") == "machine"][0]
print("machine: %s x %s, load at start %s" % (m["nproc"], m["cpu"], m["loadavg"]), file=sys.stderr)
for k in ("help", "version", "true"):
    r = by.get((k, None))
    if r: print("%-40s median %7.2f ms  p99 %7.2f ms" % (r["what"], med(r), r.get("p99_ms", r.get("p99", 0))), file=sys.stderr)
for s in sorted({r["size"] for r in rows if r.get("size")}):
    x, g = by.get(("xfa_move", s)), by.get(("git_move", s))
    n = by.get(("xfa_new", s))
    if n: print("%6d cases: xfa case new (agent) %7.2f ms" % (s, med(n)), file=sys.stderr)
    if x and g:
        print("%6d cases: xfa case move (agent) %7.2f ms, git add+commit -S (agent) %7.2f ms: git/xfa = %.2f (load %s / %s)"
              % (s, med(x), med(g), med(g) / med(x), x.get("loadavg"), g.get("loadavg")), file=sys.stderr)
    xn, gf = by.get(("xfa_move_nofsync", s)), by.get(("git_move_fsync", s))
    if xn and g:
        print("%6d cases: no fsync either side: xfa %7.2f ms, git %7.2f ms: git/xfa = %.2f" % (s, med(xn), med(g), med(g) / med(xn)), file=sys.stderr)
    if x and gf:
        print("%6d cases: fsync both sides:     xfa %7.2f ms, git %7.2f ms: git/xfa = %.2f" % (s, med(x), med(gf), med(gf) / med(x)), file=sys.stderr)
EOF
