# SPEC §2 CORSPreflightBypassAuth: preflights skip authentication and the
# authorization that needs a user; userless Require rules still apply.
# Scopes: /h/auth... in conf/extra.conf.in.
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

done_testing();
