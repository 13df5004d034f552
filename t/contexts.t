# One policy at each configuration level in turn -- server config,
# <VirtualHost>, <Directory>, <Location>, <Files>, <If>, .htaccess -- each
# in a private httpd of its own (lib/CorsHttpd.pm): a server-wide
# CORSEngine On cannot go into the shared server without changing every
# other test.  At each level:
#
#  - the ordinary cases (allowed and refused preflights, allowed and
#    disallowed actual requests, no Origin, credentials, CORS_RESULT) and
#    the hostile request corpus of lib/CorsHostile.pm;
#  - requests httpd refuses while it reads the request line or the header
#    block (docs/mod_cors.md, "Requests Apache refuses early": they are
#    httpd's alone): a malformed request line, a NUL in it, bad header
#    lines, the LimitRequestLine / LimitRequestFieldSize / LimitRequestFields
#    limits,
#    a connection that sends nothing or stalls (mod_reqtimeout), one that
#    closes mid-headers, pipelined good and bad requests, and over HTTP/2
#    (h2c with prior knowledge, frames written here) oversized header
#    blocks and streams reset mid-request.  httpd builds these in
#    server/protocol.c (ap_read_request) and modules/http2/h2_request.c
#    with the server's configuration and no method, or a method but no
#    request hooks run; with a server-wide policy that configuration is in
#    scope.  Each response carries no Access-Control-* header and no Vary,
#    no CORS_RESULT is logged, no child dies, and the next request on a new
#    connection is answered as usual;
#  - no crash line in the private error_log.
#
# Statuses of this httpd (2.4, server/protocol.c): LimitRequestLine 414;
# LimitRequestFieldSize and LimitRequestFields 400 over HTTP/1.1 and 431
# over HTTP/2 (modules/http2/h2_stream.c); 413 only comes from
# LimitRequestBody (modules/http/http_filters.c), once the header block
# is read whole: that request is the policy's like any other.  A stream
# reset after a whole header block is a request too: if it is logged, it
# is with the policy's verdict.
#
# CORS_CONTEXTS=server,if limits the run to those levels.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use IO::Socket::INET ();
use Socket qw(SHUT_WR);
use Time::HiRes qw(sleep time);
use CorsTest;
use CorsHttpd ();
use CorsHostile ();

cors_plan();

my $PF_VARY = [PF_VARY];

# The policy: the corpus's, with credentials, a max-age and an exposed
# header so that every Access-Control-* response header has a value to
# check, and cross-origin protection (the corpus's only state-changing
# requests come from the allowed origin).
my @POLICY = (@CorsHostile::POLICY,
              'CORSAllowCredentials On',
              'CORSMaxAge 600',
              'CORSExposeHeaders X-Total',
              'CORSCrossOriginProtection On');

my $IF = q{<If "%{REQUEST_URI} =~ m#^/#">};
my @LEVELS = (
    [server      => top   => [@POLICY]],
    [virtualhost => vhost => [@POLICY]],
    [directory   => top   => ['<Directory "%D/htdocs">', @POLICY, '</Directory>']],
    [location    => top   => ['<Location "/">', @POLICY, '</Location>']],
    [files       => top   => ['<Files "*.txt">', @POLICY, '</Files>']],
    [if          => top   => [$IF, @POLICY, '</If>']],
    [htaccess    => htaccess => [@POLICY]],
);
if (my $only = $ENV{CORS_CONTEXTS}) {
    my %want = map { $_ => 1 } split /[,\s]+/, $only;
    @LEVELS = grep { $want{ $_->[0] } } @LEVELS;
}

my $t_start = time;
for my $level (@LEVELS) {
    run_level(@$level);
}
diag(sprintf 'contexts.t: %d levels in %.1f s', scalar(@LEVELS), time - $t_start);

done_testing();

# ---------------------------------------------------------------------------

sub run_level {
    my ($level, $where, $lines) = @_;
    my $h = CorsHttpd->new(name => "contexts-$level", ports => 3,
        modules => [qw(authz_host mime reqtimeout http2 reflector)]);
    my ($dir, $p, $big, $h2) = ($h->dir, $h->ports);
    my @policy = map { s/%D/$dir/gr } @$lines;
    $h->write_file('htdocs/a.txt', "a\n");
    $h->write_file('htdocs/.htaccess', join("\n", @policy, ''))
        if $where eq 'htaccess';

    my @vhost = $where eq 'vhost' ? map { "    $_" } @policy : ();
    $h->write_conf(
        # a connection is handed to httpd at once, data or not (Linux's
        # TCP_DEFER_ACCEPT would hold a silent one back)
        'AcceptFilter http none',
        'Timeout 10',
        'RequestReadTimeout header=1 body=1',
        # raw control bytes reach the module (the corpus needs it)
        'HttpProtocolOptions Unsafe',
        'LimitRequestBody 100',
        'KeepAliveTimeout 2',
        # no child exits while idle: a child that is gone has crashed
        '<IfModule mpm_prefork_module>',
        '    StartServers 2', '    MinSpareServers 1', '    MaxSpareServers 20',
        '    ServerLimit 20', '    MaxRequestWorkers 20',
        '</IfModule>',
        '<IfModule !mpm_prefork_module>',
        '    StartServers 2', '    ServerLimit 4', '    ThreadsPerChild 10',
        '    MaxRequestWorkers 40', '    MinSpareThreads 1', '    MaxSpareThreads 40',
        '</IfModule>',
        'LogFormat "%{CORS_RESULT}e %{CORS_REASON}e %{remote}p %>s \"%r\"" cors',
        qq{CustomLog "$dir/logs/cors_log" cors},
        qq{DocumentRoot "$dir/htdocs"},
        qq{<Directory "$dir/htdocs">},
        '    Require all granted',
        '    AllowOverride ' . ($where eq 'htaccess' ? 'FileInfo' : 'None'),
        '</Directory>',
        # a handler that reads the request body (HTTP/2 resets)
        '<Location "/reflect.txt">',
        '    SetHandler reflector',
        '</Location>',
        ($where eq 'top' ? @policy : ()),
        # default limits, HTTP/1.1 only: mod_http2 would read the first
        # bytes of a connection itself, before ap_read_request
        "<VirtualHost 127.0.0.1:$p>",
        '    Protocols http/1.1',
        @vhost,
        '</VirtualHost>',
        # 100 KB lines reach the module (the corpus's big cases)
        "<VirtualHost 127.0.0.1:$big>",
        '    Protocols http/1.1',
        '    LimitRequestLine 200000',
        '    LimitRequestFieldSize 200000',
        @vhost,
        '</VirtualHost>',
        "<VirtualHost 127.0.0.1:$h2>",
        '    Protocols h2c http/1.1',
        @vhost,
        '</VirtualHost>',
    );

    my ($syntax_ok, $out) = $h->syntax;
    ok($syntax_ok, "$level: httpd -t passes") or do { diag($out); return };
    ok($h->start, "$level: the private httpd (" . $h->mpm . " MPM) started")
        or do { diag($h->error_log); return };

    my $ctx = { h => $h, level => $level, kids => [$h->children] };
    my $failed_before = grep { !$_ } Test::More->builder->summary;

    eval {
        ordinary($ctx);
        corpus($ctx);
        early_http1($ctx);
        early_http2($ctx);
        1;
    } or fail("$level: died: $@");

    ok($h->alive, "$level: the server is still running");
    ok($h->stop, "$level: the private httpd stopped");
    is(join("\n", $h->crash_lines), '', "$level: no crash in the error log");

    my $failed_after = grep { !$_ } Test::More->builder->summary;
    if ($failed_after > $failed_before) {
        diag("--- $level: httpd.conf\n" . CorsHttpd::slurp($h->conf_file));
        my @err = map { length > 300 ? substr($_, 0, 300) . '...' : $_ }
            split /\n/, $h->error_log;
        diag("--- $level: error_log (last 40 lines)\n"
             . join("\n", @err > 40 ? @err[-40 .. -1] : @err));
    }
}

# --- requests and the access log -------------------------------------------

sub get {
    my ($ctx, $method, $path, $headers, %opt) = @_;
    my $port = $opt{port} || $ctx->{h}->port(0);
    return req($method, $path, $headers, port => $port,
               host => "127.0.0.1:$port", %opt);
}

# The access log, one hash per line: result, reason, port (the client's),
# status, request.
sub log_lines {
    my $ctx = shift;
    my $file = $ctx->{h}->log_file('cors_log');
    open my $fh, '<:raw', $file or return ();
    my @l;
    while (my $line = <$fh>) {
        chomp $line;
        my ($res, $why, $port, $st, $rq) = $line =~ /^(\S+) (\S+) (\d+) (\d+) "(.*)"$/
            or next;
        push @l, { result => $res, reason => $why, port => $port, status => $st,
                   request => $rq };
    }
    return @l;
}

# The log lines that satisfy PRED, once there are at least N (httpd writes
# them after the response, before it closes the connection; 5 s at most).
sub wait_log {
    my ($ctx, $pred, $n) = @_;
    my @l;
    for (1 .. 50) {
        @l = grep { $pred->($_) } log_lines($ctx);
        last if @l >= $n;
        sleep 0.1;
    }
    return @l;
}

# The log line of the request whose URL contains ID, undef when none.
sub line_of {
    my ($ctx, $id) = @_;
    my @l = wait_log($ctx, sub { $_[0]->{request} =~ /\Q$id\E(?:[ &]|$)/ }, 1);
    die "more than one log line for $id\n" if @l > 1;
    return $l[0];
}

# CORS_RESULT is WANT ('-': not set); CORS_REASON is REASON, or not set
# (a denial without REASON: not checked).
sub result_is {
    my ($ctx, $id, $want, $name, $reason) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $l = line_of($ctx, $id) || {};
    is($l->{result}, $want, "$name: CORS_RESULT $want");
    $reason //= '-' unless $want =~ /denied/;
    is($l->{reason}, $reason, "$name: CORS_REASON $reason") if defined $reason;
}

# No child process has died since the last look (none under httpd -X:
# then the server process itself must be there).
sub survived {
    my ($ctx, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $h = $ctx->{h};
    my %now = map { $_ => 1 } $h->children;
    my @gone = grep { !$now{$_} } @{ $ctx->{kids} };
    ok(!@gone && $h->alive, "$name: no child died, the server runs")
        or diag('gone: ' . join(' ', @gone) . ($h->alive ? '' : '; the server exited'));
    $ctx->{kids} = [sort { $a <=> $b } keys %now];
}

# A normal request on a new connection, answered as usual.
sub still_serving {
    my ($ctx, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $id = uid();
    my $r = eval { get($ctx, 'GET', "/a.txt?$id", [Origin => APP]) };
    ok($r && $r->{status} == 200 && $r->{body} eq "a\n",
       "$name: the next request is answered (200)")
        or diag($@ || "status $r->{status}");
    acao_is($r || { headers => [] }, APP, "$name: the next request");
    result_is($ctx, $id, 'actual-ok', "$name: the next request");
    survived($ctx, $name);
}

# --- the ordinary cases -------------------------------------------------------

sub ordinary {
    my $ctx = shift;
    my $L = $ctx->{level};
    my ($r, $id);

    $id = uid();
    $r = get($ctx, 'OPTIONS', "/a.txt?$id", [Origin => APP,
             'Access-Control-Request-Method' => 'PUT',
             'Access-Control-Request-Headers' => 'X-Token']);
    preflight_ok($r, APP, "$L: allowed preflight");
    acx_is($r, ['Access-Control-Allow-Origin' => APP,
                'Access-Control-Allow-Credentials' => 'true',
                'Access-Control-Allow-Methods' => 'GET, PUT',
                'Access-Control-Allow-Headers' => 'x-token',
                'Access-Control-Max-Age' => '600'], "$L: allowed preflight");
    is_deeply([hdrs($r, 'Content-Length')], [],
              "$L: allowed preflight: 204 without Content-Length");
    result_is($ctx, $id, 'preflight-ok', "$L: allowed preflight");

    $id = uid();
    $r = get($ctx, 'OPTIONS', "/a.txt?$id", [Origin => EVIL,
             'Access-Control-Request-Method' => 'PUT']);
    refused_ok($r, qr/origin '\Q${\EVIL}\E' is not allowed/,
               "$L: preflight from another origin");
    result_is($ctx, $id, 'preflight-denied', "$L: preflight from another origin", 'origin');

    $id = uid();
    $r = get($ctx, 'OPTIONS', "/a.txt?$id", [Origin => APP,
             'Access-Control-Request-Method' => 'DELETE']);
    refused_ok($r, qr/method 'DELETE' is not allowed/, "$L: preflight DELETE");
    result_is($ctx, $id, 'preflight-denied', "$L: preflight DELETE", 'method');

    $id = uid();
    $r = get($ctx, 'GET', "/a.txt?$id", [Origin => APP, Cookie => 'session=1']);
    is($r->{status}, 200, "$L: allowed actual request: 200");
    is($r->{body}, "a\n", "$L: allowed actual request: the file");
    acao_is($r, APP, "$L: allowed actual request");
    acx_is($r, ['Access-Control-Allow-Origin' => APP,
                'Access-Control-Allow-Credentials' => 'true',
                'Access-Control-Expose-Headers' => 'x-total'],
           "$L: allowed actual request with credentials");
    vary_ok($r, ['Origin'], "$L: allowed actual request");
    result_is($ctx, $id, 'actual-ok', "$L: allowed actual request");

    $id = uid();
    $r = get($ctx, 'GET', "/a.txt?$id", [Origin => EVIL]);
    is($r->{status}, 200, "$L: actual request from another origin: 200");
    no_acx($r, "$L: actual request from another origin");
    vary_ok($r, ['Origin'], "$L: actual request from another origin");
    result_is($ctx, $id, 'actual-denied', "$L: actual request from another origin",
              'origin');

    $id = uid();
    $r = get($ctx, 'GET', "/a.txt?$id", []);
    is($r->{status}, 200, "$L: no Origin: 200");
    no_acx($r, "$L: no Origin");
    vary_ok($r, ['Origin'], "$L: no Origin");
    result_is($ctx, $id, 'none', "$L: no Origin");

    # Cross-origin protection (docs/mod_cors.md, "Protecting
    # state-changing endpoints"): a cross-site POST is refused before the
    # handler (mod_reflector, which echoes the body) runs; the allowed
    # origin, and an Origin naming the Host, pass; a cross-site GET passes.
    my $port = $ctx->{h}->port(0);
    $id = uid();
    $r = get($ctx, 'POST', "/reflect.txt?$id",
             [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site'], body => 'n=1');
    is($r->{status}, 403, "$L: cross-site POST: 403");
    like($r->{body}, qr/\ACross-origin request refused: Sec-Fetch-Site is 'cross-site'/,
         "$L: cross-site POST: the module's reason, not the handler's echo");
    no_acx($r, "$L: cross-site POST");
    result_is($ctx, $id, 'actual-denied', "$L: cross-site POST", 'cross-origin');

    $id = uid();
    $r = get($ctx, 'POST', "/reflect.txt?$id",
             [Origin => APP, 'Sec-Fetch-Site' => 'cross-site'], body => 'n=1');
    is($r->{status}, 200, "$L: cross-site POST from the allowed origin: 200");
    is($r->{body}, 'n=1', "$L: cross-site POST from the allowed origin: the handler ran");
    acao_is($r, APP, "$L: cross-site POST from the allowed origin");
    result_is($ctx, $id, 'actual-ok', "$L: cross-site POST from the allowed origin");

    $id = uid();
    $r = get($ctx, 'POST', "/reflect.txt?$id", [Origin => "http://127.0.0.1:$port"],
             body => 'n=1');
    is($r->{status}, 200, "$L: POST, Origin naming the Host: 200");
    is($r->{body}, 'n=1', "$L: POST, Origin naming the Host: the handler ran");

    $id = uid();
    $r = get($ctx, 'GET', "/a.txt?$id", [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
    is($r->{status}, 200, "$L: cross-site GET: 200");
    result_is($ctx, $id, 'actual-denied', "$L: cross-site GET", 'origin');

    # An error after the header block is the policy's, like any response.
    $id = uid();
    $r = get($ctx, 'POST', "/a.txt?$id", [Origin => APP], body => 'x' x 200);
    is($r->{status}, 413, "$L: body over LimitRequestBody: 413");
    acao_is($r, APP, "$L: the 413 (after the header block) is decorated");
    vary_ok($r, ['Origin'], "$L: the 413");
    result_is($ctx, $id, 'actual-ok', "$L: the 413");

    survived($ctx, "$L: ordinary requests");
}

# --- the hostile corpus -------------------------------------------------------

sub corpus {
    my $ctx = shift;
    my $L = $ctx->{level};
    for my $c (grep { ($_->{scope} // 'main') eq 'main' } CorsHostile::cases()) {
        my $id = uid();
        my ($method, $headers, %opt) = CorsHostile::request_args($c);
        my $r = get($ctx, $method, "/a.txt?$id", $headers, %opt,
                    ($c->{big} ? (port => $ctx->{h}->port(1)) : ()));
        CorsHostile::check($c, $r, "$L: $c->{name}");
        result_is($ctx, $id, CorsHostile::result($c), "$L: $c->{name}");
    }
    survived($ctx, "$L: the hostile corpus");
}

# --- HTTP/1.1: refused while httpd reads the request --------------------------

# A raw connection: open, write parts (bytes, { sleep => S }, { shut => 1 }
# for a half close), later read every byte until the server closes it.
sub raw_open {
    my ($port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 10)
        or die "cannot connect to $port: $!";
    return { sock => $s, port => $s->sockport };
}

sub raw_send {
    my ($c, @parts) = @_;
    for my $part (@parts) {
        if (ref $part && $part->{sleep}) { sleep $part->{sleep} }
        elsif (ref $part && $part->{shut}) { shutdown $c->{sock}, SHUT_WR }
        elsif (length $part) {
            defined $c->{sock}->syswrite($part) or die "write: $!";
        }
    }
    return $c;
}

sub raw_finish {
    my ($c, $timeout) = @_;
    my $s = $c->{sock};
    my $raw = '';
    my $deadline = time + ($timeout || 20);
    $c->{eof} = 0;
    while (time < $deadline) {
        my $rin = '';
        vec($rin, fileno($s), 1) = 1;
        select(my $rout = $rin, undef, undef, 0.5) or next;
        my $n = $s->sysread(my $buf, 65536);
        if (!$n) { $c->{eof} = 1; last }    # EOF, or a reset
        $raw .= $buf;
    }
    close $s;
    $c->{raw} = $raw;
    my @res;
    while (length $raw) {
        my ($r, $rest) = parse_response($raw) or last;
        push @res, $r;
        $raw = $rest;
    }
    $c->{responses} = \@res;
    return $c;
}

sub early_http1 {
    my $ctx = shift;
    my $L = $ctx->{level};
    my $p = $ctx->{h}->port(0);
    my $host = "Host: 127.0.0.1:$p\r\n";
    my $origin = 'Origin: ' . APP . "\r\n";
    my $good = sub { "GET /a.txt?$_[0] HTTP/1.1\r\n$host$origin\r\n" };
    my @fields = map { "X-F$_: v\r\n" } 1 .. 101;

    # Each case: what is sent, the responses (status, and whether it is a
    # request the policy governs: 'ok' for decorated, '' for httpd's own),
    # the log lines (CORS_RESULT, status) of its connection.
    my @cases = (
        ['request line over LimitRequestLine',
         ['GET /' . ('a' x 9000) . " HTTP/1.1\r\n$host$origin\r\n"],
         [[414]], [['-', 414]]],
        ['request line with a fourth word',
         ["GET /a.txt?%ID HTTP/1.1 junk\r\n$host$origin\r\n"], [[400]], [['-', 400]]],
        ['NUL in the request line',
         ["GET /a.txt?%ID\0x HTTP/1.1\r\n$host$origin\r\n"], [[400]], [['-', 400]]],
        ['control byte in the request line',
         ["GET /a.txt?%ID\x01x HTTP/1.1\r\n$host$origin\r\n"], [[400]], [['-', 400]]],
        # the Origin line before the bad one is already in headers_in
        ['header line without a colon',
         ["GET /a.txt?%ID HTTP/1.1\r\n$host${origin}X-Pad: 1\r\nno colon\r\n\r\n"],
         [[400]], [['-', 400]]],
        ['NUL in a header line',
         ["GET /a.txt?%ID HTTP/1.1\r\n$host${origin}X-Pad: 1\r\nX-A: b\0c\r\n\r\n"],
         [[400]], [['-', 400]]],
        ['obs-fold before the first header line',
         ["GET /a.txt?%ID HTTP/1.1\r\n $host$origin\r\n"], [[400]], [['-', 400]]],
        ['header line over LimitRequestFieldSize',
         ["GET /a.txt?%ID HTTP/1.1\r\n$host${origin}X-Pad: 1\r\nX-Big: "
          . ('a' x 9000) . "\r\n\r\n"], [[400]], [['-', 400]]],
        ['more header lines than LimitRequestFields',
         ["GET /a.txt?%ID HTTP/1.1\r\n$host$origin" . join('', @fields) . "\r\n"],
         [[400]], [['-', 400]]],
        ['HTTP/1.1 without Host',
         ["GET /a.txt?%ID HTTP/1.1\r\n${origin}X-Pad: 1\r\n\r\n"], [[400]], [['-', 400]]],
        ['unknown Transfer-Encoding',
         ["POST /a.txt?%ID HTTP/1.1\r\n$host${origin}Transfer-Encoding: gzip\r\n\r\n"],
         [[400]], [['-', 400]]],
        ['malformed Content-Length',
         ["POST /a.txt?%ID HTTP/1.1\r\n$host${origin}Content-Length: 1x\r\n\r\n"],
         [[400]], [['-', 400]]],
        ['connection closed mid-headers',
         ["GET /a.txt?%ID HTTP/1.1\r\n$host${origin}X-Pad: 1\r\n", { shut => 1 }],
         [[400]], [['-', 400]]],
        ['pipelined: a good request, then a bad request line',
         [$good->('%ID') . "GET /a.txt?%ID2 HTTP/1.1 junk\r\n$host$origin\r\n"],
         [[200, 'ok'], [400]], [['actual-ok', 200], ['-', 400]]],
        ['pipelined: a bad header line, then a good request',
         ["GET /a.txt?%ID HTTP/1.1\r\n$host${origin}X-Pad: 1\r\nno colon\r\n\r\n"
          . $good->('%ID2')], [[400]], [['-', 400]]],
    );

    for my $c (@cases) {
        my ($id, $id2) = (uid(), uid());
        my @parts = map { ref $_ ? $_ : s/%ID2/$id2/gr =~ s/%ID/$id/gr } @{ $c->[1] };
        my $conn = raw_finish(raw_send(raw_open($p), @parts), 20);
        early_check($ctx, "$L: $c->[0]", $conn, $c->[2], $c->[3]);
    }

    # Stalls: mod_reqtimeout (header=1) ends them after a second; the
    # three run side by side.
    my @stalls = (
        ['a connection that sends nothing', [], [], [['-', 408]]],
        ['CRLF, then nothing', ["\r\n"], [], [['-', 408]]],
        ['part of the header block, then nothing',
         ["GET /a.txt?%ID HTTP/1.1\r\n$host${origin}X-Pad: 1\r\n"],
         [[408]], [['-', 408]]],
    );
    my @open = map {
        my $id = uid();
        [$_, raw_send(raw_open($p), map { ref $_ ? $_ : s/%ID/$id/gr } @{ $_->[1] })]
    } @stalls;
    for my $o (@open) {
        my ($s, $conn) = @$o;
        raw_finish($conn, 20);
        early_check($ctx, "$L: $s->[0]", $conn, $s->[2], $s->[3]);
    }
}

# The responses and log lines of one refused connection; then the next
# request on a new connection.
sub early_check {
    my ($ctx, $name, $conn, $want_res, $want_log) = @_;
    my @res = @{ $conn->{responses} };
    is(join(' ', map { $_->{status} } @res), join(' ', map { $_->[0] } @$want_res),
       "$name: response status" . (@$want_res == 1 ? '' : 'es')
       . (@$want_res ? '' : ': none'))
        or diag('received: ' . substr($conn->{raw}, 0, 400));
    for my $i (0 .. $#res) {
        my ($r, $w) = ($res[$i], $want_res->[$i] || [0, '']);
        my $n = @res > 1 ? "$name, response " . ($i + 1) : $name;
        if (($w->[1] // "") eq "ok") {
            acao_is($r, APP, $n);
            vary_ok($r, ['Origin'], $n);
        }
        else {
            no_acx($r, $n);
            is(join(', ', hdrs($r, 'Vary')), '', "$n: no Vary");
        }
    }
    ok($conn->{eof}, "$name: the server closed the connection");
    my @l = wait_log($ctx, sub { $_[0]->{port} == $conn->{port} }, scalar @$want_log);
    is(join(' | ', map { "$_->{result} $_->{status}" } @l),
       join(' | ', map { "$_->[0] $_->[1]" } @$want_log),
       "$name: logged " . join(' | ', map { "$_->[0] $_->[1]" } @$want_log));
    is(join(' ', map { $_->{reason} } grep { $_->{result} eq '-' } @l),
       join(' ', map { '-' } grep { $_->[0] eq '-' } @$want_log),
       "$name: no CORS_REASON where no CORS_RESULT");
    still_serving($ctx, $name);
}

# --- HTTP/2 ---------------------------------------------------------------------

# RFC 7541 integer with an N-bit prefix, and a literal header field without
# indexing, new name (never Huffman-coded).
sub hpack_int {
    my ($v, $bits, $first) = @_;
    my $max = (1 << $bits) - 1;
    return chr($first | $v) if $v < $max;
    my $o = chr($first | $max);
    $v -= $max;
    while ($v >= 128) { $o .= chr(($v % 128) + 128); $v = int($v / 128) }
    return $o . chr($v);
}

sub hpack {
    my @h = @_;
    my $o = '';
    while (@h) {
        my ($n, $v) = splice @h, 0, 2;
        $o .= "\x00" . hpack_int(length $n, 7, 0) . $n . hpack_int(length $v, 7, 0) . $v;
    }
    return $o;
}

# RFC 9113 frames: DATA 0, HEADERS 1, RST_STREAM 3, SETTINGS 4, PING 6,
# GOAWAY 7; flags END_STREAM 1, END_HEADERS 4, ACK 1.
sub h2_frame {
    my ($type, $flags, $stream, $payload) = @_;
    my $len = length $payload;
    return pack('CnCCN', $len >> 16, $len & 0xffff, $type, $flags, $stream) . $payload;
}

sub h2_req {
    my ($ctx, $method, $path, @h) = @_;
    my $port = $ctx->{h}->port(2);
    return hpack(':method' => $method, ':scheme' => 'http', ':path' => $path,
                 ':authority' => "127.0.0.1:$port", @h);
}

# An h2c connection with prior knowledge: the preface and SETTINGS, then
# PARTS (bytes or { sleep => S }), then a PING; frames are read until the
# PING is answered and every stream in WAIT has ended, or the server
# closes the connection.  Returns { port, frames => [[type, flags,
# stream, payload], ...], eof }.
sub h2_session {
    my ($ctx, $wait, @parts) = @_;
    my $c = raw_open($ctx->{h}->port(2));
    raw_send($c, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" . h2_frame(4, 0, 0, ''),
             @parts, h2_frame(6, 0, 0, 'pingpong'));
    my $s = $c->{sock};
    my ($buf, @frames) = ('');
    my %open = map { $_ => 1 } @$wait;
    my $pong = 0;
    my $deadline = time + 20;
    $c->{eof} = 0;
    while (time < $deadline && ($pong == 0 || %open)) {
        my $rin = '';
        vec($rin, fileno($s), 1) = 1;
        select(my $rout = $rin, undef, undef, 0.5) or next;
        my $n = $s->sysread(my $chunk, 65536);
        if (!$n) { $c->{eof} = 1; last }
        $buf .= $chunk;
        while (length($buf) >= 9) {
            my ($l1, $l2, $type, $flags, $stream) = unpack 'CnCCN', $buf;
            my $len = ($l1 << 16) | $l2;
            last if length($buf) < 9 + $len;
            my $payload = substr $buf, 9, $len;
            substr($buf, 0, 9 + $len) = '';
            $stream &= 0x7fffffff;
            push @frames, [$type, $flags, $stream, $payload];
            $pong = 1 if $type == 6 && $flags & 1;
            delete $open{$stream} if ($type == 0 || $type == 1) && $flags & 1
                || $type == 3;
            $s->syswrite(h2_frame(4, 1, 0, '')) if $type == 4 && !($flags & 1);
        }
    }
    $s->syswrite(h2_frame(7, 0, 0, pack('NN', 0, 0))) unless $c->{eof};
    close $s;
    $c->{frames} = \@frames;
    $c->{pong} = $pong;
    return $c;
}

# One request through curl over h2c: { status, headers }.
sub curl_h2 {
    my ($ctx, $path, @h) = @_;
    my $url = 'http://127.0.0.1:' . $ctx->{h}->port(2) . $path;
    open my $fh, '-|', 'curl', '-sS', '-o', '/dev/null', '-D', '-', '--max-time', '20',
        '--http2-prior-knowledge', (map { ('-H', $_) } @h), $url
        or die "cannot run curl: $!";
    local $/;
    my $out = <$fh> // '';
    close $fh;
    my ($version, $status) = $out =~ m{^HTTP/(\S+) (\d{3})}m;
    my @hdrs = map { [/^([^:]+):\s*(.*?)\s*$/] } grep { /^[^:\s]+:/ } split /\r?\n/, $out;
    return { version => $version // '', status => $status // 0, headers => \@hdrs };
}

sub early_http2 {
    my $ctx = shift;
    my $L = $ctx->{level};
    my ($r, $id);

    # Header blocks over the limits: 431 from mod_http2, built from the
    # server's configuration; the Origin is in it.
    my @big = ('Origin: ' . APP, 'X-Pad: 1', 'X-Big: ' . ('a' x 9000));
    my @many = ('Origin: ' . APP, map { "X-F$_: v" } 1 .. 101);
    for my $c (['HTTP/2 header over LimitRequestFieldSize', @big],
               ['HTTP/2 more headers than LimitRequestFields', @many]) {
        my ($what, @h) = @$c;
        $id = uid();
        $r = curl_h2($ctx, "/a.txt?$id", @h);
        is("$r->{version} $r->{status}", '2 431', "$L: $what: 431 over HTTP/2");
        no_acx($r, "$L: $what");
        is(join(', ', hdrs($r, 'Vary')), '', "$L: $what: no Vary");
        result_is($ctx, $id, '-', "$L: $what");
        still_serving($ctx, "$L: $what");
    }

    # HEADERS without END_STREAM, then RST_STREAM, in one write; then a
    # normal stream on the same connection.
    my ($id1, $id3) = (uid(), uid());
    my $s = h2_session($ctx, [3],
        h2_frame(1, 4, 1, h2_req($ctx, 'GET', "/a.txt?$id1", origin => APP))
        . h2_frame(3, 0, 1, pack('N', 8))
        . h2_frame(1, 5, 3, h2_req($ctx, 'GET', "/a.txt?$id3", origin => APP)));
    ok($s->{pong}, "$L: HTTP/2 stream reset after HEADERS: the connection goes on");
    ok(!grep({ $_->[2] == 1 && $_->[0] != 3 } @{ $s->{frames} }),
       "$L: HTTP/2 stream reset after HEADERS: nothing answered on it");
    ok(scalar(grep { $_->[2] == 3 && $_->[0] == 1 } @{ $s->{frames} }),
       "$L: HTTP/2 stream reset after HEADERS: the next stream is answered");
    result_is($ctx, $id3, 'actual-ok', "$L: HTTP/2 stream after a reset one");
    is(scalar(grep { $_->{request} =~ /\Q$id1\E/ } log_lines($ctx)), 0,
       "$L: HTTP/2 stream reset after HEADERS: not logged");
    still_serving($ctx, "$L: HTTP/2 stream reset after HEADERS");

    # A handler reading the body when the stream is reset: the header
    # block was complete, so a line logged for it has the policy's verdict.
    ($id1, $id3) = (uid(), uid());
    $s = h2_session($ctx, [3],
        h2_frame(1, 4, 1, h2_req($ctx, 'POST', "/reflect.txt?$id1", origin => APP,
                                 'content-length' => '10'))
        . h2_frame(0, 0, 1, 'abc'),
        { sleep => 0.3 },
        h2_frame(3, 0, 1, pack('N', 8))
        . h2_frame(1, 5, 3, h2_req($ctx, 'GET', "/a.txt?$id3", origin => APP)));
    ok($s->{pong}, "$L: HTTP/2 stream reset mid-body: the connection goes on");
    result_is($ctx, $id3, 'actual-ok', "$L: HTTP/2 stream after one reset mid-body");
    my @l = grep { $_->{request} =~ /\Q$id1\E/ } log_lines($ctx);
    ok(@l <= 1 && !grep({ $_->{result} ne 'actual-ok' } @l),
       "$L: HTTP/2 stream reset mid-body: logged once at most, as actual-ok")
        or diag(join ' | ', map { "$_->{result} $_->{status}" } @l);
    still_serving($ctx, "$L: HTTP/2 stream reset mid-body");

    # HEADERS without END_HEADERS, then RST_STREAM: a connection error
    # (RFC 9113 6.10); no request was ever made.  Only lines logged after
    # this point count: an earlier connection may have had the same client
    # port.
    my $seen = () = log_lines($ctx);
    $s = h2_session($ctx, [],
        h2_frame(1, 0, 1, h2_req($ctx, 'GET', '/a.txt', origin => APP))
        . h2_frame(3, 0, 1, pack('N', 8)));
    ok(scalar(grep { $_->[0] == 7 } @{ $s->{frames} }),
       "$L: HTTP/2 RST_STREAM inside a header block: GOAWAY");
    my @all = log_lines($ctx);
    @l = grep { $_->{port} == $s->{port} } @all[$seen .. $#all];
    is(scalar(@l), 0, "$L: HTTP/2 RST_STREAM inside a header block: nothing logged");
    still_serving($ctx, "$L: HTTP/2 RST_STREAM inside a header block");

    $id = uid();
    $r = curl_h2($ctx, "/a.txt?$id", 'Origin: ' . APP);
    is("$r->{version} $r->{status}", '2 200', "$L: HTTP/2 request: 200");
    acao_is($r, APP, "$L: HTTP/2 request");
    result_is($ctx, $id, 'actual-ok', "$L: HTTP/2 request");
}
