# t_badinput.sh - every bad input of issue 2 ("What bad input gets") is
# refused with the exit status of SPEC 6, a message naming what is wrong,
# and nothing written: the head of refs/heads/main does not move.
. "$E2E/lib.sh"

standard_archive
good="$SHARED_FIXTURES/cases/02-civil-affairs.json"
id=$(new_case "$good")
printf '%%PDF-1.4 a scanned letter\n' > letter.pdf

say "invalid JSON (65)"
printf '{"channel": "visit",\n "summary": }\n' > broken.json
unchanged 65 $XFA case new broken.json --as keys/clerk.key
err_has "broken.json"; err_has "invalid JSON"
printf '[1, 2]\n' > array.json
unchanged 65 $XFA case new array.json --as keys/clerk.key
err_has "not a JSON object"
$PY -c 'import sys; s=open(sys.argv[1]).read(); open("dup.json","w").write(s.replace("{", "{\"summary\": \"x\",", 1))' "$good"
unchanged 65 $XFA case new dup.json --as keys/clerk.key
err_has "duplicate"
sed 's/"headcount"/"x"/; s/"first_visit": true/"first_visit": 9007199254740993/' "$good" > big.json
unchanged 65 $XFA case new big.json --as keys/clerk.key
err_has "first_visit"; err_has "2^53"
sed 's/"first_visit": true/"first_visit": 1.5/' "$good" > real.json
unchanged 65 $XFA case new real.json --as keys/clerk.key
err_has "first_visit"
sed 's/王某之父/王某\\u0007之父/' "$good" > ctrl.json
unchanged 65 $XFA case new ctrl.json --as keys/clerk.key
err_has "summary"; err_has "control character"

say "invalid UTF-8 (65)"
sed "s/王某之父/$(printf '\377\376')/" "$good" > latin.json
unchanged 65 $XFA case new latin.json --as keys/clerk.key
err_has "latin.json"; err_has "UTF-8"
sed "s/王某之父/$(printf '\300\257')/" "$good" > overlong.json
unchanged 65 $XFA case new overlong.json --as keys/clerk.key
err_has "UTF-8"

say "a schema violation names the field (65)"
sed 's/"channel": "visit"/"channel": "pigeon"/' "$good" > pigeon.json
unchanged 65 $XFA case new pigeon.json --as keys/clerk.key
err_has "channel"; err_has "pigeon.json"
n=0
for f in "$SHARED_FIXTURES"/invalid/*.json; do
	field=$($PY - "$f" <<'PY'
import json, sys
base = {"channel": "visit", "received_at": "2026-03-01T09:30:00+08:00",
        "petitioners": [{"name": "王某"}], "summary": "测试用案件摘要。"}
doc = json.load(open(sys.argv[1]))
diff = [k for k in doc if base.get(k) != doc[k]] + [k for k in base if k not in doc]
assert diff, (sys.argv[1], "differs from no valid document")
print("\\|".join(diff))
PY
)
	unchanged 65 $XFA case new "$f" --as keys/clerk.key
	grep -q -- "$field" .err || { cat .err; die "$(basename "$f"): the message names none of: $field"; }
	err_has "$(basename "$f")"
	n=$((n + 1))
done
[ "$n" -ge 20 ] || die "only $n invalid fixtures"

say "attachments: missing (66), unreadable (74)"
unchanged 66 $XFA case new "$good" --attach letter:nowhere.pdf --as keys/clerk.key
err_has "nowhere.pdf"; err_has "no such file"
unchanged 66 $XFA case attach "$id" letter:nowhere.pdf --as keys/clerk.key
err_has "nowhere.pdf"
printf 'secret\n' > unreadable.pdf
chmod 000 unreadable.pdf
if [ "$(id -u)" = 0 ]; then
	# root reads anything: drop the capabilities that let it
	nodac="setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search"
else
	nodac=""
fi
unchanged 74 $nodac $XFA case new "$good" --attach letter:unreadable.pdf --as keys/clerk.key
err_has "unreadable.pdf"; err_has "ermission denied"
mkdir folder.pdf
unchanged 65 $XFA case new "$good" --attach letter:folder.pdf --as keys/clerk.key
err_has "folder.pdf"; err_has "not a regular file"
mkfifo fifo.pdf
unchanged 65 $XFA case new "$good" --attach letter:fifo.pdf --as keys/clerk.key
err_has "not a regular file"
unchanged 65 $XFA case new "$good" --attach letter:/dev/zero --as keys/clerk.key
err_has "not a regular file"

say "attachment names: '/', '..', control characters, symlinks (65)"
unchanged 65 $XFA case new "$good" --attach letter:folder.pdf/ --as keys/clerk.key
err_has "attachment name"
printf x > 'back\slash.pdf'
unchanged 65 $XFA case new "$good" --attach 'letter:back\slash.pdf' --as keys/clerk.key
err_has "must not contain '/'"
unchanged 65 $XFA case new "$good" --attach letter:.. --as keys/clerk.key
err_has "'..'"
unchanged 65 $XFA case attach "$id" letter:folder.pdf/.. --as keys/clerk.key
err_has "'..'"
printf x > 'two..dots.pdf'
unchanged 65 $XFA case new "$good" --attach letter:two..dots.pdf --as keys/clerk.key
err_has "'..'"
bell=$(printf 'bell\007.pdf')
printf x > "$bell"
unchanged 65 $XFA case new "$good" --attach "letter:$bell" --as keys/clerk.key
err_has "control character"
nl=$(printf 'line\nbreak.pdf')
printf x > "$nl"
unchanged 65 $XFA case attach "$id" "letter:$nl" --as keys/clerk.key
err_has "control character"
bad8=$(printf 'caf\351.pdf')
printf x > "$bad8"
unchanged 65 $XFA case new "$good" --attach "letter:$bad8" --as keys/clerk.key
err_has "UTF-8"
ln -s letter.pdf link.pdf
unchanged 65 $XFA case new "$good" --attach letter:link.pdf --as keys/clerk.key
err_has "link.pdf"; err_has "symbolic link"
ln -s "$PWD/nothing-there" dangling.pdf
unchanged 65 $XFA case attach "$id" letter:dangling.pdf --as keys/clerk.key
err_has "symbolic link"
unchanged 65 $XFA case new "$good" --attach Letter:letter.pdf --as keys/clerk.key
err_has "lower-case"
unchanged 65 $XFA case new "$good" --attach letter.pdf --as keys/clerk.key
err_has "KIND:PATH"

say "a file over the size limit (65)"
# the limit is the archive's attachment_max (64 MiB by default; no command
# changes it), so the test uses a sparse file that is refused before reading
[ "$(sgit show main:.xfa/archive.json 2>/dev/null | $PY -c 'import json,sys; print(json.load(sys.stdin)["attachment_max"])')" = 67108864 ] \
	|| die "attachment_max is not 64 MiB"
truncate -s 65M huge.pdf
unchanged 65 $XFA case new "$good" --attach letter:huge.pdf --as keys/clerk.key
err_has "huge.pdf"; err_has "over the limit"
truncate -s 67108865 justover.pdf
unchanged 65 $XFA case attach "$id" letter:justover.pdf --as keys/clerk.key
err_has "over the limit"
# a case document over 1 MiB
$PY -c 'import sys; sys.stdout.write("{\"summary\": \"" + "x" * (1 << 20) + "\"}")' > bigdoc.json
unchanged 65 $XFA case new bigdoc.json --as keys/clerk.key
err_has "bigdoc.json"
unchanged 66 $XFA case new nosuch.json --as keys/clerk.key
err_has "nosuch.json"

say "an unknown case id (66)"
unchanged 66 $XFA case move XF-2026-000099 accepted --as keys/clerk.key
err_has "XF-2026-000099"
unchanged 66 $XFA case attach XF-2026-000099 letter:letter.pdf --as keys/clerk.key
err_has "XF-2026-000099"
expect 66 $XFA case show XF-2026-000099
err_has "XF-2026-000099"
expect 66 $XFA case log XF-2026-000099
err_has "XF-2026-000099"
unchanged 65 $XFA case move 'XF-2026-../../x' accepted --as keys/clerk.key
err_has "not a case id"

say "keys: not in the keyring, revoked, wrong passphrase (77)"
mkkey stranger
unchanged 77 $XFA case new "$good" --as keys/stranger.key
err_has "not in the archive's keyring"
unchanged 77 $XFA case move "$id" accepted --as keys/stranger.key
err_has "not in the archive's keyring"
unchanged 77 $XFA keyring add keys/stranger.pub --role admin --as keys/stranger.key
# a key without the role
unchanged 77 $XFA case new "$good" --as keys/handler.key
unchanged 77 $XFA keyring add keys/stranger.pub --role clerk --as keys/clerk.key
err_has "not an admin"
mkkey temp
$XFA keyring add keys/temp.pub --role clerk --as keys/admin.key > /dev/null
$XFA keyring revoke "$($XFA key fingerprint keys/temp.pub)" --as keys/admin.key > /dev/null
unchanged 77 $XFA case new "$good" --as keys/temp.key
err_has "revoked"
unchanged 77 $XFA case move "$id" accepted --as keys/temp.key
err_has "revoked"
printf 'not the passphrase\n' > wrongpass
chmod 600 wrongpass
XFA_PASSPHRASE_FILE="$PWD/wrongpass" unchanged 77 $XFA case new "$good" --as keys/clerk.key
err_has "clerk.key"; err_has "passphrase"
# a bad document is refused before the key is unlocked: 65 naming the
# field, not 77 for the passphrase (and no Argon2id spent on it)
XFA_PASSPHRASE_FILE="$PWD/wrongpass" unchanged 65 $XFA case new "$SHARED_FIXTURES/invalid/bad-channel.json" --as keys/clerk.key
err_has "channel"
XFA_PASSPHRASE_FILE="$PWD/wrongpass" unchanged 77 $XFA keyring add keys/stranger.pub --role clerk --as keys/admin.key
err_has "passphrase"
unchanged 66 $XFA case new "$good" --as keys/nokey.key
err_has "nokey.key"

say "key files: no overwrite (65), mode 0600, wrong passphrase (77)"
[ "$(stat -c %a keys/stranger.key)" = 600 ] || die "key file mode is not 0600"
cp keys/stranger.key before.key
expect 65 $XFA key new --name again --out keys/stranger
err_has "not overwriting"
expect 65 $XFA key new --name again --out keys/stranger.key
cmp keys/stranger.key before.key || die "key new overwrote a key"
rm keys/stranger.pub
expect 65 $XFA key new --name again --out keys/stranger
cmp keys/stranger.key before.key || die "key new overwrote a key"
[ ! -e keys/stranger.pub ] || die "key new wrote a .pub beside an existing .key"
ln -s "$PWD/elsewhere" keys/trap.key
expect 65 $XFA key new --name trap --out keys/trap
[ ! -e elsewhere ] || die "key new followed a symbolic link"
: > empty; chmod 600 empty
XFA_PASSPHRASE_FILE="$PWD/empty" expect 77 $XFA key new --name e --out keys/empty
err_has "empty passphrase"
[ ! -e keys/empty.key ] || die "a key with an empty passphrase was written"
XFA_PASSPHRASE_FILE="$PWD/missing-pass" expect 66 $XFA key new --name e --out keys/nopass
err_has "XFA_PASSPHRASE_FILE"
cp pass openpass; chmod 644 openpass
XFA_PASSPHRASE_FILE="$PWD/openpass" unchanged 77 $XFA case new "$good" --as keys/clerk.key
err_has "accessible by other users"; err_has "chmod 600"
chmod 640 openpass
XFA_PASSPHRASE_FILE="$PWD/openpass" expect 77 $XFA key new --name e --out keys/openpass
[ ! -e keys/openpass.key ] || die "a key was written with a passphrase others can read"
ln -s "$PWD/pass" passlink
XFA_PASSPHRASE_FILE="$PWD/passlink" expect 65 $XFA key new --name e --out keys/linkpass
err_has "symbolic link"

say "after all that: the archive is intact"
git --git-dir="$XFA_ARCHIVE" fsck --full --strict
[ "$($XFA --json case list | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" -le 2 ] \
	|| die "a refused registration left a case"
echo "all bad input refused"
