#!/bin/bash
# mod_cors soak (docs/hardening.md, "Soak"): a dedicated httpd (event MPM, loopback
# only) loading .libs/mod_cors.so, loaded with wrk.
#
#   bench/soak/run.sh [REQUESTS]       # default 1,000,000
#
# Phase 1: REQUESTS mixed requests (allowed and refused preflights, allowed,
# refused and rejected actual requests; bench/soak/mix.lua); every response
# must be of the kind expected, and the children's RSS is reported after a
# warm-up and at the end (it must stay flat: under 10 % growth).
# Phase 2: REQUESTS/4 more while httpd -k graceful (what apachectl -k
# graceful runs, with this server's -f) is sent twice: no socket error and no
# unexpected response.
# Environment: HTTPD (default /usr/sbin/apache2), LIBEXECDIR, SOAK_THREADS
# (wrk threads, 2), SOAK_CONNECTIONS (16).  Output in bench/soak/out/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
total=${1:-1000000}
HTTPD=${HTTPD:-/usr/sbin/apache2}
LIBEXECDIR=${LIBEXECDIR:-/usr/lib/apache2/modules}
threads=${SOAK_THREADS:-2}
conns=${SOAK_CONNECTIONS:-16}
out="$here/out"
so="$top/.libs/mod_cors.so"

[ -e "$so" ] || { echo "soak: build the module first (make)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "soak: wrk is not installed" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out/htdocs/soak/reject" "$out/logs"
echo "soak" >"$out/htdocs/soak/a.txt"
echo "soak" >"$out/htdocs/soak/reject/a.txt"
chmod -R a+rX "$out"
port=$(perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport')

user_lines=""
if [ "$(id -u)" = 0 ]; then user_lines=$'User nobody\nGroup nogroup'; fi
cat >"$out/httpd.conf" <<CONF
ServerRoot "$out"
LoadModule mpm_event_module "$LIBEXECDIR/mod_mpm_event.so"
LoadModule authz_core_module "$LIBEXECDIR/mod_authz_core.so"
LoadModule cors_module "$so"
$user_lines
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$out/logs/httpd.pid"
ErrorLog "$out/logs/error_log"
LogLevel warn
DocumentRoot "$out/htdocs"
# Two long-lived children: RSS is only meaningful when they are not recycled.
StartServers 2
ServerLimit 2
ThreadsPerChild 25
MaxRequestWorkers 50
MinSpareThreads 25
MaxSpareThreads 50
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
<Directory "$out/htdocs">
    Require all granted
</Directory>
<Directory "$out/htdocs/soak">
    CORSEngine On
    CORSAllowOrigin https://app.example.com https://*.app.example.com
    CORSAllowMethods GET PUT DELETE
    CORSAllowHeaders X-Token
    CORSMaxAge 600
</Directory>
<Directory "$out/htdocs/soak/reject">
    CORSRejectDisallowed On
</Directory>
CONF

ctl() { "$HTTPD" -f "$out/httpd.conf" -k "$1"; }
children_rss() {
    local pid; pid=$(cat "$out/logs/httpd.pid")
    ps -o pid=,rss= --ppid "$pid" | awk '{printf "%s:%dKB ", $1, $2; s += $2} END {printf "total %d KB\n", s}'
}
rss_total() { children_rss | sed 's/.*total \([0-9]*\) KB/\1/'; }

ctl start || { echo "soak: httpd did not start" >&2; exit 1; }
trap 'ctl stop >/dev/null 2>&1' EXIT
for _ in $(seq 50); do [ -s "$out/logs/httpd.pid" ] && break; sleep 0.1; done
sleep 1

# wrk runs for its whole -d duration: the Lua script leaves a marker per
# thread that has sent its share, and wrk is interrupted (it then prints its
# summary) once all are there.  -d is only the upper bound.
run_wrk() { # REQUESTS LABEL
    local marker="$out/$2.done" n
    rm -f "$marker".*
    SOAK_REQUESTS=$1 SOAK_THREADS=$threads SOAK_DONE=$marker \
        wrk -t"$threads" -c"$conns" -d1800s --timeout 10s \
        -s "$here/mix.lua" "http://127.0.0.1:$port" >"$out/$2.txt" 2>&1 &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        n=$(ls "$marker".* 2>/dev/null | wc -l)
        [ "$n" -ge "$threads" ] && { sleep 0.5; kill -INT "$pid"; break; }
        sleep 0.5
    done
    wait "$pid"
    cat "$out/$2.txt"
}

# Judge a wrk run: nothing unexpected, no socket error, every kind answered
# as often as sent less what was in flight when a thread stopped.
check() {
    local f="$out/$1.txt" ok=0
    grep -q '^soak: .* unexpected=0$' "$f" || { echo "soak: $1: unexpected responses"; ok=1; }
    grep -q 'errors connect=0 read=0 write=0 status=[0-9]* timeout=0' "$f" \
        || { echo "soak: $1: socket errors"; ok=1; }
    perl -ne 'while (/(\w+)=(\d+)\/(\d+)/g) { $bad++ if $3 - $2 > '"$conns"' }
              END { exit($bad ? 1 : 0) }' "$f" \
        || { echo "soak: $1: a kind lost answers"; ok=1; }
    return $ok
}

status=0
echo "== warm-up: 20000 requests"
run_wrk 20000 warmup >/dev/null
echo "children RSS after warm-up: $(children_rss)"
start_rss=$(rss_total)

echo "== phase 1: $total mixed requests"
t0=$(date +%s)
run_wrk "$total" soak
t1=$(date +%s)
echo "phase 1: $((t1 - t0)) s"
echo "children RSS at the end:    $(children_rss)"
end_rss=$(rss_total)
check soak || status=1
if [ "$end_rss" -gt $((start_rss + start_rss / 10)) ]; then
    echo "soak: RSS grew from $start_rss KB to $end_rss KB (over 10 %)"; status=1
fi

phase2=$((total / 4))
echo "== phase 2: $phase2 requests, apachectl -k graceful twice"
# Each request on its own connection: a graceful restart closes idle
# keep-alive connections, and a request sent on one at that moment is lost in
# a race every HTTP client must retry (RFC 9112 section 9.3.1), which wrk
# does not.
SOAK_CLOSE=1 run_wrk $phase2 graceful >/dev/null &
wrk_pid=$!
for i in 1 2; do
    sleep 3
    if ! kill -0 $wrk_pid 2>/dev/null; then
        echo "soak: phase 2 ended before graceful $i: give it more requests"
        status=1
    fi
    ctl graceful; echo "graceful $i at +$((3 * i)) s"
done
wait $wrk_pid
cat "$out/graceful.txt"
check graceful || status=1
grep -E 'exit signal|Segmentation|AH00052' "$out/logs/error_log" && status=1

[ $status = 0 ] && echo "soak: PASS" || echo "soak: FAIL"
exit $status
