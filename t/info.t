# mod_info (/server-info?mod_cors.c) shows every directive of the manual's
# directive list with its help string, and the manual has a box for each.
# Scopes: /ecosystem/server-info, /ecosystem/info-policy/ in
# conf/info.conf.in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use CorsTest;

cors_plan();

my $top = "$FindBin::Bin/..";

# The directives of docs/mod_cors.md ("Directives"); <CORSPolicy is the
# section.
my @spec = qw(CORSEngine CORSAllowOrigin CORSAllowOriginMatch CORSAllowMethods
    CORSAllowHeaders CORSExposeHeaders CORSAllowCredentials CORSMaxAge
    CORSAllowPrivateNetwork CORSPreflightStatus CORSPreflightPassthrough
    CORSPreflightBypassAuth CORSRejectDisallowed CORSCrossOriginProtection
    CORSPolicy <CORSPolicy);

# The help strings as the source registers them: AP_INIT_*("Name", ...,
# "help" "continued") in cors_cmds[], adjacent literals joined as C does.
my %source_help;
{
    open my $fh, '<', catfile($top, 'mod_cors.c') or die "mod_cors.c: $!";
    local $/;
    my $c = <$fh>;
    while ($c =~ /AP_INIT_\w+\(\s*"(<?\w+)"(.*?)\)\s*,\s*(?=AP_INIT_|\{\s*NULL)/sg) {
        my ($name, $rest) = ($1, $2);
        # the help string is the run of string literals that ends the entry
        my ($tail) = $rest =~ /((?:"(?:[^"\\]|\\.)*"\s*)+)$/s;
        my $help = join '', ($tail // '') =~ /"((?:[^"\\]|\\.)*)"/g;
        $help =~ s/\\(.)/$1/g;
        $source_help{$name} = $help;
    }
}
is_deeply([sort keys %source_help], [sort @spec],
    'mod_cors.c registers exactly the directives of the manual');

my $r = req('GET', '/ecosystem/server-info?mod_cors.c');
is($r->{status}, 200, 'server-info?mod_cors.c: 200');
like($r->{body}, qr/Module Name:.*?mod_cors\.c/s, 'the page is about mod_cors.c');

sub html_unescape {
    my $s = shift;
    $s =~ s/&lt;/</g; $s =~ s/&gt;/>/g; $s =~ s/&quot;/"/g; $s =~ s/&#39;/'/g;
    $s =~ s/&amp;/&/g;
    return $s;
}

# mod_info writes "<dd><tt>Name - <i>help</i></tt></dd>" per directive
# under "Module Directives:", and the configuration lines that use them
# under "Current Configuration:".
my ($directives, $current) = $r->{body}
    =~ m{Module Directives:(.*?)Current Configuration:(.*)}s;
ok(defined $directives, 'the page has Module Directives and Current Configuration')
    or diag($r->{body});
$directives //= '';
$current //= '';
my %shown;
while ($directives =~ m{<dd><tt>((?:&lt;)?\w+)(?:&gt;)?(?:\s+-\s+<i>(.*?)</i>)?</tt></dd>}sg) {
    $shown{html_unescape($1)} = defined $2 ? html_unescape($2) : undef;
}
is_deeply([sort keys %shown], [sort @spec],
    'mod_info lists every directive of the manual, and no other');
for my $d (@spec) {
    ok(defined $shown{$d} && length $shown{$d} >= 20, "$d: mod_info shows a help string")
        or next;
    is($shown{$d}, $source_help{$d}, "$d: it is the one mod_cors.c registers");
}

# The directives' help names what the value is (docs/mod_cors.md, each
# directive's Syntax).
like($shown{CORSEngine}, qr/\bOn\b.*\bOff\b/, 'CORSEngine help: On/Off');
like($shown{CORSMaxAge}, qr/2147483647/, 'CORSMaxAge help: the range');
like($shown{CORSPreflightStatus}, qr/204.*200|200.*204/, 'CORSPreflightStatus help: 200/204');
like($shown{CORSAllowOriginMatch}, qr/whole|in full|entire/i,
    'CORSAllowOriginMatch help: the whole origin must match');

# "Current Configuration" shows the policy of conf/info.conf.in.
like($current, qr{CORSAllowOrigin <i>https://info\.example\.com</i>},
    'current configuration: the CORSAllowOrigin line');
like($current, qr{CORSMaxAge <i>120</i>}, 'current configuration: the CORSMaxAge line');

# The manual has one directive box per directive, each with the fields of
# an httpd manual page.
{
    open my $fh, '<', catfile($top, 'docs', 'mod_cors.md') or die "docs/mod_cors.md: $!";
    local $/;
    my $md = <$fh>;
    for my $d (@spec) {
        # a section's box: "## &lt;CORSPolicy&gt; Section"
        my ($name, $head) = $d =~ /^<(.*)/ ? ($1, "&lt;$1&gt; Section")
                                           : ($d, "$d Directive");
        my ($box) = $md =~ /^## \Q$head\E\n(.*?)(?=^## |\z)/ms;
        ok(defined $box, "docs/mod_cors.md: '## $head'") or next;
        for my $field (qw(Description Syntax Default Context Override Status Module)) {
            like($box, qr/^\|\s*\*\*\Q$field\E:\*\*\s*\|/m, "docs/mod_cors.md: $d: $field");
        }
        like($box, qr/```apache\n.*\Q$name\E/s, "docs/mod_cors.md: $d: an example");
    }
}

done_testing();
