# t_agent.sh - keys held the way offices hold them: OpenSSH's own ssh-agent
# holds an xfa key (xfa key agent-add) and an ssh-keygen key (ssh-add); the
# writes name only the public key (--as clerk.pub) and have no passphrase;
# xfa verify, git verify-commit and ssh-keygen -Y verify judge the result,
# and the signatures are byte-identical to ssh-keygen -Y sign through the
# same agent.  FIDO2 keys (sk-ssh-ed25519) without a token: the test tool
# sktool signs as PROTOCOL.u2f says, as an agent and as ssh-keygen.  Every
# bad input (no agent, not an agent, a refusing agent, a key it lacks, a
# key file others can read...) fails with its status and writes nothing.
. "$E2E/lib.sh"
SKTOOL=$(dirname "$XFA")/sktool
[ -x "$SKTOOL" ] || die "$SKTOOL missing: make BUILD=$(dirname "$XFA") $(dirname "$XFA")/sktool"
command -v ssh-agent > /dev/null && command -v ssh-add > /dev/null || die "ssh-agent missing (openssh-client)"
unset SSH_AUTH_SOCK SSH_AGENT_PID
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2> /dev/null || true; done; }
trap cleanup EXIT INT TERM
F="$SHARED_FIXTURES/cases"

# sk_agent NAME SEED MODE: a sktool agent on $PWD/NAME.sock
sk_agent() {
	rm -f "$PWD/$1.sock"
	"$SKTOOL" agent "$PWD/$1.sock" "$2" "$3" & PIDS="$PIDS $!"
	i=0; while [ ! -S "$PWD/$1.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -S "$PWD/$1.sock" ] || die "sktool agent $3 did not start"
}
# path of file NAME of case ID in the archive's tree
path_of() { git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only main | grep "/$1/$2\$"; }
show() { git --git-dir="$XFA_ARCHIVE" show "main:$1"; }

say "an archive; OpenSSH's ssh-agent"
standard_archive
ssh-agent -a "$PWD/agent.sock" > agent.env
. ./agent.env > /dev/null
PIDS="$PIDS $SSH_AGENT_PID"
[ "$SSH_AUTH_SOCK" = "$PWD/agent.sock" ] || die "ssh-agent did not take -a"

say "a key the agent does not hold yet: refused, nothing written"
unchanged 77 $XFA case new "$F/02-civil-affairs.json" --as keys/clerk.pub
err_has "does not hold key $($XFA key fingerprint keys/clerk.pub)"
expect 0 $XFA key agent-list
[ ! -s .out ] || die "agent-list of an empty agent printed something"

say "key agent-add: one unlock, a lifetime; agent-list names the keyring's key"
expect 0 $XFA key agent-add keys/clerk.key --lifetime 8h
out_has "$($XFA key fingerprint keys/clerk.pub) added to the ssh-agent for 28800 s"
ssh-add -l | grep -q "$($XFA key fingerprint keys/clerk.pub) clerk <clerk@bureau.example> (ED25519)" \
	|| die "ssh-add -l does not show the added key with its comment"
expect 0 $XFA key agent-list
grep -q "^$($XFA key fingerprint keys/clerk.pub)  ssh-ed25519  clerk  clerk$" .out || { cat .out; die "agent-list lacks the clerk"; }
expect 0 $XFA --json key agent-list
$PY -c 'import json,sys; d=json.load(open(".out")); assert d[0]["roles"]==["clerk"] and d[0]["in_keyring"] is True, d' \
	|| die "agent-list --json"
expect 0 env XFA_ARCHIVE="$PWD/none.xfa" $XFA key agent-list
grep -q "^$($XFA key fingerprint keys/clerk.pub)  ssh-ed25519$" .out || { cat .out; die "agent-list without an archive"; }

say "writes through the agent, no passphrase anywhere"
mv pass pass.away
id=$(env -u XFA_PASSPHRASE_FILE $XFA --json case new "$F/02-civil-affairs.json" --as keys/clerk.pub < /dev/null \
	| $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')
env -u XFA_PASSPHRASE_FILE XFA_KEY=keys/clerk.pub $XFA case move "$id" accepted < /dev/null > /dev/null
mv pass.away pass
expect 0 $XFA verify
out_has "ok: the archive is sound"
allowed_signers > /dev/null
sgit verify-commit main 2> vc.err || { cat vc.err; die "git verify-commit refused an agent-signed commit"; }
grep -q 'Good "git" signature for clerk@bureau.example with ED25519 key' vc.err || die "git verify-commit said: $(cat vc.err)"

say "byte-identical to ssh-keygen -Y sign through the same agent"
show "$(path_of "$id" events/000002.json)" > ev.json
show "$(path_of "$id" events/000002.sig)" > ev.xfa.sig
ssh-keygen -Y verify -f allowed -I clerk@bureau.example -n xfa-event -s ev.xfa.sig < ev.json > /dev/null \
	|| die "ssh-keygen -Y verify refused the event signature"
ssh-keygen -Y sign -q -n xfa-event -f keys/clerk.pub ev.json 2> /dev/null || die "ssh-keygen -Y sign through the agent failed"
cmp ev.json.sig ev.xfa.sig || die "the event signature differs from ssh-keygen's through the same agent"
git --git-dir="$XFA_ARCHIVE" cat-file commit main > commit.raw
$PY - commit.raw <<'EOF'
import sys
raw = open(sys.argv[1], "rb").read().decode()
head, body = raw.split("\n\n", 1)
lines, sig, out = head.split("\n"), [], []
for l in lines:
    if l.startswith("gpgsig "): sig.append(l[7:])
    elif l.startswith(" ") and sig: sig.append(l[1:])
    else: out.append(l)
open("commit.payload", "w").write("\n".join(out) + "\n\n" + body)
open("commit.xfa.sig", "w").write("\n".join(sig) + "\n")
EOF
ssh-keygen -Y sign -q -n git -f keys/clerk.pub commit.payload 2> /dev/null || die "ssh-keygen -Y sign (git) failed"
cmp commit.payload.sig commit.xfa.sig || die "the commit signature differs from ssh-keygen's through the same agent"

say "xfa import: one key in the agent (no passphrase asked for it), one key file"
$PY "$E2E/import_gen.py" 3 "$($XFA key fingerprint keys/clerk.pub)" "$($XFA key fingerprint keys/handler.pub)" > imp.jsonl
unchanged 77 $XFA import imp.jsonl --key keys/clerk.pub --key keys/leader.pub
err_has "does not hold key"
expect 0 $XFA import imp.jsonl --key keys/clerk.pub --key keys/handler.key
expect 0 $XFA verify
out_has "ok: the archive is sound"

say "an OpenSSH key (ssh-keygen, ssh-add) in the keyring, used by its .pub"
ssh-keygen -q -t ed25519 -N '' -C 'wang@office-pc' -f id_ed25519
ssh-add -q id_ed25519 2> /dev/null
expect 0 $XFA keyring add id_ed25519.pub --role clerk --as keys/admin.key
out_has "added $($XFA key fingerprint id_ed25519.pub) (clerk)"
$XFA --json keyring list | $PY -c 'import json,sys; d=json.load(sys.stdin); r=d[sys.argv[1]]; assert r["name"]=="wang@office-pc", r' \
	"$($XFA key fingerprint id_ed25519.pub)" || die "the OpenSSH comment did not become the name"
# a comment that cannot be a name (angle brackets, control bytes) is dropped
ssh-keygen -q -t ed25519 -N '' -C "$(printf 'x <y\001z')" -f odd_ed25519
expect 0 $XFA keyring add odd_ed25519.pub --role auditor --as keys/admin.key
id2=$(env -u XFA_PASSPHRASE_FILE $XFA --json case new "$F/03-land-dispute.json" --as id_ed25519.pub < /dev/null \
	| $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')
expect 0 $XFA verify
allowed_signers > /dev/null
sgit verify-commit main 2> vc.err || { cat vc.err; die "git verify-commit refused the OpenSSH key's commit"; }
show "$(path_of "$id2" events/000001.json)" > ev2.json
show "$(path_of "$id2" events/000001.sig)" > ev2.xfa.sig
ssh-keygen -Y sign -q -n xfa-event -f id_ed25519.pub ev2.json 2> /dev/null
cmp ev2.json.sig ev2.xfa.sig || die "the OpenSSH key's event signature differs from ssh-keygen's"
# the OpenSSH private key file itself is not an xfa key file
unchanged 65 $XFA case move "$id2" accepted --as id_ed25519
err_has "XFA SECRET KEY"

say "the archivist exports through the agent; verify-export"
expect 0 $XFA key agent-add keys/archivist.key --lifetime 1h
$XFA case move "$id2" rejected --set decision.reason=不属于信访事项 --set decision.channel=litigation \
	--as id_ed25519.pub > /dev/null
expect 0 $XFA export "$id2" --out pkg.tar --as keys/archivist.pub
expect 0 $XFA verify-export pkg.tar
expect 0 $XFA verify

say "bad agents and bad keys: a clear error, the status, nothing written"
unchanged 77 env -u SSH_AUTH_SOCK $XFA case move "$id" assigned --set unit=民政局 --as keys/clerk.pub
err_has "SSH_AUTH_SOCK is not set"
unchanged 74 env SSH_AUTH_SOCK="$PWD/nothing.sock" $XFA case move "$id" assigned --set unit=民政局 --as keys/clerk.pub
err_has "cannot reach ssh-agent at '$PWD/nothing.sock'"
unchanged 74 env SSH_AUTH_SOCK="$PWD/pass" $XFA case move "$id" assigned --set unit=民政局 --as keys/clerk.pub
err_has "is not a socket"
"$SKTOOL" keygen tok
for mode in garbage close huge; do
	sk_agent $mode tok.seed $mode
	unchanged 74 env SSH_AUTH_SOCK="$PWD/$mode.sock" $XFA case move "$id" assigned --set unit=民政局 --as keys/clerk.pub
	err_has "not an ssh-agent"
	expect 74 env SSH_AUTH_SOCK="$PWD/$mode.sock" $XFA key agent-list
	expect 74 env SSH_AUTH_SOCK="$PWD/$mode.sock" $XFA key agent-add keys/clerk.key
done
unchanged 77 $XFA case move "$id" assigned --set unit=民政局 --as keys/handler.pub
err_has "does not hold key"
# OpenSSH's agent refusing: a key added with confirmation (ssh-add -c) and no
# ssh-askpass to confirm with
ssh-add -q -d id_ed25519.pub 2> /dev/null
SSH_ASKPASS=/nonexistent ssh-add -q -c id_ed25519 2> /dev/null
unchanged 77 $XFA case new "$F/02-civil-affairs.json" --as id_ed25519.pub
err_has "refused to sign"
ssh-add -q -d id_ed25519.pub 2> /dev/null
ssh-add -q id_ed25519 2> /dev/null
# held by the agent, not in the keyring
ssh-keygen -q -t ed25519 -N '' -C stranger -f stranger_ed25519
ssh-add -q stranger_ed25519 2> /dev/null
unchanged 77 $XFA case move "$id" assigned --set unit=民政局 --as stranger_ed25519.pub
err_has "keyring"
# a key type the keyring does not allow
ssh-keygen -q -t ecdsa -N '' -C ec -f ec_key
unchanged 65 $XFA keyring add ec_key.pub --role clerk --as keys/admin.key
err_has "'ecdsa-sha2-nistp256' is not supported"
unchanged 65 $XFA case move "$id" assigned --set unit=民政局 --as ec_key.pub
# a secret key file its group or others can read: refused before any passphrase
cp keys/clerk.key open.key; chmod 644 open.key
unchanged 77 $XFA case move "$id" assigned --set unit=民政局 --as open.key
err_has "mode 0644"; err_has "chmod 600"
chmod 640 open.key
unchanged 77 $XFA case move "$id" assigned --set unit=民政局 --as open.key
err_has "mode 0640"
expect 77 $XFA key agent-add open.key
err_has "mode 0640"
# agent-add: bad lifetime, a public key, a wrong passphrase, no agent
expect 64 $XFA key agent-add keys/clerk.key --lifetime 8x
err_has "lifetime"
expect 64 $XFA key agent-add keys/clerk.key --lifetime 400d
expect 64 $XFA key agent-add keys/clerk.pub
printf 'wrong\n' > wrongpass; chmod 600 wrongpass
expect 77 env XFA_PASSPHRASE_FILE="$PWD/wrongpass" $XFA key agent-add keys/leader.key
ssh-add -l | grep -q "$($XFA key fingerprint keys/leader.pub)" && die "a wrong passphrase added a key"
expect 77 env -u SSH_AUTH_SOCK $XFA key agent-add keys/leader.key
ssh-add -l | grep -q "$($XFA key fingerprint keys/leader.pub)" && die "agent-add without an agent added a key"
expect 77 env -u SSH_AUTH_SOCK $XFA key agent-list
expect 0 $XFA verify

say "the lifetime is the agent's: a 3 s key is gone after it"
# (the agent counts whole seconds: a 1 s key may go before it is looked at)
expect 0 $XFA key agent-add keys/leader.key --lifetime 3s
ssh-add -l | grep -q "$($XFA key fingerprint keys/leader.pub)" || die "the 3 s key was not added"
sleep 4
ssh-add -l | grep -q "$($XFA key fingerprint keys/leader.pub)" && die "the agent still holds the key after its lifetime"

say "FIDO2 sk-ssh-ed25519 keys: in the keyring, signing through an agent"
expect 0 $XFA keyring add tok.pub --role clerk --name 令牌 --email tok@bureau.example --as keys/admin.key
out_has "added $(ssh-keygen -l -f tok.pub | cut -d' ' -f2) (clerk)"
$XFA keyring allowed-signers | grep -q '^tok@bureau.example namespaces=.* sk-ssh-ed25519@openssh.com AAAA' \
	|| die "allowed-signers lacks the sk key"
sk_agent ok tok.seed ok
expect 0 env SSH_AUTH_SOCK="$PWD/ok.sock" $XFA key agent-list
out_has "sk-ssh-ed25519@openssh.com  令牌  clerk"
id3=$(env SSH_AUTH_SOCK="$PWD/ok.sock" $XFA --json case new "$F/01-unpaid-wages.json" --as tok.pub \
	| $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')
expect 0 $XFA verify
out_has "ok: the archive is sound"
allowed_signers > /dev/null
sgit verify-commit main 2> vc.err || { cat vc.err; die "git verify-commit refused the sk key's commit"; }
grep -q 'Good "git" signature for tok@bureau.example with ED25519-SK key' vc.err || die "git said: $(cat vc.err)"
show "$(path_of "$id3" events/000001.json)" > ev3.json
show "$(path_of "$id3" events/000001.sig)" > ev3.sig
ssh-keygen -Y verify -f allowed -I tok@bureau.example -n xfa-event -s ev3.sig < ev3.json > /dev/null \
	|| die "ssh-keygen -Y verify refused the sk event signature"
# an sk agent that refuses, signs without the touch, or for another application
sk_agent refuse tok.seed refuse
unchanged 77 env SSH_AUTH_SOCK="$PWD/refuse.sock" $XFA case move "$id3" accepted --as tok.pub
err_has "refused to sign"
sk_agent noflag tok.seed noflag
unchanged 77 env SSH_AUTH_SOCK="$PWD/noflag.sock" $XFA case move "$id3" accepted --as tok.pub
err_has "without the user's touch"
sk_agent wrongapp tok.seed wrongapp
unchanged 77 env SSH_AUTH_SOCK="$PWD/wrongapp.sock" $XFA case move "$id3" accepted --as tok.pub
err_has "bad signature"
# a checkpoint needs a plain Ed25519 signature, which a security key cannot make
expect 77 env SSH_AUTH_SOCK="$PWD/ok.sock" $XFA checkpoint --as tok.pub
err_has "security key"

say "sk signatures made outside xfa: stock tools and xfa verify judge them"
good=$(head_of)
# -Y sign with the software token, as git's gpg.ssh.program
"$SKTOOL" -Y sign -n xfa-event -f tok.seed ev3.json
ssh-keygen -Y verify -f allowed -I tok@bureau.example -n xfa-event -s ev3.json.sig < ev3.json > /dev/null \
	|| die "ssh-keygen refused sktool's signature"
SKTOOL_APP=ssh:other "$SKTOOL" -Y sign -n xfa-event -f tok.seed ev3.json
if ssh-keygen -Y verify -f allowed -I tok@bureau.example -n xfa-event -s ev3.json.sig < ev3.json > /dev/null 2>&1; then
	die "ssh-keygen accepted a signature for another application"
fi
# OpenSSH 9.2 has no allowed-signers option requiring the touch for -Y
# verify: it accepts a signature without the user-presence flag.  xfa's
# policy does not (below).  This records the difference.
SKTOOL_FLAGS=0 "$SKTOOL" -Y sign -n xfa-event -f tok.seed ev3.json
ssh-keygen -Y verify -f allowed -I tok@bureau.example -n xfa-event -s ev3.json.sig < ev3.json > /dev/null \
	|| die "ssh-keygen 9.2 refused a signature without the touch (it did not before): update the note above"
# resign VARIANT: the sk commit re-made with its event signature and its
# commit signature altered by sktool (SKTOOL_FLAGS / SKTOOL_APP in the env)
resign() {
	T=$PWD/$1.xfa; rm -rf "$T"; cp -a "$XFA_ARCHIVE" "$T"
	evp=$(path_of "$id3" events/000001.sig)
	"$SKTOOL" -Y sign -n xfa-event -f tok.seed ev3.json
	GIT_INDEX_FILE=$PWD/$1.index git --git-dir="$T" read-tree main
	GIT_INDEX_FILE=$PWD/$1.index git --git-dir="$T" update-index --add \
		--cacheinfo "100644,$(git --git-dir="$T" hash-object -w ev3.json.sig),$evp"
	tree=$(GIT_INDEX_FILE=$PWD/$1.index git --git-dir="$T" write-tree)
	an=$(git --git-dir="$T" log -1 --format=%an main); ae=$(git --git-dir="$T" log -1 --format=%ae main)
	ad=$(git --git-dir="$T" log -1 --format=%ad --date=raw main); cd_=$(git --git-dir="$T" log -1 --format=%cd --date=raw main)
	msg=$(git --git-dir="$T" log -1 --format=%B main)   # as t_tamper: -m gives back its one final newline
	c=$(GIT_AUTHOR_NAME="$an" GIT_AUTHOR_EMAIL="$ae" GIT_AUTHOR_DATE="$ad" \
		GIT_COMMITTER_NAME="$an" GIT_COMMITTER_EMAIL="$ae" GIT_COMMITTER_DATE="$cd_" \
		git --git-dir="$T" -c gpg.format=ssh -c gpg.ssh.program="$SKTOOL" -c user.signingkey="$PWD/tok.seed" \
		commit-tree -S "$tree" -p main~1 -m "$msg")
	git --git-dir="$T" update-ref refs/heads/main "$c"
}
SKTOOL_FLAGS=0x01 resign control
expect 0 env XFA_ARCHIVE="$PWD/control.xfa" $XFA verify
git --git-dir="$PWD/control.xfa" -c gpg.ssh.allowedSignersFile="$PWD/allowed" verify-commit main 2> /dev/null \
	|| die "git refused the re-made sk commit"
SKTOOL_FLAGS=0 resign noflag
expect 1 env XFA_ARCHIVE="$PWD/noflag.xfa" $XFA verify
out_has "user-presence flag"
git --git-dir="$PWD/noflag.xfa" -c gpg.ssh.allowedSignersFile="$PWD/allowed" verify-commit main 2> /dev/null \
	|| die "git 2.39 with OpenSSH 9.2 refused a commit without the touch (it did not before)"
SKTOOL_APP=ssh:other resign wrongapp
expect 1 env XFA_ARCHIVE="$PWD/wrongapp.xfa" $XFA verify
out_has "does not verify"
if git --git-dir="$PWD/wrongapp.xfa" -c gpg.ssh.allowedSignersFile="$PWD/allowed" verify-commit main 2> /dev/null; then
	die "git accepted a commit signed for another application"
fi
[ "$(head_of)" = "$good" ] || die "the archive moved"

say "the agent is killed at the end (trap)"
