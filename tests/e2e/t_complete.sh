# t_complete.sh - bash completion (cli/xfa.bash-completion) offers the
# commands, subcommands, options, the archive's case ids, states (ids and
# labels), event types and roles, read from the archive by `xfa complete`;
# and export shows no progress line when stderr is not a terminal.
. "$E2E/lib.sh"
standard_archive
id=$(new_case "$SHARED_FIXTURES/cases/02-civil-affairs.json")
mkdir bin && ln -s "$XFA" bin/xfa
cat > t.bash <<EOF
. "$E2E/../../cli/xfa.bash-completion"
shopt -s extglob
t() { COMP_WORDS=("\$@"); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _xfa; echo "\${COMPREPLY[*]}"; }
t xfa ""
t xfa ca
t xfa case ""
t xfa case move ""
t xfa case move $id ""
t xfa case move $id 已交
t xfa case move $id assigned --se
t xfa keyring add k.pub --role 登
t xfa case record $id ""
t xfa help ver
EOF
PATH="$PWD/bin:$PATH" bash t.bash > got
cat got
sed -n 1p got | grep -q 'key init keyring case risk lookup verify' || die "commands"
[ "$(sed -n 2p got)" = case ] || die "xfa ca<TAB>"
sed -n 3p got | grep -q 'new attach move record reissue-code show log list' || die "case subcommands"
[ "$(sed -n 4p got)" = "$id" ] || die "case ids: $(sed -n 4p got)"
sed -n 5p got | grep -q 'registered 已登记 accepted 已受理' || die "states"
[ "$(sed -n 6p got)" = 已交办 ] || die "a state by its label"
[ "$(sed -n 7p got)" = "--set --set-json" ] || die "options of move"
[ "$(sed -n 8p got)" = 登记员 ] || die "a role by its label"
sed -n 9p got | grep -q 'note 备注' && sed -n 9p got | grep -q 'reissue-code' || die "event types"
sed -n 9p got | grep -qw archive && die "the internal archive step is offered"
[ "$(sed -n 10p got)" = "verify verify-export" ] || die "help's commands"

say "no progress line on a pipe"
$XFA case move "$id" withdrawn --as keys/clerk.key > /dev/null
$XFA export --closed --out p.tar --as keys/archivist.key > out 2> err
[ -s out ] && [ ! -s err ] || { cat out err; die "export wrote to a non-terminal stderr"; }

say "a progress line on a terminal"
id2=$(new_case "$SHARED_FIXTURES/cases/02-civil-affairs.json")
$XFA case move "$id2" withdrawn --as keys/clerk.key > /dev/null
script -qefc "$XFA export --closed --out q.tar --as keys/archivist.key" tty.log < /dev/null > /dev/null 2>&1
grep -q 'export: 1/1 cases' tty.log || { cat -v tty.log; die "no export progress on a terminal"; }
script -qefc "$XFA verify" tty2.log < /dev/null > /dev/null 2>&1
grep -q 'verify: [0-9]*/[0-9]* commits' tty2.log || { cat -v tty2.log; die "no verify progress on a terminal"; }
