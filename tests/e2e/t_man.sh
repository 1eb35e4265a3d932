# t_man.sh - every man page (xfa.1 and the format pages xfa-*.5) renders
# with man -l and groff -ww without a warning, lexgrog finds its NAME line,
# and the README points to the section-5 pages.
. "$E2E/lib.sh"
top=$(cd "$E2E/../.." && pwd)
n=0
for m in "$top"/cli/*.1 "$top"/cli/*.5; do
	name=$(basename "$m")
	groff -k -ww -man -Tutf8 "$m" > out 2> err || die "groff failed on $name"
	[ ! -s err ] || { cat err; die "groff warns on $name"; }
	MANWIDTH=80 man --warnings -l "$m" > out 2> err || die "man -l failed on $name"
	[ ! -s err ] || { cat err; die "man -l warns on $name"; }
	[ "$(wc -l < out)" -gt 40 ] || die "$name renders to $(wc -l < out) lines"
	lexgrog "$m" > lex || die "lexgrog finds no NAME in $name"
	grep -q ": \"${name%.*} - " lex || { cat lex; die "lexgrog: $name's NAME line"; }
	n=$((n + 1))
done
[ "$n" -ge 5 ] || die "only $n man pages"
for p in xfa-archive xfa-event xfa-signature xfa-package; do
	[ -f "$top/cli/$p.5" ] || die "no $p.5"
	grep -q "$p(5)" "$top/README.md" || die "README does not point to $p(5)"
done
if grep -n 'SPEC\|STYLE\.md\|PERF-NOTES\|TECH-NOTES\|/work/shared\|\.\./shared' "$top/README.md" "$top"/cli/*.1 "$top"/cli/*.5; then
	die "a page points outside the repository"
fi
echo "$n man pages render cleanly"
