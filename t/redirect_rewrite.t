# Internal redirects through mod_rewrite and a CGI's local Location
# (docs/mod_cors.md "Internal redirects"): a front controller whose own
# scope is the only one with CORS governs whole (preflight answer,
# CORSRejectDisallowed before it runs, decoration, CORS_RESULT and
# CORS_REASON); a front controller without CORS configuration leaves the
# URL the client asked for in charge.  A server-context RewriteRule maps
# the URL within the same request (the mapped file's scope applies); a
# per-directory rule and a CGI's local Location are internal redirects
# (a target with its own CORS configuration governs, an unconfigured one
# keeps the asked URL's policy).
# Scopes: htdocs/redirect/fc (<Files index.cgi>), /redirect/papi/ and
# htdocs/redirect/front, the server-context RewriteRules and
# htdocs/redirect/rw/..., /redirect/h/loc in conf/redirect.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

use constant OTHER => 'https://other.example';

my ($r, $id);

sub allow_set {
    my $r = shift;
    return join ' ', sort map { s/^\s+|\s+$//gr } split /,/, (hdr($r, 'Allow') // '');
}

# --- front controller whose scope alone configures CORS ------------------
# fc/: <Files index.cgi> allows APP and PUT, with CORSRejectDisallowed On;
# every missing file is rewritten to index.cgi.
for my $c (['pretty URL', '/redirect/fc/pretty/url'],
           ['the front controller asked directly', '/redirect/fc/index.cgi']) {
    my ($what, $url) = @$c;

    $id = uid();
    $r = req('POST', "$url?id=$id", [Origin => EVIL], body => 'x');
    response_is($r, "fc, $what, POST from a disallowed origin", status => 403,
                acx => [], vary => ['Origin'], calls => [$id, 0],
                outcome => [$id, 'actual-denied origin']);

    $id = uid();
    $r = req('POST', "$url?id=$id", [Origin => APP], body => 'x');
    response_is($r, "fc, $what, POST from the allowed origin", status => 200,
                body => qr/^method=POST$/m,
                acx => ['Access-Control-Allow-Origin' => APP],
                vary => ['Origin'], calls => [$id, 1],
                outcome => [$id, 'actual-ok -']);

    $id = uid();
    $r = req('DELETE', "$url?id=$id", [Origin => APP]);
    response_is($r, "fc, $what, DELETE (not allowed) from the allowed origin",
                status => 405, acx => ['Access-Control-Allow-Origin' => APP],
                vary => ['Origin'], calls => [$id, 0],
                outcome => [$id, 'actual-denied method']);
    is(allow_set($r), 'GET HEAD OPTIONS POST PUT', "fc, $what, 405: Allow");

    # the front controller's policy answers the preflight
    $id = uid();
    $r = preflight("$url?id=$id", APP, 'PUT');
    response_is($r, "fc, $what, preflight", status => 204, body => qr/\A\z/,
                acx => ['Access-Control-Allow-Origin' => APP,
                        'Access-Control-Allow-Methods' => 'PUT'],
                vary => [PF_VARY], calls => [$id, 0],
                outcome => [$id, 'preflight-ok -']);

    $id = uid();
    $r = preflight("$url?id=$id", EVIL, 'PUT');
    refused_ok($r, qr/origin 'https:\/\/evil\.example' is not allowed/,
               "fc, $what, preflight from a disallowed origin");
    response_is($r, "fc, $what, preflight from a disallowed origin",
                calls => [$id, 0], outcome => [$id, 'preflight-denied origin']);

    $id = uid();
    $r = preflight("$url?id=$id", APP, 'DELETE');
    refused_ok($r, qr/method 'DELETE' is not allowed/,
               "fc, $what, preflight for a disallowed method");
    response_is($r, "fc, $what, preflight for a disallowed method",
                calls => [$id, 0], outcome => [$id, 'preflight-denied method']);
}

# a file of the same tree outside <Files index.cgi>: no CORS at all
$id = uid();
$r = req('GET', "/redirect/fc/readme.txt?id=$id", [Origin => APP]);
response_is($r, 'fc, a static file outside the scope', status => 200,
            body => qr/fc static file/, acx => [], no_vary => 'Origin',
            outcome => [$id, '- -']);

# --- front controller without CORS configuration: the asked URL governs -
# /redirect/papi/ (a <Location> allowing APP and PUT, CORSRejectDisallowed
# On) is rewritten to /redirect/front/index.cgi, which has none.
$id = uid();
$r = req('POST', "/redirect/papi/things?id=$id", [Origin => EVIL], body => 'x');
response_is($r, 'papi, POST from a disallowed origin', status => 403,
            acx => [], vary => ['Origin'], calls => [$id, 0],
            outcome => [$id, 'actual-denied origin']);

$id = uid();
$r = req('POST', "/redirect/papi/things?id=$id", [Origin => APP], body => 'x');
response_is($r, 'papi, POST from the allowed origin', status => 200,
            body => qr/^method=POST$/m,
            acx => ['Access-Control-Allow-Origin' => APP],
            vary => ['Origin'], calls => [$id, 1], outcome => [$id, 'actual-ok -']);

$id = uid();
$r = req('DELETE', "/redirect/papi/things?id=$id", [Origin => APP]);
response_is($r, 'papi, DELETE from the allowed origin', status => 405,
            acx => ['Access-Control-Allow-Origin' => APP], vary => ['Origin'],
            calls => [$id, 0], outcome => [$id, 'actual-denied method']);
is(allow_set($r), 'GET HEAD OPTIONS POST PUT', 'papi, 405: Allow');

$id = uid();
$r = preflight("/redirect/papi/things?id=$id", APP, 'PUT');
response_is($r, 'papi, preflight', status => 204,
            acx => ['Access-Control-Allow-Origin' => APP,
                    'Access-Control-Allow-Methods' => 'PUT'],
            vary => [PF_VARY], calls => [$id, 0], outcome => [$id, 'preflight-ok -']);

# the front controller asked directly has no CORS scope
$id = uid();
$r = req('POST', "/redirect/front/index.cgi?id=$id", [Origin => APP], body => 'x');
response_is($r, 'the unconfigured front controller asked directly',
            status => 200, acx => [], no_vary => 'Origin', calls => [$id, 1],
            outcome => [$id, '- -']);

# --- server-context RewriteRule: the same request, the file's scope ------
$id = uid();
$r = req('GET', "/redirect/srvrw/scoped/file.txt?id=$id", [Origin => OTHER]);
response_is($r, 'server RewriteRule to rw/scoped, its origin', status => 200,
            body => qr/rw scoped file/,
            acx => ['Access-Control-Allow-Origin' => OTHER],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = req('GET', "/redirect/srvrw/scoped/file.txt?id=$id", [Origin => APP]);
response_is($r, 'server RewriteRule to rw/scoped, another origin',
            status => 200, acx => [], vary => ['Origin'],
            outcome => [$id, 'actual-denied origin']);
$id = uid();
$r = preflight("/redirect/srvrw/scoped/file.txt?id=$id", OTHER, 'GET');
response_is($r, 'server RewriteRule to rw/scoped, preflight', status => 204,
            acx => ['Access-Control-Allow-Origin' => OTHER,
                    'Access-Control-Allow-Methods' => 'GET, HEAD, POST'],
            vary => [PF_VARY], outcome => [$id, 'preflight-ok -']);
$id = uid();
$r = req('GET', "/redirect/srvrw/off/file.txt?id=$id", [Origin => APP]);
response_is($r, 'server RewriteRule to rw/off', status => 200,
            body => qr/rw off file/, acx => [], no_vary => 'Origin',
            outcome => [$id, '- -']);

# --- per-directory (.htaccess) rewrites: internal redirects ----------------
# rw/ht/ allows APP; rw/scoped/ allows OTHER only; rw/plain/ has no CORS
# configuration; rw/off/ turns CORS off.
write_htaccess('redirect', 'rw', 'ht', <<'EOT');
RewriteEngine On
RewriteRule ^to-scoped$ /redirect/rw/scoped/file.txt [L]
RewriteRule ^to-plain$ /redirect/rw/plain/file.txt [L]
RewriteRule ^to-off$ /redirect/rw/off/file.txt [L]
EOT

$id = uid();
$r = req('GET', "/redirect/rw/ht/file.txt?id=$id", [Origin => APP]);
response_is($r, 'rw/ht file asked directly', status => 200,
            body => qr/rw ht file/, acx => ['Access-Control-Allow-Origin' => APP],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);

# to a target with its own policy: that policy, whole
$id = uid();
$r = req('GET', "/redirect/rw/ht/to-scoped?id=$id", [Origin => APP]);
response_is($r, '.htaccess rewrite to rw/scoped, the asked URL\'s origin',
            status => 200, body => qr/rw scoped file/, acx => [],
            vary => ['Origin'], outcome => [$id, 'actual-denied origin']);
$id = uid();
$r = req('GET', "/redirect/rw/ht/to-scoped?id=$id", [Origin => OTHER]);
response_is($r, '.htaccess rewrite to rw/scoped, the target\'s origin',
            status => 200, body => qr/rw scoped file/,
            acx => ['Access-Control-Allow-Origin' => OTHER],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = preflight("/redirect/rw/ht/to-scoped?id=$id", OTHER, 'GET');
response_is($r, '.htaccess rewrite to rw/scoped, preflight from the target\'s origin',
            status => 204,
            acx => ['Access-Control-Allow-Origin' => OTHER,
                    'Access-Control-Allow-Methods' => 'GET, HEAD, POST'],
            vary => [PF_VARY], outcome => [$id, 'preflight-ok -']);
$id = uid();
$r = preflight("/redirect/rw/ht/to-scoped?id=$id", APP, 'GET');
refused_ok($r, qr/origin 'https:\/\/app\.example\.com' is not allowed/,
           '.htaccess rewrite to rw/scoped, preflight from the asked URL\'s origin');
response_is($r, '.htaccess rewrite to rw/scoped, preflight from the asked URL\'s origin',
            outcome => [$id, 'preflight-denied origin']);

# to an unconfigured target: the asked URL's policy
$id = uid();
$r = req('GET', "/redirect/rw/ht/to-plain?id=$id", [Origin => APP]);
response_is($r, '.htaccess rewrite to rw/plain, the asked URL\'s origin',
            status => 200, body => qr/rw plain file/,
            acx => ['Access-Control-Allow-Origin' => APP],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = req('GET', "/redirect/rw/ht/to-plain?id=$id", [Origin => OTHER]);
response_is($r, '.htaccess rewrite to rw/plain, another origin',
            status => 200, acx => [], vary => ['Origin'],
            outcome => [$id, 'actual-denied origin']);
$id = uid();
$r = preflight("/redirect/rw/ht/to-plain?id=$id", APP, 'GET');
response_is($r, '.htaccess rewrite to rw/plain, preflight', status => 204,
            acx => ['Access-Control-Allow-Origin' => APP,
                    'Access-Control-Allow-Methods' => 'GET, HEAD, POST'],
            vary => [PF_VARY], outcome => [$id, 'preflight-ok -']);

# to a target that turns CORS off: nothing
$id = uid();
$r = req('GET', "/redirect/rw/ht/to-off?id=$id", [Origin => APP]);
response_is($r, '.htaccess rewrite to rw/off', status => 200,
            body => qr/rw off file/, acx => [], no_vary => 'Origin',
            outcome => [$id, '- -']);

# --- a CGI's local Location (mod_cgi/mod_cgid redirect internally) --------
# /redirect/h/loc allows APP.
my $loc = '/redirect/h/loc/x?hdr=Location:';
$id = uid();
$r = req('GET', "$loc/redirect/rw/scoped/file.txt&id=$id", [Origin => APP]);
response_is($r, 'CGI Location to rw/scoped, the asked URL\'s origin',
            status => 200, body => qr/\Arw scoped file\n\z/, acx => [],
            vary => ['Origin'], calls => [$id, 1],
            outcome => [$id, 'actual-denied origin']);
$id = uid();
$r = req('GET', "$loc/redirect/rw/scoped/file.txt&id=$id", [Origin => OTHER]);
response_is($r, 'CGI Location to rw/scoped, the target\'s origin',
            status => 200, body => qr/\Arw scoped file\n\z/,
            acx => ['Access-Control-Allow-Origin' => OTHER],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = req('GET', "$loc/redirect/rw/plain/file.txt&id=$id", [Origin => APP]);
response_is($r, 'CGI Location to rw/plain', status => 200,
            body => qr/\Arw plain file\n\z/,
            acx => ['Access-Control-Allow-Origin' => APP],
            vary => ['Origin'], calls => [$id, 1], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = req('GET', "$loc/redirect/rw/off/file.txt&id=$id", [Origin => APP]);
response_is($r, 'CGI Location to rw/off', status => 200,
            body => qr/\Arw off file\n\z/, acx => [], no_vary => 'Origin',
            outcome => [$id, '- -']);

done_testing();
