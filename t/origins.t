# docs/mod_cors.md, "Origins": exact origins, default ports, wildcard subdomains, port *,
# IPv6, null, regexes (anchored), *, malformed Origin headers.
# Scopes: /h/o..., /h/ip, /h/null, /h/star..., /h/canary... in
# conf/extra.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my ($r, $id);

sub allowed {
    my ($path, $origin, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = preflight($path, $origin, 'GET');
    preflight_ok($r, $origin, "$name (preflight)");
    $r = req('GET', $path, [Origin => $origin]);
    acao_is($r, $origin, "$name (actual)");
}

sub refused {
    my ($path, $origin, $why, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = preflight($path, $origin, 'GET');
    refused_ok($r, $why, "$name (preflight)");
    $r = req('GET', $path, [Origin => $origin]);
    is($r->{status}, 200, "$name (actual): 200");
    no_acx($r, "$name (actual)");
    vary_ok($r, ['Origin'], "$name (actual)");
}

sub not_allowed_re { my $o = shift; qr/origin '\Q$o\E' is not allowed/ }
sub malformed_re { my $o = shift; qr/origin '\Q$o\E' is malformed: \S/ }

my $o = '/h/o/x';

# exact origins; scheme and host case-insensitive, default port = no port
allowed($o, 'https://exact.example', 'exact');
allowed($o, 'HTTPS://EXACT.Example', 'exact, other case');
allowed($o, 'https://exact.example:443', 'exact, explicit default port');
refused($o, $_, not_allowed_re($_), "not exact: $_")
    for 'http://exact.example', 'https://exact.example:8443',
        'https://www.exact.example', 'https://exact.example.evil.net';
allowed($o, 'http://port.example:8080', 'exact with port');
refused($o, $_, not_allowed_re($_), "port differs: $_")
    for 'http://port.example', 'http://port.example:80', 'http://port.example:8081';

# wildcard subdomains
allowed($o, 'https://a.wild.example', 'wildcard, one label');
allowed($o, 'https://a.b.wild.example', 'wildcard, two labels');
allowed($o, 'https://a.wild.example:443', 'wildcard, explicit default port');
refused($o, $_, not_allowed_re($_), "wildcard does not cover $_")
    for 'https://wild.example', 'https://evil-wild.example', 'https://wild.example.evil.net',
        'http://a.wild.example', 'https://a.wild.example:8443', 'https://awild.example';

# port *
allowed($o, $_, "port *: $_")
    for 'http://localhost', 'http://localhost:3000', 'http://localhost:65535',
        'https://x.anyport.example', 'https://x.anyport.example:9443';
refused($o, $_, not_allowed_re($_), "port * keeps the scheme and host: $_")
    for 'https://localhost:3000', 'http://localhost.evil.net:3000', 'https://anyport.example:9443';

# IPv6 literal
allowed($o, 'http://[::1]:8080', 'IPv6 literal');
refused($o, 'http://[::1]:8081', not_allowed_re('http://[::1]:8081'), 'IPv6, other port');

# IP hosts: configured in any spelling the URL Standard's host parser reads,
# stored in the one browsers send; a request spelling them otherwise is no
# browser's and is malformed, so a regex never sees two spellings of one
# address (http://10.0.0.010 is 10.0.0.8).
my $ip = '/h/ip/x';
allowed($ip, $_, "IP host written otherwise in the configuration: $_")
    for 'http://127.0.0.1:8080', 'http://127.0.0.2', 'http://[::1]:9090',
        'http://[::ffff:a00:1]', 'http://[::FFFF:A00:1]', 'http://10.0.0.7';
refused($ip, $_->[0], qr/origin '\Q$_->[0]\E' is malformed: \Q$_->[1]\E/, "IP host not as browsers write it: $_->[0]")
    for ['http://127.1:8080', 'the IPv4 address is not written as browsers write it (127.0.0.1)'],
        ['http://0x7f.0.0.2', 'the IPv4 address is not written as browsers write it (127.0.0.2)'],
        ['http://10.0.0.010', 'the IPv4 address is not written as browsers write it (10.0.0.8)'],
        ['http://[0:0:0:0:0:0:0:1]:9090', 'the IPv6 address is not written as browsers write it ([::1])'],
        ['http://[::ffff:10.0.0.1]', 'the IPv6 address is not written as browsers write it ([::ffff:a00:1])'],
        ['http://999.1.1.1', 'the host ends in a number but is not an IPv4 address'],
        ['http://a.10', 'the host ends in a number but is not an IPv4 address'],
        ['http://[:::::]', 'the host is not a valid IPv6 literal'];
refused($ip, $_, not_allowed_re($_), "IP host not configured: $_")
    for 'http://127.0.0.1', 'http://127.0.0.3', 'http://[::1]', 'http://[::ffff:a00:2]';

# explicit null
allowed($o, 'null', 'explicit null');
allowed('/h/null/x', 'null', 'CORSAllowOrigin null');
refused('/h/null/x', APP, not_allowed_re(APP), 'null scope: other origins refused');
refused('/h/pf/x', 'null', not_allowed_re('null'), 'null not configured');

# regex, anchored on the whole origin, matched on the normalised form
allowed($o, 'https://abc.example.org', 'regex');
allowed($o, 'https://ABC.example.org', 'regex on the normalised (lowercase) host');
allowed($o, 'https://abc.example.org:443', 'regex on the normalised port');
refused($o, $_, not_allowed_re($_), "regex is anchored: $_")
    for 'https://abc.example.org.evil.net', 'https://abc.example.orgx', 'xhttps://abc.example.org',
        'http://abc.example.org', 'https://a1.example.org';
allowed('/h/o/rxall/x', 'https://anything.example', 'regex \S+');
refused('/h/o/rxall/x', 'null', not_allowed_re('null'), 'a regex never matches null');

# malformed Origin headers: never allowed, even by a regex that would match
my $loose = '/h/o/loose/x';
allowed($loose, APP, 'loose scope, well-formed');
allowed($loose, 'https://x.app.example.com', 'loose scope regex, well-formed');
my $long = 'https://' . join('.', ('a' x 60) x 9) . '.app.example.com';
ok(length($long) > 512, 'long origin is over 512 bytes');
refused($loose, $long, qr/origin '.*' is malformed: \S/, 'longer than 512 bytes');
my $okish = 'https://' . join('.', ('a' x 60) x 3) . '.app.example.com';
allowed($loose, $okish, 'a long (' . length($okish) . ' bytes) but valid origin');
refused($loose, $_, malformed_re($_), "malformed: $_")
    for 'https://app.example.com/x', 'https://app.example.com/', 'https://u@app.example.com',
        'https://u:p@app.example.com', 'https://app.example.com?q', 'https://app.example.com#f',
        'https://app.example.com:99999', 'https://app.example.com:abc',
        'https://app.example.com:0';
refused('/h/pf/x', 'https://', malformed_re('https://'), 'empty host');
refused('/h/pf/x', 'https://:443', malformed_re('https://:443'), 'empty host with port');
refused('/h/pf/x', 'app.example.com', malformed_re('app.example.com'), 'no scheme');

# a comma: two Origin lines arrive joined
for my $pair ([APP, APP], [APP, EVIL]) {
    my $h = join '', map { "Origin: $_\r\n" } @$pair;
    $r = req('OPTIONS', $loose, ['Access-Control-Request-Method' => 'GET'], raw_headers => $h);
    is($r->{status}, 403, "two Origin lines (@$pair): preflight 403");
    like($r->{body}, qr/\ACORS preflight refused: origin '.*,.*' is malformed/,
         'two Origin lines: malformed');
    no_acx($r, 'two Origin lines (preflight)');
    $r = req('GET', $loose, [], raw_headers => $h);
    no_acx($r, "two Origin lines (@$pair, actual)");
}
$r = req('GET', $loose, [Origin => APP . ', ' . APP]);
no_acx($r, 'comma in one Origin line');

# control characters (raw bytes; HttpProtocolOptions Unsafe lets them in)
for my $ctl ("\x01", "\x7f", "\t") {
    my $bad = "https://app.example.com${ctl}x";
    my $hex = sprintf '0x%02x', ord $ctl;
    $r = req('OPTIONS', $loose, ['Access-Control-Request-Method' => 'GET'],
             raw_headers => "Origin: $bad\r\n");
    is($r->{status}, 403, "control character $hex: preflight 403");
    no_acx($r, "control character $hex (preflight)");
    $r = req('GET', $loose, [], raw_headers => "Origin: $bad\r\n");
    no_acx($r, "control character $hex (actual)");
}

# --- * ---------------------------------------------------------------------
for my $h ([Origin => APP], [Origin => 'null'], [Origin => 'https://app.example.com/bad'], []) {
    my $what = @$h ? "Origin: $h->[1]" : 'no Origin';
    $r = req('GET', '/h/star/x?acao=https://handler.example', $h);
    acao_is($r, '*', "* ($what)");
    is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total-count', "* ($what): ACEH");
    is(hdr($r, 'Access-Control-Allow-Credentials'), undef, "* ($what): no ACAC");
}
$r = preflight('/h/star/x', 'https://anyone.example', 'POST');
preflight_ok($r, '*', '* preflight: ACAO *');
$r = preflight('/h/star/x', 'null', 'GET');
preflight_ok($r, '*', '* preflight from null');
$r = preflight('/h/star/x', 'https://anyone.example', 'PUT');
refused_ok($r, qr/method 'PUT' is not allowed/, '* preflight, method refused');
$r = preflight('/h/star/x', 'https://anyone.example/', 'GET');
refused_ok($r, malformed_re('https://anyone.example/'), '* preflight, malformed origin');

# * and credentials meeting only through merging
my $mark = error_log_mark();
$r = req('GET', '/h/star/cred/x', [Origin => APP]);
is($r->{status}, 200, '* + inherited credentials: 200');
is(scalar(hdrs($r, 'Access-Control-Allow-Origin')), 1, '* + credentials: one ACAO');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, '* + credentials: no ACAC');
$r = preflight('/h/star/cred/x', APP, 'GET');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, '* + credentials preflight: no ACAC');
my $log = error_log_since(0, qr/\[cors:warn\].*credential/i);
like($log, qr/\[cors:warn\][^\n]*credential/i, 'error log says why, at warn');

# a regex matching a canary origin, with credentials through merging
$r = req('GET', '/h/canary/x', [Origin => 'https://any.example']);
acao_is($r, 'https://any.example', 'regex https://\S+ allows any https origin');
$r = req('GET', '/h/canary/cred/x', [Origin => 'https://any.example']);
is(hdr($r, 'Access-Control-Allow-Credentials'), undef,
   'canary-matching regex + inherited credentials: no ACAC');
# ... also a regex matching the domain it names with a label glued in front
$mark = error_log_mark();
$r = req('GET', '/h/canary2/x', [Origin => 'https://app.example.com']);
acao_is($r, 'https://app.example.com', 'regex https://.*example\.com allows app.example.com');
$r = req('GET', '/h/canary2/cred/x', [Origin => 'https://app.example.com']);
acao_is($r, 'https://app.example.com', 'canary regex + inherited credentials: still allowed');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef,
   'regex matching https://LABELexample.com + inherited credentials: no ACAC');
$r = preflight('/h/canary2/cred/x', 'https://app.example.com', 'GET');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef,
   'regex matching https://LABELexample.com + inherited credentials: no ACAC (preflight)');
like(error_log_since($mark, qr/\[cors:warn\].*credential/i), qr/\[cors:warn\][^\n]*credential/i,
     'canary regex + inherited credentials: the error log says why, at warn');

done_testing();
