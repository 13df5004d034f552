# Vary (docs/mod_cors.md, "Vary"): merged with the handler's and other modules' Vary,
# every token once.  Scopes: /h/act, /h/act/deflate, /h/pf, /h/pf/pna.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my $r;

$r = req('GET', '/h/act/x?vary=Accept-Encoding', [Origin => APP]);
vary_ok($r, ['Accept-Encoding', 'Origin'], "handler's Vary kept, Origin added");

$r = req('GET', '/h/act/x?vary=Origin', [Origin => APP]);
vary_ok($r, ['Origin'], 'handler already varies on Origin: once');

$r = req('GET', '/h/act/x?vary=origin,%20Accept', [Origin => EVIL]);
vary_ok($r, ['Origin', 'Accept'], 'case-insensitive merge, disallowed origin');

$r = req('GET', '/h/act/x?vary=Accept&vary=Accept-Language', []);
vary_ok($r, ['Accept', 'Accept-Language', 'Origin'], 'two handler Vary lines, no Origin');

$r = req('GET', '/h/act/deflate/x?vary=Accept-Encoding',
         [Origin => APP, 'Accept-Encoding' => 'gzip']);
is($r->{status}, 200, 'deflated response');
vary_ok($r, ['Accept-Encoding', 'Origin'], 'mod_deflate + handler + module');
acao_is($r, APP, 'deflated response');

# preflights
$r = preflight('/h/pf/x', APP, 'PUT');
is_deeply([map { lc } vary_tokens($r)],
          [map { lc } PF_VARY], 'allowed preflight: exactly the preflight Vary');
$r = preflight('/h/pf/x', EVIL, 'PUT');
is_deeply([map { lc } vary_tokens($r)],
          [map { lc } PF_VARY], 'refused preflight: exactly the preflight Vary');
$r = preflight('/h/pf/pna/x', APP, 'PUT');
vary_ok($r, [PF_VARY, 'Access-Control-Request-Private-Network'],
        'CORSAllowPrivateNetwork On: Vary on its request header too');

# the handler's Vary on a passthrough preflight is merged, not replaced
$r = preflight('/h/pt/x?vary=Accept-Encoding&vary=Origin', APP, 'PUT');
vary_ok($r, [PF_VARY, 'Accept-Encoding'], 'passthrough preflight merges Vary');

# mod_headers runs after the CORS filter: whatever it does to Vary, the
# response still varies on Origin (CORS_LATE puts it back), for allowed,
# disallowed and absent origins alike.
for my $o (APP, EVIL, undef) {
    my $who = defined $o ? $o : 'no Origin';
    my @h = defined $o ? (Origin => $o) : ();
    $r = req('GET', '/h/act/vary-set/x', [@h]);
    vary_ok($r, ['Origin', 'Accept-Encoding'], "Header set Vary, $who");
    $r = req('GET', '/h/act/vary-unset/x', [@h]);
    vary_ok($r, ['Origin'], "Header unset Vary, $who");
    $r = req('GET', '/h/act/acao-set/x', [@h]);
    vary_ok($r, ['Origin'], "Header set Access-Control-*, $who");
    if (defined $o && $o eq APP) {
        acao_is($r, APP, 'Header set Access-Control-Allow-Origin *: ours wins');
        is(hdr($r, 'Access-Control-Allow-Credentials'), undef,
           'Header always set Access-Control-Allow-Credentials: removed');
    }
    else {
        no_acx($r, "Header set Access-Control-*, $who");
    }
}

done_testing();
