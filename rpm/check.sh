#!/bin/bash
# rpm-test (make rpm-test): check rpm/mod_cors.spec with the rpm tools Debian
# ships: rpmspec --parse, rpmlint, then a real rpmbuild -bb of a source
# tarball of this tree (--nodeps: Debian's rpm database knows nothing of
# httpd-devel; the build uses Debian's apxs instead).  The binary package
# must hold the module, its conf.modules.d file and the commented conf.d
# file.  Prints "rpm-test: PASS" or "rpm-test: FAIL: why".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
spec="$top/rpm/mod_cors.spec"
fail() { echo "rpm-test: FAIL: $*" >&2; exit 1; }
step() { echo "rpm-test: $*"; }

for tool in rpmbuild rpmspec rpm; do
    command -v "$tool" >/dev/null || fail "$tool not found (Debian package rpm)"
done

work=$(mktemp -d /tmp/mod_cors-rpm-test.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

version=$(sed -n 's/^AC_INIT(\[mod_cors\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
spec_version=$(rpmspec -q --srpm --qf '%{VERSION}' "$spec" 2>/dev/null)
[ "$spec_version" = "$version" ] || fail "the spec says $spec_version, configure.ac says $version"
rpmspec --parse "$spec" >"$work/parsed" 2>"$work/parse.err" \
    || { cat "$work/parse.err" >&2; fail "rpmspec --parse"; }
step "rpmspec --parse: Version $spec_version"

if command -v rpmlint >/dev/null; then
    # Errors fail the check; warnings are printed.  Debian's rpmlint has no
    # Fedora licence list or group list, hence the two filters.
    rpmlint "$spec" >"$work/lint" 2>&1
    grep -E ': (E|W): ' "$work/lint" | sed 's/^/rpm-test: rpmlint: /'
    if grep -E ': E: ' "$work/lint" | grep -Evq 'invalid-license|no-buildroot-tag'; then
        fail "rpmlint reports errors on the spec"
    fi
    step "rpmlint: $(tail -n 1 "$work/lint")"
fi

# The source tarball rpmbuild's %prep unpacks: this tree as git sees it.
name=mod_cors-$version
mkdir -p "$work"/{SOURCES,BUILD,RPMS,SRPMS,SPECS,src/$name}
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$top" && git ls-files -z --cached --others --exclude-standard \
        | tar --null -T - -cf -) | tar -xf - -C "$work/src/$name"
else
    tar -C "$top" --exclude=.libs --exclude=Makefile --exclude=t/logs -cf - . \
        | tar -xf - -C "$work/src/$name"
fi
tar -C "$work/src" -czf "$work/SOURCES/$name.tar.gz" "$name" || fail "cannot make $name.tar.gz"

step "rpmbuild -bb --nodeps"
if ! rpmbuild -bb --nodeps --define "_topdir $work" "$spec" >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    fail "rpmbuild failed"
fi
grep -q '^unit test_policy: [0-9]* passed, 0 failed' "$work/build.log" \
    || fail "%check did not run the unit tests"
rpmfile=$(find "$work/RPMS" -name "mod_cors-$version-*.rpm" ! -name '*debug*' | head -n 1)
[ -n "$rpmfile" ] || fail "no binary rpm"
rpm -qlp "$rpmfile" >"$work/files" 2>/dev/null
moddir=$(apxs -q LIBEXECDIR)
sbindir=$(apxs -q SBINDIR)
for f in "$moddir/mod_cors.so" "$sbindir/cors-maptool" /etc/httpd/conf.modules.d/10-cors.conf /etc/httpd/conf.d/cors.conf; do
    grep -qx "$f" "$work/files" || { cat "$work/files" >&2; fail "$f is not in $(basename "$rpmfile")"; }
done
rpm -qp --configfiles "$rpmfile" 2>/dev/null | grep -qx /etc/httpd/conf.modules.d/10-cors.conf \
    || fail "10-cors.conf is not marked %config"
step "built $(basename "$rpmfile"): mod_cors.so, cors-maptool, conf.modules.d/10-cors.conf, conf.d/cors.conf"
echo "rpm-test: PASS"
