# Hostile requests: oversized, malformed and ambiguous CORS headers (the
# corpus of lib/CorsHostile.pm, which contexts.t also sends).  Each has one
# defined outcome and CORS_RESULT, none crashes a child, and each is
# answered within a bound.  Then headers other modules set in scope, and a
# broken .htaccess: a 500 for its own directory while the server keeps
# serving its siblings.
# Scopes: /hostile in conf/hostile.conf.in; the cors_hostile_big virtual
# host lets 100 KB header lines through to the module.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use Time::HiRes qw(time);
use CorsTest;
use CorsHostile ();

cors_plan();

my $big = vhost_port('cors_hostile_big');
my $BOUND = 2;    # seconds: generous for loopback on a loaded machine
my $mark = error_log_mark();

# A request that must be answered within $BOUND seconds.
sub treq {
    my ($name, $method, $path, $headers, %opt) = @_;
    my $t0 = time;
    my $r = req($method, $path, $headers, %opt);
    my $dt = time - $t0;
    ok($dt < $BOUND, sprintf('%s: answered in %.3f s', $name, $dt));
    return $r;
}

sub tpreflight {
    my ($name, $path, $origin, $method, $acrh, %opt) = @_;
    my @h;
    push @h, Origin => $origin if defined $origin;
    push @h, 'Access-Control-Request-Method' => $method if defined $method;
    push @h, 'Access-Control-Request-Headers' => $acrh if defined $acrh;
    return treq($name, 'OPTIONS', $path, \@h, %opt);
}

# An actual request whose Origin must get nothing but Vary: Origin.
sub refused_actual {
    my ($r, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($r->{status}, 200, "$name: 200");
    no_acx($r, $name);
    vary_ok($r, ['Origin'], $name);
}

my $A = '/hostile/a.txt';
my $S = '/hostile/star/a.txt';
my ($r, $id);

# --- The corpus (t/lib/CorsHostile.pm): /hostile has its ordinary policy,
# /hostile/star * with any header; the cors_hostile_big virtual host lets
# 100 KB lines reach the module.
for my $c (CorsHostile::cases()) {
    $id = uid();
    my $path = ($c->{scope} // 'main') eq 'star' ? $S : $A;
    my ($method, $headers, %opt) = CorsHostile::request_args($c);
    $r = treq($c->{name}, $method, "$path?$id", $headers, %opt,
              ($c->{big} ? (port => $big) : ()));
    CorsHostile::check($c, $r);
    is(cors_result($id), CorsHostile::result($c),
       "$c->{name}: CORS_RESULT " . CorsHostile::result($c));
}

# --- Headers others set in scope --------------------------------------------
# A handler's "Vary: *" set after the filter (mod_headers): the token the
# module merged stays, harmless beside '*'.
$r = treq('Vary: *', 'GET', '/hostile/vary/a.txt', [Origin => APP]);
acao_is($r, APP, 'Vary: * from mod_headers');
ok(scalar(grep { $_ eq '*' } vary_tokens($r)), 'Vary: * kept');
# A handler's own "Vary: *" (a CGI, before the filter): it already covers
# Origin, so nothing is merged into it.
$r = treq('Vary: * from the handler', 'GET', '/h/eng/hostile?vary=*', [Origin => APP]);
acao_is($r, APP, 'Vary: * from the handler');
is(join(',', vary_tokens($r)), '*', 'Vary: * from the handler: left as it is');
# Passthrough preflight: mod_headers' Access-Control-* values give way to
# the module's, one line each.
$r = treq('passthrough', 'OPTIONS', '/hostile/pass/a.txt',
          [Origin => APP, 'Access-Control-Request-Method' => 'PUT',
           'Access-Control-Request-Headers' => 'X-Token',
           'Access-Control-Request-Private-Network' => 'true']);
is($r->{status}, 200, 'passthrough: the handler answers');
is_deeply([hdrs($r, 'Access-Control-Allow-Methods')], ['GET, PUT'],
          'passthrough: our Access-Control-Allow-Methods only');
is_deeply([hdrs($r, 'Access-Control-Allow-Headers')], ['x-token'],
          'passthrough: one Access-Control-Allow-Headers');
is_deeply([hdrs($r, 'Access-Control-Allow-Private-Network')], ['true'],
          'passthrough: one Access-Control-Allow-Private-Network');
# CORSExposeHeaders * X-Total with credentials: the response's own names,
# each once (X-Total is both listed and sent; X-Other is sent twice).
$r = treq('expose', 'GET', '/h/hostile-expose?hdr=X-Total:5&hdr=X-Other:1'
          . '&hdr=X-Other:2&hdr=Access-Control-Foo:1', [Origin => APP]);
acao_is($r, APP, 'expose *');
is(scalar(hdrs($r, 'Access-Control-Foo')), 0,
   "the handler's own Access-Control-Foo is removed");
my @exposed = map { split /\s*,\s*/ } hdrs($r, 'Access-Control-Expose-Headers');
is(scalar(grep { $_ eq 'x-other' } @exposed), 1, 'expose *: x-other once')
    or diag("Access-Control-Expose-Headers: @exposed");
# a listed name the response also carries is named once
is(scalar(grep { $_ eq 'x-total' } @exposed), 1,
   'expose * X-Total: x-total once')
    or diag("Access-Control-Expose-Headers: @exposed");
# "-X-Secret" under an inherited '*': any header but X-Secret.
$r = treq('expose any but', 'GET',
          '/h/hostile-expose/minus/x?hdr=X-Secret:1&hdr=X-Public:1', [Origin => APP]);
@exposed = map { split /\s*,\s*/ } hdrs($r, 'Access-Control-Expose-Headers');
ok((grep { $_ eq 'x-public' } @exposed), 'expose * -X-Secret: x-public named')
    or diag("Access-Control-Expose-Headers: @exposed");
ok(!(grep { $_ eq 'x-secret' } @exposed), 'expose * -X-Secret: x-secret not named')
    or diag("Access-Control-Expose-Headers: @exposed");
# Nine Vary lines from mod_headers after the filter.
$r = treq('nine Vary lines', 'GET', '/hostile/vary9/a.txt', [Origin => APP]);
acao_is($r, APP, 'nine Vary lines');
vary_ok($r, ['Origin', map { "A$_" } 1 .. 9], 'nine Vary lines');
# CORSAllowOriginMatch, then CORSAllowOrigin +X in one section: an edit.
for my $o (APP, 'https://b.example', 'https://c.example') {
    $r = treq("regex then edit: $o", 'GET', '/hostile/mix/a.txt', [Origin => $o]);
    acao_is($r, $o, "regex then edit: $o allowed");
}
$r = treq('regex then edit: evil', 'GET', '/hostile/mix/a.txt', [Origin => EVIL]);
refused_actual($r, 'regex then edit: another origin');
# An ErrorDocument inside the scope: the client's response is decorated and
# logged once.
$id = uid();
$r = treq('ErrorDocument', 'GET', "/hostile/ed/missing?$id", [Origin => APP]);
is($r->{status}, 404, 'ErrorDocument: 404');
acao_is($r, APP, 'ErrorDocument: decorated');
is(cors_result($id), 'actual-ok', 'ErrorDocument: CORS_RESULT');

# --- Still serving, no child died --------------------------------------------
$r = tpreflight('after the hostile requests', $A, APP, 'PUT', 'X-Token');
preflight_ok($r, APP, 'after the hostile requests');
my $log = error_log_since($mark);
unlike($log, qr/exit signal|Segmentation fault|AddressSanitizer|runtime error/,
       'no child crashed');

# --- A broken .htaccess costs its own directory only -----------------------
sub htaccess {
    my ($dir, $bytes) = @_;
    return write_htaccess('hostile', 'ht', $dir, $bytes);
}

htaccess('ok', "CORSAllowOrigin +https://ok.example\n");
my @broken = (
    "CORSAllowOrigin https://a.example/path\n",
    "CORSAllowOrigin * +https://a.example\n",
    "CORSAllowOriginMatch (unclosed\n",
    "CORSAllowMethods \"x bad\"\n",
    "CORSMaxAge 99999999999999999999\n",
    "CORSAllowOrigin *\nCORSAllowCredentials On\n",
    "CORSPreflightStatus 302\n",
    "CORSEngine Maybe\n",
    "CORSAllowHeaders " . ('x' x 9000) . "\x01\n",
    "\xff\xfe CORSEngine On\n",
    "CORSAllowOriginMatch https?://.*\nCORSAllowCredentials On\n",
);
for my $i (0 .. $#broken) {
    my $what = "broken .htaccess #$i";
    htaccess('broken', $broken[$i]);
    $r = treq($what, 'GET', '/hostile/ht/broken/a.txt', [Origin => APP]);
    is($r->{status}, 500, "$what: 500 for its directory");
    $r = treq("$what: sibling", 'GET', '/hostile/ht/ok/a.txt',
              [Origin => 'https://ok.example']);
    is($r->{status}, 200, "$what: the sibling is served");
    acao_is($r, 'https://ok.example', "$what: the sibling's own .htaccess applies");
    $r = treq("$what: parent", 'OPTIONS', '/hostile/a.txt',
              [Origin => APP, 'Access-Control-Request-Method' => 'PUT']);
    preflight_ok($r, APP, "$what: the parent is served");
}
$log = error_log_since($mark);
unlike($log, qr/exit signal|Segmentation fault|AddressSanitizer|runtime error/,
       'no child crashed on a broken .htaccess');

done_testing();
