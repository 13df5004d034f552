# Origin patterns (docs/mod_cors.md, "Wildcard subdomains and any port")
# against a real httpd: https://*.example.com (label
# boundary, at least one extra label, default port only), port *, and
# CORSAllowOriginMatch (anchored), each in server (virtual host), directory
# and .htaccess context; '-pattern' carving (every port unless a port is
# written); the start-up warnings for risky but legal policies.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use File::Spec::Functions qw(catfile);
use File::Temp qw(tempdir);
use CorsTest;

cors_plan();

# What each context allows and never allows; the same table everywhere.
my @allowed = (
    'https://a.p.example',                 # one extra label
    'https://a.b.p.example',               # two
    'https://A.P.EXAMPLE',                 # case-insensitive, echoed as sent
    'https://a.p.example:443',             # the default port, explicit
    'https://a.pp.example:8443',           # port * on a wildcard
    'https://a.pp.example',                # port * also means no port
    'http://localhost',                    # exact host, port *
    'http://localhost:3000',
    'https://pr-42.preview.q.example',     # the regex
);
my @refused = (
    'https://p.example',                   # the apex: no extra label
    'https://evil-p.example',              # not a label boundary
    'https://a.p.example.evil.net',        # suffix attack
    'https://xp.example',                  # not a label boundary
    'http://a.p.example',                  # other scheme
    'https://a.p.example:8443',            # non-default port without :*
    'https://localhost:3000',              # other scheme for localhost:*
    'http://a.localhost',                  # localhost:* is not a wildcard
    'https://pr-42.preview.q.example.evil.net', # the regex is anchored
    'https://xpr-42.preview.q.example',    # anchored at the start too
    'null',                                # no pattern or regex covers null
    'https://*.p.example',                 # a request cannot spell a pattern
    'http://localhost:*',
);

sub check_context {
    my ($ctx, $path, %opt) = @_;
    for my $o (@allowed) {
        my $r = req('GET', $path, [Origin => $o], %opt);
        is($r->{status}, 200, "$ctx: GET from $o: 200");
        acao_is($r, $o, "$ctx: $o allowed");
        vary_ok($r, ['Origin'], "$ctx: $o");
        my $pf = req('OPTIONS', $path,
            [Origin => $o, 'Access-Control-Request-Method' => 'GET'], %opt);
        preflight_ok($pf, $o, "$ctx: preflight from $o");
    }
    for my $o (@refused) {
        my $r = req('GET', $path, [Origin => $o], %opt);
        is($r->{status}, 200, "$ctx: GET from $o: still served");
        no_acx($r, "$ctx: $o refused");
        vary_ok($r, ['Origin'], "$ctx: $o");
        my $pf = req('OPTIONS', $path,
            [Origin => $o, 'Access-Control-Request-Method' => 'GET'], %opt);
        refused_ok($pf, qr/origin '\Q$o\E' is (?:not allowed|malformed)/,
            "$ctx: preflight from $o");
    }
}

check_context('server', '/patterns/dir/a.txt', port => vhost_port('cors_patterns'));
check_context('directory', '/patterns/dir/a.txt');

# .htaccess
my $ht = catfile(docroot(), 'patterns', 'ht', '.htaccess');
open my $fh, '>', $ht or die "cannot write $ht: $!";
print $fh <<'HT';
CORSEngine On
CORSAllowOrigin https://*.p.example https://*.pp.example:* http://localhost:*
CORSAllowOriginMatch "https://pr-[0-9]+\.preview\.q\.example"
HT
close $fh;
check_context('.htaccess', '/patterns/ht/a.txt');
unlink $ht;

# A regex that does not compile on its own is a configuration error, even
# where wrapping it in the module's anchors would make it compile: there,
# 'a)|(b' would allow https://a.example.com.evil.net.  In .htaccess: a 500
# with the reason in the error log, and no origin allowed.
{
    my $escape = 'https://a\.example\.com)|(https://b\.example\.com';
    my $logged = $escape =~ s/\\/\\\\/gr;   # the error log doubles '\'
    my $mark = error_log_mark();
    write_htaccess('patterns', 'ht', qq{CORSEngine On\nCORSAllowOriginMatch "$escape"\n});
    for my $o ('https://a.example.com.evil.net', 'https://a.example.com',
               'https://b.example.com', 'https://x.b.example.com') {
        my $r = req('GET', '/patterns/ht/a.txt', [Origin => $o]);
        is($r->{status}, 500, ".htaccess regex escaping its anchors: 500 for $o");
        no_acx($r, ".htaccess regex escaping its anchors: $o");
    }
    like(error_log_since($mark, qr/closes no group/),
         qr/\.htaccess: CORSAllowOriginMatch: '\Q$logged\E' is not a valid regular expression: it has a '\)' that closes no group/,
         '.htaccess regex escaping its anchors: the reason in the error log');
    remove_htaccess();
}

# No regex can stall a worker: against the longest origins the module
# accepts, a regex that backtracks catastrophically hits PCRE's match limit
# and does not match (the origin is not allowed), and the error log says so
# once a minute per regex, however many requests hit it.  In the
# configuration and in .htaccess (compiled again for each request).
{
    my $https = 'https://' . ('a' x 240) . 'b.example.com';   # the longest host
    my $long  = ('a' x 499) . '1://x.example';                # 512 bytes
    is(length($long), 512, 'the longest origin the module accepts: 512 bytes');
    my $redos = sub {
        my ($ctx, $path, @cases) = @_;
        my $mark = error_log_mark();
        for my $round (1 .. 3) {
            for my $case (@cases) {
                my ($o) = @$case;
                my $r = req('GET', $path, [Origin => $o]);
                no_acx($r, "$ctx: " . length($o) . "-byte origin, round $round: not allowed");
                vary_ok($r, ['Origin'], "$ctx: " . length($o) . "-byte origin, round $round");
                $r = preflight($path, $o, 'GET');
                refused_ok($r, qr/origin '[a-z:\/.1]+' is not allowed/,
                    "$ctx: preflight from a " . length($o) . "-byte origin, round $round");
            }
        }
        # what the regexes are for still works
        my $r = req('GET', $path, [Origin => 'https://aaaa.example.com']);
        acao_is($r, 'https://aaaa.example.com', "$ctx: a matching origin is allowed");
        $r = req('GET', $path, [Origin => 'abc://x.example']);
        acao_is($r, 'abc://x.example', "$ctx: a matching origin is allowed");
        my $log = error_log_since($mark, qr/hit PCRE's match limit.*\n.*hit PCRE's match limit/);
        for my $case (@cases) {
            my ($o, $re) = @$case;
            my $logged = $re =~ s/\\/\\\\/gr;
            my @lines = $log =~ /^(.*\[cors:warn\].*CORSAllowOriginMatch '\Q$logged\E' \([^)]*\) hit PCRE's match limit.*)$/mg;
            is(scalar(@lines), 1, "$ctx: one warning for $re after 6 requests")
                or diag($log);
            like($lines[0] // '', qr/on the origin '\Q${\ substr($o, 0, 100)}\E\.\.\.', which it therefore does not allow/,
                 "$ctx: the warning names the origin");
        }
    };
    $redos->('server config', '/patterns/redos/x',
             [$https, 'https://(a+)+\.example\.com'], [$long, '([a-z]+)+://x\.example']);
    write_htaccess('patterns', 'redosht', "CORSEngine On\n"
      . qq{CORSAllowOriginMatch "https://((a+)+)\\.example\\.com"\n}
      . qq{CORSAllowOriginMatch "(([a-z]+)+)://x\\.example"\n});
    $redos->('.htaccess', '/patterns/redosht/a.txt',
             [$https, 'https://((a+)+)\.example\.com'], [$long, '(([a-z]+)+)://x\.example']);
    remove_htaccess();
}

# A regex that matches a canary (here https://LABELexample.com, the domain it
# names with a label glued in front) next to credentials: in .htaccess, a
# 500 with the reason in the error log.
{
    my $mark = error_log_mark();
    write_htaccess('patterns', 'ht', "CORSEngine On\nCORSAllowCredentials On\n"
                                   . "CORSAllowOriginMatch \"https://.*example\\.com\"\n");
    my $r = req('GET', '/patterns/ht/a.txt', [Origin => 'https://app.example.com']);
    is($r->{status}, 500, '.htaccess canary regex with credentials: 500');
    no_acx($r, '.htaccess canary regex with credentials');
    like(error_log_since($mark, qr/an origin nobody owns/),
         qr/\.htaccess: CORSAllowOriginMatch: 'https:\/\/\.\*example\\\\\.com' matches 'https:\/\/[a-z]{10}example\.com', an origin nobody owns, which cannot be used with CORSAllowCredentials On in the same section/,
         '.htaccess canary regex with credentials: the reason in the error log');
    remove_htaccess();
}

# '-https://*.internal.p.example' in an editing <Location> below the
# directory's 'https://*.p.example': the subtree is carved out, the rest
# stays.  (No file there: the 404s are decorated like any response.)
for my $o ('https://a.internal.p.example', 'https://x.y.internal.p.example') {
    my $r = req('GET', '/patterns/dir/carve/x', [Origin => $o]);
    no_acx($r, "carved: $o");
}
for my $o ('https://internal.p.example', 'https://a.p.example') {
    my $r = req('GET', '/patterns/dir/carve/x', [Origin => $o]);
    acao_is($r, $o, "not carved: $o");
}

# A carve-out written without a port takes out every port of that host or
# pattern, even where the inherited list has a more specific entry
# (https://a.internal.c.example:8443); written with a port, that port only.
# (No files there: the 404s are decorated like any response.)
sub carve {
    my ($path, $allowed, $refused) = @_;
    for my $o (@$allowed) {
        my $r = req('GET', $path, [Origin => $o]);
        acao_is($r, $o, "$path: $o allowed");
        $r = preflight($path, $o, 'GET');
        preflight_ok($r, $o, "$path: preflight from $o");
    }
    for my $o (@$refused) {
        my $r = req('GET', $path, [Origin => $o]);
        no_acx($r, "$path: $o carved out");
        $r = preflight($path, $o, 'GET');
        refused_ok($r, qr/origin '\Q$o\E' is not allowed/, "$path: preflight from $o");
    }
}
carve('/patterns/carve/x',
      ['https://x.c.example', 'https://x.c.example:8443', 'https://y.c.example:9443',
       'https://a.internal.c.example:8443', 'http://localhost:3000'],
      ['https://c.example', 'http://x.c.example']);
carve('/patterns/carve/all/x',
      ['https://y.c.example:9443', 'https://internal.c.example:8443',
       'https://x.c.example.c.example'],
      ['https://x.c.example', 'https://x.c.example:443', 'https://x.c.example:8443',
       'https://x.c.example:9443', 'https://a.internal.c.example:8443',
       'https://b.internal.c.example', 'https://b.a.internal.c.example:7000',
       'http://localhost', 'http://localhost:3000']);
carve('/patterns/carve/port/x',
      ['https://x.c.example', 'https://x.c.example:9443', 'https://a.internal.c.example',
       'https://b.internal.c.example:9443', 'http://localhost', 'http://localhost:3001'],
      ['https://x.c.example:8443', 'https://a.internal.c.example:8443',
       'https://b.internal.c.example:8443', 'http://localhost:3000']);

# Start-up warnings (warn, not error) for risky but legal policies, with
# the file and line; httpd -t still succeeds.
{
    my $cfg   = CorsTest::config();
    my $httpd = $cfg->{vars}->{httpd};
    my $so    = $cfg->{modules}->{'mod_cors.c'};
    my ($mpm) = grep { defined }
        map { $cfg->{modules}->{"mod_mpm_$_.c"} } qw(event worker prefork);
    my $dir = tempdir(CLEANUP => 1);
    my $n = 0;
    my $warns = sub {
        my ($name, $want, @block) = @_;
        my $file = catfile($dir, 'w' . ++$n . '.conf');
        open my $c, '>', $file or die $!;
        print $c join("\n",
            'LoadModule ' . ($mpm =~ /mpm_(\w+)\.so$/ ? "mpm_$1_module" : 'mpm_event_module') . qq{ "$mpm"},
            qq{LoadModule cors_module "$so"},
            'ServerName localhost', qq{ErrorLog "$dir/error_log"}, qq{PidFile "$dir/pid"},
            '<Location /x>', @block, '</Location>', '');
        close $c;
        my $out = `'$httpd' -t -f '$file' 2>&1`;
        is($? >> 8, 0, "$name: httpd -t succeeds");
        if (defined $want) {
            like($out, qr/\[cors:warn\][^\n]*\Q$want\E[^\n]*\(\Q$file\E:\d+\)/,
                "$name: warning with file and line");
        }
        else {
            unlike($out, qr/\[cors:warn\]/, "$name: no warning");
        }
    };
    $warns->('unescaped dot',
        "CORSAllowOriginMatch: 'https://app.example.com' has an unescaped '.'",
        'CORSAllowOriginMatch https://app.example.com');
    $warns->('regex hitting the match limit on a canary',
        "CORSAllowOriginMatch: 'https://([a-z.]+)+[0-9]' hits the PCRE match limit on "
        . "'https://evil.invalid': it backtracks catastrophically",
        'CORSAllowOriginMatch "https://([a-z.]+)+[0-9]"');
    $warns->('escaped dots', undef,
        'CORSAllowOriginMatch https://app\.example\.com',
        'CORSAllowOriginMatch "https://[a-z.]+\.example\.com"',
        'CORSAllowOriginMatch "https://.+\.example\.com"');
    $warns->('http origin with credentials',
        "origin 'http://app.example.com' is trusted with credentials",
        'CORSAllowOrigin http://app.example.com', 'CORSAllowCredentials On');
    $warns->('credentials first, then http origin',
        "CORSAllowOrigin: origin 'http://app.example.com' is trusted with credentials",
        'CORSAllowCredentials On', 'CORSAllowOrigin http://app.example.com');
    $warns->('localhost:* with credentials',
        "origin 'http://localhost:*' is trusted with credentials",
        'CORSAllowCredentials On', 'CORSAllowOrigin http://localhost:*');
    $warns->('private network host with credentials',
        "origin 'https://192.168.1.10' is trusted with credentials",
        'CORSAllowCredentials On', 'CORSAllowOrigin https://192.168.1.10');
    $warns->('https origin with credentials', undef,
        'CORSAllowCredentials On', 'CORSAllowOrigin https://app.example.com https://*.example.com');
    $warns->('http origin without credentials', undef,
        'CORSAllowOrigin http://app.example.com http://localhost:*');
    $warns->('Set-Cookie exposed',
        'CORSExposeHeaders: browsers never let scripts read set-cookie',
        'CORSExposeHeaders X-Total Set-Cookie');
    $warns->('Max-Age over the browsers\' cap',
        'CORSMaxAge 100000: browsers cap the preflight cache',
        'CORSMaxAge 100000');
    $warns->('Max-Age under the cap', undef, 'CORSMaxAge 7200');
    # null: any page can send it (a sandboxed iframe), whichever line is second
    $warns->('null with credentials',
        "CORSAllowCredentials: origin 'null' is trusted with credentials",
        'CORSAllowOrigin null', 'CORSAllowCredentials On');
    $warns->('credentials, then null',
        "CORSAllowOrigin: origin 'null' is trusted with credentials "
        . "(CORSAllowCredentials On in the same section): any page can send it, "
        . "from a sandboxed iframe, a data: URL or a local file",
        'CORSAllowCredentials On', 'CORSAllowOrigin https://app.example.com null');
    $warns->('null without credentials', undef, 'CORSAllowOrigin null');
  SKIP: {
    skip 'no Public Suffix List data file (Debian: publicsuffix)', 4
        unless -r '/usr/share/publicsuffix/public_suffix_list.dat';
    # a wildcard over a domain with public suffixes below it, no credentials
    $warns->('wildcard with public suffixes below',
        "CORSAllowOrigin: 'https://*.amazonaws.com' covers public suffixes (the Public "
        . "Suffix List has s3.amazonaws.com below amazonaws.com), under which anyone "
        . "can register a site",
        'CORSAllowOrigin https://*.amazonaws.com');
    $warns->('wildcard without public suffixes below', undef,
        'CORSAllowOrigin https://*.example.com https://*.mybucket.s3.amazonaws.com');
  }
}

done_testing();
