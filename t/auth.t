# CORSPreflightBypassAuth (docs/mod_cors.md, "Authentication and
# preflights"): preflights skip authentication and the authorization that
# needs a user; userless Require rules still apply.
# Scopes: /h/auth... in conf/extra.conf.in, /interop/h/auth... and
# /interop/h/digest in conf/handler.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use MIME::Base64 qw(encode_base64);
use CorsTest;

cors_plan();

my ($r, $id);
my @creds = (Authorization => 'Basic ' . encode_base64('admin:s3cret', ''));

# default On: Require valid-user, no credentials
$id = uid();
$r = preflight("/h/auth/x?id=$id", APP, 'PUT');
preflight_ok($r, APP, 'bypass (default On): preflight answered');
is(calls_for($id), 0, 'bypass: handler never ran');

$r = preflight('/h/auth/x', EVIL, 'PUT');
refused_ok($r, qr/origin 'https:\/\/evil\.example' is not allowed/,
           'bypass: a refused preflight is still refused by the module');

$r = req('PUT', '/h/auth/x', [Origin => APP], body => 'x');
is($r->{status}, 401, 'the actual request is authenticated as usual');
acao_is($r, APP, 'actual 401 decorated');
$r = req('PUT', '/h/auth/x', [Origin => APP, @creds], body => 'x');
is($r->{status}, 200, 'actual request with credentials: 200');
acao_is($r, APP, 'actual 200 decorated');

# OPTIONS that is not a preflight is not exempt
$r = req('OPTIONS', '/h/auth/x', [Origin => APP]);
is($r->{status}, 401, 'OPTIONS without ACRM: authenticated as usual');
$r = req('OPTIONS', '/h/auth/x', ['Access-Control-Request-Method' => 'PUT']);
is($r->{status}, 401, 'OPTIONS with ACRM but no Origin: authenticated as usual');

# Off
$id = uid();
$r = preflight("/h/auth/nobypass/x?id=$id", APP, 'PUT');
is($r->{status}, 401, 'CORSPreflightBypassAuth Off: 401');
is(calls_for($id), 0, 'Off: handler never ran');
$r = req('OPTIONS', '/h/auth/nobypass/x', [Origin => APP,
         'Access-Control-Request-Method' => 'PUT', @creds]);
preflight_ok($r, APP, 'Off, with credentials: preflight answered');

# userless rules still apply
$id = uid();
$r = preflight("/h/auth/ip/x?id=$id", APP, 'PUT');
is($r->{status}, 403, 'Require ip (not us): 403 from Apache');
unlike($r->{body}, qr/CORS preflight refused/, 'the 403 is authz, not the module');
is(calls_for($id), 0, 'Require ip: handler never ran');

$r = preflight('/h/auth/denied/x', APP, 'PUT');
is($r->{status}, 403, 'Require all denied: 403');
unlike($r->{body}, qr/CORS preflight refused/, 'Require all denied: authz 403');

# the outcome hangs on a user: the preflight passes
$r = preflight('/h/auth/any/x', APP, 'PUT');
preflight_ok($r, APP, 'RequireAny ip|valid-user: preflight passes');

# no effect with passthrough: the handler would answer, so auth applies
$id = uid();
$r = preflight("/h/auth/pass/x?id=$id", APP, 'PUT');
is($r->{status}, 401, 'passthrough: authentication applies to preflights');
is(calls_for($id), 0, 'passthrough 401: handler never ran');
$id = uid();
$r = req('OPTIONS', "/h/auth/pass/x?id=$id", [Origin => APP,
         'Access-Control-Request-Method' => 'PUT', @creds]);
is($r->{status}, 200, 'passthrough with credentials: the handler answers');
is(calls_for($id), 1, 'passthrough with credentials: handler ran');
acao_is($r, APP, 'passthrough with credentials: preflight headers');

# a malformed preflight does not bypass authentication
$r = preflight('/h/auth/x', 'https://app.example.com/path', 'PUT');
isnt($r->{status}, 204, 'malformed Origin preflight is not answered 204');
no_acx($r, 'malformed Origin preflight under auth');

# --- Require containers, named users, Digest (conf/handler.conf.in) ------
# RequireAll: the userless half grants, the other needs a user: passes
$id = uid();
$r = preflight("/interop/h/auth/all/x?id=$id", APP, 'PUT');
preflight_ok($r, APP, 'RequireAll ip(us)+valid-user: preflight passes');
is(calls_for($id), 0, 'RequireAll: handler never ran');
$r = req('PUT', '/interop/h/auth/all/x', [Origin => APP], body => 'x');
is($r->{status}, 401, 'RequireAll: actual request without credentials 401');
$r = req('PUT', '/interop/h/auth/all/x', [Origin => APP, @creds], body => 'x');
is($r->{status}, 200, 'RequireAll: actual request with credentials 200');

# RequireAll: the userless half denies, no user could help: refused
$r = preflight('/interop/h/auth/allnot/x', APP, 'PUT');
is($r->{status}, 403, "RequireAll valid-user + not ip(us): 403");
unlike($r->{body}, qr/CORS preflight refused/, 'RequireAll deny: the 403 is authz');
no_acx($r, 'RequireAll deny');

# Require user NAME and Require env (userless, not set): pass / refuse
$r = preflight('/interop/h/auth/user/x', APP, 'PUT');
preflight_ok($r, APP, 'Require user admin: preflight passes');
$r = req('GET', '/interop/h/auth/user/x', [Origin => APP, @creds]);
is($r->{status}, 200, 'Require user admin: actual request with credentials 200');
$r = preflight('/interop/h/auth/env/x', APP, 'PUT');
is($r->{status}, 403, 'Require env (unset): preflight refused by authz');
no_acx($r, 'Require env (unset)');

# Digest authentication: same bypass, and the actual request is checked
$id = uid();
$r = preflight("/interop/h/digest/x?id=$id", APP, 'PUT');
preflight_ok($r, APP, 'Digest auth: preflight passes');
is(calls_for($id), 0, 'Digest: handler never ran');
$r = req('GET', '/interop/h/digest/x', [Origin => APP]);
is($r->{status}, 401, 'Digest: actual request without credentials 401');
acao_is($r, APP, 'Digest 401 decorated');
my ($nonce) = (hdr($r, 'WWW-Authenticate') // '') =~ /nonce="([^"]+)"/;
ok(defined $nonce, 'Digest: a challenge with a nonce');
{
    require Digest::MD5;
    my ($realm, $uri, $nc, $cnonce) = ('mod_cors digest', '/interop/h/digest/x', '00000001', 'c0ffee');
    my $ha1 = Digest::MD5::md5_hex("admin:$realm:s3cret");
    my $ha2 = Digest::MD5::md5_hex("GET:$uri");
    my $resp = Digest::MD5::md5_hex(join ':', $ha1, $nonce // '', $nc, $cnonce, 'auth', $ha2);
    $r = req('GET', $uri, [Origin => APP, Authorization =>
        qq{Digest username="admin", realm="$realm", nonce="} . ($nonce // '')
        . qq{", uri="$uri", qop=auth, nc=$nc, cnonce="$cnonce", response="$resp", algorithm=MD5}]);
    is($r->{status}, 200, 'Digest: actual request with credentials 200');
    acao_is($r, APP, 'Digest 200 decorated');
}

done_testing();
