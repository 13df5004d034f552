# docs/mod_cors.md, "The explain page": SetHandler cors-explain answers what
# the server's configuration gives a request (HTML, or JSON with
# ?format=json or Accept: application/json), resolved through the real walk
# (virtual host, .htaccess, <Location>, named policies), without running the
# target's handler; bad input is a 400 with its reason, and everything
# echoed is escaped.  Scopes: /cors-explain and the virtual host
# cors_explain_vh in conf/explain.conf.in; the policies explained are
# engine.t's /h/eng (conf/extra.conf.in), report_only.t's /h/ro/
# (conf/report.conf.in), policy.t's /h/pol/partner (conf/policy.conf.in),
# and an .htaccess written here under /interop/ht/fi (conf/htaccess.conf.in).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use JSON::PP ();
use CorsTest;

cors_plan();

sub q_of {
    my %a = @_;
    return join '&', map {
        my $v = $a{$_};
        $v =~ s/([^A-Za-z0-9._~\/:-])/sprintf '%%%02X', ord $1/ge;
        "$_=$v"
    } sort keys %a;
}
sub explain_raw { req('GET', '/cors-explain?' . q_of(@_), []) }
sub explain_json {
    my $r = req('GET', '/cors-explain?' . q_of(@_, format => 'json'), []);
    is($r->{status}, 200, 'JSON answer: 200') or diag($r->{body});
    like(hdr($r, 'Content-Type'), qr{^application/json}, 'JSON answer: its type');
    return JSON::PP::decode_json($r->{body});
}
# The line of FILE (under t/conf) holding TEXT, after the line holding AFTER.
sub line_of {
    my ($file, $after, $text) = @_;
    open my $fh, '<', catfile(CorsTest::var('t_conf'), $file) or die "$file: $!";
    my ($seen, $n) = (0, 0);
    while (<$fh>) {
        $n++;
        $seen ||= index($_, $after) >= 0;
        return $n if $seen && index($_, $text) >= 0;
    }
    die "no '$text' after '$after' in $file";
}
sub setting { my ($j, $d) = @_; (grep { $_->{directive} eq $d } @{ $j->{settings} })[0] }

my ($j, $r, $id);

# --- the fields, for an On scope -----------------------------------------------
$id = uid();
$j = explain_json(url => "/h/eng/x?id=$id", origin => APP, method => 'PUT');
is($j->{url}, "/h/eng/x?id=$id", 'url');
is($j->{engine}, 'On', 'engine');
is($j->{preflight}{result}, 'preflight-ok', 'preflight: result');
is($j->{preflight}{reason}, undef, 'preflight: no reason when allowed');
is($j->{preflight}{status}, 204, 'preflight: status');
ok($j->{preflight}{sent_by_browsers}, 'a PUT: browsers send the preflight');
is_deeply($j->{preflight}{headers}, {
    'Access-Control-Allow-Origin'  => APP,
    'Access-Control-Allow-Methods' => 'PUT',
    'Vary' => 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
}, 'preflight: the exact headers');
is($j->{actual}{result}, 'actual-ok', 'actual: result');
is($j->{actual}{reason}, undef, 'actual: no reason');
is_deeply($j->{actual}{headers},
          {'Access-Control-Allow-Origin' => APP, 'Vary' => 'Origin'},
          'actual: the exact headers');
is(calls_for($id), 0, "the target's handler never ran");
is_deeply([map { $_->{directive} } @{ $j->{settings} }],
          [qw(CORSEngine CORSAllowOrigin CORSAllowMethods CORSAllowHeaders CORSExposeHeaders
              CORSAllowCredentials CORSMaxAge CORSAllowPrivateNetwork CORSPreflightStatus
              CORSPreflightPassthrough CORSPreflightBypassAuth CORSRejectDisallowed
              CORSAllowOriginMapTTL CORSCrossOriginProtection)],
          'one setting per directive');
for my $s (@{ $j->{settings} }) {
    ok(exists $s->{$_}, "setting $s->{directive}: has $_") for qw(directive value file line);
}
my $ao = setting($j, 'CORSAllowOrigin');
is($ao->{value}, APP, 'CORSAllowOrigin: value');
like($ao->{file}, qr{/t/conf/extra\.conf$}, 'CORSAllowOrigin: file');
is($ao->{line}, line_of('extra.conf', '<Location /h/eng>', 'CORSAllowOrigin'),
   'CORSAllowOrigin: line');
is(setting($j, 'CORSAllowCredentials')->{file}, undef, 'a default has no file');
is(setting($j, 'CORSAllowCredentials')->{value}, 'Off', 'a default has its value');

# --- refused, and why ---------------------------------------------------------
$j = explain_json(url => '/h/eng/x', origin => EVIL, method => 'PUT');
is($j->{preflight}{result}, 'preflight-denied', 'refused preflight');
is($j->{preflight}{reason}, 'origin', 'its reason');
is($j->{preflight}{status}, 403, 'its status');
is_deeply($j->{preflight}{headers},
          {'Vary' => 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'},
          'no Access-Control-* header, the preflight Vary');
is($j->{actual}{result}, 'actual-denied', 'refused actual request');
ok(setting($j, 'CORSAllowOrigin')->{decisive}, 'the origin list is the decisive setting');

$j = explain_json(url => '/h/eng/x', origin => APP, method => 'DELETE');
is($j->{preflight}{reason}, 'method', 'a method not allowed');
$j = explain_json(url => '/h/eng/x', origin => APP, method => 'PUT', headers => 'X-Nope');
is($j->{preflight}{reason}, 'headers', 'a header not allowed');
$j = explain_json(url => '/h/eng/x', method => 'GET');
is($j->{actual}{result}, 'none', 'no origin: none');
$j = explain_json(url => '/h/eng/x', origin => APP, method => 'POST');
ok(!$j->{preflight}{sent_by_browsers}, 'a POST without headers: no preflight sent');
$j = explain_json(url => '/h/eng/x', origin => APP, method => 'GET', headers => 'X-A');
ok($j->{preflight}{sent_by_browsers}, 'a GET with a header that needs one: sent');

# --- scopes: ReportOnly, Off, a named policy, .htaccess, another host -------------
$j = explain_json(url => '/h/ro/x', origin => APP, method => 'PUT', headers => 'X-A');
is($j->{engine}, 'ReportOnly', 'ReportOnly scope');
ok(!$j->{applied}, 'ReportOnly: not applied');
is($j->{preflight}{result}, 'preflight-ok', 'ReportOnly: decided as On would');

$j = explain_json(url => '/h/plain/x', origin => APP);
is($j->{engine}, 'Off', 'outside every scope: Off');
is($j->{actual}{result}, undef, 'no result');

$j = explain_json(url => '/h/pol/partner/x', origin => 'https://partner.example', method => 'DELETE');
is($j->{preflight}{result}, 'preflight-ok', 'a named policy decides');
like(setting($j, 'CORSAllowOrigin')->{file}, qr{/t/conf/policy\.conf$}, 'named policy: its file');
is(setting($j, 'CORSAllowOrigin')->{line},
   line_of('policy.conf', '<CORSPolicy partner-api>', 'CORSAllowOrigin'),
   'named policy: the line in <CORSPolicy partner-api>');
is(setting($j, 'CORSAllowCredentials')->{value}, 'On', 'named policy: credentials');

my $ht = write_htaccess('interop', 'ht', 'fi', "CORSAllowMethods +PATCH\n");
$j = explain_json(url => '/interop/ht/fi/a.txt', origin => APP, method => 'PATCH');
is($j->{preflight}{result}, 'preflight-ok', '.htaccess: its line applies');
is(setting($j, 'CORSAllowMethods')->{file}, $ht, '.htaccess: the file');
is(setting($j, 'CORSAllowMethods')->{line}, 1, '.htaccess: the line');
remove_htaccess();

$j = explain_json(url => '/h/ex/x', origin => 'https://vh.example', method => 'PATCH');
is($j->{engine}, 'Off', 'another host\'s <Location>: not on this one');
$j = explain_json(url => '/h/ex/x', origin => 'https://vh.example', method => 'PATCH',
                  host => 'explain.example');
is($j->{host}, 'explain.example', 'host=');
is($j->{engine}, 'On', 'host= selects the virtual host');
is($j->{preflight}{result}, 'preflight-ok', 'its policy decides');
is($j->{preflight}{headers}{'Access-Control-Allow-Methods'}, 'GET, PATCH', 'its methods');
$j = explain_json(url => '/h/ex/x', origin => 'https://vh.example',
                  host => 'api.explain.example:' . vhost_port('cors_explain_vh'));
is($j->{actual}{result}, 'actual-ok', 'host= by a wildcard ServerAlias and port');

# cross-origin protection (cross_origin.t's /xo/h, conf/cross_origin.conf.in),
# judged as for a client without Fetch Metadata
$j = explain_json(url => '/xo/h/x', origin => EVIL, method => 'POST');
is($j->{actual}{result}, 'actual-denied', 'cross-origin protection: refused');
is($j->{actual}{reason}, 'cross-origin', 'its reason');
ok(setting($j, 'CORSCrossOriginProtection')->{decisive}, 'and the decisive setting');

# --- JSON by Accept -------------------------------------------------------------
$r = req('GET', '/cors-explain?' . q_of(url => '/h/eng/x', origin => APP),
         [Accept => 'application/json']);
like(hdr($r, 'Content-Type'), qr{^application/json}, 'Accept: application/json');
is(JSON::PP::decode_json($r->{body})->{actual}{result}, 'actual-ok', 'and it parses');

# --- HTML ---------------------------------------------------------------------
$r = explain_raw(url => '/h/eng/x', origin => EVIL, method => 'PUT');
is($r->{status}, 200, 'HTML: 200');
like(hdr($r, 'Content-Type'), qr{^text/html}, 'HTML: its type');
like($r->{body}, qr{<section class="case refused" id="preflight">\s*<h2>Preflight: <span class="verdict">refused</span>},
     'HTML: refused at the top of the preflight');
like($r->{body}, qr{<tr class="decisive"><td>CORSAllowOrigin</td>}, 'HTML: the decisive setting marked');
$r = explain_raw();
like($r->{body}, qr{<form method="get"}, 'no url: the form');
unlike($r->{body}, qr{<section}, 'and nothing explained');

# --- refused input, escaped output ----------------------------------------------------
for my $c (
    [{url => 'http://evil.example/x'}, qr/url must be a local path/],
    [{url => '//evil.example/x'}, qr/url must be a local path/],
    [{url => '/' . ('a' x 2100)}, qr/url is longer than 2048 bytes/],
    [{url => '/h/eng/x', origin => "https://a.example\r\nX-Injected: 1"}, qr/origin has a control character/],
    [{url => '/h/eng/x', headers => "x-a\x01"}, qr/headers has a control character/],
    [{url => '/h/eng/x', headers => "x-a\0"}, qr/the query string is not validly %-encoded \(or has %00\)/],
    [{url => '/h/eng/x', method => 'GET PUT'}, qr/method must be a method token/],
    [{url => '/h/eng/x', host => 'nope.example'}, qr/no virtual host is named 'nope\.example'/],
    [{url => '/h/eng/x', host => 'a b'}, qr/host must be NAME or NAME:PORT/],
    [{url => '/h/eng/x', format => 'xml'}, qr/format must be json or html/],
) {
    my ($args, $re) = @$c;
    my $what = join ' ', map { "$_=" . substr($args->{$_}, 0, 30) } sort keys %$args;
    $r = req('GET', '/cors-explain?' . q_of(format => 'json', %$args), []);
    is($r->{status}, 400, "$what: 400");
    if (exists $args->{format}) {
        like($r->{body}, qr{<p class="error" id="error">format must be json or html</p>},
             "$what: the reason, in HTML");
        next;
    }
    my $e = eval { JSON::PP::decode_json($r->{body}) } || {};
    like($e->{error} // '', $re, "$what: the reason");
    $r = explain_raw(%$args);
    is($r->{status}, 400, "$what: 400 in HTML too");
    like($r->{body}, qr{<p class="error" id="error">}, "$what: the reason shown");
}
$r = req('GET', '/cors-explain?' . q_of(format => 'json'), []);
is($r->{status}, 400, 'JSON without url: 400');
$r = req('POST', '/cors-explain', [], body => 'url=/');
is($r->{status}, 405, 'POST: 405');

my $evil = '<script>alert("x")</script>&';
$r = explain_raw(url => '/h/eng/x', origin => $evil);
is($r->{status}, 200, 'an origin full of markup is explained');
unlike($r->{body}, qr{<script>}, 'HTML: never echoed raw');
like($r->{body}, qr{&lt;script&gt;alert\(&quot;x&quot;\)&lt;/script&gt;&amp;}, 'HTML: escaped');
$r = req('GET', '/cors-explain?' . q_of(url => '/h/eng/x', origin => $evil, format => 'json'), []);
unlike($r->{body}, qr{<script>}, 'JSON: never echoed raw');
like($r->{body}, qr{\\u003cscript\\u003ealert\(\\"x\\"\)\\u003c/script\\u003e\\u0026}, 'JSON: escaped');
is(JSON::PP::decode_json($r->{body})->{origin}, $evil, 'JSON: and decodes to what was sent');
is(JSON::PP::decode_json($r->{body})->{actual}{reason}, 'malformed-origin', 'which is malformed');

done_testing();
