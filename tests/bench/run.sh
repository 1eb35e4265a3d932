#!/bin/sh
# run.sh BUILD [--quick] - the benchmark suite of xfa (make bench).
#
# Builds archives of growing size in-process (signed batches written as one
# pack each), then measures, each beside its reference in the same run:
#   - register / move latency (median, p99), library calls with fsync on and
#     off, and whole `xfa case new` / `xfa case move` processes (with key
#     unlock); Argon2id key unlock on its own;
#   - stock git: `git add` + `git commit -S` (gpg.format=ssh) in a work tree
#     holding the same number of case folders; `git verify-commit` and
#     `git log --show-signature` per commit over the archive's own commits;
#   - batch write rate (events/s) next to the Ed25519 signing rate on all
#     cores (two signatures per event); verification next to the verify rate;
#   - `xfa case list --status`, `xfa case show`; peak RSS of every step;
#   - the programs other parts add to tests/bench/ (verify, export, ...) and
#     `xfa import` / `xfa verify` when they exist.
# Results: BUILD/bench/results.json (one file) and a table on stdout.
# --quick: sizes 1,000 and 10,000, fewer repetitions, under a minute.
# Timings are wall-clock on whatever else the machine is doing: compare
# figures side by side within one run.  No figure here is a pass/fail test.
set -eu

B=${1:?usage: run.sh BUILD [--quick]}
QUICK=0
[ "${2:-}" = "--quick" ] && QUICK=1
ROOT=${BENCH_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
B=$(cd "$B" && pwd)
XFA=$B/xfa
BB=$B/bench
OUT=$B/bench
W=$OUT/work
RES=$OUT/results.jsonl
mkdir -p "$OUT"
[ -x "$XFA" ] || { echo "run.sh: $XFA not built" >&2; exit 1; }
for p in bench_write bench_exec bench_crypto; do
	[ -x "$BB/$p" ] || { echo "run.sh: $BB/$p not built (make bench builds it)" >&2; exit 1; }
done

# N: library calls per size and fsync mode; NCLI: `xfa` processes at the
# first size (the issue-2 figure) and NCLI2 at the others; T: seconds one
# repeated CLI step may take before it stops early (bench_exec -T).
if [ $QUICK = 1 ]; then
	SIZES="1000 3000"; N=10; NCLI=3; NCLI2=3; NLIST=3; GIT_SIZES="1000"; NGIT=3
	NVER=10; CRYPTO_S=0.3; T=5; NIMP=100; EXPORT_MB=32; SYNC_EVENTS=500
else
	SIZES="1000 100000 1000000"; N=200; NCLI=200; NCLI2=50; NLIST=5
	GIT_SIZES="1000 10000"; NGIT=50; NVER=200; CRYPTO_S=2; T=300
	NIMP=5000; EXPORT_MB=256; SYNC_EVENTS=10000
fi
# BENCH_SIZES="1000 100000" and BENCH_T=SECONDS override the defaults.
[ -n "${BENCH_SIZES:-}" ] && SIZES=$BENCH_SIZES
[ -n "${BENCH_T:-}" ] && T=$BENCH_T

# A leftover from an interrupted run; normally the work folder is removed at
# the end, so that no measured write follows a mass delete (PERF-NOTES 5).
rm -rf "$W"
mkdir -p "$W"
: > "$RES"
cd "$W"
T0=$(date +%s)
export LC_ALL=C.UTF-8
printf 'bench passphrase\n' > pass
chmod 600 pass
export XFA_PASSPHRASE_FILE="$W/pass"
export XFA_ARCHIVE="$W/archive.xfa" XFA
INPUT=$ROOT/tests/fixtures/cases/02-civil-affairs.json

say() { printf '== %s (%ss)\n' "$*" $(( $(date +%s) - T0 )) >&2; }
rec() { tee -a "$RES"; }          # keep a result line
ex() { "$BB/bench_exec" "$@" | rec; }
note() { printf '{"step":"note","text":"%s"}\n' "$*" >> "$RES"; echo "note: $*" >&2; }

# --- the machine ----------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
load() { cut -d' ' -f1-3 /proc/loadavg; }
printf '{"step":"machine","nproc":%s,"cpu":"%s","loadavg":"%s","kernel":"%s","git":"%s","openssh":"%s","libgit2":"%s","libsodium":"%s","quick":%s,"date":"%s"}\n' \
	"$(nproc)" "$cpu" "$(load)" "$(uname -r)" "$(git --version | cut -d' ' -f3)" \
	"$(ssh -V 2>&1 | cut -d' ' -f1 | tr -d ,)" \
	"$(pkg-config --modversion libgit2 2>/dev/null || echo '?')" \
	"$(pkg-config --modversion libsodium 2>/dev/null || echo '?')" \
	"$([ $QUICK = 1 ] && echo true || echo false)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" | rec >/dev/null
say "machine: $(nproc) x $cpu"

# --- keys, archive, the crypto limits ---------------------------------------
# BENCH_ARCHIVE_<SIZE>=DIR/NAME.xfa: use that pre-built archive for SIZE
# instead of filling to it (see README).  Its folder DIR holds the keys it
# was built with (admin, clerk, handler .key/.pub; passphrase "bench
# passphrase"); they are then used for every size of this run.
prebuilt() { eval "printf '%s' \"\${BENCH_ARCHIVE_$1:-}\""; }
KEYDIR=
for S in $SIZES; do
	p=$(prebuilt "$S")
	if [ -n "$p" ]; then
		[ -f "$p/HEAD" ] && [ -f "$(dirname "$p")/clerk.key" ] ||
			{ echo "run.sh: BENCH_ARCHIVE_$S=$p: not an archive with admin/clerk/handler keys beside it" >&2; exit 1; }
		KEYDIR=${KEYDIR:-$(cd "$(dirname "$p")" && pwd)}
	fi
done
say "keys and archive"
if [ -n "$KEYDIR" ]; then
	for k in admin clerk handler; do cp "$KEYDIR/$k.key" "$KEYDIR/$k.pub" .; done
	chmod 600 ./*.key
else
	$XFA key new --name 管理员 --email admin@bench.example --out admin > /dev/null
	$XFA key new --name 登记员 --email clerk@bench.example --out clerk > /dev/null
	$XFA key new --name 承办人 --email handler@bench.example --out handler > /dev/null
fi
$XFA init "$XFA_ARCHIVE" --name 基准测试信访局 --fonds B001 --as admin.key > /dev/null
$XFA keyring add clerk.pub --role clerk --as admin.key > /dev/null
$XFA keyring add handler.pub --role handler --as admin.key > /dev/null
$XFA keyring allowed-signers > allowed
"$BB/bench_write" unlock clerk.key pass -n $([ $QUICK = 1 ] && echo 3 || echo 10) | rec >/dev/null
say "Ed25519 limits"
"$BB/bench_crypto" -t $CRYPTO_S | rec >/dev/null

# --- per size: fill, in-process and CLI writes, queries ---------------------
have=1   # cases in the archive (the first is registered by the CLI below)
events=1 # case events (registrations and moves)
$XFA case new "$INPUT" --as clerk.key > /dev/null
for S in $SIZES; do
	add=$((S - have))
	p=$(prebuilt "$S")
	if [ -n "$p" ]; then
		# a copy that shares the pre-built objects (git alternates): the
		# writes below go to the copy, the pre-built archive is not changed
		say "reuse $p for $S cases (BENCH_ARCHIVE_$S)"
		p=$(cd "$p" && pwd)
		XFA_ARCHIVE=$W/archive$S.xfa
		git init -q --bare "$XFA_ARCHIVE"
		echo "$p/objects" > "$XFA_ARCHIVE/objects/info/alternates"
		git --git-dir="$XFA_ARCHIVE" update-ref refs/heads/main "$(git --git-dir="$p" rev-parse refs/heads/main)"
		git --git-dir="$XFA_ARCHIVE" symbolic-ref HEAD refs/heads/main
		[ -f "$p/xfa-index" ] && cp "$p/xfa-index" "$XFA_ARCHIVE/"
		commits=$(git --git-dir="$p" rev-list --count refs/heads/main)
		# cases: the index's record count (u32 at byte 12) when it has one
		have=$([ -f "$p/xfa-index" ] && od -An -tu4 -j12 -N4 "$p/xfa-index" | tr -d ' ' || echo $S)
		events=$((commits - 3))   # less init and the two keyring additions
		printf '{"step":"reuse","size":%s,"archive":"%s","cases":%s,"commits":%s}\n' \
			$S "$p" $have $commits >> "$RES"
		note "size $S: pre-built archive $p ($have cases, $commits commits), not filled in this run"
		add=0
	fi
	if [ $add -gt 0 ]; then
		say "fill to $S cases (+$add, batches packed in memory)"
		"$BB/bench_write" fill "$XFA_ARCHIVE" clerk.key pass "$INPUT" -c $add \
			-b $([ $add -lt 5000 ] && echo $add || echo 5000) -f 0 |
			sed "s/^{/{\"size\":$S,/" | rec >/dev/null
		have=$S
		events=$((events + add))
	fi
	for f in 1 0; do
		say "library register/move at $S, fsync=$f, n=$N"
		"$BB/bench_write" measure "$XFA_ARCHIVE" clerk.key pass "$INPUT" \
			-n $N -s $S -f $f | rec >/dev/null
	done
	say "CLI case new / move at $S, n=$NCLI"
	for f in 1 0; do
		nf=$([ $f = 1 ] && echo "" || echo --no-fsync)
		: > ids.out
		ex -n $NCLI -T $T -l register -x "\"size\":$S,\"fsync\":$f,\"via\":\"cli\"" \
			-o ids.out -- "$XFA" $nf case new "$INPUT" --as clerk.key > /dev/null
		grep -o '^[A-Z]*-[0-9]*-[0-9]*' ids.out > ids
		have=$((have + $(wc -l < ids)))
		events=$((events + 2 * $(wc -l < ids)))
		ex -n "$(wc -l < ids)" -T $T -l move -x "\"size\":$S,\"fsync\":$f,\"via\":\"cli\"" \
			-a ids -- "$XFA" $nf case move '{}' accepted --as clerk.key > /dev/null
	done
	NCLI=$NCLI2
	have=$((have + 2 * N))
	events=$((events + 4 * N))
	say "queries at $S"
	last=$(tail -1 ids)
	ex -n $NLIST -T $T -l list -x "\"size\":$S,\"what\":\"xfa case list --status accepted\"" \
		-- "$XFA" case list --status accepted > /dev/null || true
	ex -n $NLIST -T $T -l show -x "\"size\":$S,\"what\":\"xfa case show ID\"" \
		-- "$XFA" case show "$last" > /dev/null || true
	printf '{"step":"size","size":%s,"cases":%s,"loadavg":"%s"}\n' $S $have "$(load)" >> "$RES"
done

# --- stock git + OpenSSH: what a user would do instead ----------------------
ssh-keygen -q -t ed25519 -N '' -C clerk@bench.example -f git_key
printf 'clerk@bench.example %s\n' "$(cut -d' ' -f1,2 git_key.pub)" > git_allowed
for S in $GIT_SIZES; do
	say "git add + git commit -S (ssh) with $S case folders"
	g=$W/git$S
	mkdir -p "$g"
	git -C "$g" init -q -b main
	git -C "$g" config user.name 登记员
	git -C "$g" config user.email clerk@bench.example
	git -C "$g" config gpg.format ssh
	git -C "$g" config user.signingkey "$W/git_key"
	git -C "$g" config gpg.ssh.allowedSignersFile "$W/git_allowed"
	# the same layout as xfa: cases/YYYY/ab/cd/ID/{case.json,events/000001.json,.sig}
	awk -v n=$S -v dir="$g" 'BEGIN {
		for (i = 1; i <= n; i++) {
			id = sprintf("XF-2026-%06d", i)
			printf "%s/cases/2026/%02d/%02d/%s/events\n", dir, int(i / 10000), int(i / 100) % 100, id
		}
	}' > dirs
	xargs mkdir -p < dirs
	# three files per case, written by one awk (no process per file)
	awk -v input="$INPUT" '
		BEGIN { while ((getline l < input) > 0) doc = doc l "\n" }
		{
			d = substr($0, 1, length($0) - 7); id = d; sub(/.*\//, "", id)
			f = d "/case.json"; printf "%s", doc > f; close(f)
			f = $0 "/000001.json"; printf "{\"seq\":1,\"case\":\"%s\"}\n", id > f; close(f)
			f = $0 "/000001.sig"; printf "sig %s\n", id > f; close(f)
		}' dirs
	git -C "$g" add -A
	git -C "$g" commit -q -m "$S cases"
	cat > gitstep.sh <<EOF
set -e
id=\$(printf 'XF-2026-9%05d' \$BENCH_I)
d=cases/2026/99/99/\$id
mkdir -p \$d/events
cp "$INPUT" \$d/case.json
printf '{"seq":1,"case":"%s"}\n' \$id > \$d/events/000001.json
printf 'sig %s\n' \$id > \$d/events/000001.sig
git add \$d
git commit -q -S -m "\$id #1 register"
EOF
	(cd "$g" && ex -n $NGIT -T $T -l git_commit -x "\"size\":$S,\"what\":\"git add + git commit -S (gpg.format=ssh)\"" \
		-- sh "$W/gitstep.sh") > /dev/null
	cat > gitmove.sh <<EOF
set -e
id=\$(printf 'XF-2026-9%05d' \$BENCH_I)
d=cases/2026/99/99/\$id
printf '{"seq":2,"case":"%s","to":"accepted"}\n' \$id > \$d/events/000002.json
printf 'sig2 %s\n' \$id > \$d/events/000002.sig
printf '{"status":"accepted"}\n' >> \$d/case.json
git add \$d
git commit -q -S -m "\$id #2 move"
EOF
	ng=$(ls "$g/cases/2026/99/99" | wc -l)
	(cd "$g" && ex -n $ng -T $T -l git_move -x "\"size\":$S,\"what\":\"git add + git commit -S, a second event\"" \
		-- sh "$W/gitmove.sh") > /dev/null
	rm -f dirs
done

# --- verification: stock git over the archive's own commits -----------------
say "git verify-commit / log --show-signature over $NVER archive commits"
git --git-dir="$XFA_ARCHIVE" rev-list -n $NVER refs/heads/main > commits
ex -n $NVER -T $T -l git_verify_commit -a commits -x "\"what\":\"git verify-commit, one commit\"" \
	-- git --git-dir="$XFA_ARCHIVE" -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$W/allowed" \
	verify-commit '{}' > /dev/null 2>&1
ex -n 1 -l git_log_show_signature -x "\"commits\":$NVER" \
	-- git --git-dir="$XFA_ARCHIVE" -c gpg.format=ssh -c gpg.ssh.allowedSignersFile="$W/allowed" \
	log --show-signature -n $NVER refs/heads/main > /dev/null 2>&1
if "$XFA" help 2>&1 | grep -q '^ *verify\|xfa verify'; then
	say "xfa verify over the whole archive ($have cases)"
	ex -n 1 -l xfa_verify -x "\"cases\":$have,\"events\":$events" \
		-- "$XFA" verify > /dev/null || note "xfa verify exited non-zero"
else
	note "xfa verify: not built"
fi

# --- other parts' benchmark programs ----------------------------------------
for src in "$ROOT"/tests/bench/*.c; do
	name=$(basename "$src" .c)
	case $name in bench_write|bench_exec|bench_crypto) continue ;; esac
	case $name in
	verify) args="--archive $XFA_ARCHIVE" ;;   # verify this archive
	read_floor) args="$XFA_ARCHIVE" ;;         # libgit2's reads alone, same archive
	export) args="-m $EXPORT_MB -d $W" ;;      # a package of EXPORT_MB MB
	*) args="$XFA_ARCHIVE $W $([ $QUICK = 1 ] && echo --quick)" ;;
	esac
	if [ $QUICK = 1 ] && [ "$name" = export ]; then
		note "$name: skipped in --quick (make bench runs it)"
	elif [ -x "$BB/$name" ]; then
		say "$name (tests/bench/$name.c)"
		# shellcheck disable=SC2086
		"$BB/$name" $args 2> "$name.err" |
			grep '^{' | sed "s/\"step\":\"/\"step\":\"$name:/" | rec >/dev/null ||
			note "$name exited non-zero (see $W/$name.err)"
	else
		note "$name: not built"
	fi
done
for sh in "$ROOT"/tests/bench/*.sh; do
	name=$(basename "$sh" .sh)
	[ "$name" = run ] && continue
	if [ $QUICK = 1 ]; then
		note "$name.sh: skipped in --quick (make bench runs it)"
		continue
	fi
	case $name in
	sync) args=$SYNC_EVENTS ;;                 # events carried by xfa sync
	*) args="" ;;
	esac
	say "$name (tests/bench/$name.sh $args)"
	# shellcheck disable=SC2086
	sh "$sh" "$B" $args 2> "$name.err" | grep '^{' |
		sed "s/\"step\":\"/\"step\":\"$name:/" | rec >/dev/null ||
		note "$name.sh exited non-zero (see $W/$name.err)"
done
if "$XFA" help 2>&1 | grep -q '^ *import'; then
	say "xfa import of $NIMP cases (a fresh archive)"
	fpr() { ssh-keygen -lf "$1" | cut -d' ' -f2; }
	/usr/bin/python3 "$ROOT/tests/e2e/import_gen.py" $NIMP "$(fpr clerk.pub)" "$(fpr handler.pub)" > import.jsonl
	nev=$(/usr/bin/python3 -c 'import json,sys; print(sum(1 + len(json.loads(l)["events"]) for l in open(sys.argv[1])))' import.jsonl)
	$XFA init "$W/import.xfa" --name 导入测试 --fonds B002 --as admin.key > /dev/null
	$XFA -C "$W/import.xfa" keyring add clerk.pub --role clerk --as admin.key > /dev/null
	$XFA -C "$W/import.xfa" keyring add handler.pub --role handler --as admin.key > /dev/null
	ex -n 1 -l import -x "\"cases\":$NIMP,\"events\":$nev,\"what\":\"xfa import (fsync on, incl. 2 key unlocks)\"" \
		-- "$XFA" -C "$W/import.xfa" import import.jsonl --key clerk.key --key handler.key > /dev/null ||
		note "xfa import exited non-zero"
else
	note "xfa import: not built; the fill rate (in-process batches) stands in"
fi

# --- results ----------------------------------------------------------------
say "results"
/usr/bin/python3 "$ROOT/tests/bench/report.py" "$RES" "$OUT/results.json"
cd "$OUT"
[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$W"
