#!/bin/sh
# The release path, end to end, from `make dist` to installed packages:
#
# 1. `make dist` of the build tree; the tarball holds every file git
#    tracks (but .ci/ and .gitignore files) when the tree is a git clone.
# 2. The tarball unpacked into an empty directory builds as a user builds
#    it (./configure && make -j2), and the server it built starts with the
#    modis.conf it built, every module loaded.
# 3. Unpacked again, `dpkg-buildpackage -b -us -uc` (debian/, without the
#    package build's own `make check`: nocheck) builds the binary
#    packages; packages.py checks them: one per module, files, the
#    relations generated from the manifests, the closure apt would
#    install for modis-module-geo.
# 4. That closure (modis-server, modis-module-geo, modis-module-zsets) and
#    modis-sdk-dev are unpacked (dpkg -x) into a scratch root; the example
#    module shipped in modis-sdk-dev is built against the scratch root's
#    SDK alone (pkg-config with PKG_CONFIG_SYSROOT_DIR); the installed
#    server starts with the installed modis.conf (its module fragments
#    pointed into the scratch root) and packages.py checks MODULE LIST,
#    MODULE LOAD of uninstalled-then-loaded modules and the example.
#
# One "ok - ..." / "FAIL - ..." line per check, then "N passed, M failed".
# Skipped (exit 77) inside a package build (debian/rules sets
# MODIS_IN_PACKAGE_BUILD: the test builds packages itself). Needs
# dpkg-buildpackage and debhelper (debian-packages.txt). Takes about two
# minutes of compilation on two cores.
#
# Environment (set by `make check`): MODIS_BUILDDIR, MODIS_SRCDIR.
set -u
if [ "${MODIS_IN_PACKAGE_BUILD:-0}" = 1 ]; then
    echo "skip - inside a package build"
    exit 77
fi
top=${MODIS_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${MODIS_BUILDDIR:-$top}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
checks="$py $top/tests/packaging/packages.py"
# A clean make: the parent `make check` may pass its jobserver down.
cleanmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modis-packaging-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

. "$top/tests/checks.sh"
# run_checks LOG ARGS...: packages.py ARGS, its lines into the results.
run_checks() {
    log=$1
    shift
    $checks "$@" > "$log" 2>&1
    rc=$?
    cat "$log"
    grep -E '^(ok|FAIL) - ' "$log" >> "$results"
    check "packages.py $1 exits 0 (status $rc)" test "$rc" -eq 0
}

version=$(sed -n 's/^PACKAGE_VERSION = //p' "$build/Makefile")
names=$(cleanmake -s -C "$build" print-module-names)
header=$top/sdk/modis.h
abi_major=$(sed -n 's/^#define MD_ABI_MAJOR \([0-9]*\)$/\1/p' "$header")
abi_minor=$(sed -n 's/^#define MD_ABI_MINOR \([0-9]*\)$/\1/p' "$header")

# 1. The tarball.
tarball=modis-$version.tar.gz
if cleanmake -C "$build" dist > "$tmp/dist.log" 2>&1 && mv "$build/$tarball" "$tmp/"; then
    ok "make dist writes $tarball"
else
    fail "make dist writes $tarball"
    show "$tmp/dist.log"
    finish
fi
tar tzf "$tmp/$tarball" | sed -n "s|^modis-$version/||p" | grep -v '/$' | sort > "$tmp/in-tarball"
# (Only when $top is the top of a clone: `make distcheck` unpacks the
# tarball inside the clone it was made from.)
if [ "$(git -C "$top" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$top" && pwd -P)" ]; then
    git -C "$top" ls-files | grep -v -E '^\.ci/|(^|/)\.gitignore$' | sort > "$tmp/in-git"
    comm -23 "$tmp/in-git" "$tmp/in-tarball" > "$tmp/missing"
    if [ -s "$tmp/missing" ]; then
        fail "the tarball holds every file git tracks ($(wc -l < "$tmp/missing") missing)"
        show "$tmp/missing"
    else
        ok "the tarball holds every file git tracks ($(wc -l < "$tmp/in-git") files)"
    fi
else
    echo "skip - not a git clone: the tarball's file list is not compared"
fi

# 2. A user's build of the tarball in an empty directory.
mkdir "$tmp/plain"
tar xzf "$tmp/$tarball" -C "$tmp/plain"
plain=$tmp/plain/modis-$version
if (cd "$plain" && ./configure && cleanmake -j2) > "$tmp/plain.log" 2>&1; then
    ok "the unpacked tarball configures and builds (./configure && make -j2)"
    run_checks "$tmp/tarball.out" tarball "$plain/host/modis-server" "$plain/modis.conf" $names
else
    fail "the unpacked tarball configures and builds (./configure && make -j2)"
    show "$tmp/plain.log"
fi
rm -rf "$tmp/plain"

# 3. The Debian packages, built from the tarball.
mkdir "$tmp/deb"
tar xzf "$tmp/$tarball" -C "$tmp/deb"
if (cd "$tmp/deb/modis-$version" &&
        DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" \
        dpkg-buildpackage -b -us -uc -Pnocheck) > "$tmp/deb.log" 2>&1; then
    ok "dpkg-buildpackage -b builds the packages from the tarball"
else
    fail "dpkg-buildpackage -b builds the packages from the tarball"
    show "$tmp/deb.log"
    finish
fi
rm -rf "$tmp/deb/modis-$version"
run_checks "$tmp/debs.out" debs "$tmp/deb" "$version" "$abi_major" "$abi_minor" $names
closure=$(sed -n 's/^closure: //p' "$tmp/debs.out")
[ -n "$closure" ] || finish

# 4. The scratch root: geo's closure and the SDK.
root=$tmp/root
for deb in $closure "$tmp"/deb/modis-sdk-dev_*.deb; do
    check "dpkg -x $(basename "$deb")" dpkg -x "$deb" "$root"
done
moddir=$(find "$root/usr/lib" -type d -path '*/modis/modules' | head -n 1)
fragdir=${moddir%/modules}/modules.d
frags=$(ls "$fragdir" | sed 's/^[0-9]*-//' | tr '\n' ' ')
check "only the installed modules have fragments, providers first ($frags)" \
    test "$frags" = "zsets.conf geo.conf "
inc=$(grep '^include ' "$root/etc/modis/modis.conf")
check "the installed modis.conf includes ${fragdir#"$root"}/*.conf ($inc)" \
    test "$inc" = "include ${fragdir#"$root"}/*.conf"
# Point the installed configuration into the scratch root.
mkdir "$tmp/conf.d"
for f in "$fragdir"/*.conf; do
    sed "s|^loadmodule /|loadmodule $root/|" "$f" > "$tmp/conf.d/$(basename "$f")"
done
sed "s|^include .*|include $tmp/conf.d/*.conf|" "$root/etc/modis/modis.conf" > "$tmp/modis.conf"

# The example module, built against the scratch root's SDK only.
pc=$(find "$root/usr/lib" -name modis-sdk.pc | head -n 1)
example=$root/usr/share/doc/modis-sdk-dev/examples/counterset
cs=$tmp/cs
if [ -n "$pc" ] && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
        PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$root" \
        make -f "$example/Makefile" O="$cs" > "$tmp/cs.log" 2>&1; then
    ok "the example in modis-sdk-dev builds against the installed SDK (pkg-config only)"
else
    fail "the example in modis-sdk-dev builds against the installed SDK (pkg-config only)"
    show "$tmp/cs.log"
fi
check "the example compiled with -I<root>/usr/include/modis" \
    grep -q -- "-I$root/usr/include/modis" "$tmp/cs.log"
# (pkgconf prefixes variables with the sysroot, pkg-config 0.29 does not.)
mcd=$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$root" \
      pkg-config --variable=moduleconfdir modis-sdk)
mcd=$root${mcd#"$root"}
check "pkg-config --variable=moduleconfdir modis-sdk names the fragments' directory ($mcd)" \
    test "$mcd" = "$fragdir"
info=$("$root/usr/bin/modis-server" --module-info "$moddir/geo.so" 2>&1)
check "the installed server prints the installed geo's manifest (requires zset.v1)" \
    test "$(printf '%s\n' "$info" | sed -n 's/^requires: //p')" = "zset.v1@1"
# Installed while the server runs: hll, then what it needs (strings).
run_checks "$tmp/installed.out" installed "$root" "$tmp/modis.conf" "$moddir" \
    "$cs/counterset.so" $(sed -n 's/^later: //p' "$tmp/debs.out")
finish
