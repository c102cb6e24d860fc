"""COMMAND metadata of every registered command, checked as a whole.

Key specs must give the first/last/step and movablekeys COMMAND INFO
reports (recomputed here independently, with Redis's rule); COMMAND DOCS
must document the arguments of every command that takes some, in a tree
whose key arguments point at existing key specs and whose shape agrees with
the arity; and redis-cli must build its help and hints from it. The
per-command facts are compared with redis-server in tests/diff/scripts
(command_info.txt, command_docs*.txt, command_keys.txt).
"""

import json
import re
import shutil
import subprocess

import pytest

INF = float("inf")


def dec(v):
    """A reply with bytes decoded (map keys and values), sets as lists."""
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, dict):
        return {dec(k): dec(x) for k, x in v.items()}
    if isinstance(v, (list, set, frozenset)):
        return [dec(x) for x in v]
    return v


def command(r3, *args):
    return dec(r3.execute("COMMAND", *args))


def entries(info):
    """Every COMMAND INFO entry, subcommands included."""
    for e in info:
        yield e
        yield from entries(e[9] or [])


def legacy_range(specs):
    """(first, last, step, movable) from key specs, as Redis derives them."""
    def plain(k):
        return k["begin_search"]["type"] == "index" and k["find_keys"]["type"] == "range"
    if len(specs) == 1 and plain(specs[0]):
        k = specs[0]
        pos, rng = k["begin_search"]["spec"]["index"], k["find_keys"]["spec"]
        last = rng["lastkey"] if rng["lastkey"] < 0 else pos + rng["lastkey"]
        return pos, last, rng["keystep"], "incomplete" in k["flags"]
    first, last, prev, movable = None, 0, 0, False
    for k in specs:
        if not plain(k):
            movable = True
            continue
        pos, rng = k["begin_search"]["spec"]["index"], k["find_keys"]["spec"]
        if rng["keystep"] != 1 or (prev and prev != pos - 1):
            movable = True
            continue
        movable |= "incomplete" in k["flags"]
        first = pos if first is None else min(first, pos)
        end = rng["lastkey"] + pos if rng["lastkey"] >= 0 else rng["lastkey"]
        last = max(last % 2**32, end % 2**32)   # unsigned, as Redis: -1 wins
        last = last - 2**32 if last >= 2**31 else last
        prev = last
    if first is None:
        return 0, 0, 0, bool(specs)
    return first, last, 1, movable


def test_key_specs_give_the_legacy_range(r3):
    checked = 0
    for e in entries(command(r3)):
        name, flags, specs = e[0], e[2], list(e[8])
        first, last, step, movable = legacy_range(specs)
        assert (e[3], e[4], e[5]) == (first, last, step), name
        assert ("movablekeys" in flags) == movable, name
        for k in specs:
            kind = {"RO", "RW", "OW", "RM"} & set(k["flags"])
            assert len(kind) == 1 or (not kind and "not_key" in k["flags"]), name
        checked += 1
    assert checked > 150


def arg_count(arg):
    """(fewest, most) argv words an argument takes."""
    tok = 1 if "token" in arg else 0
    kids = [arg_count(k) for k in arg.get("arguments", [])]
    if arg["type"] == "oneof":
        lo, hi = min(k[0] for k in kids), max(k[1] for k in kids)
    elif arg["type"] == "block":
        lo, hi = sum(k[0] for k in kids), sum(k[1] for k in kids)
    else:
        lo = hi = 1 if arg["type"] != "pure-token" else 0
    lo, hi = lo + tok, hi + tok
    flags = arg.get("flags", [])
    if "multiple" in flags:
        hi = INF
    if "optional" in flags:
        lo = 0
    return lo, hi


# Redis documents these more loosely than their arity: every CLIENT KILL
# filter is optional in the tree, yet one is needed.
LOOSE_DOCS = {"client|kill"}


def all_docs(docs):
    for name, d in docs.items():
        yield name, d
        yield from all_docs(d.get("subcommands", {}))


def key_args(args):
    for a in args:
        if a["type"] == "key":
            yield a
        yield from key_args(a.get("arguments", []))


@pytest.mark.modis_only   # Redis 7.0 lacks GETKEYS's arguments (7.2 added them)
def test_docs_agree_with_arity_and_key_specs(r3):
    info = {e[0]: e for e in entries(command(r3))}
    checked = 0
    for name, d in all_docs(command(r3, "DOCS")):
        e = info[name]
        if d.get("subcommands"):
            continue    # a container: its subcommands document themselves
        words = abs(e[1]) - (2 if "|" in name else 1)
        args = d.get("arguments", [])
        if words > 0 and "syscmd" not in d.get("doc_flags", []):   # DEBUG has none
            assert args, "%s takes arguments but documents none" % name
        nspecs = len(e[8])
        for k in key_args(args):
            assert 0 <= k["key_spec_index"] < nspecs, name
        real = [k for k in e[8] if "not_key" not in k["flags"]]
        assert bool(real) <= bool(list(key_args(args))), name
        if not args or name in LOOSE_DOCS:
            continue
        lo = sum(arg_count(a)[0] for a in args)
        hi = sum(arg_count(a)[1] for a in args)
        assert lo == words, (name, lo, words)
        assert (hi == words) if e[1] > 0 else hi >= words, (name, hi, words)
        checked += 1
    assert checked > 100


@pytest.mark.modis_only   # display_text is Redis 7.2's
def test_display_text_on_every_plain_argument(r3):
    def walk(args, name):
        for a in args:
            if a["type"] in ("oneof", "block"):
                assert "display_text" not in a and a["arguments"], name
                walk(a["arguments"], name)
            else:
                assert a["display_text"], name
    for name, d in all_docs(command(r3, "DOCS")):
        walk(d.get("arguments", []), name)


def redis_cli(server, *args):
    cli = shutil.which("redis-cli")
    if not cli:
        pytest.skip("redis-cli is not installed")
    out = subprocess.run([cli, "-p", str(server.port)] + list(args), capture_output=True,
                         timeout=30, check=True)
    return out.stdout.decode()


@pytest.mark.modis_only
def test_redis_cli_reads_the_argument_tree(server):
    docs = json.loads(redis_cli(server, "--json", "COMMAND", "DOCS", "hset"))
    assert docs["hset"]["group"] == "hash"
    assert docs["hset"]["arguments"] == [
        {"name": "key", "type": "key", "display_text": "key", "key_spec_index": 0},
        {"name": "data", "type": "block", "flags": ["multiple"], "arguments": [
            {"name": "field", "type": "string", "display_text": "field"},
            {"name": "value", "type": "string", "display_text": "value"}]}]
    assert docs["hset"]["history"] == [["4.0.0", "Accepts multiple `field` and `value` arguments."]]


@pytest.mark.modis_only   # HEXPIRE is Redis 7.4's, BITOP DIFF 8.2's
@pytest.mark.parametrize("cmd, line", [
    ("hset", "HSET key field value [field value ...]"),
    ("set", "SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
            "PXAT unix-time-milliseconds|KEEPTTL]"),
    ("hexpire", "HEXPIRE key seconds [NX|XX|GT|LT] FIELDS numfields field [field ...]"),
    ("lmpop", "LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]"),
    ("del", "DEL key [key ...]"),
    ("scan", "SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]"),
    ("bitop", "BITOP AND|OR|XOR|NOT|DIFF|DIFF1|ANDOR|ONE destkey key [key ...]"),
    ("bitpos", "BITPOS key bit [start [end [BYTE|BIT]]]"),
    ("bitfield_ro", "BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]"),
    ("pfmerge", "PFMERGE destkey [sourcekey [sourcekey ...]]"),
])
def test_redis_cli_help(server, cmd, line):
    text = re.sub(r"\x1b\[[0-9;]*m", "", redis_cli(server, "help", cmd))
    assert line in text.splitlines()[1], text
