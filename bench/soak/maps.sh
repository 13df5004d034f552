#!/bin/bash
# Origin-map soak (docs/performance.md, "Origin maps"): a dedicated httpd
# (event MPM, two children, loopback only) with a text map and, when the
# PostgreSQL server is installed, a database map on a cluster of its own,
# loaded with wrk (bench/soak/maps.lua) for SOAK_SECONDS while
#   - the text map is changed every second, in turn: a new version renamed
#     into place, a write cut short in the middle of a line, the file
#     deleted, a version with a bad line, two more good versions; the good
#     versions differ only in origins the load does not send, and the
#     origins it sends are on the last lines, so a version read short would
#     show as wrong verdicts;
#   - PostgreSQL is restarted every SOAK_PG_EVERY seconds.
# Every response must carry the verdict every version agrees on (mapped and
# policy-mapped origins allowed with their settings, others refused), no
# request may fail, and the children's RSS must stay flat (under 10 %
# growth between the end of the warm-up, which runs with the changes too,
# and the end; bench/soak/out-maps/rss.log has the RSS every 10 s).
#
#   bench/soak/maps.sh            # SOAK_SECONDS=120 SOAK_PG_EVERY=10
#
# Environment: HTTPD (default /usr/sbin/apache2), LIBEXECDIR, SOAK_SECONDS,
# SOAK_PG_EVERY, SOAK_DBD (0: no database map), SOAK_CONNECTIONS (16),
# SOAK_ENTRIES (10000, lines of the
# text map).  Output in bench/soak/out-maps/.  Needs wrk; root (to run
# PostgreSQL as nobody) for the database part.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
HTTPD=${HTTPD:-/usr/sbin/apache2}
LIBEXECDIR=${LIBEXECDIR:-/usr/lib/apache2/modules}
secs=${SOAK_SECONDS:-120}
pg_every=${SOAK_PG_EVERY:-10}
conns=${SOAK_CONNECTIONS:-16}
entries=${SOAK_ENTRIES:-10000}
out="$here/out-maps"
so="$top/.libs/mod_cors.so"

[ -e "$so" ] || { echo "soak-maps: build the module first (make)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "soak-maps: wrk is not installed" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out/htdocs/soak/txt" "$out/htdocs/soak/dbd" "$out/logs" "$out/maps"
echo soak >"$out/htdocs/soak/txt/a.txt"
echo soak >"$out/htdocs/soak/dbd/a.txt"
free_port() {
    perl -MIO::Socket::INET -e \
        'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport'
}
port=$(free_port)

# --- the text map's versions -------------------------------------------------
map=$out/maps/tenants.txt
version() { # N: a good version; its churn lines differ from the others'
    awk -v n="$1" -v e="$entries" 'BEGIN {
        print "# soak version " n
        for (i = 0; i < e; i++) printf "https://t%d.example\n", i
        print "https://stay.example"
        print "https://partner.example partner"
        for (i = 0; i < 50; i++) printf "https://churn%d-%d.example\n", n, i
    }'
}
version 0 >"$map"
chmod -R a+rX "$out"

# --- PostgreSQL ------------------------------------------------------------------
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
dbd=0
if [ "${SOAK_DBD:-1}" = 1 ] && [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] && [ "$(id -u)" = 0 ]; then
    dbd=1
    pgdir=$(mktemp -d /tmp/cors-soak-pg.XXXXXX)
    chmod 755 "$pgdir"
    chown nobody:nogroup "$pgdir"
    pgport=$(free_port)
    asnobody() { runuser -u nobody -- "$@"; }
    asnobody "$pgbin/initdb" -D "$pgdir/data" -A trust -U cors --no-sync -E UTF8 \
        --locale C >"$out/logs/initdb.log" 2>&1 || { echo "soak-maps: initdb failed" >&2; exit 1; }
    pg() { asnobody "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w -t 30 \
        -o "-p $pgport -c listen_addresses='' -c unix_socket_directories=$pgdir -c fsync=off" "$@" \
        >>"$out/logs/pg_ctl.log" 2>&1; }
    pg start || { echo "soak-maps: PostgreSQL did not start" >&2; exit 1; }
    "$pgbin/psql" -h "$pgdir" -p "$pgport" -U cors -d postgres -qAt -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
CREATE TABLE cors_origins (origin text PRIMARY KEY, policy text);
INSERT INTO cors_origins SELECT 'https://t' || i || '.example', NULL FROM generate_series(0, 9999) i;
INSERT INTO cors_origins VALUES ('https://stay-db.example', NULL), ('https://partner-db.example', 'partner');
SQL
fi

user_lines=""
if [ "$(id -u)" = 0 ]; then user_lines=$'User nobody\nGroup nogroup'; fi
dbd_lines=""
if [ $dbd = 1 ]; then
    dbd_lines="LoadModule dbd_module \"$LIBEXECDIR/mod_dbd.so\"
DBDriver pgsql
DBDParams \"host=$pgdir port=$pgport user=cors dbname=postgres connect_timeout=2\"
<Directory \"$out/htdocs/soak/dbd\">
    CORSEngine On
    CORSAllowOriginMap \"dbd:SELECT policy FROM cors_origins WHERE origin = %s\"
    CORSAllowOriginMapTTL 2
</Directory>"
fi
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
LogLevel warn cors:info
DocumentRoot "$out/htdocs"
StartServers 2
ServerLimit 2
ThreadsPerChild 25
MaxRequestWorkers 50
MinSpareThreads 25
MaxSpareThreads 50
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
<CORSPolicy partner>
    CORSAllowMethods GET PUT DELETE
    CORSAllowCredentials On
</CORSPolicy>
<Directory "$out/htdocs">
    Require all granted
</Directory>
<Directory "$out/htdocs/soak/txt">
    CORSEngine On
    CORSAllowOriginMap txt:$map
    CORSAllowMethods GET POST
</Directory>
$dbd_lines
CONF

ctl() { "$HTTPD" -f "$out/httpd.conf" -k "$1"; }
children_rss() {
    local pid; pid=$(cat "$out/logs/httpd.pid")
    ps -o pid=,rss= --ppid "$pid" | awk '{printf "%s:%dKB ", $1, $2; s += $2} END {printf "total %d KB\n", s}'
}
rss_total() { children_rss | sed 's/.*total \([0-9]*\) KB/\1/'; }

ctl start || { echo "soak-maps: httpd did not start" >&2; cat "$out/logs/error_log" >&2; exit 1; }
writer_pid=
cleanup() {
    [ -n "$writer_pid" ] && kill "$writer_pid" 2>/dev/null
    ctl stop >/dev/null 2>&1
    if [ $dbd = 1 ]; then pg stop -m fast; rm -rf "$pgdir"; fi
}
trap cleanup EXIT
for _ in $(seq 50); do [ -s "$out/logs/httpd.pid" ] && break; sleep 0.1; done
sleep 1

run_wrk() { # SECONDS LABEL
    SOAK_DBD=$dbd wrk -t2 -c"$conns" -d"$1"s --timeout 10s --latency \
        -s "$here/maps.lua" "http://127.0.0.1:$port" >"$out/$2.txt" 2>&1
}

# The writer: one change a second; PostgreSQL restarted every pg_every s.
(
    i=0
    while :; do
        i=$((i + 1))
        case $((i % 6)) in
        1) version "$i" >"$map.new" && chmod 644 "$map.new" && mv "$map.new" "$map"
           echo "$(date +%T) renamed version $i" ;;
        2) # a write that stopped in the middle of a line
           version "$i" | perl -e 'local $/; $_ = substr(<STDIN>, 0, 100000);
               chop while /\n\z/; print' >"$map"
           echo "$(date +%T) cut short (in place)" ;;
        3) rm -f "$map"
           echo "$(date +%T) deleted" ;;
        4) { version "$i"; echo "https://bad.example/path"; } >"$map.new"
           chmod 644 "$map.new" && mv "$map.new" "$map"
           echo "$(date +%T) bad line" ;;
        5) version "$i" >"$map.new" && chmod 644 "$map.new" && mv "$map.new" "$map"
           echo "$(date +%T) renamed version $i" ;;
        0) version "$i" >"$map.new" && chmod 644 "$map.new" && mv "$map.new" "$map"
           echo "$(date +%T) renamed version $i" ;;
        esac
        if [ $dbd = 1 ] && [ $((i % pg_every)) = 0 ]; then
            pg restart -m fast && echo "$(date +%T) PostgreSQL restarted"
        fi
        sleep 1
    done
) >"$out/writer.log" 2>&1 &
writer_pid=$!

# The warm-up runs with the changes too: the first reloads allocate what
# every later one reuses, so memory is compared from its end.
echo "== warm-up: 20 s"
run_wrk 20 warmup
grep '^soak-maps:' "$out/warmup.txt"
echo "children RSS after warm-up: $(children_rss)"
start_rss=$(rss_total)

echo "== soak: $secs s"
( while :; do sleep 10; echo "$(date +%T) $(children_rss)"; done ) >"$out/rss.log" 2>&1 &
rss_pid=$!
run_wrk "$secs" soak
kill "$rss_pid" 2>/dev/null
kill "$writer_pid" 2>/dev/null
wait "$writer_pid" 2>/dev/null
writer_pid=
cat "$out/soak.txt" | grep -E '^soak-maps:|Requests/sec|Latency'
echo "children RSS at the end:    $(children_rss)"
end_rss=$(rss_total)

status=0
f=$out/soak.txt
grep -q '^soak-maps: .* unexpected=0$' "$f" || { echo "soak-maps: unexpected responses"; status=1; }
grep -q 'errors connect=0 read=0 write=0 timeout=0' "$f" || { echo "soak-maps: failed requests"; status=1; }
# Each class answered as often as sent, less what was in flight at the end.
perl -ne 'while (/(\w+)=(\d+)\/(\d+)/g) { $bad++ if $3 - $2 > '"$conns"' || $2 > $3 }
          END { exit($bad ? 1 : 0) }' "$f" \
    || { echo "soak-maps: wrong verdicts (a class got more or fewer answers than sent)"; status=1; }
if [ "$end_rss" -gt $((start_rss + start_rss / 10)) ]; then
    echo "soak-maps: RSS grew from $start_rss KB to $end_rss KB (over 10 %)"; status=1
fi
grep -E 'exit signal|Segmentation|AH00052' "$out/logs/error_log" && status=1
echo "changes: $(grep -c . "$out/writer.log") ($(grep -c restarted "$out/writer.log") PostgreSQL restarts);" \
     "reloads logged: $(grep -c 'reloaded' "$out/logs/error_log"), refusals: $(grep -c 'is refused' "$out/logs/error_log")," \
     "database errors: $(grep -c 'database cannot be asked' "$out/logs/error_log")"
[ $status = 0 ] && echo "soak-maps: PASS" || echo "soak-maps: FAIL"
exit $status
