# Internal redirects between tenants (docs/mod_cors.md "Internal
# redirects"): alice's .htaccess rewrites /steal, and ErrorDocuments every
# 404, to bob's private file, with a credentialed policy that allows the
# attacker's origin.  The policy of the content served governs when its
# own scope configures CORS (bob's .htaccess, or the host's <Directory>
# guard), so alice's policy never reaches bob's file; only where nothing
# configures CORS for bob's file does the URL the client asked for govern
# (the documented limit, pinned here).
# Scopes: <Directory htdocs/redirect/users> (guarded: CORSEngine Off) and
# <Directory htdocs/redirect/open> in conf/redirect.conf.in; the
# .htaccess files are written here and removed at the end.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use CorsTest;

cors_plan();

use constant BOB => 'https://bob.example.com';

my ($r, $id);
my $bob_body = qr/\A\{"owner": "bob", "secret": "bob private data"\}\n\z/;

sub alice_htaccess {
    my $tree = shift;
    write_htaccess('redirect', $tree, 'alice', <<"EOT");
CORSEngine On
CORSAllowOrigin https://evil.example
CORSAllowCredentials On
RewriteEngine On
RewriteRule ^steal\$ /redirect/$tree/bob/private.json [L]
ErrorDocument 404 /redirect/$tree/bob/private.json
EOT
}

# GET /redirect/TREE/alice/{steal,missing} from ORIGIN (undef: none):
# bob's file, and %want for both.
sub steal_ok {
    my ($tree, $origin, $name, %want) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    for my $c (['steal', 200, 'rewrite'], ['missing', 404, 'ErrorDocument 404']) {
        my ($path, $status, $how) = @$c;
        my $id = uid();
        my $r = req('GET', "/redirect/$tree/alice/$path?id=$id",
                    [defined $origin ? (Origin => $origin) : ()]);
        my %w = %want;
        $w{outcome} = [$id, $want{outcome}] if $want{outcome};
        response_is($r, "$tree, $name, $how", status => $status,
                    body => $bob_body, %w);
    }
}

for my $tree (qw(users open)) {
    alice_htaccess($tree);

    # alice's own file: her policy works (so what follows can fail)
    $id = uid();
    $r = req('GET', "/redirect/$tree/alice/profile.json?id=$id", [Origin => EVIL]);
    response_is($r, "$tree: alice's own file", status => 200,
                body => qr/"owner": "alice"/,
                acx => ['Access-Control-Allow-Origin' => EVIL,
                        'Access-Control-Allow-Credentials' => 'true'],
                vary => ['Origin'], outcome => [$id, 'actual-ok -']);

    # --- bob's .htaccess has a policy of his own -------------------------
    write_htaccess('redirect', $tree, 'bob', "CORSEngine On\n"
        . "CORSAllowOrigin https://bob.example.com\nCORSAllowCredentials On\n");

    $id = uid();
    $r = req('GET', "/redirect/$tree/bob/private.json?id=$id", [Origin => EVIL]);
    response_is($r, "$tree: bob's file asked directly, attacker's origin",
                status => 200, body => $bob_body, acx => [],
                vary => ['Origin'], outcome => [$id, 'actual-denied origin']);

    steal_ok($tree, EVIL, "bob's own policy, attacker's origin",
             acx => [], vary => ['Origin'], outcome => 'actual-denied origin');
    # bob's policy governs whole: his own origin is allowed on his file
    steal_ok($tree, BOB, "bob's own policy, bob's origin",
             acx => ['Access-Control-Allow-Origin' => BOB,
                     'Access-Control-Allow-Credentials' => 'true'],
             vary => ['Origin'], outcome => 'actual-ok -');
    steal_ok($tree, undef, "bob's own policy, no Origin",
             acx => [], vary => ['Origin'], outcome => 'none -');

    # --- bob's .htaccess turns CORS off: nothing at all ------------------
    write_htaccess('redirect', $tree, 'bob', "CORSEngine Off\n");
    steal_ok($tree, EVIL, "bob's CORSEngine Off",
             acx => [], no_vary => 'Origin', outcome => '- -');
}

# --- bob has no CORS line; the host's <Directory users> guard applies ----
unlink catfile(docroot(), qw(redirect users bob .htaccess));
steal_ok('users', EVIL, "no .htaccess for bob, the host's CORSEngine Off",
         acx => [], no_vary => 'Origin', outcome => '- -');

# --- no CORS configuration for bob's file anywhere: the URL the client
# asked for governs, and alice's policy is applied to bob's file.  This
# is the documented limit (an unconfigured target is governed by the asked
# URL, so that error pages and front controllers keep its headers); hosts
# close it with a CORSEngine Off guard, as users/ does.
unlink catfile(docroot(), qw(redirect open bob .htaccess));
steal_ok('open', EVIL, "no CORS configuration for bob's file (the limit)",
         acx => ['Access-Control-Allow-Origin' => EVIL,
                 'Access-Control-Allow-Credentials' => 'true'],
         vary => ['Origin'], outcome => 'actual-ok -');

done_testing();
