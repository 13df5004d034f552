# mod_deflate (docs/mod_cors.md, "mod_deflate" and "Vary"): mod_deflate adds Vary: Accept-Encoding
# whether or not it compresses, the handler and mod_headers may add their
# own Vary as well; every token appears once, Origin included, in any
# order.  Scopes: /interop/defl (static, SetOutputFilter DEFLATE, ?hv adds
# mod_headers' Vary), /interop/h/defl (the CGI) in
# conf/deflate.conf.in and conf/handler.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my $r;
my @gzip = ('Accept-Encoding' => 'gzip');

for my $o ([APP, 'allowed'], [EVIL, 'disallowed'], [undef, 'no Origin']) {
    my ($origin, $what) = @$o;
    my @h = defined $origin ? (Origin => $origin) : ();
    for my $c (['/interop/defl/big.txt', [@gzip], 1, 'static, gzip'],
               ['/interop/defl/big.txt', [], 0, 'static, no Accept-Encoding'],
               ['/interop/defl/big.txt?hv', [@gzip], 1, 'static + mod_headers Vary'],
               ['/interop/h/defl/x?vary=Origin,%20Accept-Encoding', [@gzip], 1,
                'CGI Vary: Origin, Accept-Encoding'],
               ['/interop/h/defl/x?vary=accept-encoding&vary=ORIGIN', [@gzip], 1,
                'CGI, two Vary lines, other case'],
               ['/interop/h/defl/x?vary=Accept-Language', [], 0,
                'CGI Vary: Accept-Language, no Accept-Encoding']) {
        my ($url, $extra, $gz, $name) = @$c;
        $name = "$name, $what";
        $r = req('GET', $url, [@h, @$extra]);
        is($r->{status}, 200, "$name: 200");
        is(hdr($r, 'Content-Encoding'), $gz ? 'gzip' : undef,
           "$name: " . ($gz ? 'compressed' : 'not compressed'));
        vary_ok($r, ['Accept-Encoding', 'Origin'], $name);
        if (defined $origin && $origin eq APP) {
            acao_is($r, APP, $name);
        }
        else {
            no_acx($r, $name);
        }
    }
}

# preflights are answered before mod_deflate's filter is inserted: exactly
# the preflight Vary
$r = preflight('/interop/defl/big.txt', APP, 'GET', undef, @gzip);
preflight_ok($r, APP, 'preflight in a deflate scope');
is_deeply([map { lc } vary_tokens($r)], [map { lc } PF_VARY],
          'preflight in a deflate scope: exactly the preflight Vary');
is(hdr($r, 'Content-Encoding'), undef, 'preflight: nothing to compress');

done_testing();
