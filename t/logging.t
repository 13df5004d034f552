# docs/mod_cors.md, "Logging": CORS_RESULT for mod_log_config (logs/cors_log, format
# "%{CORS_RESULT}e %r") and denial reasons at LogLevel cors:debug.
# Scopes: /h/pf, /h/act, /h/pt, /h/rej, /h/dbg, /h/plain.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my ($r, $id);

my @cases = (
    ['preflight-ok',     sub { preflight("/h/pf/x?id=$_[0]", APP, 'PUT') }],
    ['preflight-denied', sub { preflight("/h/pf/x?id=$_[0]", EVIL, 'PUT') }],
    ['preflight-denied', sub { preflight("/h/pf/x?id=$_[0]", APP, 'PATCH') }],
    ['preflight-denied', sub { preflight("/h/pf/x?id=$_[0]", APP, 'PUT', 'X-Nope') }],
    ['preflight-denied', sub { preflight("/h/pf/x?id=$_[0]", 'https://app.example.com/', 'PUT') }],
    ['preflight-ok',     sub { preflight("/h/pt/x?id=$_[0]", APP, 'PUT') }],
    ['preflight-denied', sub { preflight("/h/pt/x?id=$_[0]", EVIL, 'PUT') }],
    ['actual-ok',        sub { req('GET', "/h/act/x?id=$_[0]", [Origin => APP]) }],
    ['actual-ok',        sub { req('GET', "/h/act/x?id=$_[0]&status=404", [Origin => APP]) }],
    ['actual-ok',        sub { req('OPTIONS', "/h/act/x?id=$_[0]", [Origin => APP]) }],
    ['actual-denied',    sub { req('GET', "/h/act/x?id=$_[0]", [Origin => EVIL]) }],
    ['actual-denied',    sub { req('GET', "/h/act/x?id=$_[0]", [Origin => 'https://u@app.example.com']) }],
    ['actual-denied',    sub { req('DELETE', "/h/rej/x?id=$_[0]", [Origin => APP]) }],
    ['actual-denied',    sub { req('GET', "/h/rej/x?id=$_[0]", [Origin => EVIL]) }],
    ['none',             sub { req('GET', "/h/act/x?id=$_[0]", []) }],
    ['none',             sub { req('OPTIONS', "/h/act/x?id=$_[0]", ['Access-Control-Request-Method' => 'PUT']) }],
    ['-',                sub { req('GET', "/h/plain/x?id=$_[0]", [Origin => APP]) }],
);
my $n = 0;
for my $c (@cases) {
    my ($want, $send) = @$c;
    $n++;
    $id = uid();
    $r = $send->($id);
    my $line = $r->{status};
    is(cors_result($id), $want, "case $n: CORS_RESULT $want (status $line)");
}

# denial reasons at LogLevel cors:debug (scope /h/dbg), not at warn
my $mark = error_log_mark();
$r = preflight('/h/dbg/x', 'https://dbg-preflight.example', 'PUT');
is($r->{status}, 403, 'debug scope: preflight refused');
like(error_log_since($mark, qr/dbg-preflight/),
     qr/\[cors:debug\][^\n]*origin 'https:\/\/dbg-preflight\.example' is not allowed/,
     'refused preflight: reason at cors:debug');

$mark = error_log_mark();
$r = req('GET', '/h/dbg/x', [Origin => 'https://dbg-actual.example']);
is($r->{status}, 200, 'debug scope: actual request');
like(error_log_since($mark, qr/dbg-actual/),
     qr/\[cors:debug\][^\n]*dbg-actual\.example/,
     'disallowed actual request: reason at cors:debug');

$mark = error_log_mark();
$r = preflight('/h/dbg/x', APP, 'SEARCH');
like(error_log_since($mark, qr/SEARCH/), qr/\[cors:debug\][^\n]*method 'SEARCH' is not allowed/,
     'refused method: reason at cors:debug');

$mark = error_log_mark();
$r = preflight('/h/pf/x', 'https://quiet-scope.example', 'PUT');
is($r->{status}, 403, 'warn scope: preflight refused');
# a later request in the debug scope marks the end of what to look at
req('GET', '/h/dbg/x', [Origin => 'https://dbg-sentinel.example']);
my $log = error_log_since($mark, qr/dbg-sentinel/);
like($log, qr/dbg-sentinel/, 'sentinel logged');
unlike($log, qr/quiet-scope/, 'at LogLevel warn the denial is not logged');

done_testing();
