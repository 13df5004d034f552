# Every response that goes to the client is decorated exactly once, whatever
# produced it (docs/mod_cors.md, "Actual requests", "Internal redirects and
# subrequests" and "ErrorDocument, mod_dir, mod_rewrite and mod_alias"):
# 3xx/4xx/5xx from the handler, a broken CGI, mod_alias and mod_rewrite
# redirects, mod_dir's trailing-slash redirect and DirectoryIndex, 304
# (If-None-Match and If-Modified-Since), 401, 403 from authz, 404,
# ErrorDocuments with local URLs (a static page, a CGI, a page in a scope
# with a policy of its own), a per-directory mod_rewrite front controller,
# and mod_include subrequests.
#
# Scopes: /h/act (CGI), /h/act/broken, /static, /static/ed, /api/admin
# (Basic auth) in conf/extra.conf.in; <Directory htdocs/interop/st...> and
# /interop/ssi in conf/errors.conf.in, /interop/h/auth in
# conf/modules.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my $r;

sub decorated {
    my ($r, $status, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($r->{status}, $status, "$name: $status");
    acao_is($r, APP, $name);
    is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total-count, x-request-id', "$name: ACEH")
        if $name =~ /CGI/;
    vary_ok($r, ['Origin'], $name);
}

for my $s (400, 403, 404, 410, 500, 503) {
    $r = req('GET', "/h/act/x?status=$s", [Origin => APP]);
    decorated($r, $s, "CGI status $s");
}
$r = req('GET', '/h/act/x?status=302&hdr=Location:https://elsewhere.example/', [Origin => APP]);
decorated($r, 302, 'CGI redirect');
is(hdr($r, 'Location'), 'https://elsewhere.example/', 'redirect keeps Location');

$r = req('GET', '/h/act/broken', [Origin => APP]);
decorated($r, 500, 'broken CGI');

$r = req('GET', '/h/act/broken', [Origin => EVIL]);
is($r->{status}, 500, 'broken CGI, disallowed origin: 500');
no_acx($r, 'broken CGI, disallowed origin');
vary_ok($r, ['Origin'], 'broken CGI, disallowed origin');

# real 404 from the core, and a local ErrorDocument (an internal redirect)
$r = req('GET', '/static/missing.txt', [Origin => APP]);
decorated($r, 404, 'static 404');

$r = req('GET', '/static/ed/missing.txt', [Origin => APP]);
decorated($r, 404, 'ErrorDocument 404');
like($r->{body}, qr/custom 404 page/, 'ErrorDocument body served');

$r = req('GET', '/static/ed/missing.txt', [Origin => EVIL]);
is($r->{status}, 404, 'ErrorDocument, disallowed origin: 404');
no_acx($r, 'ErrorDocument, disallowed origin');
vary_ok($r, ['Origin'], 'ErrorDocument, disallowed origin');

# 304
$r = req('GET', '/static/file.txt', [Origin => APP]);
my $etag = hdr($r, 'ETag');
ok(defined $etag, 'static file has an ETag');
$r = req('GET', '/static/file.txt', [Origin => APP, 'If-None-Match' => $etag // '"x"']);
decorated($r, 304, 'static 304');

# mod_dir's trailing-slash redirect (actual request)
$r = req('GET', '/api/public/docs', [Origin => APP]);
decorated($r, 301, 'mod_dir redirect');

# 401 from Basic auth (credentials on in the admin tree)
$r = req('GET', '/api/admin/things', [Origin => APP]);
decorated($r, 401, 'Basic auth 401');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', '401: ACAC');
ok(defined hdr($r, 'WWW-Authenticate'), '401 keeps WWW-Authenticate');

# --- a static tree with CGIs, error documents, redirects, a front
# controller and SSI subrequests -------------------------------------------

my $id;

# Exactly one of each of our headers, our values, Vary: Origin once; with
# a disallowed origin no Access-Control-* at all but Vary: Origin still.
sub once_ok {
    my ($r, $status, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($r->{status}, $status, "$name: $status");
    is(join(', ', acx_names($r)),
       'access-control-allow-origin, access-control-expose-headers',
       "$name: exactly one ACAO and one ACEH");
    acao_is($r, APP, $name);
    is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total-count', "$name: ACEH");
    vary_ok($r, ['Origin'], $name);
}
sub denied_ok {
    my ($r, $status, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($r->{status}, $status, "$name, disallowed origin: $status");
    no_acx($r, "$name, disallowed origin");
    vary_ok($r, ['Origin'], "$name, disallowed origin");
}

my @cases = (
    # [name, method, url, status, extra headers, body check]
    ['static file',              'GET', '/interop/st/file.txt', 200, [], qr/interop static file/],
    ['mod_alias Redirect in <Directory>', 'GET', '/interop/st/moved', 301, []],
    ['mod_rewrite [R=302]',      'GET', '/interop/st/rw-old.txt', 302, []],
    ["mod_dir's trailing-slash redirect", 'GET', '/interop/st/dir', 301, []],
    ['DirectoryIndex',           'GET', '/interop/st/dir/', 200, [], qr/interop directory index/],
    ['404 with a static ErrorDocument', 'GET', '/interop/st/nothing.txt', 404, [],
     qr/interop custom 404 page/],
    ['500 from a failing CGI, CGI ErrorDocument', 'GET', '/interop/st/fail.cgi', 500, [],
     qr/custom 500 from a CGI/],
    ['front controller (mod_rewrite, internal redirect)', 'GET',
     '/interop/st/fc/items/7', 200, [], qr/^method=GET$/m],
    ['front controller, handler status 409', 'GET',
     '/interop/st/fc/items/7?status=409&acao=https://fc.example', 409, []],
    ['HEAD on a static file',    'HEAD', '/interop/st/file.txt', 200, []],
);

for my $c (@cases) {
    my ($name, $m, $url, $status, $extra, $body) = @$c;
    $r = req($m, $url, [Origin => APP, @$extra]);
    once_ok($r, $status, $name);
    like($r->{body}, $body, "$name: body") if $body;
    $r = req($m, $url, [Origin => EVIL, @$extra]);
    denied_ok($r, $status, $name);
    $r = req($m, $url, [@$extra]);
    is($r->{status}, $status, "$name, no Origin: $status");
    no_acx($r, "$name, no Origin");
}

# A server-wide mod_alias Redirect answers in translate_name: <Location>
# scopes apply to it (Apache walks them first), <Directory> scopes cannot.
$r = req('GET', '/interop/h/moved', [Origin => APP]);
is($r->{status}, 301, 'server-wide Redirect into a <Location> scope: 301');
acao_is($r, APP, 'server-wide Redirect, <Location> scope');
vary_ok($r, ['Origin'], 'server-wide Redirect, <Location> scope');
$r = req('GET', '/interop/st/srvmoved', [Origin => APP]);
is($r->{status}, 301, 'server-wide Redirect over a <Directory> scope: 301');
no_acx($r, 'server-wide Redirect: no <Directory> applies before the file is mapped');

# redirects keep their Location
$r = req('GET', '/interop/st/dir', [Origin => APP]);
like(hdr($r, 'Location') // '', qr{/interop/st/dir/$}, 'mod_dir redirect: Location');
$r = req('GET', '/interop/st/rw-old.txt', [Origin => APP]);
like(hdr($r, 'Location') // '', qr{/interop/st/file\.txt$}, 'mod_rewrite redirect: Location');

# the front controller ran once, and the handler's own ACAO was replaced
$id = uid();
$r = req('GET', "/interop/st/fc/items/7?id=$id&acao=https://fc.example", [Origin => APP]);
is(calls_for($id), 1, 'front controller ran once');
acao_is($r, APP, "front controller: the handler's ACAO replaced");

# --- 304 ----------------------------------------------------------------
$r = req('GET', '/interop/st/file.txt', [Origin => APP]);
$etag = hdr($r, 'ETag');
my $lm = hdr($r, 'Last-Modified');
ok(defined $etag && defined $lm, 'static file has ETag and Last-Modified');
$r = req('GET', '/interop/st/file.txt', [Origin => APP, 'If-None-Match' => $etag // '"x"']);
once_ok($r, 304, '304 (If-None-Match)');
is($r->{body}, '', '304: no body');
$r = req('GET', '/interop/st/file.txt', [Origin => APP, 'If-Modified-Since' => $lm // 'x']);
once_ok($r, 304, '304 (If-Modified-Since)');
$r = req('GET', '/interop/st/file.txt', [Origin => EVIL, 'If-Modified-Since' => $lm // 'x']);
denied_ok($r, 304, '304 (If-Modified-Since)');

# --- 401 ----------------------------------------------------------------
$r = req('GET', '/interop/h/auth/x', [Origin => APP]);
is($r->{status}, 401, 'Basic auth 401');
acao_is($r, APP, 'Basic auth 401');
vary_ok($r, ['Origin'], 'Basic auth 401');
ok(defined hdr($r, 'WWW-Authenticate'), '401 keeps WWW-Authenticate');

# --- an ErrorDocument whose own scope configures CORS: its policy governs
# (docs/mod_cors.md, "Internal redirects"): the page is served with the
# policy of the content actually served, never the denied URL's.
$r = req('GET', '/interop/st/denied/x.txt', [Origin => APP]);
is($r->{status}, 403, 'ErrorDocument in another scope: 403');
like($r->{body}, qr/interop 403 page in another scope/,
     'ErrorDocument in another scope: its page');
no_acx($r, "ErrorDocument in another scope: the denied URL's origin is not the page's");
vary_ok($r, ['Origin'], 'ErrorDocument in another scope');
$r = req('GET', '/interop/st/denied/x.txt', [Origin => 'https://other.example']);
is($r->{status}, 403, "ErrorDocument in another scope, the page's origin: 403");
acao_is($r, 'https://other.example', "ErrorDocument in another scope, the page's origin");
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-other',
   "ErrorDocument in another scope: the page's CORSExposeHeaders");
vary_ok($r, ['Origin'], "ErrorDocument in another scope, the page's origin");
$r = req('GET', '/interop/st/denied/x.txt', []);
is($r->{status}, 403, 'ErrorDocument in another scope, no Origin: 403');
no_acx($r, 'ErrorDocument in another scope, no Origin');

# --- mod_include: only the main response is decorated ---------------------
# The page includes a static file, a proxied URL (the backend sends its
# own Access-Control-*) and a scope where mod_headers sets them.
$r = req('GET', '/interop/ssi/page.shtml', [Origin => APP]);
is($r->{status}, 200, 'SSI page: 200');
like($r->{body}, qr/before\s+interop static file\s+method=GET\s+method=GET\s+after/,
     'SSI page: every subrequest included');
is(join(', ', acx_names($r)), 'access-control-allow-origin',
   'SSI page: only ACAO, once (nothing from the subrequests)');
acao_is($r, APP, 'SSI page');
vary_ok($r, ['Origin'], 'SSI page');
$r = req('GET', '/interop/ssi/page.shtml', [Origin => EVIL]);
is($r->{status}, 200, 'SSI page, disallowed origin: 200');
no_acx($r, 'SSI page, disallowed origin');
$r = req('GET', '/interop/ssi/page.shtml', []);
no_acx($r, 'SSI page, no Origin');

done_testing();
