# docs/mod_cors.md, "Internal redirects and subrequests": the response that goes to
# the client is decorated once, whatever its subrequests (mod_include
# virtual includes into other CORS scopes) did.  Scope: /ssi, /static,
# /h/act in conf/extra.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my $r = req('GET', '/ssi/page.shtml', [Origin => APP]);
is($r->{status}, 200, 'SSI page: 200');
like($r->{body}, qr/before\s+static file\s+method=GET\s+after/, 'both subrequests included');
acao_is($r, APP, 'SSI page: decorated once');
vary_ok($r, ['Origin'], 'SSI page');
is(hdr($r, 'Access-Control-Expose-Headers'), undef,
   "the /h/act subrequest's expose list does not leak into the page");

$r = req('GET', '/ssi/page.shtml', [Origin => EVIL]);
is($r->{status}, 200, 'SSI page, disallowed origin: 200');
no_acx($r, 'SSI page, disallowed origin');

$r = req('GET', '/ssi/page.shtml', []);
no_acx($r, 'SSI page, no Origin');

done_testing();
