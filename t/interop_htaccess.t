# .htaccess and AllowOverride as Apache has them (SPEC §1): under
# AllowOverride FileInfo the CORS directives work, also inside <If>,
# <ElseIf>, <Else>, and next to authentication (AuthConfig); under
# AllowOverrideList only the listed ones do (any other is "not allowed
# here", a 500 like every .htaccess error); under AllowOverride None the
# file is never read, so even a broken one changes nothing.  The .htaccess
# files are written here and removed at the end.  Scopes: <Directory
# htdocs/interop/ht...> in conf/interop.conf.in.
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
    return write_htaccess('interop', 'ht', $dir, $bytes);
}

my ($r, $id, $mark);
my $OTHER = 'https://other.example';

# --- AllowOverride None: not even read ---------------------------------------
htaccess('none', "CORSEngine Off\nCORSAllowOrigin https://bad.example/path\nThis is not a directive\n");
$r = req('GET', '/interop/ht/none/a.txt', [Origin => APP]);
is($r->{status}, 200, 'AllowOverride None: a broken .htaccess is never read');
acao_is($r, APP, 'AllowOverride None: the <Directory> policy');
$r = preflight('/interop/ht/none/a.txt', APP, 'GET');
preflight_ok($r, APP, 'AllowOverride None: preflight');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD', 'AllowOverride None: ACAM');

# --- AllowOverrideList CORSAllowMethods CORSMaxAge ----------------------------
htaccess('list', "CORSAllowMethods +PUT\nCORSMaxAge 42\n");
$r = preflight('/interop/ht/list/a.txt', APP, 'PUT');
preflight_ok($r, APP, 'AllowOverrideList: listed directives apply');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD, PUT', 'AllowOverrideList: ACAM');
is(hdr($r, 'Access-Control-Max-Age'), '42', 'AllowOverrideList: Max-Age');

$mark = error_log_mark();
htaccess('list', "CORSAllowMethods +PUT\nCORSAllowOrigin +$OTHER\n");
$r = req('GET', '/interop/ht/list/a.txt', [Origin => APP]);
is($r->{status}, 500, 'AllowOverrideList: an unlisted CORS directive is a 500');
like(error_log_since($mark, qr/not allowed here/), qr/CORSAllowOrigin not allowed here/,
     'AllowOverrideList: "CORSAllowOrigin not allowed here"');

# --- AllowOverride FileInfo AuthConfig ----------------------------------------
# <If>/<ElseIf>/<Else> in .htaccess
htaccess('fi', <<"EOF");
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
htaccess('fi', <<"EOF");
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
htaccess('fi', <<"EOF");
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
