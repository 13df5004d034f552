# docs/migrating.md, "Rolling out": an old mod_headers/mod_rewrite recipe,
# then the policy beside it under CORSEngine ReportOnly (which changes
# nothing and logs CORS_SHADOW), then CORSEngine On with the recipe removed.
# The log of the middle step must name exactly the requests whose answer a
# browser sees change between the first step and the last.  The browser's
# verdict is worked out here on its own (the Fetch standard's CORS check),
# not by the module's code.  A private httpd (t/lib/CorsHttpd.pm).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;
use CorsHttpd qw(slurp);

cors_plan();

my $h = CorsHttpd->new(name => 'rollout',
    modules => [qw(mime setenvif headers rewrite)]);
my ($dir, $port) = ($h->dir, $h->port);
$h->write_file('htdocs/api/items.json', qq({"items": []}\n));

# The recipe being replaced (docs/migrating.md, "3. A SetEnvIf whitelist"
# and "5. Answering OPTIONS with mod_rewrite").
my @recipe = (
    'SetEnvIf Origin "^https://(app|admin)\.example\.com$" CORS_ORIGIN=$0',
    'Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN',
    'Header always set Access-Control-Allow-Methods "GET, POST, PUT" env=CORS_ORIGIN',
    'Header always set Access-Control-Allow-Headers "Content-Type, X-Requested-With" env=CORS_ORIGIN',
    'Header always merge Vary Origin',
    'RewriteEngine On',
    'RewriteCond %{REQUEST_METHOD} =OPTIONS',
    'RewriteRule ^ - [R=204,L]',
);
# The policy meant to replace it, which differs on purpose: admin is
# dropped, DELETE and Authorization are added.
my @policy = (
    'CORSAllowOrigin https://app.example.com',
    'CORSAllowMethods GET POST PUT DELETE',
    'CORSAllowHeaders Content-Type X-Requested-With Authorization',
);
my $logformat = q{LogFormat "%{CORS_SHADOW}e %{CORS_RESULT}e %{CORS_REASON}e %>s \"%{Origin}i\" \"%r\"" cors_rollout};

sub configure {
    my ($step, @lines) = @_;
    $h->write_conf(
        qq{DocumentRoot "$dir/htdocs"},
        $logformat,
        qq{CustomLog "$dir/logs/$step.log" cors_rollout},
        qq{<Directory "$dir/htdocs">}, '    Require all granted', '</Directory>',
        '<Location "/api/">', (map { "    $_" } @lines), '</Location>');
}

my $ADMIN = 'https://admin.example.com';
# [id, method, origin, Access-Control-Request-Method, -Headers]
my @requests = (
    [1,  'GET',     APP],
    [2,  'GET',     $ADMIN],
    [3,  'GET',     EVIL],
    [4,  'GET',     undef],
    [5,  'POST',    APP],
    [6,  'OPTIONS', APP,    'PUT',    'content-type'],
    [7,  'OPTIONS', APP,    'DELETE', undef],
    [8,  'OPTIONS', APP,    'PUT',    'authorization'],
    [9,  'OPTIONS', $ADMIN, 'PUT',    'x-requested-with'],
    [10, 'OPTIONS', EVIL,   'PUT',    undef],
    [11, 'OPTIONS', APP,    'GET',    'x-requested-with'],
);

sub run_all {
    my %res;
    for my $q (@requests) {
        my ($id, $method, $origin, $acrm, $acrh) = @$q;
        my @hdr;
        push @hdr, Origin => $origin if defined $origin;
        push @hdr, 'Access-Control-Request-Method' => $acrm if defined $acrm;
        push @hdr, 'Access-Control-Request-Headers' => $acrh if defined $acrh;
        $res{$id} = req($method, "/api/items.json?id=r$id", \@hdr, port => $port);
    }
    return \%res;
}

# What a browser may do with a response, in both credentials modes: pass the
# CORS check (and a preflight's method and header checks), and which
# response headers a script reads.  Worked out from the Fetch standard.
sub verdict {
    my ($q, $res) = @_;
    my (undef, $method, $origin, $acrm, $acrh) = @$q;
    my $one = sub { my @v = hdrs($res, shift); @v ? join(', ', @v) : undef };
    my ($ao, $ac, $am, $ah) = map { $one->($_) } qw(Access-Control-Allow-Origin
        Access-Control-Allow-Credentials Access-Control-Allow-Methods
        Access-Control-Allow-Headers);
    my @out;
    for my $cred (0, 1) {
        my $ok = defined $ao && ((!$cred && $ao eq '*')
                                 || (defined $origin && $ao eq $origin));
        $ok &&= defined $ac && $ac eq 'true' if $cred;
        if ($method eq 'OPTIONS' && defined $acrm) {
            $ok &&= $res->{status} >= 200 && $res->{status} < 300;
            my @m = map { s/^\s+|\s+$//gr } split /,/, $am // '';
            $ok &&= ($acrm =~ /^(?:GET|HEAD|POST)$/ || grep({ $_ eq $acrm } @m)
                     || (!$cred && grep { $_ eq '*' } @m)) ? 1 : 0;
            my %hn = map { lc(s/^\s+|\s+$//gr) => 1 } split /,/, $ah // '';
            for my $n (grep { length } map { lc(s/^\s+|\s+$//gr) } split /,/, $acrh // '') {
                $ok &&= ($hn{$n} || (!$cred && $hn{'*'} && $n ne 'authorization')) ? 1 : 0;
            }
        }
        push @out, $ok ? 1 : 0;
    }
    return join '', @out;
}

sub shadow_log {
    my $file = "$dir/logs/report.log";
    my %s;
    for (1 .. 30) {
        %s = ();
        if (open my $fh, '<', $file) {
            while (<$fh>) { $s{$2} = $1 if m{^(\S+) .*\?id=r(\d+) } }
        }
        last if keys %s == @requests;
        sleep 0.1;
    }
    return \%s;
}

# Step 1: the recipe.
configure('recipe', @recipe);
$h->start or BAIL_OUT('the recipe does not start: ' . $h->error_log);
my $before = run_all();
$h->stop;

# Step 2: the policy beside it, ReportOnly.
configure('report', @recipe, 'CORSEngine ReportOnly', @policy);
$h->start or BAIL_OUT('ReportOnly does not start: ' . $h->error_log);
my $during = run_all();
$h->stop;
for my $q (@requests) {
    my $id = $q->[0];
    my $strip = sub { my $r = shift; join "\n", $r->{status},
        map { "$_->[0]: $_->[1]" } grep { $_->[0] !~ /^(?:Date|ETag|Last-Modified)$/i }
        @{ $r->{headers} } };
    is($strip->($during->{$id}), $strip->($before->{$id}),
       "request $id: ReportOnly changes nothing of the recipe's answer");
}

# Step 3: On, the recipe removed.
configure('on', 'CORSEngine On', @policy);
$h->start or BAIL_OUT('On does not start: ' . $h->error_log);
my $after = run_all();
$h->stop;

my (@changed, @flagged);
for my $q (@requests) {
    my $id = $q->[0];
    push @changed, $id if verdict($q, $before->{$id}) ne verdict($q, $after->{$id});
}
my $shadow = shadow_log();
is(scalar(keys %$shadow), scalar(@requests), 'ReportOnly logged every request');
@flagged = sort { $a <=> $b } grep { $shadow->{$_} =~ /^mismatch:/ } keys %$shadow;
is_deeply(\@changed, [2, 7, 8, 9],
          'the browser sees a change for admin (dropped), DELETE and Authorization (added)');
is_deeply(\@flagged, \@changed,
          'the ReportOnly log named exactly the requests whose answer changed');
is($shadow->{$_}, 'match', "request $_: match") for grep { !/^(?:2|7|8|9)$/ } map { $_->[0] } @requests;
is($shadow->{2}, 'mismatch:access-control-allow-origin', 'admin: allow-origin');
is($shadow->{7}, 'mismatch:access-control-allow-methods', 'DELETE: allow-methods');
is($shadow->{8}, 'mismatch:access-control-allow-headers', 'Authorization: allow-headers');
is($shadow->{9}, 'mismatch:access-control-allow-origin', 'admin preflight: allow-origin');

# The one-line report of docs/migrating.md, "Rolling out".
my $report = `awk '\$1 ~ /^mismatch/ {print \$1, \$5, \$6, \$7}' '$dir/logs/report.log' | sort | uniq -c | sort -rn`;
like($report, qr{^\s*1 mismatch:access-control-allow-methods "https://app\.example\.com" "OPTIONS /api/items\.json\?id=r7$}m,
     'the one-line report names the DELETE preflight');
is(scalar(() = $report =~ /^\s*\d+ mismatch:/mg), 4, 'and four lines in all');

done_testing();
