# SPEC §2 CORSRejectDisallowed: 403 for a disallowed origin (checked
# first), 405 with Allow for a disallowed method, the handler never runs;
# same-origin requests, OPTIONS and requests without Origin are never
# rejected.  Scope: /h/rej in conf/extra.conf.in.
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

done_testing();
