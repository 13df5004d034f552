# Action (mod_actions; docs/mod_cors.md "Internal redirects"): a .doc file
# is handled by a CGI through an internal redirect to the CGI's URL.  A
# CGI whose own scope configures CORS governs (a policy of its own, or
# CORSEngine Off); a CGI without CORS configuration leaves the file's URL
# in charge.  Preflights are answered before mod_actions redirects (in the
# handler phase): by the file's policy where it has one, else by the
# CGI's; the handler never runs for them.
# Scopes: <Directory htdocs/redirect/act...> and <Location
# /redirect/acth/...> in conf/redirect.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

use constant OTHER => 'https://other.example';

my ($r, $id);

# GET /redirect/act/DIR/x.doc from ORIGIN: the handler ran once, %want.
sub doc_ok {
    my ($dir, $origin, $name, $outcome, %want) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $id = uid();
    my $r = req('GET', "/redirect/act/$dir/x.doc?id=$id", [Origin => $origin]);
    response_is($r, "Action, $name", status => 200,
                body => qr/^method=GET$/m, calls => [$id, 1],
                outcome => [$id, $outcome], %want);
}

# --- the file's directory has the policy, the CGI none --------------------
doc_ok('dir', APP, "the file's policy, its origin", 'actual-ok -',
       acx => ['Access-Control-Allow-Origin' => APP], vary => ['Origin']);
doc_ok('dir', EVIL, "the file's policy, another origin", 'actual-denied origin',
       acx => [], vary => ['Origin']);
$id = uid();
$r = preflight("/redirect/act/dir/x.doc?id=$id", APP, 'GET');
response_is($r, "Action, the file's policy, preflight", status => 204,
            acx => ['Access-Control-Allow-Origin' => APP,
                    'Access-Control-Allow-Methods' => 'GET, HEAD, POST'],
            vary => [PF_VARY], calls => [$id, 0], outcome => [$id, 'preflight-ok -']);

# --- both have one: the CGI's (allows OTHER and PUT) ----------------------
doc_ok('both', APP, "the CGI's policy, the file's origin", 'actual-denied origin',
       acx => [], vary => ['Origin']);
doc_ok('both', OTHER, "the CGI's policy, its origin", 'actual-ok -',
       acx => ['Access-Control-Allow-Origin' => OTHER], vary => ['Origin']);
# mod_actions redirects to the CGI only in the handler phase, after the
# module has answered the preflight: a preflight to the file is answered
# by the file's policy (docs/mod_cors.md, "Internal redirects").
$id = uid();
$r = preflight("/redirect/act/both/x.doc?id=$id", OTHER, 'PUT');
refused_ok($r, qr/origin 'https:\/\/other\.example' is not allowed/,
           "Action, both have one, preflight from the CGI's origin");
response_is($r, "Action, both have one, preflight from the CGI's origin",
            calls => [$id, 0], outcome => [$id, 'preflight-denied origin']);
$id = uid();
$r = preflight("/redirect/act/both/x.doc?id=$id", APP, 'GET');
response_is($r, "Action, both have one, preflight from the file's origin",
            status => 204, body => qr/\A\z/,
            acx => ['Access-Control-Allow-Origin' => APP,
                    'Access-Control-Allow-Methods' => 'GET, HEAD, POST'],
            vary => [PF_VARY], calls => [$id, 0], outcome => [$id, 'preflight-ok -']);

# --- only the CGI has one ---------------------------------------------------
doc_ok('cgionly', OTHER, "only the CGI's policy, its origin", 'actual-ok -',
       acx => ['Access-Control-Allow-Origin' => OTHER], vary => ['Origin']);
doc_ok('cgionly', APP, "only the CGI's policy, another origin", 'actual-denied origin',
       acx => [], vary => ['Origin']);
$id = uid();
$r = preflight("/redirect/act/cgionly/x.doc?id=$id", OTHER, 'PUT');
response_is($r, "Action, only the CGI's policy, preflight", status => 204,
            acx => ['Access-Control-Allow-Origin' => OTHER,
                    'Access-Control-Allow-Methods' => 'PUT'],
            vary => [PF_VARY], calls => [$id, 0], outcome => [$id, 'preflight-ok -']);

# --- the CGI turns CORS off: nothing ----------------------------------------
doc_ok('off', APP, "the CGI's CORSEngine Off", '- -',
       acx => [], no_vary => 'Origin');

done_testing();
