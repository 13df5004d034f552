#!/bin/bash
# What a large text map costs outside the request path (docs/performance.md,
# "Origin maps"): start-up with a map of SIZE lines (default 1,000,000), the
# time to read, check and swap in a new version, the memory it takes per
# entry and process, and request latency under wrk with and without a
# reload every few seconds.  One event-MPM httpd (two children) on loopback.
#
#   bench/maps/run.sh [SIZE]
#
# Environment: HTTPD (default /usr/sbin/apache2), LIBEXECDIR, MAPS_SECONDS
# (wrk run, default 20), MAPS_RELOAD_EVERY (seconds, default 3).  Needs wrk.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
size=${1:-1000000}
HTTPD=${HTTPD:-/usr/sbin/apache2}
LIBEXECDIR=${LIBEXECDIR:-/usr/lib/apache2/modules}
secs=${MAPS_SECONDS:-20}
every=${MAPS_RELOAD_EVERY:-3}
so=$top/.libs/mod_cors.so
command -v wrk >/dev/null || { echo "maps bench: wrk is not installed" >&2; exit 1; }
W=$(mktemp -d /tmp/cors-maps-bench.XXXXXX)
chmod 755 "$W"
mkdir -p "$W/htdocs" "$W/logs"
echo x >"$W/htdocs/a.txt"
port=$(perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport')
map() { # N SIZE: a version (the request's origin in the middle)
    awk -v n="$1" -v e="$2" 'BEGIN { for (i = 0; i < e; i++) {
        if (i == int(e / 2)) print "https://app.example"
        else printf "https://t%d-%d.example\n", n, i } }'
}
map 0 "$size" >"$W/map.txt"
map 0 10 >"$W/small.txt"
chmod -R a+rX "$W"
user_lines=""
if [ "$(id -u)" = 0 ]; then user_lines=$'User nobody\nGroup nogroup'; fi
conf() { # MAPFILE
    cat <<CONF
ServerRoot "$W"
LoadModule mpm_event_module "$LIBEXECDIR/mod_mpm_event.so"
LoadModule authz_core_module "$LIBEXECDIR/mod_authz_core.so"
LoadModule cors_module "$so"
$user_lines
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$W/logs/httpd.pid"
ErrorLog "$W/logs/error_log"
LogLevel warn cors:info
DocumentRoot "$W/htdocs"
StartServers 2
ServerLimit 2
ThreadsPerChild 25
MaxRequestWorkers 50
MinSpareThreads 25
MaxSpareThreads 50
<Directory "$W/htdocs">
    Require all granted
    CORSEngine On
    CORSAllowOriginMap txt:$1
</Directory>
CONF
}
conf "$W/map.txt" >"$W/big.conf"
conf "$W/small.txt" >"$W/small.conf"
ms() { date +%s%N | cut -c1-13; }
children_rss() { ps -o rss= --ppid "$(cat "$W/logs/httpd.pid")" | awk '{s += $1} END {print s}'; }
cleanup() { "$HTTPD" -f "$W/big.conf" -k stop >/dev/null 2>&1 || true; sleep 1; rm -rf "$W"; }
trap cleanup EXIT

echo "map: $size lines, $(stat -c %s "$W/map.txt") bytes"
t0=$(ms); "$HTTPD" -t -f "$W/small.conf" >/dev/null 2>&1; t1=$(ms)
"$HTTPD" -t -f "$W/big.conf" >/dev/null 2>&1; t2=$(ms)
echo "httpd -t: $((t1 - t0)) ms with 10 lines, $((t2 - t1)) ms with $size"

for which in small big; do
    t0=$(ms)
    "$HTTPD" -f "$W/$which.conf" -k start
    until curl -s -o /dev/null "http://127.0.0.1:$port/a.txt"; do sleep 0.05; done
    t1=$(ms)
    sleep 1
    rss=$(children_rss)
    echo "start-up to first answer, $which map: $((t1 - t0)) ms; children RSS $rss KB"
    eval "rss_$which=$rss"
    "$HTTPD" -f "$W/$which.conf" -k stop
    while [ -e "$W/logs/httpd.pid" ]; do sleep 0.1; done
    sleep 1
done

"$HTTPD" -f "$W/big.conf" -k start
until curl -s -o /dev/null "http://127.0.0.1:$port/a.txt"; do sleep 0.05; done
sleep 1
# Each child's own copy: after a reload every child holds a version of its
# own (before it, the children share the parent's pages).
map 1 "$size" >"$W/map.new" && chmod 644 "$W/map.new" && mv "$W/map.new" "$W/map.txt"
until [ "$(grep -c 'reloaded' "$W/logs/error_log")" -ge 2 ]; do sleep 0.2; done
grep 'reloaded' "$W/logs/error_log" | sed 's/.*CORSAllowOriginMap/reload: CORSAllowOriginMap/'
sleep 2
rss_reloaded=$(children_rss)
echo "children RSS after each read its own version: $rss_reloaded KB;" \
     "per entry and process: $(( (rss_reloaded - rss_small) * 1024 / 2 / size )) bytes"

lua=$W/req.lua
printf 'wrk.method = "OPTIONS"\nwrk.headers["Origin"] = "https://app.example"\nwrk.headers["Access-Control-Request-Method"] = "GET"\n' >"$lua"
run() { wrk -t2 -c16 -d"${secs}s" --latency -s "$lua" "http://127.0.0.1:$port/a.txt" \
    | grep -E '^ +(50|75|90|99)%|Requests/sec|Non-2xx|Socket errors'; }
echo "== wrk, no reloads"
run
echo "== wrk, a new $size-line version every $every s"
( i=2; while :; do map "$i" "$size" >"$W/map.new"; chmod 644 "$W/map.new"; mv "$W/map.new" "$W/map.txt"; i=$((i + 1)); sleep "$every"; done ) &
writer=$!
run
kill $writer
echo "reloads during the run: $(( $(grep -c 'reloaded' "$W/logs/error_log") - 2 ))"
