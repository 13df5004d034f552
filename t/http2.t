# HTTP/2 (mod_http2, h2c with prior knowledge): every preflight and actual
# response is the same as over HTTP/1.1 — status, every Access-Control-*
# header and the Vary tokens (and Allow, Content-Encoding where they
# matter).  curl (built with nghttp2) sends each request both ways to the
# virtual host cors_h2 of conf/http2.conf.in, which has
# "Protocols h2c http/1.1" and every server-wide scope of the suite.
# (Under prefork mod_http2 warns that it is not supported; httpd 2.4.71
# still speaks h2c there, and mk/interop.mk runs this file under each MPM.)
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use MIME::Base64 qw(encode_base64);
use CorsTest;

cors_plan();

my $port = vhost_port('cors_h2');
my $base = "http://127.0.0.1:$port";
my $creds = 'Authorization: Basic ' . encode_base64('admin:s3cret', '');
my $PF = 'Access-Control-Request-Method';

# One request through curl; returns { version, status, headers => [[n, v]] }.
sub curl {
    my ($proto, $method, $path, @h) = @_;
    my @cmd = ('curl', '-sS', '-o', '/dev/null', '-D', '-', '--max-time', '20',
               $proto eq 'h2' ? '--http2-prior-knowledge' : '--http1.1',
               '-w', '\nVERSION=%{http_version}\n');
    if ($method eq 'HEAD') { push @cmd, '-I' }
    elsif ($method ne 'GET') { push @cmd, '-X', $method }
    push @cmd, map { ('-H', $_) } @h;
    push @cmd, "$base$path";
    open my $fh, '-|', @cmd or die "cannot run curl: $!";
    local $/;
    my $out = <$fh> // '';
    close $fh;
    my ($version) = $out =~ /^VERSION=(\S+)$/m;
    my ($status) = $out =~ m{^HTTP/[\d.]+ (\d{3})}m;
    my @hdrs;
    for (split /\r?\n/, $out) {
        next if m{^HTTP/} || /^VERSION=/ || !/:/;
        my ($n, $v) = /^([^:]+):\s*(.*?)\s*$/ or next;
        push @hdrs, [lc $n, $v];
    }
    return { version => $version // '', status => $status // 0, headers => \@hdrs };
}

# What must be identical: the status, every Access-Control-* line (name
# and value, in order), the Vary tokens (lowercase, as a set: HTTP/2 may
# fold lines), Allow and Content-Encoding.
sub summary {
    my $r = shift;
    my @acx = map { "$_->[0]: $_->[1]" } grep { $_->[0] =~ /^access-control-/ } @{ $r->{headers} };
    my %vary;
    $vary{lc $_}++ for grep { length } map { s/^\s+|\s+$//gr }
        map { split /,/, $_->[1] } grep { $_->[0] eq 'vary' } @{ $r->{headers} };
    my @other = map { "$_->[0]: $_->[1]" }
        grep { $_->[0] eq 'allow' || $_->[0] eq 'content-encoding' } @{ $r->{headers} };
    return { status => $r->{status}, acx => \@acx,
             vary => join(', ', map { $vary{$_} > 1 ? "$_ x$vary{$_}" : $_ } sort keys %vary),
             other => \@other };
}

# the ETag of a static file, for the 304 case
my $r1 = curl('h1', 'GET', '/interop/st/file.txt');
my ($etag) = map { $_->[1] } grep { $_->[0] eq 'etag' } @{ $r1->{headers} };
ok(defined $etag, 'static file ETag over HTTP/1.1');
$etag //= '"none"';

my @cases = (
    ['allowed preflight', 'OPTIONS', '/h/pf/x', 'Origin: ' . APP, "$PF: PUT",
     'Access-Control-Request-Headers: X-Custom'],
    ['refused preflight (origin)', 'OPTIONS', '/h/pf/x', 'Origin: ' . EVIL, "$PF: PUT"],
    ['refused preflight (method)', 'OPTIONS', '/h/pf/x', 'Origin: ' . APP, "$PF: PATCH"],
    ['preflight, status 200, max-age', 'OPTIONS', '/h/pf/s200/x', 'Origin: ' . APP, "$PF: PUT"],
    ['preflight, private network', 'OPTIONS', '/h/pf/pna/x', 'Origin: ' . APP, "$PF: PUT",
     'Access-Control-Request-Private-Network: true'],
    ['actual, allowed', 'GET', '/h/act/x?vary=Accept', 'Origin: ' . APP],
    ['actual, credentials', 'GET', '/h/act/cred/x', 'Origin: ' . APP],
    ['actual, disallowed', 'GET', '/h/act/x', 'Origin: ' . EVIL],
    ['actual, no Origin', 'GET', '/h/act/x'],
    ['actual, handler ACAO replaced', 'GET', '/h/act/x?acao=https://h.example', 'Origin: ' . APP],
    ['mod_headers ACAO replaced', 'GET', '/h/act/hdrset/x', 'Origin: ' . APP],
    ['HEAD', 'HEAD', '/h/act/x', 'Origin: ' . APP],
    ['plain OPTIONS', 'OPTIONS', '/h/act/x', 'Origin: ' . APP],
    ['credential-less *', 'GET', '/h/star/x', 'Origin: ' . EVIL],
    ['CGI 404', 'GET', '/h/act/x?status=404', 'Origin: ' . APP],
    ['broken CGI 500', 'GET', '/h/act/broken', 'Origin: ' . APP],
    ['ErrorDocument 404', 'GET', '/static/ed/missing.txt', 'Origin: ' . APP],
    ['mod_dir redirect', 'GET', '/interop/st/dir', 'Origin: ' . APP],
    ['DirectoryIndex', 'GET', '/interop/st/dir/', 'Origin: ' . APP],
    ['304', 'GET', '/interop/st/file.txt', 'Origin: ' . APP, "If-None-Match: $etag"],
    ['403 + ErrorDocument in another scope', 'GET', '/interop/st/denied/x', 'Origin: ' . APP],
    ['front controller', 'GET', '/interop/st/fc/a/b', 'Origin: ' . APP],
    ['auth: preflight bypass', 'OPTIONS', '/interop/h/auth/x', 'Origin: ' . APP, "$PF: PUT"],
    ['auth: 401', 'GET', '/interop/h/auth/x', 'Origin: ' . APP],
    ['auth: 200 with credentials', 'GET', '/interop/h/auth/x', 'Origin: ' . APP, $creds],
    ['auth: Require all denied preflight', 'OPTIONS', '/h/auth/denied/x', 'Origin: ' . APP, "$PF: PUT"],
    ['passthrough preflight', 'OPTIONS', '/h/pt/x?vary=Accept', 'Origin: ' . APP, "$PF: PUT"],
    ['proxied', 'GET', '/interop/px/x?vary=Accept-Encoding', 'Origin: ' . APP],
    ['proxied passthrough preflight', 'OPTIONS', '/interop/px/pt/x', 'Origin: ' . APP, "$PF: PUT"],
    ['proxied 503', 'GET', '/interop/px/down', 'Origin: ' . APP],
    ['reject 403', 'GET', '/interop/h/rej/x', 'Origin: ' . EVIL],
    ['reject 405', 'DELETE', '/interop/h/rej/x', 'Origin: ' . APP],
    ['mod_deflate', 'GET', '/interop/defl/big.txt', 'Origin: ' . APP, 'Accept-Encoding: gzip'],
    ['SSI page', 'GET', '/interop/ssi/page.shtml', 'Origin: ' . APP],
    ['cached static file', 'GET', '/interop/cache/st/a.txt?h2', 'Origin: ' . APP],
    ['cached static file, other origin', 'GET', '/interop/cache/st/a.txt?h2',
     'Origin: https://api.example.com'],
    # cross-origin protection (conf/cross_origin.conf.in): over HTTP/2 the
    # Host it compares with is the :authority
    ['cross-origin protection: cross-site POST', 'POST', '/xo/h/m',
     'Origin: ' . EVIL, 'Sec-Fetch-Site: cross-site'],
    ['cross-origin protection: Origin naming the Host', 'POST', '/xo/h/m',
     "Origin: http://127.0.0.1:$port"],
    ['cross-origin protection: Origin on another port', 'POST', '/xo/h/m',
     'Origin: http://127.0.0.1:' . ($port + 1)],
);

for my $c (@cases) {
    my ($name, $method, $path, @h) = @$c;
    my $h1 = curl('h1', $method, $path, @h);
    my $h2 = curl('h2', $method, $path, @h);
    is($h1->{version}, '1.1', "$name: HTTP/1.1 request");
    is($h2->{version}, '2', "$name: HTTP/2 request (h2c)");
    ok($h1->{status} >= 200, "$name: HTTP/1.1 answered ($h1->{status})");
    is_deeply(summary($h2), summary($h1), "$name: HTTP/2 = HTTP/1.1")
        or diag(explain(summary($h1)), explain(summary($h2)));
    unlike(summary($h2)->{vary}, qr/ x\d/, "$name: no Vary token twice over HTTP/2");
}

# a few absolute checks over HTTP/2, so that "the same as HTTP/1.1" is not
# "the same mistake"
my $r = curl('h2', 'OPTIONS', '/h/pf/x', 'Origin: ' . APP, "$PF: PUT");
is($r->{status}, 204, 'h2 preflight: 204');
is_deeply([grep { $_->[0] eq 'access-control-allow-origin' } @{ $r->{headers} }],
          [['access-control-allow-origin', APP]], 'h2 preflight: one ACAO');
$r = curl('h2', 'GET', '/interop/px/x', 'Origin: ' . APP);
is_deeply([grep { $_->[0] eq 'access-control-allow-origin' } @{ $r->{headers} }],
          [['access-control-allow-origin', APP]], "h2 proxied: one ACAO, the backend's replaced");
$r = curl('h2', 'POST', '/xo/h/m', 'Origin: ' . EVIL, 'Sec-Fetch-Site: cross-site');
is($r->{status}, 403, 'h2 cross-site POST: 403 (cross-origin protection)');
$r = curl('h2', 'POST', '/xo/h/m', "Origin: http://127.0.0.1:$port");
is($r->{status}, 200, 'h2 POST, Origin naming the :authority: 200');
$r = curl('h2', 'GET', '/h/act/x', 'Origin: ' . EVIL);
is(scalar(grep { $_->[0] =~ /^access-control-/ } @{ $r->{headers} }), 0,
   'h2 disallowed origin: no Access-Control-*');

done_testing();
