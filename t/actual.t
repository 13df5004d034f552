# docs/mod_cors.md, "The module owns Access-Control-*" and "Actual
# requests"; the directives CORSExposeHeaders and CORSAllowCredentials.
# Scopes: /h/act... in conf/extra.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my ($r, $id);

# --- allowed origin ----------------------------------------------------------
for my $m (qw(GET POST PUT DELETE PATCH)) {
    $id = uid();
    $r = req($m, "/h/act/x?id=$id", [Origin => APP],
             ($m =~ /^(POST|PUT|PATCH)$/ ? (body => 'a=1') : ()));
    is($r->{status}, 200, "$m allowed: 200");
    like($r->{body}, qr/^method=$m$/m, "$m: handler ran");
    acao_is($r, APP, "$m allowed");
    is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total-count, x-request-id',
       "$m: ACEH lowercase, configured order");
    is(hdr($r, 'Access-Control-Allow-Credentials'), undef, "$m: credentials off");
    vary_ok($r, ['Origin'], "$m allowed");
    is(hdr($r, 'Access-Control-Allow-Methods'), undef, "$m: no preflight headers");
}

$r = req('HEAD', '/h/act/x', [Origin => APP]);
is($r->{status}, 200, 'HEAD: 200');
acao_is($r, APP, 'HEAD');

# byte-for-byte echo
$r = req('GET', '/h/act/x', [Origin => 'HTTPS://App.Example.Com:443']);
acao_is($r, 'HTTPS://App.Example.Com:443', 'echo as sent');

# --- credentials and expose --------------------------------------------------
$r = req('GET', '/h/act/cred/x', [Origin => APP]);
acao_is($r, APP, 'credentials on');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'ACAC: true');
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total-count, x-request-id', 'ACEH inherited');

$r = req('GET', '/h/act/noexp/x', [Origin => APP]);
acao_is($r, APP, 'expose list edited away');
is(hdr($r, 'Access-Control-Expose-Headers'), undef, 'empty expose list: no ACEH');

$r = req('GET', '/h/act/expstar/x', [Origin => APP]);
is(hdr($r, 'Access-Control-Expose-Headers'), '*', 'expose *, credentials off: *');

$r = req('GET', '/h/act/expstarcred/x?hdr=X-Foo:1&hdr=X-Bar:2', [Origin => APP]);
my @aceh = map { lc } map { s/^\s+|\s+$//gr } split /,/,
    (hdr($r, 'Access-Control-Expose-Headers') // '');
ok((grep { $_ eq 'x-foo' } @aceh) && (grep { $_ eq 'x-bar' } @aceh),
   "expose *, credentials on: the response's own header names")
    or diag("ACEH: @aceh");
ok(!grep({ $_ eq '*' } @aceh), 'expose *, credentials on: no literal *');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'expose *, credentials on: ACAC');

# --- disallowed, malformed, no Origin ----------------------------------------
for my $case (['disallowed', [Origin => EVIL]],
              ['malformed', [Origin => 'https://app.example.com/']],
              ['no Origin', []]) {
    my ($name, $h) = @$case;
    $id = uid();
    $r = req('GET', "/h/act/cred/x?id=$id", $h);
    is($r->{status}, 200, "$name: 200, not rejected");
    is(calls_for($id), 1, "$name: handler ran");
    no_acx($r, $name);
    vary_ok($r, ['Origin'], $name);
}

# --- the handler's own Access-Control-* ---------------------------------------
$r = req('GET', '/h/act/x?acao=https://handler.example&acao=*&hdr=Access-Control-Allow-Credentials:true'
    . '&hdr=Access-Control-Expose-Headers:x-secret&hdr=Access-Control-Allow-Methods:TRACE',
    [Origin => APP]);
acao_is($r, APP, "handler's ACAO replaced");
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, "handler's ACAC removed");
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total-count, x-request-id',
   "handler's ACEH replaced");
is(hdr($r, 'Access-Control-Allow-Methods'), undef, "handler's ACAM removed");

$r = req('GET', '/h/act/x?acao=https://evil.example&hdr=Access-Control-Max-Age:9', [Origin => EVIL]);
no_acx($r, "disallowed origin, handler's own ACAO");

$r = req('GET', '/h/act/x?acao=*', []);
no_acx($r, "no Origin, handler's own ACAO");

$r = req('GET', '/h/act/hdrset/x', [Origin => APP]);
acao_is($r, APP, "mod_headers' ACAO replaced");
is(hdr($r, 'Access-Control-Allow-Methods'), undef, "mod_headers' ACAM removed");
$r = req('GET', '/h/act/hdrset/x', [Origin => EVIL]);
no_acx($r, "mod_headers' Access-Control-*, disallowed origin");

# --- OPTIONS without Access-Control-Request-Method ----------------------------
$id = uid();
$r = req('OPTIONS', "/h/act/x?id=$id", [Origin => APP]);
is($r->{status}, 200, 'OPTIONS, no ACRM: handler');
is(calls_for($id), 1, 'OPTIONS, no ACRM: handler ran');
acao_is($r, APP, 'OPTIONS, no ACRM: decorated');

$r = req('OPTIONS', '/static/file.txt', [Origin => APP]);
is($r->{status}, 200, 'OPTIONS on a static file: Apache answers');
like(hdr($r, 'Allow') // '', qr/\bGET\b/, 'Apache sends Allow');
acao_is($r, APP, 'Apache OPTIONS answer decorated');
vary_ok($r, ['Origin'], 'Apache OPTIONS answer');

done_testing();
