# Preflights and their request headers (docs/mod_cors.md, "Preflights"),
# and the directives CORSAllowMethods, CORSAllowHeaders, CORSAllowCredentials, CORSMaxAge,
# CORSAllowPrivateNetwork, CORSPreflightStatus, CORSPreflightPassthrough.
# Scopes: /h/pf..., /h/pfdef, /h/pt in conf/extra.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;
use IO::Socket::INET ();

cors_plan();

my ($r, $id);

# --- an allowed preflight -------------------------------------------------
$id = uid();
$r = preflight("/h/pf/x?id=$id", APP, 'PUT');
preflight_ok($r, APP, 'allowed PUT');
is(hdr($r, 'Content-Length'), undef, '204: no Content-Length');
is(hdr($r, 'Access-Control-Allow-Methods'), 'PUT, DELETE',
   'ACAM: configured list, configured order, ", "');
is(hdr($r, 'Access-Control-Allow-Headers'), undef, 'no ACRH: no ACAH');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, 'credentials off: no ACAC');
is(hdr($r, 'Access-Control-Max-Age'), undef, 'CORSMaxAge default Off: no Max-Age');
is(hdr($r, 'Access-Control-Allow-Private-Network'), undef, 'no PNA header');
is(calls_for($id), 0, 'allowed preflight: the handler never ran');

# the second configured origin, with a port
$r = preflight('/h/pf/x', 'https://api.example.com:8443', 'DELETE');
preflight_ok($r, 'https://api.example.com:8443', 'origin with port');

# echo byte for byte: case and the default port as sent
$r = preflight('/h/pf/x', 'HTTPS://APP.Example.COM:443', 'PUT');
preflight_ok($r, 'HTTPS://APP.Example.COM:443', 'ACAO echoes Origin as sent');

# GET, HEAD and POST are always allowed
for my $m (qw(GET HEAD POST)) {
    $r = preflight('/h/pf/x', APP, $m);
    preflight_ok($r, APP, "$m always allowed");
}

# --- refused preflights -----------------------------------------------------
$id = uid();
$r = preflight("/h/pf/x?id=$id", EVIL, 'PUT');
refused_ok($r, qr/origin 'https:\/\/evil\.example' is not allowed/, 'disallowed origin');
is(calls_for($id), 0, 'refused preflight: the handler never ran');
unlike($r->{body}, qr/app\.example\.com/, 'reason never names the configured policy');
unlike($r->{body}, qr/custom 403 document/, 'ErrorDocument not consulted');

$r = preflight('/h/pf/x', APP, 'PATCH');
refused_ok($r, qr/method 'PATCH' is not allowed/, 'method not allowed');

$r = preflight('/h/pf/x', APP, 'put');
refused_ok($r, qr/method 'put' is not allowed/, 'methods are case-sensitive');

$r = preflight('/h/pf/x', APP, 'GET, DELETE');
refused_ok($r, qr/Access-Control-Request-Method 'GET, DELETE' is not a method token/,
           'ACRM list');

$r = preflight('/h/pf/x', APP, '');
refused_ok($r, qr/Access-Control-Request-Method '' is not a method token/,
           'empty ACRM is still a preflight, and refused');

# --- Access-Control-Request-Headers -----------------------------------------
$r = preflight('/h/pf/x', APP, 'PUT', 'X-Custom, content-type,X-OTHER');
preflight_ok($r, APP, 'listed and safelisted headers');
is(hdr($r, 'Access-Control-Allow-Headers'), 'x-custom, content-type, x-other',
   'ACAH: requested names, lowercase, request order');

$r = preflight('/h/pf/x', APP, 'PUT',
               'Accept, Accept-Language, Content-Language, Content-Type, Range');
preflight_ok($r, APP, 'always-allowed header names');
is(hdr($r, 'Access-Control-Allow-Headers'),
   'accept, accept-language, content-language, content-type, range',
   'ACAH for the always-allowed names');

$r = preflight('/h/pf/x', APP, 'PUT', '');
preflight_ok($r, APP, 'empty ACRH: no names requested');
is(hdr($r, 'Access-Control-Allow-Headers'), undef, 'empty ACRH: no ACAH');

$r = preflight('/h/pf/x', APP, 'PUT', 'X-Nope');
refused_ok($r, qr/request header 'x-nope' is not allowed/i, 'header not allowed');

$r = preflight('/h/pf/x', APP, 'PUT', 'Authorization');
refused_ok($r, qr/request header 'authorization' is not allowed/i, 'authorization not listed');

$r = preflight('/h/pf/x', APP, 'PUT', 'x-custom,,x-other');
refused_ok($r, qr/Access-Control-Request-Headers has an empty item/, 'empty item');

$r = preflight('/h/pf/x', APP, 'PUT', 'x-custom, ');
refused_ok($r, qr/Access-Control-Request-Headers has an empty item/, 'trailing empty item');

$r = preflight('/h/pf/x', APP, 'PUT', 'x custom');
refused_ok($r, qr/Access-Control-Request-Headers item 'x custom' is not a header name/,
           'item that is not a token');

$r = preflight('/h/pf/x', APP, 'PUT', 'x-custom, x(y)');
refused_ok($r, qr/Access-Control-Request-Headers item 'x\(y\)' is not a header name/,
           'item with a separator character');

# --- not a preflight -------------------------------------------------------
$id = uid();
$r = req('OPTIONS', "/h/pf/x?id=$id", ['Access-Control-Request-Method' => 'PUT']);
is($r->{status}, 200, 'OPTIONS with ACRM but no Origin reaches the handler');
like($r->{body}, qr/^method=OPTIONS$/m, 'handler answered it');
is(calls_for($id), 1, 'handler ran once');
no_acx($r, 'no Origin');

$id = uid();
$r = req('OPTIONS', "/h/pf/x?id=$id", [Origin => APP]);
is($r->{status}, 200, 'OPTIONS without ACRM is an actual request');
like($r->{body}, qr/^method=OPTIONS$/m, 'handler answered it');
acao_is($r, APP, 'OPTIONS without ACRM is decorated');
vary_ok($r, ['Origin'], 'OPTIONS without ACRM');
is(hdr($r, 'Access-Control-Allow-Methods'), undef, 'actual request: no ACAM');

# --- CORSPreflightStatus --------------------------------------------------
$r = preflight('/h/pf/s200/x', APP, 'PUT');
is($r->{status}, 200, 'CORSPreflightStatus 200');
is(hdr($r, 'Content-Length'), '0', '200: Content-Length: 0');
is($r->{body}, '', '200: empty body');
acao_is($r, APP, 'CORSPreflightStatus 200');
is(hdr($r, 'Transfer-Encoding'), undef, '200: not chunked');

$r = preflight('/h/pf/s204/x', APP, 'PUT');
is($r->{status}, 204, 'CORSPreflightStatus 204');
is(hdr($r, 'Content-Length'), undef, '204: no Content-Length');

$r = preflight('/h/pf/s200/x', EVIL, 'PUT');
refused_ok($r, qr/origin 'https:\/\/evil\.example' is not allowed/,
           'refused stays 403 whatever CORSPreflightStatus');

# --- CORSMaxAge -----------------------------------------------------------
$r = preflight('/h/pf/age/x', APP, 'PUT');
is(hdr($r, 'Access-Control-Max-Age'), '600', 'CORSMaxAge 600');
$r = preflight('/h/pf/age/off/x', APP, 'PUT');
preflight_ok($r, APP, 'CORSMaxAge Off below 600');
is(hdr($r, 'Access-Control-Max-Age'), undef, 'CORSMaxAge Off: none');
$r = preflight('/h/pf/age0/x', APP, 'PUT');
is(hdr($r, 'Access-Control-Max-Age'), '0', 'CORSMaxAge 0 is sent');
$r = preflight('/h/pf/age/x', EVIL, 'PUT');
is(hdr($r, 'Access-Control-Max-Age'), undef, 'refused: no Max-Age');

# --- CORSAllowPrivateNetwork ---------------------------------------------
my @pna = ('Access-Control-Request-Private-Network' => 'true');
$r = preflight('/h/pf/pna/x', APP, 'PUT', undef, @pna);
preflight_ok($r, APP, 'PNA on, asked');
is(hdr($r, 'Access-Control-Allow-Private-Network'), 'true', 'PNA on: allowed');
vary_ok($r, [PF_VARY, 'Access-Control-Request-Private-Network'], 'PNA on');

$r = preflight('/h/pf/pna/x', APP, 'PUT');
preflight_ok($r, APP, 'PNA on, not asked');
is(hdr($r, 'Access-Control-Allow-Private-Network'), undef, 'PNA on, not asked: no header');

$r = preflight('/h/pf/x', APP, 'PUT', undef, @pna);
preflight_ok($r, APP, 'PNA off, asked: answered anyway');
is(hdr($r, 'Access-Control-Allow-Private-Network'), undef, 'PNA off: no header');

$r = preflight('/h/pf/pna/x', EVIL, 'PUT', undef, @pna);
refused_ok($r, qr/origin 'https:\/\/evil\.example' is not allowed/, 'PNA on, bad origin');

# --- CORSAllowCredentials ----------------------------------------------------
$r = preflight('/h/pf/cred/x', APP, 'PUT');
preflight_ok($r, APP, 'credentials on');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'ACAC: true');

# --- CORSAllowMethods * --------------------------------------------------
$r = preflight('/h/pf/mstar/x', APP, 'PROPFIND');
preflight_ok($r, APP, 'methods *');
is(hdr($r, 'Access-Control-Allow-Methods'), '*', 'methods *, credentials off: ACAM *');

$r = preflight('/h/pf/mstarcred/x', APP, 'PROPFIND');
preflight_ok($r, APP, 'methods *, credentials on');
is(hdr($r, 'Access-Control-Allow-Methods'), 'PROPFIND',
   'methods *, credentials on: the requested method');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'methods *, credentials on: ACAC');

$r = preflight('/h/pf/mstar/x', APP, 'BAD METHOD');
refused_ok($r, qr/Access-Control-Request-Method 'BAD METHOD' is not a method token/,
           'methods *: still a token');

# --- CORSAllowHeaders * ------------------------------------------------------
$r = preflight('/h/pf/hstar/x', APP, 'PUT', 'X-Anything, X-Else');
preflight_ok($r, APP, 'headers *');
is(hdr($r, 'Access-Control-Allow-Headers'), 'x-anything, x-else', 'headers *: names echoed');

$r = preflight('/h/pf/hstar/x', APP, 'PUT', 'X-Anything, Authorization');
refused_ok($r, qr/request header 'authorization' is not allowed/i,
           'headers * does not cover Authorization');

$r = preflight('/h/pf/hstarauth/x', APP, 'PUT', 'X-Anything, Authorization');
preflight_ok($r, APP, 'headers * Authorization');
is(hdr($r, 'Access-Control-Allow-Headers'), 'x-anything, authorization',
   'Authorization listed explicitly');

# --- list syntax: commas and quotes -------------------------------------------
$r = preflight('/h/pf/comma/x', APP, 'PROPFIND', 'X-Quoted, X-Comma, X-Comma2');
preflight_ok($r, APP, 'comma-separated and quoted items');
is(hdr($r, 'Access-Control-Allow-Methods'), 'PATCH, PROPFIND', 'ACAM from "PATCH, PROPFIND"');

# --- defaults ----------------------------------------------------------------
$r = preflight('/h/pfdef/x', APP, 'POST', 'Content-Type');
preflight_ok($r, APP, 'defaults');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD, POST', 'default methods');
is(hdr($r, 'Access-Control-Allow-Headers'), 'content-type', 'JSON API without CORSAllowHeaders');
$r = preflight('/h/pfdef/x', APP, 'PUT');
refused_ok($r, qr/method 'PUT' is not allowed/, 'default methods: PUT refused');
$r = preflight('/h/pfdef/x', APP, 'GET', 'X-Custom');
refused_ok($r, qr/request header 'x-custom' is not allowed/i, 'default headers: none');

# --- CORSPreflightPassthrough ------------------------------------------------
$id = uid();
$r = preflight("/h/pt/x?id=$id&acao=https://handler.example&hdr=Access-Control-Max-Age:5",
               APP, 'PUT');
is($r->{status}, 200, 'passthrough allowed: the handler answers');
like($r->{body}, qr/^method=OPTIONS$/m, 'passthrough: handler body');
is(calls_for($id), 1, 'passthrough: handler ran');
acao_is($r, APP, 'passthrough allowed: only the module ACAO');
is(hdr($r, 'Access-Control-Allow-Methods'), 'PUT', 'passthrough allowed: ACAM');
is(hdr($r, 'Access-Control-Max-Age'), undef, "passthrough: handler's Access-Control-* removed");
vary_ok($r, [PF_VARY], 'passthrough allowed');

$id = uid();
$r = preflight("/h/pt/x?id=$id&acao=https://handler.example", EVIL, 'PUT');
is($r->{status}, 200, 'passthrough refused: the handler still answers');
is(calls_for($id), 1, 'passthrough refused: handler ran');
no_acx($r, 'passthrough refused');

$r = preflight('/h/pt/x', APP, 'DELETE');
is($r->{status}, 200, 'passthrough, method refused: handler answers');
no_acx($r, 'passthrough, method refused');

# --- a preflight with a body, on a kept-alive connection --------------------
# The module answers a preflight without running the handler; a body sent
# with it must still be read and dropped, or it would be taken for the next
# request on the connection.  Three framings: Content-Length, chunked, and
# none (the next request follows at once).
for my $framing (qw(length chunked none)) {
    my $hidden = uid();
    my $next   = uid();
    my $host   = CorsTest::var('servername') . ':' . CorsTest::main_port();
    my $inner  = "GET /h/pf/x?id=$hidden HTTP/1.1\r\nHost: $host\r\n\r\n";
    my $out = "OPTIONS /h/pf/x HTTP/1.1\r\nHost: $host\r\nOrigin: " . APP
            . "\r\nAccess-Control-Request-Method: PUT\r\n";
    $out .= $framing eq 'length'  ? 'Content-Length: ' . length($inner) . "\r\n\r\n$inner"
          : $framing eq 'chunked' ? "Transfer-Encoding: chunked\r\n\r\n"
                                    . sprintf('%x', length $inner) . "\r\n$inner\r\n0\r\n\r\n"
          :                         "\r\n";
    $out .= "GET /h/pf/x?id=$next HTTP/1.1\r\nHost: $host\r\nConnection: close\r\n\r\n";
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => CorsTest::main_port(),
                                     Proto => 'tcp', Timeout => 20)
        or die "connect: $!";
    $sock->syswrite($out) or die "write: $!";
    my $raw = '';
    local $SIG{ALRM} = sub { die "timeout: preflight with a $framing body\n" };
    alarm 20;
    while ($sock->sysread(my $buf, 65536)) { $raw .= $buf }
    alarm 0;
    close $sock;
    my @statuses = $raw =~ m{^HTTP/1\.1 (\d{3})}mg;
    is("@statuses", '204 200',
       "preflight with body ($framing): the preflight, then the next request");
    is(calls_for($hidden), 0,
       "preflight with body ($framing): the body never ran as a request");
    is(calls_for($next), 1,
       "preflight with body ($framing): the next request ran");
}

done_testing();
