# Server/vhost-level configuration: a <VirtualHost> with CORSEngine On and
# a credential-less * policy in its server config (docs/mod_cors.md,
# "Any origin: *" and "Plain OPTIONS and OPTIONS *": OPTIONS * untouched).
# Vhost cors_server in conf/extra.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my $port = vhost_port('cors_server');
my $r;

$r = req('OPTIONS', '*', [Origin => APP], port => $port);
is($r->{status}, 200, 'OPTIONS *: 200 from Apache');
no_acx($r, 'OPTIONS *');
is(scalar(vary_tokens($r)), 0, 'OPTIONS *: no Vary');

$r = req('OPTIONS', '*', [Origin => APP, 'Access-Control-Request-Method' => 'GET'], port => $port);
is($r->{status}, 200, 'OPTIONS * with ACRM: still untouched');
no_acx($r, 'OPTIONS * with ACRM');

for my $h ([Origin => APP], [Origin => 'https://x.example/bad'], []) {
    my $what = @$h ? "Origin $h->[1]" : 'no Origin';
    # /index.html: no <Location> of the main server covers it (those apply
    # to every vhost), so the vhost's server config is the policy
    $r = req('GET', '/index.html', $h, port => $port);
    is($r->{status}, 200, "vhost, $what: 200");
    acao_is($r, '*', "vhost *, $what");
    is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total-count', "vhost *, $what: ACEH");
}
$r = req('GET', '/nonexistent', [Origin => APP], port => $port);
is($r->{status}, 404, 'vhost 404');
acao_is($r, '*', 'vhost 404 decorated');

$r = req('OPTIONS', '/index.html', [Origin => 'https://x.example',
         'Access-Control-Request-Method' => 'POST'], port => $port);
preflight_ok($r, '*', 'vhost preflight');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, HEAD, POST', 'vhost preflight: default methods');

# the main server is not affected by the vhost's server config
$r = req('GET', '/static/file.txt', [Origin => APP], port => $port);
acao_is($r, APP, 'a <Location> of the main server overrides the vhost policy');
$r = req('GET', '/static/file.txt', [Origin => APP]);
acao_is($r, APP, 'main server keeps its own <Location> policy');
$r = req('GET', '/index.html', [Origin => APP]);
no_acx($r, 'main server outside every scope');

done_testing();
