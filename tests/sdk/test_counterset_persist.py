"""Persistence of the example module's values (sdk/examples/counterset),
run by tests/sdk/run.sh: servers started with the default modis.conf plus
`--loadmodule PATH_TO_counterset.so`, each on a data directory of its own.

Usage: test_counterset_persist.py PATH_TO_counterset.so

Checks that countset values (with a binary member, an evicting capacity
and a TTL) come back identical — DEBUG DIGEST, CS.TOP, TTL — after
  - SAVE and a restart (and that redis-check-rdb accepts the file, which
    holds them as Redis module type values),
  - DEBUG RELOAD,
  - DUMP / RESTORE (the payload is Redis's module type encoding),
  - BGREWRITEAOF with an RDB preamble and without one (then the module's
    aof_rewrite callback writes CS.INCR commands), more writes after the
    rewrite, and a restart.

Prints one "ok - ..." or "FAIL - ..." line per check.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
from modis_helpers import Server, parse_info  # noqa: E402

SO = sys.argv[1]
failures = 0

# The module type id of "countset-" version 1, length-encoded (64 bits).
ID_BYTES = bytes([0x81, 0x72, 0x8B, 0xA7, 0xB6, 0xC7, 0xAD, 0xF8, 0x01])


def report(ok, what, detail=""):
    global failures
    print(("ok" if ok else "FAIL") + " - persist: " + what + ("" if ok else "  [%s]" % detail))
    sys.stdout.flush()
    if not ok:
        failures += 1


running = []


def start(d, *args):
    srv = Server(["--loadmodule", SO, "--rdbcompression", "no"] + list(args), dir=d)
    running.append(srv)
    return srv.start()


def stop_nosave(srv):
    c = srv.resp()
    c.conn.send_command("SHUTDOWN", "NOSAVE")
    c.conn.is_closed(10)
    srv.proc.wait(10)
    srv.stop()


def fill(c):
    c.execute("CS.INCR", "pages", "/home", "5", "CAPACITY", "2")
    c.execute("CS.INCR", "pages", "/about", "3")
    c.execute("CS.INCR", "pages", "/blog")          # evicts /about
    c.execute("CS.INCR", "bin", b"\x00m\xff", "7")
    c.execute("CS.INCR", "ttl", "x", "1")
    c.execute("EXPIRE", "ttl", "5000")
    c.execute("SET", "plain", "string")


def state(c):
    """What must survive: the dataset digest and the visible contents."""
    return (c.execute("DEBUG", "DIGEST"), c.execute("CS.TOP", "pages", "10"),
            c.execute("CS.TOP", "bin", "10"), c.execute("CS.TOP", "ttl", "10"),
            c.execute("TYPE", "pages"), c.execute("GET", "plain"))


def ttl_kept(c):
    t = c.execute("TTL", "ttl")
    return 4000 < t <= 5000


def check_save_restart(d):
    srv = start(d)
    c = srv.resp()
    fill(c)
    before = state(c)
    report(before[1] == [b"/home", 5, b"/blog", 4], "the values before saving", repr(before))
    report(c.execute("SAVE") == "OK", "SAVE")
    with open(os.path.join(d, "dump.rdb"), "rb") as f:
        data = f.read()
    report(b"\x07" + b"\x05pages" + ID_BYTES in data,
           "the file holds type byte 7, the key and the module type id")
    check = shutil.which("redis-check-rdb")
    if check:
        p = subprocess.run([check, os.path.join(d, "dump.rdb")], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=30)
        out = p.stdout.decode("utf-8", "replace")
        report(p.returncode == 0 and "RDB looks OK" in out and "4 keys read" in out,
               "redis-check-rdb accepts the file with countset values", out[-400:])
    else:
        print("skip - redis-check-rdb not installed")
    stop_nosave(srv)
    srv = start(d)
    c = srv.resp()
    report(state(c) == before, "SAVE + restart: the same values", repr(state(c)))
    report(ttl_kept(c), "SAVE + restart: the TTL is kept")
    report(c.execute("DEBUG", "RELOAD") == "OK" and state(c) == before,
           "DEBUG RELOAD: the same values")
    payload = c.execute("DUMP", "pages")
    report(payload[:1] == b"\x07" and payload[1:10] == ID_BYTES,
           "DUMP: type byte 7 and the module type id", repr(payload))
    report(c.execute("RESTORE", "copy", "0", payload) == "OK" and
           c.execute("CS.TOP", "copy", "10") == before[1], "RESTORE of the DUMP payload")
    report(c.execute("CS.INCR", "copy", "/new") == 5, "the restored value keeps its capacity")
    stop_nosave(srv)


def wait_rewrite(c):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        i = parse_info(c.execute("INFO", "persistence"))
        if i["aof_rewrite_in_progress"] == "0" and i["aof_rewrite_scheduled"] == "0":
            return True
        time.sleep(0.05)
    return False


def check_aof(d, preamble):
    args = ["--appendonly", "yes", "--aof-use-rdb-preamble", preamble]
    how = "with" if preamble == "yes" else "without"
    srv = start(d, *args)
    c = srv.resp()
    fill(c)
    c.execute("BGREWRITEAOF")
    report(wait_rewrite(c), "BGREWRITEAOF %s an RDB preamble finishes" % how)
    c.execute("CS.INCR", "pages", "/home", "2")  # into the new incr file
    c.execute("SET", "by", "4")
    c.execute("CS.INCRFROM", "pages", "by", "/home")  # written as the CS.INCR it is
    c.execute("DEL", "by")
    before = state(c)
    aofdir = os.path.join(d, "appendonlydir")
    incr = [n for n in os.listdir(aofdir) if ".incr." in n]
    with open(os.path.join(aofdir, sorted(incr)[-1]), "rb") as f:
        report(b"$7\r\nCS.INCR\r\n$5\r\npages\r\n$5\r\n/home\r\n$1\r\n4\r\n" in f.read(),
               "CS.INCRFROM is propagated as CS.INCR with the increment it read")
    base = [n for n in os.listdir(aofdir) if ".base." in n]
    with open(os.path.join(aofdir, base[0]), "rb") as f:
        text = f.read()
    if preamble == "yes":
        report(text.startswith(b"REDIS") and ID_BYTES in text,
               "the AOF base is an RDB with the module type id", repr(base))
    else:
        report(b"CS.INCR" in text and b"CAPACITY" in text and b"PEXPIREAT" in text,
               "the AOF base holds the CS.INCR commands of aof_rewrite", repr(text[:200]))
    stop_nosave(srv)
    srv = start(d, *args)
    c = srv.resp()
    report(state(c) == before, "BGREWRITEAOF %s preamble + restart: the same values" % how,
           repr(state(c)))
    report(ttl_kept(c), "BGREWRITEAOF %s preamble + restart: the TTL is kept" % how)
    stop_nosave(srv)


def main():
    for step in (check_save_restart, lambda d: check_aof(d, "yes"),
                 lambda d: check_aof(d, "no")):
        d = tempfile.mkdtemp(prefix="modis-sdk-persist-")
        try:
            step(d)
        except Exception as e:  # a crash or refusal: report it, go on
            report(False, "unexpected error", "%s: %s" % (type(e).__name__, e))
        finally:
            while running:
                running.pop().stop()
            shutil.rmtree(d, ignore_errors=True)
    print("persist: %d failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
