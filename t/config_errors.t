# Configuration errors (docs/mod_cors.md, "Configuration errors", "Risky but
# legal: start-up warnings" and "Against a hostile .htaccess author"):
# `httpd -t` on a small generated configuration (the MPM, mod_cors, and the
# block under test) must fail with "Syntax error on line N of FILE:" and
# the exact message, naming the directive, the value and why.  Valid blocks
# must pass, in every context.  The start-up checks that guard against a
# configuration trusting too much: a regex that matches an origin nobody
# owns next to credentials, an empty regex, and the warnings for risky but
# legal lines (credentials for loopback or http:// origins, an unescaped
# '.', Set-Cookie in CORSExposeHeaders); t/fuzz/config-fuzz.pl does the
# same at random.
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
my $t_dir = $cfg->{vars}->{t_dir};
my $so    = $cfg->{modules}->{'mod_cors.c'};
my ($mpm) = grep { defined }
    map { $cfg->{modules}->{"mod_mpm_$_.c"} } qw(event worker prefork);
die "no MPM module found in the test configuration\n" unless $mpm;

my $dir = tempdir(CLEANUP => 1);
my $n = 0;

my @head = (
    qq{LoadModule } . ($mpm =~ /mpm_(\w+)\.so$/ ? "mpm_$1_module" : 'mpm_event_module') . qq{ "$mpm"},
    qq{LoadModule cors_module "$so"},
    qq{ServerName localhost},
    qq{ErrorLog "$dir/error_log"},
    qq{PidFile "$dir/httpd.pid"},
);

# httpd -t on HEAD + BLOCK; returns (exit code, output, file, first block line)
sub check_conf {
    my @block = @_;
    my $file = catfile($dir, 'case' . ++$n . '.conf');
    open my $fh, '>', $file or die "cannot write $file: $!";
    print $fh "$_\n" for @head, @block;
    close $fh;
    unlink "$dir/error_log";
    my $out = `'$httpd' -t -d '$t_dir' -f '$file' 2>&1`;
    my $rc = $? >> 8;
    if (open my $el, '<', "$dir/error_log") { local $/; $out .= <$el> // '' }
    return ($rc, $out, $file, scalar(@head) + 1);
}

# bad(NAME, MESSAGE (string: exact line; Regexp: prefix), BAD_LINE_INDEX, BLOCK...)
sub bad {
    my ($name, $msg, $idx, @block) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my ($rc, $out, $file, $first) = check_conf(@block);
    my $line = $first + $idx;
    isnt($rc, 0, "$name: httpd -t fails");
    my $re = ref $msg ? qr/Syntax error on line $line of \Q$file\E:\n$msg/
                      : qr/Syntax error on line $line of \Q$file\E:\n\Q$msg\E\n/;
    like($out, $re, "$name: line $line, message") or diag("block:\n  " . join("\n  ", @block));
}

sub good {
    my ($name, @block) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my ($rc, $out) = check_conf(@block);
    is($rc, 0, "$name: httpd -t passes") or diag($out);
    return $out;
}

my $loc = sub { ('<Location /x>', @_, '</Location>') };

# --- the harness itself --------------------------------------------------------
good('empty configuration');
good('a sane policy', $loc->('CORSEngine On', 'CORSAllowOrigin https://a.example'));

# --- CORSAllowOrigin -------------------------------------------------------------
my %origin_err = (
    'https://a.example/x'      => 'it has a path',
    'https://a.example/'       => 'it has a path',
    'https://a.example/x/y'    => 'it has a path',
    'https://a.example?q=1'    => 'it has a query',
    'https://a.example#frag'   => 'it has a fragment',
    'https://user@a.example'   => 'it has userinfo',
    'https://u:p@a.example'    => 'it has userinfo',
    'file:///x'                => 'the scheme must be http or https',
    'ftp://a.example'          => 'the scheme must be http or https',
    'ws://a.example'           => 'the scheme must be http or https',
    'https://'                 => 'the host is empty',
    'https://:8443'            => 'the host is empty',
    'https://a.example:0'      => 'the port must be a number from 1 to 65535',
    'https://a.example:70000'  => 'the port must be a number from 1 to 65535',
    'https://a.example:65536'  => 'the port must be a number from 1 to 65535',
    'https://a.example:abc'    => 'the port must be a number from 1 to 65535',
    'https://a.example:'       => 'the port must be a number from 1 to 65535',
    'a.example'                => 'it has no scheme (write https://host)',
    # IP hosts as the URL Standard's host parser reads them
    'http://999.1.1.1'         => 'the host ends in a number but is not a valid IPv4 address',
    'http://1.2.3.4.5'         => 'the host ends in a number but is not a valid IPv4 address',
    'http://1.2.3.08'          => 'the host ends in a number but is not a valid IPv4 address',
    'https://example.123'      => 'the host ends in a number but is not a valid IPv4 address',
    'https://www.example.0x1f' => 'the host ends in a number but is not a valid IPv4 address',
    'http://[:::::]'           => 'the host is not a valid IPv6 address',
    'http://[::1.2.3]'         => 'the host is not a valid IPv6 address',
    'http://[1:2:3:4:5:6:7:8:9]' => 'the host is not a valid IPv6 address',
    'http://[::g]'             => 'the host is not a valid IPv6 address',
);
for my $v (sort keys %origin_err) {
    bad("origin $v", "CORSAllowOrigin: '$v' is not an origin: $origin_err{$v}", 0,
        "CORSAllowOrigin $v");
}
# the bad one among good ones, in a section, with an edit
bad('origin in a list', "CORSAllowOrigin: 'https://b.example/' is not an origin: it has a path", 1,
    $loc->('CORSAllowOrigin https://a.example https://b.example/ https://c.example'));
bad('origin edit', "CORSAllowOrigin: 'https://b.example/x' is not an origin: it has a path", 1,
    $loc->('CORSAllowOrigin +https://b.example/x'));

# wildcard patterns: the exact message for each refused form
# (docs/mod_cors.md, "Wildcard subdomains and any port")
my $leftmost = "'*' must be the whole leftmost label, as in https://*.example.com";
my %wild = (
    'https://*example.com'    => $leftmost,
    'https://a.*.example.com' => $leftmost,
    'https://*'               => $leftmost,
    'https://ex*.com'         => $leftmost,
    'https://*.*.example.com' => $leftmost,
    'https://*.com'           => "'com' is a public suffix: a wildcard over it would trust every site under it",
    'https://*.localhost'     => "'localhost' is a public suffix: a wildcard over it would trust every site under it",
    'https://*.10.0.0'        => 'a wildcard cannot cover an IP address',
    'https://*.[::1]'         => 'the host is not a valid host name or IP address',
    'https://*.example.com/'  => 'it has a path',
    'https://*.example.com:x' => 'the port must be a number from 1 to 65535',
    'http://localhost:**'     => 'the port must be a number from 1 to 65535',
    'ftp://*.example.com'     => 'the scheme must be http or https',
);
for my $v (sort keys %wild) {
    bad("pattern $v", "CORSAllowOrigin: '$v' is not an origin: $wild{$v}", 0,
        "CORSAllowOrigin $v");
}
SKIP: {
    my $psl = `ldd '$so' 2>/dev/null` =~ /libpsl/;
    skip 'mod_cors is not linked with libpsl (no libpsl-dev at build time)', 6
        unless $psl;
    for my $v ('co.uk', 'github.io', 'blogspot.com') {
        bad("public suffix $v", "CORSAllowOrigin: 'https://*.$v' is not an origin: "
            . "'$v' is a public suffix: a wildcard over it would trust every site under it",
            0, "CORSAllowOrigin https://*.$v");
    }
}
good('valid origin forms',
     $loc->('CORSAllowOrigin https://a.example http://a.example:8080 HTTPS://B.Example:443',
            'CORSAllowOrigin https://*.example.com http://localhost:* https://*.example.net:*',
            'CORSAllowOrigin http://[::1]:8080 https://[2001:db8::1] null',
            'CORSAllowOrigin https://a.example,https://c.example, https://d.example'));
good('IP hosts in any spelling the URL Standard reads',
     $loc->('CORSAllowOrigin http://127.1 http://0x7f.1:8080 http://2130706433',
            'CORSAllowOrigin http://[0:0:0:0:0:0:0:1] http://[::FFFF:127.0.0.1]:3000'));
good('origin *', $loc->('CORSAllowOrigin *'));
good('origin edits', $loc->('CORSAllowOrigin +https://a.example -https://b.example'));

# --- * and credentials in one section ---------------------------------------------
bad('* then credentials', "CORSAllowCredentials: On cannot be used with CORSAllowOrigin '*' in the same section",
    2, $loc->('CORSAllowOrigin *', 'CORSAllowCredentials On'));
bad('credentials then *', "CORSAllowOrigin: '*' cannot be used with CORSAllowCredentials On in the same section",
    2, $loc->('CORSAllowCredentials On', 'CORSAllowOrigin https://a.example *'));
bad('* then credentials, server config',
    "CORSAllowCredentials: On cannot be used with CORSAllowOrigin '*' in the same section",
    1, 'CORSAllowOrigin *', 'CORSAllowCredentials On');
good('* and credentials in different sections',
     'CORSAllowOrigin *', $loc->('CORSAllowCredentials On'));
good('credentials Off with *', $loc->('CORSAllowOrigin *', 'CORSAllowCredentials Off'));
good('null with credentials', $loc->('CORSAllowOrigin null', 'CORSAllowCredentials On'));
good('a safe regex with credentials',
     $loc->('CORSAllowOriginMatch https://[a-z]+\.example\.org', 'CORSAllowCredentials On'));
# Canaries beyond the fixed three: a random ten-letter label under common
# suffixes, and each domain the regex names glued to that label or with it
# appended, so https://.*\.com and https://.*example\.com are caught.
for my $case (['https://.*\.com',            qr{https://[a-z]{10}\.com}],
              ['https://[a-z0-9-]+\.github\.io', qr{https://[a-z]{10}\.github\.io}],
              ['https?://[^.]+\.co\.uk',      qr{https://[a-z]{10}\.co\.uk}],
              ['https://.*example\.com',      qr{https://[a-z]{10}example\.com}],
              ['https://app\.example\.com.*', qr{https://app\.example\.com\.[a-z]{10}\.invalid}],
              ['http://[a-z]*example\.net',   qr{http://[a-z]{10}example\.net}]) {
    my ($rx, $canary) = @$case;
    my $logged = $rx =~ s/\\/\\\\/gr;
    bad("regex $rx matching a canary, credentials first",
        qr/CORSAllowOriginMatch: '\Q$logged\E' matches '$canary', an origin nobody owns, which cannot be used with CORSAllowCredentials On in the same section\n/,
        2, $loc->('CORSAllowCredentials On', qq{CORSAllowOriginMatch "$rx"}));
    bad("regex $rx matching a canary, credentials second",
        qr/CORSAllowCredentials: On cannot be used with CORSAllowOriginMatch '\Q$logged\E' in the same section: it matches '$canary', an origin nobody owns\n/,
        2, $loc->(qq{CORSAllowOriginMatch "$rx"}, 'CORSAllowCredentials On'));
}
# PCRE's limits are the module's: a regex may not set its own.  A regex
# that hits them on a canary cannot be told apart from one that matches it.
bad('regex setting PCRE limits',
    logged("CORSAllowOriginMatch: '(*LIMIT_MATCH=100000000)https://a\\.example' starts with '(*': "
           . "PCRE settings such as (*LIMIT_MATCH=n) are not allowed, the module sets the match limits"),
    0, 'CORSAllowOriginMatch "(*LIMIT_MATCH=100000000)https://a\\.example"');
bad('regex hitting the match limit on a canary, with credentials',
    "CORSAllowOriginMatch: 'https://([a-z.]+)+[0-9]' hits the PCRE match limit on 'https://evil.invalid', "
    . "an origin nobody owns, which cannot be used with CORSAllowCredentials On in the same section",
    2, $loc->('CORSAllowCredentials On', 'CORSAllowOriginMatch "https://([a-z.]+)+[0-9]"'));
bad('credentials after a regex hitting the match limit on a canary',
    "CORSAllowCredentials: On cannot be used with CORSAllowOriginMatch 'https://([a-z.]+)+[0-9]' in the "
    . "same section: it hits the PCRE match limit on 'https://evil.invalid', an origin nobody owns",
    2, $loc->('CORSAllowOriginMatch "https://([a-z.]+)+[0-9]"', 'CORSAllowCredentials On'));
good('regexes under a domain, with credentials',
     $loc->('CORSAllowCredentials On', 'CORSAllowOriginMatch "https://.*\.example\.com"',
            'CORSAllowOriginMatch "https://([a-z0-9-]+\.)*example\.org"',
            'CORSAllowOriginMatch "https://[a-z]+\.me\.github\.io"'));
for my $rx ('.*', 'https?://.*', 'https://.+', '.+\.invalid') {
    my ($rc, $out) = check_conf($loc->("CORSAllowOriginMatch $rx", 'CORSAllowCredentials On'));
    isnt($rc, 0, "regex '$rx' matching a canary origin, with credentials: refused");
    like($out, qr/Syntax error on line \d+ of [^\n]*:\nCORSAllow(?:Credentials|OriginMatch)[^\n]*\n/,
         "regex '$rx' with credentials: message names the directive");
}

# A wildcard over a domain that is no public suffix but has public-suffix
# entries below it trusts sites anyone can register: refused with
# credentials in the same section, whichever line comes second (without
# credentials: a warning, patterns.t).  Needs the list's data file.
SKIP: {
    skip 'no Public Suffix List data file (Debian: publicsuffix)', 12
        unless -r '/usr/share/publicsuffix/public_suffix_list.dat';
    my $why = "it covers public suffixes (the Public Suffix List has s3.amazonaws.com "
        . "below amazonaws.com), under which anyone can register a site";
    bad('wildcard with suffixes below, then credentials',
        "CORSAllowCredentials: On cannot be used with CORSAllowOrigin 'https://*.amazonaws.com' "
        . "in the same section: $why",
        2, $loc->('CORSAllowOrigin https://*.amazonaws.com', 'CORSAllowCredentials On'));
    bad('credentials, then wildcard with suffixes below',
        "CORSAllowOrigin: 'https://*.amazonaws.com' cannot be used with CORSAllowCredentials On "
        . "in the same section: $why",
        2, $loc->('CORSAllowCredentials On', 'CORSAllowOrigin https://a.example https://*.amazonaws.com'));
    bad('wildcard with suffixes below and port *, server config',
        "CORSAllowOrigin: 'https://*.amazonaws.com:*' cannot be used with CORSAllowCredentials On "
        . "in the same section: $why",
        1, 'CORSAllowCredentials On', 'CORSAllowOrigin https://*.amazonaws.com:*');
    bad('wildcard with suffixes below in an edit',
        "CORSAllowOrigin: 'https://*.amazonaws.com' cannot be used with CORSAllowCredentials On "
        . "in the same section: $why",
        2, $loc->('CORSAllowCredentials On', 'CORSAllowOrigin +https://*.amazonaws.com'));
    good('wildcard below the suffixes, with credentials',
         $loc->('CORSAllowCredentials On', 'CORSAllowOrigin https://*.mybucket.s3.amazonaws.com'));
    good('wildcard with suffixes below taken out, with credentials',
         $loc->('CORSAllowCredentials On', 'CORSAllowOrigin -https://*.amazonaws.com'));
}

# --- mixing plain items and edits --------------------------------------------------
my %what = (CORSAllowOrigin => 'origins', CORSAllowMethods => 'methods',
            CORSAllowHeaders => 'header names', CORSExposeHeaders => 'header names');
my %items = (CORSAllowOrigin => ['https://a.example', '+https://b.example'],
             CORSAllowMethods => ['GET', '+PUT'],
             CORSAllowHeaders => ['X-A', '-X-B'],
             CORSExposeHeaders => ['X-A', '+X-B']);
for my $d (sort keys %what) {
    my ($plain, $edit) = @{ $items{$d} };
    my $msg = "$d: cannot mix plain $what{$d} and +/- edits in one section";
    bad("$d mixed in one line", $msg, 1, $loc->("$d $plain $edit"));
    bad("$d mixed in one line, edit first", $msg, 1, $loc->("$d $edit $plain"));
    bad("$d mixed over two lines", $msg, 2, $loc->("$d $plain", "$d $edit"));
    good("$d plain over two lines", $loc->("$d $plain", "$d " . ($plain =~ s/a/c/r)));
    good("$d edits over two lines", $loc->("$d $edit", "$d " . ($edit =~ s/b/c/r)));
}

# --- empty lists -------------------------------------------------------------------
bad('CORSAllowOrigin empty', 'CORSAllowOrigin needs at least one origin', 0, 'CORSAllowOrigin');
bad('CORSAllowMethods empty', 'CORSAllowMethods needs at least one method', 0, 'CORSAllowMethods');
bad('CORSAllowHeaders empty', 'CORSAllowHeaders needs at least one header name', 0, 'CORSAllowHeaders');
bad('CORSExposeHeaders empty', 'CORSExposeHeaders needs at least one header name', 0, 'CORSExposeHeaders');
bad('CORSAllowMethods only a comma', 'CORSAllowMethods needs at least one method', 0, 'CORSAllowMethods ,');
bad('CORSAllowOrigin empty in a section', 'CORSAllowOrigin needs at least one origin', 1,
    $loc->('CORSAllowOrigin'));

# --- tokens ----------------------------------------------------------------------
bad('method G@T', "CORSAllowMethods: 'G\@T' is not a method: only RFC 9110 token characters are allowed",
    0, 'CORSAllowMethods GET G@T');
bad('method G(T', "CORSAllowMethods: 'G(T' is not a method: only RFC 9110 token characters are allowed",
    0, 'CORSAllowMethods G(T');
bad('header "x bad"', "CORSAllowHeaders: 'x bad' is not a header name: only RFC 9110 token characters are allowed",
    0, 'CORSAllowHeaders X-Good "x bad"');
bad('header x:y', "CORSAllowHeaders: 'x:y' is not a header name: only RFC 9110 token characters are allowed",
    0, 'CORSAllowHeaders x:y');
bad('expose "x bad"', "CORSExposeHeaders: 'x bad' is not a header name: only RFC 9110 token characters are allowed",
    0, 'CORSExposeHeaders "x bad"');
bad('expose x/y', "CORSExposeHeaders: 'x/y' is not a header name: only RFC 9110 token characters are allowed",
    0, 'CORSExposeHeaders x/y');
good('token characters', $loc->(q{CORSAllowMethods GET M-SEARCH X_Y! a#b$c%d&e'f*g+h.i^j`k|l~m},
                                 q{CORSAllowHeaders X-A x_b X.C}, q{CORSExposeHeaders X-A "X-Quoted"}));
good('* lists', $loc->('CORSAllowMethods *', 'CORSAllowHeaders *', 'CORSExposeHeaders *'));
good('* and Authorization', $loc->('CORSAllowHeaders * Authorization'));

# --- CORSMaxAge ----------------------------------------------------------------------
for my $v ('abc', '-1', '2147483648', '1.5', '10s', '99999999999999999999') {
    bad("CORSMaxAge $v", "CORSMaxAge: '$v' is not a number of seconds from 0 to 2147483647, or Off",
        0, "CORSMaxAge $v");
}
good("CORSMaxAge $_", "CORSMaxAge $_") for qw(0 600 86400 2147483647 Off);
my $out = good('CORSMaxAge 100000', 'CORSMaxAge 100000');
like($out, qr/CORSMaxAge/, 'CORSMaxAge 100000: a warning naming the directive');
$out = good('CORSMaxAge 86400', 'CORSMaxAge 86400');
unlike($out, qr/CORSMaxAge/, 'CORSMaxAge 86400: no warning');

# --- CORSPreflightStatus -------------------------------------------------------------
for my $v (qw(201 404 abc)) {
    bad("CORSPreflightStatus $v", "CORSPreflightStatus: '$v' must be 200 or 204", 0,
        "CORSPreflightStatus $v");
}
good('CORSPreflightStatus 200/204', 'CORSPreflightStatus 200', $loc->('CORSPreflightStatus 204'));

# --- CORSAllowOriginMatch ---------------------------------------------------------------
# A regex is compiled on its own before the module anchors it: a ')' that
# closes no group would otherwise close the anchors' group, and the rest of
# the regex would match anywhere in the origin.
bad('regex x(', "CORSAllowOriginMatch: 'x(' is not a valid regular expression: a '(' is never closed", 0,
    'CORSAllowOriginMatch x(');
bad('regex [a-', "CORSAllowOriginMatch: '[a-' is not a valid regular expression: a '[' is never closed", 1,
    $loc->('CORSAllowOriginMatch [a-'));
bad('regex x{2,1}', qr/CORSAllowOriginMatch: 'x\{2,1\}' is not a valid regular expression: PCRE refuses it at offset \d+\n/, 0,
    'CORSAllowOriginMatch x{2,1}');
my $escape = 'https://a\.example\.com)|(https://b\.example\.com';
# httpd's error log writes a backslash as two.
sub logged { $_[0] =~ s/\\/\\\\/gr }
my $escape_msg = "CORSAllowOriginMatch: '" . logged($escape) . "' is not a valid regular expression: "
    . "it has a ')' that closes no group";
bad('regex escaping its anchors, server config', $escape_msg, 0,
    qq{CORSAllowOriginMatch "$escape"});
bad('regex escaping its anchors, <Location>', $escape_msg, 1,
    $loc->(qq{CORSAllowOriginMatch "$escape"}));
bad('regex escaping its anchors, <Directory>', $escape_msg, 1,
    "<Directory \"$dir\">", qq{CORSAllowOriginMatch "$escape"}, '</Directory>');
bad('regex closing a group it never opened', "CORSAllowOriginMatch: 'x)(y' is not a valid regular expression: "
    . "it has a ')' that closes no group", 0, 'CORSAllowOriginMatch x)(y');
good('regex with a quoted, bracketed or commented parenthesis',
     $loc->('CORSAllowOriginMatch "https://a\\)\\.example"',
            'CORSAllowOriginMatch "https://[)(]\\.example"',
            'CORSAllowOriginMatch "https://\\Q)\\E\\.example"',
            'CORSAllowOriginMatch "https://(?#(x)b\\.example"',
            'CORSAllowOriginMatch "https://\\Qa.example"'));
bad('regex whose comment swallows the anchors',
    logged("CORSAllowOriginMatch: '(?x)https://a\\.example #' cannot be anchored: PCRE refuses ^(?:...)\$ around it"),
    0, 'CORSAllowOriginMatch "(?x)https://a\\.example #"');

# --- On/Off directives ---------------------------------------------------------------
for my $d (qw(CORSAllowCredentials CORSAllowPrivateNetwork
              CORSPreflightPassthrough CORSPreflightBypassAuth CORSRejectDisallowed
              CORSCrossOriginProtection)) {
    bad("$d maybe", "$d must be On or Off", 0, "$d maybe");
    good("$d On/Off", "$d Off", $loc->("$d On"));
}
bad('CORSEngine maybe', "CORSEngine: 'maybe' must be On, Off or ReportOnly", 0, 'CORSEngine maybe');
bad('CORSEngine without a value', qr/CORSEngine takes one argument, On to apply CORS/, 0, 'CORSEngine');
good('CORSEngine On/Off/ReportOnly', 'CORSEngine Off', $loc->('CORSEngine On'),
     $loc->('CORSEngine reportonly'));

# --- every directive in every context -----------------------------------------------
my @all = ('CORSEngine On', 'CORSAllowOrigin https://a.example',
           'CORSAllowOriginMatch https://[a-z]+\.example\.org', 'CORSAllowMethods GET PUT',
           'CORSAllowHeaders X-A', 'CORSExposeHeaders X-B', 'CORSAllowCredentials On',
           'CORSMaxAge 600', 'CORSAllowPrivateNetwork On', 'CORSPreflightStatus 200',
           'CORSPreflightPassthrough Off', 'CORSPreflightBypassAuth On', 'CORSRejectDisallowed On',
           'CORSCrossOriginProtection On');
for my $ctx (['server config', '', ''],
             ['<VirtualHost>', '<VirtualHost *:80>', '</VirtualHost>'],
             ['<Directory>', "<Directory \"$dir\">", '</Directory>'],
             ['<DirectoryMatch>', '<DirectoryMatch "^/srv/x">', '</DirectoryMatch>'],
             ['<Location>', '<Location /x>', '</Location>'],
             ['<LocationMatch>', '<LocationMatch "^/x">', '</LocationMatch>'],
             ['<Files>', '<Files "x.json">', '</Files>'],
             ['<FilesMatch>', '<FilesMatch "\.json$">', '</FilesMatch>'],
             ['<If>', "<If \"%{REQUEST_URI} =~ m#^/x#\">", '</If>']) {
    my ($name, $open, $close) = @$ctx;
    good("every directive in $name", grep { length } $open, @all, $close);
}

# --- named policies (docs/mod_cors.md, "Named policies") ----------------------------
my @policy = ('<CORSPolicy partner-api>', 'CORSAllowOrigin https://p.example',
              'CORSAllowMethods GET PUT', '</CORSPolicy>');
good('a policy, used in every context', @policy,
     'CORSPolicy partner-api',
     '<VirtualHost *:80>', 'CORSPolicy partner-api', '</VirtualHost>',
     "<Directory \"$dir\">", 'CORSPolicy partner-api', '</Directory>',
     '<Location /x>', 'CORSEngine On', 'CORSPolicy partner-api', '</Location>',
     '<Files "x.json">', 'CORSPolicy partner-api', '</Files>',
     "<If \"%{REQUEST_URI} =~ m#^/x#\">", 'CORSPolicy partner-api', '</If>');
good('a policy used before its definition',
     $loc->('CORSPolicy later'), '<CORSPolicy later>', 'CORSMaxAge 5', '</CORSPolicy>');
good('a policy in a <VirtualHost>, and one of the same name in server config',
     @policy, '<VirtualHost *:80>', '<CORSPolicy partner-api>',
     'CORSAllowOrigin https://vh.example', '</CORSPolicy>',
     '<Location /x>', 'CORSPolicy partner-api', '</Location>', '</VirtualHost>');
good('policy names: letters, digits, - _ .',
     '<CORSPolicy Api_v2.public-1>', 'CORSMaxAge 5', '</CORSPolicy>');
good('an empty policy', '<CORSPolicy empty>', '</CORSPolicy>', $loc->('CORSPolicy empty'));

# an unknown name: the CORSPolicy line's file and line, once the whole
# configuration has been read (check_config, so apachectl -t sees it too)
bad('unknown policy', 'CORSPolicy: no <CORSPolicy nosuch> is defined in this virtual host or the server config',
    2, $loc->('CORSEngine On', 'CORSPolicy nosuch'));
bad('a <VirtualHost> policy is not visible in another <VirtualHost>',
    'CORSPolicy: no <CORSPolicy vh-only> is defined in this virtual host or the server config',
    6, '<VirtualHost *:80>', '<CORSPolicy vh-only>', 'CORSMaxAge 5', '</CORSPolicy>',
    '</VirtualHost>', '<VirtualHost *:81>', 'CORSPolicy vh-only', '</VirtualHost>');
bad('a policy defined twice', '<CORSPolicy partner-api>: a policy of that name is already defined here',
    4, @policy, '<CORSPolicy partner-api>', 'CORSMaxAge 5', '</CORSPolicy>');
bad('a policy defined twice in one <VirtualHost>',
    '<CORSPolicy a>: a policy of that name is already defined here', 3,
    '<VirtualHost *:80>', '<CORSPolicy a>', '</CORSPolicy>', '<CORSPolicy a>', '</CORSPolicy>',
    '</VirtualHost>');
bad('CORSEngine in a policy',
    '<CORSPolicy p>: CORSEngine cannot be used in a policy: it holds CORS directives only, not CORSEngine or CORSPolicy',
    2, '<CORSPolicy p>', 'CORSAllowOrigin https://p.example', 'CORSEngine On', '</CORSPolicy>');
bad('CORSPolicy in a policy',
    '<CORSPolicy p>: CORSPolicy cannot be used in a policy: it holds CORS directives only, not CORSEngine or CORSPolicy',
    1, '<CORSPolicy p>', 'CORSPolicy q', '</CORSPolicy>');
bad('another module\'s directive in a policy',
    '<CORSPolicy p>: ServerAlias cannot be used in a policy: it holds CORS directives only, not CORSEngine or CORSPolicy',
    1, '<CORSPolicy p>', 'ServerAlias x.example', '</CORSPolicy>');
bad('a bad line in a policy', "CORSAllowOrigin: 'https://p.example/x' is not an origin: it has a path",
    1, '<CORSPolicy p>', 'CORSAllowOrigin https://p.example/x', '</CORSPolicy>');
bad('* and credentials in a policy',
    "CORSAllowCredentials: On cannot be used with CORSAllowOrigin '*' in the same section",
    2, '<CORSPolicy p>', 'CORSAllowOrigin *', 'CORSAllowCredentials On', '</CORSPolicy>');
bad('a policy in <Location>', qr/<CORSPolicy not allowed in <Location> context/, 1,
    $loc->('<CORSPolicy p>', '</CORSPolicy>'));
bad('a policy in <Directory>', qr/<CORSPolicy not allowed in <Directory> context/, 1,
    "<Directory \"$dir\">", '<CORSPolicy p>', '</CORSPolicy>', '</Directory>');
bad('a bad policy name', "<CORSPolicy>: 'a/b' is not a policy name: only letters, digits, '-', '_' and '.' are allowed",
    0, '<CORSPolicy a/b>', '</CORSPolicy>');
bad('a policy without a name', '<CORSPolicy> needs a policy name', 0, '<CORSPolicy>', '</CORSPolicy>');
bad('two names', "<CORSPolicy a>: one name only, not 'b'", 0, '<CORSPolicy a b>', '</CORSPolicy>');
bad('CORSPolicy with a bad name',
    "CORSPolicy: 'a b' is not a policy name: only letters, digits, '-', '_' and '.' are allowed",
    1, $loc->('CORSPolicy "a b"'));
bad('two CORSPolicy lines in one section', "CORSPolicy: this section already uses the policy 'partner-api'",
    6, @policy, $loc->('CORSPolicy partner-api', 'CORSPolicy partner-api'));

# --- configurations that trust too much: what a .htaccess author who is
# not the administrator can write and what it costs -----------------------
# (the block goes inside <Directory>, in the same temporary directory)

my ($mpm_name) = $mpm =~ /mod_(mpm_\w+)\.so$/;

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

my $rc;
($rc, $out) = httpd_t('CORSAllowCredentials On', 'CORSAllowOrigin https://app.example.com');
is($rc, 0, 'credentials for an https origin: accepted');
unlike($out, qr/cors:warn|trusted with credentials/, 'https origin with credentials: no warning');
($rc, $out) = httpd_t('CORSAllowOriginMatch https://app\.example\.com');
unlike($out, qr/unescaped/, 'escaped dots: no warning');

done_testing();
