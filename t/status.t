# docs/mod_cors.md, "Counters": mod_status' CORS section, its ?auto lines
# and the per-virtual-host table, counted once per client request by every
# process, kept across a graceful restart.  Scopes: the virtual host
# cors_status in conf/status.conf.in (its own row; the server totals move
# with it since nothing else runs meanwhile).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestUtil qw(t_cmp);
use File::Spec::Functions qw(catfile);
use Time::HiRes qw(sleep);
use CorsTest;

cors_plan();

my $port = vhost_port('cors_status');
my @auto = qw(CORSPreflightOK CORSPreflightDenied CORSActualOK CORSActualDenied
              CORSNoOrigin CORSShadowMatch CORSShadowMismatch CORSMapReloads
              CORSMapErrors);

sub status_auto {
    my $r = req('GET', '/server-status?auto', [], port => $port);
    die "server-status?auto: $r->{status}\n" unless $r->{status} == 200;
    my %v = $r->{body} =~ /^(CORS\w+): (\d+)$/mg;
    return \%v;
}

# The cells of the HTML table rows whose first cell is NAME (the verdicts
# table first, then the two rows of denials by reason).
sub status_rows {
    my $name = shift;
    my $r = req('GET', '/server-status', [], port => $port);
    my @rows;
    while ($r->{body} =~ m{<tr><t[dh]>\Q$name\E</t[dh]>(.*?)</tr>}g) {
        push @rows, [ $1 =~ m{<td>([^<]*)</td>}g ];
    }
    return \@rows, $r->{body};
}

# Counting happens when the request is logged, after the response: wait
# until the totals reach what is wanted (or time out and compare anyway).
sub settled {
    my ($before, %delta) = @_;
    my $now;
    for (1 .. 50) {
        $now = status_auto();
        last unless grep { ($now->{$_} // 0) < ($before->{$_} // 0) + ($delta{$_} // 0) }
                    keys %delta;
        sleep 0.1;
    }
    return $now;
}

my $before = status_auto();
is_deeply([sort keys %$before], [sort @auto], '?auto has every CORS line')
    or diag(join ' ', sort keys %$before);
my ($rows_before) = status_rows("localhost:$port");
is(scalar @$rows_before, 3, 'the virtual host has its verdicts row and two rows of reasons');

# Requests to the virtual host.
sub sreq { my ($m, $path, $h) = @_; req($m, $path, $h, port => $port) }
sub spf {
    my ($path, $origin, $method, $acrh) = @_;
    my @h = (Origin => $origin, 'Access-Control-Request-Method' => $method);
    push @h, 'Access-Control-Request-Headers' => $acrh if defined $acrh;
    return sreq('OPTIONS', $path, \@h);
}

my @send = (
    # On: every verdict, each denial reason
    sub { spf('/h/st/x', APP, 'PUT', 'X-A') },              # preflight-ok
    sub { spf('/h/st/x', APP, 'GET') },                     # preflight-ok
    sub { spf('/h/st/x', EVIL, 'PUT') },                    # preflight-denied origin
    sub { spf('/h/st/x', APP, 'DELETE') },                  # preflight-denied method
    sub { spf('/h/st/x', APP, 'PUT', 'X-B') },              # preflight-denied headers
    sub { spf('/h/st/x', APP, 'GET, PUT') },                # preflight-denied request-method
    sub { spf('/h/st/x', 'https://a.example/p', 'PUT') },   # preflight-denied malformed-origin
    sub { spf('/h/st/deny/x', APP, 'PUT') },                # preflight-denied server
    sub { sreq('GET', '/h/st/x', [Origin => APP]) },               # actual-ok
    sub { sreq('GET', '/h/st/x', [Origin => EVIL]) },              # actual-denied origin
    sub { sreq('DELETE', '/h/st/rej/x', [Origin => APP]) },        # actual-denied method (405)
    sub { sreq('GET', '/h/st/rej/x', [Origin => EVIL]) },          # actual-denied origin (403)
    sub { sreq('GET', '/h/st/x', [Origin => 'null,null']) },       # actual-denied malformed-origin
    sub { sreq('GET', '/h/st/x', []) },                            # none
    sub { sreq('GET', '/h/st/x', []) },                            # none
    # ReportOnly: the same counters, and shadow
    sub { sreq('GET', '/h/st/ro/x', [Origin => APP]) },            # actual-ok, mismatch
    sub { sreq('GET', '/h/st/ro/x', [Origin => EVIL]) },           # actual-denied origin, match
    sub { spf('/h/st/ro/x', APP, 'PUT') },                  # preflight-ok, mismatch
    # an internal redirect to a local ErrorDocument: once
    sub { sreq('GET', '/st-missing/nothing', [Origin => APP]) },   # actual-ok
);
$_->() for @send;
my %delta = (CORSPreflightOK => 3, CORSPreflightDenied => 6, CORSActualOK => 3,
             CORSActualDenied => 5, CORSNoOrigin => 2, CORSShadowMatch => 1,
             CORSShadowMismatch => 2, CORSMapReloads => 0, CORSMapErrors => 0);
my $after = settled($before, %delta);
# a little longer: a request counted twice would show now
sleep 0.3;
$after = status_auto();
for (@auto) {
    is($after->{$_} - $before->{$_}, $delta{$_}, "?auto $_ moved by $delta{$_}");
}

my $r;
my ($rows, $html) = status_rows("localhost:$port");
my @verdicts = map { $rows->[0][$_] - $rows_before->[0][$_] } 0 .. 8;
is_deeply(\@verdicts, [3, 6, 3, 5, 2, 1, 2, 0, 0],
          'the virtual host\'s row: preflight-ok, -denied, actual-ok, -denied, none, '
          . 'shadow match, mismatch, map reloads, errors');
# reasons: origin malformed-origin method headers request-method cross-origin server
my @pf = map { $rows->[1][$_] - $rows_before->[1][$_] } 1 .. 7;   # [0] is the kind
my @ac = map { $rows->[2][$_] - $rows_before->[2][$_] } 1 .. 7;
is_deeply(\@pf, [1, 1, 1, 1, 1, 0, 1], 'preflights denied, by reason');
is_deeply(\@ac, [3, 1, 1, 0, 0, 0, 0], 'actual requests denied, by reason');
like($html, qr{<h2 id="cors">CORS \(mod_cors\)</h2>}, 'the section has its heading');
like($html, qr{<tr><th>Virtual host</th><th>Kind</th><th>origin</th><th>malformed-origin</th><th>method</th><th>headers</th><th>request-method</th><th>cross-origin</th><th>server</th></tr>},
     'the reasons table names CORS_REASON values');
like($html, qr{<tr><th>Server total</th>}, 'the server total row');
like($html, qr{<tr><td>main server</td>}, 'the main server has a row');

# ?notable: the totals as lines, no table
$r = req('GET', '/server-status?notable', [], port => $port);
like($r->{body}, qr{<h2 id="cors">CORS \(mod_cors\)</h2>\n<p>CORSPreflightOK: \d+<br />}, '?notable: the totals as lines');
unlike($r->{body}, qr{<table class="cors}, '?notable: no table');

# Outside every CORS scope nothing is counted.
my $mark = status_auto();
req('GET', '/h/plain/x', [Origin => APP]);
req('GET', '/h/plain/x', []);
sleep 0.3;
my $still = status_auto();
is_deeply($still, $mark, 'requests outside CORS scopes are not counted');

# A graceful restart keeps the counts.
my $pidfile = catfile(t_logs(), 'httpd.pid');
open my $fh, '<', $pidfile or die "$pidfile: $!";
chomp(my $pid = <$fh>);
my $gen = sub {
    my $r = eval { req('GET', '/server-status?auto', [], port => $port) } or return -1;
    return $r->{body} =~ /^ParentServerConfigGeneration: (\d+)$/m ? $1 : -1;
};
my $g0 = $gen->();
kill 'USR1', $pid;
my $g1 = $g0;
for (1 .. 100) { $g1 = $gen->(); last if $g1 > $g0; sleep 0.1 }
cmp_ok($g1, '>', $g0, 'graceful restart: a new generation');
my $kept = status_auto();
is_deeply($kept, $still, 'graceful restart: every count kept');
sreq('GET', '/h/st/x', [Origin => APP]);
my $next = settled($kept, CORSActualOK => 1);
is($next->{CORSActualOK} - $kept->{CORSActualOK}, 1, 'and counting goes on from there');
my ($rows_kept) = status_rows("localhost:$port");
is($rows_kept->[0][2] - $rows->[0][2], 1, 'the virtual host kept its row across the restart');

# Many virtual hosts (more rows than the first segment holds), and a
# configuration that gains hosts between graceful restarts: every host keeps
# its row and its counts.  A private httpd (t/lib/CorsHttpd.pm).
{
    require CorsHttpd;
    my $h = CorsHttpd->new(name => 'status-hosts', modules => [qw(mime status)]);
    my ($dir, $p) = ($h->dir, $h->port);
    $h->write_file('htdocs/a.txt', "a\n");
    my $conf = sub {
        my $hosts = shift;
        $h->write_conf(
            qq{DocumentRoot "$dir/htdocs"},
            qq{<Directory "$dir/htdocs">}, '    Require all granted', '</Directory>',
            '<Location /server-status>', '    SetHandler server-status', '</Location>',
            map { ("<VirtualHost 127.0.0.1:$p>", "    ServerName v$_.example",
                   qq{    DocumentRoot "$dir/htdocs"},
                   '    <Location /a.txt>', '        CORSEngine On',
                   '        CORSAllowOrigin https://app.example.com', '    </Location>',
                   '</VirtualHost>') } 1 .. $hosts);
    };
    my $get = sub {
        my ($host, $path) = @_;
        req('GET', $path, [Origin => APP], port => $p, host => $host);
    };
    my $row = sub {
        my $host = shift;
        my $r = $get->('v1.example', '/server-status');
        return $r->{body} =~ m{<tr><td>\Q$host\E</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>}
            ? $3 : undef;
    };
    my $gen = sub {
        my $r = eval { $get->('v1.example', '/server-status?auto') } or return -1;
        return $r->{body} =~ /^ParentServerConfigGeneration: (\d+)$/m ? $1 : -1;
    };
    my $graceful = sub {
        my $g0 = $gen->();
        kill 'USR1', $h->{pid};
        my $g = $g0;
        for (1 .. 100) { $g = $gen->(); last if $g > $g0; sleep 0.1 }
        return $g > $g0;
    };

    $conf->(40);
    ok($h->start, 'a server with 40 virtual hosts starts') or diag($h->error_log);
    $get->("v$_.example", '/a.txt') for 1, 40, 40;
    sleep 0.3;
    is($row->("v1.example:$p"), 1, 'v1 counted');
    is($row->("v40.example:$p"), 2, 'v40 counted');

    $conf->(90);    # more hosts than the segment has rows left
    ok($graceful->(), 'graceful restart into 90 virtual hosts');
    is($row->("v40.example:$p"), 2, 'v40 kept its count');
    $get->("v$_.example", '/a.txt') for 40, 90;
    sleep 0.3;
    is($row->("v40.example:$p"), 3, 'v40 goes on counting in its row');
    is($row->("v90.example:$p"), 1, 'v90, new, has a row of its own');
    my $auto = $get->('v1.example', '/server-status?auto')->{body};
    like($auto, qr/^CORSActualOK: 5$/m, 'the server total has every request');
    ok($graceful->(), 'graceful restart with the same hosts');
    is($row->("v90.example:$p"), 1, 'v90 kept its count');
    is(scalar(() = $h->error_log =~ /Segmentation fault|AH00052/g), 0, 'no child crashed');
    $h->stop;
}

done_testing();
