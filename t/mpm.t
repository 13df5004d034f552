# The module under whichever MPM this server runs (t/run with
# CORS_TEST_MPM=event|worker|prefork; docs/mod_cors.md, "MPMs"): bounded bursts of
# concurrent clients, each mixing origins and scopes, and every answer
# must be the one for its own request — no decision, header or Vary may
# leak from one request to another running beside it in the next thread or
# process.  8 clients x 40 requests.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use CorsTest;

cors_plan();

# Which MPM this is, from the generated configuration.
my $mpm = 'unknown';
if (open my $fh, '<', catfile(config()->{vars}->{t_conf}, 'httpd.conf')) {
    while (<$fh>) { $mpm = $1 if /^\s*LoadModule\s+mpm_(\w+)_module/ }
}
like($mpm, qr/^(?:event|worker|prefork)$/, "running under the $mpm MPM");

my $API = 'https://api.example.com';
my @kinds = (
    # [what, method, url, origin, check(res) -> error string or '']
    ['preflight ok', 'PF', '/h/pf/x', APP, sub {
        my $r = shift;
        return "status $r->{status}" unless $r->{status} == 204;
        return 'acao' unless join('|', hdrs($r, 'Access-Control-Allow-Origin')) eq APP;
        return '' }],
    ['preflight refused', 'PF', '/h/pf/x', EVIL, sub {
        my $r = shift;
        return "status $r->{status}" unless $r->{status} == 403;
        return 'acx' if acx_names($r);
        return '' }],
    ['actual APP', 'GET', '/h/act/x', APP, sub {
        my $r = shift;
        return 'acao' unless join('|', hdrs($r, 'Access-Control-Allow-Origin')) eq APP;
        return 'aceh' unless (hdr($r, 'Access-Control-Expose-Headers') // '') eq 'x-total-count, x-request-id';
        return '' }],
    ['actual EVIL', 'GET', '/h/act/x', EVIL, sub {
        my $r = shift;
        return 'acx' if acx_names($r);
        return 'vary' unless grep { lc eq 'origin' } vary_tokens($r);
        return '' }],
    ['cached API', 'GET', '/interop/cache/st/a.txt?mpm', $API, sub {
        my $r = shift;
        return 'acao' unless join('|', hdrs($r, 'Access-Control-Allow-Origin')) eq $API;
        return '' }],
    ['cached APP', 'GET', '/interop/cache/st/a.txt?mpm', APP, sub {
        my $r = shift;
        return 'acao' unless join('|', hdrs($r, 'Access-Control-Allow-Origin')) eq APP;
        return '' }],
    ['cached none', 'GET', '/interop/cache/st/a.txt?mpm', undef, sub {
        my $r = shift;
        return 'acx' if acx_names($r);
        return '' }],
    ['proxied APP', 'GET', '/interop/px/x', APP, sub {
        my $r = shift;
        return 'acao' unless join('|', hdrs($r, 'Access-Control-Allow-Origin')) eq APP;
        return 'acac' if hdrs($r, 'Access-Control-Allow-Credentials');
        return '' }],
    ['star', 'GET', '/h/star/x', EVIL, sub {
        my $r = shift;
        return 'acao' unless join('|', hdrs($r, 'Access-Control-Allow-Origin')) eq '*';
        return '' }],
    ['auth bypass', 'PF', '/interop/h/auth/x', APP, sub {
        my $r = shift;
        return "status $r->{status}" unless $r->{status} == 204;
        return '' }],
);

my ($clients, $per) = (8, 40);
my $dir = catfile(t_logs(), "interop_mpm.$$");
mkdir $dir;
my @pids;
for my $c (1 .. $clients) {
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        my @bad;
        for my $i (1 .. $per) {
            my $k = $kinds[($c * 7 + $i * 3) % @kinds];
            my ($what, $m, $url, $o, $check) = @$k;
            my $r = eval {
                $m eq 'PF' ? preflight($url, $o, 'PUT')
                           : req($m, $url, [defined $o ? (Origin => $o) : ()]);
            };
            my $err = $r ? $check->($r) : "no response: $@";
            push @bad, "$what: $err" if $err;
        }
        open my $fh, '>', catfile($dir, $c) or POSIX::_exit(1);
        print $fh "$_\n" for @bad;
        close $fh;
        require POSIX;
        POSIX::_exit(0);
    }
    push @pids, $pid;
}
waitpid $_, 0 for @pids;

my @bad;
for my $c (1 .. $clients) {
    my $f = catfile($dir, $c);
    if (open my $fh, '<', $f) { push @bad, map { chomp; "client $c: $_" } <$fh> }
    else { push @bad, "client $c: no report" }
    unlink $f;
}
rmdir $dir;
is(scalar @bad, 0, "$mpm: $clients concurrent clients x $per mixed requests, each answer its own")
    or diag(join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)]);

done_testing();
