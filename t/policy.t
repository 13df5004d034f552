# Named policies (docs/mod_cors.md, "Named policies"): <CORSPolicy NAME>
# in server config and <VirtualHost>, CORSPolicy NAME in sections and
# .htaccess.  A section with a policy answers exactly as if the policy's
# lines stood in a section of their own just above it.
# Scopes: conf/policy.conf.in; configuration errors are in config_errors.t.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

use constant PARTNER => 'https://partner.example';

my ($r, $id);

# Every Access-Control-* line and the status, to compare two answers.
sub answer {
    my $r = shift;
    return join("\n", $r->{status},
        map { lc($_) . ': ' . join(' | ', hdrs($r, $_)) } sort(acx_names($r)));
}

# --- the policy, and the same lines inline, answer alike ---------------------
my @probes = (
    ['allowed preflight', sub { preflight("$_[0]/x", PARTNER, 'PUT', 'X-Partner') }],
    ['preflight, method not in the policy', sub { preflight("$_[0]/x", PARTNER, 'PATCH') }],
    ['preflight, header not in the policy', sub { preflight("$_[0]/x", PARTNER, 'PUT', 'X-Other') }],
    ['preflight, other origin', sub { preflight("$_[0]/x", 'https://other.example', 'PUT') }],
    ['actual request', sub { req('GET', "$_[0]/x", [Origin => PARTNER]) }],
    ['actual request, other origin', sub { req('GET', "$_[0]/x", [Origin => 'https://other.example']) }],
);
for my $p (@probes) {
    my ($name, $send) = @$p;
    my $inline = $send->('/h/pol/inline');
    my $named  = $send->('/h/pol/partner');
    is(answer($named), answer($inline), "$name: the policy answers as the inline lines");
}
$r = preflight('/h/pol/partner/x', PARTNER, 'PUT', 'X-Partner');
preflight_ok($r, PARTNER, 'partner-api');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, POST, PUT, DELETE',
   'partner-api: the policy\'s methods');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'partner-api: credentials');
is(hdr($r, 'Access-Control-Max-Age'), '600', 'partner-api: max age');
refused_ok(preflight('/h/pol/partner/x', PARTNER, 'PATCH'), qr/method 'PATCH'/,
           'partner-api: PATCH');

# --- a policy used before its definition --------------------------------------
$r = preflight('/h/pol/early/x', PARTNER, 'DELETE');
preflight_ok($r, PARTNER, 'policy defined after the section that uses it');

# --- the section's own lines on top, in any order -----------------------------
$r = preflight('/h/pol/over/x', PARTNER, 'PATCH');
preflight_ok($r, PARTNER, 'own edit +PATCH on the policy');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, POST, PUT, PATCH',
   'own edits -DELETE +PATCH on the policy\'s list');
refused_ok(preflight('/h/pol/over/x', PARTNER, 'DELETE'), qr/method 'DELETE'/,
           'own edit -DELETE');
$r = req('GET', '/h/pol/over/x', [Origin => PARTNER]);
acao_is($r, PARTNER, 'own lines: actual request');
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-over', 'own CORSExposeHeaders');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'the policy\'s credentials stay');

$r = req('GET', '/h/pol/replace/x', [Origin => 'https://other.example']);
acao_is($r, 'https://other.example', 'own CORSAllowOrigin replaces the policy\'s');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, 'own CORSAllowCredentials Off wins');
$r = req('GET', '/h/pol/replace/x', [Origin => PARTNER]);
no_acx($r, 'the policy\'s origin is replaced');

# --- a policy of edits applies to what the section inherits -------------------
$r = preflight('/h/pol/base/edits/x', 'https://base.example', 'PATCH');
preflight_ok($r, 'https://base.example', 'policy +PATCH over an inherited list');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, PUT, PATCH', 'inherited list, edited');
$r = preflight('/h/pol/base/x', 'https://base.example', 'PATCH');
is($r->{status}, 403, 'the parent section is not edited');

# --- a policy does not turn the engine on -------------------------------------
$r = req('GET', '/h/pol/off/x', [Origin => PARTNER]);
no_acx($r, 'CORSPolicy without CORSEngine On');
$id = uid();
$r = preflight("/h/pol/off/x?id=$id", PARTNER, 'PUT');
is(calls_for($id), 1, 'CORSPolicy without CORSEngine On: the handler answers the OPTIONS');

# --- a virtual host's policy hides the server's -------------------------------
my $vh = vhost_port('cors_policy_vh');
$r = req('OPTIONS', '/h/x', [Origin => 'https://vh-partner.example',
                             'Access-Control-Request-Method' => 'PUT'], port => $vh);
is($r->{status}, 204, 'virtual host: its own partner-api');
acao_is($r, 'https://vh-partner.example', 'virtual host: its own partner-api');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, PUT',
   'virtual host: its own partner-api\'s methods');
$r = req('OPTIONS', '/h/x', [Origin => PARTNER,
                             'Access-Control-Request-Method' => 'PUT'], port => $vh);
is($r->{status}, 403, 'virtual host: the server\'s partner-api is hidden');
$r = req('GET', '/h/pub/x', [Origin => 'https://anyone.example'], port => $vh);
acao_is($r, '*', 'virtual host: the server\'s public-read is visible');
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total-count', 'public-read: expose');

# --- a policy at the <VirtualHost> level --------------------------------------
my $vh2 = vhost_port('cors_policy_vh2');
$r = req('GET', '/h/x', [Origin => 'https://anyone.example'], port => $vh2);
acao_is($r, '*', '<VirtualHost> CORSPolicy public-read');
$r = req('OPTIONS', '/h/x', [Origin => 'https://anyone.example',
                             'Access-Control-Request-Method' => 'PUT'], port => $vh2);
is($r->{status}, 403, '<VirtualHost> CORSPolicy public-read: PUT refused');

# --- shared hosting: AllowOverrideList CORSEngine CORSPolicy -------------------
write_htaccess('pol', 'ht', 'ok', "CORSEngine On\nCORSPolicy partner-api\n");
$r = preflight('/pol/ht/ok/a.txt', PARTNER, 'PUT', 'X-Partner');
preflight_ok($r, PARTNER, '.htaccess picks a vetted policy');
$r = req('GET', '/pol/ht/ok/a.txt', [Origin => PARTNER]);
is($r->{status}, 200, '.htaccess policy: GET');
acao_is($r, PARTNER, '.htaccess policy: GET');

my $mark = error_log_mark();
write_htaccess('pol', 'ht', 'bad', "CORSEngine On\nCORSAllowOrigin https://evil.example\n");
$r = req('GET', '/pol/ht/bad/a.txt', [Origin => 'https://evil.example']);
is($r->{status}, 500, '.htaccess: a directive outside AllowOverrideList is a 500');
no_acx($r, '.htaccess: refused line');
like(error_log_since($mark, qr/CORSAllowOrigin not allowed here/),
     qr/CORSAllowOrigin not allowed here/, '.htaccess: the error log says why');

$mark = error_log_mark();
write_htaccess('pol', 'ht', 'unknown', "CORSEngine On\nCORSPolicy no-such-policy\n");
$r = req('GET', '/pol/ht/unknown/a.txt', [Origin => PARTNER]);
is($r->{status}, 500, '.htaccess: an unknown policy is a 500');
like(error_log_since($mark, qr/no-such-policy/),
     qr/CORSPolicy: no <CORSPolicy no-such-policy> is defined in this virtual host or the server config/,
     '.htaccess: the error log names the unknown policy');

remove_htaccess();
done_testing();
