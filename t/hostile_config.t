# Hostile configuration (issue 6, item 4): what a .htaccess author who is not
# the administrator can write and what it costs.  The start-up checks that
# guard against a configuration trusting too much: a regex that matches an
# origin nobody owns next to credentials, an empty regex, and the warnings
# for risky but legal lines (credentials for loopback or http:// origins,
# an unescaped '.', Set-Cookie in CORSExposeHeaders).  `httpd -t` on a small
# generated configuration; t/fuzz/config-fuzz.pl does the same at random.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use File::Spec::Functions qw(catfile);
use CorsTest;

cors_plan();

my $cfg   = CorsTest::config();
my $httpd = $cfg->{vars}->{httpd};
my $so    = $cfg->{modules}->{'mod_cors.c'};
my ($mpm) = grep { defined }
    map { $cfg->{modules}->{"mod_mpm_$_.c"} } qw(event worker prefork);
die "no MPM module in the test configuration\n" unless $mpm;
my ($mpm_name) = $mpm =~ /mod_(mpm_\w+)\.so$/;

my $dir = tempdir(CLEANUP => 1);
my $n = 0;

# httpd -t on the block inside <Directory>; returns (exit code, output).
sub httpd_t {
    my @block = @_;
    my $file = catfile($dir, 'c' . ++$n . '.conf');
    open my $fh, '>', $file or die "$file: $!";
    print $fh join("\n",
        qq{LoadModule ${mpm_name}_module "$mpm"},
        qq{LoadModule cors_module "$so"},
        'ServerName localhost', qq{ErrorLog "$dir/error_log"},
        qq{PidFile "$dir/pid"}, qq{<Directory "$dir">}, @block,
        '</Directory>', '');
    close $fh;
    unlink "$dir/error_log";
    my $out = `'$httpd' -t -f '$file' 2>&1`;
    my $rc = $? >> 8;
    if (open my $el, '<', "$dir/error_log") { local $/; $out .= <$el> // '' }
    return ($rc, $out);
}

sub refused {
    my ($name, $re, @block) = @_;
    my ($rc, $out) = httpd_t(@block);
    is($rc, 1, "$name: httpd -t refuses it");
    like($out, qr/Syntax error on line \d+ of [^\n]*:\n$re/, "$name: the reason")
        or diag($out);
}

sub warned {
    my ($name, $re, @block) = @_;
    my ($rc, $out) = httpd_t(@block);
    is($rc, 0, "$name: accepted") or diag($out);
    like($out, $re, "$name: a start-up warning") or diag($out);
}

# A regex that matches an origin nobody owns trusts everyone: never with
# credentials in the same section, in either order.
refused('canary regex after credentials',
    qr/CORSAllowOriginMatch: 'https\?:\/\/\.\*' matches 'https:\/\/evil\.invalid', an origin nobody owns, which cannot be used with CORSAllowCredentials On in the same section/,
    'CORSAllowCredentials On', 'CORSAllowOriginMatch https?://.*');
refused('canary regex (null) after credentials',
    qr/CORSAllowOriginMatch: 'null\|[^']*' matches 'null', an origin nobody owns/,
    'CORSAllowCredentials On', 'CORSAllowOriginMatch null|https://a\.example');
refused('credentials after a canary regex',
    qr/CORSAllowCredentials: On cannot be used with CORSAllowOriginMatch '\.\+' in the same section/,
    'CORSAllowOriginMatch .+', 'CORSAllowCredentials On');
# An empty regex never reaches the module: Apache refuses an empty argument.
refused('empty regex', qr/CORSAllowOriginMatch takes one argument/,
    'CORSAllowOriginMatch ""');

warned('credentials for a loopback origin',
    qr/CORSAllowOrigin: origin 'http:\/\/localhost:3000' is trusted with credentials.*loopback or private-network host/,
    'CORSAllowCredentials On', 'CORSAllowOrigin http://localhost:3000');
warned('credentials for an http:// origin',
    qr/origin 'http:\/\/app\.example\.com' is trusted with credentials.*impersonated by anyone on the network path/,
    'CORSAllowCredentials On', 'CORSAllowOrigin http://app.example.com');
warned('credentials for port *',
    qr/origin 'https:\/\/app\.example\.com:\*' is trusted with credentials.*port '\*' trusts every service/,
    'CORSAllowCredentials On', 'CORSAllowOrigin https://app.example.com:*');
warned('unescaped dot', qr/CORSAllowOriginMatch: 'https:\/\/app\.example\.com' has an unescaped '\.'/,
    'CORSAllowOriginMatch https://app.example.com');
warned('Set-Cookie exposed', qr/CORSExposeHeaders: browsers never let scripts read set-cookie/,
    'CORSExposeHeaders X-Total Set-Cookie');

my ($rc, $out) = httpd_t('CORSAllowCredentials On', 'CORSAllowOrigin https://app.example.com');
is($rc, 0, 'credentials for an https origin: accepted');
unlike($out, qr/cors:warn|trusted with credentials/, 'https origin with credentials: no warning');
($rc, $out) = httpd_t('CORSAllowOriginMatch https://app\.example\.com');
unlike($out, qr/unescaped/, 'escaped dots: no warning');

done_testing();
