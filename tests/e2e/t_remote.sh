# t_remote.sh - offices share one archive through real servers (issue 20):
# OpenSSH's sshd (ssh:// and scp-like host:path, keys from an ssh-agent or
# ~/.ssh/id_ed25519, known_hosts plain and hashed), lighttpd running
# git-http-backend (http and https with a CA made here, basic auth, the
# password from git's credential helper `store`) and `git daemon` (git://),
# all on loopback inside this folder with HOME here.  Clone and sync through
# each; every error path (unknown or changed host key, refused key, wrong
# password, untrusted certificate, unreachable port, not an archive, no main,
# a hook refusing the push) exits as cli/xfa.1 says and leaves the local
# refs as they were; stock git clones and pushes interoperate.
. "$E2E/lib.sh"
# Under ASan (ignored otherwise): libgit2 1.5.1's ssh transport leaks 80
# bytes a connection (see cli/cmd_sync.c); the suppression names a libgit2
# function, which only the slow unwinder finds (libgit2 has no frame
# pointers), and that makes a run 5x slower.  So leaks are checked on the
# commands marked $LK (https, git://) and $LKS (ssh, slow unwinder): each
# path of store_transport.c once; ASan's other checks run everywhere.
ASAN_BASE=${ASAN_OPTIONS:+$ASAN_OPTIONS:}
export ASAN_OPTIONS="${ASAN_BASE}detect_leaks=0"
LK="env ASAN_OPTIONS=${ASAN_BASE}detect_leaks=1"
LKS="env ASAN_OPTIONS=${ASAN_BASE}detect_leaks=1:fast_unwind_on_malloc=0"

export HOME="$PWD/home" GIT_TERMINAL_PROMPT=0
unset SSH_AUTH_SOCK SSH_AGENT_PID GIT_SSL_CAINFO GIT_SSL_CAPATH
mkdir -p "$HOME/.ssh" srv run
chmod 700 "$HOME/.ssh"
F=$SHARED_FIXTURES/cases
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
	i=0
	until $PY -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)' "$1" "$2" 2> /dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat run/*.log run/*.stderr 2> /dev/null; die "nothing listens on $1:$2"; }
		sleep 0.1
	done
}
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2> /dev/null || true; done' EXIT INT TERM
# refs DIR: every ref of archive DIR with its target
refs() { git --git-dir="$1" for-each-ref --format='%(refname) %(objectname)'; }
# same_refs DIR CMD...: CMD must leave the refs of DIR as they were
same_refs() {
	d=$1; shift
	refs "$d" > refs.before
	"$@"
	refs "$d" > refs.after
	cmp -s refs.before refs.after || { diff refs.before refs.after; die "refs of $d changed: $*"; }
}

say "the county archive and other repositories on the server"
export XFA_ARCHIVE="$PWD/srv/county.git"
standard_archive
c0=$(new_case "$F/02-civil-affairs.json")
unset XFA_ARCHIVE
git init -q --bare srv/plain.git                  # a git project, not an archive
git init -q plainwt
git -C plainwt -c user.name=u -c user.email=u@x commit -q --allow-empty -m "a project"
git -C plainwt push -q "$PWD/srv/plain.git" HEAD:refs/heads/main
git init -q --bare srv/nomain.git                 # an archive's history under master only
git --git-dir=srv/county.git push -q "$PWD/srv/nomain.git" refs/heads/main:refs/heads/master
git clone -q --bare srv/county.git srv/hooked.git # a county that refuses pushes
printf '#!/bin/sh\necho "county: pushes are closed for the audit" >&2\nexit 1\n' > srv/hooked.git/hooks/pre-receive
chmod +x srv/hooked.git/hooks/pre-receive

say "sshd on 127.0.0.1:PORT and on a loopback address of its own at port 22"
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -C host -f run/hostkey
ssh-keygen -q -t ed25519 -N '' -C other -f run/otherhost
ssh-keygen -q -t ed25519 -N '' -C agent -f run/agentkey
ssh-keygen -q -t ed25519 -N '' -C file -f run/filekey
ssh-keygen -q -t ed25519 -N '' -C stranger -f run/stranger
cat run/agentkey.pub run/filekey.pub > run/authorized_keys
SPORT=$(free_port)
A22=$($PY -c 'import random; print("127.%d.%d.%d" % (random.randint(1, 250), random.randint(0, 250), random.randint(1, 250)))')
ME=$(id -un)
cat > run/sshd_config <<EOF
Port $SPORT
ListenAddress 127.0.0.1:$SPORT
ListenAddress $A22:22
HostKey $PWD/run/hostkey
PidFile $PWD/run/sshd.pid
AuthorizedKeysFile $PWD/run/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel ERROR
EOF
/usr/sbin/sshd -D -e -f run/sshd_config 2> run/sshd.log &
PIDS="$PIDS $!"
wait_port 127.0.0.1 "$SPORT"
wait_port "$A22" 22
host_fpr=$(ssh-keygen -lf run/hostkey.pub | cut -d' ' -f2)
SSH=ssh://$ME@127.0.0.1:$SPORT$PWD/srv

say "lighttpd with git-http-backend: http, and https with a CA of ours"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=xfa-test-ca -keyout run/ca.key -out run/ca.crt 2> /dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
	-keyout run/tls.key -out run/tls.csr 2> /dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:127.0.0.1\n' > run/ext  # mbedTLS 2 matches DNS names only
openssl x509 -req -in run/tls.csr -CA run/ca.crt -CAkey run/ca.key -CAcreateserial \
	-days 2 -extfile run/ext -out run/tls.crt 2> /dev/null
printf 'clerk1:%s\n' "$(openssl passwd -apr1 secret-one)" > run/htpasswd
HPORT=$(free_port); TPORT=$(free_port)
mkdir -p run/www
cat > run/lighttpd.conf <<EOF
server.document-root = "$PWD/run/www"
server.bind = "127.0.0.1"
server.port = $HPORT
server.pid-file = "$PWD/run/lighttpd.pid"
server.errorlog = "$PWD/run/lighttpd.log"
server.modules = ( "mod_auth", "mod_authn_file", "mod_alias", "mod_setenv", "mod_cgi", "mod_openssl" )
alias.url = ( "/git" => "/usr/lib/git-core/git-http-backend" )
cgi.assign = ( "" => "" )
setenv.add-environment = ( "GIT_PROJECT_ROOT" => "$PWD/srv", "GIT_HTTP_EXPORT_ALL" => "1" )
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "$PWD/run/htpasswd"
auth.require = ( "/git" => ( "method" => "basic", "realm" => "county", "require" => "valid-user" ) )
\$SERVER["socket"] == "127.0.0.1:$TPORT" {
	ssl.engine = "enable"
	ssl.pemfile = "$PWD/run/tls.crt"
	ssl.privkey = "$PWD/run/tls.key"
}
EOF
lighttpd -D -f run/lighttpd.conf 2> run/lighttpd.stderr &
PIDS="$PIDS $!"
wait_port 127.0.0.1 "$HPORT"
wait_port 127.0.0.1 "$TPORT"
HTTP=http://127.0.0.1:$HPORT/git
HTTPS=https://127.0.0.1:$TPORT/git

say "git daemon"
GPORT=$(free_port)
git daemon --listen=127.0.0.1 --port="$GPORT" --base-path="$PWD/srv" --export-all \
	--enable=receive-pack --reuseaddr "$PWD/srv" 2> run/daemon.log &
PIDS="$PIDS $!"
wait_port 127.0.0.1 "$GPORT"
GIT=git://127.0.0.1:$GPORT

say "ssh: an unknown host key is refused, its fingerprint shown; nothing written"
: > "$HOME/.ssh/known_hosts"
eval "$(ssh-agent -s -a "$PWD/run/agent.sock")" > /dev/null
PIDS="$PIDS $SSH_AGENT_PID"
ssh-add -q run/agentkey 2> /dev/null
expect 77 $LKS $XFA clone "$SSH/county.git" a.xfa --office A01
err_has "unknown"; err_has "$host_fpr"; err_has "127.0.0.1"
[ ! -e a.xfa ] || die "a refused clone left a folder"
say "ssh: a changed host key is refused"
echo "[127.0.0.1]:$SPORT $(cut -d' ' -f1,2 run/otherhost.pub)" > "$HOME/.ssh/known_hosts"
expect 77 $XFA clone "$SSH/county.git" a.xfa --office A01
err_has "CHANGED"; err_has "$host_fpr"
[ ! -e a.xfa ] || die "a refused clone left a folder"

say "ssh: a host key marked @revoked is refused"
{ echo "@revoked [127.0.0.1]:$SPORT $(cut -d' ' -f1,2 run/hostkey.pub)"
  echo "[127.0.0.1]:$SPORT $(cut -d' ' -f1,2 run/hostkey.pub)"; } > "$HOME/.ssh/known_hosts"
expect 77 $XFA clone "$SSH/county.git" a.xfa --office A01
err_has "revoked"
[ ! -e a.xfa ] || die "a refused clone left a folder"

say "ssh:// with the agent's key, known_hosts hashed"
{ echo "[127.0.0.1]:$SPORT $(cut -d' ' -f1,2 run/hostkey.pub)"
  echo "$A22 $(cut -d' ' -f1,2 run/hostkey.pub)"; } > "$HOME/.ssh/known_hosts"
ssh-keygen -q -H -f "$HOME/.ssh/known_hosts" > /dev/null 2>&1
! grep -q 127.0.0.1 "$HOME/.ssh/known_hosts" || die "known_hosts not hashed"
expect 0 $XFA clone "$SSH/county.git" A01.xfa --office A01
a1=$(XFA_ARCHIVE=$PWD/A01.xfa new_case "$F/12-social-security.json")
expect 0 $LKS $XFA -C A01.xfa sync --as keys/clerk.key
out_has "pushed"

say "ssh with ~/.ssh/id_ed25519 (a stale agent socket); an agent key the server refuses first"
cp run/filekey "$HOME/.ssh/id_ed25519"; cp run/filekey.pub "$HOME/.ssh/id_ed25519.pub"
: > run/stale.sock
expect 0 env SSH_AUTH_SOCK="$PWD/run/stale.sock" $XFA clone "$SSH/county.git" B02.xfa --office B02
ssh-add -q -D 2> /dev/null; ssh-add -q run/stranger 2> /dev/null
b1=$(XFA_ARCHIVE=$PWD/B02.xfa new_case "$F/07-other.json")
expect 0 $XFA -C B02.xfa sync --as keys/clerk.key

say "scp-like user@host:path (port 22 of $A22)"
expect 0 $XFA clone "$ME@$A22:$PWD/srv/county.git" C03.xfa --office C03
expect 0 $XFA -C C03.xfa sync --as keys/clerk.key
say "ssh: keys the server refuses -> 77 naming the user and the remote"
rm "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
same_refs C03.xfa expect 77 $LKS $XFA -C C03.xfa sync --as keys/clerk.key
err_has "refused the credentials of user '$ME'"; err_has "remote 'origin'"
[ ! -e "$HOME/.ssh/id_ed25519" ]
cp run/filekey "$HOME/.ssh/id_ed25519"
say "ssh: unknown host key on sync: refused, refs unchanged"
cp "$HOME/.ssh/known_hosts" kh.saved; : > "$HOME/.ssh/known_hosts"
same_refs A01.xfa expect 77 $XFA -C A01.xfa sync --as keys/clerk.key
err_has "$host_fpr"
cp kh.saved "$HOME/.ssh/known_hosts"

say "https: the password from git's credential helper, never in the archive"
git config --global credential.helper "store --file=$HOME/git-credentials"
printf 'https://clerk1:secret-one@127.0.0.1:%s\nhttp://clerk1:secret-one@127.0.0.1:%s\n' \
	"$TPORT" "$HPORT" > "$HOME/git-credentials"
expect 77 $LK $XFA clone "$HTTPS/county.git" D04.xfa --office D04      # our CA not trusted yet
err_has "certificate"; err_has "not trusted"
[ ! -e D04.xfa ] || die "a refused clone left a folder"
# the system's CA bundle is parsed when an https transfer needs it, not in
# every process (archive/store_ca.c): read by the clone, not by a verify
strace -f -qq -e trace=open,openat -o ca.trace $XFA clone "$HTTPS/county.git" D04.xfa --office D04 2> /dev/null || true
grep -q '/etc/ssl/certs/ca-certificates.crt' ca.trace || die "the https clone did not read the system's CA bundle"
strace -f -qq -e trace=open,openat -o ca.trace $XFA -C A01.xfa verify > /dev/null
! grep -q 'ca-certificates' ca.trace || die "a verify parsed the CA bundle"
[ ! -e D04.xfa ] || die "a refused clone left a folder"
expect 0 env GIT_SSL_CAINFO="$PWD/run/ca.crt" $XFA clone "$HTTPS/county.git" D04.xfa --office D04
! grep -rq secret-one D04.xfa/config || die "the password reached the archive's config"
git config --global http.sslCAInfo "$PWD/run/ca.crt"           # git's own setting
d1=$(XFA_ARCHIVE=$PWD/D04.xfa new_case "$F/08-urban-planning.json")
expect 0 $LK $XFA -C D04.xfa sync --as keys/clerk.key
out_has "pushed"
expect 65 $XFA clone "https://clerk1:secret-one@127.0.0.1:$TPORT/git/county.git" X.xfa --office X09
err_has "password"; ! grep -q secret-one .err || die "the password was echoed"
[ ! -e X.xfa ] || die "a refused clone left a folder"
say "https: a certificate for another name is refused"
expect 0 $XFA -C D04.xfa remote add byname "https://localhost:$TPORT/git/county.git"
same_refs D04.xfa expect 77 $XFA -C D04.xfa sync byname --as keys/clerk.key
err_has "certificate"
say "https: a wrong password -> 77 naming the user and the remote; refs unchanged"
printf 'https://clerk1:wrong-password@127.0.0.1:%s\n' "$TPORT" > "$HOME/git-credentials"
same_refs D04.xfa expect 77 $LK $XFA -C D04.xfa sync --as keys/clerk.key
err_has "refused the credentials of user 'clerk1'"; err_has "remote 'origin'"
! grep -q wrong-password "$HOME/git-credentials" || die "the refused password was not rejected"
expect 77 $XFA clone "$HTTPS/county.git" nocred.xfa --office Z09   # no helper answers now
err_has "asks for a user and password"
[ ! -e nocred.xfa ] || die "a refused clone left a folder"
printf 'https://clerk1:secret-one@127.0.0.1:%s\nhttp://clerk1:secret-one@127.0.0.1:%s\n' \
	"$TPORT" "$HPORT" > "$HOME/git-credentials"

say "http and git://"
expect 0 $XFA clone "$HTTP/county.git" E05.xfa --office E05
e1=$(XFA_ARCHIVE=$PWD/E05.xfa new_case "$F/10-property.json")
expect 0 $XFA -C E05.xfa sync --as keys/clerk.key
expect 0 $XFA clone "$GIT/county.git" F06.xfa --office F06
expect 0 $LK $XFA -C F06.xfa sync --as keys/clerk.key

say "every office converges through its own transport"
for o in A01 B02 C03 D04 E05 F06 A01; do expect 0 $XFA -C $o.xfa sync --as keys/clerk.key; done
for o in A01 B02 C03 D04 E05 F06; do
	for id in "$c0" "$a1" "$b1" "$d1" "$e1"; do expect 0 $XFA -C $o.xfa case show "$id"; done
	expect 0 $XFA -C $o.xfa verify
done

say "unreachable: 74 naming the host, refs unchanged"
DEAD=$(free_port)
for u in "ssh://$ME@127.0.0.1:$DEAD$PWD/srv/county.git" "https://127.0.0.1:$DEAD/git/county.git" \
	 "git://127.0.0.1:$DEAD/county.git"; do
	expect 74 $XFA clone "$u" dead.xfa --office Z09
	err_has "127.0.0.1"; err_has "$DEAD"
	[ ! -e dead.xfa ] || die "a failed clone left a folder"
done
expect 0 $XFA -C A01.xfa remote add dead "ssh://$ME@127.0.0.1:$DEAD$PWD/srv/county.git"
same_refs A01.xfa expect 74 $XFA -C A01.xfa sync dead --as keys/clerk.key
err_has "cannot reach host '127.0.0.1'"

say "not an archive, or no main: 65, refs unchanged"
for u in "$SSH/plain.git" "$HTTPS/plain.git" "$GIT/nomain.git" "$SSH/nomain.git"; do
	expect 65 $XFA clone "$u" na.xfa --office Z09
	err_has "not an xfa archive"
	[ ! -e na.xfa ] || die "a refused clone left a folder"
done
expect 0 $XFA -C A01.xfa remote add plain "$SSH/plain.git"
same_refs A01.xfa expect 65 $XFA -C A01.xfa sync plain --as keys/clerk.key
expect 0 $XFA -C A01.xfa remote add nomain "$HTTP/nomain.git"
same_refs A01.xfa expect 65 $XFA -C A01.xfa sync nomain --as keys/clerk.key

say "a hook refusing the push: 74 with the server's words, refs unchanged"
for u in "$SSH/hooked.git" "$HTTPS/hooked.git" "$GIT/hooked.git"; do
	n=$(echo "$u" | cut -d: -f1)
	expect 0 $XFA -C A01.xfa remote add "audit-$n" "$u"
	expect 0 $XFA -C A01.xfa sync "audit-$n" --no-push --as keys/clerk.key
done
XFA_ARCHIVE=$PWD/A01.xfa new_case "$F/03-land-dispute.json" > /dev/null
for n in ssh https git; do
	lk=$LK; [ $n != ssh ] || lk=$LKS
	same_refs A01.xfa expect 74 $lk $XFA -C A01.xfa sync "audit-$n" --as keys/clerk.key
	err_has "pushes are closed for the audit"; err_has "refused the push"
done

say "stock git: git clone --bare of the server verifies; a git push is verified by sync"
# OpenSSH reads the passwd entry's home, not $HOME: name this test's files
export GIT_SSH_COMMAND="ssh -o BatchMode=yes -o UserKnownHostsFile=$HOME/.ssh/known_hosts -i $HOME/.ssh/id_ed25519"
git clone -q --bare "$SSH/county.git" stock.git
expect 0 $XFA -C stock.git verify
git clone -q --bare "$HTTPS/county.git" stock2.git
expect 0 $XFA -C stock2.git verify
git init -q --bare srv/pushed.git
h=$(git --git-dir=stock.git rev-parse refs/heads/main)
git --git-dir=stock.git cat-file commit "$h" | sed '$ s/$/ (rewritten)/' |
	git --git-dir=stock.git hash-object -t commit -w --stdin > bad
git --git-dir=stock.git push -q "$SSH/pushed.git" "$(cat bad):refs/heads/main"
expect 0 $XFA -C B02.xfa remote add pushed "$SSH/pushed.git"
before=$(git --git-dir=B02.xfa rev-parse refs/heads/main)
expect 1 $XFA -C B02.xfa sync pushed --as keys/clerk.key
err_has "refused"
[ "$(git --git-dir=B02.xfa rev-parse refs/heads/main)" = "$before" ] || die "a refused history moved main"
! git --git-dir=B02.xfa merge-base --is-ancestor "$(cat bad)" refs/heads/main || die "the rewritten commit was integrated"
git --git-dir=stock.git push -q -f "$HTTPS/pushed.git" refs/heads/main:refs/heads/main
expect 0 $XFA clone "$GIT/pushed.git" G07.xfa --office G07
expect 0 $XFA -C G07.xfa verify
echo "t_remote: ok"
