# t_install.sh - `make install PREFIX=...` (and DESTDIR) installs the binary
# and the man pages (xfa.1, xfa-*.5), the zh_CN message catalogue and bash
# completion.  It uses the binary under test: `-o` tells make not to
# rebuild it, so the test never compiles anything.
. "$E2E/lib.sh"

repo=$(cd "$E2E/../.." && pwd)
build=$(dirname "$XFA")

say "make install PREFIX"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$repo" BUILD="$build" -o "$XFA" install PREFIX="$PWD/prefix" > make.log 2>&1 \
	|| { cat make.log; die "make install failed"; }
[ -x prefix/bin/xfa ] || die "no prefix/bin/xfa"
[ "$(stat -c %a prefix/bin/xfa)" = 755 ] || die "xfa is not mode 755"
cmp prefix/bin/xfa "$XFA" || die "the installed binary is not the one built"
[ -f prefix/share/man/man1/xfa.1 ] || die "no man page"
[ "$(stat -c %a prefix/share/man/man1/xfa.1)" = 644 ] || die "xfa.1 is not mode 644"
cmp prefix/share/man/man1/xfa.1 "$repo/cli/xfa.1" || die "the installed man page differs"
prefix/bin/xfa --version | grep -q '[0-9]\.[0-9]' || die "installed xfa --version"
prefix/bin/xfa key new --name 测试 --out k > /dev/null
[ "$(prefix/bin/xfa key fingerprint k.pub)" = "$(ssh-keygen -lf k.pub | cut -d' ' -f2)" ] \
	|| die "the installed xfa does not work"
grep -q "^\.TH XFA 1" prefix/share/man/man1/xfa.1 \
	|| die "xfa.1 has no .TH line"
for m in "$repo"/cli/*.5; do
	cmp prefix/share/man/man5/$(basename "$m") "$m" || die "man page $(basename "$m") not installed"
done
ls "$repo"/cli/*.5 > /dev/null 2>&1 && [ "$(ls prefix/share/man/man5 | wc -l)" -ge 4 ] || die "fewer than four section-5 pages"
mo=prefix/share/locale/zh_CN/LC_MESSAGES/xfa.mo
[ -f $mo ] && [ "$(stat -c %a $mo)" = 644 ] || die "no zh_CN catalogue installed"
XFA_LOCALEDIR="$PWD/prefix/share/locale" prefix/bin/xfa --lang zh help | grep -q '^用法：' \
	|| die "the installed catalogue does not speak Chinese"
cmp prefix/share/bash-completion/completions/xfa "$repo/cli/xfa.bash-completion" || die "no bash completion installed"

say "make install DESTDIR"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$repo" BUILD="$build" -o "$XFA" install DESTDIR="$PWD/stage" PREFIX=/usr/local > make.log 2>&1 \
	|| { cat make.log; die "make install DESTDIR failed"; }
[ -x stage/usr/local/bin/xfa ] && [ -f stage/usr/local/share/man/man1/xfa.1 ] \
	&& [ -f stage/usr/local/share/locale/zh_CN/LC_MESSAGES/xfa.mo ] \
	&& [ -f stage/usr/local/share/bash-completion/completions/xfa ] \
	|| die "DESTDIR install incomplete"
echo "install ok"
