# Origin maps from a database (docs/mod_cors.md, "Maps from a database"):
# CORSAllowOriginMap dbd: through mod_dbd against a real SQLite file, always,
# and a PostgreSQL cluster this test starts in a temporary directory (when
# the server is installed: tools/packages.d/maps.list): found and not found,
# the policy column (NULL, '-', a name, an unknown name), wildcard rows,
# answers kept for CORSAllowOriginMapTTL, and a database that goes away and
# comes back: known answers are used past their TTL, other origins refused,
# the error logged at most once every 10 seconds.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep time);
use CorsTest;
use CorsHttpd ();

cors_plan();

my $TTL = 2;
my $QUERY = 'SELECT policy FROM cors_origins WHERE origin = %s';
my $PARTNER = 'https://partner.example';

sub pf {
    my ($h, $origin, $method) = @_;
    return req('OPTIONS', '/db/a.txt',
               [Origin => $origin, 'Access-Control-Request-Method' => $method || 'GET'],
               port => $h->port);
}
sub allowed { pf(@_)->{status} == 204 ? 1 : 0 }
sub eventually {
    my ($code, $secs) = @_;
    my $t0 = time;
    while (time - $t0 < ($secs || 8)) {
        return 1 if $code->();
        sleep 0.2;
    }
    return 0;
}
sub count_matches { my ($re, $text) = @_; my $n = () = $text =~ /$re/g; $n }

my @ROWS = (
    ['https://null.example', undef],
    ['https://dash.example', '-'],
    ['https://empty.example', ''],
    [$PARTNER, 'partner'],
    ['https://*.w.example', undef],
    ['https://*.b.w.example', 'partner'],
    ['https://unknown.example', 'nosuch'],
    ['https://gone.example', undef],
);

# The same checks for any database: DB has insert(origin, policy), delete(origin),
# break() (queries fail), fix().
sub run_checks {
    my ($name, $db, $driver, $params, @dbd) = @_;
    my $h = CorsHttpd->new(name => "maps-dbd-$name", modules => [qw(mime dbd)]);
    my $d = $h->dir;
    $h->write_file('htdocs/db/a.txt', "a\n");
    $h->write_conf(
        qq{DocumentRoot "$d/htdocs"},
        # one process: "at most once every 10 seconds" is per process
        '<IfModule mpm_prefork_module>',
        '    StartServers 1', '    MinSpareServers 1', '    MaxSpareServers 1', '    ServerLimit 1',
        '</IfModule>',
        '<IfModule !mpm_prefork_module>',
        '    StartServers 1', '    ServerLimit 1', '    ThreadsPerChild 8',
        '    MinSpareThreads 1', '    MaxSpareThreads 8', '    MaxRequestWorkers 8',
        '</IfModule>',
        "DBDriver $driver",
        qq{DBDParams "$params"},
        @dbd,
        '<CORSPolicy partner>',
        '    CORSAllowMethods GET PUT',
        '    CORSAllowCredentials On',
        '</CORSPolicy>',
        '<Location "/db/">',
        '    CORSEngine On',
        qq{    CORSAllowOriginMap "dbd:$QUERY"},
        "    CORSAllowOriginMapTTL $TTL",
        '</Location>',
    );
    my ($ok, $out) = $h->syntax;
    ok($ok, "$name: httpd -t") or diag($out);
    ok($h->start, "$name: started") or do { diag($h->error_log); return };

    # --- rows -------------------------------------------------------------
    ok(allowed($h, 'https://null.example'), "$name: a row whose policy is NULL")
        or diag(join "\n", grep { /dbd|cors/i } split /\n/, $h->error_log);
    ok(allowed($h, 'https://dash.example'), "$name: a row whose policy is '-'");
    ok(allowed($h, 'https://empty.example'), "$name: a row whose policy is empty");
    my $r = pf($h, 'https://null.example', 'PUT');
    is($r->{status}, 403, "$name: no policy: the section's methods");
    $r = pf($h, $PARTNER, 'PUT');
    is($r->{status}, 204, "$name: a row naming a policy: its methods");
    is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', "$name: ... and its credentials");
    is(hdr($r, 'Access-Control-Allow-Origin'), $PARTNER, "$name: ... and the origin echoed");
    ok(allowed($h, 'https://a.w.example'), "$name: a wildcard row");
    ok(!allowed($h, 'https://w.example'), "$name: not the wildcard's domain");
    $r = pf($h, 'https://x.b.w.example', 'PUT');
    is($r->{status}, 204, "$name: the most specific wildcard row decides");
    ok(!allowed($h, 'https://none.example'), "$name: no row: refused");
    my $mark = length $h->error_log;
    ok(!allowed($h, 'https://unknown.example'), "$name: a row naming no <CORSPolicy>: refused");
    ok(eventually(sub { substr($h->error_log, $mark) =~ /the row for 'https:\/\/unknown\.example' names 'nosuch', no <CORSPolicy> of this virtual host or the server config: the origin is refused/ }),
        "$name: ... and logged");
    $r = req('GET', '/db/a.txt', [Origin => 'https://dash.example'], port => $h->port);
    is(hdr($r, 'Access-Control-Allow-Origin'), 'https://dash.example', "$name: GET from a row");

    # --- answers kept for the TTL ---------------------------------------------
    ok(!allowed($h, 'https://late.example'), "$name: not yet a row");
    $db->{insert}->('https://late.example', undef);
    ok(!allowed($h, 'https://late.example'), "$name: a 'not found' is kept for the TTL");
    ok(eventually(sub { allowed($h, 'https://late.example') }), "$name: ... and asked again after it");
    ok(allowed($h, 'https://gone.example'), "$name: a row");
    $db->{delete}->('https://gone.example');
    ok(allowed($h, 'https://gone.example'), "$name: a 'found' is kept for the TTL");
    ok(eventually(sub { !allowed($h, 'https://gone.example') }), "$name: ... and asked again after it");

    # --- the database goes away -------------------------------------------------
    ok(allowed($h, 'https://dash.example'), "$name: an answer known before the database goes");
    ok(!allowed($h, 'https://none.example'), "$name: a 'not found' known before it goes");
    $db->{insert}->('https://unasked.example', undef);
    $mark = length $h->error_log;
    $db->{break}->();
    sleep $TTL + 0.5;
    my $t0 = time;
    my ($kept, $refused, $unasked, $n) = (1, 1, 1, 0);
    while (time - $t0 < 4) {
        for my $o ('https://dash.example', $PARTNER) {
            next if allowed($h, $o);
            diag("$name: $o refused at " . sprintf('%.1f', time - $t0) . 's') if $kept;
            $kept = 0;
        }
        $refused &&= !allowed($h, 'https://none.example');
        $unasked &&= !allowed($h, 'https://unasked.example');
        $n++;
        sleep 0.1;
    }
    ok($kept, "$name: database gone: known answers are used past their TTL ($n rounds)")
        or diag(join "\n", grep { /cors:/i } split /\n/, substr($h->error_log, $mark));
    ok($refused, "$name: database gone: a known 'not found' stays refused");
    ok($unasked, "$name: database gone: an origin not asked before is refused");
    $r = pf($h, $PARTNER, 'PUT');
    is($r->{status}, 204, "$name: database gone: a known policy still applies");
    my $errors = count_matches(qr/CORSAllowOriginMap dbd:\Q$QUERY\E: the database cannot be asked \(.*?\): answers already known are used, other origins are refused \(said at most once every 10 seconds\)/,
                               substr($h->error_log, $mark));
    is($errors, 1, "$name: database gone: the error logged once in 4 seconds of failures");

    # --- and comes back ---------------------------------------------------------
    $db->{fix}->();
    ok(eventually(sub { allowed($h, 'https://unasked.example') }, 20),
        "$name: database back: a new origin is asked and allowed");
    $db->{delete}->('https://dash.example');
    ok(eventually(sub { !allowed($h, 'https://dash.example') }),
        "$name: database back: expired answers are asked again");

    ok($h->stop, "$name: stopped");
    is(join("\n", $h->crash_lines), '', "$name: no child crashed");
}

sub sql_value { defined $_[0] ? "'" . $_[0] =~ s/'/''/gr . "'" : 'NULL' }

# --- SQLite ---------------------------------------------------------------------
SKIP: {
    my ($sqlite) = grep { -x } map { "$_/sqlite3" } split /:/, $ENV{PATH};
    skip 'sqlite3 is not installed (tools/packages.d/maps.list)', 1 unless $sqlite;
    my $dir = tempdir('cors-maps-sqlite-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    my $file = "$dir/map.sqlite";
    my $sql = sub {
        system($sqlite, $file, $_[0]) == 0 or die "sqlite3: $_[0]\n";
        chmod 0644, $file;
    };
    $sql->('CREATE TABLE cors_origins (origin TEXT PRIMARY KEY, policy TEXT)');
    $sql->('INSERT INTO cors_origins VALUES (' . sql_value($_->[0]) . ', ' . sql_value($_->[1]) . ')')
        for @ROWS;
    run_checks('sqlite', {
        insert => sub { $sql->('INSERT INTO cors_origins VALUES (' . sql_value($_[0]) . ', ' . sql_value($_[1]) . ')') },
        delete => sub { $sql->('DELETE FROM cors_origins WHERE origin = ' . sql_value($_[0])) },
        # the file away: a connection cannot be opened (the server's user
        # may not create one in this directory)
        break  => sub { rename $file, "$file.away" or die "rename: $!" },
        fix    => sub { rename "$file.away", $file or die "rename: $!" },
    }, 'sqlite3', $file,
    # a connection per request, so that each one finds the file gone or back
    'DBDPersist Off');
}

# --- PostgreSQL -------------------------------------------------------------------
SKIP: {
    my ($bin) = reverse sort glob '/usr/lib/postgresql/*/bin';
    skip 'PostgreSQL is not installed (tools/packages.d/maps.list)', 1
        unless $bin && -x "$bin/initdb" && -x "$bin/pg_ctl";
    my $dir = tempdir('cors-maps-pg-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    my $port = CorsHttpd::free_port();
    # the server refuses to run as root: as nobody, in a directory of its own
    my @as = $> == 0 ? ('runuser', '-u', 'nobody', '--') : ();
    if ($> == 0) {
        my ($uid, $gid) = (getpwnam('nobody'))[2, 3];
        chown $uid, $gid, $dir;
    }
    my $log = "$dir/server.log";
    my $run = sub { system(@_) == 0 };
    ok($run->(@as, "$bin/initdb", '-D', "$dir/data", '-A', 'trust', '-U', 'cors',
              '--no-sync', '-E', 'UTF8', '--locale', 'C'),
       'pgsql: initdb') or skip 'initdb failed', 1;
    my $start = sub {
        $run->(@as, "$bin/pg_ctl", '-D', "$dir/data", '-l', $log, '-w', '-t', '30',
               '-o', "-p $port -c listen_addresses='' -c unix_socket_directories=$dir -c fsync=off",
               'start')
    };
    my $stop = sub { $run->(@as, "$bin/pg_ctl", '-D', "$dir/data", '-m', 'fast', '-w', 'stop') };
    ok($start->(), 'pgsql: the cluster started') or skip 'pg_ctl start failed', 1;
    my $psql = sub {
        system("$bin/psql", '-h', $dir, '-p', $port, '-U', 'cors', '-d', 'postgres',
               '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', $_[0]) == 0 or die "psql: $_[0]\n";
    };
    $psql->('CREATE TABLE cors_origins (origin TEXT PRIMARY KEY, policy TEXT)');
    $psql->('INSERT INTO cors_origins VALUES (' . sql_value($_->[0]) . ', ' . sql_value($_->[1]) . ')')
        for @ROWS;
    my $down = 0;
    run_checks('pgsql', {
        insert => sub { $psql->('INSERT INTO cors_origins VALUES (' . sql_value($_[0]) . ', ' . sql_value($_[1]) . ')') },
        delete => sub { $psql->('DELETE FROM cors_origins WHERE origin = ' . sql_value($_[0])) },
        break  => sub { $stop->() or die "pg_ctl stop\n"; $down = 1 },
        fix    => sub { $start->() or die "pg_ctl start\n"; $down = 0 },
    }, 'pgsql', "host=$dir port=$port user=cors dbname=postgres connect_timeout=2");
    $stop->() unless $down;
}

done_testing();
