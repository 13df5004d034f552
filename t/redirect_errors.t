# ErrorDocument with a local URL (docs/mod_cors.md "Internal redirects"):
# an error page without CORS configuration of its own is governed by the
# URL the client asked for; one whose scope configures CORS (On with
# another policy, Off, or CORS lines without CORSEngine, which leaves the
# engine Off) is governed by its own.  CORSRejectDisallowed's 403 through
# an error page in the rejecting scope: the page is served, not refused
# again, and the handler never runs.  A preflight that Apache refuses
# (Require ip; Basic auth with CORSPreflightBypassAuth Off), through a
# local ErrorDocument or not, stays a refused preflight: no
# Access-Control-* header, the preflight Vary, CORS_RESULT
# preflight-denied and CORS_REASON server.
# Scopes: /redirect/ed/..., htdocs/redirect/errors*, htdocs/redirect/rej,
# /redirect/h/pfip, /redirect/h/pfauth in conf/redirect.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use MIME::Base64 qw(encode_base64);
use CorsTest;

cors_plan();

use constant OTHER => 'https://other.example';

my ($r, $id);

# --- error page without CORS configuration: the asked URL governs -------
# /redirect/ed/ allows APP and exposes X-Asked.
$id = uid();
$r = req('GET', "/redirect/ed/plain/missing.txt?id=$id", [Origin => APP]);
response_is($r, 'unconfigured error page, allowed origin', status => 404,
            body => qr{redirect error page errors/404},
            acx => ['Access-Control-Allow-Origin' => APP,
                    'Access-Control-Expose-Headers' => 'x-asked'],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = req('GET', "/redirect/ed/plain/missing.txt?id=$id", [Origin => EVIL]);
response_is($r, 'unconfigured error page, disallowed origin', status => 404,
            body => qr{redirect error page errors/404}, acx => [],
            vary => ['Origin'], outcome => [$id, 'actual-denied origin']);
$id = uid();
$r = req('GET', "/redirect/ed/plain/missing.txt?id=$id", []);
response_is($r, 'unconfigured error page, no Origin', status => 404,
            acx => [], vary => ['Origin'], outcome => [$id, 'none -']);

# --- error page whose scope turns CORS off: nothing --------------------
$id = uid();
$r = req('GET', "/redirect/ed/off/missing.txt?id=$id", [Origin => APP]);
response_is($r, 'error page under CORSEngine Off', status => 404,
            body => qr{redirect error page errors-off/404}, acx => [],
            no_vary => 'Origin', outcome => [$id, '- -']);

# --- error page with a policy of its own: that policy ---------------------
$id = uid();
$r = req('GET', "/redirect/errors-other/404.html?id=$id", [Origin => OTHER]);
response_is($r, "errors-other's page asked directly", status => 200,
            acx => ['Access-Control-Allow-Origin' => OTHER,
                    'Access-Control-Expose-Headers' => 'x-other'],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = req('GET', "/redirect/ed/other/missing.txt?id=$id", [Origin => APP]);
response_is($r, "error page with its own policy, the asked URL's origin",
            status => 404, body => qr{redirect error page errors-other/404},
            acx => [], vary => ['Origin'],
            outcome => [$id, 'actual-denied origin']);
$id = uid();
$r = req('GET', "/redirect/ed/other/missing.txt?id=$id", [Origin => OTHER]);
response_is($r, "error page with its own policy, its origin", status => 404,
            body => qr{redirect error page errors-other/404},
            acx => ['Access-Control-Allow-Origin' => OTHER,
                    'Access-Control-Expose-Headers' => 'x-other'],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);

# --- error page whose scope has CORS lines but no CORSEngine: it
# configures CORS, and its engine is the default, Off: nothing ----------
for my $o (APP, OTHER) {
    $id = uid();
    $r = req('GET', "/redirect/ed/lines/missing.txt?id=$id", [Origin => $o]);
    response_is($r, "error page with CORS lines, engine Off by default ($o)",
                status => 404, body => qr{redirect error page errors-lines/404},
                acx => [], no_vary => 'Origin', outcome => [$id, '- -']);
}

# --- CORSRejectDisallowed's 403, error page in the rejecting scope --------
for my $c (['a CGI', 'app.cgi'], ['a static file', 'file.txt']) {
    my ($what, $file) = @$c;
    $id = uid();
    $r = req('GET', "/redirect/rej/$file?id=$id", [Origin => EVIL]);
    response_is($r, "CORSRejectDisallowed 403 for $what, local ErrorDocument",
                status => 403, body => qr/\A<p>rej 403 page<\/p>\n\z/,
                acx => [], vary => ['Origin'], calls => [$id, 0],
                outcome => [$id, 'actual-denied origin']);
}
$id = uid();
$r = req('GET', "/redirect/rej/app.cgi?id=$id", [Origin => APP]);
response_is($r, 'CORSRejectDisallowed scope, allowed origin', status => 200,
            body => qr/^method=GET$/m,
            acx => ['Access-Control-Allow-Origin' => APP], vary => ['Origin'],
            calls => [$id, 1], outcome => [$id, 'actual-ok -']);

# --- preflights Apache refuses ------------------------------------------
# /redirect/h/pfip allows APP and PUT, but only for 192.0.2.1.
sub refused_by_apache {
    my ($r, $id, $status, $body, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    response_is($r, $name, status => $status, body => $body, acx => [],
                vary => [PF_VARY], calls => [$id, 0],
                outcome => [$id, 'preflight-denied server']);
}

$id = uid();
$r = preflight("/redirect/h/pfip/ed/x?id=$id", APP, 'PUT');
refused_by_apache($r, $id, 403, qr{\A<p>redirect error page errors/403</p>\n\z},
                  'preflight refused by Require ip, local ErrorDocument 403');
$id = uid();
$r = preflight("/redirect/h/pfip/x?id=$id", APP, 'PUT');
refused_by_apache($r, $id, 403, qr/Forbidden/,
                  'preflight refused by Require ip, no ErrorDocument');

# the actual request refused the same way keeps the asked URL's headers
$id = uid();
$r = req('PUT', "/redirect/h/pfip/ed/x?id=$id", [Origin => APP], body => 'x');
response_is($r, 'PUT refused by Require ip, local ErrorDocument 403',
            status => 403, body => qr{redirect error page errors/403},
            acx => ['Access-Control-Allow-Origin' => APP], vary => ['Origin'],
            calls => [$id, 0], outcome => [$id, 'actual-ok -']);

# /redirect/h/pfauth: Basic auth, CORSPreflightBypassAuth Off
$id = uid();
$r = preflight("/redirect/h/pfauth/ed/x?id=$id", APP, 'PUT');
refused_by_apache($r, $id, 401, qr{\A<p>redirect error page errors/401</p>\n\z},
                  'preflight refused by Basic auth, local ErrorDocument 401');
ok(defined hdr($r, 'WWW-Authenticate'), 'preflight 401 through ErrorDocument: WWW-Authenticate');
$id = uid();
$r = preflight("/redirect/h/pfauth/x?id=$id", APP, 'PUT');
refused_by_apache($r, $id, 401, qr/Unauthorized/,
                  'preflight refused by Basic auth, no ErrorDocument');

$id = uid();
$r = req('PUT', "/redirect/h/pfauth/ed/x?id=$id", [Origin => APP], body => 'x');
response_is($r, 'PUT without credentials, local ErrorDocument 401',
            status => 401, body => qr{redirect error page errors/401},
            acx => ['Access-Control-Allow-Origin' => APP], vary => ['Origin'],
            calls => [$id, 0], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = req('PUT', "/redirect/h/pfauth/ed/x?id=$id",
         [Origin => APP, Authorization => 'Basic ' . encode_base64('admin:s3cret', '')],
         body => 'x');
response_is($r, 'PUT with credentials', status => 200,
            body => qr/^method=PUT$/m,
            acx => ['Access-Control-Allow-Origin' => APP], vary => ['Origin'],
            calls => [$id, 1], outcome => [$id, 'actual-ok -']);

done_testing();
