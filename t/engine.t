# CORSEngine (docs/mod_cors.md, "CORSEngine Directive"): Off (the default) changes nothing.
# Scopes: /h/noeng, /h/eng, /h/eng/off, /h/plain in conf/extra.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my ($r, $id);

for my $scope ('/h/noeng', '/h/eng/off', '/h/plain') {
    $id = uid();
    $r = req('GET', "$scope/x?id=$id&acao=https://handler.example&vary=Accept"
                  . '&hdr=Access-Control-Allow-Credentials:true', [Origin => APP]);
    is($r->{status}, 200, "$scope: 200");
    is_deeply([hdrs($r, 'Access-Control-Allow-Origin')], ['https://handler.example'],
              "$scope: the handler's ACAO passes through untouched");
    is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', "$scope: handler's ACAC untouched");
    is_deeply([vary_tokens($r)], ['Accept'], "$scope: Vary untouched");
    is(cors_result($id), '-', "$scope: no CORS_RESULT");

    $id = uid();
    $r = preflight("$scope/x?id=$id", APP, 'PUT');
    is($r->{status}, 200, "$scope: a preflight goes to the handler");
    like($r->{body}, qr/^method=OPTIONS$/m, "$scope: handler answered the preflight");
    is(calls_for($id), 1, "$scope: handler ran");
    no_acx($r, "$scope preflight");

    $r = req('DELETE', "$scope/x", [Origin => EVIL]);
    is($r->{status}, 200, "$scope: nothing rejected");
}

# the same policy with the engine On
$r = preflight('/h/eng/x', APP, 'PUT');
preflight_ok($r, APP, 'CORSEngine On');
$r = req('GET', '/h/eng/x?acao=https://handler.example', [Origin => APP]);
acao_is($r, APP, 'CORSEngine On');

# the engine On without any origin: nothing is allowed, and it says so
$r = preflight('/h/engonly/x', APP, 'GET');
refused_ok($r, qr/origin 'https:\/\/app\.example\.com' is not allowed/, 'no origin configured: preflight');
$r = req('GET', '/h/engonly/x?acao=https://handler.example', [Origin => APP]);
is($r->{status}, 200, 'no origin configured: actual request served');
no_acx($r, 'no origin configured: actual request');
vary_ok($r, ['Origin'], 'no origin configured: actual request');

done_testing();
