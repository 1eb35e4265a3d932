#!/usr/bin/python3
"""make-inputs.py - regenerate the hostile case documents (cases/) and key
files (keys/) from a good sample case and the test key fixture.  The inputs
are committed; this script documents how each was made."""
import base64, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
fix = os.path.join(here, "..", "fixtures")
good = json.load(open(os.path.join(fix, "cases", "02-civil-affairs.json")))
goodtxt = json.dumps(good, ensure_ascii=False)

def w(name, data):
    if isinstance(data, str):
        data = data.encode()
    open(os.path.join(here, "cases", name), "wb").write(data)

def with_(key, value):
    d = dict(good); d[key] = value
    return json.dumps(d, ensure_ascii=False)

raw_summary = lambda b: goodtxt.encode().replace(
    json.dumps(good["summary"], ensure_ascii=False).encode(), b'"' + b + b'"')

w("not-json.json", "this is not JSON\n")
w("empty.json", "")
w("truncated.json", goodtxt[: len(goodtxt) // 2])
w("trailing-garbage.json", goodtxt + " {}")
w("top-array.json", "[" + goodtxt + "]")
w("top-null.json", "null")
w("top-string.json", '"XF-2026-000001"')
w("deep-arrays.json", '{"summary": ' + "[" * 100000 + "]" * 100000 + "}")
w("deep-objects.json", '{"a":' * 40 + "1" + "}" * 40)
w("over-size-limit.json", with_("summary", "长" * 400000))  # > 1 MiB
w("huge-string.json", with_("summary", "长" * 300000))     # < 1 MiB, > maxLength
w("huge-key.json", goodtxt[:-1] + ', "' + "k" * (500 << 10) + '": 1}')
w("many-members.json", goodtxt[:-1] + "".join(', "x%d": 1' % i for i in range(40000)) + "}")
w("wrong-type-headcount.json", with_("headcount", "5"))
w("wrong-type-petitioners.json", with_("petitioners", {"name": "张三"}))
w("wrong-type-summary.json", with_("summary", 42))
w("wrong-type-channel.json", with_("channel", ["letter"]))
w("bool-as-number.json", with_("headcount", True))
w("invalid-utf8.json", raw_summary(b"\xff\xfe bad bytes"))
w("overlong-slash.json", raw_summary(b"a\xc0\xafb"))
w("overlong-nul.json", raw_summary(b"a\xc0\x80b"))
w("overlong-3byte.json", raw_summary(b"a\xe0\x80\xafb"))
w("utf8-surrogate.json", raw_summary(b"a\xed\xa0\x80b"))
w("utf8-past-10ffff.json", raw_summary(b"a\xf4\x90\x80\x80b"))
w("truncated-utf8.json", raw_summary(b"a\xe4\xbf"))
w("escaped-lone-surrogate.json", raw_summary(b"a\\ud800b"))
w("nul-raw.json", raw_summary(b"a\x00b"))
w("nul-escaped.json", raw_summary(b"a\\u0000b"))
w("control-char.json", raw_summary(b"a\x01b"))
w("escape-invalid.json", raw_summary(b"a\\qb"))
w("duplicate-keys.json", goodtxt[:-1] + ', "summary": "second summary"}')
w("duplicate-keys-nested.json", goodtxt.replace('"name": ', '"name": "甲", "name": ', 1))
w("number-2pow53-plus1.json", with_("headcount", 9007199254740993))
w("number-minus-2pow53-minus1.json", with_("headcount", -9007199254740993))
w("number-huge.json", goodtxt[:-1] + ', "headcount": 1' + "0" * 400 + "}")
w("number-float.json", goodtxt[:-1].replace('"headcount": %d' % good.get("headcount", 1), '"headcount": 1.0') if "headcount" in good else with_("headcount", 1.5))
w("number-exponent.json", goodtxt.replace('{', '{"headcount": 1e2, ', 1) if "headcount" not in good else goodtxt)
w("number-leading-zero.json", goodtxt.replace('{', '{"headcount": 01, ', 1))
w("bom.json", b"\xef\xbb\xbf" + goodtxt.encode())
w("utf16.json", goodtxt.encode("utf-16"))
w("single-quotes.json", "{'summary': 'x'}")
w("comment.json", "/* c */" + goodtxt)
w("nan.json", goodtxt.replace('{', '{"headcount": NaN, ', 1))
w("sets-status.json", with_("status", "closed"))
w("sets-id-traversal.json", with_("id", "../../../etc/passwd"))
w("unknown-field.json", with_("evil", "$(rm -rf /)"))
w("missing-everything.json", "{}")

# key files, from the fixture key (passphrase "fixture passphrase")
kt = open(os.path.join(fix, "keys", "xfa.key")).read()
body = "".join(kt.splitlines()[1:-1])
blob = base64.b64decode(body)
def kw(name, data):
    if isinstance(data, str):
        data = data.encode()
    open(os.path.join(here, "keys", name), "wb").write(data)
def armor(b, label="XFA SECRET KEY"):
    s = base64.b64encode(b).decode()
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(s[i:i+70] for i in range(0, len(s), 70)), label)
kw("empty.key", "")
kw("truncated-armor.key", "\n".join(kt.splitlines()[:2]) + "\n")
kw("truncated-blob.key", armor(blob[:60]))
kw("trailing-bytes.key", armor(blob + b"\0\0\0\0"))
kw("wrong-magic.key", armor(b"sshkey\0\1" + blob[8:]))
kw("wrong-version.key", armor(blob[:7] + b"\x09" + blob[8:]))
kw("wrong-label.key", armor(blob, "OPENSSH PRIVATE KEY"))
kw("bad-base64.key", "-----BEGIN XFA SECRET KEY-----\n!!!!not base64!!!!\n-----END XFA SECRET KEY-----\n")
kw("text-after-end.key", kt + "trailing text\n")
kw("opslimit-huge.key", armor(blob[:8] + (2**40).to_bytes(8, "big") + blob[16:]))
kw("memlimit-huge.key", armor(blob[:16] + (2**50).to_bytes(8, "big") + blob[24:]))
kw("opslimit-zero.key", armor(blob[:8] + (0).to_bytes(8, "big") + blob[16:]))
t = bytearray(blob); t[-1] ^= 1
kw("tampered-ciphertext.key", armor(bytes(t)))
t = bytearray(blob); t[30] ^= 1
kw("tampered-salt.key", armor(bytes(t)))
kw("openssh-private.key", open(os.path.join(fix, "keys", "ed25519")).read())
kw("public-key.key", open(os.path.join(fix, "keys", "xfa.pub")).read())
kw("binary-garbage.key", bytes(range(256)) * 4)
