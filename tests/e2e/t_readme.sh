# t_readme.sh - README.md's "A first session" is a test: the block marked
# ```sh first-session is extracted and run line by line, in one shell, as a
# new user would type it (from the top of the clone, with HOME a fresh
# folder and `xfa` on PATH); every line must exit 0, and the key outputs
# are checked: the case id and its query code, each move, the closed case,
# the public timeline, the reports, verify, the checkpoint, the package and
# verify-export.  The README's petition.json must be tests/demo/petition.json.
. "$E2E/lib.sh"
top=$(cd "$E2E/../.." && pwd)
work=$PWD

say "extract the first session from README.md"
awk '/^```sh first-session$/ { on = 1; next } on && /^```$/ { exit } on' \
	"$top/README.md" > session.sh
n=$(grep -cv '^[[:space:]]*\(#.*\)\?$' session.sh)
[ "$n" -ge 25 ] || die "the first session has only $n commands"
grep -q 'keyring add handler.pub' session.sh || die "the session adds no handler key"
grep -q 'export --closed' session.sh || die "the session does not export"

say "the README shows tests/demo/petition.json as it is"
awk '/^```json$/ { on = 1; next } on && /^```$/ { exit } on' "$top/README.md" > shown.json
cmp shown.json "$top/tests/demo/petition.json" || die "README's petition.json differs from tests/demo/petition.json"

say "run it line by line"
mkdir -p bin home
ln -s "$XFA" bin/xfa
unset XFA_PASSPHRASE_FILE XFA_ARCHIVE
export HOME="$work/home" PATH="$work/bin:$PATH"
umask 022
cd "$top"
i=0
while IFS= read -r line; do
	i=$((i + 1))
	case "$(printf '%s' "$line" | sed 's/^[[:space:]]*//')" in ''|'#'*) continue ;; esac
	set +e
	eval "$line" > "$work/out.$i" 2> "$work/err.$i"
	st=$?
	set -e
	[ "$st" -eq 0 ] || { cat "$work/out.$i" "$work/err.$i"; die "README line $i exits $st: $line"; }
	printf '%s\n' "$line" > "$work/cmd.$i"
done < "$work/session.sh"
cd "$work"

# out_of PATTERN: the stdout of the session's line matching PATTERN (the last one).
out_of() {
	f=$(grep -l -- "$1" cmd.* | sed 's/cmd\.//' | sort -n | tail -n 1)
	[ -n "$f" ] || die "no session line matches '$1'"
	cat "out.$f"
}

say "key outputs"
s=home/xfa-first
[ "$(stat -c %a $s/pass)" = 600 ] || die "the passphrase file is not mode 0600"
[ "$(stat -c %a $s/clerk.key)" = 600 ] || die "the clerk's key is not mode 0600"
id=$(head -n 1 $s/new.txt)
echo "$id" | grep -Eq '^XF-20[0-9]{2}-000001$' || die "case new printed '$id', not a case id"
code=$(tail -n 1 $s/new.txt | awk '{print $NF}')
echo "$code" | grep -Eq '^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$' || die "no query code: '$code'"
out_of 'keyring list' | grep -q 'clerk@bureau.example' || die "keyring list lacks the clerk"
out_of 'keyring list' | grep -q '登记员\|clerk' || die "keyring list lacks the clerk's role"
out_of 'satisfaction=' | grep -q "^$id #6\$" || die "close is not event 6"
export XFA_ARCHIVE="$work/$s/county.xfa"
$XFA --json case show "$id" > show.json
$PY - "$id" <<'EOF'
import json, sys
d = json.load(open("show.json"))["case"]
assert d["status"] == "archived", d["status"]
assert d["channel"] == "visit" and d["category"] == "urban-planning" and d["kind"] == "claim", d
assert d["unit"] == "住建局" and d["outcome"] == "support" and d["satisfaction"] == "satisfied", d
kinds = sorted(a["kind"] for a in d["attachments"])
assert kinds == ["authorization", "reply"], kinds
assert d["proxy"]["agent"]["name"] == "赵丽娟"
assert d["archive"][-1]["reference"].startswith("J001-XF·"), d["archive"]
EOF
out_of 'lookup' | grep -q '已办结' || die "lookup lacks the closing"
out_of 'lookup' | grep -q '王秀兰' && die "lookup shows the petitioner's name"
out_of 'report rates' | grep -q '群众满意率 *100.00%' || die "rates: satisfaction is not 100%"
out_of 'xfa verify  ' | grep -q 'sound' || die "verify did not say the archive is sound"
grep -q '^xfa-checkpoint/J001/' $s/cp.txt || die "the checkpoint names no origin"
out_of 'export --closed' | grep -q "$id" || die "export does not list $id"
out_of 'verify-export' | grep -q 'OK' || die "verify-export did not say OK"
bsdtar -tf $s/2026.tar | grep -q 'bagit.txt$' || die "the package has no bagit.txt"
out_of 'now 已归档' | grep -q '已归档' || die "the last case show is not 已归档"
$XFA verify > /dev/null
git --git-dir="$XFA_ARCHIVE" fsck --full --strict
echo "the first session ran $n commands"
