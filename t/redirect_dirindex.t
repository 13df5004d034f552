# DirectoryIndex (docs/mod_cors.md "Internal redirects"): mod_dir switches
# a request for a directory to its index file's configuration, so the
# index file's own <Files> scope governs the response, preflights
# included, and CORSRejectDisallowed decides by it; the directory's other
# files keep the directory's policy.
# Scopes: <Directory htdocs/redirect/di...> in conf/redirect.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

use constant OTHER => 'https://other.example';

my ($r, $id);

# the directories' other files: di/ allows APP
for my $d (qw(off other)) {
    $id = uid();
    $r = req('GET', "/redirect/di/$d/other.txt?id=$id", [Origin => APP]);
    response_is($r, "di/$d/other.txt (the directory's policy)", status => 200,
                body => qr/di $d other file/,
                acx => ['Access-Control-Allow-Origin' => APP],
                vary => ['Origin'], outcome => [$id, 'actual-ok -']);
}

# --- the index file turns CORS off: nothing ------------------------------
$id = uid();
$r = req('GET', "/redirect/di/off/?id=$id", [Origin => APP]);
response_is($r, 'index file under CORSEngine Off', status => 200,
            body => qr/di off index/, acx => [], no_vary => 'Origin',
            outcome => [$id, '- -']);
# the module leaves the preflight to Apache (an OPTIONS answered with Allow)
$id = uid();
$r = preflight("/redirect/di/off/?id=$id", APP, 'GET');
response_is($r, 'preflight to an index file under CORSEngine Off',
            status => 200, acx => [], no_vary => 'Origin',
            outcome => [$id, '- -']);
ok(defined hdr($r, 'Allow'), 'preflight under CORSEngine Off: Apache answered it (Allow)');

# --- the index file allows another origin: that policy, whole -------------
$id = uid();
$r = req('GET', "/redirect/di/other/index.html?id=$id", [Origin => OTHER]);
response_is($r, 'index file with its own origin, asked by name', status => 200,
            acx => ['Access-Control-Allow-Origin' => OTHER],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = req('GET', "/redirect/di/other/?id=$id", [Origin => APP]);
response_is($r, "index file with its own origin, the directory's origin",
            status => 200, body => qr/di other index/, acx => [],
            vary => ['Origin'], outcome => [$id, 'actual-denied origin']);
$id = uid();
$r = req('GET', "/redirect/di/other/?id=$id", [Origin => OTHER]);
response_is($r, "index file with its own origin, its origin", status => 200,
            body => qr/di other index/,
            acx => ['Access-Control-Allow-Origin' => OTHER],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = preflight("/redirect/di/other/?id=$id", OTHER, 'GET');
response_is($r, "preflight to an index file with its own origin, its origin",
            status => 204, body => qr/\A\z/,
            acx => ['Access-Control-Allow-Origin' => OTHER,
                    'Access-Control-Allow-Methods' => 'GET, HEAD, POST'],
            vary => [PF_VARY], outcome => [$id, 'preflight-ok -']);
$id = uid();
$r = preflight("/redirect/di/other/?id=$id", APP, 'GET');
refused_ok($r, qr/origin 'https:\/\/app\.example\.com' is not allowed/,
           "preflight to an index file with its own origin, the directory's origin");
response_is($r, "preflight to an index file with its own origin, the directory's origin",
            outcome => [$id, 'preflight-denied origin']);

# --- CORSRejectDisallowed: the index file's origin list decides ---------
$id = uid();
$r = req('GET', "/redirect/di/rej/?id=$id", [Origin => OTHER]);
response_is($r, "rejecting directory, index file allows the origin",
            status => 200, body => qr/di rej index/,
            acx => ['Access-Control-Allow-Origin' => OTHER],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);
$id = uid();
$r = req('GET', "/redirect/di/rej/?id=$id", [Origin => APP]);
response_is($r, "rejecting directory, index file does not allow the origin",
            status => 403, acx => [], vary => ['Origin'],
            outcome => [$id, 'actual-denied origin']);
$id = uid();
$r = req('GET', "/redirect/di/rej/other.txt?id=$id", [Origin => OTHER]);
response_is($r, "rejecting directory, another file, the index file's origin",
            status => 403, acx => [], vary => ['Origin'],
            outcome => [$id, 'actual-denied origin']);
$id = uid();
$r = req('GET', "/redirect/di/rej/other.txt?id=$id", [Origin => APP]);
response_is($r, "rejecting directory, another file, the directory's origin",
            status => 200, body => qr/di rej other file/,
            acx => ['Access-Control-Allow-Origin' => APP],
            vary => ['Origin'], outcome => [$id, 'actual-ok -']);

done_testing();
