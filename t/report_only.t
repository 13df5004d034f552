# docs/mod_cors.md, "Report-only": CORSEngine ReportOnly decides every
# request as On would (CORS_RESULT, CORS_REASON) and changes nothing: no
# preflight answered, no header added or removed, nothing refused.
# CORS_SHADOW says whether the response that goes out lets a browser do
# what On would let it do, judged as a browser judges (modules/cors_shadow.c
# has the cases one by one).  Scopes: /h/ro/... and /pxro/ in
# conf/report.conf.in; logs/cors_shadow_log has
# "%{CORS_RESULT}e %{CORS_REASON}e %{CORS_SHADOW}e %r".
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

# "RESULT REASON SHADOW" logged for the request whose URL has ID.
sub shadow_of {
    my $line = log_line_for('cors_shadow_log', shift) // return undef;
    my ($v) = $line =~ /^(\S+ \S+ \S+) /;
    return $v;
}

my ($r, $id);

# --- nothing changes ------------------------------------------------------
$id = uid();
$r = req('GET', "/h/ro/x?id=$id&acao=https://handler.example&vary=Accept"
              . '&hdr=Access-Control-Allow-Credentials:true', [Origin => APP]);
is($r->{status}, 200, 'served');
is_deeply([hdrs($r, 'Access-Control-Allow-Origin')], ['https://handler.example'],
          "the handler's ACAO goes out as it is");
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', "the handler's ACAC goes out as it is");
is_deeply([vary_tokens($r)], ['Accept'], 'Vary untouched: no Origin added');
is(shadow_of($id), 'actual-ok - mismatch:access-control-allow-origin',
   'allowed origin, but the handler names another: mismatch on allow-origin');

$id = uid();
$r = req('GET', "/h/ro/x?id=$id", [Origin => APP]);
no_acx($r, 'allowed origin, nothing sent');
is_deeply([vary_tokens($r)], [], 'no Vary');
is(shadow_of($id), 'actual-ok - mismatch:access-control-allow-origin',
   'On would let the browser read it, the response does not');

$id = uid();
$r = req('GET', "/h/ro/x?id=$id", [Origin => EVIL]);
no_acx($r, 'disallowed origin');
is(shadow_of($id), 'actual-denied origin match', 'disallowed and unreadable: match');

$id = uid();
$r = req('GET', "/h/ro/x?id=$id&acao=*", [Origin => EVIL]);
is(hdr($r, 'Access-Control-Allow-Origin'), '*', "the handler's * stays");
is(shadow_of($id), 'actual-denied origin mismatch:access-control-allow-origin',
   'an extra permissive ACAO where On refuses: mismatch');

$id = uid();
$r = req('GET', "/h/ro/x?id=$id", [Origin => 'https://u@app.example.com']);
is(shadow_of($id), 'actual-denied malformed-origin match', 'malformed origin: its reason');

$id = uid();
$r = req('GET', "/h/ro/x?id=$id", []);
is(shadow_of($id), 'none - match', 'no Origin: none, and nothing to read either way');

# --- preflights go to whatever answers them today -----------------------------
$id = uid();
$r = preflight("/h/ro/x?id=$id", APP, 'PUT', 'X-A');
is($r->{status}, 200, 'preflight: the handler answers');
like($r->{body}, qr/^method=OPTIONS$/m, 'preflight: the body is the handler\'s');
is(calls_for($id), 1, 'preflight: the handler ran');
no_acx($r, 'preflight answered by the handler');
is(shadow_of($id), 'preflight-ok - mismatch:access-control-allow-origin',
   'preflight On would allow, unanswered today: mismatch');

$id = uid();
$r = preflight("/h/ro/x?id=$id", EVIL, 'PUT');
is($r->{status}, 200, 'refused preflight: still the handler\'s 200');
is(calls_for($id), 1, 'refused preflight: the handler ran');
is(shadow_of($id), 'preflight-denied origin match', 'refused either way: match');

$id = uid();
$r = preflight("/h/ro/x?id=$id", APP, 'DELETE');
is(shadow_of($id), 'preflight-denied method match', 'method refused: its reason');
$id = uid();
$r = preflight("/h/ro/x?id=$id", APP, 'PUT', 'X-B');
is(shadow_of($id), 'preflight-denied headers match', 'header refused: its reason');
$id = uid();
$r = preflight("/h/ro/x?id=$id", APP, 'GET, PUT');
is(shadow_of($id), 'preflight-denied request-method match', 'bad request method: its reason');

# the handler answers with a recipe's headers of its own
$id = uid();
$r = preflight("/h/ro/x?id=$id&acao=https://app.example.com"
               . '&hdr=Access-Control-Allow-Methods:PUT,DELETE&hdr=Access-Control-Allow-Headers:x-a',
               APP, 'PUT', 'X-A');
is(shadow_of($id), 'preflight-ok - match', 'the handler grants what On would, in other words: match');
$id = uid();
$r = preflight("/h/ro/x?id=$id&acao=https://app.example.com&hdr=Access-Control-Allow-Methods:GET",
               APP, 'PUT');
is(shadow_of($id), 'preflight-ok - mismatch:access-control-allow-methods',
   'the handler leaves PUT out: mismatch on allow-methods');
$id = uid();
$r = preflight("/h/ro/x?id=$id&acao=https://app.example.com&hdr=Access-Control-Allow-Methods:PUT",
               APP, 'PUT', 'X-A');
is(shadow_of($id), 'preflight-ok - mismatch:access-control-allow-headers',
   'the handler leaves X-A out: mismatch on allow-headers');
$id = uid();
$r = preflight("/h/ro/x?id=$id&status=404&acao=https://app.example.com&hdr=Access-Control-Allow-Methods:PUT",
               APP, 'PUT');
is($r->{status}, 404, 'a 404 to a preflight goes out');
is(shadow_of($id), 'preflight-ok - mismatch:access-control-allow-origin',
   'a preflight answered 404 grants nothing: mismatch');

# --- beside a mod_headers recipe ------------------------------------------------
$id = uid();
$r = req('GET', "/h/ro/recipe/x?id=$id&hdr=X-Exp:1", [Origin => APP]);
is(hdr($r, 'Access-Control-Allow-Origin'), APP, "the recipe's ACAO goes out");
is(hdr($r, 'Access-Control-Expose-Headers'), 'X-Exp', "the recipe's expose list goes out");
is(shadow_of($id), 'actual-ok - match', 'recipe and policy agree');

$id = uid();
$r = preflight("/h/ro/recipe/x?id=$id", APP, 'PUT', 'X-A');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, POST, PUT', "the recipe's methods go out");
is(shadow_of($id), 'preflight-ok - match',
   'preflight: the recipe on the handler\'s 200 grants what On would');

$id = uid();
$r = preflight("/h/ro/recipe/x?id=$id", APP, 'DELETE');
is(shadow_of($id), 'preflight-denied method match',
   'DELETE: the recipe does not list it either');

$id = uid();
$r = req('GET', "/h/ro/recipe/x?id=$id", [Origin => EVIL]);
is(hdr($r, 'Access-Control-Allow-Origin'), APP, 'the recipe names its one origin to anyone');
is(shadow_of($id), 'actual-denied origin match', 'which another origin cannot use: match');

# the recipe answers preflights itself, with mod_rewrite in fixups
$id = uid();
$r = preflight("/h/ro/rw/x?id=$id", APP, 'PUT', 'X-A');
is($r->{status}, 204, "the recipe's 204");
is(calls_for($id), 0, 'the handler did not run');
is(hdr($r, 'Access-Control-Allow-Origin'), APP, "the recipe's ACAO");
is(shadow_of($id), 'preflight-ok - match', 'a preflight the recipe answers as On would: match');
$id = uid();
$r = preflight("/h/ro/rw/x?id=$id", EVIL, 'PUT');
is(shadow_of($id), 'preflight-denied origin match', 'refused by both');
$id = uid();
$r = preflight("/h/ro/rw/x?id=$id", APP, 'PUT', 'X-B');
is(shadow_of($id), 'preflight-denied headers match', 'X-B refused by both');
$id = uid();
$r = req('GET', "/h/ro/rw/x?id=$id", [Origin => APP]);
is(shadow_of($id), 'actual-ok - match', 'GET: the recipe echoes the origin');

# "Header always" writes err_headers_out, and reaches error responses too
$id = uid();
$r = req('GET', "/h/ro/always/x?id=$id", [Origin => APP]);
is(hdr($r, 'Access-Control-Allow-Origin'), '*', '"Header always set" goes out');
is(shadow_of($id), 'actual-ok - match', '* where On echoes the origin, no credentials: match');
$id = uid();
$r = req('GET', "/h/ro/always/x?id=$id&status=404", [Origin => APP]);
is($r->{status}, 404, 'an error response');
is(hdr($r, 'Access-Control-Allow-Origin'), '*', '"Header always set" on a 404');
is(shadow_of($id), 'actual-ok - match', 'on an error response too');
$id = uid();
$r = req('GET', "/h/ro/always/x?id=$id", [Origin => EVIL]);
is(shadow_of($id), 'actual-denied origin mismatch:access-control-allow-origin',
   '* lets a disallowed origin read: mismatch');
$id = uid();
$r = req('GET', "/h/ro/always/x?id=$id", []);
is(shadow_of($id), 'none - mismatch:access-control-allow-origin',
   'no Origin: * lets any page read what On would not mark readable');

# credentials
$id = uid();
$r = req('GET', "/h/ro/cred/x?id=$id&acao=*", [Origin => APP]);
is(shadow_of($id), 'actual-ok - mismatch:access-control-allow-origin',
   'credentials: * is no substitute for the echoed origin');
$id = uid();
$r = req('GET', "/h/ro/cred/echo/x?id=$id", [Origin => APP]);
is(hdr($r, 'Access-Control-Allow-Origin'), APP, 'the recipe echoes the Origin');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, 'without credentials');
is(shadow_of($id), 'actual-ok - mismatch:access-control-allow-credentials',
   'the echo without credentials: mismatch on allow-credentials');

# --- nothing refused --------------------------------------------------------
$id = uid();
$r = req('DELETE', "/h/ro/rej/x?id=$id", [Origin => APP]);
is($r->{status}, 200, 'CORSRejectDisallowed: a disallowed method is served');
is(calls_for($id), 1, 'the handler ran');
is(hdr($r, 'Allow'), undef, 'no Allow of a 405');
is(shadow_of($id), 'actual-denied method mismatch:access-control-allow-origin',
   'logged as On would refuse it (On keeps the CORS headers on its 405)');
$id = uid();
$r = req('GET', "/h/ro/rej/x?id=$id", [Origin => EVIL]);
is($r->{status}, 200, 'CORSRejectDisallowed: a disallowed origin is served');
is(shadow_of($id), 'actual-denied origin match', 'logged as refused');
$id = uid();
$r = req('GET', "/h/ro/rej/x?id=$id", [Origin => same_origin()]);
is(shadow_of($id), 'actual-denied origin match', 'same origin: never refused, logged as On logs it');

# --- cross-origin protection: decided, logged, never enforced --------------------
$id = uid();
$r = req('POST', "/h/ro/xop/x?id=$id", [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site'],
         body => 'a=1');
is($r->{status}, 200, 'CORSCrossOriginProtection: a cross-site POST is served');
is(calls_for($id), 1, 'the handler ran');
is(shadow_of($id), 'actual-denied cross-origin match',
   'logged as On would refuse it: reason cross-origin');
$id = uid();
$r = req('POST', "/h/ro/xop/x?id=$id", [Origin => APP, 'Sec-Fetch-Site' => 'cross-site'],
         body => 'a=1');
is(shadow_of($id), 'actual-ok - mismatch:access-control-allow-origin',
   'an allowed origin passes, as under On');

# --- authentication -------------------------------------------------------
$id = uid();
$r = preflight("/h/ro/auth/x?id=$id", APP, 'PUT');
is($r->{status}, 401, 'preflight: authentication still asks for credentials');
is(calls_for($id), 0, 'the handler did not run');
is(shadow_of($id), 'preflight-ok - mismatch:access-control-allow-origin',
   'On would have answered it without authentication: preflight-ok, mismatch');

# --- passthrough ----------------------------------------------------------
$id = uid();
$r = preflight("/h/ro/pt/x?id=$id", APP, 'PUT');
is(shadow_of($id), 'preflight-ok - mismatch:access-control-allow-origin',
   'passthrough: the handler\'s 200, which On would decorate');
$id = uid();
$r = preflight("/h/ro/pt/x?id=$id&status=500", APP, 'PUT');
is(shadow_of($id), 'preflight-denied server match',
   'passthrough: the handler\'s 500 refuses it, as under On');

# --- On below ReportOnly -----------------------------------------------------
$id = uid();
$r = req('GET', "/h/ro/on/x?id=$id&acao=https://handler.example", [Origin => APP]);
acao_is($r, APP, 'On below ReportOnly');
is(shadow_of($id), 'actual-ok - -', 'no CORS_SHADOW under On');

# --- a proxied backend's own headers -----------------------------------------
$id = uid();
$r = req('GET', "/pxro/x?id=$id&acao=https://app.example.com", [Origin => APP]);
is_deeply([hdrs($r, 'Access-Control-Allow-Origin')], [APP], "the backend's ACAO, once");
# (the backend's own request, /h/plain/..., is logged too: pick the front's)
is(shadow_of("pxro/x?id=$id"), 'actual-ok - match', 'the backend agrees with the policy');
$id = uid();
$r = req('GET', "/pxro/x?id=$id&acao=https://app.example.com&acao=https://app.example.com",
         [Origin => APP]);
is(join(', ', hdrs($r, 'Access-Control-Allow-Origin')), APP . ', ' . APP,
   'a backend sending ACAO twice (its CGI merges them into one line)');
is(shadow_of("pxro/x?id=$id"), 'actual-ok - mismatch:access-control-allow-origin',
   'two ACAO lines fail in a browser: mismatch');

# --- over HTTP/2 (h2c, conf/http2.conf.in's virtual host): the headers that
# went out are judged there too, "Header always" ones included -------------------
SKIP: {
    skip 'no curl with HTTP/2', 2
        unless `curl --version 2>/dev/null` =~ /\bHTTP2\b/;
    my $h2 = 'http://127.0.0.1:' . vhost_port('cors_h2');
    for my $c ([APP, 'actual-ok - match'],
               [EVIL, 'actual-denied origin mismatch:access-control-allow-origin']) {
        $id = uid();
        system('curl', '-sS', '-o', '/dev/null', '--http2-prior-knowledge',
               '--max-time', '20', '-H', "Origin: $c->[0]", "$h2/h/ro/always/x?id=$id");
        is(shadow_of($id), $c->[1], "h2c, $c->[0]: $c->[1]");
    }
}

# --- the mismatch is explained at LogLevel cors:debug ------------------------------
my $mark = error_log_mark();
$id = uid();
req('GET', "/h/ro/x?id=$id&acao=https://shadow-log.example", [Origin => APP]);
like(error_log_since($mark, qr/shadow-log/),
     qr/\[cors:debug\][^\n]*ReportOnly: mismatch:access-control-allow-origin[^\n]*On would send Access-Control-Allow-Origin: 'https:\/\/app\.example\.com'[^\n]*has 'https:\/\/shadow-log\.example'/,
     'the debug line names the header, what On would send and what went out');

done_testing();
