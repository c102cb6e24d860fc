"""Module unload safety (docs/architecture.md §6, "Unload safety").

Nothing may keep a pointer into an unloaded module. Every test here starts
its own server with the default configuration and walks the modules that
configuration loads (MODULE LIST, so modules added later are covered
without editing this file), newest first, so that a module is unloaded
only after the modules that may depend on it. For each module it creates
one kind of reference to one of the module's commands, unloads the module
and checks that the reference is harmless:

- a command queued in MULTI by another client (plain, and after WATCH):
  EXEC runs the rest of the transaction and answers the unloaded command's
  slot with the error for an unknown command;
- a client that queues MULTI / MODULE UNLOAD / <command> / EXEC itself;
- a queued command whose module was unloaded and loaded again: the queued
  reference is to the old command, which is gone;
- a client's last command, read back by CLIENT LIST and CLIENT INFO;
- a client blocked in one of the module's commands: the unload is refused,
  naming the reason, until the client is unblocked;
- command statistics: the module's commands leave INFO commandstats.

At the end every module is loaded again and must work. The ASan pass of
tests/run-all.sh runs this file against a server built with
--enable-asan, which turns any read of a freed command into a failure.
"""

import re
import time

import pytest

from modis_helpers import RespClient, ReplyError

pytestmark = pytest.mark.modis_only


def module_list(client):
    """[(name, path, args)] in load order."""
    out = []
    for entry in client.execute("MODULE", "LIST"):
        d = entry if isinstance(entry, dict) else dict(zip(entry[0::2], entry[1::2]))
        out.append((d[b"name"].decode(), d[b"path"].decode(), [a.decode() for a in d[b"args"]]))
    return out


def flag_set(info):
    return {f.decode() if isinstance(f, bytes) else f for f in info[2]}


def commands_of(client, module):
    """{name: (arity, flags)} of the module's top-level commands (COMMAND
    LIST names subcommands too, "xinfo|groups": those are left out)."""
    names = [n for n in client.execute("COMMAND", "LIST", "FILTERBY", "MODULE", module)
             if b"|" not in n]
    out = {}
    for info in client.execute("COMMAND", "INFO", *names):
        out[info[0].decode()] = (info[1], flag_set(info))
    return out


def pick_command(cmds, readonly=False):
    """A (name, args) of a non-blocking command with its minimum argument
    count; read-only when asked (running it creates no key)."""
    for name in sorted(cmds):
        arity, flags = cmds[name]
        if "blocking" in flags or (readonly and "readonly" not in flags):
            continue
        n = arity - 1 if arity > 0 else -arity - 1
        return name, ["x%d" % i for i in range(n)]
    return None


def unknown_error(name, args):
    """Redis's reply to a command nobody knows."""
    tail = "".join("'%s' " % a for a in args)
    return "ERR unknown command '%s', with args beginning with: %s" % (name, tail)


def unload_error(c, module):
    try:
        c.execute("MODULE", "UNLOAD", module)
    except ReplyError as e:
        return e.text
    return None


class Walk:
    """The started server, its modules (newest first) and a control client."""

    def __init__(self, start_server):
        self.srv = start_server()
        self.c = RespClient(self.srv.port)
        self.modules = list(reversed(module_list(self.c)))
        assert self.modules, "the default configuration loads no module"

    def client(self, proto=2):
        return RespClient(self.srv.port, proto=proto)

    def reload_all(self):
        """Load every module again, oldest first; each must answer."""
        for name, path, args in reversed(self.modules):
            if name not in [m[0] for m in module_list(self.c)]:
                assert self.c.execute("MODULE", "LOAD", path, *args) == "OK"
        assert [m[0] for m in module_list(self.c)] == [m[0] for m in reversed(self.modules)]
        for name, _, _ in self.modules:
            picked = pick_command(commands_of(self.c, name), readonly=True)
            if picked:
                try:
                    self.c.execute(picked[0], *picked[1])
                except ReplyError as e:
                    assert not e.text.startswith("ERR unknown command"), e.text
        assert self.c.execute("PING") == "PONG"

    def close(self):
        self.c.close()


@pytest.fixture
def walk(start_server):
    w = Walk(start_server)
    yield w
    w.close()


def queued_exec_case(walk, watch):
    """Client A queues a command of each module (and a host command after
    it), client B unloads the module, A's EXEC answers the unloaded
    command's slot with the unknown-command error and runs the rest."""
    exercised = 0
    for module, _, _ in walk.modules:
        picked = pick_command(commands_of(walk.c, module))
        if not picked:
            continue
        name, args = picked
        a = walk.client()
        if watch:
            assert a.execute("WATCH", "watched-key") == "OK"
        assert a.execute("MULTI") == "OK"
        assert a.execute(name, *args) == "QUEUED"
        assert a.execute("SET", "after", module) == "QUEUED"
        assert walk.c.execute("MODULE", "UNLOAD", module) == "OK"
        a.conn.send_command("EXEC")
        reply = a.conn.read_value()
        assert reply[0] == ReplyError(unknown_error(name, args))
        # SET still runs when the strings module is loaded; its own slot
        # is the unknown-command error when strings is the module unloaded.
        if module == "strings":
            assert reply[1] == ReplyError(unknown_error("SET", ["after", module]))
        else:
            assert reply[1] == "OK"
        assert walk.c.execute("FLUSHALL") == "OK"
        a.close()
        exercised += 1
    assert exercised
    walk.reload_all()


def test_exec_runs_after_another_client_unloaded_the_module(walk):
    queued_exec_case(walk, watch=False)


def test_exec_after_watch_when_the_module_was_unloaded(walk):
    queued_exec_case(walk, watch=True)


def test_unload_inside_the_transaction_itself(walk):
    """MULTI, MODULE UNLOAD m, <command of m>, EXEC from one client: the
    command was looked up while m was loaded; when EXEC reaches it, it is
    gone."""
    for module, _, _ in walk.modules:
        picked = pick_command(commands_of(walk.c, module))
        if not picked:
            continue
        name, args = picked
        a = walk.client()
        assert a.execute("MULTI") == "OK"
        assert a.execute("MODULE", "UNLOAD", module) == "QUEUED"
        assert a.execute(name, *args) == "QUEUED"
        assert a.execute("EXEC") == ["OK", ReplyError(unknown_error(name, args))]
        a.close()
    walk.reload_all()


def test_queued_command_of_a_reloaded_module_is_gone(walk):
    """A module unloaded and loaded again between MULTI and EXEC: the queued
    reference names the old command, which does not exist any more."""
    module, path, args = walk.modules[0]
    name, cargs = pick_command(commands_of(walk.c, module))
    a = walk.client()
    assert a.execute("MULTI") == "OK"
    assert a.execute(name, *cargs) == "QUEUED"
    assert walk.c.execute("MODULE", "UNLOAD", module) == "OK"
    assert walk.c.execute("MODULE", "LOAD", path, *args) == "OK"
    assert a.execute("EXEC") == [ReplyError(unknown_error(name, cargs))]
    a.close()


def client_fields(line):
    return dict(kv.split("=", 1) for kv in line.strip().split(" "))


def test_last_command_of_a_client_survives_the_unload(walk):
    """A client whose last command belonged to the module: CLIENT LIST and
    CLIENT INFO still print its name after the unload (the entry outlives
    its module as a name only), and the client keeps working."""
    clients = []
    for module, _, _ in walk.modules:
        picked = pick_command(commands_of(walk.c, module), readonly=True)
        if not picked:
            continue
        name, args = picked
        a = walk.client()
        my_id = a.execute("CLIENT", "ID")
        try:
            a.execute(name, *args)
        except ReplyError:
            pass  # an error reply still makes it the client's last command
        assert walk.c.execute("MODULE", "UNLOAD", module) == "OK"
        listing = walk.c.execute("CLIENT", "LIST", "ID", str(my_id)).decode()
        assert client_fields(listing)["cmd"] == name
        clients.append((a, my_id, name))
    assert clients
    for a, my_id, name in clients:
        info = walk.c.execute("CLIENT", "LIST", "ID", str(my_id)).decode()
        assert client_fields(info)["cmd"] == name
    for a, _, _ in clients:
        assert client_fields(a.execute("CLIENT", "INFO").decode())["cmd"] == "client|info"
        a.close()
    walk.reload_all()


# Argument shapes that block the common blocking commands on an empty key.
BLOCKING_SHAPES = [
    ["k", "0"],                          # BLPOP k 0, BZPOPMIN k 0
    ["k", "k2", "0"],                    # BRPOPLPUSH
    ["k", "k2", "LEFT", "LEFT", "0"],    # BLMOVE
    ["0", "1", "k", "LEFT"],             # BLMPOP
    ["0", "1", "k", "MIN"],              # BZMPOP
    ["BLOCK", "0", "STREAMS", "k", "$"],  # XREAD
]


def block_in(walk, name):
    """A client blocked in `name`, or None when no known shape blocks it."""
    for shape in BLOCKING_SHAPES:
        a = walk.client()
        a.conn.send_command(name, *shape)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            if walk.c.execute("INFO", "clients").decode().find("blocked_clients:1") >= 0:
                return a
            if a.conn.read_available(0.02):
                break  # it answered: this shape does not block
        a.close()
    return None


def test_blocked_client_pins_its_module(walk):
    """MODULE UNLOAD refuses while a client is blocked in one of the
    module's commands, and names the reason; once the client is unblocked
    (it gets its null reply) the unload goes through."""
    exercised = 0
    for module, _, _ in walk.modules:
        cmds = commands_of(walk.c, module)
        for name in sorted(n for n in cmds if "blocking" in cmds[n][1]):
            a = block_in(walk, name)
            if not a:
                continue
            my_id = walk.c.execute("CLIENT", "LIST").decode()
            my_id = re.search(r"id=(\d+) [^\n]*cmd=%s" % re.escape(name), my_id).group(1)
            assert unload_error(walk.c, module) == (
                "ERR Error unloading module: module '%s' has 1 client(s) blocked in its "
                "commands" % module)
            assert walk.c.execute("CLIENT", "UNBLOCK", my_id) == 1
            a.conn.read_value()
            a.close()
            exercised += 1
            break
        assert walk.c.execute("MODULE", "UNLOAD", module) == "OK"
    if not exercised:
        pytest.skip("no loaded module has a blocking command")
    walk.reload_all()


def commandstats(c):
    text = c.execute("INFO", "commandstats").decode()
    return set(re.findall(r"^cmdstat_([^:]+):", text, re.M))


def test_command_statistics_leave_with_the_module(walk):
    for module, _, _ in walk.modules:
        picked = pick_command(commands_of(walk.c, module), readonly=True)
        if not picked:
            continue
        name, args = picked
        try:
            walk.c.execute(name, *args)
        except ReplyError:
            pass
        assert name in commandstats(walk.c)
        assert walk.c.execute("MODULE", "UNLOAD", module) == "OK"
        assert name not in commandstats(walk.c)
    walk.reload_all()
    assert walk.c.execute("CONFIG", "RESETSTAT") == "OK"


def test_every_module_unloads_and_reloads(walk):
    """Without references every module unloads, the server keeps serving
    with none loaded, and every module loads again."""
    for module, _, _ in walk.modules:
        assert walk.c.execute("MODULE", "UNLOAD", module) == "OK"
    assert module_list(walk.c) == []
    assert walk.c.execute("PING") == "PONG"
    walk.reload_all()
