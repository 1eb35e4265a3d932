# t_export.sh - filing packages (xfa export, xfa verify-export), judged by
# stock tools: bsdtar lists them, sha256sum/sha512sum check the manifests,
# ssh-keygen checks the archivist's signature, headless Chromium renders the
# inventory; then tampered and hostile packages must fail, naming the file.
. "$E2E/lib.sh"

say "an archive with a closed, a rejected and an open case"
standard_archive
F="$SHARED_FIXTURES/cases"
c1=$(new_case "$F"/02-*.json)
c2=$(new_case "$F"/08-*.json)
c3=$(new_case "$F"/03-*.json)
printf '%%PDF-1.4 处理意见书\n' > reply.pdf
$XFA case move "$c1" accepted --as keys/clerk.key > /dev/null
$XFA case move "$c1" assigned --set unit=民政局 --as keys/clerk.key > /dev/null
$XFA case move "$c1" handling --as keys/handler.key > /dev/null
$XFA case move "$c1" replied --set outcome=support --attach reply:reply.pdf --as keys/handler.key > /dev/null
$XFA case move "$c1" closed --set satisfaction=satisfied --as keys/clerk.key > /dev/null
$XFA case move "$c2" rejected --set decision.reason=不属于信访事项 --set decision.channel=litigation \
	--as keys/clerk.key > /dev/null

say "refusals write nothing"
unchanged 65 $XFA export "$c3" --out bad.tar --as keys/archivist.key
err_has "$c3 (registered)"
unchanged 65 $XFA export "$c1" "$c3" --out bad.tar --as keys/archivist.key
err_has "not archivable"
unchanged 77 $XFA export "$c1" --out bad.tar --as keys/clerk.key
err_has "archivist"
unchanged 64 $XFA export "$c1" --as keys/archivist.key
unchanged 65 $XFA export "$c1" --out bad.tgz --as keys/archivist.key
unchanged 66 $XFA export XF-2026-000099 --out bad.tar --as keys/archivist.key
[ ! -e bad.tar ] && [ ! -e bad.tgz ] || die "a refused export left a package"
[ -z "$(ls -A | grep '^\.xfa-export')" ] || die "a refused export left a temporary file"

say "export the closed cases to tar"
head0=$(head_of)
$XFA --json export --closed --out pkg.tar --as keys/archivist.key > export.json
[ "$(head_of)" != "$head0" ] || die "export did not record archived events"
ref1=$($PY -c 'import json,sys; d=json.load(open("export.json")); print([c["reference"] for c in d["cases"] if c["id"]==sys.argv[1]][0])' "$c1")
echo "$ref1" | grep -Eq '^J001-XF·2026-(Y|D30|D10)-[0-9]{4}$' || die "bad 档号 $ref1"
[ "$(sha256sum pkg.tar | cut -d' ' -f1)" = "$($PY -c 'import json; print(json.load(open("export.json"))["sha256"])')" ] \
	|| die "reported sha256 is not the package's"
$PY -c '
import json,sys
d=json.load(open("export.json"))
ids=sorted(c["id"] for c in d["cases"])
assert ids==sorted(sys.argv[1:]), ids
nums=sorted(int(c["reference"].rsplit("-",1)[1]) for c in d["cases"])
assert nums==list(range(1,len(nums)+1)), nums
' "$c1" "$c2"

say "stock tools: bsdtar, sha256sum, sha512sum, ssh-keygen"
bsdtar -tf pkg.tar > list
grep -q '^pkg/bagit.txt$' list || die "no bagit.txt"
for f in bag-info.txt manifest-sha256.txt manifest-sha512.txt tagmanifest-sha256.txt \
	tagmanifest-sha256.txt.sig data/keys/allowed_signers data/verify-report.json \
	data/inventory.csv data/inventory.html data/four-properties.json "data/$ref1/case.json" \
	"data/$ref1/events/000001.sig" "data/$ref1/attachments/reply.pdf" "data/$ref1/commits.txt"; do
	grep -qxF "pkg/$f" list || die "package lacks $f"
done
mkdir x && bsdtar -xf pkg.tar -C x
(cd x/pkg && sha256sum -c --quiet manifest-sha256.txt && sha512sum -c --quiet manifest-sha512.txt \
	&& sha256sum -c --quiet tagmanifest-sha256.txt) || die "manifests do not check"
grep -q '^Payload-Oxum: [0-9]*\.[0-9]*$' x/pkg/bag-info.txt || die "no Payload-Oxum"
grep -q '^Source-Organization: 测试县信访局$' x/pkg/bag-info.txt || die "no Source-Organization"
grep -q '^Bagging-Date: 20[0-9-]*$' x/pkg/bag-info.txt || die "no Bagging-Date"
grep -q "^External-Identifier: .*$ref1" x/pkg/bag-info.txt || die "no External-Identifier"
ssh-keygen -Y verify -n xfa-export -f x/pkg/data/keys/allowed_signers -I archivist@bureau.example \
	-s x/pkg/tagmanifest-sha256.txt.sig < x/pkg/tagmanifest-sha256.txt > /dev/null \
	|| die "ssh-keygen refused the archivist's signature"
ssh-keygen -Y verify -n xfa-event -f x/pkg/data/keys/allowed_signers -I clerk@bureau.example \
	-s "x/pkg/data/$ref1/events/000001.sig" < "x/pkg/data/$ref1/events/000001.json" > /dev/null \
	|| die "ssh-keygen refused an event signature"
for c in $(cat "x/pkg/data/$ref1/commits.txt"); do
	git --git-dir="$XFA_ARCHIVE" cat-file -e "$c^{commit}" || die "commits.txt names $c"
done
[ "$(wc -l < "x/pkg/data/$ref1/commits.txt")" -eq 6 ] || die "commits.txt should list 6 commits"
grep -q '档号' x/pkg/data/inventory.csv && grep -q "$ref1" x/pkg/data/inventory.csv || die "inventory.csv"
grep -q '@page { size: A4' x/pkg/data/inventory.html || die "inventory.html does not ask for A4"
for p in 真实性 完整性 可用性 安全性; do
	grep -q "$p" x/pkg/data/four-properties.txt || die "four-property report lacks $p"
done
$PY -c 'import json; json.load(open("x/pkg/data/four-properties.json"))'
$PY - "$E2E/../../schemas" x/pkg/data <<'PYEOF'
import json, os, sys, jsonschema
sd, dd = sys.argv[1], sys.argv[2]
store = {}
for root, _, files in os.walk(sd):
    for f in files:
        if f.endswith(".json"):
            store[os.path.relpath(os.path.join(root, f), sd)] = json.load(open(os.path.join(root, f)))
def check(name, doc):
    r = jsonschema.RefResolver(base_uri="", referrer=store[name], store=store)
    jsonschema.Draft7Validator(store[name], resolver=r).validate(doc)
check("export-manifest.schema.json", json.load(open(dd + "/export.json")))
check("verify-report.schema.json", json.load(open(dd + "/verify-report.json")))
for k in json.load(open(dd + "/keys/keyring.json")).values():
    check("key.schema.json", k)
for c in json.load(open(dd + "/export.json"))["cases"]:
    check("case.schema.json", json.load(open(dd + "/" + c["folder"] + "/case.json")))
PYEOF

say "the inventory renders in headless Chromium"
chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || die "chromium is not installed (make deps installs it)"
timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
	--user-data-dir="$PWD/chrome" --window-size=794,1123 --screenshot="$PWD/inventory.png" \
	"file://$PWD/x/pkg/data/inventory.html" > chrome.log 2>&1 || { cat chrome.log; die "chromium failed"; }
[ "$(head -c 8 inventory.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || die "no PNG screenshot"
[ "$(stat -c %s inventory.png)" -gt 5000 ] || die "the screenshot is empty"
timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
	--user-data-dir="$PWD/chrome" --print-to-pdf="$PWD/inventory.pdf" --no-pdf-header-footer \
	"file://$PWD/x/pkg/data/inventory.html" > chrome.log 2>&1 || { cat chrome.log; die "chromium print failed"; }
# A4 is 595.28 x 841.89 points
grep -aEq 'MediaBox \[ *0 0 59[45](\.[0-9]+)? 84[12](\.[0-9]+)? *\]' inventory.pdf \
	|| die "the printed inventory is not A4: $(grep -ao 'MediaBox[^]]*]' inventory.pdf | head -1)"

say "verify-export passes, xfa verify passes and shows the archived events"
expect 0 $XFA verify-export pkg.tar
out_has OK
out_has "archivist@bureau.example"
expect 0 $XFA verify-export --trust "$($XFA key fingerprint keys/archivist.pub)" pkg.tar
expect 1 $XFA verify-export --trust "$($XFA key fingerprint keys/clerk.pub)" pkg.tar
out_has "tagmanifest-sha256.txt.sig: untrusted-signer"
$XFA verify > /dev/null || die "xfa verify fails after export"
$XFA case log "$c1" | grep -q '归档' || die "case log lacks the archived event"
$XFA --json case show "$c1" | $PY -c '
import json,sys
d=json.load(sys.stdin)["case"]
assert d["status"]=="archived", d["status"]
assert d["archive"][0]["package_sha256"]==sys.argv[1] and d["archive"][0]["reference"]==sys.argv[2], d["archive"]
' "$(sha256sum pkg.tar | cut -d' ' -f1)" "$ref1"
allowed_signers > /dev/null
sgit verify-commit "$(head_of)" 2> /dev/null || die "the archived commit does not verify"
sgit log -2 --format=%s | grep -q ' archive' || die "no archive commits in git log"

say "zip, a re-export and an existing package"
head1=$(head_of)
$XFA export "$c1" --out again.zip --as keys/archivist.key > again.out || die "re-export failed"
grep -q "second copy" again.out || die "re-export does not say so"
grep -q "$ref1" again.out || die "re-export changed the 档号"
[ "$(head_of)" != "$head1" ] || die "re-export recorded no event"
bsdtar -tf again.zip | grep -q '^again/bagit.txt$' || die "bsdtar cannot list the zip"
mkdir z && (cd z && bsdtar -xf ../again.zip && cd again && sha256sum -c --quiet manifest-sha256.txt \
	&& sha512sum -c --quiet manifest-sha512.txt) || die "zip manifests do not check"
expect 0 $XFA verify-export again.zip
sum=$(sha256sum pkg.tar)
unchanged 65 $XFA export "$c1" --out pkg.tar --as keys/archivist.key
err_has "exists"
[ "$(sha256sum pkg.tar)" = "$sum" ] || die "an existing package was overwritten"
$XFA verify > /dev/null || die "xfa verify fails after the re-export"

say "tampered packages fail, naming the file"
cat > tamper.py <<'PYEOF'
"""tamper.py SRC DST OP PATH [ARG]: copy a tar package, changing one thing."""
import io, sys, tarfile
src, dst, op, path = sys.argv[1:5]
arg = sys.argv[5] if len(sys.argv) > 5 else None
with tarfile.open(src) as t, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as o:
    top = t.getmembers()[0].name.split("/")[0]
    full = top + "/" + path
    def put(name, data, like):
        i = tarfile.TarInfo(name); i.size = len(data); i.mtime = like.mtime; i.mode = 0o644
        o.addfile(i, io.BytesIO(data))
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isfile() else None
        if m.name == full or (op == "remove" and m.name.startswith(full)):
            if op == "remove":
                continue
            if op == "flip":
                data = bytes([data[0] ^ 1]) + data[1:]
            elif op == "replace":
                data = open(arg, "rb").read()
            elif op == "sub":
                old, new = arg.split("=", 1)
                assert old.encode() in data, (old, m.name)
                data = data.replace(old.encode(), new.encode(), 1)
        put(m.name, data, m)
    if op == "add":
        put(full, b"an extra file\n", t.getmembers()[0])
PYEOF
tamper() { $PY tamper.py pkg.tar t.tar "$@"; }
fails_naming() {
	expect 1 $XFA verify-export t.tar
	out_has "$1"
	out_has FAILED
}
tamper flip "data/$ref1/attachments/reply.pdf";     fails_naming "data/$ref1/attachments/reply.pdf"
tamper add data/extra.txt;                          fails_naming "data/extra.txt"
tamper remove data/inventory.csv;                   fails_naming "data/inventory.csv"
h=$(grep " data/inventory.csv$" x/pkg/manifest-sha256.txt | cut -c1-8)
tamper sub manifest-sha256.txt "$h=00000000";       fails_naming "manifest-sha256.txt"
tamper sub bag-info.txt "测试县=别的县";             fails_naming "bag-info.txt"
tamper remove "data/$ref1/events/000003.";          fails_naming "data/$ref1/events/000003.json"
tamper sub "data/$ref1/case.json" "民政局=财政局";   fails_naming "data/$ref1/case.json"
ssh-keygen -q -t ed25519 -N '' -C intruder@else.example -f intruder
cp x/pkg/tagmanifest-sha256.txt tm && ssh-keygen -q -Y sign -n xfa-export -f intruder tm
tamper replace tagmanifest-sha256.txt.sig tm.sig;   fails_naming "tagmanifest-sha256.txt.sig"
out_has "untrusted-signer"
expect 0 $XFA verify-export pkg.tar

say "hostile packages are refused without extracting"
cat > hostile.py <<'PYEOF'
"""hostile.py KIND OUT: a crafted package."""
import io, sys, tarfile, zipfile
kind, out = sys.argv[1:3]
def tar(entries):
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
        for name, typ, data, link in entries:
            i = tarfile.TarInfo(name); i.type = typ; i.mode = 0o644
            i.size = len(data) if typ == tarfile.REGTYPE else 0
            if link: i.linkname = link
            t.addfile(i, io.BytesIO(data) if typ == tarfile.REGTYPE else None)
bag = [("h/bagit.txt", tarfile.REGTYPE, b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", None)]
R = tarfile.REGTYPE
if kind == "traversal":   tar(bag + [("h/data/../../../tmp/xfa-evil", R, b"x", None)])
elif kind == "absolute":  tar(bag + [("/tmp/xfa-evil", R, b"x", None)])
elif kind == "symlink":   tar(bag + [("h/data/link", tarfile.SYMTYPE, b"", "/etc/passwd")])
elif kind == "hardlink":  tar(bag + [("h/data/hl", tarfile.LNKTYPE, b"", "h/bagit.txt")])
elif kind == "device":    tar(bag + [("h/data/dev", tarfile.CHRTYPE, b"", None)])
elif kind == "duplicate": tar(bag + [("h/data/a.txt", R, b"one", None), ("h/data/a.txt", R, b"two", None)])
elif kind == "oversized": tar(bag + [("h/data/big.bin", R, b"\0" * 200000, None)])
elif kind == "truncated":
    tar(bag + [("h/data/big.bin", R, b"\1" * 100000, None)])
    data = open(out, "rb").read(); open(out, "wb").write(data[:1536 + 20000])
elif kind == "zipbomb":
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("h/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        z.writestr("h/data/bomb.bin", b"\0" * (64 << 20))
PYEOF
hostile() {
	$PY hostile.py "$1" "h.$2"
	shift 2
	expect 1 $XFA verify-export "$@"
	out_has FAILED
}
hostile traversal tar h.tar;                      out_has "h/data/../../../tmp/xfa-evil"
hostile absolute tar h.tar;                       out_has "/tmp/xfa-evil"
[ ! -e /tmp/xfa-evil ] || die "a hostile entry was written"
hostile symlink tar h.tar;                        out_has "h/data/link"; out_has "symbolic link"
hostile hardlink tar h.tar;                       out_has "h/data/hl"; out_has "hard link"
hostile device tar h.tar;                         out_has "h/data/dev"
hostile duplicate tar h.tar;                      out_has "data/a.txt"; out_has "duplicate"
hostile oversized tar --max-entry-bytes 100000 h.tar; out_has "h/data/big.bin"; out_has "limit"
hostile truncated tar h.tar;                      out_has "h/data/big.bin"
hostile zipbomb zip --max-bytes 10000000 h.zip;   out_has "h/data/bomb.bin"; out_has "limit"
[ "$(ls -A | grep -c '^h\.')" -eq 2 ] || die "verify-export wrote files"
expect 66 $XFA verify-export no-such.tar
expect 64 $XFA verify-export
