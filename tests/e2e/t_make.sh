# t_make.sh - plain `make` on a machine without a library it needs stops
# with one line naming the missing library and `make deps`, before any
# compiler runs and without writing a build folder.  pkg-config is pointed
# (PKG_CONFIG_LIBDIR) at a folder holding every .pc file but jansson's.
. "$E2E/lib.sh"
top=$(cd "$E2E/../.." && pwd)
pcdir=$(pkg-config --variable pcfiledir jansson)
mkdir pc
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
	for f in "$d"/*.pc; do
		[ -e "$f" ] && [ "$(basename "$f")" != jansson.pc ] && [ ! -e "pc/$(basename "$f")" ] && ln -s "$f" pc/
	done
done
[ -e "$pcdir/jansson.pc" ] || die "no jansson.pc to hide"

say "jansson missing: one line naming it and make deps"
set +e
PKG_CONFIG_LIBDIR="$PWD/pc" env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -s -C "$top" BUILD="$PWD/b" > out 2> err
st=$?
set -e
[ "$st" -ne 0 ] || die "make succeeded without jansson"
cat err
[ "$(grep -Evc '^make(\[[0-9]+\])?: \*\*\*' err)" -eq 1 ] || die "more than one line of explanation"
grep -q "missing libraries: jansson; run 'make deps'" err || die "the message does not name jansson and make deps"
grep -q 'No such file' err && die "the compiler ran"
[ ! -e b ] || die "make wrote a build folder"

say "nothing missing: the check is silent"
ln -s "$pcdir/jansson.pc" pc/
PKG_CONFIG_LIBDIR="$PWD/pc" env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -s -C "$top" BUILD="$PWD/b" have-deps > out 2> err
[ ! -s err ] && [ ! -s out ] || die "have-deps printed something with every library present"
