#!/bin/bash
# The per-request cost of mod_cors against Apache's own ceilings, the
# mod_headers recipe and the floor module (bench/floor): docs/performance.md
# explains the method and the figures.
#
#   bench/httpd/run.sh [ir|wrk|micro|all] [SCENARIO...]   (make bench-httpd)
#
#   ir     instructions per request (valgrind callgrind, httpd -X): primary
#   wrk    requests/s, interleaved rounds (event MPM, wrk on loopback)
#   micro  the policy-layer microbenchmark (bench/run.sh)
#   all    the three, in that order (the default)
#
# Environment: HTTPD, APXS (the Apache to measure), BENCH_N (requests of the
# short callgrind run, default 100; the long one sends twice as many),
# BENCH_ROUNDS (wrk rounds, default 15), BENCH_DURATION (seconds per wrk run,
# default 2), BENCH_CONNS (wrk connections, default 32), BENCH_OUT (directory
# for the results, default bench/httpd/results), BENCH_MOD_CORS (the
# mod_cors.so to measure, default .libs/mod_cors.so: another build, to
# compare two versions scenario by scenario).  Needs valgrind and wrk
# (installed with apt-get when missing and running as root).
#
# Everything listens on 127.0.0.1 only, on a port found free at run time;
# the script starts and stops its own Apaches.
set -eu
cd "$(dirname "$0")/../.."
top=$PWD
mode=${1:-all}
[ $# -gt 0 ] && shift
only="$*"

APXS=${APXS:-apxs}
LIBEXEC=$($APXS -q LIBEXECDIR)
HTTPD=${HTTPD:-$($APXS -q SBINDIR)/$($APXS -q progname)}
N=${BENCH_N:-100}
ROUNDS=${BENCH_ROUNDS:-15}
DURATION=${BENCH_DURATION:-2}
CONNS=${BENCH_CONNS:-32}
OUT=${BENCH_OUT:-$top/bench/httpd/results}
MOD_CORS=${BENCH_MOD_CORS:-$top/.libs/mod_cors.so}
MOD_FLOOR=$top/bench/floor/.libs/mod_cors_floor.so
KACLIENT=$top/bench/httpd/kaclient
# As root, every Apache (and valgrind around it) runs as nobody from the
# start: callgrind creates its output file at start-up and could not write
# it after Apache's own switch to an unprivileged User.
asuser=()
if [ "$(id -u)" = 0 ]; then
    asuser=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

need() { # command package
    command -v "$1" >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "bench: installing $2" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
    fi
    command -v "$1" >/dev/null || { echo "bench: $1 is needed (apt-get install $2)" >&2; exit 1; }
}
for f in "$MOD_CORS" "$MOD_FLOOR" "$KACLIENT"; do
    [ -e "$f" ] || { echo "bench: $f is missing: run make bench-httpd" >&2; exit 1; }
done

W=$(mktemp -d /tmp/cors-bench.XXXXXX)
chmod 755 "$W"
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$W/htdocs" "$W/run" "$W/logs" "$W/cg" "$W/conf" "$W/req" "$OUT"
chmod 1777 "$W/cg" "$W/logs" "$W/run"
# The 100-byte static file every scenario asks for.
printf '%099d\n' 0 | tr 0 x >"$W/htdocs/f.txt"
chmod -R a+rX "$W/htdocs"
echo "text/plain txt" >"$W/mime.types"

# A loopback port nobody listens on.
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

# --------------------------------------------------------------------------
# The requests: a preflight and a GET from an allowed origin.  Every GET
# scenario sends the same bytes, and so does every preflight scenario.
ORIGIN=https://app.two.example
printf 'OPTIONS /f.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\nOrigin: %s\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type, x-requested-with\r\n\r\n' \
    "$ORIGIN" >"$W/req/preflight"
printf 'GET /f.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\nOrigin: %s\r\n\r\n' \
    "$ORIGIN" >"$W/req/get"
# A form POST as a current browser sends it from the allowed origin
# (Sec-Fetch-Site), and as an older one sends it from the server's own
# page (Origin naming the Host): the two ways CORSCrossOriginProtection
# lets a POST through.  The static file answers POST like GET.
printf 'POST /f.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\nOrigin: %s\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nitem=42' \
    "$ORIGIN" >"$W/req/post"
printf 'POST /f.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\nOrigin: http://127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nitem=42' \
    >"$W/req/post-host"

# The policy of every mod_cors scenario, and the recipe admins write today
# for the same policy with mod_setenvif, mod_headers and mod_rewrite.
POLICY_ORIGINS='CORSAllowOrigin https://app.one.example https://app.two.example https://app.six.example'
POLICY_REST='CORSAllowMethods GET POST PUT DELETE
CORSAllowHeaders Content-Type X-Requested-With
CORSAllowCredentials On
CORSMaxAge 600'
POLICY="CORSEngine On
$POLICY_ORIGINS
$POLICY_REST"
RECIPE='SetEnvIf Origin "^https://app\.(one|two|six)\.example$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN
Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE" env=CORS_ORIGIN
Header always set Access-Control-Allow-Headers "Content-Type, X-Requested-With" env=CORS_ORIGIN
Header always set Access-Control-Max-Age "600" env=CORS_ORIGIN
Header always merge Vary Origin
RewriteEngine On
RewriteCond %{REQUEST_METHOD} =OPTIONS
RewriteRule ^ - [R=204,L]'
CEILING='RewriteEngine On
RewriteCond %{REQUEST_METHOD} =OPTIONS
RewriteRule ^ - [R=204,L]'

# 10,000 exact origins (the three of the policy among them) and 1,000
# wildcard patterns (one of which covers the request's origin), 100 to a
# line: Apache reads at most 8 KiB per configuration line.
origins_10k() {
    local i line=
    for ((i = 0; i < 10000; i++)); do
        case $i in
        1000) line="$line https://app.one.example" ;;
        5000) line="$line https://app.two.example" ;;
        9000) line="$line https://app.six.example" ;;
        *) line="$line https://h$i.example" ;;
        esac
        if ((i % 100 == 99)); then echo "CORSAllowOrigin$line"; line=; fi
    done
}
wild_1k() {
    local i line=
    for ((i = 0; i < 1000; i++)); do
        if ((i == 500)); then line="$line https://*.two.example"
        else line="$line https://*.d$i.example"; fi
        if ((i % 100 == 99)); then echo "CORSAllowOrigin$line"; line=; fi
    done
}
locations() { # count
    local i
    for ((i = 0; i < $1; i++)); do
        printf '<Location "/">\n<IfModule mod_cors.c>\nCORSMaxAge 600\n</IfModule>\n</Location>\n'
    done
}

# scenario NAME -> sets req, mods (cors|floor|none), dir, srv
scenario() {
    req=get mods=none dir= srv=
    case $1 in
    ceiling-204) req=preflight srv=$CEILING ;;
    ceiling-204-fixups) req=preflight dir=$CEILING ;;
    recipe-preflight) req=preflight dir=$RECIPE ;;
    recipe-get) dir=$RECIPE ;;
    plain-get) ;;
    floor-preflight) req=preflight mods=floor dir='CORSFloor On' ;;
    floor-get) mods=floor dir='CORSFloor On' ;;
    modcors-preflight) req=preflight mods=cors dir=$POLICY ;;
    modcors-get) mods=cors dir=$POLICY ;;
    modcors-get-protected) mods=cors dir="$POLICY
CORSCrossOriginProtection On" ;;
    modcors-post) req=post mods=cors dir=$POLICY ;;
    modcors-post-protected) req=post mods=cors dir="$POLICY
CORSCrossOriginProtection On" ;;
    modcors-post-host) req=post-host mods=cors dir=$POLICY ;;
    modcors-post-host-protected) req=post-host mods=cors dir="$POLICY
CORSCrossOriginProtection On" ;;
    modcors-*-named)
        # The same policy as a <CORSPolicy> the directory names.
        case $1 in *preflight*) req=preflight ;; esac
        mods=cors dir="CORSEngine On
CORSPolicy bench"
        srv="<CORSPolicy bench>
$POLICY_ORIGINS
$POLICY_REST
</CORSPolicy>" ;;
    # CORSEngine ReportOnly with the same policy, beside the recipe it is
    # to replace (docs/migrating.md, "Rolling out")
    reportonly-preflight) req=preflight mods=cors dir="$RECIPE
CORSEngine ReportOnly
$POLICY_ORIGINS
$POLICY_REST" ;;
    reportonly-get) mods=cors dir="$RECIPE
CORSEngine ReportOnly
$POLICY_ORIGINS
$POLICY_REST" ;;
    modcors-get-10k) mods=cors dir="CORSEngine On
$(origins_10k)
$POLICY_REST" ;;
    modcors-get-1kwild) mods=cors dir="CORSEngine On
$(wild_1k)
$POLICY_REST" ;;
    loc-*-cors | loc-*-plain)
        local k=${1#loc-}
        k=${k%-*}
        case $1 in *-cors) mods=cors ;; esac
        dir="<IfModule mod_cors.c>
$POLICY
</IfModule>"
        srv=$(locations "$k")
        ;;
    *) echo "bench: unknown scenario $1" >&2; exit 1 ;;
    esac
}
IR_SCENARIOS="ceiling-204 ceiling-204-fixups recipe-preflight recipe-get plain-get
floor-preflight floor-get modcors-preflight modcors-get modcors-preflight-named
modcors-get-named modcors-get-10k
modcors-get-1kwild modcors-get-protected modcors-post modcors-post-protected
modcors-post-host modcors-post-host-protected loc-1-plain loc-1-cors loc-10-plain loc-10-cors
loc-100-plain loc-100-cors reportonly-preflight reportonly-get"

# write_conf NAME MPM PORT -> the configuration file's path
write_conf() {
    local name=$1 mpm=$2 port=$3 conf=$W/conf/$1.$2.conf
    scenario "$name"
    {
        echo "# bench/httpd scenario $name ($mpm MPM)"
        echo "ServerRoot \"$W\""
        echo "DefaultRuntimeDir \"$W/run\""
        echo "PidFile \"$W/run/$name.$mpm.pid\""
        echo "Mutex file:$W/run default"
        echo "Listen 127.0.0.1:$port"
        echo "ServerName 127.0.0.1"
        echo "ErrorLog \"$W/logs/$name.$mpm.error.log\""
        echo "LogLevel warn"
        echo "LoadModule mpm_${mpm}_module \"$LIBEXEC/mod_mpm_$mpm.so\""
        for m in authz_core mime setenvif headers rewrite; do
            echo "LoadModule ${m}_module \"$LIBEXEC/mod_$m.so\""
        done
        case $mods in
        cors) echo "LoadModule cors_module \"$MOD_CORS\"" ;;
        floor) echo "LoadModule cors_floor_module \"$MOD_FLOOR\"" ;;
        esac
        cat <<EOF
TypesConfig "$W/mime.types"
DocumentRoot "$W/htdocs"
# Pinned: each of Apache's stock settings below would swamp any module.
# EnableMMAP On (the default) costs one mmap/munmap per request.
EnableMMAP Off
EnableSendfile Off
# No access log (CustomLog), no .htaccess lookups.
# Linux's TCP_DEFER_ACCEPT (Apache's default for http) holds a connection
# back until its first bytes arrive: the request would not find the server
# waiting in poll(), as every later one does.
AcceptFilter http none
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 60
Timeout 300
HostnameLookups Off
EOF
        if [ "$mpm" = event ]; then
            cat <<EOF
# One process with more threads than wrk has connections: the event MPM
# would otherwise drop keep-alive connections.
StartServers 1
ServerLimit 1
ThreadsPerChild 64
ThreadLimit 64
MaxRequestWorkers 64
MinSpareThreads 1
MaxSpareThreads 64
EOF
        fi
        cat <<EOF
<Directory />
    AllowOverride None
    Options FollowSymLinks
    Require all denied
</Directory>
<Directory "$W/htdocs">
    AllowOverride None
    # Without FollowSymLinks Apache lstat()s every component of the path.
    Options FollowSymLinks
    Require all granted
$dir
</Directory>
$srv
EOF
    } >"$conf"
    echo "$conf"
}

# --------------------------------------------------------------------------
# Instructions per request

cg_total() { sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$1" | head -n 1; }

# cg_run NAME REQUESTS OUTFILE [FIRST_RESPONSE]: one httpd -X under callgrind.
# The server's command line, environment, configuration and working
# directory are the same whatever REQUESTS is; so is callgrind's output path.
# Only connections are counted (--toggle-collect): start-up builds hash
# tables whose seed APR picks at random (the Public Suffix List's index has
# 12,000 entries), and its cost varied between two runs by enough to move
# the per-request figure by up to 1,000 Ir.
cg_run() {
    local conf=$W/conf/$1.prefork.conf vpid rc=0
    (cd "$W" && exec env -i PATH=/usr/bin:/bin LANG=C "${asuser[@]}" \
        valgrind --tool=callgrind --callgrind-out-file="$W/cg/current.out" \
        --toggle-collect=ap_run_process_connection \
        "$HTTPD" -X -f "$conf" >"$W/logs/valgrind.log" 2>&1) &
    vpid=$!
    pids=("$vpid")
    "$KACLIENT" "$PORT" "$vpid" "$2" "$W/req/$req" ${4:+"$4"} || rc=$?
    kill -TERM "$vpid" 2>/dev/null || true
    wait "$vpid" || true
    pids=()
    if [ "$rc" != 0 ] || [ ! -s "$W/cg/current.out" ]; then
        echo "bench: scenario $1 failed; its error log:" >&2
        cat "$W/logs/$1.prefork.error.log" "$W/logs/valgrind.log" >&2 || true
        exit 1
    fi
    mv "$W/cg/current.out" "$3"
}

# Ir per request in each function of the CORS module (mod_cors or the
# floor): "self<TAB>self+calls out<TAB>function", from the N and 2N runs.
module_functions() { # name
    perl "$top/bench/httpd/cgfuncs.pl" "$OUT/$1.N.callgrind" 'mod_cors' >"$W/fa"
    perl "$top/bench/httpd/cgfuncs.pl" "$OUT/$1.2N.callgrind" 'mod_cors' >"$W/fb"
    awk -F'\t' -v n="$N" 'NR==FNR{s[$5]-=$1;o[$5]-=$3;next}{s[$5]+=$1;o[$5]+=$3}
        END{for(f in s){a=s[f]/n; b=(s[f]+o[f])/n
            if(a>=1||b>=1) printf "%d\t%d\t%s\n", a, b, f}}' \
        "$W/fa" "$W/fb" | sort -t"$(printf '\t')" -k2,2rn
}

ir_bench() {
    need valgrind valgrind
    need callgrind_annotate valgrind
    local s a b list=${only:-$IR_SCENARIOS}
    PORT=$(free_port)
    : >"$OUT/ir.tsv"
    for s in $list; do
        write_conf "$s" prefork "$PORT" >/dev/null
        scenario "$s"
        cg_run "$s" "$N" "$OUT/$s.N.callgrind" "$OUT/$s.response"
        cg_run "$s" $((2 * N)) "$OUT/$s.2N.callgrind"
        a=$(cg_total "$OUT/$s.N.callgrind")
        b=$(cg_total "$OUT/$s.2N.callgrind")
        printf '%s\t%s\t%s\t%s\n' "$s" $(((b - a) / N)) "$a" "$b" >>"$OUT/ir.tsv"
        printf '%-22s %8d Ir/request\n' "$s" $(((b - a) / N))
        case $s in modcors-* | loc-*-cors | floor-* | reportonly-*)
            module_functions "$s" >"$OUT/$s.functions.tsv" ;;
        esac
    done
    ir_report >"$OUT/ir.md"
    cat "$OUT/ir.md"
}

# The table and the targets, from ir.tsv.
ir_report() {
    perl -e '
        my %ir; open my $f, "<", $ARGV[0] or die;
        while (<$f>) { chomp; my ($s, $v) = split /\t/; $ir{$s} = $v }
        my $mod = sub { my $s = shift; my ($a, $b) = (0, 0);
            open my $g, "<", "$ARGV[1]/$s.functions.tsv" or return ("", "");
            while (<$g>) { my @f = split /\t/; $a += $f[0]; $b += $f[1] } ($a, $b) };
        print "| scenario | Ir/request | module: own code | module: own code + its calls |\n|---|---:|---:|---:|\n";
        for my $s (split " ", $ARGV[2]) {
            next unless exists $ir{$s};
            printf "| %s | %d | %s | %s |\n", $s, $ir{$s}, $mod->($s);
        }
        my @t;
        my $r = sub { my ($a, $b, $lim, $what) = @_;
            return unless exists $ir{$a} && exists $ir{$b} && $ir{$b};
            my $x = $ir{$a} / $ir{$b};
            push @t, sprintf "| %s | %s / %s = %.4f | %s %.2f | %s |",
                $what, $a, $b, $x, "<=", $lim, $x <= $lim ? "met" : "MISSED" };
        $r->("modcors-preflight", "floor-preflight", 1.02, "preflight vs floor");
        $r->("modcors-preflight", "recipe-preflight", 0.92, "preflight vs recipe");
        $r->("modcors-get", "floor-get", 1.02, "GET vs floor");
        $r->("modcors-get", "recipe-get", 0.75, "GET vs recipe");
        $r->("modcors-get-10k", "modcors-get", 1.01, "10,000 origins");
        $r->("modcors-get-1kwild", "modcors-get", 1.01, "1,000 wildcards");
        $r->("modcors-post-protected", "modcors-post", 1.01, "POST, cross-origin protection (Sec-Fetch-Site)");
        $r->("modcors-post-host-protected", "modcors-post-host", 1.01, "POST, cross-origin protection (Origin = Host)");
        $r->("reportonly-preflight", "recipe-preflight", 1.03, "ReportOnly beside the recipe, preflight");
        $r->("reportonly-get", "recipe-get", 1.03, "ReportOnly beside the recipe, GET");
        print "\n| target | ratio | limit | |\n|---|---|---|---|\n", map "$_\n", @t;
        if (exists $ir{"loc-100-cors"} && exists $ir{"loc-1-cors"}
            && exists $ir{"loc-100-plain"} && exists $ir{"loc-1-plain"}) {
            my $c = ($ir{"loc-100-cors"} - $ir{"loc-1-cors"}) / 99;
            my $p = ($ir{"loc-100-plain"} - $ir{"loc-1-plain"}) / 99;
            printf "\nPer merged <Location>: %.0f Ir with mod_cors, %.0f without: mod_cors adds %.0f Ir (limit 50: %s)\n",
                $c, $p, $c - $p, $c - $p <= 50 ? "met" : "MISSED";
        }
    ' "$OUT/ir.tsv" "$OUT" "$IR_SCENARIOS"
}

# --------------------------------------------------------------------------
# Requests per second

WRK_PAIRS="recipe-preflight modcors-preflight floor-preflight recipe-get
modcors-get floor-get plain-get"

wrk_bench() {
    need wrk wrk
    local s name port conf i
    declare -A portof
    : >"$OUT/wrk.tsv"
    # One event-MPM Apache per configuration, all started before the first
    # round and left running: rounds interleave the scenarios.
    for s in ${only:-$WRK_PAIRS}; do
        port=$(free_port)
        conf=$(write_conf "$s" event "$port")
        env -i PATH=/usr/bin:/bin LANG=C "${asuser[@]}" "$HTTPD" -f "$conf" -k start
        portof[$s]=$port
    done
    sleep 1
    for s in ${only:-$WRK_PAIRS}; do
        scenario "$s"
        if [ "$req" = preflight ]; then
            printf 'wrk.method = "OPTIONS"\nwrk.headers["Origin"] = "%s"\nwrk.headers["Access-Control-Request-Method"] = "PUT"\nwrk.headers["Access-Control-Request-Headers"] = "content-type, x-requested-with"\n' "$ORIGIN" >"$W/req/$s.lua"
        else
            printf 'wrk.method = "GET"\nwrk.headers["Origin"] = "%s"\n' "$ORIGIN" >"$W/req/$s.lua"
        fi
        # warm-up
        wrk -t2 -c"$CONNS" -d1s -s "$W/req/$s.lua" "http://127.0.0.1:${portof[$s]}/f.txt" >/dev/null
    done
    echo "load before the rounds: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/wrk.load"
    local list=(${only:-$WRK_PAIRS}) k
    for ((i = 1; i <= ROUNDS; i++)); do
        # Each round starts one scenario further on, so that no scenario
        # always follows the same neighbour.
        for ((k = 0; k < ${#list[@]}; k++)); do
            s=${list[$(((i + k) % ${#list[@]}))]}
            wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$W/req/$s.lua" \
                "http://127.0.0.1:${portof[$s]}/f.txt" >"$W/wrk.out"
            rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$W/wrk.out")
            errs=$(grep -c 'Non-2xx\|Socket errors' "$W/wrk.out" || true)
            printf '%d\t%s\t%s\t%s\n' "$i" "$s" "$rps" "$errs" >>"$OUT/wrk.tsv"
        done
        printf 'round %d/%d\n' "$i" "$ROUNDS" >&2
    done
    echo "load after the rounds: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/wrk.load"
    for s in ${only:-$WRK_PAIRS}; do
        env -i PATH=/usr/bin:/bin LANG=C "${asuser[@]}" "$HTTPD" -f "$W/conf/$s.event.conf" -k stop
    done
    sleep 1
    wrk_report >"$OUT/wrk.md"
    cat "$OUT/wrk.md"
}

# Medians of requests/s, and of each round's ratio with an interval: the
# order statistics that bracket the median with at least 95 % confidence
# (binomial, rounds independent).
wrk_report() {
    perl -e '
        use List::Util qw(sum);
        my (%r, $err);
        open my $f, "<", $ARGV[0] or die;
        while (<$f>) { chomp; my ($i, $s, $v, $e) = split /\t/;
            $r{$s}[$i - 1] = $v; $err += $e }
        sub med { my @x = sort { $a <=> $b } @_; my $n = @x;
            $n % 2 ? $x[$n/2] : ($x[$n/2-1] + $x[$n/2]) / 2 }
        sub ci { my @x = sort { $a <=> $b } @_; my $n = @x;
            # largest k with P(Bin(n,1/2) < k) <= 2.5 %
            my ($k, $c, $p) = (0, 0, 0.5 ** $n);
            for my $j (0 .. $n) { last if $c + $p > 0.025; $c += $p; $k = $j + 1;
                $p = $p * ($n - $j) / ($j + 1) }
            return ("n/a", "n/a") if $k < 1;
            ($x[$k - 1], $x[$n - $k]) }
        print "| scenario | median requests/s | min | max |\n|---|---:|---:|---:|\n";
        for my $s (split " ", $ARGV[1]) { next unless $r{$s};
            my @x = sort { $a <=> $b } @{$r{$s}};
            printf "| %s | %.0f | %.0f | %.0f |\n", $s, med(@x), $x[0], $x[-1] }
        print "\n| ratio | median | 95 % interval | target |\n|---|---:|---|---|\n";
        for my $p (["modcors-preflight", "recipe-preflight", ">= 1 (within the interval)"],
                   ["modcors-get", "recipe-get", ">= 1 (within the interval)"],
                   ["modcors-get", "plain-get", ">= 0.97"],
                   ["modcors-preflight", "floor-preflight", ""],
                   ["modcors-get", "floor-get", ""]) {
            my ($a, $b, $t) = @$p; next unless $r{$a} && $r{$b};
            my @q = map { $r{$a}[$_] / $r{$b}[$_] } 0 .. $#{$r{$a}};
            my ($lo, $hi) = ci(@q);
            my $iv = $lo eq "n/a" ? "n/a (too few rounds)" : sprintf "%.3f .. %.3f", $lo, $hi;
            printf "| %s / %s | %.3f | %s | %s |\n", $a, $b, med(@q), $iv, $t }
        printf "\nwrk error lines (non-2xx or socket errors) over all runs: %d\n", $err;
    ' "$OUT/wrk.tsv" "$WRK_PAIRS"
}

# --------------------------------------------------------------------------

machine() {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) vCPU"
    echo "kernel: $(uname -r)"
    echo "httpd: $("$HTTPD" -v | sed -n 's/^Server version: //p')"
    echo "valgrind: $(valgrind --version 2>/dev/null || echo none)"
    echo "wrk: $(wrk -v 2>&1 | head -n 1 || echo none)"
    echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "N: $N (short run), $((2 * N)) (long run); wrk: $ROUNDS rounds of ${DURATION}s, $CONNS connections"
}

machine | tee "$OUT/machine.txt"
case $mode in
ir) ir_bench ;;
wrk) wrk_bench ;;
micro) bench/run.sh | tee "$OUT/micro.txt" ;;
all)
    ir_bench
    bench/run.sh | tee "$OUT/micro.txt"
    wrk_bench
    ;;
*) echo "usage: bench/httpd/run.sh [ir|wrk|micro|all] [SCENARIO...]" >&2; exit 2 ;;
esac
