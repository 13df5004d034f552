# The read-only public tree and the full-CRUD admin tree behind Basic auth
# (per-directory policies: docs/mod_cors.md, "Example: a read-only
# public tree and an admin CRUD tree"), each with a mod_rewrite front
# controller; mod_dir's trailing-slash redirect.  Scopes: <Directory
# htdocs/api...> in conf/extra.conf.in.
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

# --- public, read-only ---------------------------------------------------
$id = uid();
$r = preflight("/api/public/items/1?id=$id", APP, 'GET');
preflight_ok($r, APP, 'public GET preflight');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD', 'public ACAM');
is(hdr($r, 'Access-Control-Max-Age'), '600', 'public Max-Age');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, 'public: no credentials');
is(calls_for($id), 0, 'front controller never ran for the preflight');

for my $m (qw(PUT DELETE PATCH)) {
    $r = preflight('/api/public/items/1', APP, $m);
    refused_ok($r, qr/method '$m' is not allowed/, "public $m");
}
$r = preflight('/api/public/items/1', 'https://api.example.com', 'POST');
preflight_ok($r, 'https://api.example.com', 'public POST (always allowed), second origin');

$id = uid();
$r = req('GET', "/api/public/items/1?id=$id", [Origin => APP]);
is($r->{status}, 200, 'public GET through the front controller');
like($r->{body}, qr/^method=GET$/m, 'front controller answered');
is(calls_for($id), 1, 'front controller ran once');
acao_is($r, APP, 'public GET decorated once after the internal redirect');
vary_ok($r, ['Origin'], 'public GET');

# a real directory without its trailing slash: mod_dir would redirect
$r = preflight('/api/public/docs', APP, 'GET');
preflight_ok($r, APP, 'preflight to a directory without trailing slash');
is(hdr($r, 'Location'), undef, 'no redirect');
$r = preflight('/api/public/docs/', APP, 'GET');
preflight_ok($r, APP, 'preflight to the directory with slash (DirectoryIndex)');
$r = req('GET', '/api/public/docs/', [Origin => APP]);
is($r->{status}, 200, 'DirectoryIndex page');
acao_is($r, APP, 'DirectoryIndex subrequest decorated once');

# --- admin: full CRUD, credentials, Basic auth -------------------------------
for my $m (qw(PUT PATCH DELETE)) {
    $id = uid();
    $r = preflight("/api/admin/users/7?id=$id", APP, $m, 'Authorization, Content-Type');
    preflight_ok($r, APP, "admin $m preflight without credentials");
    is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, POST, PUT, PATCH, DELETE', "admin ACAM ($m)");
    is(hdr($r, 'Access-Control-Allow-Headers'), 'authorization, content-type', "admin ACAH ($m)");
    is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', "admin ACAC ($m)");
    is(hdr($r, 'WWW-Authenticate'), undef, "admin $m preflight: no auth challenge");
    is(calls_for($id), 0, "admin $m preflight: handler never ran");
}
$r = preflight('/api/admin/users/7', EVIL, 'DELETE');
refused_ok($r, qr/origin 'https:\/\/evil\.example' is not allowed/, 'admin, bad origin');

$id = uid();
$r = req('DELETE', "/api/admin/users/7?id=$id", [Origin => APP]);
is($r->{status}, 401, 'admin DELETE without credentials: 401');
is(calls_for($id), 0, 'admin 401: handler never ran');
acao_is($r, APP, 'admin 401 decorated');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'admin 401: ACAC');

$id = uid();
$r = req('DELETE', "/api/admin/users/7?id=$id", [Origin => APP, @creds]);
is($r->{status}, 200, 'admin DELETE with credentials: 200');
like($r->{body}, qr/^method=DELETE$/m, 'admin handler answered');
acao_is($r, APP, 'admin DELETE decorated');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'admin DELETE: ACAC');
vary_ok($r, ['Origin'], 'admin DELETE');

$r = req('PUT', '/api/admin/users/7', [Origin => APP, @creds], body => '{}');
is($r->{status}, 200, 'admin PUT with credentials');
acao_is($r, APP, 'admin PUT');

$r = req('GET', '/api/admin/users/7', [Origin => APP,
        Authorization => 'Basic ' . encode_base64('admin:wrong', '')]);
is($r->{status}, 401, 'wrong password: 401');
acao_is($r, APP, 'wrong password 401 decorated');

done_testing();
