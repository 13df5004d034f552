# .htaccess and AllowOverride as Apache has them (docs/mod_cors.md, "Merge
# order and .htaccess" and ".htaccess and AllowOverride"): every directive
# works in .htaccess under AllowOverride FileInfo, also inside <If>,
# <ElseIf>, <Else>, and next to authentication (AuthConfig); under
# AllowOverrideList only the listed ones do (any other is "not allowed
# here"); under AllowOverride None the file is never read, so even a broken
# one changes nothing.  A bad directive is a 500 with the reason in the
# error log.  The .htaccess files are written here and removed at the end.
#
# Scopes: <Directory htdocs/ht...> in conf/extra.conf.in;
# <Directory htdocs/interop/ht...> in conf/htaccess.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use MIME::Base64 qw(encode_base64);
use CorsTest;

cors_plan();

sub htaccess {
    my ($dir, $bytes) = @_;
    return write_htaccess('ht', $dir, $bytes);
}

my $r;

# no .htaccess yet: the <Directory> policy
$r = preflight('/ht/fi/a.txt', APP, 'GET');
preflight_ok($r, APP, 'no .htaccess');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD', 'no .htaccess: ACAM');

htaccess('fi', "CORSAllowMethods +PUT\n");
$r = preflight('/ht/fi/a.txt', APP, 'PUT');
preflight_ok($r, APP, '.htaccess +PUT');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD, PUT', '.htaccess +PUT: ACAM');

htaccess('fi', "CORSAllowMethods -HEAD\n");
$r = preflight('/ht/fi/a.txt', APP, 'GET');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET', '.htaccess -HEAD');

htaccess('fi', "CORSAllowMethods DELETE\nCORSAllowOrigin +https://other.example\n"
             . "CORSAllowHeaders X-Ht\nCORSMaxAge 30\nCORSAllowCredentials On\n"
             . "CORSExposeHeaders X-Ht-Out\n");
$r = preflight('/ht/fi/a.txt', 'https://other.example', 'DELETE', 'X-Ht');
preflight_ok($r, 'https://other.example', '.htaccess: origin edit, methods, headers');
is(hdr($r, 'Access-Control-Allow-Methods'), 'DELETE', '.htaccess replaces methods');
is(hdr($r, 'Access-Control-Max-Age'), '30', '.htaccess CORSMaxAge');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', '.htaccess CORSAllowCredentials');
$r = preflight('/ht/fi/a.txt', APP, 'DELETE');
preflight_ok($r, APP, '.htaccess origin edit keeps the inherited origin');
$r = req('GET', '/ht/fi/a.txt', [Origin => APP]);
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-ht-out', '.htaccess CORSExposeHeaders');

htaccess('fi', "CORSAllowOrigin https://other.example\nCORSPreflightStatus 200\n");
$r = preflight('/ht/fi/a.txt', APP, 'GET');
refused_ok($r, qr/origin 'https:\/\/app\.example\.com' is not allowed/, '.htaccess replaces origins');
$r = preflight('/ht/fi/a.txt', 'https://other.example', 'GET');
is($r->{status}, 200, '.htaccess CORSPreflightStatus 200');

htaccess('fi', "CORSEngine Off\n");
$r = req('GET', '/ht/fi/a.txt', [Origin => APP]);
is($r->{status}, 200, '.htaccess CORSEngine Off');
no_acx($r, '.htaccess CORSEngine Off');
is(scalar(grep { lc eq 'origin' } vary_tokens($r)), 0, 'CORSEngine Off: no Vary: Origin');

htaccess('fi', "CORSRejectDisallowed On\n");
$r = req('GET', '/ht/fi/a.txt', [Origin => 'https://evil.example']);
is($r->{status}, 403, '.htaccess CORSRejectDisallowed On');

# errors: 500 with the reason in the error log
my $mark = error_log_mark();
htaccess('fi', "CORSAllowOrigin https://bad.example/path\n");
$r = req('GET', '/ht/fi/a.txt', [Origin => APP]);
is($r->{status}, 500, 'bad .htaccess: 500');
my $log = error_log_since($mark, qr/is not an origin/);
like($log, qr/\.htaccess: CORSAllowOrigin: 'https:\/\/bad\.example\/path' is not an origin: it has a path/,
     'bad .htaccess: reason in the error log');

$mark = error_log_mark();
htaccess('fi', "CORSAllowMethods GET +PUT\n");
$r = preflight('/ht/fi/a.txt', APP, 'GET');
is($r->{status}, 500, 'mixed edits in .htaccess: 500');
like(error_log_since($mark, qr/cannot mix/),
     qr/CORSAllowMethods: cannot mix plain methods and \+\/- edits in one section/,
     'mixed edits in .htaccess: reason logged');

# AllowOverride without FileInfo: not allowed here
$mark = error_log_mark();
htaccess('lim', "CORSAllowMethods +PUT\n");
$r = req('GET', '/ht/lim/a.txt', [Origin => APP]);
is($r->{status}, 500, 'AllowOverride Limit: CORS directives not allowed');
like(error_log_since($mark, qr/not allowed here/), qr/CORSAllowMethods not allowed here/,
     'AllowOverride Limit: "not allowed here"');

# AllowOverrideList
htaccess('list', "CORSAllowMethods +PATCH\n");
$r = preflight('/ht/list/a.txt', APP, 'PATCH');
preflight_ok($r, APP, 'AllowOverrideList CORSAllowMethods');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD, PATCH', 'AllowOverrideList: ACAM');

remove_htaccess();
$r = preflight('/ht/fi/a.txt', APP, 'PUT');
refused_ok($r, qr/method 'PUT' is not allowed/, '.htaccess removed: back to the <Directory> policy');

# --- AllowOverride None, AllowOverrideList, FileInfo AuthConfig: the
# tree htdocs/interop/ht ----------------------------------------------------

sub override_htaccess {
    my ($dir, $bytes) = @_;
    return write_htaccess('interop', 'ht', $dir, $bytes);
}

my $id;
my $OTHER = 'https://other.example';

# --- AllowOverride None: not even read ---------------------------------------
override_htaccess('none', "CORSEngine Off\nCORSAllowOrigin https://bad.example/path\nThis is not a directive\n");
$r = req('GET', '/interop/ht/none/a.txt', [Origin => APP]);
is($r->{status}, 200, 'AllowOverride None: a broken .htaccess is never read');
acao_is($r, APP, 'AllowOverride None: the <Directory> policy');
$r = preflight('/interop/ht/none/a.txt', APP, 'GET');
preflight_ok($r, APP, 'AllowOverride None: preflight');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD', 'AllowOverride None: ACAM');

# --- AllowOverrideList CORSAllowMethods CORSMaxAge ----------------------------
override_htaccess('list', "CORSAllowMethods +PUT\nCORSMaxAge 42\n");
$r = preflight('/interop/ht/list/a.txt', APP, 'PUT');
preflight_ok($r, APP, 'AllowOverrideList: listed directives apply');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD, PUT', 'AllowOverrideList: ACAM');
is(hdr($r, 'Access-Control-Max-Age'), '42', 'AllowOverrideList: Max-Age');

$mark = error_log_mark();
override_htaccess('list', "CORSAllowMethods +PUT\nCORSAllowOrigin +$OTHER\n");
$r = req('GET', '/interop/ht/list/a.txt', [Origin => APP]);
is($r->{status}, 500, 'AllowOverrideList: an unlisted CORS directive is a 500');
like(error_log_since($mark, qr/not allowed here/), qr/CORSAllowOrigin not allowed here/,
     'AllowOverrideList: "CORSAllowOrigin not allowed here"');

# --- AllowOverride FileInfo AuthConfig ----------------------------------------
# <If>/<ElseIf>/<Else> in .htaccess
override_htaccess('fi', <<"EOF");
<If "%{QUERY_STRING} =~ /put/">
    CORSAllowMethods +PUT
</If>
<ElseIf "%{HTTP:X-Tenant} == 'other'">
    CORSAllowOrigin $OTHER
    CORSExposeHeaders X-Tenant-Only
</ElseIf>
<Else>
    CORSMaxAge 5
</Else>
EOF
$r = preflight('/interop/ht/fi/a.txt?put', APP, 'PUT');
preflight_ok($r, APP, '.htaccess <If>: PUT added');
is(hdr($r, 'Access-Control-Max-Age'), undef, '.htaccess <If>: not the <Else>');
$r = preflight('/interop/ht/fi/a.txt', APP, 'PUT');
refused_ok($r, qr/method 'PUT' is not allowed/, '.htaccess <If> false: PUT refused');
$r = preflight('/interop/ht/fi/a.txt', APP, 'GET');
is(hdr($r, 'Access-Control-Max-Age'), '5', '.htaccess <Else>: Max-Age 5');
$r = req('GET', '/interop/ht/fi/a.txt', [Origin => $OTHER, 'X-Tenant' => 'other']);
acao_is($r, $OTHER, '.htaccess <ElseIf>: its origin list');
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-tenant-only', '.htaccess <ElseIf>: ACEH');
$r = req('GET', '/interop/ht/fi/a.txt', [Origin => APP, 'X-Tenant' => 'other']);
no_acx($r, '.htaccess <ElseIf>: replaces the inherited origins');
vary_ok($r, ['Origin'], '.htaccess <ElseIf>');

# authentication from .htaccess: preflights still pass without credentials
override_htaccess('fi', <<"EOF");
AuthType Basic
AuthName "mod_cors htaccess"
AuthBasicProvider file
AuthUserFile "@{[ catfile(var_serverroot(), 'conf', 'cors.htpasswd') ]}"
Require valid-user
CORSAllowMethods +DELETE
EOF
$id = uid();
$r = preflight("/interop/ht/fi/a.txt?id=$id", APP, 'DELETE');
preflight_ok($r, APP, '.htaccess auth: preflight answered without credentials');
$r = req('GET', '/interop/ht/fi/a.txt', [Origin => APP]);
is($r->{status}, 401, '.htaccess auth: actual request without credentials is 401');
acao_is($r, APP, '.htaccess auth: 401 decorated');
$r = req('GET', '/interop/ht/fi/a.txt',
         [Origin => APP, Authorization => 'Basic ' . encode_base64('admin:s3cret', '')]);
is($r->{status}, 200, '.htaccess auth: with credentials 200');
acao_is($r, APP, '.htaccess auth: 200 decorated');

# CORSPreflightBypassAuth Off from .htaccess
override_htaccess('fi', <<"EOF");
AuthType Basic
AuthName "mod_cors htaccess"
AuthBasicProvider file
AuthUserFile "@{[ catfile(var_serverroot(), 'conf', 'cors.htpasswd') ]}"
Require valid-user
CORSPreflightBypassAuth Off
EOF
$r = preflight('/interop/ht/fi/a.txt', APP, 'GET');
is($r->{status}, 401, '.htaccess CORSPreflightBypassAuth Off: preflight 401');
no_acx($r, '.htaccess CORSPreflightBypassAuth Off');

# the files go away: back to the <Directory> policy
remove_htaccess();
$r = preflight('/interop/ht/fi/a.txt', APP, 'PUT');
refused_ok($r, qr/method 'PUT' is not allowed/, 'no .htaccess: the <Directory> policy');
$r = preflight('/interop/ht/list/a.txt', APP, 'GET');
preflight_ok($r, APP, 'no .htaccess in the list directory');

done_testing();

sub var_serverroot { CorsTest::config()->{vars}->{serverroot} }
