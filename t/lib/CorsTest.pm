package CorsTest;

# Helpers shared by the mod_cors .t files.
#
# Requests go over a raw socket (HTTP/1.1, Connection: close) so that the
# tests see exactly what httpd sent: every header line in order, duplicates
# included, and can send bytes LWP would refuse (control characters, two
# Origin lines, `OPTIONS *`).

use strict;
use warnings;

use Apache::Test ();
use Apache::TestConfig ();
use IO::Socket::INET ();
use Time::HiRes qw(sleep);
use File::Spec::Functions qw(catfile);
use Test::More ();
use Exporter 'import';

our @EXPORT = qw(
    req preflight hdrs hdr acx_names vary_tokens uid parse_response
    calls_for error_log_mark error_log_since cors_result cors_outcome log_line_for
    main_port vhost_port t_logs docroot same_origin
    APP EVIL PF_VARY config
    cors_plan no_acx acao_is acx_is vary_ok vary_lacks refused_ok preflight_ok
    response_is
    write_htaccess remove_htaccess
);

use constant PF_VARY => qw(Origin Access-Control-Request-Method
                           Access-Control-Request-Headers);

# Skip the file visibly when mod_cors is not loaded (t/run turns any skip
# into a failure).  Files use Test::More and done_testing().
sub cors_plan {
    unless (config()->{modules}->{'mod_cors.c'}) {
        print "1..0 # skipped: mod_cors is not loaded (build .libs/mod_cors.so)\n";
        exit 0;
    }
}

# No Access-Control-* header at all.
sub no_acx {
    my ($res, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::is(join(', ', acx_names($res)), '', "$name: no Access-Control-* headers");
}

# Exactly one Access-Control-Allow-Origin line, with this value.
sub acao_is {
    my ($res, $value, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::is_deeply([hdrs($res, 'Access-Control-Allow-Origin')], [$value],
        "$name: one Access-Control-Allow-Origin: $value");
}

# The response's Access-Control-* lines are exactly WANT, a list of
# NAME => VALUE pairs (names case-insensitive, order aside, duplicates
# count); [] means none at all.
sub acx_is {
    my ($res, $want, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my @got = sort map { lc($_->[0]) . ": $_->[1]" }
        grep { $_->[0] =~ /^access-control-/i } @{ $res->{headers} };
    my @w = @$want;
    my @exp;
    while (@w) {
        my ($n, $v) = splice @w, 0, 2;
        push @exp, lc($n) . ": $v";
    }
    @exp = sort @exp;
    Test::More::is(join("\n", @got), join("\n", @exp),
        "$name: Access-Control-* lines are "
        . (@exp ? join('; ', @exp) : 'none'));
}

# Vary carries each wanted token exactly once, and no token twice.
sub vary_ok {
    my ($res, $want, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my @tok = vary_tokens($res);
    my %n;
    $n{lc $_}++ for @tok;
    my @missing = grep { !$n{lc $_} } @$want;
    my @dup = grep { $n{$_} > 1 } sort keys %n;
    Test::More::ok(!@missing && !@dup,
        "$name: Vary has " . join(', ', @$want) . " once each")
        or Test::More::diag("Vary lines: "
            . join(' | ', map { "'$_'" } hdrs($res, 'Vary')));
}

# No Vary token is TOKEN (case-insensitive).
sub vary_lacks {
    my ($res, $token, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::is(scalar(grep { lc $_ eq lc $token } vary_tokens($res)), 0,
        "$name: no Vary: $token")
        or Test::More::diag("Vary lines: "
            . join(' | ', map { "'$_'" } hdrs($res, 'Vary')));
}

# A refused preflight (docs/mod_cors.md, "Preflights"): 403, one text/plain line naming the check
# (REASON_RE matched after "CORS preflight refused: "), no
# Access-Control-*, the preflight Vary.
sub refused_ok {
    my ($res, $reason_re, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::is($res->{status}, 403, "$name: 403");
    Test::More::like(hdr($res, 'Content-Type') // '', qr{^text/plain\b}i,
        "$name: text/plain");
    Test::More::like($res->{body}, qr{\ACORS preflight refused: [^\n]*?$reason_re[^\n]*\n?\z},
        "$name: reason");
    no_acx($res, $name);
    vary_ok($res, [PF_VARY], $name);
}

# An allowed preflight answered with 204 and ACAO ORIGIN.
sub preflight_ok {
    my ($res, $origin, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::is($res->{status}, 204, "$name: 204")
        or Test::More::diag("body: $res->{body}");
    Test::More::is($res->{body}, '', "$name: empty body");
    acao_is($res, $origin, $name);
    vary_ok($res, [PF_VARY], $name);
}

# response_is(RES, NAME, %want): every assertion asked for, each one test:
#   status  => N
#   acx     => [NAME => VALUE, ...]   exactly these Access-Control-* lines
#   vary    => [TOKEN, ...]           each once (vary_ok)
#   no_vary => TOKEN                  absent from Vary (vary_lacks)
#   body    => REGEX                  whose content was served
#   calls   => [ID, N]                the test handler ran N times for ID
#   outcome => [ID, 'RESULT REASON']  what cors_outcome(ID) logged
sub response_is {
    my ($res, $name, %want) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    if (exists $want{status}) {
        Test::More::is($res->{status}, $want{status}, "$name: $want{status}")
            or Test::More::diag("body: $res->{body}");
    }
    acx_is($res, $want{acx}, $name) if $want{acx};
    vary_ok($res, $want{vary}, $name) if $want{vary};
    vary_lacks($res, $want{no_vary}, $name) if $want{no_vary};
    Test::More::like($res->{body}, $want{body}, "$name: body") if $want{body};
    if (my $c = $want{calls}) {
        Test::More::is(calls_for($c->[0]), $c->[1],
            "$name: the handler ran $c->[1] time(s)");
    }
    if (my $o = $want{outcome}) {
        Test::More::is(cors_outcome($o->[0]) // 'no log line', $o->[1],
            "$name: CORS_RESULT CORS_REASON logged '$o->[1]'");
    }
}

use constant APP  => 'https://app.example.com';
use constant EVIL => 'https://evil.example';

# The saved configuration (t/conf/apache_test_config.pm) without
# Apache::Test::config()'s re-inspection of httpd (`httpd -V`), which is
# slow and noisy on Debian.
my $Config;
sub config { $Config ||= Apache::TestConfig->thaw }
sub var { config()->{vars}->{ $_[0] } }

sub t_logs  { var('t_logs') }
sub docroot { var('documentroot') }

sub main_port { var('port') }

# Port of an Apache::Test <VirtualHost NAME> from conf/extra.conf.in.
sub vhost_port {
    my $name = shift;
    my $vh = config()->{vhosts}->{$name}
        or die "no vhost '$name' in the test configuration";
    return $vh->{port};
}

# The origin of the test server as httpd computes it for a request that
# says `Host: localhost:PORT` (UseCanonicalName Off).
sub same_origin {
    my $port = shift || main_port();
    return 'http://' . var('servername') . ":$port";
}

my $seq = 0;
sub uid { sprintf 'u%d_%d_%d', $$, time, ++$seq }

# req(METHOD, PATH, HEADERS_ARRAYREF?, %opts)
#   opts: body => STRING, port => N, host => 'Host value',
#         raw_headers => "Name: value\r\n..." (appended verbatim)
# Returns { status, reason, headers => [[name, value], ...], body, raw }.
sub req {
    my ($method, $path, $headers, %opt) = @_;
    $headers ||= [];
    my $port = $opt{port} || main_port();
    my $host = exists $opt{host} ? $opt{host}
             : var('servername') . ":$port";

    my $sock = IO::Socket::INET->new(
        PeerAddr => var('remote_addr') || '127.0.0.1',
        PeerPort => $port,
        Proto    => 'tcp',
        Timeout  => 20,
    ) or die "cannot connect to port $port: $!";

    my $out = "$method $path HTTP/1.1\r\n";
    $out .= "Host: $host\r\n" if defined $host;
    my @h = @$headers;
    while (@h) {
        my ($n, $v) = splice @h, 0, 2;
        $out .= "$n: $v\r\n";
    }
    $out .= $opt{raw_headers} if defined $opt{raw_headers};
    if (defined $opt{body}) {
        $out .= 'Content-Length: ' . length($opt{body}) . "\r\n";
    }
    $out .= "Connection: close\r\n\r\n";
    $out .= $opt{body} if defined $opt{body};

    $sock->syswrite($out) or die "write: $!";
    my $raw = '';
    local $SIG{ALRM} = sub { die "timeout reading response to $method $path\n" };
    alarm 20;
    while (1) {
        my $n = $sock->sysread(my $buf, 65536);
        die "read: $!" unless defined $n;
        last if $n == 0;
        $raw .= $buf;
    }
    alarm 0;
    close $sock;

    my ($res) = parse_response($raw, close_delimited => 1)
        or die "no response to $method $path";
    $res->{raw} = $raw;
    return $res;
}

# parse_response(BYTES, %opts): the first HTTP/1.x response in BYTES, and
# the bytes after it: (RESPONSE, REST), or () when BYTES holds no complete
# header block.  RESPONSE is { status, reason, headers => [[name, value],
# ...], body, raw }; a chunked body is decoded.  opts: close_delimited => 1
# (a body without Content-Length or chunking runs to the end of BYTES, as
# on a closed connection; otherwise such a response has no body).
sub parse_response {
    my ($raw, %opt) = @_;
    my $end = index $raw, "\r\n\r\n";
    return () if $end < 0;
    my $head = substr $raw, 0, $end;
    my $rest = substr $raw, $end + 4;
    my @lines = split /\r\n/, $head;
    my $status_line = shift @lines // '';
    my ($status, $reason) = $status_line =~ m{^HTTP/\d\.\d (\d{3})(?: (.*))?$}
        or die "bad status line '$status_line'";
    my @hdrs;
    for (@lines) {
        if (/^[ \t]/ && @hdrs) { $hdrs[-1][1] .= $_; next }
        my ($n, $v) = /^([^:]+):[ \t]*(.*?)[ \t]*$/ or die "bad header line '$_'";
        push @hdrs, [$n, $v];
    }
    my $res = { status => $status + 0, reason => $reason, headers => \@hdrs };
    my ($cl) = map { $_->[1] } grep { lc $_->[0] eq 'content-length' } @hdrs;
    my $body = '';
    if (grep { lc $_->[0] eq 'transfer-encoding' && $_->[1] =~ /chunked/i } @hdrs) {
        while ($rest =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
            my $len = hex $1;
            if ($len == 0) { $rest =~ s/^\r\n//; last }
            $body .= substr $rest, 0, $len, '';
            $rest =~ s/^\r\n//;
        }
    }
    elsif (defined $cl) {
        $body = substr $rest, 0, $cl, '';
    }
    elsif ($opt{close_delimited} && $status >= 200 && $status != 204 && $status != 304) {
        ($body, $rest) = ($rest, '');
    }
    $res->{body} = $body;
    $res->{raw} = substr $raw, 0, length($raw) - length($rest);
    return ($res, $rest);
}

# preflight(PATH, ORIGIN, METHOD, [REQUEST_HEADERS], [extra header pairs...])
# ORIGIN or METHOD undef: that header is not sent.
sub preflight {
    my ($path, $origin, $method, $acrh, @extra) = @_;
    my @h;
    push @h, Origin => $origin if defined $origin;
    push @h, 'Access-Control-Request-Method' => $method if defined $method;
    push @h, 'Access-Control-Request-Headers' => $acrh if defined $acrh;
    push @h, @extra;
    return req('OPTIONS', $path, \@h);
}

# All values of a header, in order (case-insensitive name).
sub hdrs {
    my ($res, $name) = @_;
    return map { $_->[1] } grep { lc $_->[0] eq lc $name } @{ $res->{headers} };
}

# The value of a header that must appear at most once; dies if it repeats.
sub hdr {
    my ($res, $name) = @_;
    my @v = hdrs($res, $name);
    die "header $name appears " . scalar(@v) . " times\n" if @v > 1;
    return $v[0];
}

# Names (lowercase) of every Access-Control-* response header.
sub acx_names {
    my $res = shift;
    return map { lc $_->[0] } grep { $_->[0] =~ /^access-control-/i }
        @{ $res->{headers} };
}

# Vary tokens from every Vary line, in order, as sent.
sub vary_tokens {
    my $res = shift;
    return grep { length } map { s/^\s+|\s+$//gr } map { split /,/ }
        hdrs($res, 'Vary');
}

# How many times the CGI handler ran for requests carrying ID in the URL.
sub calls_for {
    my $id = shift;
    my $file = catfile(t_logs(), 'handler_calls');
    open my $fh, '<', $file or return 0;
    my $n = grep { /\b\Q$id\E\b/ } <$fh>;
    return $n;
}

sub error_log_mark { -s catfile(t_logs(), 'error_log') || 0 }

# Error log text written after MARK; waits a little for LOOK_FOR (a regex)
# to appear, since httpd writes the log after the response.
sub error_log_since {
    my ($mark, $look_for) = @_;
    my $file = catfile(t_logs(), 'error_log');
    my $text = '';
    for (1 .. 20) {
        open my $fh, '<', $file or die "cannot open $file: $!";
        seek $fh, $mark, 0;
        local $/;
        $text = <$fh> // '';
        return $text if !$look_for || $text =~ $look_for;
        sleep 0.1;
    }
    return $text;
}

# The line a CustomLog (in t/logs) wrote for the request whose URL
# contains ID (written after the response: wait for it); undef if none.
sub log_line_for {
    my ($log, $id) = @_;
    my $file = catfile(t_logs(), $log);
    for (1 .. 30) {
        if (open my $fh, '<', $file) {
            my @hits = grep { /\b\Q$id\E\b/ } <$fh>;
            if (@hits) {
                die "more than one $log line for $id\n" if @hits > 1;
                return $hits[0];
            }
        }
        sleep 0.1;
    }
    return undef;
}

# The %{CORS_RESULT}e logged for the request whose URL contains ID
# (logs/cors_log).
sub cors_result {
    my $line = log_line_for('cors_log', shift) // return undef;
    my ($v) = $line =~ /^(\S+) /;
    return $v;
}

# "%{CORS_RESULT}e %{CORS_REASON}e" logged for the request whose URL
# contains ID (logs/cors_outcome_log; "-" stands for a variable not set):
# "actual-denied origin", "actual-ok -", "- -" outside any scope.
sub cors_outcome {
    my $line = log_line_for('cors_outcome_log', shift) // return undef;
    my ($v) = $line =~ /^(\S+ \S+) /;
    return $v;
}

# write_htaccess(DIR..., BYTES): write BYTES (as they are) to
# DOCROOT/DIR.../.htaccess, readable by httpd's children; every file written
# is removed when the test file ends.  Returns the path.
my @htaccess_written;
sub write_htaccess {
    my $bytes = pop;
    my $file = catfile(docroot(), @_, '.htaccess');
    open my $fh, '>:raw', $file or die "cannot write $file: $!";
    print $fh $bytes;
    close $fh or die "cannot write $file: $!";
    chmod 0644, $file;
    push @htaccess_written, $file
        unless grep { $_ eq $file } @htaccess_written;
    return $file;
}
# Remove every .htaccess written so far (the tree's <Directory> policy
# applies again).
sub remove_htaccess {
    unlink @htaccess_written;
    @htaccess_written = ();
}
END { remove_htaccess() }

1;
