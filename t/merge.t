# docs/mod_cors.md, "Lists and merging": replace, +X/-X edits, edits against the
# default and against *, origins as one list, scalar inheritance; across
# <Location>, <LocationMatch>, <Directory>, nested <Files>, <FilesMatch>,
# <DirectoryMatch>, <If>.  Scopes: /h/m..., /h/lm, htdocs/d in
# conf/extra.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my $r;

sub acam {
    my ($path, $method, $want, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = preflight($path, APP, $method);
    preflight_ok($r, APP, $name);
    is(hdr($r, 'Access-Control-Allow-Methods'), $want, "$name: ACAM $want") if defined $want;
    return $r;
}

sub method_refused {
    my ($path, $method, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = preflight($path, APP, $method);
    refused_ok($r, qr/method '$method' is not allowed/, $name);
}

# --- methods across <Location>s ---------------------------------------------
acam('/h/m/x', 'GET', 'GET, HEAD', 'parent GET HEAD');
method_refused('/h/m/x', 'PUT', 'parent: PUT');
is(hdr(preflight('/h/m/x', APP, 'GET'), 'Access-Control-Max-Age'), '100', 'parent Max-Age');

acam('/h/m/addput/x', 'PUT', 'GET, HEAD, PUT', 'child +PUT');
is(hdr(preflight('/h/m/addput/x', APP, 'GET'), 'Access-Control-Max-Age'), '100',
   'unset scalar inherited (Max-Age)');
acam('/h/m/nohead/x', 'GET', 'GET', 'child -HEAD');
acam('/h/m/nohead/x', 'HEAD', 'GET', 'child -HEAD: HEAD is still always allowed');
method_refused('/h/m/nohead/x', 'PUT', 'child -HEAD: PUT');
acam('/h/m/replace/x', 'DELETE', 'DELETE', 'child replaces with DELETE');
method_refused('/h/m/replace/x', 'PUT', 'child replace: PUT');
is(hdr(preflight('/h/m/replace/x', APP, 'GET'), 'Access-Control-Max-Age'), undef,
   'child CORSMaxAge Off wins');
acam('/h/m/repeat/x', 'DELETE', 'PUT, DELETE', 'repeated lines add up');
acam('/h/m2/addput/x', 'PUT', 'GET, HEAD, POST, PUT', '+PUT edits the default');

# -X against an inherited *: any but X
$r = acam('/h/m/star/x', 'PROPFIND', '*', 'child *');
$r = acam('/h/m/star/noput/x', 'DELETE', undef, '* then -PUT: DELETE');
my @acam = map { s/^\s+|\s+$//gr } split /,/, (hdr($r, 'Access-Control-Allow-Methods') // '');
ok((grep { $_ eq 'DELETE' } @acam) && !(grep { $_ eq 'PUT' || $_ eq '*' } @acam),
   '* then -PUT: ACAM allows DELETE, neither PUT nor *') or diag("ACAM: @acam");
method_refused('/h/m/star/noput/x', 'PUT', '* then -PUT: PUT');

# -X against an inherited * for headers and origins
$r = preflight('/h/pf/hstar/nosecret/x', APP, 'PUT', 'X-Anything');
preflight_ok($r, APP, 'headers * then -X-Secret: X-Anything');
$r = preflight('/h/pf/hstar/nosecret/x', APP, 'PUT', 'X-Anything, X-Secret');
refused_ok($r, qr/request header 'x-secret' is not allowed/i, 'headers * then -X-Secret: X-Secret');
$r = preflight('/h/star/noevil/x', EVIL, 'GET');
refused_ok($r, qr/origin 'https:\/\/evil\.example' is not allowed/, 'origins * then -evil: evil');
$r = req('GET', '/h/star/noevil/x', [Origin => EVIL]);
no_acx($r, 'origins * then -evil: evil, actual');
vary_ok($r, ['Origin'], 'origins * then -evil: the answer varies by origin');
$r = req('GET', '/h/star/noevil/x', [Origin => 'https://someone.example']);
is(scalar(hdrs($r, 'Access-Control-Allow-Origin')), 1, 'origins * then -evil: others allowed');
vary_ok($r, ['Origin'], 'origins * then -evil: others, Vary');

# --- headers ---------------------------------------------------------------
$r = preflight('/h/m/x', APP, 'GET', 'X-A, X-B');
preflight_ok($r, APP, 'parent headers X-A X-B');
$r = preflight('/h/m/hdr/x', APP, 'GET', 'X-B, X-C');
preflight_ok($r, APP, 'child +X-C -X-A: X-B X-C');
$r = preflight('/h/m/hdr/x', APP, 'GET', 'X-A');
refused_ok($r, qr/request header 'x-a' is not allowed/i, 'child -X-A');
$r = preflight('/h/m/hdrreplace/x', APP, 'GET', 'X-C');
preflight_ok($r, APP, 'child replaces headers with X-C');
$r = preflight('/h/m/hdrreplace/x', APP, 'GET', 'X-B');
refused_ok($r, qr/request header 'x-b' is not allowed/i, 'replaced headers: X-B');

# --- origins: one list -----------------------------------------------------
my $OTHER = 'https://other.example';
sub origin_ok {
    my ($path, $origin, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    preflight_ok(preflight($path, $origin, 'GET'), $origin, $name);
}
sub origin_refused {
    my ($path, $origin, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    refused_ok(preflight($path, $origin, 'GET'), qr/origin '\Q$origin\E' is not allowed/, $name);
}
origin_refused('/h/m/x', $OTHER, 'parent: other refused');
origin_ok('/h/m/origins/x', $OTHER, 'replace: other');
origin_refused('/h/m/origins/x', APP, 'replace: app gone');
origin_ok('/h/m/oadd/x', $OTHER, '+other: other');
origin_ok('/h/m/oadd/x', APP, '+other: app kept');
origin_ok('/h/m/odel/x', $OTHER, '-app +other: other');
origin_refused('/h/m/odel/x', APP, '-app +other: app removed');
origin_ok('/h/m/omatch/x', 'https://abc.match.example', 'CORSAllowOriginMatch replaces: regex');
origin_refused('/h/m/omatch/x', APP, 'CORSAllowOriginMatch replaces: exact gone');
origin_ok('/h/m/oeditmatch/x', APP, 'editing section with a regex: app kept');
origin_ok('/h/m/oeditmatch/x', $OTHER, 'editing section with a regex: +other');
origin_ok('/h/m/oeditmatch/x', 'https://123.num.example', 'editing section with a regex: regex added');
origin_refused('/h/m/oeditmatch/x', 'https://abc.num.example', 'editing section: regex anchored');

# --- credentials, scalar override ------------------------------------------
$r = req('GET', '/h/m/cred/x', [Origin => APP]);
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'child credentials On');
$r = req('GET', '/h/m/cred/off/x', [Origin => APP]);
acao_is($r, APP, 'grandchild credentials Off');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, 'grandchild Off wins');

# --- <LocationMatch> -----------------------------------------------------------
acam('/h/lm/42', 'PATCH', 'PATCH', 'LocationMatch');
$r = req('GET', '/h/lm/x42', [Origin => APP]);
no_acx($r, 'outside the LocationMatch');

# --- <Directory>, <Files>, <FilesMatch>, <DirectoryMatch>, <If>, <Location> --
acam('/d/a.txt', 'GET', 'GET, HEAD', 'Directory d');
method_refused('/d/a.txt', 'PUT', 'Directory d: PUT');
acam('/d/special.txt', 'GET', 'GET', 'nested <Files> -HEAD');
$r = preflight('/d/special.txt', APP, 'GET', 'X-Files-Match');
preflight_ok($r, APP, '<FilesMatch> headers');
$r = preflight('/d/a.txt', APP, 'GET', 'X-Files-Match');
refused_ok($r, qr/request header 'x-files-match' is not allowed/i, '<FilesMatch> only there');
$r = acam('/d/sub/a.txt', 'PUT', 'GET, HEAD, PUT', 'Directory d/sub +PUT');
is(hdr($r, 'Access-Control-Max-Age'), '77', '<DirectoryMatch> Max-Age');
is(hdr(preflight('/d/a.txt', APP, 'GET'), 'Access-Control-Max-Age'), undef,
   'no DirectoryMatch on d');
acam('/d/loc/a.txt', 'DELETE', 'DELETE', '<Location> over <Directory>');
acam('/d/a.txt?ifpatch', 'PATCH', 'PATCH', '<If> merges last');
method_refused('/d/a.txt?other', 'PATCH', '<If> false: PATCH');

$r = req('GET', '/d/sub/a.txt', [Origin => APP]);
is($r->{status}, 200, 'static file in Directory scope');
acao_is($r, APP, 'static file in Directory scope');

done_testing();
