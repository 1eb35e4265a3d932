# t_hostile.sh - the hostile input corpus (tests/hostile/MANIFEST): every
# input is run with its command and must give the expected exit status, a
# message holding the expected fragment (stderr or stdout), no crash or
# sanitizer report, no hang, and nothing written (the head of the archive
# it names does not move).  Inputs are the files in tests/hostile/ and the
# special ones made below (symlinks, FIFOs, devices, growing files,
# damaged archives, re-signed packages) that git cannot carry.
. "$E2E/lib.sh"
# A key file must be private (mode 0600 or stricter, else it is refused
# before anything else is looked at), and git carries no such mode: the key
# files of the corpus and of the fixtures are run from private copies.
mkdir -p corpus/fixtures
cp -R "$E2E/../hostile" corpus/hostile
cp -R "$E2E/../fixtures/keys" corpus/fixtures/keys
chmod 600 corpus/hostile/keys/*.key corpus/fixtures/keys/*.key
ln -s "$(cd "$E2E/../fixtures" && pwd)/cases" corpus/fixtures/cases
H=$PWD/corpus/hostile
FIXK=$PWD/corpus/fixtures/keys

say "an archive with one case, and the generated inputs"
standard_archive
ID=$(new_case "$SHARED_FIXTURES/cases/02-civil-affairs.json")    # exported below
CID=$(new_case "$SHARED_FIXTURES/cases/03-land-dispute.json")   # stays open
# the corpus runs xfa ~140 times: a clerk key that unlocks in microseconds
cc -O2 -o fastkey "$E2E/fastkey.c" -lsodium
./fastkey pass keys/fastclerk
$XFA keyring add keys/fastclerk.pub --role clerk --as keys/admin.key > /dev/null
CLERK=$PWD/keys/fastclerk.key
printf 'fixture passphrase\n' > fpass; chmod 600 fpass
FPASS=$PWD/fpass
G=$PWD/gen
mkdir -p gen/att gen/arch gen/pkg gen/cp
printf '%%PDF-1.4 ok\n' > gen/att/ok.pdf
NL_NAME="$G/att/a
b.pdf"
printf 'x' > "$NL_NAME"
CTRL_NAME=$(printf '%s/att/a\001b.pdf' "$G"); printf 'x' > "$CTRL_NAME"
TAB_NAME=$(printf '%s/att/a\tb.pdf' "$G"); printf 'x' > "$TAB_NAME"
ESC_NAME=$(printf '%s/att/a\033[31mred.pdf' "$G"); printf 'x' > "$ESC_NAME"
BAD_UTF8_NAME=$(printf '%s/att/\377\376.pdf' "$G"); printf 'x' > "$BAD_UTF8_NAME"
LONG_NAME="$G/att/$(printf '%0250d' 0).pdf"; printf 'x' > "$LONG_NAME"
ln -s "$G/att/ok.pdf" gen/att/link.pdf
ln -s "$G/att/nothing" gen/att/dangling.pdf
mkfifo gen/att/fifo.pdf
mkdir gen/att/folder.pdf
printf 'x' > gen/att/.hidden
truncate -s 65M gen/att/over-limit.bin        # sparse: 65 MiB > the 64 MiB default
# growing: a writer appends while xfa reads it (xfa must refuse it or store
# exactly the bytes it hashed; the verify after the corpus proves which)
head -c 8000000 /dev/zero > gen/att/growing.bin

# archives
mkdir gen/arch/plain-folder
git init -q --bare gen/arch/empty.git
git init -q --bare gen/arch/not-xfa.git
blob=$(echo "readme" | git --git-dir=gen/arch/not-xfa.git hash-object -w --stdin)
tree=$(printf '100644 blob %s\tREADME\n' "$blob" | git --git-dir=gen/arch/not-xfa.git mktree)
c=$(GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@b GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@b git --git-dir=gen/arch/not-xfa.git commit-tree -m x "$tree")
git --git-dir=gen/arch/not-xfa.git update-ref refs/heads/main "$c"
# an xfa archive whose last commit (unsigned, by git) removed .xfa/
cp -a "$XFA_ARCHIVE" gen/arch/no-xfa-dir.git
tree=$(git --git-dir=gen/arch/no-xfa-dir.git ls-tree refs/heads/main | grep -v '	.xfa$' | git --git-dir=gen/arch/no-xfa-dir.git mktree)
c=$(GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@b GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@b git --git-dir=gen/arch/no-xfa-dir.git commit-tree -p refs/heads/main -m x "$tree")
git --git-dir=gen/arch/no-xfa-dir.git update-ref refs/heads/main "$c"
# damaged objects: the blob of the case's case.json, garbled / emptied / gone
casejson=$(git --git-dir="$XFA_ARCHIVE" ls-tree -r refs/heads/main | grep "/$CID/case.json$" | awk '{print $3}')
obj="objects/$(echo "$casejson" | cut -c1-2)/$(echo "$casejson" | cut -c3-)"
for k in garbled-object empty-object missing-object; do cp -a "$XFA_ARCHIVE" gen/arch/$k.git; done
[ -f "gen/arch/garbled-object.git/$obj" ] || die "expected a loose object $obj"
chmod u+w gen/arch/*.git/$obj
printf 'garbage, not zlib' > "gen/arch/garbled-object.git/$obj"
: > "gen/arch/empty-object.git/$obj"
rm "gen/arch/missing-object.git/$obj"
cp -a "$XFA_ARCHIVE" gen/arch/bad-ref.git
echo "not a sha" > gen/arch/bad-ref.git/refs/heads/main
cp -a "$XFA_ARCHIVE" gen/arch/dangling-ref.git
echo 0123456789012345678901234567890123456789 > gen/arch/dangling-ref.git/refs/heads/main
cp -a "$XFA_ARCHIVE" gen/arch/stale-lock.git
cp gen/arch/stale-lock.git/refs/heads/main gen/arch/stale-lock.git/refs/heads/main.lock

# checkpoints
$XFA checkpoint --as keys/admin.key > gen/cp/good 2> /dev/null || $XFA checkpoint > gen/cp/good
head -n 3 gen/cp/good > gen/cp/truncated
sed '2s/.*/999999/' gen/cp/good > gen/cp/wrong-count
awk 'NR == 3 { $0 = (substr($0, 1, 1) == "0" ? "1" : "0") substr($0, 2) } { print }' gen/cp/good > gen/cp/wrong-head
sed '$s/ [A-Za-z0-9+\/=]*$/ AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=/' gen/cp/good > gen/cp/bad-signature
{ cat gen/cp/good; echo "trailing text"; } > gen/cp/trailing
printf '' > gen/cp/empty

# a real package, then packages whose signature is replaced
$XFA case move "$ID" rejected --set decision.reason=不属于信访事项 --set decision.channel=litigation --as keys/clerk.key > /dev/null
$XFA export "$ID" --out gen/pkg/good.tar --as keys/archivist.key > /dev/null
mkdir gen/pkg/x && bsdtar -xf gen/pkg/good.tar -C gen/pkg/x
top=$(ls gen/pkg/x)
sig="gen/pkg/x/$top/tagmanifest-sha256.txt.sig"
[ -f "$sig" ] || die "no tag manifest signature in the package"
cp "$sig" gen/pkg/sig.orig
resign() { # NAME: pack gen/pkg/x as gen/pkg/NAME.tar with the current .sig
	(cd gen/pkg/x && bsdtar -cf "../$1.tar" "$top")
	cp gen/pkg/sig.orig "$sig"
}
head -n 3 gen/pkg/sig.orig > "$sig"; resign sig-truncated-armor
sed '$d' gen/pkg/sig.orig > "$sig"; resign sig-no-end-line
{ cat gen/pkg/sig.orig; printf 'trailing bytes\n'; } > "$sig"; resign sig-trailing-bytes
cp "$FIXK/message.txt.rsa.sig" "$sig"; resign sig-rsa-key
cp "$FIXK/ed25519" sshkey; chmod 600 sshkey
cp "gen/pkg/x/$top/tagmanifest-sha256.txt" tm
ssh-keygen -q -Y sign -n git -f sshkey tm 2> /dev/null
mv tm.sig "$sig"; resign sig-wrong-namespace-and-key
: > "$sig"; resign sig-empty
python3 -c 'import sys,base64; d=open(sys.argv[1]).read().split("\n"); b=base64.b64decode("".join(d[1:-2])); b=b[:20]+bytes([b[20]^1])+b[21:]; s=base64.b64encode(b).decode(); open(sys.argv[2],"w").write(d[0]+"\n"+"\n".join(s[i:i+70] for i in range(0,len(s),70))+"\n"+d[-2]+"\n")' gen/pkg/sig.orig "$sig"; resign sig-flipped-byte

export XFA ID CID CLERK FPASS G H NL_NAME CTRL_NAME TAB_NAME ESC_NAME BAD_UTF8_NAME LONG_NAME
head0=$(head_of)

# run one manifest line
n=0 failed=0
run_one() { # INPUT STATUS FRAGMENT COMMAND
	input=$1 want=$2 frag=$3 cmd=$4
	arch=$XFA_ARCHIVE
	case $cmd in *"-C "*) arch=$(echo "$cmd" | sed -E 's/.*-C ([^ ]+).*/\1/'); arch=$(eval echo "$arch") ;; esac
	before=$(git --git-dir="$arch" rev-parse -q --verify refs/heads/main 2> /dev/null || echo none)
	grower=""
	case $input in *growing*)
		(while :; do head -c 65536 /dev/zero >> "$G/att/growing.bin" || exit 0; done) & grower=$! ;;
	esac
	rc=0
	timeout 120 sh -c "$cmd" > out 2> err < /dev/null || rc=$?
	[ -n "$grower" ] && { kill $grower; wait $grower 2> /dev/null || true; }
	after=$(git --git-dir="$arch" rev-parse -q --verify refs/heads/main 2> /dev/null || echo none)
	bad=""
	if grep -q -E 'Sanitizer|runtime error:|LeakSanitizer' err; then bad="a sanitizer report"
	elif [ $rc -eq 124 ]; then bad="a hang (killed after 120 s)"
	elif [ $rc -ge 128 ]; then bad="a crash (exit $rc)"
	elif ! echo "/$want/" | grep -q "/$rc/"; then bad="exit $rc, expected $want"
	elif ! grep -q -F -- "$frag" out err; then bad="no message with '$frag'"
	elif [ $rc -ne 0 ] && [ "$before" != "$after" ]; then bad="the head moved"
	fi
	n=$((n + 1))
	if [ -n "$bad" ]; then
		failed=$((failed + 1))
		echo "FAIL $input: $bad"; echo "     command: $cmd"; sed 's/^/     err: /' err | head -n 5
	elif [ "${HOSTILE_VERBOSE:-}" = 1 ]; then
		echo "ok   $input ($rc): $(head -c 160 err)"
	fi
	if [ -n "${HOSTILE_PROBE:-}" ]; then
		printf '%s\t%s\t%s\n' "$input" "$rc" "$(cat err out | tr '\n' ' ' | head -c 400)" >> "$HOSTILE_PROBE"
	fi
}

say "the corpus"
while IFS='|' read -r input want frag cmd; do
	case $input in ''|'#'*) continue ;; esac
	input=$(echo "$input" | sed 's/^ *//; s/ *$//')
	want=$(echo "$want" | tr -d ' ')
	frag=$(echo "$frag" | sed 's/^ *//; s/ *$//')
	cmd=$(echo "$cmd" | sed 's/^ *//; s/ *$//')
	run_one "$input" "$want" "$frag" "$cmd"
done < "$H/MANIFEST"
echo "hostile corpus: $n inputs, $failed failed"
[ "$failed" -eq 0 ] || die "$failed hostile inputs misbehaved"
[ "$n" -ge 60 ] || die "the corpus has only $n inputs"

say "the archive is still sound"
git --git-dir="$XFA_ARCHIVE" fsck --full --strict
$XFA verify > /dev/null || { $XFA verify; die "xfa verify after the corpus"; }
