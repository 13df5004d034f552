#!/bin/bash
# README command (b): install what is needed, build mod_cors, and run the
# whole test suite (C unit tests of the policy layer, then the Apache::Test
# suite against a real httpd).  Exits non-zero on any failure.
set -u
CORS_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$CORS_TOP/tools/deps.sh"

# libapache2-mod-perl2 brings Apache::Test; libwww-perl its HTTP client;
# apache2-utils htpasswd; curl and libio-socket-ip-perl the raw-request tests.
# Each test area lists what it needs beyond that in tools/packages.d/*.list
# (one Debian package per line, # comments).
extra=$(cat "$CORS_TOP"/tools/packages.d/*.list 2>/dev/null | sed 's/#.*//' | xargs)
cors_need_packages $CORS_BUILD_PACKAGES libapache2-mod-perl2 libwww-perl \
    apache2-utils curl perl $extra
cors_build
cd "$CORS_TOP" && make test
