# SPEC §4.2: every status is decorated (errors, ErrorDocument, redirects,
# 304), once.  Scopes: /h/act (CGI), /h/act/broken, /static, /static/ed,
# /api/admin (Basic auth) in conf/extra.conf.in.
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

done_testing();
