# t_show.sh - case show shows what a clerk asks about: a rejection's reason
# and legal channel, the outcome, and after archiving the 档号 and package;
# it warns when the head it reads is not the one the last sound verify
# proved (or none was run); keyring list shows the principal that
# ssh-keygen -Y verify -I needs.
. "$E2E/lib.sh"
standard_archive
f="$SHARED_FIXTURES/cases/02-civil-affairs.json"
c1=$(new_case "$f")
c2=$(new_case "$f")

say "never verified: a warning"
expect 0 $XFA case show "$c1"
err_has "warning: this archive was never verified here: run xfa verify"
$XFA --json case show "$c1" | $PY -c 'import json,sys; v=json.load(sys.stdin)["verified"]; assert v["current"] is False and v["last"] is None, v'

say "a rejection: reason and legal channel; a reply's outcome"
$XFA case move "$c1" rejected --set decision.reason=属于民事纠纷 --set decision.channel=litigation --as keys/clerk.key > /dev/null
$XFA case move "$c2" accepted --as keys/clerk.key > /dev/null
$XFA case move "$c2" assigned --set unit=民政局 --as keys/clerk.key > /dev/null
$XFA case move "$c2" handling --as keys/handler.key > /dev/null
printf '%%PDF-1.4 reply\n' > r.pdf
$XFA case move "$c2" replied --set outcome=explain --attach reply:r.pdf --as keys/handler.key > /dev/null
expect 0 $XFA verify
expect 0 $XFA_ZH case show "$c1"
out_has '^不予受理理由 *属于民事纠纷$'
out_has '^法定途径 *诉讼$'
[ ! -s .err ] || { cat .err; die "a warning right after a sound verify"; }
expect 0 $XFA --lang en case show "$c1"
out_has '^legal channel *litigation$'
expect 0 $XFA_ZH case show "$c2"
out_has '^处理结果 *解释说明$'

say "after another write: the head read is unverified"
$XFA case move "$c2" closed --set satisfaction=satisfied --as keys/clerk.key > /dev/null
expect 0 $XFA case show "$c2"
err_has "warning: this head ([0-9a-f]*) is unverified: the last sound verify (20[0-9-]*T"

say "archived: the 档号 and the package"
$XFA export --closed --out p.tar --as keys/archivist.key > exp.txt
sha=$(sha256sum p.tar | cut -d' ' -f1)
ref=$($XFA --json case show "$c2" | $PY -c 'import json,sys; print(json.load(sys.stdin)["case"]["archive"][-1]["reference"])')
expect 0 $XFA_ZH case show "$c2"
out_has "^档号 *$ref\$"
out_has "^归档包 *sha256:$(echo "$sha" | cut -c1-16)"
grep -q "$ref" exp.txt || die "export listed another 档号"

say "keyring list: the principal for ssh-keygen -I"
expect 0 $XFA keyring list
out_has 'clerk@bureau.example'
allowed_signers > /dev/null
dir=$(git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only main | grep "/$c2/events/000001.json$" | sed 's#/events/000001.json##')
git --git-dir="$XFA_ARCHIVE" show "main:$dir/events/000001.json" > ev.json
git --git-dir="$XFA_ARCHIVE" show "main:$dir/events/000001.sig" > ev.sig
principal=$(grep "$($XFA key fingerprint keys/clerk.pub)" .out | awk '{print $3}')
[ "$principal" = clerk@bureau.example ] || { cat .out; die "the principal is not the third column"; }
ssh-keygen -Y verify -f allowed -I "$principal" -n xfa-event -s ev.sig < ev.json > /dev/null
