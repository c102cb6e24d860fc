"""Reply trees for the differential runner's !tree and !docs lines.

A reply is turned into a tree that keeps every RESP type (bulk and status
strings, integers, nulls, arrays, sets, maps) but compares maps and sets as
unordered, as RESP3 defines them; arrays stay ordered. The reference tree
can then be patched with the documented Redis 7.4 facts a line spells out
(`=> PATH=JSON PATH+=JSON -PATH ...`), and !docs lines apply the rules that
turn a Redis 7.0 COMMAND DOCS reply into 7.4's shape (see
tests/diff/README.md). Only the Python standard library is used.
"""

import json
import re


class Bulk(str):
    """A bulk string (also used for map keys)."""


class Status(str):
    """A simple (status) string."""


class SetNode(list):
    """A RESP3 set: compared without order."""


class Raw:
    """Any other scalar (double, boolean, ...): compared by its raw bytes."""

    def __init__(self, raw):
        self.raw = raw

    def __eq__(self, other):
        return isinstance(other, Raw) and other.raw == self.raw

    def __repr__(self):
        return "Raw(%r)" % self.raw


class PatchError(Exception):
    """A patch that does not parse or does not apply."""


# ---------------------------------------------------------------- trees

def to_tree(reply):
    """Convert a run.Reply into a mutable tree."""
    k = reply.kind
    if reply.is_null():
        return None
    if k == b"$":
        return Bulk(reply.bulk_value().decode("utf-8", "surrogateescape"))
    if k == b"+":
        return Status(reply.raw[1:-2].decode("utf-8", "surrogateescape"))
    if k == b":":
        return int(reply.raw[1:-2])
    if k == b"%":
        ch = reply.children
        out = {}
        for i in range(0, len(ch), 2):
            key = to_tree(ch[i])
            if not isinstance(key, str):
                raise PatchError("map key is not a string: %r" % ch[i].raw)
            out[str(key)] = to_tree(ch[i + 1])
        return out
    if k == b"~":
        return SetNode(to_tree(c) for c in reply.children)
    if k == b"*":
        return [to_tree(c) for c in reply.children]
    return Raw(reply.raw)


def canon(t):
    """A hashable, order-normalised form of a tree, for comparison."""
    if isinstance(t, dict):
        return ("%", tuple(sorted((k, canon(v)) for k, v in t.items())))
    if isinstance(t, SetNode):
        return ("~", tuple(sorted((canon(x) for x in t), key=repr)))
    if isinstance(t, list):
        return ("*", tuple(canon(x) for x in t))
    if isinstance(t, Status):
        return ("+", str(t))
    if isinstance(t, Bulk):
        return ("$", str(t))
    if isinstance(t, Raw):
        return ("raw", t.raw)
    return (type(t).__name__, t)


def differences(a, b, path="", out=None, limit=8):
    """Paths where trees a (Modis) and b (reference) differ, for reports."""
    out = [] if out is None else out
    if len(out) >= limit or canon(a) == canon(b):
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in b:
                out.append("%s.%s: only modis has it" % (path, k))
            elif k not in a:
                out.append("%s.%s: missing in modis" % (path, k))
            else:
                differences(a[k], b[k], "%s.%s" % (path, k), out, limit)
        return out
    if (type(a) is list and type(b) is list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            differences(x, y, "%s.%d" % (path, i), out, limit)
        return out
    out.append("%s: modis %s, reference %s" % (path or ".", short(a), short(b)))
    return out


def short(t):
    """A compact repr of a subtree."""
    s = repr(canon(t))
    return s if len(s) < 120 else s[:117] + "..."


# ---------------------------------------------------------------- patches

OP_RE = re.compile(r"^([-~^]?)([^=+]+?)(?:(\+?=)(.*))?$", re.S)
MARKS = {"-": "del", "~": "unordered", "^": "drop"}


def from_json(v, key=None):
    """A tree from a JSON value: objects are maps, arrays arrays, strings
    bulk strings; "+text" is a status string ("++text" a bulk "+text"),
    {"~": [...]} a set, and under a "flags" or "doc_flags" key an array is
    a set of status strings (COMMAND DOCS's argument and doc flags)."""
    if isinstance(v, dict):
        if list(v) == ["~"]:
            return SetNode(from_json(x) for x in v["~"])
        return {k: from_json(x, k) for k, x in v.items()}
    if isinstance(v, list):
        if key in ("flags", "doc_flags"):
            return SetNode(Status(x) for x in v)
        return [from_json(x) for x in v]
    if isinstance(v, str):
        if v.startswith("++"):
            return Bulk(v[1:])
        if v.startswith("+"):
            return Status(v[1:])
        return Bulk(v)
    if v is None or isinstance(v, bool):
        raise PatchError("JSON null/true/false have no reply meaning here")
    return v


def parse_op(text):
    """(kind, [segments], tree-or-None) from one patch: PATH=JSON ("set"),
    PATH+=JSON ("add"), -PATH ("del"), ~PATH ("unordered": the array at
    PATH is compared without order on both sides), ^PATH ("drop": removed
    from both sides, for parts another line compares)."""
    m = OP_RE.match(text)
    if not m or (m.group(1) and m.group(3)) or (not m.group(1) and not m.group(3)):
        raise PatchError("bad patch %r: use PATH=JSON, PATH+=JSON, -PATH, ~PATH "
                         "or ^PATH" % text)
    segs = m.group(2).split(".")
    if not all(segs):
        raise PatchError("empty path segment in %r" % text)
    if m.group(1):
        return (MARKS[m.group(1)], segs, None)
    try:
        val = from_json(json.loads(m.group(4)), segs[-1])
    except ValueError as e:
        raise PatchError("bad JSON in %r: %s" % (text, e)) from None
    return ("add" if m.group(3) == "+=" else "set", segs, val)


def select(node, seg):
    """The child of node a path segment names: a map key, an array index,
    or "@name" for the array element that is the string name, a map whose
    "name" field is name, or an array (COMMAND INFO's) starting with it."""
    if isinstance(node, dict):
        if seg not in node:
            raise PatchError("no key %r" % seg)
        return seg
    if isinstance(node, list):
        if seg.startswith("@"):
            for i, x in enumerate(node):
                if ((isinstance(x, str) and x == seg[1:]) or
                        (isinstance(x, dict) and x.get("name") == seg[1:]) or
                        (isinstance(x, list) and x and x[0] == seg[1:])):
                    return i
            raise PatchError("no element named %r" % seg[1:])
        if seg.isdigit() and int(seg) < len(node):
            return int(seg)
    raise PatchError("cannot select %r" % seg)


def apply_op(tree, op):
    """Apply one parsed patch to tree in place. "set" replaces or adds a
    map key or replaces an element; "add" appends to the array or set at
    PATH; "del" and "drop" remove a key or element; "unordered" turns the
    array at PATH into a set."""
    kind, segs, val = op
    node = tree
    for seg in segs[:-1]:
        node = node[select(node, seg)]
    last = segs[-1]
    if kind == "add":
        target = node[select(node, last)]
        if not isinstance(target, list):
            raise PatchError("+= needs an array or set")
        target.append(val)
    elif kind == "set" and isinstance(node, dict):
        node[last] = val
    elif kind == "set":
        node[select(node, last)] = val
    elif kind == "unordered":
        where = select(node, last)
        node[where] = SetNode(node[where])
    else:
        del node[select(node, last)]


# ---------------------------------------------------------------- COMMAND DOCS

SUMMARY = Bulk("<summary: Redis 7.2 rewrote every summary>")


def each_doc(docs):
    """Every command doc map of a COMMAND DOCS tree, subcommands included."""
    if not isinstance(docs, dict):
        return
    for doc in docs.values():
        if isinstance(doc, dict):
            yield doc
            yield from each_doc(doc.get("subcommands"))


def add_display_text(args):
    """Redis 7.2+: every argument that is not a oneof or block has a
    display_text, its name unless the command says otherwise."""
    for a in args if isinstance(args, list) else ():
        if not isinstance(a, dict):
            continue
        if "arguments" in a:
            add_display_text(a["arguments"])
        elif "display_text" not in a and "name" in a:
            a["display_text"] = Bulk(a["name"])


def docs_rules(tree, reference, module):
    """The !docs normalisation: summaries masked on both sides; on the
    reference, display_text added and, when the script names one, the
    module that provides the commands."""
    for doc in each_doc(tree):
        if "summary" in doc:
            doc["summary"] = SUMMARY
        if reference:
            add_display_text(doc.get("arguments"))
            if module and "module" not in doc:
                doc["module"] = Bulk(module)
    return tree
