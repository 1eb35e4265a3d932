#!/usr/bin/python3
"""make-packages.py - regenerate the hostile packages in packages/ (and the
bag seeds of tests/fuzz/seeds/bag/).  Deterministic: fixed times, fixed
bytes.  Each package is a small BagIt bag named "bag" with one twist.
usage: make-packages.py OUTDIR"""
import hashlib, io, os, sys, tarfile, zipfile, zlib, struct

T = 1767225600  # 2026-01-01

def bag_files(extra_data=None):
    data = {"data/a.txt": b"payload\n"}
    if extra_data:
        data.update(extra_data)
    oxum = "%d.%d" % (sum(len(v) for v in data.values()), len(data))
    files = {"bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
             "bag-info.txt": ("Source-Organization: test\nPayload-Oxum: %s\n" % oxum).encode()}
    files.update(data)
    files["manifest-sha256.txt"] = "".join(
        "%s  %s\n" % (hashlib.sha256(v).hexdigest(), k) for k, v in sorted(data.items())).encode()
    files["tagmanifest-sha256.txt"] = "".join(
        "%s  %s\n" % (hashlib.sha256(files[k]).hexdigest(), k)
        for k in ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")).encode()
    return files

def tar_add(t, name, data=b"", kind=tarfile.REGTYPE, link=""):
    i = tarfile.TarInfo(name)
    i.mtime = T
    i.type = kind
    i.linkname = link
    i.size = len(data) if kind == tarfile.REGTYPE else 0
    i.mode = 0o644
    t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

def write_tar(path, entries):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            tar_add(t, *e)

def good_entries(prefix="bag/"):
    return [(prefix + k, v) for k, v in bag_files().items()]

def write_zip(path, entries, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
            zi.compress_type = method
            z.writestr(zi, data)

def main(out):
    os.makedirs(out, exist_ok=True)
    p = lambda n: os.path.join(out, n)
    write_tar(p("good.tar"), good_entries())
    write_zip(p("good.zip"), good_entries())
    write_tar(p("traversal.tar"), good_entries() + [("bag/../evil.txt", b"x")])
    write_tar(p("traversal-deep.tar"), good_entries() + [("bag/data/../../../tmp/evil", b"x")])
    write_zip(p("traversal.zip"), good_entries() + [("bag/../evil.txt", b"x")])
    write_tar(p("absolute.tar"), good_entries() + [("/tmp/xfa-evil", b"x")])
    write_tar(p("symlink.tar"), good_entries() + [("bag/data/link", b"", tarfile.SYMTYPE, "/etc/passwd")])
    write_tar(p("hardlink.tar"), good_entries() + [("bag/data/hard", b"", tarfile.LNKTYPE, "bag/data/a.txt")])
    write_tar(p("device.tar"), good_entries() + [("bag/data/null", b"", tarfile.CHRTYPE)])
    write_tar(p("fifo.tar"), good_entries() + [("bag/data/fifo", b"", tarfile.FIFOTYPE)])
    write_tar(p("duplicate.tar"), good_entries() + [("bag/data/a.txt", b"other\n")])
    write_zip(p("duplicate.zip"), good_entries() + [("bag/data/a.txt", b"other\n")])
    write_tar(p("two-bags.tar"), good_entries() + [("other/bagit.txt", b"x")])
    write_tar(p("backslash.tar"), good_entries() + [("bag/data\\..\\x", b"x")])
    write_tar(p("control-char.tar"), good_entries() + [("bag/data/a\nb", b"x")])
    write_tar(p("bad-utf8-name.tar"), good_entries() + [("bag/data/\udcff\udcfe", b"x")])
    write_tar(p("empty-part.tar"), good_entries() + [("bag/data//x", b"x")])
    # zip bomb: 64 MiB of zeros that claims (in both headers) to be 100 bytes
    zeros = 64 << 20
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = comp.compress(b"\0" * zeros) + comp.flush()
    write_zip(p("zip-bomb.zip"), good_entries() + [("bag/data/bomb", b"\0" * zeros)])
    b = bytearray(open(p("zip-bomb.zip"), "rb").read())
    real = struct.pack("<I", zeros)
    n = b.count(real)
    b = b.replace(real, struct.pack("<I", 100))
    open(p("zip-bomb.zip"), "wb").write(bytes(b))
    assert n == 2, n
    open(p("not-a-package.tar"), "wb").write(b"this is not a tar file\n" * 40)
    open(p("truncated.tar"), "wb").write(open(p("good.tar"), "rb").read()[:1700])
    open(p("empty.zip"), "wb").write(b"")

main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "packages"))
