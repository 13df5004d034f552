#!/bin/bash
# package-test (make package-test): build the Debian package of mod_cors,
# install it into this machine's Apache, enable it the way an administrator
# would (a2enmod cors), check the configuration, send a preflight to the
# system Apache on loopback, and take it all away again.
#
# The machine is left as it was found: the package purged, the test
# configuration removed, and the system Apache running only if it was
# running before (reloaded, not restarted, if so).  The Apache::Test suite
# inherits /etc/apache2's LoadModule lines, which is one more reason to
# clean up even on failure (the trap below).
#
# Needs root (dpkg -i, /etc/apache2).  Prints "package-test: PASS" or
# "package-test: FAIL: why" and exits non-zero on failure.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
pkg=libapache2-mod-cors
conf_name=mod-cors-package-test
origin=https://app.example.com

fail() {
    echo "package-test: FAIL: $*" >&2
    exit 1
}
step() { echo "package-test: $*"; }

if [ "$(id -u)" -ne 0 ]; then
    echo "package-test: SKIP: needs root to install the package (dpkg -i) and enable it"
    exit 0
fi
for tool in dpkg-buildpackage dh dh_apache2 fakeroot a2enmod apache2ctl curl; do
    command -v "$tool" >/dev/null \
        || fail "$tool not found (tools/packages.d/ecosystem.list names the packages)"
done
# A copy installed by the administrator would be replaced and then purged.
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    fail "$pkg is already installed here; this test installs and purges it, so it does not run on such a machine (dpkg -P $pkg)"
fi

# The paths and the pid file of the system Apache, as apache2ctl sees them.
# shellcheck disable=SC1091
envvars=$(set +u; . /etc/apache2/envvars && echo "$APACHE_PID_FILE|$APACHE_LOG_DIR")
pidfile=${envvars%%|*}
logdir=${envvars#*|}

apache_pid() {
    local pid
    [ -f "$pidfile" ] || return 1
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}
was_running=no
if apache_pid >/dev/null; then was_running=yes; fi

work=$(mktemp -d /tmp/mod_cors-package-test.XXXXXX)
installed=no
started=no

cleanup() {
    local rc=$?
    trap - EXIT
    if [ "$installed" = yes ]; then
        a2disconf -q "$conf_name" >/dev/null 2>&1
        a2dismod -q cors >/dev/null 2>&1
    fi
    rm -f "/etc/apache2/conf-available/$conf_name.conf"
    if [ "$started" = yes ]; then
        apache2ctl stop >/dev/null 2>&1
        for _ in $(seq 50); do apache_pid >/dev/null || break; sleep 0.1; done
        apache_pid >/dev/null && echo "package-test: the Apache this test started did not stop" >&2 && rc=1
    elif [ "$was_running" = yes ] && [ "$installed" = yes ]; then
        apache2ctl graceful >/dev/null 2>&1
    fi
    if [ "$installed" = yes ]; then
        dpkg -P "$pkg" >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; rc=1; }
    fi
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- build ---------------------------------------------------------------
# dpkg-buildpackage writes into the parent directory and runs `make
# distclean`: build in a copy of the source tree, never in the checkout.
src="$work/src"
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$top" && git ls-files -z --cached --others --exclude-standard \
        | tar --null -T - -cf -) | tar -xf - -C "$src" || fail "cannot copy the source tree"
else
    tar -C "$top" --exclude=.libs --exclude='*.o' --exclude='*.lo' --exclude='*.slo' \
        --exclude=Makefile --exclude=config.status --exclude=t/logs -cf - . \
        | tar -xf - -C "$src" || fail "cannot copy the source tree"
fi
version=$(sed -n 's/^AC_INIT(\[mod_cors\], \[\([^]]*\)\].*/\1/p' "$src/configure.ac")
deb_version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
[ "$deb_version" = "$version" ] \
    || fail "debian/changelog says $deb_version, configure.ac says $version"

step "dpkg-buildpackage -b -us -uc"
start=$(date +%s)
if ! (cd "$src" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    fail "dpkg-buildpackage failed"
fi
deb="$work/${pkg}_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "no $deb after the build"
grep -q '^unit test_policy: [0-9]* passed, 0 failed' "$work/build.log" \
    || fail "the package build did not run the unit tests"
step "built $(basename "$deb") in $(($(date +%s) - start))s"

# --- install ---------------------------------------------------------------
modfile=$(apxs -q LIBEXECDIR 2>/dev/null || echo /usr/lib/apache2/modules)/mod_cors.so
installed=yes
dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "dpkg -i failed"; }
[ -f "$modfile" ] || fail "$modfile not installed"
[ -f /etc/apache2/mods-available/cors.load ] || fail "mods-available/cors.load not installed"
[ -f /etc/apache2/mods-available/cors.conf ] || fail "mods-available/cors.conf not installed"
grep -q "^LoadModule cors_module $modfile\$" /etc/apache2/mods-available/cors.load \
    || fail "cors.load does not load $modfile"
grep -Ev '^[[:space:]]*(#|$)' /etc/apache2/mods-available/cors.conf \
    | grep -Evq '^[[:space:]]*</?IfModule' \
    && fail "cors.conf is meant to be all comments, it has directives"
[ ! -e /etc/apache2/mods-enabled/cors.load ] \
    || fail "installing the package enabled the module (it should wait for a2enmod)"
maptool=$(apxs -q SBINDIR 2>/dev/null || echo /usr/sbin)/cors-maptool
[ -x "$maptool" ] || fail "$maptool not installed"
printf 'https://app.example.com\n' >"$work/map.txt"
"$maptool" check "$work/map.txt" >"$work/maptool.log" 2>&1 \
    || { cat "$work/maptool.log" >&2; fail "cors-maptool check fails on a good map"; }
printf 'https://app.example.com/x\n' >"$work/bad-map.txt"
"$maptool" check "$work/bad-map.txt" >/dev/null 2>&1 \
    && fail "cors-maptool check accepts a bad map"
step "installed: $modfile, $maptool, mods-available/cors.load, cors.conf"

a2enmod cors >"$work/a2enmod.log" 2>&1 || { cat "$work/a2enmod.log" >&2; fail "a2enmod cors failed"; }
apache2ctl -t >"$work/t.log" 2>&1 || { cat "$work/t.log" >&2; fail "apache2ctl -t fails with the module enabled"; }
apache2ctl -M 2>/dev/null | grep -q '^ cors_module (shared)$' \
    || fail "apache2ctl -M does not list cors_module"
step "a2enmod cors && apache2ctl -t && apache2ctl -M: cors_module (shared)"

# --- serve -----------------------------------------------------------------
# A policy on a loopback port of our own, so that the test needs neither
# port 80 nor a change to the sites the machine already serves.
port=$(perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
[ -n "$port" ] || fail "no free loopback port"
cat >"/etc/apache2/conf-available/$conf_name.conf" <<EOF
# Written and removed by mod_cors' package-test (debian/ci-test.sh).
Listen 127.0.0.1:$port
<VirtualHost 127.0.0.1:$port>
    ServerName 127.0.0.1
    <Location "/cors-package-test/">
        CORSEngine       On
        CORSAllowOrigin  $origin
        CORSAllowMethods GET POST PUT DELETE
        CORSAllowHeaders X-Requested-With
        CORSMaxAge       600
    </Location>
</VirtualHost>
EOF
a2enconf -q "$conf_name" >/dev/null || fail "a2enconf $conf_name failed"
apache2ctl -t >"$work/t.log" 2>&1 || { cat "$work/t.log" >&2; fail "apache2ctl -t fails with the test policy"; }

if [ "$was_running" = yes ]; then
    step "system Apache is running: apache2ctl graceful"
    apache2ctl graceful >"$work/ctl.log" 2>&1 || { cat "$work/ctl.log" >&2; fail "apache2ctl graceful failed"; }
else
    step "system Apache is not running: apache2ctl start (stopped again afterwards)"
    started=yes
    apache2ctl start >"$work/ctl.log" 2>&1 || {
        cat "$work/ctl.log" >&2
        tail -n 20 "$logdir/error.log" >&2 2>/dev/null
        fail "apache2ctl start failed"
    }
fi

# Wait (bounded) until the new listener answers.
url="http://127.0.0.1:$port/cors-package-test/"
for _ in $(seq 100); do
    curl -s -o /dev/null --max-time 2 "$url" && break
    sleep 0.1
done

# The preflight a browser sends before PUT with a custom header.
curl -sS --max-time 10 -o "$work/body" -D "$work/headers" -X OPTIONS \
    -H "Origin: $origin" \
    -H 'Access-Control-Request-Method: PUT' \
    -H 'Access-Control-Request-Headers: X-Requested-With, Content-Type' \
    "$url" || fail "no answer from the system Apache on $url"
tr -d '\r' <"$work/headers" >"$work/h"
header() { sed -n "s/^$1: //Ip" "$work/h"; }
status=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$work/h")
problems=""
[ "$status" = 204 ] || problems="$problems; status $status, not 204"
[ "$(header Access-Control-Allow-Origin)" = "$origin" ] \
    || problems="$problems; Access-Control-Allow-Origin '$(header Access-Control-Allow-Origin)'"
[ "$(header Access-Control-Allow-Methods)" = "GET, POST, PUT, DELETE" ] \
    || problems="$problems; Access-Control-Allow-Methods '$(header Access-Control-Allow-Methods)'"
[ "$(header Access-Control-Allow-Headers)" = "x-requested-with, content-type" ] \
    || problems="$problems; Access-Control-Allow-Headers '$(header Access-Control-Allow-Headers)'"
[ "$(header Access-Control-Max-Age)" = 600 ] \
    || problems="$problems; Access-Control-Max-Age '$(header Access-Control-Max-Age)'"
header Vary | grep -qi 'Origin' || problems="$problems; no Vary: Origin"
[ -s "$work/body" ] && problems="$problems; a body on a 204"
if [ -n "$problems" ]; then
    cat "$work/h" >&2
    fail "preflight to the system Apache: ${problems#; }"
fi
step "preflight OPTIONS $url from $origin: 204 with the policy's headers"

# The same preflight from an origin the policy does not name is refused by
# the module (403, no Access-Control-*): the answer above was the module's.
code=$(curl -sS --max-time 10 -o /dev/null -D "$work/h2" -w '%{http_code}' -X OPTIONS \
    -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: PUT' "$url")
[ "$code" = 403 ] || fail "preflight from a disallowed origin: $code, not 403"
grep -qi '^Access-Control-' "$work/h2" && fail "a refused preflight carries Access-Control-* headers"
step "preflight from https://evil.example: 403, no Access-Control-*"

# --- take it away ----------------------------------------------------------
a2disconf -q "$conf_name" >/dev/null && rm -f "/etc/apache2/conf-available/$conf_name.conf"
a2dismod -q cors >/dev/null || fail "a2dismod cors failed"
if [ "$started" = yes ]; then
    apache2ctl stop >/dev/null 2>&1
    for _ in $(seq 50); do apache_pid >/dev/null || break; sleep 0.1; done
    apache_pid >/dev/null && fail "the Apache this test started did not stop"
    started=no
else
    apache2ctl graceful >/dev/null 2>&1 || fail "apache2ctl graceful failed"
fi
dpkg -P "$pkg" >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg -P failed"; }
installed=no
for f in "$modfile" /etc/apache2/mods-available/cors.load \
        /etc/apache2/mods-available/cors.conf /etc/apache2/mods-enabled/cors.load; do
    [ ! -e "$f" ] || fail "$f is still there after dpkg -P"
done
step "purged; system Apache $( [ "$was_running" = yes ] && echo 'still running' || echo 'stopped again')"
echo "package-test: PASS"
