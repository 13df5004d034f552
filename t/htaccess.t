# SPEC §1: every directive works in .htaccess under AllowOverride FileInfo
# (or AllowOverrideList); a bad one is a 500 with the reason in the error
# log.  The .htaccess files are written here and removed at the end.
# Scopes: <Directory htdocs/ht...> in conf/extra.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
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

done_testing();
