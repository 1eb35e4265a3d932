#!/bin/sh
# sync_ssh.sh BUILD [CASES...] - `xfa sync` over ssh beside what a git user
# would run on the same repositories against the same server (issue 20).
# For each size (default 10000; SYNC_SSH_CASES="10000 100000" or arguments):
# an archive of CASES cases (tests/bench/fill-archive, MOVES=0; or the one
# at BENCH_ARCHIVE_<CASES>, with its keys beside it, copied), put on an
# OpenSSH sshd of its own on 127.0.0.1 (run as this user, host key and
# authorized_keys in the work folder); two offices A01 and B02 made with
# `git clone --bare` over ssh (configured as `xfa clone` would; not timed),
# each imports about 100 new events (xfa import, not timed).  Then, from
# copies of that state, two runs against two copies of the server:
#   xfa:  A01 `xfa sync` (push), B02 `xfa sync` (fetch, verify, signed
#         merge, push), A01 `xfa sync` (fetch, fast-forward);
#   git:  A01 git fetch + git push; B02 git fetch + merge + git push;
#         A01 git fetch + merge (fast-forward).  The repositories are bare,
#         so the merge is git's own without a work tree: `git merge-tree
#         --write-tree` + `git commit-tree` (unsigned) + `git update-ref`.
# Prints one JSON line per run and the ratio; each xfa process includes its
# Argon2id key unlock (3 of them), printed apart.  Figures, not a test.
set -eu
B=$(cd "${1:?usage: sync_ssh.sh BUILD [CASES...]}" && pwd)
shift
SIZES=${*:-${SYNC_SSH_CASES:-10000}}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
XFA=$B/xfa
[ -x /usr/sbin/sshd ] || { echo "sync_ssh.sh: no /usr/sbin/sshd (openssh-server)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/xfa-bench-sync-ssh.XXXXXX")
SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$W"' EXIT INT TERM
cd "$W"
export HOME="$W/home" LC_ALL=C.UTF-8
mkdir -p "$HOME/.ssh" /run/sshd 2>/dev/null || mkdir -p "$HOME/.ssh"
unset SSH_AUTH_SOCK
ssh-keygen -q -t ed25519 -N '' -f host
ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
cp "$HOME/.ssh/id_ed25519.pub" authorized_keys
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > sshd_config <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $W/host
PidFile $W/sshd.pid
AuthorizedKeysFile $W/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel ERROR
EOF
/usr/sbin/sshd -D -e -f sshd_config 2> sshd.log &
SPID=$!
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 host.pub)" > "$HOME/.ssh/known_hosts"
export GIT_SSH_COMMAND="ssh -o BatchMode=yes -o UserKnownHostsFile=$HOME/.ssh/known_hosts -i $HOME/.ssh/id_ed25519"
i=0
until ssh -p "$PORT" -o BatchMode=yes -o UserKnownHostsFile="$HOME/.ssh/known_hosts" \
	-i "$HOME/.ssh/id_ed25519" "$(id -un)@127.0.0.1" true 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || { cat sshd.log >&2; echo "sync_ssh.sh: sshd did not start" >&2; exit 1; }
	sleep 0.2
done
URL=ssh://$(id -un)@127.0.0.1:$PORT$W

now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }
fpr() { ssh-keygen -lf "$1" | cut -d' ' -f2; }
# office NAME CODE: a bare clone of srv/county.git over ssh, set up as xfa clone does
office() {
	git clone -q --bare "$URL/n$N/srv/county.git" "$1"
	git --git-dir="$1" config xfa.office "$2"
	git --git-dir="$1" config remote.origin.fetch "+refs/heads/main:refs/xfa/remotes/origin/main"
	git --git-dir="$1" update-ref refs/xfa/remotes/origin/main refs/heads/main
}
# gsync DIR [merge]: what a git user runs: fetch, merge (in a bare repository), push
gsync() {
	git --git-dir="$1" fetch -q origin
	theirs=$(git --git-dir="$1" rev-parse refs/xfa/remotes/origin/main)
	mine=$(git --git-dir="$1" rev-parse refs/heads/main)
	if git --git-dir="$1" merge-base --is-ancestor "$mine" "$theirs"; then
		git --git-dir="$1" update-ref refs/heads/main "$theirs"
	elif ! git --git-dir="$1" merge-base --is-ancestor "$theirs" "$mine"; then
		tree=$(git --git-dir="$1" merge-tree --write-tree "$mine" "$theirs")
		m=$(git --git-dir="$1" -c user.name=bench -c user.email=bench@x commit-tree \
			-p "$mine" -p "$theirs" -m "merge origin" "$tree")
		git --git-dir="$1" update-ref refs/heads/main "$m"
	fi
	[ "$(git --git-dir="$1" rev-parse refs/heads/main)" = "$theirs" ] ||
		git --git-dir="$1" push -q origin refs/heads/main:refs/heads/main
}
timed() {  # timed LABEL CMD...: seconds of CMD on stdout, its output in step.out
	label=$1; shift
	t0=$(now)
	"$@" > step.out 2>&1 || { cat step.out >&2; echo "sync_ssh.sh: $label failed" >&2; exit 1; }
	echo "$(now) - $t0" | bc
}

for N in $SIZES; do
	D=$W/n$N
	mkdir -p "$D/srv"
	eval "pre=\${BENCH_ARCHIVE_$N:-}"
	if [ -n "$pre" ]; then
		src=$(cd "$(dirname "$pre")" && pwd)
		cp "$src"/admin.key "$src"/admin.pub "$src"/clerk.key "$src"/clerk.pub \
			"$src"/handler.key "$src"/handler.pub "$src"/pass "$D/"
		git clone -q --bare "$pre" "$D/srv/county.git"
	else
		MOVES=0 sh "$ROOT/tests/bench/fill-archive" "$B" "$D/fill" "$N" > /dev/null
		cp "$D"/fill/*.key "$D"/fill/*.pub "$D"/fill/pass "$D/"
		git clone -q --bare "$D/fill/a.xfa" "$D/srv/county.git"
		rm -rf "$D/fill"
	fi
	cd "$D"
	export XFA_PASSPHRASE_FILE="$D/pass"
	office A01.xfa A01
	office B02.xfa B02
	# about 100 events on each side (import_gen.py: ~4.55 events a case)
	for o in A01:0 B02:1000; do
		/usr/bin/python3 "$ROOT/tests/e2e/import_gen.py" 22 "$(fpr clerk.pub)" "$(fpr handler.pub)" \
			5 2026 "${o#*:}" > "${o%:*}.jsonl"
		$XFA -C "${o%:*}.xfa" import "${o%:*}.jsonl" --key clerk.key --key handler.key > /dev/null
	done
	ev=$(git --git-dir=A01.xfa rev-list --count refs/xfa/remotes/origin/main..refs/heads/main)
	evb=$(git --git-dir=B02.xfa rev-list --count refs/xfa/remotes/origin/main..refs/heads/main)
	# the git run works on copies of the same state, against a copy of the server
	mkdir -p g/srv
	cp -a srv/county.git g/srv/county.git
	cp -a A01.xfa g/A01.git
	cp -a B02.xfa g/B02.git
	git --git-dir=g/A01.git config remote.origin.url "$URL/n$N/g/srv/county.git"
	git --git-dir=g/B02.git config remote.origin.url "$URL/n$N/g/srv/county.git"
	git --git-dir=A01.xfa config remote.origin.url "$URL/n$N/srv/county.git"
	git --git-dir=B02.xfa config remote.origin.url "$URL/n$N/srv/county.git"
	l0=$(load)
	[ -x "$B/bench/bench_write" ] && "$B/bench/bench_write" unlock clerk.key pass -n 3 2>/dev/null |
		grep '^{' | sed "s/\"step\":\"unlock\"/\"step\":\"unlock\",\"cases\":$N/" || true
	xa=$(timed xfa-A01-push $XFA -C A01.xfa sync --as clerk.key)
	xb=$(timed xfa-B02-merge $XFA -C B02.xfa sync --as clerk.key)
	r_b=$(head -1 step.out)
	xc=$(timed xfa-A01-ff $XFA -C A01.xfa sync --as clerk.key)
	ga=$(timed git-A01-push gsync g/A01.git)
	gb=$(timed git-B02-merge gsync g/B02.git)
	gc=$(timed git-A01-ff gsync g/A01.git)
	l1=$(load)
	[ "$(git --git-dir=A01.xfa rev-parse refs/heads/main)" = "$(git --git-dir=B02.xfa rev-parse refs/heads/main)" ] ||
		{ echo "sync_ssh.sh: the offices did not converge" >&2; exit 1; }
	xt=$(echo "$xa + $xb + $xc" | bc)
	gt=$(echo "$ga + $gb + $gc" | bc)
	printf '{"bench":"sync_ssh","step":"xfa","cases":%s,"events_a":%s,"events_b":%s,"push":%s,"merge":%s,"ff":%s,"seconds":%s,"merge_result":"%s","load":"%s-%s"}\n' \
		"$N" "$ev" "$evb" "$xa" "$xb" "$xc" "$xt" "$r_b" "$l0" "$l1"
	printf '{"bench":"sync_ssh","step":"git","cases":%s,"push":%s,"merge":%s,"ff":%s,"seconds":%s}\n' \
		"$N" "$ga" "$gb" "$gc" "$gt"
	printf '{"bench":"sync_ssh","step":"ratio","cases":%s,"xfa_over_git":%s}\n' \
		"$N" "$(echo "scale=2; $xt / $gt" | bc)"
	cd "$W"
	rm -rf "$D"
done
