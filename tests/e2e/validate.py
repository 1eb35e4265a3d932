"""validate.py SCHEMAS ARCHIVE SCHEMA < paths: check each file at refs/heads/main
against SCHEMA with Python's jsonschema (an independent validator)."""
import json, os, subprocess, sys

import jsonschema

schemas_dir, archive, name = sys.argv[1:4]
store = {}
for root, _, files in os.walk(schemas_dir):
    for f in files:
        if f.endswith(".json"):
            rel = os.path.relpath(os.path.join(root, f), schemas_dir)
            with open(os.path.join(root, f), encoding="utf-8") as fh:
                store[rel] = json.load(fh)
schema = store[name]
resolver = jsonschema.RefResolver(base_uri="", referrer=schema, store=store)
validator = jsonschema.Draft7Validator(schema, resolver=resolver,
                                       format_checker=jsonschema.FormatChecker())
n = 0
for path in sys.stdin.read().split():
    blob = subprocess.run(["git", "--git-dir", archive, "show", "refs/heads/main:" + path],
                          check=True, capture_output=True).stdout
    doc = json.loads(blob.decode("utf-8"))
    errors = sorted(validator.iter_errors(doc), key=str)
    if errors:
        for e in errors:
            print(f"{path}: {list(e.absolute_path)}: {e.message}", file=sys.stderr)
        sys.exit(1)
    n += 1
if n == 0:
    sys.exit("no documents given")
print(f"{n} documents valid against {name}")
