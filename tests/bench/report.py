#!/usr/bin/python3
"""report.py RESULTS.jsonl RESULTS.json - gather the benchmark's result lines
into one JSON file and print the human table (tests/bench/run.sh)."""
import json
import sys


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    rows.append({"step": "unparsed", "text": line})
    return rows


def pick(rows, step, **kw):
    return [r for r in rows if r.get("step") == step and
            all(r.get(k) == v for k, v in kw.items())]


def one(rows, step, **kw):
    got = pick(rows, step, **kw)
    return got[-1] if got else None


def ms(r, key="median_ms"):
    return "-" if r is None else "%.2f" % r[key]


def cpu(r):
    """median CPU time (user + system) per operation, when measured"""
    return "-" if r is None or "cpu_median_ms" not in r else "%.2f" % r["cpu_median_ms"]


def mb(r):
    return "-" if r is None or "maxrss_kb" not in r else "%.0f" % (r["maxrss_kb"] / 1024)


def ratio(a, b):
    if not a or not b:
        return "-"
    return "%.1fx" % (a / b)


def table(title, head, body):
    print("\n" + title)
    w = [max(len(str(x)) for x in col) for col in zip(head, *body)] if body else []
    if not body:
        print("  (nothing measured)")
        return
    fmt = "  " + "  ".join("%%-%ds" % n for n in w)
    print(fmt % tuple(head))
    for row in body:
        print(fmt % tuple(str(x) for x in row))


def summary(rows):
    out = {}
    m = one(rows, "machine") or {}
    out["machine"] = m
    sizes = sorted({r["size"] for r in rows if r.get("step") == "register"})
    writes = []
    for s in sizes:
        for via in ("library", "cli"):
            for f in (1, 0):
                reg = one(rows, "register", size=s, via=via, fsync=f)
                mov = one(rows, "move", size=s, via=via, fsync=f)
                if reg or mov:
                    writes.append([s, via, "on" if f else "off", ms(reg), ms(reg, "p99_ms"),
                                   ms(reg, "min_ms"), cpu(reg), ms(mov), ms(mov, "p99_ms"),
                                   ms(mov, "min_ms"), cpu(mov),
                                   max(mb(reg), mb(mov), key=lambda x: (x != "-", len(x), x)),
                                   (reg or mov)["n"]])
    table("Register / move one case (ms wall; cpu = median user+system CPU ms; library ="
          " in-process call, key already unlocked; cli = one `xfa` process incl. key unlock)",
          ["cases", "via", "fsync", "reg med", "reg p99", "reg min", "reg cpu", "move med",
           "move p99", "move min", "move cpu", "peak MB", "n"],
          writes)
    u = one(rows, "unlock")
    if u:
        print("  key unlock (Argon2id, xfa_key_load): median %.1f ms, p99 %.1f ms, cpu %s ms (n=%d)"
              % (u["median_ms"], u["p99_ms"], cpu(u), u["n"]))

    git = []
    for r in pick(rows, "git_commit"):
        s = r["size"]
        xs = [x for x in pick(rows, "register", via="cli", fsync=1)]
        near = min(xs, key=lambda x: abs(x["size"] - s)) if xs else None
        lib = [x for x in pick(rows, "register", via="library", fsync=1)]
        nlib = min(lib, key=lambda x: abs(x["size"] - s)) if lib else None
        mv = one(rows, "git_move", size=s)
        git.append([s, ms(r), ms(r, "p99_ms"), cpu(r), ms(mv),
                    "%s (at %s)" % (ms(near), near["size"]) if near else "-",
                    ratio(r["median_ms"], near["median_ms"] if near else None),
                    ratio(r["median_ms"], nlib["median_ms"] if nlib else None), mb(r)])
    table("Baseline: stock git add + git commit -S (gpg.format=ssh, ssh-keygen key), same"
          " number of case folders (ms)",
          ["cases", "git med", "git p99", "git cpu", "git 2nd ev", "xfa cli reg", "git/xfa cli",
           "git/xfa lib", "peak MB"], git)

    ed = sorted(pick(rows, "ed25519"), key=lambda r: r["threads"])
    edall = ed[-1] if ed else None
    fills = pick(rows, "fill")
    fb = []
    for r in fills:
        lim = edall["sign_per_s"] / 2 if edall else None
        fb.append([r.get("size", "-"), r["cases"], "%.1f" % r["seconds"],
                   "%.0f" % r["events_per_s"],
                   "%.0f" % lim if lim else "-",
                   "%.1f%%" % (100 * r["events_per_s"] / lim) if lim else "-", mb(r)])
    for r in pick(rows, "import"):
        lim = edall["sign_per_s"] / 2 if edall else None
        rate = r["events"] * 1e3 / r["median_ms"]
        fb.append(["xfa import", r["events"], "%.1f" % (r["median_ms"] / 1e3), "%.0f" % rate,
                   "%.0f" % lim if lim else "-",
                   "%.1f%%" % (100 * rate / lim) if lim else "-", mb(r)])
    table("Batch writes (fill: in-process, %s per pack, fsync off; xfa import: fsync on):"
          " events/s next to the Ed25519"
          " signing limit on all cores / 2 signatures per event"
          % (fills[0]["chunk"] if fills else "-"),
          ["to size", "events", "seconds", "events/s", "limit/s", "of limit", "peak MB"], fb)
    for r in ed:
        print("  Ed25519 (libsodium, 300 B) on %d thread(s): sign %.0f/s, verify %.0f/s"
              % (r["threads"], r["sign_per_s"], r["verify_per_s"]))

    vb = []
    gv = one(rows, "git_verify_commit")
    gl = one(rows, "git_log_show_signature")
    if gv:
        vb.append(["git verify-commit", "%.2f" % gv["median_ms"], "%.0f" % (1e3 / gv["median_ms"]),
                   mb(gv)])
    if gl:
        per = gl["median_ms"] / gl["commits"]
        vb.append(["git log --show-signature", "%.2f" % per, "%.0f" % (1e3 / per), mb(gl)])
    xv = one(rows, "xfa_verify")
    if xv:
        per = xv["median_ms"] / max(1, xv.get("events", 1))
        vb.append(["xfa verify (whole archive, %d events)" % xv.get("events", 0),
                   "%.3f" % per, "%.0f" % (1e3 / per), mb(xv)])
    bv = [r for r in rows if str(r.get("step", "")).startswith("verify:") and r.get("events_per_s")]
    for r in bv:
        vb.append(["tests/bench/verify (%s events, %s threads)" % (r.get("events"), r.get("threads")),
                   "%.3f" % (1e3 / r["events_per_s"]), "%.0f" % r["events_per_s"], mb(r)])
    if edall:
        vb.append(["Ed25519 verify limit, %d threads, 2 sigs/event" % edall["threads"],
                   "%.3f" % (2e3 / edall["verify_per_s"]), "%.0f" % (edall["verify_per_s"] / 2), "-"])
    table("Verification (per commit / event)", ["what", "ms each", "per second", "peak MB"], vb)
    for r in bv:
        if r.get("ratio") is not None:
            print("  tests/bench/verify: %.0f events/s = %.0f%% of the Ed25519 bound measured beside it"
                  " (%.0f verifications/s / 2)" % (r["events_per_s"], 100 * r["ratio"],
                                                   r.get("ed25519_verify_per_s", 0)))
    for r in pick(rows, "read_floor:read_floor"):
        print("  read floor (tests/bench/read_floor, %d commits, 1 thread): reading the %.1f objects"
              " each commit adds through libgit2 costs %.0f us, two Ed25519 verifications %.0f us;"
              " a verifier that did nothing else would reach %.0f%% of the bound"
              % (r["commits"], r["objects_per_commit"], r["read_us_per_commit"],
                 2 * r["ed25519_verify_us"], 100 * r["best_ratio"]))
    if gv and xv:
        per = xv["median_ms"] / max(1, xv.get("events", 1))
        print("  xfa verify is %.0fx faster per commit than git verify-commit" % (gv["median_ms"] / per))

    q = []
    for r in pick(rows, "list") + pick(rows, "show"):
        q.append([r["step"], r["size"], ms(r), ms(r, "p99_ms"), cpu(r), r["n"], r.get("failures", 0),
                  mb(r)])
    table("Queries (one `xfa` process, ms)",
          ["what", "cases", "median", "p99", "cpu", "n", "failed", "peak MB"], q)

    ex = []
    for r in pick(rows, "export:export"):
        ex.append(["xfa export", "%.0f" % r["mb"], "%.1f" % r["export_mb_per_s"],
                   "%.1f" % r["sha256_mb_per_s"],
                   "%.0f%%" % (100 * r["export_mb_per_s"] / r["sha256_mb_per_s"]), mb(r)])
        ex.append(["xfa verify-export", "%.0f" % r["mb"], "%.1f" % r["verify_export_mb_per_s"],
                   "%.1f" % r["sha256_mb_per_s"],
                   "%.0f%%" % (100 * r["verify_export_mb_per_s"] / r["sha256_mb_per_s"]), "-"])
    table("Export (tests/bench/export.c; SHA-256 of libsodium measured beside it)",
          ["what", "MB", "MB/s", "SHA-256 MB/s", "of SHA-256", "peak MB"], ex)
    sy = []
    for r in rows:
        if str(r.get("step", "")).startswith("sync:") and r.get("seconds"):
            sy.append([r["step"][5:], r.get("events", "-"), "%.1f" % float(r["seconds"]),
                       "%.0f" % (float(r["events"]) / float(r["seconds"])) if r.get("events") else "-",
                       r.get("result", "")])
    table("Sync (tests/bench/sync.sh: xfa sync through a bare county repository, incl. key unlock)",
          ["step", "events", "seconds", "events/s", "result"], sy)
    other = [r for r in rows if ":" in str(r.get("step", "")) and
             not str(r.get("step", "")).startswith(("verify:", "export:", "sync:", "read_floor:"))]
    if other:
        print("\nOther programs in tests/bench/")
        for r in other:
            print("  " + json.dumps(r, ensure_ascii=False))
    for r in pick(rows, "note"):
        print("  note: " + r["text"])
    if m:
        print("\nMachine: %s x %s, Linux %s; git %s, %s, libgit2 %s, libsodium %s%s"
              % (m.get("nproc"), m.get("cpu"), m.get("kernel"), m.get("git"), m.get("openssh"),
                 m.get("libgit2"), m.get("libsodium"), " (quick run)" if m.get("quick") else ""))
        loads = [m.get("loadavg")] + [r.get("loadavg") for r in pick(rows, "size")]
        print("Load average (1/5/15 min) at start and after each size: %s"
              % "; ".join(x for x in loads if x))
    return out


def main():
    rows = load(sys.argv[1])
    summary(rows)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump({"format": 1, "machine": one(rows, "machine"), "results": rows}, f,
                  ensure_ascii=False, indent=1)
        f.write("\n")
    print("\nresults: %s" % sys.argv[2])


if __name__ == "__main__":
    main()
