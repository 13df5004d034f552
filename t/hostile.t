# Hostile requests (issue 6, item 3): oversized, malformed and ambiguous
# CORS headers.  Each has one defined outcome, none crashes a child, and each
# is answered within a bound.  Then a broken .htaccess (item 4): a 500 for
# its own directory while the server keeps serving its siblings.
# Scopes: /hostile in conf/hostile.conf.in; the cors_hostile_big virtual
# host lets 100 KB header lines through to the module.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use Time::HiRes qw(time);
use CorsTest;

cors_plan();

my $big = vhost_port('cors_hostile_big');
my $BOUND = 2;    # seconds: generous for loopback on a loaded machine
my $mark = error_log_mark();

# A request that must be answered within $BOUND seconds.
sub treq {
    my ($name, $method, $path, $headers, %opt) = @_;
    my $t0 = time;
    my $r = req($method, $path, $headers, %opt);
    my $dt = time - $t0;
    ok($dt < $BOUND, sprintf('%s: answered in %.3f s', $name, $dt));
    return $r;
}

sub tpreflight {
    my ($name, $path, $origin, $method, $acrh, %opt) = @_;
    my @h;
    push @h, Origin => $origin if defined $origin;
    push @h, 'Access-Control-Request-Method' => $method if defined $method;
    push @h, 'Access-Control-Request-Headers' => $acrh if defined $acrh;
    return treq($name, 'OPTIONS', $path, \@h, %opt);
}

# An actual request whose Origin must get nothing but Vary: Origin.
sub refused_actual {
    my ($r, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($r->{status}, 200, "$name: 200");
    no_acx($r, $name);
    vary_ok($r, ['Origin'], $name);
}

my $A = '/hostile/a.txt';
my $S = '/hostile/star/a.txt';
my ($r, $id);

# --- An Origin of 100 KB ----------------------------------------------------
my $huge = 'https://' . ('a' x 102400) . '.example';
$r = treq('100 KB Origin, default limits', 'GET', $A, [Origin => $huge]);
is($r->{status}, 400, '100 KB Origin, default limits: Apache refuses the line');
no_acx($r, '100 KB Origin, default limits');
$r = treq('100 KB Origin', 'GET', $A, [Origin => $huge], port => $big);
refused_actual($r, '100 KB Origin');
$r = tpreflight('100 KB Origin preflight', $A, $huge, 'GET', undef, port => $big);
refused_ok($r, qr/origin 'https:\/\/a{100}[a-z.]*\.\.\.' is malformed: it is longer than 512 bytes/,
           '100 KB Origin preflight');
ok(length($r->{body}) < 1024, '100 KB Origin preflight: the reason is bounded');
$r = treq('100 KB Origin, *', 'GET', $S, [Origin => $huge], port => $big);
acao_is($r, '*', '100 KB Origin, credential-less *');

# --- 10,000 names in Access-Control-Request-Headers -----------------------
my $names = join(', ', map { "X-Name-$_" } 1 .. 10000);
$r = tpreflight('10,000 names, default limits', $S, APP, 'GET', $names);
is($r->{status}, 400, '10,000 names, default limits: Apache refuses the line');
$r = tpreflight('10,000 names, *', $S, APP, 'GET', $names, port => $big);
preflight_ok($r, '*', '10,000 names, CORSAllowHeaders *');
my @echo = split /, /, hdr($r, 'Access-Control-Allow-Headers') // '';
is(scalar(@echo), 10000, '10,000 names: all echoed');
is($echo[9999], 'x-name-10000', '10,000 names: lowercase, in order');
$r = tpreflight('10,000 names, listed', $A, APP, 'GET', "X-Token, $names",
                port => $big);
refused_ok($r, qr/request header 'x-name-1' is not allowed/,
           '10,000 names, one listed');
$r = tpreflight('10,000 empty items', $S, APP, 'GET', ',' x 10000, port => $big);
refused_ok($r, qr/Access-Control-Request-Headers has an empty item/,
           '10,000 empty items');

# --- Control bytes ----------------------------------------------------------
for my $c ("\x01", "\x1b", "\x7f", "\t") {
    my $name = sprintf 'Origin with byte 0x%02x', ord $c;
    $r = treq($name, 'GET', $A, [Origin => APP . "${c}x"]);
    refused_actual($r, $name);
    $r = tpreflight("$name preflight", $A, APP . "${c}x", 'GET');
    refused_ok($r, qr/is malformed: it has a control character/, "$name preflight");
    like($r->{body}, qr/\\x[0-9a-f]{2}/, "$name preflight: escaped in the reason");
}
$r = tpreflight('control byte in Access-Control-Request-Method', $A, APP, "GE\x01T");
refused_ok($r, qr/Access-Control-Request-Method 'GE\\x01T' is not a method token/,
           'control byte in Access-Control-Request-Method');
$r = tpreflight('control byte in Access-Control-Request-Headers', $A, APP, 'GET',
                "x-token\x01");
refused_ok($r, qr/item 'x-token\\x01' is not a header name/,
           'control byte in Access-Control-Request-Headers');

# --- UTF-8 and punycode hosts -----------------------------------------------
$r = treq('UTF-8 host', 'GET', $A, [Origin => "https://b\xc3\xbccher.example"]);
refused_actual($r, 'UTF-8 host');
$r = tpreflight('UTF-8 host preflight', $A, "https://b\xc3\xbccher.example", 'GET');
refused_ok($r, qr/'https:\/\/b\\xc3\\xbccher\.example' is malformed: it has a space or a non-ASCII byte/,
           'UTF-8 host preflight');
$r = treq('punycode host', 'GET', $A, [Origin => 'https://xn--bcher-kva.example']);
acao_is($r, 'https://xn--bcher-kva.example', 'punycode host (configured)');
$r = treq('punycode wildcard', 'GET', $A, [Origin => 'https://xn--bcher-kva.wild.example']);
acao_is($r, 'https://xn--bcher-kva.wild.example', 'punycode label under a wildcard');
$r = treq('UTF-8 label under a wildcard', 'GET', $A,
          [Origin => "https://b\xc3\xbccher.wild.example"]);
refused_actual($r, 'UTF-8 label under a wildcard');

# --- IPv6 literals ----------------------------------------------------------
$r = tpreflight('IPv6 literal', $A, 'http://[::1]:8080', 'PUT');
preflight_ok($r, 'http://[::1]:8080', 'IPv6 literal');
for my $o ('http://[::1]', 'http://[0:0:0:0:0:0:0:1]:8080', 'http://[::2]:8080') {
    $r = treq("IPv6 $o", 'GET', $A, [Origin => $o]);
    refused_actual($r, "IPv6 $o: another origin");
}
for my $o ('http://[::1', 'http://[::1]x:8080', 'http://[::g]:8080', 'http://::1:8080') {
    $r = tpreflight("IPv6 $o", $A, $o, 'GET');
    refused_ok($r, qr/is malformed/, "malformed IPv6 $o");
}
$r = treq('IPv6 under a wildcard', 'GET', $A, [Origin => 'https://[::1].wild.example']);
refused_actual($r, 'IPv6 literal before a wildcard suffix');

# --- Two Origin headers, an empty one, null --------------------------------
$r = treq('two Origin headers', 'GET', $A, [],
          raw_headers => 'Origin: ' . APP . "\r\nOrigin: " . APP . "\r\n");
refused_actual($r, 'two Origin headers (joined by a comma)');
$r = treq('two Origin headers preflight', 'OPTIONS', $A,
          ['Access-Control-Request-Method' => 'GET'],
          raw_headers => 'Origin: ' . APP . "\r\nOrigin: " . APP . "\r\n");
refused_ok($r, qr/it has a comma/, 'two Origin headers preflight');
$id = uid();
$r = treq('empty Origin', 'GET', "$A?$id", [Origin => '']);
refused_actual($r, 'empty Origin');
is(cors_result($id), 'actual-denied', 'empty Origin: CORS_RESULT actual-denied');
$r = tpreflight('empty Origin preflight', $A, '', 'GET');
refused_ok($r, qr/origin '' is malformed: it is empty/, 'empty Origin preflight');
$r = treq('null', 'GET', $A, [Origin => 'null']);
acao_is($r, 'null', 'null (an explicit entry)');
$r = treq('NULL', 'GET', $A, [Origin => 'NULL']);
refused_actual($r, 'NULL is not the opaque origin');
$r = treq('null, *', 'GET', $S, [Origin => 'null']);
acao_is($r, '*', 'null under a credential-less *');

# --- Absurd methods -----------------------------------------------------------
$r = tpreflight('list in Access-Control-Request-Method', $A, APP, 'GET, DELETE');
refused_ok($r, qr/'GET, DELETE' is not a method token/, 'method list');
$r = tpreflight('empty Access-Control-Request-Method', $A, APP, '');
refused_ok($r, qr/Access-Control-Request-Method '' is not a method token/,
           'empty Access-Control-Request-Method');
$r = tpreflight('8 KB method', $A, APP, 'X' x 8000);
refused_ok($r, qr/method 'X{128}\.\.\.' is not allowed/, '8 KB requested method');
$r = tpreflight('lowercase get', $A, APP, 'get');
refused_ok($r, qr/method 'get' is not allowed/, 'methods are case-sensitive');
$r = tpreflight('UTF-8 method', $A, APP, "G\xc3\x89T");
refused_ok($r, qr/'G\\xc3\\x89T' is not a method token/, 'UTF-8 requested method');
$r = treq('unknown method', 'BREW', $A, [Origin => APP]);
is($r->{status}, 501, 'unknown method on a file: Apache\'s 501');
acao_is($r, APP, 'unknown method: the error response is decorated');
$r = treq('8 KB method', 'M' x 8000, $A, [Origin => APP], port => $big);
is($r->{status}, 501, '8 KB method: Apache\'s 501');
acao_is($r, APP, '8 KB method: decorated');

# --- 8 KB header names --------------------------------------------------------
my $long = 'X-' . ('n' x 8190);
$r = tpreflight('8 KB requested name, *', $S, APP, 'GET', $long, port => $big);
preflight_ok($r, '*', '8 KB requested name under CORSAllowHeaders *');
is(hdr($r, 'Access-Control-Allow-Headers'), lc $long, '8 KB name echoed lowercase');
$r = tpreflight('8 KB requested name', $A, APP, 'GET', $long, port => $big);
refused_ok($r, qr/request header 'x-n{126}\.\.\.' is not allowed/, '8 KB requested name');
$r = treq('8 KB header field name', 'GET', $A, [$long => 'v', Origin => APP]);
is($r->{status}, 400, '8 KB header field name, default limits: Apache refuses it');
$r = treq('8 KB header field name', 'GET', $A, [$long => 'v', Origin => APP], port => $big);
is($r->{status}, 200, '8 KB header field name: 200');
acao_is($r, APP, '8 KB header field name: still decorated');

# --- Headers others set in scope --------------------------------------------
# A handler's "Vary: *" set after the filter (mod_headers): the token the
# module merged stays, harmless beside '*'.
$r = treq('Vary: *', 'GET', '/hostile/vary/a.txt', [Origin => APP]);
acao_is($r, APP, 'Vary: * from mod_headers');
ok(scalar(grep { $_ eq '*' } vary_tokens($r)), 'Vary: * kept');
# A handler's own "Vary: *" (a CGI, before the filter): it already covers
# Origin, so nothing is merged into it.
$r = treq('Vary: * from the handler', 'GET', '/h/eng/hostile?vary=*', [Origin => APP]);
acao_is($r, APP, 'Vary: * from the handler');
is(join(',', vary_tokens($r)), '*', 'Vary: * from the handler: left as it is');
# Passthrough preflight: mod_headers' Access-Control-* values give way to
# the module's, one line each.
$r = treq('passthrough', 'OPTIONS', '/hostile/pass/a.txt',
          [Origin => APP, 'Access-Control-Request-Method' => 'PUT',
           'Access-Control-Request-Headers' => 'X-Token',
           'Access-Control-Request-Private-Network' => 'true']);
is($r->{status}, 200, 'passthrough: the handler answers');
is_deeply([hdrs($r, 'Access-Control-Allow-Methods')], ['GET, PUT'],
          'passthrough: our Access-Control-Allow-Methods only');
is_deeply([hdrs($r, 'Access-Control-Allow-Headers')], ['x-token'],
          'passthrough: one Access-Control-Allow-Headers');
is_deeply([hdrs($r, 'Access-Control-Allow-Private-Network')], ['true'],
          'passthrough: one Access-Control-Allow-Private-Network');
# CORSExposeHeaders * X-Total with credentials: the response's own names,
# each once (X-Total is both listed and sent; X-Other is sent twice).
$r = treq('expose', 'GET', '/h/hostile-expose?hdr=X-Total:5&hdr=X-Other:1'
          . '&hdr=X-Other:2&hdr=Access-Control-Foo:1', [Origin => APP]);
acao_is($r, APP, 'expose *');
is(scalar(hdrs($r, 'Access-Control-Foo')), 0,
   "the handler's own Access-Control-Foo is removed");
my @exposed = map { split /\s*,\s*/ } hdrs($r, 'Access-Control-Expose-Headers');
is(scalar(grep { $_ eq 'x-other' } @exposed), 1, 'expose *: x-other once')
    or diag("Access-Control-Expose-Headers: @exposed");
# a listed name the response also carries is named once
is(scalar(grep { $_ eq 'x-total' } @exposed), 1,
   'expose * X-Total: x-total once')
    or diag("Access-Control-Expose-Headers: @exposed");
# "-X-Secret" under an inherited '*': any header but X-Secret.
$r = treq('expose any but', 'GET',
          '/h/hostile-expose/minus/x?hdr=X-Secret:1&hdr=X-Public:1', [Origin => APP]);
@exposed = map { split /\s*,\s*/ } hdrs($r, 'Access-Control-Expose-Headers');
ok((grep { $_ eq 'x-public' } @exposed), 'expose * -X-Secret: x-public named')
    or diag("Access-Control-Expose-Headers: @exposed");
ok(!(grep { $_ eq 'x-secret' } @exposed), 'expose * -X-Secret: x-secret not named')
    or diag("Access-Control-Expose-Headers: @exposed");
# Nine Vary lines from mod_headers after the filter.
$r = treq('nine Vary lines', 'GET', '/hostile/vary9/a.txt', [Origin => APP]);
acao_is($r, APP, 'nine Vary lines');
vary_ok($r, ['Origin', map { "A$_" } 1 .. 9], 'nine Vary lines');
# CORSAllowOriginMatch, then CORSAllowOrigin +X in one section: an edit.
for my $o (APP, 'https://b.example', 'https://c.example') {
    $r = treq("regex then edit: $o", 'GET', '/hostile/mix/a.txt', [Origin => $o]);
    acao_is($r, $o, "regex then edit: $o allowed");
}
$r = treq('regex then edit: evil', 'GET', '/hostile/mix/a.txt', [Origin => EVIL]);
refused_actual($r, 'regex then edit: another origin');
# An ErrorDocument inside the scope: the client's response is decorated and
# logged once.
$id = uid();
$r = treq('ErrorDocument', 'GET', "/hostile/ed/missing?$id", [Origin => APP]);
is($r->{status}, 404, 'ErrorDocument: 404');
acao_is($r, APP, 'ErrorDocument: decorated');
is(cors_result($id), 'actual-ok', 'ErrorDocument: CORS_RESULT');

# --- Still serving, no child died --------------------------------------------
$r = tpreflight('after the hostile requests', $A, APP, 'PUT', 'X-Token');
preflight_ok($r, APP, 'after the hostile requests');
my $log = error_log_since($mark);
unlike($log, qr/exit signal|Segmentation fault|AddressSanitizer|runtime error/,
       'no child crashed');

# --- A broken .htaccess costs its own directory only (item 4) ---------------
sub htaccess {
    my ($dir, $bytes) = @_;
    return write_htaccess('hostile', 'ht', $dir, $bytes);
}

htaccess('ok', "CORSAllowOrigin +https://ok.example\n");
my @broken = (
    "CORSAllowOrigin https://a.example/path\n",
    "CORSAllowOrigin * +https://a.example\n",
    "CORSAllowOriginMatch (unclosed\n",
    "CORSAllowMethods \"x bad\"\n",
    "CORSMaxAge 99999999999999999999\n",
    "CORSAllowOrigin *\nCORSAllowCredentials On\n",
    "CORSPreflightStatus 302\n",
    "CORSEngine Maybe\n",
    "CORSAllowHeaders " . ('x' x 9000) . "\x01\n",
    "\xff\xfe CORSEngine On\n",
    "CORSAllowOriginMatch https?://.*\nCORSAllowCredentials On\n",
);
for my $i (0 .. $#broken) {
    my $what = "broken .htaccess #$i";
    htaccess('broken', $broken[$i]);
    $r = treq($what, 'GET', '/hostile/ht/broken/a.txt', [Origin => APP]);
    is($r->{status}, 500, "$what: 500 for its directory");
    $r = treq("$what: sibling", 'GET', '/hostile/ht/ok/a.txt',
              [Origin => 'https://ok.example']);
    is($r->{status}, 200, "$what: the sibling is served");
    acao_is($r, 'https://ok.example', "$what: the sibling's own .htaccess applies");
    $r = treq("$what: parent", 'OPTIONS', '/hostile/a.txt',
              [Origin => APP, 'Access-Control-Request-Method' => 'PUT']);
    preflight_ok($r, APP, "$what: the parent is served");
}
$log = error_log_since($mark);
unlike($log, qr/exit signal|Segmentation fault|AddressSanitizer|runtime error/,
       'no child crashed on a broken .htaccess');

done_testing();
