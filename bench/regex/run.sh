#!/bin/bash
# What a CORSAllowOriginMatch regex that backtracks catastrophically costs a
# request, through the whole module path: preflights sent to a private
# Apache (httpd -X, prefork: one process, one thread), whose CPU time
# (utime + stime from /proc) is read before and after each batch.
# docs/hardening.md publishes the figures.
#
#   bench/regex/run.sh            (make bench-regex)
#
# Scenarios, each a batch of BENCH_N preflights (default 3000) over one
# keep-alive connection (ab -k):
#   conf-ok      a 24-byte origin the server-config regexes match at once
#   conf-host    https:// + 240 'a' + b.example.com (261 bytes, the longest
#                host a request may have) against https://(a+)+\.example\.com
#   conf-512     499 'a' + 1://x.example (512 bytes, the longest origin the
#                module accepts) against ([a-z]+)+://x\.example
#   ht-ok, ht-host, ht-512   the same with the regexes in .htaccess, which
#                Apache reads (and the module compiles and checks against
#                its canaries) for every request
# The regex's cost is a scenario's CPU per request minus its -ok baseline.
#
# Environment: APXS, HTTPD (the Apache to run), MOD_CORS (the module; default
# .libs/mod_cors.so: point it at another build to compare), BENCH_N.
# Needs ab (apache2-utils).  Listens on 127.0.0.1 only, on a free port.
set -eu
cd "$(dirname "$0")/../.."
top=$PWD

APXS=${APXS:-apxs}
LIBEXEC=$($APXS -q LIBEXECDIR)
HTTPD=${HTTPD:-$($APXS -q SBINDIR)/$($APXS -q progname)}
MOD_CORS=${MOD_CORS:-$top/.libs/mod_cors.so}
N=${BENCH_N:-3000}
HZ=$(getconf CLK_TCK)

command -v ab >/dev/null || { echo "bench: ab is needed (apt-get install apache2-utils)" >&2; exit 1; }
[ -e "$MOD_CORS" ] || { echo "bench: $MOD_CORS is missing: run make" >&2; exit 1; }

W=$(mktemp -d /tmp/cors-regex-bench.XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
chmod 755 "$W"
mkdir -p "$W/htdocs/conf" "$W/htdocs/ht" "$W/logs"
chmod 1777 "$W/logs"

free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}
port=$(free_port)

REGEXES='CORSAllowOriginMatch "https://(a+)+\.example\.com"
CORSAllowOriginMatch "([a-z]+)+://x\.example"'
printf 'x\n' >"$W/htdocs/conf/f.txt"
printf 'x\n' >"$W/htdocs/ht/f.txt"
printf 'CORSEngine On\n%s\n' "$REGEXES" >"$W/htdocs/ht/.htaccess"
chmod -R a+rX "$W/htdocs"
cat >"$W/httpd.conf" <<EOF
ServerRoot "$W"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
LoadModule mpm_prefork_module "$LIBEXEC/mod_mpm_prefork.so"
LoadModule authz_core_module "$LIBEXEC/mod_authz_core.so"
LoadModule cors_module "$MOD_CORS"
PidFile "$W/logs/httpd.pid"
ErrorLog "$W/logs/error_log"
LogLevel warn
DocumentRoot "$W/htdocs"
KeepAlive On
MaxKeepAliveRequests 0
<Directory "$W/htdocs">
    AllowOverride None
    Require all granted
</Directory>
<Directory "$W/htdocs/conf">
    CORSEngine On
$REGEXES
</Directory>
<Directory "$W/htdocs/ht">
    AllowOverride FileInfo
</Directory>
EOF

"$HTTPD" -X -f "$W/httpd.conf" &
pid=$!
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

# CPU time of the server, in clock ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

host="https://$(printf 'a%.0s' $(seq 240))b.example.com"
long="$(printf 'a%.0s' $(seq 499))1://x.example"
ok="https://aaaa.example.com"

printf '%-10s %6s %8s  %s\n' scenario bytes 'us/req' 'ab: ms per request (mean)'
run() { # name path origin
    local t0 t1 out
    # one untimed request first: the connection, .htaccess caches
    ab -q -n 1 -m OPTIONS -H "Origin: $3" -H 'Access-Control-Request-Method: GET' \
        "http://127.0.0.1:$port$2" >/dev/null
    t0=$(ticks)
    out=$(ab -q -k -n "$N" -c 1 -m OPTIONS -H "Origin: $3" \
        -H 'Access-Control-Request-Method: GET' "http://127.0.0.1:$port$2")
    t1=$(ticks)
    echo "$out" | grep -q '^Non-2xx responses' || true
    printf '%-10s %6d %8.1f  %s\n' "$1" "${#3}" \
        "$(echo "($t1 - $t0) * 1000000 / $HZ / $N" | bc -l)" \
        "$(echo "$out" | awk '/^Time per request:.*\(mean\)$/ { print $4; exit }')"
}
run conf-ok /conf/f.txt "$ok"
run conf-host /conf/f.txt "$host"
run conf-512 /conf/f.txt "$long"
run ht-ok /ht/f.txt "$ok"
run ht-host /ht/f.txt "$host"
run ht-512 /ht/f.txt "$long"

echo
echo "error log (match-limit warnings, at most once a minute per regex):"
grep -c "hit PCRE's match limit" "$W/logs/error_log" || true
