#!/usr/bin/python3
"""Generate docs/commands.md: the command coverage table.

    /usr/bin/python3 tools/gen-commands-doc.py [-o docs/commands.md]
        [--modis host/modis-server] [--conf modis.conf] [--redis redis-server]

What it does:
 1. starts the built modis-server (default config: every module loaded) on a
    free port and reads COMMAND DOCS (RESP3), which gives every command and
    subcommand with its group, "since" and, for module commands, the module;
 2. starts the local redis-server (Debian's 7.0) the same way and reads its
    COMMAND DOCS, then adds the commands Redis 7.2 and 7.4 introduced
    (REDIS_72_74 below) to get the Redis 7.4 reference list;
 3. finds each Modis command's handler in the sources (host/*.c, cluster/*.c,
    persist/*.c, modules/*/*.c) to fill the "implemented in" column;
 4. scans tests/integration/*.py (string literals and redis-py client calls)
    and tests/diff/scripts/*.txt (the command word of each line) for each
    command to fill the "tests" column;
 5. writes one table per command group.

Status: "yes" (Modis has it), "missing" (Redis 7.4 has it, Modis does not),
"modis" (Modis only). Sentinel commands are out of scope. Only the Python
standard library is needed.
"""

import argparse
import collections
import io
import os
import re
import sys
import tokenize

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

from modis_helpers import RespClient, Server  # noqa: E402

# Commands and subcommands added in Redis 7.2 and 7.4 (absent from the 7.0
# reference server): name -> (group, since, summary).
REDIS_72_74 = {
    "client|no-touch": ("connection", "7.2.0",
                        "Controls whether commands sent by the client affect the LRU/LFU of "
                        "accessed keys."),
    "client|setinfo": ("connection", "7.2.0", "Sets information specific to the client or "
                                              "connection."),
    "cluster|myshardid": ("cluster", "7.2.0", "Returns the shard ID of a node."),
    "waitaof": ("generic", "7.2.0", "Blocks until all of the preceding write commands sent "
                                    "by the connection are written to the append-only file "
                                    "of the master and/or replicas."),
    "hexpire": ("hash", "7.4.0", "Set expiry for hash field using relative time to expire "
                                 "(seconds)"),
    "hpexpire": ("hash", "7.4.0", "Set expiry for hash field using relative time to expire "
                                  "(milliseconds)"),
    "hexpireat": ("hash", "7.4.0", "Set expiry for hash field using an absolute Unix "
                                   "timestamp (seconds)"),
    "hpexpireat": ("hash", "7.4.0", "Set expiry for hash field using an absolute Unix "
                                    "timestamp (milliseconds)"),
    "httl": ("hash", "7.4.0", "Returns the TTL in seconds of a hash field."),
    "hpttl": ("hash", "7.4.0", "Returns the TTL in milliseconds of a hash field."),
    "hexpiretime": ("hash", "7.4.0", "Returns the expiration time of a hash field as a Unix "
                                     "timestamp, in seconds."),
    "hpexpiretime": ("hash", "7.4.0", "Returns the expiration time of a hash field as a Unix "
                                      "timestamp, in msec."),
    "hpersist": ("hash", "7.4.0", "Removes the expiration time for each specified field"),
}

GROUP_ORDER = ["string", "hash", "list", "set", "sorted-set", "stream", "hyperloglog", "geo",
               "bitmap", "generic", "transactions", "scripting", "pubsub", "connection",
               "server", "cluster", "sentinel", "module"]

# redis-py client objects in the integration tests
CLIENT_NAMES = {"r", "r2", "r3", "rr", "client", "c", "c1", "c2", "c3", "conn", "tx", "pipe",
                "other", "victim", "victim2", "redis"}
# redis-py method names that are not the command name
PY_ALIASES = {"delete": "del", "object": "object", "execute_command": None}


def text(v):
    """Bytes -> str, recursively; RESP2 flat pairs stay lists."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, list):
        return [text(x) for x in v]
    if isinstance(v, dict):
        return {text(k): text(x) for k, x in v.items()}
    return v


def as_map(v):
    if isinstance(v, dict):
        return v
    return dict(zip(v[0::2], v[1::2]))


def command_docs(binary, conf):
    """{name: {group, since, summary, module}} for every command and
    subcommand ("client|no-touch") the server knows."""
    srv = Server(conf=conf, binary=binary).start()
    try:
        c = RespClient(srv.port, proto=3)
        try:
            docs = as_map(text(c.execute("COMMAND", "DOCS")))
            version = text(c.execute("INFO", "server"))
        finally:
            c.close()
    finally:
        srv.stop()
    out = {}

    def add(name, d):
        d = as_map(d)
        out[name.lower()] = {"group": d.get("group", "module"), "since": d.get("since", ""),
                             "summary": d.get("summary", ""), "module": d.get("module")}
        for sub, sd in as_map(d.get("subcommands", {})).items():
            add(sub, sd)

    for name, d in docs.items():
        add(name, d)
    m = re.search(r"redis_version:(\S+)", version)
    return out, m.group(1) if m else "?"


def source_files():
    for d in ["host", "persist", "cluster"] + ["modules/" + m for m in sorted(os.listdir(os.path.join(REPO, "modules")))]:
        full = os.path.join(REPO, d)
        if not os.path.isdir(full):
            continue
        for f in sorted(os.listdir(full)):
            if f.endswith(".c"):
                yield os.path.join(d, f)


ARRAY_RE = re.compile(r"md_command_t\s+([a-z0-9_]+)\[\]\s*=\s*\{")


def split_entries(body):
    """Split a command array's body into top-level {...} entries (macro
    entries such as SUB(...)/CMD(...) count as one each)."""
    out, depth, start = [], 0, None
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == '"':  # skip string literals
            j = i + 1
            while j < len(body) and body[j] != '"':
                j += 2 if body[j] == "\\" else 1
            i = j + 1
            continue
        if ch in "({":
            if depth == 0:
                start = i
            depth += 1
        elif ch in ")}":
            depth -= 1
            if depth == 0 and start is not None:
                head = body[max(0, start - 8):start]
                out.append(head + body[start:i + 1])
                start = None
        i += 1
    return out


def parse_entry(e):
    """(name, handler, subcommands array) of one declaration, or None."""
    m = re.search(r'\.name\s*=\s*"([^"]+)"', e)
    if m:
        h = re.search(r"\.handler\s*=\s*([A-Za-z0-9_]+)", e)
        sub = re.search(r"\.subcommands\s*=\s*([A-Za-z0-9_]+)", e)
        return m.group(1), h.group(1) if h else None, sub.group(1) if sub else None
    m = re.search(r'\b[A-Z_]+\(\s*"([^"]+)"\s*,\s*([A-Za-z0-9_]+)', e)
    if m:
        return m.group(1), m.group(2), None
    return None


def handler_index():
    """Parse every md_command_t array of the sources.

    Returns (arrays, defs): arrays = {(file, array): {name: (handler, subs)}},
    defs = {handler function: file}."""
    arrays = {}
    defs = {}
    for rel in source_files():
        with open(os.path.join(REPO, rel), encoding="utf-8", errors="replace") as f:
            src = f.read()
        for m in re.finditer(r"^(?:static\s+)?int\s+([a-z0-9_]+)\s*\(\s*md_ctx_t\s*\*", src,
                             re.M):
            defs.setdefault(m.group(1), rel)
        for m in ARRAY_RE.finditer(src):
            end = src.find("\n};", m.end())
            body = src[m.end():end if end >= 0 else len(src)]
            decls = {}
            for e in split_entries(body):
                d = parse_entry(e)
                if d:
                    decls[d[0].lower()] = (d[1], d[2])
            arrays[(rel, m.group(1))] = decls
    return arrays, defs


def where(name, info, index):
    """The source file that implements `name` ("parent|sub" for a
    subcommand): the file defining its handler, else its declaration's."""
    arrays, defs = index
    module = info.get("module")
    sub_names = {s for decls in arrays.values() for (_, s) in decls.values() if s}

    def in_scope(f):
        if module:
            return f.startswith("modules/%s/" % module)
        return f.startswith(("host/", "persist/", "cluster/"))

    parts = name.split("|")
    hits = []
    for (f, arr), decls in arrays.items():
        if arr in sub_names or not in_scope(f) or parts[0] not in decls:
            continue
        hits.append((f, decls[parts[0]]))
    if not hits:
        return "modules/%s/" % module if module else "?"
    f, (handler, subs) = hits[0]
    if len(parts) == 2:
        decls = arrays.get((f, subs), {})
        if parts[1] not in decls:
            return f
        handler = decls[parts[1]][0]
    return defs.get(handler, f)


# ---- tests column ----

def py_mentions(path, names):
    """Commands (full names) a Python test file refers to."""
    with open(path, encoding="utf-8") as f:
        src = f.read()
    found = set()
    toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    literals = []
    for i, t in enumerate(toks):
        if t.type == tokenize.STRING:
            try:
                v = eval(t.string, {}, {})  # a literal: safe
            except Exception:
                continue
            if isinstance(v, bytes):
                v = v.decode("latin-1")
            literals.append((i, v))
        # client.method(
        if (t.type == tokenize.NAME and i >= 2 and toks[i - 1].string == "." and
                toks[i - 2].string in CLIENT_NAMES and i + 1 < len(toks) and
                toks[i + 1].string == "("):
            meth = t.string.lower()
            if meth in PY_ALIASES:
                meth = PY_ALIASES[meth]
                if meth is None:
                    continue
            if meth in names:
                found.add(meth)
            elif "_" in meth:
                parent, sub = meth.split("_", 1)
                full = "%s|%s" % (parent, sub.replace("_", "-"))
                if full in names:
                    found.add(full)
                    found.add(parent)
    # string literals: "GET", "CLIENT NO-TOUCH", ("CLIENT", "NO-TOUCH")
    for k, (i, v) in enumerate(literals):
        words = v.replace("\r\n", " ").split()
        if not words or len(v) > 200:
            continue
        w0 = words[0].lower()
        if w0 not in names:
            continue
        found.add(w0)
        sub = None
        if len(words) > 1:
            sub = words[1].lower()
        elif k + 1 < len(literals) and literals[k + 1][0] <= i + 2:
            nxt = literals[k + 1][1].split()
            sub = nxt[0].lower() if nxt else None
        if sub and "%s|%s" % (w0, sub) in names:
            found.add("%s|%s" % (w0, sub))
    return found


DIFF_PREFIX = re.compile(r"^(?:!(?:sorted|type|scanall|documented|ignore)\s+)+", re.I)


def diff_mentions(path, names):
    found = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            line = DIFF_PREFIX.sub("", line)
            if line.startswith("!"):
                continue  # a directive (!resp3, !sleep, !requires)
            words = line.split()
            w0 = words[0].lower().strip("\"'")
            if w0 not in names:
                continue
            found.add(w0)
            if len(words) > 1:
                full = "%s|%s" % (w0, words[1].lower().strip("\"'"))
                if full in names:
                    found.add(full)
    return found


def test_index(names):
    idx = collections.defaultdict(list)
    it_dir = os.path.join(REPO, "tests", "integration")
    for f in sorted(os.listdir(it_dir)):
        if f.startswith("test_") and f.endswith(".py"):
            for n in py_mentions(os.path.join(it_dir, f), names):
                idx[n].append(f[len("test_"):-3])
    diff_dir = os.path.join(REPO, "tests", "diff", "scripts")
    for f in sorted(os.listdir(diff_dir)):
        if f.endswith(".txt"):
            for n in diff_mentions(os.path.join(diff_dir, f), names):
                idx[n].append("diff:" + f[:-4])
    return idx


# ---- output ----

def display(name):
    return " ".join(w.upper() for w in name.split("|"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=os.path.join(REPO, "docs", "commands.md"))
    ap.add_argument("--modis", default=os.environ.get("MODIS_SERVER") or
                    os.path.join(os.environ.get("MODIS_BUILDDIR", REPO), "host", "modis-server"))
    ap.add_argument("--conf", default=os.path.join(os.environ.get("MODIS_BUILDDIR", REPO),
                                                   "modis.conf"))
    ap.add_argument("--redis", default="redis-server")
    args = ap.parse_args()

    redis_bin = args.redis
    if os.sep not in redis_bin:
        for d in os.environ.get("PATH", "/usr/bin").split(os.pathsep):
            if os.path.exists(os.path.join(d, redis_bin)):
                redis_bin = os.path.join(d, redis_bin)
                break
    modis, _ = command_docs(args.modis, args.conf)
    redis, redis_version = command_docs(redis_bin, None)
    ref = dict(redis)
    for name, (group, since, summary) in REDIS_72_74.items():
        ref.setdefault(name, {"group": group, "since": since, "summary": summary,
                              "module": None})

    names = set(modis) | set(ref)
    index = handler_index()
    tests = test_index(names)

    rows = collections.defaultdict(list)
    counts = collections.Counter()
    for name in sorted(names, key=lambda n: (n.split("|")[0], "|" in n, n)):
        info = modis.get(name) or ref[name]
        parent = name.split("|")[0] if "|" in name else None
        group = info["group"] or "module"
        if parent and parent in modis and name not in modis:
            group = modis[parent]["group"]
        if name in modis and name in ref:
            status = "yes"
        elif name in modis:
            status = "modis"
        else:
            status = "missing"
        kind = "sub" if parent else "top"
        counts[(kind, status)] += 1
        if name in modis:
            impl = where(name, modis[name], index)
            if modis[name].get("module"):
                impl = "%s (%s.so)" % (impl, modis[name]["module"])
        else:
            impl = ""
        t = ", ".join(sorted(set(tests.get(name, [])))) if name in modis else ""
        rows[group].append((display(name), impl, status, t, info.get("since") or ""))

    out = []
    w = out.append
    w("# Command coverage")
    w("")
    w("Generated by `tools/gen-commands-doc.py` from the built server's `COMMAND DOCS`;")
    w("do not edit by hand. The reference list is the local redis-server %s's"
      % redis_version)
    w("`COMMAND DOCS` plus the commands Redis 7.2 and 7.4 added (CLIENT NO-TOUCH,")
    w("CLIENT SETINFO, CLUSTER MYSHARDID, WAITAOF, the HEXPIRE family).")
    w("")
    w("Status: **yes** = implemented; **missing** = in Redis 7.4, not in Modis yet;")
    w("**modis** = Modis only. *Implemented in* is the file holding the handler")
    w("(and the module's `.so` for module commands). *Tests* lists the integration")
    w("suites (`tests/integration/test_NAME.py`) and differential scripts")
    w("(`diff:NAME` = `tests/diff/scripts/NAME.txt`) that mention the command")
    w("(found by scanning string literals, redis-py calls and script lines).")
    w("")
    top_yes = counts[("top", "yes")]
    top_ref = top_yes + counts[("top", "missing")]
    sub_yes = counts[("sub", "yes")]
    sub_ref = sub_yes + counts[("sub", "missing")]
    w("| | implemented | Redis 7.4 | missing | Modis only |")
    w("|---|---|---|---|---|")
    w("| commands | %d | %d | %d | %d |" % (top_yes, top_ref, counts[("top", "missing")],
                                           counts[("top", "modis")]))
    w("| subcommands | %d | %d | %d | %d |" % (sub_yes, sub_ref, counts[("sub", "missing")],
                                              counts[("sub", "modis")]))
    w("")
    groups = sorted(rows, key=lambda g: (GROUP_ORDER.index(g) if g in GROUP_ORDER
                                         else len(GROUP_ORDER), g))
    for g in groups:
        n_yes = sum(1 for r in rows[g] if r[2] != "missing")
        w("## %s (%d of %d)" % (g, n_yes, len(rows[g])))
        w("")
        w("| command | implemented in | status | tests |")
        w("|---|---|---|---|")
        for disp, impl, status, t, since in rows[g]:
            s = "**missing**" if status == "missing" else status
            w("| %s | %s | %s | %s |" % (disp, "`%s`" % impl if impl else "", s, t))
        w("")
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as f:
        f.write("\n".join(out))
    print("wrote %s: %d/%d commands, %d/%d subcommands" % (args.output, top_yes, top_ref,
                                                         sub_yes, sub_ref))


if __name__ == "__main__":
    main()
