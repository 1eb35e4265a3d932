# t_export_insider.sh - filing packages tampered as an insider would: unpacked
# with bsdtar, changed, the manifests recomputed and the tag manifest re-signed
# with a real key (sshsign signs as ssh-keygen -Y sign does), repacked.  Each
# must fail verify-export (exit 1) naming what is wrong; untampered packages
# pass with and without --trust; zip and tar bombs are refused with the peak
# memory measured; the package of the code before this change still verifies,
# saying what it could not re-prove.
. "$E2E/lib.sh"
SSHSIGN=$(dirname "$XFA")/sshsign
[ -x "$SSHSIGN" ] || die "$SSHSIGN missing: make BUILD=$(dirname "$XFA") $(dirname "$XFA")/sshsign"

say "an archive with a closed and a rejected case, exported"
standard_archive
mkkey outsider outsider@else.example
F="$SHARED_FIXTURES/cases"
c1=$(new_case "$F"/02-*.json)
c2=$(new_case "$F"/08-*.json)
printf '%%PDF-1.4 处理意见书\n' > reply.pdf
$XFA case move "$c1" accepted --as keys/clerk.key > /dev/null
$XFA case move "$c1" assigned --set unit=民政局 --as keys/clerk.key > /dev/null
$XFA case move "$c1" handling --as keys/handler.key > /dev/null
$XFA case move "$c1" replied --set outcome=support --attach reply:reply.pdf --as keys/handler.key > /dev/null
$XFA case move "$c1" closed --set satisfaction=satisfied --as keys/clerk.key > /dev/null
$XFA case move "$c2" rejected --set decision.reason=不属于信访事项 --set decision.channel=litigation \
	--as keys/clerk.key > /dev/null
$XFA --json export --closed --out pkg.tar --as keys/archivist.key > export.out
ROOT=$($XFA key fingerprint keys/admin.pub)
ARCH=$($XFA key fingerprint keys/archivist.pub)
ref() { $PY -c 'import json,sys; d=json.load(open("export.out")); print([c["reference"] for c in d["cases"] if c["id"]==sys.argv[1]][0])' "$1"; }
r1=$(ref "$c1"); r2=$(ref "$c2")

say "untampered: passes without --trust (root named, not pinned), with the root, with the archivist"
expect 0 $XFA verify-export pkg.tar
out_has "OK"; out_has "root was not pinned"; out_has "$ROOT"
expect 0 $XFA --json verify-export pkg.tar
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["reproved"] and r["format"]==2 and not r["root"]["pinned"] and r["unproven"]==[], r' "$PWD/.out"
cp .out report-plain.json
expect 0 $XFA verify-export --trust "$ROOT" pkg.tar
out_has "is the trusted key"
expect 0 $XFA --json verify-export --trust "$ARCH" pkg.tar
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["root"]["by"]=="archivist" and r["root"]["chain"][-1]==sys.argv[2], r["root"]' "$PWD/.out" "$ROOT"
expect 1 $XFA verify-export --trust "$($XFA key fingerprint keys/clerk.pub)" pkg.tar
out_has "untrusted-root"

cat > pkg.py <<'PYEOF'
"""pkg.py CMD DIR [ARGS]: what an insider does to an unpacked package.
  reman DIR                 recompute manifests, Payload-Oxum, tag manifest
  json DIR PATH EXPR        apply python EXPR to the JSON document d, rewrite
  append DIR FOLDER FILE    add FILE as the folder's next event, chained"""
import hashlib, json, os, sys
cmd, top = sys.argv[1], sys.argv[2]
def canon(d): return (json.dumps(d, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode()
def files(sub):
    out = []
    for root, _, fs in os.walk(os.path.join(top, sub)):
        for f in fs:
            out.append(os.path.relpath(os.path.join(root, f), top))
    return sorted(out)
def digest(p, alg): return hashlib.new(alg, open(os.path.join(top, p), "rb").read()).hexdigest()
if cmd == "reman":
    data = files("data")
    for alg in ("sha256", "sha512"):
        open(os.path.join(top, "manifest-%s.txt" % alg), "w").write(
            "".join("%s  %s\n" % (digest(p, alg), p) for p in data))
    info = open(os.path.join(top, "bag-info.txt")).read().splitlines()
    size = sum(os.path.getsize(os.path.join(top, p)) for p in data)
    info = [("Payload-Oxum: %d.%d" % (size, len(data))) if l.startswith("Payload-Oxum:") else l for l in info]
    open(os.path.join(top, "bag-info.txt"), "w").write("\n".join(info) + "\n")
    tags = ["bag-info.txt", "bagit.txt", "manifest-sha256.txt", "manifest-sha512.txt"]
    open(os.path.join(top, "tagmanifest-sha256.txt"), "w").write(
        "".join("%s  %s\n" % (digest(p, "sha256"), p) for p in sorted(tags)))
elif cmd == "json":
    path, expr = sys.argv[3], sys.argv[4]
    d = json.load(open(os.path.join(top, path)))
    exec(expr)
    open(os.path.join(top, path), "wb").write(canon(d))
elif cmd == "append":
    folder, new = sys.argv[3], sys.argv[4]
    evs = sorted(f for f in os.listdir(os.path.join(top, folder, "events")) if f.endswith(".json"))
    last = os.path.join(top, folder, "events", evs[-1])
    ev = json.load(open(new))
    ev["seq"] = len(evs) + 1
    ev["prev"] = hashlib.sha256(open(last, "rb").read()).hexdigest()
    open(os.path.join(top, folder, "events", "%06d.json" % ev["seq"]), "wb").write(canon(ev))
    print(os.path.join(top, folder, "events", "%06d.json" % ev["seq"]))
PYEOF
# esign EVENT KEY: EVENT's .sig (namespace xfa-event), as the writer names it
esign() {
	"$SSHSIGN" -Y sign -n xfa-event -f "$2" "$1" > /dev/null 2>&1 || die "sshsign failed"
	mv "$1.sig" "${1%.json}.sig"
}
# fresh COPY: a new unpacked copy of pkg.tar in w/; repack KEY: re-manifest,
# re-sign with KEY (an xfa key file), pack as t.tar
fresh() { rm -rf w t.tar && mkdir w && bsdtar -xf pkg.tar -C w; }
repack() {
	$PY pkg.py reman w/pkg
	rm -f w/pkg/tagmanifest-sha256.txt.sig
	"$SSHSIGN" -Y sign -n xfa-export -f "$1" w/pkg/tagmanifest-sha256.txt > /dev/null 2>&1 || die "sshsign failed"
	(cd w && bsdtar -cf ../t.tar pkg)
	ssh-keygen -Y check-novalidate -n xfa-export -s w/pkg/tagmanifest-sha256.txt.sig \
		< w/pkg/tagmanifest-sha256.txt > /dev/null 2>&1 || die "the re-signed package does not check with ssh-keygen"
}
# fails REASON...: t.tar fails with and without --trust, naming each REASON
fails() {
	expect 1 $XFA verify-export t.tar
	for r in "$@"; do out_has "$r"; done
	expect 1 $XFA verify-export --trust "$ROOT" t.tar
	out_has "$1"
}

say "a repacked, re-signed but unchanged package still passes (the tools are honest)"
fresh; repack keys/archivist.key
expect 0 $XFA verify-export --trust "$ARCH" t.tar

say "forged roles: a clerk gives itself the archivist role in keyring.json and signs"
CLERK=$($XFA key fingerprint keys/clerk.pub)
fresh
$PY pkg.py json w/pkg data/keys/keyring.json "d['$CLERK']['roles'].append('archivist')"
repack keys/clerk.key
fails keyring-mismatch untrusted-signer "did not hold the archivist role"

say "an outsider adds its own key as an archivist and signs"
OUT=$($XFA key fingerprint keys/outsider.pub)
fresh
$PY pkg.py json w/pkg data/keys/keyring.json "d['$OUT']=dict(d['$ARCH']); d['$OUT']['fingerprint']='$OUT'; d['$OUT']['public_key']=open('keys/outsider.pub').read().strip()"
repack keys/outsider.key
fails keyring-mismatch untrusted-signer

say "an outsider appends its own key-add to the archive's stream, signed by itself"
fresh
n=$(ls w/pkg/data/archive/events/*.json | wc -l)
$PY - "$OUT" "$(cat keys/outsider.pub)" w/pkg/data/archive/events/000002.json > ka.json <<'PYEOF'
import json, sys
fpr, pub, like = sys.argv[1:4]
e = json.load(open(like))
rec = dict(list(e["patch"]["keys"].values())[0])
rec.update(fingerprint=fpr, public_key=pub.split(" ")[0] + " " + pub.split(" ")[1], roles=["admin", "archivist"], added_by=fpr)
e["patch"]["keys"] = {fpr: rec}
e["by"] = fpr
rec["valid_from"] = e["at"]
print(json.dumps(e, ensure_ascii=False))
PYEOF
ev=$($PY pkg.py append w/pkg data/archive ka.json)
esign "$ev" keys/outsider.key
$PY pkg.py json w/pkg data/export.json "d['archive']['events'] += 1"
repack keys/outsider.key
fails unknown-key

say "the archivist appends an event to a closed case (a step it may not sign)"
fresh
$PY - "$ARCH" "w/pkg/data/$r1/events/000006.json" > am.json <<'PYEOF'
import json, sys
fpr, like = sys.argv[1:3]
e = json.load(open(like))
e.update(type="amend", by=fpr, role="archivist", note="更正", patch={"summary": "另一件事"})
e["from"] = e["to"] = None
print(json.dumps(e, ensure_ascii=False))
PYEOF
ev=$($PY pkg.py append w/pkg "data/$r1" am.json)
esign "$ev" keys/archivist.key
$PY pkg.py json w/pkg "data/$r1/case.json" "d['summary']='另一件事'"
$PY pkg.py json w/pkg data/export.json "[c.update(events=7, commits=7) for c in d['cases'] if c['folder']=='$r1']"
echo 0123456789abcdef0123456789abcdef01234567 >> "w/pkg/data/$r1/commits.txt"
repack keys/archivist.key
fails role-not-allowed
expect 1 $XFA verify-export --trust "$ARCH" t.tar
out_has role-not-allowed; out_has "data/$r1/events/000007.json"

say "a closed case cut back to an earlier event (case.json from the archive at that event)"
fresh
rm "w/pkg/data/$r1/events/000006.json" "w/pkg/data/$r1/events/000006.sig"
commit5=$(sed -n 5p "w/pkg/data/$r1/commits.txt")
dir1=$(git --git-dir="$XFA_ARCHIVE" ls-tree -r --name-only main | grep "/$c1/case.json$")
git --git-dir="$XFA_ARCHIVE" show "$commit5:$dir1" > "w/pkg/data/$r1/case.json"
sed -i 6d "w/pkg/data/$r1/commits.txt"
$PY pkg.py json w/pkg data/export.json "[c.update(events=5, commits=5, status='replied') for c in d['cases'] if c['folder']=='$r1']"
repack keys/archivist.key
fails not-closed "$c1 ends in state replied"
$PY pkg.py json w/pkg data/export.json "[c.update(status='closed') for c in d['cases'] if c['folder']=='$r1']"
repack keys/archivist.key
fails manifest-mismatch "export.json lists it as closed"

say "a case folder that export.json does not list"
fresh
cp -r "w/pkg/data/$r2" w/pkg/data/J001-XF·2026-D30-0099
repack keys/archivist.key
fails unlisted-case "data/J001-XF·2026-D30-0099"

say "a listed case missing"
fresh
rm -r "w/pkg/data/$r2"
repack keys/archivist.key
fails missing-case "$c2 is listed in export.json"

say "an inventory that disagrees with export.json"
fresh
sed -i "s/$r2/J001-XF·2026-D30-0042/" w/pkg/data/inventory.csv
repack keys/archivist.key
fails inventory-mismatch "data/inventory.csv"

say "export.json lists another final state for a case"
fresh
$PY pkg.py json w/pkg data/export.json "[c.update(events=1, status='registered') for c in d['cases'] if c['folder']=='$r2']"
repack keys/archivist.key
expect 1 $XFA verify-export t.tar
out_has manifest-mismatch

say "streaming: each case is checked when its folder ends and then freed"
kept=$(bsdtar -tvf pkg.tar | grep -v '/data/J001[^/]*/attachments/' | awk '{s+=$5} END {print s}')
lim=$((kept - 8000))
expect 0 $XFA verify-export --max-kept-bytes $lim pkg.tar
out_has OK
rm -rf w && mkdir w && bsdtar -xf pkg.tar -C w
(cd w && bsdtar -cf ../cases-first.tar pkg/data/J001* pkg/bagit.txt pkg/data/archive pkg/data/keys \
	pkg/data/export.json pkg/data/inventory.csv pkg/data/inventory.html pkg/data/verify-report.json \
	pkg/data/four-properties.json pkg/data/four-properties.txt pkg/bag-info.txt pkg/manifest-sha256.txt \
	pkg/manifest-sha512.txt pkg/tagmanifest-sha256.txt pkg/tagmanifest-sha256.txt.sig)
expect 0 $XFA verify-export cases-first.tar
expect 1 $XFA verify-export --max-kept-bytes $lim cases-first.tar
out_has "too many bytes to hold"

say "zip bomb: 1 MiB that expands to 1 GiB, refused early, peak memory measured"
$PY - bomb.zip <<'PYEOF'
import sys, zipfile, zlib
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("pkg/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    with z.open("pkg/data/X/attachments/scan.pdf", "w", force_zip64=True) as f:
        block = b"\0" * (1 << 20)
        for _ in range(1024):
            f.write(block)
PYEOF
[ "$(stat -c %s bomb.zip)" -lt 2000000 ] || die "the zip bomb is not small"
/usr/bin/time -v -o bomb.time $XFA verify-export bomb.zip > .out 2> .err && die "the zip bomb passed"
out_has hostile-package; out_has "compression bomb"
kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' bomb.time)
echo "zip bomb: peak RSS $kb kB, $(sed -n 's/.*Elapsed (wall clock) time.*: //p' bomb.time)"
[ "$kb" -lt 65536 ] || die "the zip bomb took $kb kB"

say "tar bombs: a header declaring 64 GiB (sparse on disk), a 100 MB case.json"
$PY - tarbomb.tar 68719476736 "pkg/data/X/attachments/scan.pdf" <<'PYEOF'
import os, sys, tarfile
out, size, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(out, "wb") as f:
    i = tarfile.TarInfo("pkg/bagit.txt"); d = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"; i.size = len(d)
    f.write(i.tobuf(tarfile.PAX_FORMAT)); f.write(d + b"\0" * (512 - len(d)))
    i = tarfile.TarInfo(name); i.size = size
    f.write(i.tobuf(tarfile.PAX_FORMAT))
    f.truncate(f.tell() + size + 1024)       # zeros, sparse: nothing on disk
PYEOF
/usr/bin/time -v -o tar.time $XFA verify-export tarbomb.tar > .out 2> .err && die "the tar bomb passed"
out_has hostile-package; out_has "declares more than the limit"
kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' tar.time)
echo "tar bomb (64 GiB declared): peak RSS $kb kB"
[ "$kb" -lt 65536 ] || die "the tar bomb took $kb kB"
rm tarbomb.tar
$PY - tarbomb.tar 104857600 "pkg/data/X/case.json" <<'PYEOF'
import os, sys, tarfile
out, size, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(out, "wb") as f:
    i = tarfile.TarInfo(name); i.size = size
    f.write(i.tobuf(tarfile.PAX_FORMAT))
    f.truncate(f.tell() + size + 1024)
PYEOF
/usr/bin/time -v -o tar.time $XFA verify-export tarbomb.tar > .out 2> .err && die "the tar bomb passed"
out_has "document or tag file larger than the limit"
kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' tar.time)
echo "tar bomb (100 MB case.json): peak RSS $kb kB"
[ "$kb" -lt 65536 ] || die "the tar bomb took $kb kB"
rm tarbomb.tar

say "a forced export of an open case passes; denying the --force does not"
c3=$(new_case "$F"/03-*.json)
$XFA export "$c3" --force --out forced.tar --as keys/archivist.key > /dev/null
expect 0 $XFA verify-export --trust "$ROOT" forced.tar
rm -rf w && mkdir w && bsdtar -xf forced.tar -C w
$PY pkg.py json w/forced data/export.json "d['forced']=False"
$PY pkg.py reman w/forced
rm -f w/forced/tagmanifest-sha256.txt.sig
"$SSHSIGN" -Y sign -n xfa-export -f keys/archivist.key w/forced/tagmanifest-sha256.txt > /dev/null 2>&1
(cd w && bsdtar -cf ../t.tar forced)
expect 1 $XFA verify-export t.tar
out_has not-closed; out_has "$c3 ends in state registered"

say "the package written before this change still verifies, saying what it could not prove"
old="$E2E/../fixtures/export/old-format.tar"
expect 0 $XFA verify-export "$old"
out_has OK; out_has "not re-proved: the package carries no signed keyring history"
out_has "data/inventory.html) was laid out by an earlier xfa"
expect 0 $XFA verify-export --trust SHA256:712yaX/EG7cxsRf6BLIZzeC1dklBXFLbTZj/YEM+ULo "$old"
expect 0 $XFA --json verify-export "$old"
$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["format"]==1 and not r["reproved"] and len(r["unproven"])>=2, r' "$PWD/.out"
cp .out report-old.json

say "every report fits schemas/verify-export-report.schema.json (python jsonschema)"
expect 0 $XFA --json verify-export --trust "$ARCH" pkg.tar; cp .out report-arch.json
expect 1 $XFA --json verify-export cases-first.tar --max-kept-bytes $lim; cp .out report-hostile.json
fresh; $PY pkg.py json w/pkg data/keys/keyring.json "d['$CLERK']['roles'].append('archivist')"; repack keys/clerk.key
expect 1 $XFA --json verify-export t.tar; cp .out report-forged.json
$PY - "$E2E/../../schemas" report-*.json <<'PYEOF'
import json, os, sys, jsonschema
sd = sys.argv[1]
store = {f: json.load(open(os.path.join(sd, f))) for f in os.listdir(sd) if f.endswith(".json")}
s = store["verify-export-report.schema.json"]
v = jsonschema.Draft7Validator(s, resolver=jsonschema.RefResolver(base_uri="", referrer=s, store=store))
for f in sys.argv[2:]:
    v.validate(json.load(open(f)))
PYEOF
mkdir -p xm && bsdtar -xf pkg.tar -C xm
$PY - "$E2E/../../schemas" xm/pkg/data/export.json <<'PYEOF'
import json, os, sys, jsonschema
sd = sys.argv[1]
store = {f: json.load(open(os.path.join(sd, f))) for f in os.listdir(sd) if f.endswith(".json")}
s = store["export-manifest.schema.json"]
d = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator(s, resolver=jsonschema.RefResolver(base_uri="", referrer=s, store=store)).validate(d)
assert d["format"] == 2 and d["archive"]["folder"] == "data/archive", d.get("archive")
PYEOF
