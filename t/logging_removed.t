# The debug line an administrator gets when the module removes an
# Access-Control-* header that someone else set (docs/mod_cors.md, "The
# module owns Access-Control-*"): "removed 'NAME: VALUE' set by the handler,
# a backend or another module", at LogLevel cors:debug.  Sources:
# mod_headers (Header always set, /interop/h/hdrlog) and a proxied backend
# (/interop/px/, backend vhost cors_backend), both with LogLevel cors:debug;
# /h/act/hdrset has the same Header lines at the default warn level.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;

cors_plan();

my ($r, $mark, $log, $id);
my $removed = qr/\[cors:debug\].*removed '([^']*)' set by the handler, a backend or another module/;

# The headers reported removed since MARK (the line does not name the
# request; the tests run one request at a time).  Waits for WANT to show.
sub removed_since {
    my ($mark, $want) = @_;
    my $text = error_log_since($mark, $want ? qr/removed '\Q$want\E'/ : undef);
    return map { /$removed/ ? $1 : () } split /\n/, $text;
}

# mod_headers: Header always set Access-Control-Allow-Origin / -Credentials
$id = uid();
$mark = error_log_mark();
$r = req('GET', "/interop/h/hdrlog/$id", [Origin => APP]);
acao_is($r, APP, 'mod_headers ACAO replaced');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, 'mod_headers ACAC removed');
my @lines = removed_since($mark, 'Access-Control-Allow-Origin: https://header.example');
ok((grep { $_ eq 'Access-Control-Allow-Origin: https://header.example' } @lines),
   "mod_headers: the removed ACAO is logged")
    or diag("logged: @lines");
ok((grep { $_ eq 'Access-Control-Allow-Credentials: true' } @lines),
   'mod_headers: the removed ACAC is logged');

# ... also for a disallowed origin and without Origin (removed all the same)
for my $o ([EVIL, 'disallowed origin'], [undef, 'no Origin']) {
    $id = uid();
    $mark = error_log_mark();
    $r = req('GET', "/interop/h/hdrlog/$id", [defined $o->[0] ? (Origin => $o->[0]) : ()]);
    no_acx($r, "mod_headers, $o->[1]");
    @lines = removed_since($mark, 'Access-Control-Allow-Origin: https://header.example');
    ok((grep { /^Access-Control-Allow-Origin: https:\/\/header\.example$/ } @lines),
       "mod_headers, $o->[1]: the removal is logged");
}

# a proxied backend's headers
$id = uid();
$mark = error_log_mark();
$r = req('GET', "/interop/px/x?id=$id", [Origin => APP]);
acao_is($r, APP, "backend's ACAO replaced");
@lines = removed_since($mark, 'Access-Control-Max-Age: 99999');
for my $want ('Access-Control-Allow-Origin: https://backend.example',
              'Access-Control-Allow-Credentials: true',
              'Access-Control-Expose-Headers: X-Backend-Secret',
              'Access-Control-Max-Age: 99999') {
    ok((grep { $_ eq $want } @lines), "backend: removal of '$want' logged")
        or diag("logged: @lines");
}

# the module's own headers are never reported as removed: it writes them
# in two filters (before mod_cache saves, and again after every content
# filter), and the second must recognise what the first wrote
for my $c (['/interop/px/x', 'proxied'], ['/interop/h/hdrlog/x', 'mod_headers'],
           ['/interop/st/file.txt', 'static file'], ['/interop/px/cred/x', 'credentials']) {
    my ($url, $what) = @$c;
    $mark = error_log_mark();
    $r = req('GET', $url, [Origin => APP]);
    my @ours = map { "$_->[0]: $_->[1]" } grep { $_->[0] =~ /^access-control-/i } @{ $r->{headers} };
    ok(scalar @ours, "$what: the response has our headers (@ours)");
    select undef, undef, undef, 0.3;
    @lines = removed_since($mark);
    my %ours = map { lc $_ => 1 } @ours;
    my @wrong = grep { $ours{lc $_} } @lines;
    is("@wrong", '', "$what: none of our own headers is logged as removed");
}

# not at the default level: /h/act/hdrset has the same kind of Header lines
$mark = error_log_mark();
$r = req('GET', '/h/act/hdrset/x', [Origin => APP]);
acao_is($r, APP, '/h/act/hdrset: replaced');
# give httpd time to write anything it would write
select undef, undef, undef, 0.3;
unlike(error_log_since($mark), qr/removed 'Access-Control-/,
       'at LogLevel warn the removal is not logged');

done_testing();
