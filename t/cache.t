# mod_cache in front of a CORS scope (docs/mod_cors.md, "mod_cache"): the
# cached copy keeps its Access-Control-* and Vary: Origin, and Vary: Origin
# keeps one origin's cached answer from another.  Two allowed origins
# alternate on one URL and each always gets its own
# Access-Control-Allow-Origin; a disallowed origin and a request without
# Origin never get one, although every answer after the first of each kind
# comes from the cache.  With CacheQuickHandler On (the main server) a hit
# is served before any mod_cors hook runs, so the stored Vary: Origin is
# what keeps the variants apart; with CacheQuickHandler Off (virtual host
# cors_cacheoff) the CORS filters run on every hit as well.
#
# Scopes: /cached (static files, quick handler) in conf/extra.conf.in;
# /interop/cache... in conf/cache.conf.in: static files through
# mod_cache_socache, the CGI through mod_cache_disk; the CGI logs each run,
# so a test can count cache misses.
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

# --- alternating origins on one URL: socache and disk, quick handler on
# and off ------------------------------------------------------------------

# One round: alternate APP and API three times each, then a disallowed
# origin and no Origin twice each.  Returns how many answers came from the
# cache (an Age header).
sub round {
    my ($url, $port, $name) = @_;
    my $hits = 0;
    my @seq = ((APP, $API) x 3, EVIL, EVIL, undef, undef, APP, undef, $API, EVIL);
    my $i = 0;
    for my $o (@seq) {
        $i++;
        my $r = req('GET', $url, [defined $o ? (Origin => $o) : ()], port => $port);
        my $who = defined $o ? $o : 'no Origin';
        is($r->{status}, 200, "$name #$i ($who): 200");
        $hits++ if defined hdr($r, 'Age');
        if (defined $o && $o ne EVIL) {
            acao_is($r, $o, "$name #$i ($who)");
            is(hdr($r, 'Access-Control-Expose-Headers'), 'x-request-id', "$name #$i: ACEH");
        }
        else {
            no_acx($r, "$name #$i ($who)");
        }
        vary_ok($r, ['Origin'], "$name #$i ($who)");
    }
    return ($hits, scalar @seq);
}

my $main = main_port();
my $off = vhost_port('cors_cacheoff');

# static file, socache, quick handler on
my ($hits, $n) = round('/interop/cache/st/a.txt?' . uid(), $main, 'socache, quick handler');
is($hits, $n - 4, 'socache, quick handler: all but the first of each kind from the cache');

# static file, socache, quick handler off
($hits, $n) = round('/interop/cache/off/st/a.txt?' . uid(), $off, 'socache, no quick handler');
is($hits, $n - 4, 'socache, no quick handler: all but the first of each kind from the cache');

# the CGI, disk cache: the handler runs once per kind of request (APP, API,
# EVIL, none); the backend's own ACAO is never what a client sees.
for my $c (['/interop/cache/cgi/x', $main, 'disk, quick handler'],
           ['/interop/cache/off/cgi/x', $off, 'disk, no quick handler']) {
    my ($path, $port, $name) = @$c;
    my $id = uid();
    my $url = "$path?id=$id&hdr=Cache-Control:max-age%3D300&acao=https://handler.example";
    ($hits, $n) = round($url, $port, $name);
    is(calls_for($id), 4, "$name: the handler ran once per variant (4 of $n requests)");
    is($hits, $n - 4, "$name: the rest came from the cache");
}

done_testing();
