# t_mesh.sh - the bureau and three offices sync in a mesh for several rounds
# (issue 20): every replica pulls from two others in an order that turns
# each round, so merges cross (several merge bases); each round every replica
# registers a case and annotates one that the replica before it registered
# (each case has one writer after its registration, so no conflict is real).  No sync may report a conflict;
# at the end every event is everywhere, the replicas converge on one head,
# and each verifies with the checkpoints of all four.
. "$E2E/lib.sh"

F=$SHARED_FIXTURES/cases
export XFA_ARCHIVE="$PWD/BUR.xfa"
standard_archive
unset XFA_ARCHIVE
R="BUR A01 B02 C03"
for o in A01 B02 C03; do
	expect 0 $XFA clone "$PWD/BUR.xfa" $o.xfa --office $o
done
for o in $R; do
	for p in $R; do
		[ $o = $p ] || expect 0 $XFA -C $o.xfa remote add $p "$PWD/$p.xfa"
	done
done
# replica number N (mod 4) of R
names() { echo $R | tr ' ' '\n'; }
nth() { names | sed -n "$(( ($1 % 4) + 1 ))p"; }

inputs="01-unpaid-wages 03-land-dispute 07-other 09-land-dispute 10-property 12-social-security 02-civil-affairs 08-urban-planning"
: > made
ROUNDS=4
i=0
while [ $i -lt $ROUNDS ]; do
	i=$((i + 1))
	say "round $i"
	j=0
	for o in $R; do
		j=$((j + 1))
		f=$(echo $inputs | tr ' ' '\n' | sed -n "$(( (i * 4 + j) % 8 + 1 ))p")
		id=$(XFA_ARCHIVE=$PWD/$o.xfa new_case "$F/$f.json")
		echo "$id $o $i" >> made
		# one of the cases the replica before it registered (only this
		# replica ever writes to them after their registration: a real
		# divergence could not arise, so any conflict would be a false one)
		prev=$(nth $((j + 2)))
		for other in $(awk -v p=$prev -v r=$i '$2 == p && $3 < r { print $1 }' made); do
			$XFA -C $o.xfa case show "$other" > /dev/null 2>&1 || continue
			echo "$other" >> touched.$i
			expect 0 $XFA -C $o.xfa case record "$other" note --note "第${i}轮 $o" --as keys/clerk.key
			break
		done
	done
	# each replica pulls from two others; the order turns every round
	for k in 0 1 2 3; do
		o=$(nth $((i + k)))
		for d in 1 2; do
			p=$(nth $((i + k + d)))
			expect 0 $XFA -C $o.xfa sync $p --no-push --as keys/clerk.key
			! grep -qi "conflict" .out .err || die "round $i: $o <- $p reported a conflict"
		done
	done
	for o in $R; do expect 0 $XFA -C $o.xfa verify; done
done

say "merges crossed"
git --git-dir=A01.xfa fetch -q "$PWD/C03.xfa" main:refs/heads/peek
bases=$(git --git-dir=A01.xfa merge-base --all main peek | wc -l)
git --git-dir=A01.xfa update-ref -d refs/heads/peek
merges=$(git --git-dir=A01.xfa rev-list --merges main | wc -l)
echo "    A01 holds $merges merges; $bases merge bases between A01 and C03 before converging"
[ "$merges" -ge 8 ] || die "too few merges: $merges"
most=$bases
for o in $R; do
	for p in $R; do
		[ $o = $p ] && continue
		git --git-dir=$o.xfa fetch -q "$PWD/$p.xfa" main:refs/heads/peek
		n=$(git --git-dir=$o.xfa merge-base --all main peek | wc -l)
		git --git-dir=$o.xfa update-ref -d refs/heads/peek
		[ "$n" -le "$most" ] || most=$n
	done
done
echo "    at most $most merge bases between two replicas"
[ "$most" -ge 2 ] || die "no two replicas have two merge bases: no criss-cross"

say "everyone converges on one head"
for o in BUR A01 B02 C03; do
	for p in $R; do
		[ $o = $p ] || expect 0 $XFA -C $o.xfa sync $p --no-push --as keys/clerk.key
	done
done
for o in C03 B02 A01; do
	expect 0 $XFA -C $o.xfa sync BUR --no-push --as keys/clerk.key
done
h=$(head_of BUR.xfa)
for o in $R; do
	[ "$(head_of $o.xfa)" = "$h" ] || die "$o did not converge"
done

say "every event is everywhere, and every replica verifies with all four checkpoints"
notes=$(cat touched.* | wc -l)
for o in $R; do
	expect 0 $XFA -C $o.xfa --json case list
	$PY - .out made $notes <<'EOF' || die "$o lacks cases or events"
import json, sys
rows = json.load(open(sys.argv[1]))
ids = {r["id"] for r in (rows if isinstance(rows, list) else rows["cases"])}
made = {l.split()[0] for l in open(sys.argv[2])}
missing = made - ids
assert not missing, missing
EOF
	n=0
	while read -r id who round; do
		expect 0 $XFA -C $o.xfa --json case log "$id"
		n=$((n + $($PY -c 'import json,sys; print(sum(1 for e in json.load(open(sys.argv[1])) if e.get("type") == "note"))' .out)))
	done < made
	[ $n -eq "$notes" ] || die "$o holds $n of the $notes notes"
done
for o in $R; do
	expect 0 $XFA -C $o.xfa checkpoint --as keys/clerk.key
	cp .out cp.$o
done
for o in $R; do
	expect 0 $XFA -C $o.xfa verify --checkpoint cp.BUR --checkpoint cp.A01 \
		--checkpoint cp.B02 --checkpoint cp.C03
	! grep -qi "equivocation\|split" .out .err || die "$o: honest offices' checkpoints taken for a split view"
done
echo "t_mesh: $ROUNDS rounds, $(wc -l < made) cases, $notes notes, $merges merges at A01"
