# SPEC §4: a proxied backend's Access-Control-* are replaced in scope, never
# two ACAO lines.  /px/ proxies to /h/plain/ on this server (no CORS there).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my $r;

$r = req('GET', '/px/x?acao=https://backend.example&hdr=Access-Control-Allow-Credentials:true'
              . '&vary=Accept-Encoding', [Origin => APP]);
is($r->{status}, 200, 'proxied: 200');
like($r->{body}, qr/^method=GET$/m, 'proxied: backend answered');
acao_is($r, APP, "proxied: the backend's ACAO replaced");
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, "proxied: the backend's ACAC removed");
vary_ok($r, ['Accept-Encoding', 'Origin'], 'proxied');

$r = req('GET', '/px/x?acao=*', [Origin => EVIL]);
is($r->{status}, 200, 'proxied, disallowed origin: 200');
no_acx($r, 'proxied, disallowed origin');

$r = req('GET', '/px/x?acao=*', []);
no_acx($r, 'proxied, no Origin');

$r = req('GET', '/px/x?status=502&acao=https://backend.example', [Origin => APP]);
is($r->{status}, 502, 'proxied error status');
acao_is($r, APP, 'proxied error decorated');

$r = preflight('/px/x', APP, 'GET');
preflight_ok($r, APP, 'preflight to a proxied path answered locally');

done_testing();
