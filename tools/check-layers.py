#!/usr/bin/python3
"""Check the include rules of docs/architecture.md section 2 ("Layers").

    /usr/bin/python3 tools/check-layers.py

Reads the #include lines of host/, persist/, the modules (modules/, the
example in sdk/examples/, the test modules in tests/modules/) and checks:

  1. every host/ and persist/ file belongs to one group of GROUPS below
     (a new file is added there and to the file list of the document);
  2. a file includes only headers of its own group, of the base layer, and
     of the groups its group `uses`; a group uses only groups of lower
     layers, or, inside the subsystem layer, other subsystems;
  3. a header a group keeps `internal` is included only by that group;
  4. no include cycle: between groups, and between files (a .c with its
     .h, and X_internal.h with X, count as one node);
  5. a module includes only the SDK header (modis.h) and files of its own
     directory.

Each rule reports the file and the include that break it, and the cycles
it finds; the last line is "N passed, M failed" (one count per rule), as
make check and tests/run-all.sh expect. Exit status 1 when a rule fails.
Only the Python standard library is used.
"""

import fnmatch
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# The layers, bottom first. A group of layer L may include the base layer,
# its own files, and the groups listed in its `uses` (which must be of a
# lower layer, or other subsystems); "*" = every group of a lower layer.
LAYERS = ["base", "core", "subsystem", "sdk", "top"]

# Files are matched by path without extension (a .c and its .h together).
GROUPS = {
    # Layer 0: knows nothing of connections, commands or subsystems.
    "base": {
        "layer": "base",
        "files": ["host/util", "host/mem", "host/log", "host/server", "host/sdk_host",
                  "host/ks", "host/ks_hooks", "host/ptrset", "host/types", "host/kmap",
                  "host/proc", "host/log_syslog",
                  "host/lazyfree", "host/digest", "host/listpack", "host/resp", "host/reply", "host/words",
                  "host/dtoa", "host/rev_cursor", "host/events", "host/reply_tree", "host/htstats",
                  "host/lathist",
                  "persist/rdb_io", "persist/crc64"],
        "uses": [],
    },
    # Layer 1: connections and the command table.
    "core": {
        "layer": "core",
        "files": ["host/net", "host/client", "host/conn", "host/conn_tls", "host/cmd",
                  "host/cmd_docs", "host/cmd_keyspecs"],
        "uses": [],
    },
    # Layer 2: subsystems, each reaching the others through their headers.
    "notify": {"layer": "subsystem", "files": ["host/notify"], "uses": []},
    "propagate": {"layer": "subsystem", "files": ["host/propagate"], "uses": []},
    "expire": {"layer": "subsystem", "files": ["host/expire"],
               "uses": ["latency", "notify", "propagate"]},
    "evict": {"layer": "subsystem", "files": ["host/evict"],
              "uses": ["expire", "latency", "notify"]},
    "pubsub": {"layer": "subsystem", "files": ["host/pubsub"], "uses": ["core", "notify"]},
    "slowlog": {"layer": "subsystem", "files": ["host/slowlog"], "uses": []},
    "latency": {"layer": "subsystem", "files": ["host/latency"], "uses": []},
    "monitor": {"layer": "subsystem", "files": ["host/monitor"], "uses": ["core"]},
    "pause": {"layer": "subsystem", "files": ["host/pause"], "uses": ["core"]},
    "tracking": {"layer": "subsystem", "files": ["host/tracking"], "uses": ["core", "notify"]},
    "multi": {"layer": "subsystem", "files": ["host/multi"], "uses": ["core", "notify"]},
    "blocking": {"layer": "subsystem", "files": ["host/blocking"], "uses": ["core", "multi"]},
    "persist": {
        "layer": "subsystem",
        "files": ["persist/*"],
        "uses": ["notify", "propagate"],
        "internal": ["persist/aof_internal.h", "persist/aof_load.h", "persist/aof_bio.h",
                     "persist/aof_manifest.h"],
    },
    "acl": {"layer": "subsystem",
            "files": ["host/acl", "host/acl_internal", "host/acl_check", "host/acl_log",
                      "host/acl_file", "host/acl_cmd"],
            "uses": ["core", "multi", "pubsub"],
            "internal": ["host/acl_internal.h"]},
    "config": {"layer": "subsystem",
               "files": ["host/config", "host/config_host", "host/config_param", "host/config_rewrite"],
               "internal": ["host/config_param.h"],
               "uses": ["acl", "core", "modules", "notify", "persist", "repl"]},
    "modules": {"layer": "subsystem",
                "files": ["host/module", "host/module_rdb", "host/module_upgrade",
                          "host/module_internal"],
                "internal": ["host/module_internal.h"],
                "uses": ["core", "blocking", "persist"]},
    "info": {"layer": "subsystem", "files": ["host/info"],
             "uses": ["core", "blocking", "config", "modules", "pause", "persist", "pubsub",
                      "repl", "tracking"]},
    # Replication (cluster/): the ids and offsets, the backlog, the primary
    # side; its commands are in the top layer.
    "repl": {"layer": "subsystem",
             "files": ["cluster/repl", "cluster/repl_state", "cluster/repl_backlog", "cluster/repl_primary",
                       "cluster/repl_replica", "cluster/repl_fullsync",
                       "cluster/repl_link", "cluster/repl_wait", "cluster/repl_failover"],
             "uses": ["core", "blocking", "pause", "persist", "propagate"],
             "internal": ["cluster/repl_replica.h"]},
    # Layer 3: the SDK implementation, one file per section of modis.h.
    "sdk": {"layer": "sdk", "files": ["host/sdk_*"], "uses": ["*"]},
    # Layer 4: command handlers, the dispatcher, start-up and the wiring.
    "top": {
        "layer": "top",
        "files": ["host/cmd_*", "host/hostcmds", "host/dispatch", "host/call", "host/shutdown",
                  "host/hooks", "host/main", "host/crash", "host/redact", "host/script",
                  "host/script_conv", "host/script_lib", "host/function", "host/script_libs", "host/script_msgpack",
                  "host/script_struct", "cluster/repl_cmds"],
        "uses": ["*"],
    },
}

# Where the modules are: each directory holding a .c below these.
MODULE_ROOTS = ["modules", "sdk/examples", "tests/modules"]
SDK_HEADER = "sdk/modis.h"

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def node_of(path):
    """The file-cycle node: the path without extension and _internal."""
    base = os.path.splitext(path)[0]
    return base[:-len("_internal")] if base.endswith("_internal") else base


def group_of(path):
    """The group a host/ or persist/ file belongs to, or None."""
    stem = os.path.splitext(path)[0]
    hits = []
    for name, g in GROUPS.items():
        exact = any(stem == p for p in g["files"])
        wild = any(fnmatch.fnmatchcase(stem, p) for p in g["files"] if "*" in p)
        if exact or wild:
            hits.append((exact, name))
    if not hits:
        return None
    hits.sort(reverse=True)  # an exact name wins over a pattern
    return hits[0][1]


def read_includes(path):
    """(kind, name) of each #include of a file: kind '"' or '<'."""
    with open(os.path.join(REPO, path), encoding="utf-8", errors="replace") as f:
        return INCLUDE.findall(f.read())


def resolve(src, name, known):
    """The repository path a quoted include names (as the build's -I
    flags find it: the file's directory, the top, host/, sdk/)."""
    for cand in (os.path.join(os.path.dirname(src), name), name,
                 os.path.join("host", name), os.path.join("sdk", name)):
        cand = os.path.normpath(cand)
        if cand in known:
            return cand
    return None


def source_files(roots):
    out = []
    for root in roots:
        for d, _, names in os.walk(os.path.join(REPO, root)):
            for n in names:
                if n.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(d, n), REPO))
    return sorted(out)


def allowed_groups(name):
    """The groups a group may include besides its own and the base."""
    g = GROUPS[name]
    if g["uses"] == ["*"]:
        top = LAYERS.index(g["layer"])
        return {n for n, o in GROUPS.items() if LAYERS.index(o["layer"]) < top}
    return set(g["uses"])


def sccs(nodes, edges):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


class Report:
    def __init__(self):
        self.passed = self.failed = 0
        self.problems = []

    def rule(self, title, problems):
        if problems:
            self.failed += 1
            print("FAIL: %s" % title)
            for p in problems:
                print("  " + p)
        else:
            self.passed += 1
            print("ok: %s" % title)


def check_table():
    """The table itself: known layers and groups, uses pointing down."""
    problems = []
    for name, g in GROUPS.items():
        if g["layer"] not in LAYERS:
            problems.append("group %s: unknown layer %s" % (name, g["layer"]))
            continue
        for u in g["uses"]:
            if u == "*":
                continue
            if u not in GROUPS:
                problems.append("group %s uses unknown group %s" % (name, u))
                continue
            lu, lg = LAYERS.index(GROUPS[u]["layer"]), LAYERS.index(g["layer"])
            if lu > lg or (lu == lg and g["layer"] != "subsystem"):
                problems.append("group %s (%s) may not use %s (%s): layers point down"
                                % (name, g["layer"], u, GROUPS[u]["layer"]))
    declared = {n: set(u for u in g["uses"] if u in GROUPS) for n, g in GROUPS.items()}
    for comp in sccs(set(GROUPS), declared):
        problems.append("the table declares a cycle: " + " <-> ".join(comp))
    return problems


def host_edges(files):
    """(src, header, src group, header group) for every resolved include."""
    known = set(files) | {SDK_HEADER}
    out = []
    for f in files:
        for kind, name in read_includes(f):
            if kind != '"':
                continue
            h = resolve(f, name, known)
            if h and h != SDK_HEADER:
                out.append((f, h, group_of(f), group_of(h)))
    return out


def check_membership(files):
    return ["%s: in no group of tools/check-layers.py (add it there and to the file list of "
            "docs/architecture.md)" % f for f in files if group_of(f) is None]


def check_direction(edges):
    problems = []
    for src, hdr, gs, gh in edges:
        if gs is None or gh is None or gs == gh or gh == "base":
            continue
        if gh not in allowed_groups(gs):
            problems.append("%s includes %s: group '%s' (%s) may not include group '%s' (%s)"
                            % (src, hdr, gs, GROUPS[gs]["layer"], gh, GROUPS[gh]["layer"]))
    return problems


def check_internal(edges):
    problems = []
    for src, hdr, gs, gh in edges:
        if gh and gs != gh and hdr in GROUPS[gh].get("internal", []):
            problems.append("%s includes %s: a header internal to group '%s'" % (src, hdr, gh))
    return problems


def check_cycles(edges):
    problems = []
    gedges, fedges, fnodes = {}, {}, set()
    for src, hdr, gs, gh in edges:
        a, b = node_of(src), node_of(hdr)
        fnodes.update((a, b))
        if a != b:
            fedges.setdefault(a, set()).add(b)
        if gs and gh and gs != gh:
            gedges.setdefault(gs, set()).add(gh)
    for comp in sccs(set(GROUPS), gedges):
        problems.append("groups in a cycle: " + " <-> ".join(comp))
    for comp in sccs(fnodes, fedges):
        problems.append("files in a cycle (%d): %s" % (len(comp), " ".join(comp)))
    print("include cycles found: %d" % len(problems))
    return problems


def check_modules():
    problems = []
    for path in source_files(MODULE_ROOTS):
        mdir = os.path.dirname(path)
        for kind, name in read_includes(path):
            if kind == "<" and name != "modis.h":
                continue  # the C library and the system
            if name in ("modis.h", SDK_HEADER):
                continue
            target = os.path.normpath(os.path.join(mdir, name))
            if kind == '"' and os.path.dirname(target) == mdir and "/" not in name:
                continue
            problems.append("%s includes %s: a module includes only modis.h and its own "
                            "files" % (path, name))
    return problems


def main():
    files = source_files(["host", "persist", "cluster"])
    edges = host_edges(files)
    r = Report()
    r.rule("the group table points down", check_table())
    r.rule("every host/, persist/ and cluster/ file is in a group", check_membership(files))
    r.rule("includes follow the layers", check_direction(edges))
    r.rule("internal headers stay in their group", check_internal(edges))
    r.rule("no include cycles", check_cycles(edges))
    r.rule("modules include only modis.h", check_modules())
    print("%d passed, %d failed" % (r.passed, r.failed))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
