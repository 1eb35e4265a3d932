# t_core.sh - the archive core, judged by stock tools: keys, init, keyring,
# three sample cases (one filed by proxy with its authorisation form), a move;
# then git fsck, git verify-commit on every commit, ssh-keygen -Y verify on an
# event signature, python jsonschema on the stored documents.
. "$E2E/lib.sh"

say "keys and archive"
standard_archive
[ "$(stat -c %a keys/clerk.key)" = 600 ] || die "key file mode is not 0600"
grep -q '^ssh-ed25519 AAAA' keys/clerk.pub || die "public key not in OpenSSH form"
[ "$($XFA key fingerprint keys/clerk.pub)" = "$(ssh-keygen -lf keys/clerk.pub | cut -d' ' -f2)" ] \
	|| die "fingerprint differs from ssh-keygen's"
expect 65 $XFA key new --name again --out keys/clerk
err_has "not overwriting"

say "register three sample cases"
c1=$(new_case "$SHARED_FIXTURES"/cases/02-*.json)
form=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["proxy"]["form"])' "$SHARED_FIXTURES"/cases/04-*.json)
printf '%%PDF-1.4 scanned authorisation form\n' > "$form"
c2=$(new_case "$SHARED_FIXTURES"/cases/04-*.json --attach "authorization:$form")
c3=$(new_case "$SHARED_FIXTURES"/cases/08-*.json)
[ "$c1" != "$c2" ] && [ "$c2" != "$c3" ] || die "duplicate case ids: $c1 $c2 $c3"
echo "$c1" | grep -Eq '^XF-20[0-9]{2}-[0-9]{6}$' || die "bad case id $c1"

say "move one"
$XFA case move "$c1" accepted --as keys/clerk.key > /dev/null
$XFA --json case show "$c1" | $PY -c 'import json,sys; d=json.load(sys.stdin); assert d["case"]["status"]=="accepted", d["case"]["status"]'
$XFA case log "$c1" | grep -q '#2' || die "case log lacks event 2"
[ "$($XFA --json case list --status accepted | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] \
	|| die "case list --status accepted should list one case"

say "git fsck and git verify-commit on every commit"
git --git-dir="$XFA_ARCHIVE" fsck --full --strict
allowed_signers > /dev/null
n=0
for c in $(git --git-dir="$XFA_ARCHIVE" rev-list refs/heads/main); do
	sgit verify-commit "$c" 2> /dev/null || { sgit verify-commit "$c"; die "verify-commit failed on $c"; }
	n=$((n + 1))
done
# init, 5 keys, 3 registrations, 1 move
[ "$n" -eq 10 ] || die "expected 10 commits, found $n"
sgit log --show-signature -1 | grep -q 'Good "git" signature' || die "git log --show-signature"

say "each commit changes exactly one case"
for c in $(git --git-dir="$XFA_ARCHIVE" rev-list --no-merges refs/heads/main); do
	dirs=$(git --git-dir="$XFA_ARCHIVE" diff-tree --root --no-commit-id -r --name-only "$c" | grep '^cases/' | sed -E 's#^(cases/.*/[A-Z]+-[0-9]{4}-([A-Z0-9]+-)?[0-9]{6})/.*#\1#' | sort -u | wc -l)
	[ "$dirs" -le 1 ] || die "commit $c touches $dirs cases"
done

say "ssh-keygen verifies an event signature"
dir=$(git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only refs/heads/main | grep "/$c2/events/000001.json$" | sed 's#/events/000001.json##')
git --git-dir="$XFA_ARCHIVE" show "main:$dir/events/000001.json" > ev.json
git --git-dir="$XFA_ARCHIVE" show "main:$dir/events/000001.sig" > ev.sig
ssh-keygen -Y verify -f allowed -I clerk@bureau.example -n xfa-event -s ev.sig < ev.json
printf 'x' >> ev.json
if ssh-keygen -Y verify -f allowed -I clerk@bureau.example -n xfa-event -s ev.sig < ev.json 2>/dev/null; then
	die "ssh-keygen accepted a tampered event"
fi

say "the proxy form is stored and its hash recorded"
git --git-dir="$XFA_ARCHIVE" show "main:$dir/attachments/$form" | cmp - "$form"
$XFA --json case show "$c2" | $PY -c '
import json,sys,hashlib
d=json.load(sys.stdin)["case"]
a=[x for x in d["attachments"] if x["kind"]=="authorization"][0]
assert a["sha256"]==hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest()
' "$form"

say "stored documents satisfy the schemas (python jsonschema)"
git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only refs/heads/main > files
grep -E '/case\.json$' files > cases
grep -E '/events/[0-9]{6}\.json$' files > events
[ "$(wc -l < cases)" -eq 3 ] || die "expected 3 case.json files"
$PY "$E2E/validate.py" "$E2E/../../schemas" "$XFA_ARCHIVE" case.schema.json < cases
$PY "$E2E/validate.py" "$E2E/../../schemas" "$XFA_ARCHIVE" event.schema.json < events
echo .xfa/archive.json | $PY "$E2E/validate.py" "$E2E/../../schemas" "$XFA_ARCHIVE" archive.schema.json
