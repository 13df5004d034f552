#!/bin/bash
# The README's second command: install what is needed, build mod_cors, and run the
# whole test suite, `make test`: the C unit tests of the policy layer, the
# Apache::Test suite against a real httpd, and every layer of mk/*.mk
# (browser, package build and install, fuzz corpora, directive fuzzer,
# other MPMs).  Exits non-zero on any failure.  tools/fresh-root.sh runs it
# on a brand-new Debian 12 root.
set -u
CORS_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$CORS_TOP/tools/deps.sh"

# libapache2-mod-perl2 brings Apache::Test; libwww-perl its HTTP client;
# apache2-utils htpasswd; curl and libio-socket-ip-perl the raw-request tests.
# Each test area lists what it needs beyond that in tools/packages.d/*.list
# (one Debian package per line, # comments).  The package test builds the
# .deb: debian/control's Build-Depends (and build-essential) are read from
# there, not listed twice.
extra=$(cat "$CORS_TOP"/tools/packages.d/*.list 2>/dev/null | sed 's/#.*//' | xargs)
# shellcheck disable=SC2046,SC2086 # lists of package names, split on purpose
cors_need_packages $CORS_BUILD_PACKAGES libapache2-mod-perl2 libwww-perl \
    apache2-utils curl perl $(cors_build_depends) $extra

# As root, the httpds of the suite switch their children to an unprivileged
# user (nobody; t/TEST.PL), who must reach t/htdocs.  A tree below root's
# own home (/root is mode 700 on Debian) is out of its reach: then the suite
# runs from a copy in a world-searchable scratch directory, and no
# permission on this machine is changed.  The copy is removed when
# everything passed and kept (with its logs) when something failed.
copy=""
if [ "$(id -u)" -eq 0 ] \
        && ! runuser -u nobody -- test -x "$CORS_TOP/t/htdocs" 2>/dev/null; then
    copy=$(mktemp -d /tmp/mod_cors-test.XXXXXX) || exit 1
    chmod 755 "$copy"
    cp -a "$CORS_TOP/." "$copy/" || exit 1
    echo "mod_cors: httpd's children (nobody) cannot reach $CORS_TOP/t/htdocs;" \
        "running the suite from a copy in $copy"
    CORS_TOP=$copy
fi

cors_build
cd "$CORS_TOP" && make test
rc=$?
if [ -n "$copy" ]; then
    if [ "$rc" -eq 0 ]; then
        rm -rf "$copy"
    else
        echo "mod_cors: the suite failed; its copy and logs are kept in $copy" >&2
    fi
fi
exit $rc
