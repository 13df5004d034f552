# CORSRejectDisallowed (docs/mod_cors.md, "CORSRejectDisallowed Directive"
# and "Same origin and proxies in front of Apache"): 403 for a disallowed
# origin (checked first), 405 with Allow for a disallowed method, the
# handler never runs; same-origin requests, OPTIONS and requests without
# Origin are never rejected.  "Same origin" is the server as Apache itself
# sees it: scheme, host and port from the request the way UseCanonicalName
# says (Off: the Host header; On: ServerName), never from X-Forwarded-* or
# Forwarded.  The handler records each call, so every rejection is also
# checked to have kept it from running.
#
# Scopes: /h/rej in conf/extra.conf.in; /interop/h/rej (GET HEAD PUT, APP
# only) in conf/modules.conf.in, on the main server and on the virtual host
# cors_canon of conf/reject.conf.in (ServerName canon.example,
# UseCanonicalName On).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my ($r, $id);
my $base = '/h/rej/x';

$id = uid();
$r = req('GET', "$base?id=$id", [Origin => EVIL]);
is($r->{status}, 403, 'disallowed origin: 403');
is(calls_for($id), 0, 'disallowed origin: handler never ran');
no_acx($r, 'disallowed origin');
vary_ok($r, ['Origin'], 'disallowed origin');
is(cors_result($id), 'actual-denied', 'disallowed origin: CORS_RESULT');

$id = uid();
$r = req('GET', "$base?id=$id", [Origin => 'https://app.example.com/']);
is($r->{status}, 403, 'malformed origin: 403');
is(calls_for($id), 0, 'malformed origin: handler never ran');

$id = uid();
$r = req('DELETE', "$base?id=$id", [Origin => EVIL]);
is($r->{status}, 403, 'disallowed origin and method: 403 (origin first)');
is(calls_for($id), 0, 'handler never ran');

$id = uid();
$r = req('DELETE', "$base?id=$id", [Origin => APP]);
is($r->{status}, 405, 'disallowed method: 405');
is(calls_for($id), 0, 'disallowed method: handler never ran');
my %allow = map { s/^\s+|\s+$//gr => 1 } split /,/, (hdr($r, 'Allow') // '');
is(join(' ', sort keys %allow), 'GET HEAD OPTIONS POST PUT',
   'Allow: the allowed methods, OPTIONS included');
acao_is($r, APP, '405 for an allowed origin is decorated');
is(cors_result($id), 'actual-denied', 'rejected method: CORS_RESULT');

$r = req('PATCH', $base, [Origin => APP], body => 'x');
is($r->{status}, 405, 'PATCH: 405');
$r = req('put', $base, [Origin => APP], body => 'x');
is($r->{status}, 405, 'methods are case-sensitive: put is not PUT');

for my $m (qw(GET HEAD POST PUT)) {
    $id = uid();
    $r = req($m, "$base?id=$id", [Origin => APP], ($m =~ /P/ ? (body => 'x') : ()));
    is($r->{status}, 200, "allowed $m: 200");
    is(calls_for($id), 1, "allowed $m: handler ran");
    acao_is($r, APP, "allowed $m");
}

# OPTIONS (not a preflight) is never rejected
for my $o (APP, EVIL) {
    $id = uid();
    $r = req('OPTIONS', "$base?id=$id", [Origin => $o]);
    is($r->{status}, 200, "OPTIONS from $o: not rejected");
    is(calls_for($id), 1, "OPTIONS from $o: handler ran");
}

# no Origin: not a cross-origin request
$id = uid();
$r = req('DELETE', "$base?id=$id", []);
is($r->{status}, 200, 'DELETE without Origin: not rejected');
is(calls_for($id), 1, 'DELETE without Origin: handler ran');

# same origin, as Apache computes it (Host: localhost:PORT)
my $self = same_origin();
for my $m (qw(GET DELETE PATCH)) {
    $id = uid();
    $r = req($m, "$base?id=$id", [Origin => $self]);
    is($r->{status}, 200, "same-origin $m ($self): not rejected");
    is(calls_for($id), 1, "same-origin $m: handler ran");
}
# ... never from X-Forwarded-*
$id = uid();
$r = req('GET', "$base?id=$id", [Origin => EVIL, 'X-Forwarded-Host' => 'evil.example',
         'X-Forwarded-Proto' => 'https', 'X-Forwarded-Port' => '443']);
is($r->{status}, 403, 'X-Forwarded-* never make an origin same-origin');
is(calls_for($id), 0, 'X-Forwarded-*: handler never ran');
# the scheme is part of the origin
$r = req('GET', $base, [Origin => 'https://localhost:' . main_port()]);
is($r->{status}, 403, 'https origin on an http server is cross-origin');

# preflights are unaffected
$r = preflight($base, APP, 'PUT');
preflight_ok($r, APP, 'preflight in a reject scope');
$r = preflight($base, APP, 'DELETE');
refused_ok($r, qr/method 'DELETE' is not allowed/, 'refused preflight in a reject scope');

# --- same origin as UseCanonicalName says, never from X-Forwarded-* -----

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
