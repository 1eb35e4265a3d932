#!/usr/bin/python3
"""schemas_selftest.py - checks schemas/ with an independent validator
(python3-jsonschema): every *.schema.json is a valid draft-07 schema, every
sample case in tests/fixtures/cases/ is a valid case input, and every document
in tests/fixtures/invalid/ is rejected.

usage: schemas_selftest.py SCHEMA_DIR
"""
import datetime
import glob
import json
import os
import re
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")

# The C validator asserts these formats; assert them here by the same rules
# (archive/schema_pattern.c: schema_format_problem).
FORMATS = jsonschema.FormatChecker(formats=())
DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                       r"([Zz]|[+-](\d{2}):(\d{2}))$")


def _date(s):
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return False
    try:
        datetime.date(int(s[0:4]), int(s[5:7]), int(s[8:10]))
    except ValueError:
        return False
    return True


@FORMATS.checks("date")
def _check_date(s):
    return not isinstance(s, str) or _date(s)


@FORMATS.checks("date-time")
def _check_date_time(s):
    if not isinstance(s, str):
        return True
    m = DATE_TIME.match(s)
    if not m or not _date(m.group(1)):
        return False
    hh, mm, ss = int(m.group(2)), int(m.group(3)), int(m.group(4))
    oh = int(m.group(7) or 0)
    om = int(m.group(8) or 0)
    if hh > 23 or mm > 59 or ss > 60 or oh > 23 or om > 59:
        return False
    if ss == 60:
        sign = -1 if m.group(6)[0] == "-" else 1
        utc = (hh * 60 + mm - sign * (oh * 60 + om)) % 1440
        return utc == 23 * 60 + 59
    return True


@FORMATS.checks("email")
def _check_email(s):
    if not isinstance(s, str):
        return True
    at = s.find("@")
    return (at > 0 and at < len(s) - 1 and "@" not in s[at + 1:]
            and s[at + 1] != "." and not s.endswith(".")
            and not any(ord(ch) <= 0x20 or ord(ch) == 0x7f for ch in s))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 64
    root = sys.argv[1]
    passed = failed = 0

    def result(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL " + what)

    # Refs between files are relative names ("case.schema.json#/..."): resolve
    # them from a store of the local files keyed by their name below root.
    store = {}
    paths = sorted(glob.glob(os.path.join(root, "**", "*.schema.json"),
                             recursive=True))
    for path in paths:
        name = os.path.relpath(path, root)
        try:
            store[name] = load(path)
        except (OSError, ValueError) as e:
            result(False, "%s: %s" % (name, e))
    for name, schema in sorted(store.items()):
        try:
            jsonschema.Draft7Validator.check_schema(schema)
            ok = all(k in schema for k in ("$schema", "title", "description"))
            result(ok, "%s: valid draft-07 schema with $schema, title and "
                   "description" % name)
        except jsonschema.SchemaError as e:
            result(False, "%s: %s" % (name, e.message))

    def validator(name):
        resolver = jsonschema.RefResolver(base_uri=name, referrer=store[name],
                                          store=store)
        return jsonschema.Draft7Validator(store[name], resolver=resolver,
                                          format_checker=FORMATS)

    if "case-input.schema.json" not in store:
        result(False, "case-input.schema.json: missing")
        print("%d passed, %d failed" % (passed, failed))
        return 1
    case_input = validator("case-input.schema.json")
    case = validator("case.schema.json")
    for path in sorted(glob.glob(os.path.join(FIXTURES, "cases", "*.json"))):
        name = os.path.relpath(path, HERE)
        doc = load(path)
        errors = [e.message for e in case_input.iter_errors(doc)]
        result(not errors, "%s: valid case input %s" % (name, errors[:1]))
        # the stored form: what xfa adds at registration
        stored = dict(doc, id="XF-2026-%06d" % (passed + 1),
                      workflow="xinfang-2022", status="registered",
                      headcount=doc.get("headcount", len(doc["petitioners"])),
                      query_hash="0" * 64, extensions=0, attachments=[])
        errors = [e.message for e in case.iter_errors(stored)]
        result(not errors, "%s: valid as a stored case %s" % (name, errors[:1]))
    invalid = sorted(glob.glob(os.path.join(FIXTURES, "invalid", "*.json")))
    for path in invalid:
        name = os.path.relpath(path, HERE)
        result(not case_input.is_valid(load(path)),
               "%s: rejected as a case input" % name)
    result(len(invalid) >= 15, "at least 15 invalid fixtures")

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
