# mod_proxy_http in front of a backend that has its own idea of CORS: in a
# CORS scope the module is the only source of Access-Control-* (docs/mod_cors.md,
# "The module owns Access-Control-*" and "mod_proxy"), so the backend's are
# replaced, never duplicated.
#
# Scopes: /px/ in conf/extra.conf.in proxies to /h/plain/ on this server (no
# CORS there); /interop/px/... in conf/proxy.conf.in proxies to the virtual
# host cors_backend of the same file, which sets Access-Control-Allow-Origin,
# -Credentials, -Expose-Headers, -Allow-Methods, -Max-Age and
# Vary: Accept-Language on every response, and runs htdocs/cgi/echo.pl,
# which records each call in handler_calls.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use IO::Socket::INET ();
use MIME::Base64 qw(encode_base64);
use CorsTest;

cors_plan();

my $r;

$r = req('GET', '/px/x?acao=https://backend.example&hdr=Access-Control-Allow-Credentials:true'
              . '&vary=Accept-Encoding', [Origin => APP]);
is($r->{status}, 200, 'proxied: 200');
like($r->{body}, qr/^method=GET$/m, 'proxied: backend answered');
acao_is($r, APP, "proxied: the backend's ACAO replaced");
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, "proxied: the backend's ACAC removed");
vary_ok($r, ['Accept-Encoding', 'Origin'], 'proxied');

$r = req('GET', '/px/x?acao=*', [Origin => EVIL]);
is($r->{status}, 200, 'proxied, disallowed origin: 200');
no_acx($r, 'proxied, disallowed origin');

$r = req('GET', '/px/x?acao=*', []);
no_acx($r, 'proxied, no Origin');

$r = req('GET', '/px/x?status=502&acao=https://backend.example', [Origin => APP]);
is($r->{status}, 502, 'proxied error status');
acao_is($r, APP, 'proxied error decorated');

$r = preflight('/px/x', APP, 'GET');
preflight_ok($r, APP, 'preflight to a proxied path answered locally');

# --- a backend with CORS headers of its own, mod_proxy's own errors,
# passthrough and CORSRejectDisallowed in front of a proxy ---------------

my $id;
my @creds = (Authorization => 'Basic ' . encode_base64('admin:s3cret', ''));

# Each Access-Control-* name at most once, and no Vary token twice.
sub once_each {
    my ($r, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my %n;
    $n{$_}++ for acx_names($r);
    my @dup = grep { $n{$_} > 1 } sort keys %n;
    is("@dup", '', "$name: no Access-Control-* header twice");
    my %v;
    $v{lc $_}++ for vary_tokens($r);
    my @vdup = grep { $v{$_} > 1 } sort keys %v;
    is("@vdup", '', "$name: no Vary token twice");
}

# The backend really does send its own headers (otherwise the tests below
# prove nothing): ask it directly.
$r = req('GET', '/be/x', [Origin => APP], port => vhost_port('cors_backend'));
is($r->{status}, 200, 'backend answers directly');
is(hdr($r, 'Access-Control-Allow-Origin'), 'https://backend.example',
   'backend sets its own ACAO');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'backend sets its own ACAC');
is(hdr($r, 'Access-Control-Expose-Headers'), 'X-Backend-Secret', 'backend sets its own ACEH');

# --- actual requests: replaced, never duplicated, Vary merged -------------
$id = uid();
$r = req('GET', "/interop/px/x?id=$id&hdr=X-Request-Id:42&vary=Accept-Encoding",
         [Origin => APP]);
is($r->{status}, 200, 'proxied GET: 200');
is(calls_for($id), 1, 'proxied GET: the backend ran once');
acao_is($r, APP, "proxied GET: the backend's ACAO replaced");
is(hdr($r, 'Access-Control-Allow-Credentials'), undef,
   "proxied GET: the backend's ACAC removed (credentials are off here)");
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-request-id',
   "proxied GET: our expose list, not the backend's");
is(hdr($r, 'Access-Control-Allow-Methods'), undef,
   'proxied GET: no preflight header on an actual response');
is(hdr($r, 'Access-Control-Max-Age'), undef, "proxied GET: the backend's Max-Age removed");
is(hdr($r, 'X-Request-Id'), '42', 'proxied GET: other backend headers kept');
vary_ok($r, ['Accept-Encoding', 'Accept-Language', 'Origin'], 'proxied GET');
once_each($r, 'proxied GET');

# the backend already varies on Origin: still once
$r = req('GET', '/interop/px/x?vary=origin', [Origin => APP]);
vary_ok($r, ['Origin', 'Accept-Language'], 'backend Vary: origin');
once_each($r, 'backend Vary: origin');

# credentials on in front: our ACAC, once
$r = req('GET', '/interop/px/cred/x', [Origin => APP]);
acao_is($r, APP, 'proxied, credentials');
is_deeply([hdrs($r, 'Access-Control-Allow-Credentials')], ['true'],
          'proxied, credentials: one ACAC');
once_each($r, 'proxied, credentials');

# disallowed origin, no origin: nothing of the backend's survives
for my $case ([EVIL, 'disallowed origin'], [undef, 'no Origin'],
              ['https://app.example.com/', 'malformed Origin']) {
    my ($o, $what) = @$case;
    $r = req('GET', '/interop/px/x', [defined $o ? (Origin => $o) : ()]);
    is($r->{status}, 200, "proxied, $what: 200");
    no_acx($r, "proxied, $what");
    vary_ok($r, ['Origin', 'Accept-Language'], "proxied, $what");
}

# HEAD and a body-less status
$r = req('HEAD', '/interop/px/x', [Origin => APP]);
acao_is($r, APP, 'proxied HEAD');
$r = req('GET', '/interop/px/x?status=204', [Origin => APP]);
is($r->{status}, 204, 'proxied 204');
acao_is($r, APP, 'proxied 204');
once_each($r, 'proxied 204');

# --- the backend's own error statuses ----------------------------------------
for my $s (404, 500, 502, 503, 504) {
    $r = req('GET', "/interop/px/x?status=$s", [Origin => APP]);
    is($r->{status}, $s, "backend status $s passed through");
    acao_is($r, APP, "backend $s decorated");
    vary_ok($r, ['Origin'], "backend $s");
    once_each($r, "backend $s");
}

# --- errors mod_proxy makes itself -------------------------------------------
# the backend closes without a response: 502
$r = req('GET', '/interop/px/bad', [Origin => APP]);
is($r->{status}, 502, 'backend sent nothing: 502 from mod_proxy');
acao_is($r, APP, 'proxy 502 decorated');
vary_ok($r, ['Origin'], 'proxy 502');
$r = req('GET', '/interop/px/bad', [Origin => EVIL]);
is($r->{status}, 502, 'proxy 502, disallowed origin');
no_acx($r, 'proxy 502, disallowed origin');

# the backend is too slow for timeout=1: mod_proxy gives up (2.4 answers
# 502 or 504 depending on where the read timed out)
$id = uid();
my $t0 = time;
$r = req('GET', "/interop/px/slow?id=$id", [Origin => APP]);
ok($r->{status} == 504 || $r->{status} == 502, "slow backend: $r->{status} from mod_proxy");
unlike($r->{body}, qr/too late/, 'slow backend: the late answer is not used');
acao_is($r, APP, 'proxy timeout decorated');
vary_ok($r, ['Origin'], 'proxy timeout');

# nothing listens on the backend port: 503
my $probe = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => 9,
                                  Proto => 'tcp', Timeout => 2);
ok(!$probe, 'nothing listens on 127.0.0.1:9 (the "down" backend)');
$r = req('GET', '/interop/px/down', [Origin => APP]);
is($r->{status}, 503, 'backend down: 503 from mod_proxy');
acao_is($r, APP, 'proxy 503 decorated');
vary_ok($r, ['Origin'], 'proxy 503');

# ProxyErrorOverride: the backend's 404 is replaced by a local
# ErrorDocument (an internal redirect into another CORS scope, whose own
# policy governs the page: docs/mod_cors.md, "Internal redirects")
$r = req('GET', '/interop/px/eo/x?status=404', [Origin => APP]);
is($r->{status}, 404, 'ProxyErrorOverride: 404');
like($r->{body}, qr/interop custom 404 page/, 'ProxyErrorOverride: local error document');
acao_is($r, APP, 'ProxyErrorOverride 404 decorated');
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total-count',
   "ProxyErrorOverride: the error document's own policy governs");
once_each($r, 'ProxyErrorOverride');

# --- preflights never reach the backend ---------------------------------------
$id = uid();
$r = preflight("/interop/px/x?id=$id", APP, 'PUT');
preflight_ok($r, APP, 'preflight to a proxied path');
is(calls_for($id), 0, 'preflight: the backend never saw it');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, PUT', 'preflight: our methods');
is(hdr($r, 'Access-Control-Max-Age'), undef, 'preflight: no Max-Age (ours is Off)');
$id = uid();
$r = preflight("/interop/px/x?id=$id", APP, 'DELETE');
refused_ok($r, qr/method 'DELETE' is not allowed/, 'refused preflight to a proxied path');
is(calls_for($id), 0, 'refused preflight: the backend never saw it');

# behind Basic auth, the module answers without credentials
$id = uid();
$r = preflight("/interop/px/auth/x?id=$id", APP, 'PUT');
preflight_ok($r, APP, 'preflight through auth to a proxy');
is(calls_for($id), 0, 'preflight through auth: the backend never saw it');
$r = req('GET', '/interop/px/auth/x', [Origin => APP]);
is($r->{status}, 401, 'proxied actual request without credentials: 401');
acao_is($r, APP, 'proxied 401 decorated');
$id = uid();
$r = req('GET', "/interop/px/auth/x?id=$id", [Origin => APP, @creds]);
is($r->{status}, 200, 'proxied actual request with credentials: 200');
is(calls_for($id), 1, 'with credentials: the backend ran');
acao_is($r, APP, 'proxied, authenticated');

# --- CORSPreflightPassthrough: the backend answers the preflight -------------
$id = uid();
$r = preflight("/interop/px/pt/x?id=$id", APP, 'PUT', 'Content-Type');
is($r->{status}, 200, 'passthrough: the backend answers (200)');
is(calls_for($id), 1, 'passthrough: the backend ran once');
like($r->{body}, qr/^method=OPTIONS$/m, "passthrough: the backend's body");
acao_is($r, APP, 'passthrough, allowed method: our ACAO');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, PUT',
   "passthrough: our methods replace the backend's 'GET, PUT, TRACE'");
is(hdr($r, 'Access-Control-Max-Age'), undef, "passthrough: the backend's Max-Age removed");
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, "passthrough: the backend's ACAC removed");
once_each($r, 'passthrough');

# a method we do not allow: the preflight is refused, but the backend still
# answers; we add nothing and strip what the backend said
$id = uid();
$r = preflight("/interop/px/pt/x?id=$id", APP, 'DELETE');
is($r->{status}, 200, 'passthrough, disallowed method: the backend answers');
is(calls_for($id), 1, 'passthrough, disallowed method: the backend ran');
no_acx($r, 'passthrough, disallowed method');
vary_ok($r, [PF_VARY], 'passthrough, disallowed method');
$r = preflight('/interop/px/pt/x', EVIL, 'GET');
no_acx($r, 'passthrough, disallowed origin');

# passthrough behind auth: authentication applies to the preflight
$id = uid();
$r = preflight("/interop/px/ptauth/x?id=$id", APP, 'PUT');
is($r->{status}, 401, 'passthrough + auth, no credentials: 401');
is(calls_for($id), 0, 'passthrough + auth: the backend never saw it');
# (whether this 401 carries the preflight headers is not part of the
# contract: a browser fails a non-2xx preflight whatever it carries)
$id = uid();
$r = req('OPTIONS', "/interop/px/ptauth/x?id=$id",
         [Origin => APP, 'Access-Control-Request-Method' => 'PUT', @creds]);
is($r->{status}, 200, 'passthrough + auth, with credentials: the backend answers');
is(calls_for($id), 1, 'passthrough + auth, with credentials: the backend ran');
acao_is($r, APP, 'passthrough + auth, with credentials');

# --- CORSRejectDisallowed in front of a proxy: the backend is never asked --
$id = uid();
$r = req('GET', "/interop/px/rej/x?id=$id", [Origin => EVIL]);
is($r->{status}, 403, 'reject: disallowed origin, 403');
is(calls_for($id), 0, 'reject 403: the backend never ran');
no_acx($r, 'reject 403 through a proxy');
$id = uid();
$r = req('DELETE', "/interop/px/rej/x?id=$id", [Origin => APP]);
is($r->{status}, 405, 'reject: disallowed method, 405');
is(calls_for($id), 0, 'reject 405: the backend never ran');
is(hdr($r, 'Allow'), 'GET, HEAD, POST, OPTIONS, PUT', 'reject 405: Allow');
acao_is($r, APP, 'reject 405 decorated');
$id = uid();
$r = req('DELETE', "/interop/px/rej/x?id=$id", [Origin => same_origin()]);
is($r->{status}, 200, 'reject: same-origin DELETE reaches the backend');
is(calls_for($id), 1, 'same-origin DELETE: the backend ran');

done_testing();
