"""Checks of the release tarball's build and of the Debian packages, run by
tests/packaging/run.sh (which builds them). Three subcommands, each
printing one "ok - ..." or "FAIL - ..." line per check:

  packages.py tarball BINARY CONF NAME...
      start BINARY with CONF (the tarball build's modis.conf) and check
      that MODULE LIST names exactly the modules NAME... in that order.

  packages.py debs DEBDIR VERSION ABI_MAJOR ABI_MINOR NAME...
      the .deb files of DEBDIR: one package per module NAME plus
      modis-server and modis-sdk-dev, all at VERSION; each module package
      holds its .so and its loadmodule fragment; the relations generated
      from the manifests (modis-abi-<major>, modis-service-<svc>), and
      every modis-* relation of every package is satisfied by a built
      package. The last line, "closure: FILE...", lists the .deb files of
      modis-module-geo's dependency closure (what apt would install).

  packages.py installed ROOT CONF MODDIR COUNTERSET_SO HLL_DEB STRINGS_DEB
      start ROOT/usr/bin/modis-server (the packages unpacked into ROOT)
      with CONF, which loads the installed geo module and what it depends
      on (zsets) only; check MODULE LIST and that the other data types are
      absent; then install (dpkg -x into ROOT) the hll package: MODULE
      LOAD refuses it (no string.v1) until the strings package is
      installed and loaded; and the example module built against the
      installed SDK (COUNTERSET_SO) loads and works; exact reply bytes.
"""

import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from modis_helpers import RawConn, Server  # noqa: E402

failures = 0


def report(ok, what, detail=""):
    global failures
    print(("ok - " if ok else "FAIL - ") + what + ("" if ok else "  [" + detail + "]"))
    sys.stdout.flush()
    if not ok:
        failures += 1


def expect(conn, args, want, what=None):
    got = conn.call(*args)
    report(got == want, what or " ".join(str(a) for a in args), "got %r want %r" % (got, want))


def module_list(conn):
    """MODULE LIST as [(name, path)], whatever other fields each entry has."""
    conn.send_command("MODULE", "LIST")
    reply = conn.read_value()
    out = []
    for entry in reply:
        fields = dict(zip(entry[0::2], entry[1::2])) if isinstance(entry, list) else entry
        out.append((fields[b"name"].decode(), fields[b"path"].decode()))
    return out


def start(binary, conf):
    server = Server(conf=conf, binary=binary)
    try:
        server.start()
    except RuntimeError as e:
        report(False, "%s starts with %s" % (binary, conf), str(e)[-2000:])
        return None
    report(True, "%s starts with %s (port %d)" % (binary, conf, server.port))
    return server


# ----------------------------------------------------------------------
def cmd_tarball(binary, conf, names):
    server = start(binary, conf)
    if not server:
        return
    try:
        got = [n for n, _ in module_list(RawConn(server.port))]
        report(got == names, "the tarball build loads every module: %s" % " ".join(got),
               "want %s" % " ".join(names))
    finally:
        server.stop()


# ----------------------------------------------------------------------
def deb_fields(path):
    out = subprocess.run(["dpkg-deb", "-f", path], stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    fields, key = {}, None
    for line in out.splitlines():
        if line.startswith(" ") and key:
            fields[key] += " " + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def deb_files(path):
    out = subprocess.run(["dpkg-deb", "-c", path], stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    return sorted(line.split()[5][1:] for line in out.splitlines() if not line.endswith("/"))


def relations(field):
    """'a (>= 1), b | c' -> [[('a', '>=', '1')], [('b', None, None), ('c', None, None)]]"""
    out = []
    for group in filter(None, (g.strip() for g in field.split(","))):
        alts = []
        for alt in group.split("|"):
            alt = alt.strip()
            if "(" in alt:
                name, rest = alt.split("(", 1)
                op, ver = rest.rstrip(")").split()
                alts.append((name.strip(), op, ver))
            else:
                alts.append((alt, None, None))
        out.append(alts)
    return out


def version_ok(have, op, want):
    if op is None:
        return True
    if have is None:  # an unversioned Provides satisfies no versioned relation
        return False
    dpkg_op = {">=": "ge", "<=": "le", "=": "eq", ">>": "gt", "<<": "lt"}[op]
    return subprocess.run(["dpkg", "--compare-versions", have, dpkg_op, want]).returncode == 0


def satisfiers(pkgs, name, op, ver):
    """The built packages that satisfy one relation alternative."""
    found = []
    for pkg, f in pkgs.items():
        if pkg == name and version_ok(f["Version"], op, ver):
            found.append(pkg)
        for prov in relations(f.get("Provides", "")):
            pname, _, pver = prov[0]
            if pname == name and version_ok(pver, op, ver):
                found.append(pkg)
    return found


def closure(pkgs, roots):
    """roots plus, for each modis-* relation, the first built package that
    satisfies it (system libraries are the host's)."""
    todo, seen = list(roots), []
    while todo:
        pkg = todo.pop(0)
        if pkg in seen:
            continue
        seen.append(pkg)
        for group in relations(pkgs[pkg].get("Depends", "")):
            for name, op, ver in group:
                if name.startswith("modis-"):
                    found = satisfiers(pkgs, name, op, ver)
                    if found:
                        todo.append(found[0])
                        break
    return seen


def cmd_debs(debdir, version, abi_major, abi_minor, names):
    debs = {}
    pkgs = {}
    for path in sorted(glob.glob(os.path.join(debdir, "*.deb"))):
        f = deb_fields(path)
        debs[f["Package"]] = path
        pkgs[f["Package"]] = f
    want = sorted(["modis-server", "modis-sdk-dev"] + ["modis-module-" + n for n in names])
    report(sorted(pkgs) == want, "one package per module plus modis-server and modis-sdk-dev",
           "got %s" % " ".join(sorted(pkgs)))
    bad = [p for p, f in pkgs.items() if f["Version"].rsplit("-", 1)[0] != version]
    report(not bad, "every package is version %s-<debian revision>" % version, " ".join(bad))
    if "modis-server" not in pkgs:
        return
    abi = "modis-abi-%s (= %s)" % (abi_major, abi_minor)
    report(pkgs["modis-server"].get("Provides") == abi, "modis-server provides " + abi,
           "Provides: %s" % pkgs["modis-server"].get("Provides"))
    recs = [r[0][0] for r in relations(pkgs["modis-server"].get("Recommends", ""))]
    report(sorted(recs) == sorted("modis-module-" + n for n in names),
           "modis-server recommends every module package", " ".join(recs))
    files = deb_files(debs["modis-server"])
    report("/usr/bin/modis-server" in files and "/etc/modis/modis.conf" in files and
           not any(f.endswith(".so") for f in files),
           "modis-server holds the server and modis.conf, no module", " ".join(files))
    sdk = deb_files(debs["modis-sdk-dev"]) if "modis-sdk-dev" in debs else []
    report("/usr/include/modis/modis.h" in sdk and
           any(f.endswith("/pkgconfig/modis-sdk.pc") for f in sdk) and
           any(f.endswith("/examples/counterset/Makefile") for f in sdk),
           "modis-sdk-dev holds modis.h, modis-sdk.pc and the example module", " ".join(sdk))

    for n in names:
        pkg = "modis-module-" + n
        if pkg not in pkgs:
            continue
        files = [f for f in deb_files(debs[pkg]) if not f.startswith("/usr/share/doc/")]
        so = [f for f in files if f.endswith("/modis/modules/%s.so" % n)]
        frag = [f for f in files if "/modis/modules.d/" in f and f.endswith("-%s.conf" % n)]
        report(len(so) == 1 and len(frag) == 1 and len(files) == 2,
               "%s holds %s.so and its fragment only" % (pkg, n), " ".join(files))
        deps = [g[0] for g in relations(pkgs[pkg].get("Depends", ""))]
        report(any(d[0] == "modis-abi-" + abi_major and d[1] == ">=" for d in deps),
               "%s depends on modis-abi-%s (>= its abi-min)" % (pkg, abi_major),
               pkgs[pkg].get("Depends", ""))
    # The relations the manifests imply (bitmaps, hll and sort need the
    # string.v1 service, geo zset.v1, sort list.v1 too).
    for pkg, svc in (("geo", "zset.v1"), ("bitmaps", "string.v1"), ("hll", "string.v1"),
                     ("sort", "string.v1"), ("sort", "list.v1")):
        dep = pkgs.get("modis-module-" + pkg, {}).get("Depends", "")
        report("modis-service-%s (>= " % svc in dep, "modis-module-%s depends on modis-service-%s"
               % (pkg, svc), dep)
    for pkg, svc in (("strings", "string.v1"), ("zsets", "zset.v1"), ("lists", "list.v1"),
                     ("sets", "set.v1"), ("hashes", "hash.v1")):
        prov = pkgs.get("modis-module-" + pkg, {}).get("Provides", "")
        report(prov.startswith("modis-service-%s (= " % svc),
               "modis-module-%s provides modis-service-%s" % (pkg, svc), prov)
    unmet = []
    for pkg, f in pkgs.items():
        for field in ("Depends", "Recommends"):
            for group in relations(f.get(field, "")):
                if any(a[0].startswith("modis-") for a in group) and \
                        not any(satisfiers(pkgs, *a) for a in group):
                    unmet.append("%s %s: %s" % (pkg, field, group))
    report(not unmet, "every modis-* relation is satisfied by a built package", "; ".join(unmet))
    geo = closure(pkgs, ["modis-server", "modis-module-geo"])
    report(sorted(geo) == ["modis-module-geo", "modis-module-zsets", "modis-server"],
           "installing modis-module-geo brings modis-module-zsets (and modis-server)",
           " ".join(geo))
    later = [p for p in closure(pkgs, ["modis-module-hll"]) if p not in geo]
    report(later == ["modis-module-hll", "modis-module-strings"],
           "installing modis-module-hll then brings modis-module-strings", " ".join(later))
    print("closure: " + " ".join(debs[p] for p in geo))
    print("later: " + " ".join(debs[p] for p in later))


# ----------------------------------------------------------------------
def cmd_installed(root, conf, moddir, counterset, hll_deb, strings_deb):
    def so(name):
        return os.path.join(moddir, name + ".so")

    server = start(os.path.join(root, "usr/bin/modis-server"), conf)
    if not server:
        return
    try:
        c = RawConn(server.port)
        got = module_list(c)
        report(got == [("zsets", so("zsets")), ("geo", so("geo"))],
               "the installed modis.conf loads the installed modules, providers first",
               repr(got))
        expect(c, ["GEOADD", "g", "13.361389", "38.115556", "Palermo",
                   "15.087269", "37.502669", "Catania"], b":2\r\n")
        expect(c, ["GEODIST", "g", "Palermo", "Catania", "km"], b"$8\r\n166.2742\r\n")
        expect(c, ["ZCARD", "g"], b":2\r\n")
        expect(c, ["SET", "k", "v"],
               b"-ERR unknown command 'SET', with args beginning with: 'k' 'v' \r\n",
               "SET unknown while modis-module-strings is not installed")
        subprocess.run(["dpkg", "-x", hll_deb, root], check=True)
        expect(c, ["MODULE", "LOAD", so("hll")],
               b"-ERR Error loading the extension: module 'hll' requires service 'string.v1' >= 2,"
               b" which no loaded module provides\r\n",
               "MODULE LOAD of the installed hll refused while strings is not installed")
        subprocess.run(["dpkg", "-x", strings_deb, root], check=True)
        expect(c, ["MODULE", "LOAD", so("strings")], b"+OK\r\n")
        expect(c, ["MODULE", "LOAD", so("hll")], b"+OK\r\n")
        expect(c, ["SET", "k", "v"], b"+OK\r\n")
        expect(c, ["PFADD", "h", "a", "b", "c"], b":1\r\n")
        expect(c, ["PFCOUNT", "h"], b":3\r\n")
        expect(c, ["MODULE", "LOAD", counterset], b"+OK\r\n",
               "MODULE LOAD of the example built against the installed SDK")
        expect(c, ["CS.INCR", "top", "a", "5"], b":5\r\n")
        expect(c, ["CS.GET", "top", "a"], b":5\r\n")
        got = module_list(c)
        want = [("zsets", so("zsets")), ("geo", so("geo")), ("strings", so("strings")),
                ("hll", so("hll")), ("counterset", counterset)]
        report(got == want, "MODULE LIST after the run-time loads", repr(got))
        expect(c, ["LPUSH", "l", "x"],
               b"-ERR unknown command 'LPUSH', with args beginning with: 'l' 'x' \r\n",
               "LPUSH unknown: modis-module-lists was not installed")
    finally:
        server.stop()


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "tarball":
        cmd_tarball(args[0], args[1], args[2:])
    elif cmd == "debs":
        cmd_debs(args[0], args[1], args[2], args[3], args[4:])
    elif cmd == "installed":
        cmd_installed(*args)
    else:
        sys.exit("usage: see the header of " + sys.argv[0])
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
