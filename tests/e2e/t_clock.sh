# t_clock.sh - clocks that differ between offices (SPEC 7.8b), as a user
# meets them: a writer a few minutes behind the last event of a case records
# its event at that event's time (each stream stays in order); further
# behind than the skew, or behind the head, it refuses naming both times and
# writes nothing; a verifier whose clock is behind an event by more than the
# skew reports future-time; clock_skew_minutes is read from archive.json.
. "$E2E/lib.sh"

XFA_NOW=2026-03-02T09:30:00+08:00 standard_archive > /dev/null
T=2026-03-02T10:00:00+08:00
C=$(XFA_NOW=$T $XFA -q case new "$SHARED_FIXTURES/cases/02-civil-affairs.json" --as keys/clerk.key | head -n 1)
[ -n "$C" ] || die "no case id"

say "a writer 4 minutes behind the last event records at that event's time"
expect 0 env XFA_NOW=2026-03-02T09:56:00+08:00 $XFA case move "$C" accepted --as keys/clerk.key
at=$($XFA --json case log "$C" | $PY -c 'import json,sys; print(json.load(sys.stdin)[-1]["at"])')
[ "$at" = "$T" ] || die "the event was recorded at $at, not $T"
expect 0 env XFA_NOW=2026-03-02T10:05:00+08:00 $XFA verify
out_has "ok: the archive is sound"

say "20 minutes behind: refused, both times named, nothing written"
unchanged 65 env XFA_NOW=2026-03-02T09:40:00+08:00 $XFA case move "$C" assigned \
	--set unit=民政局 --as keys/clerk.key
err_has "2026-03-02T09:40:00+08:00"
err_has "2026-03-02T10:00:00+08:00"
err_has "10 minutes"
unchanged 65 env XFA_NOW=2026-03-02T09:40:00+08:00 $XFA case new \
	"$SHARED_FIXTURES/cases/02-civil-affairs.json" --as keys/clerk.key
err_has "behind the archive's last commit"

say "a verifier whose clock is an hour behind the history reports future-time"
set +e; XFA_NOW=2026-03-02T09:00:00+08:00 $XFA --json verify > report.json; st=$?; set -e
[ "$st" -eq 1 ] || die "verify exited $st with its clock behind the history"
$PY - report.json "$C" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
got = {(f["reason"], f["case"]) for f in r["findings"]}
assert ("future-time", sys.argv[2]) in got, got
assert {g[0] for g in got} == {"future-time"}, got
PYEOF
expect 0 env XFA_NOW=2026-03-02T10:09:00+08:00 $XFA verify
