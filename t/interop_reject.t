# CORSRejectDisallowed and "same origin" as Apache itself sees the server
# (SPEC §2): scheme, host and port from the request the way
# UseCanonicalName says (Off: the Host header; On: ServerName), never from
# X-Forwarded-* or Forwarded.  The handler records each call, so every
# rejection is also checked to have kept it from running.
# Scopes: /interop/h/rej (GET HEAD PUT, APP only) in conf/interop.conf.in,
# on the main server and on the virtual host cors_canon
# (ServerName canon.example, UseCanonicalName On).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my $P = main_port();
my $C = vhost_port('cors_canon');

# [name, port, Host header or undef for the default, Origin, extra headers,
#  method, expected status]
my @cases = (
    ['Host localhost, Origin = Host', $P, undef, "http://localhost:$P", [], 'DELETE', 200],
    ['Origin with upper-case host and default-less port', $P, undef,
     "http://LOCALHOST:$P", [], 'DELETE', 200],
    ['another port is another origin', $P, undef, 'http://localhost:' . ($P + 1), [], 'GET', 403],
    ['https is another origin', $P, undef, "https://localhost:$P", [], 'GET', 403],
    ['127.0.0.1 is another host than localhost', $P, undef, "http://127.0.0.1:$P", [], 'GET', 403],
    ['UseCanonicalName Off: the Host header names the server', $P,
     "same.example:$P", "http://same.example:$P", [], 'DELETE', 200],
    ['X-Forwarded-Host/Proto/Port change nothing', $P, undef, 'https://proxy.example',
     ['X-Forwarded-Host' => 'proxy.example', 'X-Forwarded-Proto' => 'https',
      'X-Forwarded-Port' => '443', 'X-Forwarded-Server' => 'proxy.example'], 'GET', 403],
    ['X-Forwarded-Host equal to the Origin: still cross-origin', $P, undef, 'http://proxy.example',
     ['X-Forwarded-Host' => 'proxy.example'], 'DELETE', 403],
    ['Forwarded (RFC 7239) changes nothing', $P, undef, 'https://proxy.example',
     [Forwarded => 'host=proxy.example;proto=https'], 'GET', 403],
    ['UseCanonicalName On: ServerName is the origin', $C, undef,
     "http://canon.example:$C", [], 'DELETE', 200],
    ['UseCanonicalName On: the Host header is not', $C, undef,
     "http://localhost:$C", [], 'GET', 403],
    ['UseCanonicalName On: a forged X-Forwarded-Host is not', $C, undef,
     "http://evil.example:$C", ['X-Forwarded-Host' => "evil.example:$C"], 'GET', 403],
    ['allowed origin, allowed method', $P, undef, APP, [], 'PUT', 200],
    ['allowed origin, method not allowed', $P, undef, APP, [], 'DELETE', 405],
    ['allowed origin, method not allowed (canonical vhost)', $C, undef, APP, [], 'DELETE', 405],
);

for my $c (@cases) {
    my ($name, $port, $host, $origin, $extra, $method, $status) = @$c;
    my $id = uid();
    my $r = req($method, "/interop/h/rej/x?id=$id", [Origin => $origin, @$extra],
                port => $port, (defined $host ? (host => $host) : ()),
                ($method eq 'PUT' ? (body => 'x') : ()));
    is($r->{status}, $status, "$name: $method from $origin -> $status");
    is(calls_for($id), $status == 200 ? 1 : 0,
       "$name: the handler " . ($status == 200 ? 'ran once' : 'never ran'));
    if ($status == 405) {
        is(hdr($r, 'Allow'), 'GET, HEAD, POST, OPTIONS, PUT', "$name: Allow");
        acao_is($r, APP, "$name: 405 decorated");
    }
    elsif ($status == 403) {
        no_acx($r, $name);
        vary_ok($r, ['Origin'], $name);
    }
}

done_testing();
