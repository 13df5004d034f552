# mod_cache (quick handler) in front of a CORS scope: the cached copy keeps
# its Access-Control-* and Vary: Origin, and Vary: Origin keeps one origin's
# cached answer from another.  Scope: /cached (static files).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

# a fresh cache key per run
my $url = '/cached/a.txt?' . uid();
my $API = 'https://api.example.com';
my $r;

$r = req('GET', $url, [Origin => APP]);
is($r->{status}, 200, 'first request');
acao_is($r, APP, 'first request');
is(hdr($r, 'Age'), undef, 'first request: not from the cache');

$r = req('GET', $url, [Origin => APP]);
ok(defined hdr($r, 'Age'), 'same origin again: served from the cache (Age)');
acao_is($r, APP, 'cached copy keeps ACAO');
vary_ok($r, ['Origin'], 'cached copy keeps Vary');

$r = req('GET', $url, [Origin => $API]);
acao_is($r, $API, "other origin: its own ACAO, not the cached one");

$r = req('GET', $url, [Origin => EVIL]);
no_acx($r, 'disallowed origin: never a cached ACAO');

$r = req('GET', $url, []);
no_acx($r, 'no Origin: never a cached ACAO');

$r = req('GET', $url, [Origin => APP]);
acao_is($r, APP, 'first origin again');

done_testing();
