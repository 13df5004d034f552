#!/usr/bin/perl
# Directive fuzzer (docs/hardening.md, "Hostile configuration"): random values for every mod_cors
# directive, in every kind of section, checked with `httpd -t`.
#
#   t/fuzz/config-fuzz.pl [-n RUNS] [-s SEED] [-k]
#
# Environment: HTTPD (httpd binary), CORS_SO (the module to load; default
# .libs/mod_cors.so), LIBEXECDIR (httpd's modules), CORS_PRELOAD (libraries
# to LD_PRELOAD into httpd, for the sanitizer build).
#
# Every run writes one configuration of 1 to 12 directive lines in one to
# three nested sections.  httpd -t must either accept it (exit 0, "Syntax
# OK") or refuse it the way Apache refuses any bad line: exit 1 with
# "Syntax error on line N of FILE:" and a message that names the directive
# on line N.  A signal, another exit code, a sanitizer report, a message
# without the directive's name, or no answer in 10 seconds is a finding: the
# configuration is kept in t/fuzz/findings/ and the run fails.
use strict;
use warnings;
use Cwd qw(abs_path getcwd);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use Getopt::Long;
use POSIX qw(WIFSIGNALED WTERMSIG WEXITSTATUS);

my ($runs, $seed, $keep) = (300, time ^ $$, 0);
GetOptions('n=i' => \$runs, 's=i' => \$seed, 'k' => \$keep) or exit 2;
srand $seed;

my $top = abs_path(getcwd());
my $httpd = $ENV{HTTPD} || '/usr/sbin/apache2';
my $so = abs_path($ENV{CORS_SO} || "$top/.libs/mod_cors.so");
my $libexec = $ENV{LIBEXECDIR} || '/usr/lib/apache2/modules';
die "config-fuzz: $so does not exist (make first)\n" unless -e $so;
my $dir = tempdir('cors-config-fuzz-XXXXXX', TMPDIR => 1, CLEANUP => !$keep);
my $findings = "$top/t/fuzz/findings";

# --- Values ------------------------------------------------------------------
my @origins = ('https://a.example', 'http://localhost:8080', '*', 'null',
    'NULL', 'https://*.example.com', 'https://*.example.com:*',
    'http://localhost:*', 'http://[::1]:8080', 'https://xn--bcher-kva.example',
    'https://a.example/', 'https://a.example/x', 'file://', 'ftp://a',
    'https://*.com', 'https://*.co.uk', 'https://*.github.io', 'https://a.*.b',
    'https://*example.com', 'https://a.example:0', 'https://a.example:65536',
    'https://u@a.example', 'https://', 'https://a..b', 'https://[::1',
    'https://*.127.0.0.1', 'https://' . ('a' x 64) . '.example');
my @methods = qw(GET HEAD POST PUT DELETE PATCH OPTIONS * get BREW M-SEARCH);
my @headers = qw(X-Token Content-Type Authorization * set-cookie x-a x_b);
my @regexes = ('https://.*\.example\.com', 'https?://.*', '.*', 'null',
    'https://app.example.com', '(', ')', '[', '*', '+x', '(?i)x', '\\',
    'a{1,99999}', '(a+)+$', '^https://x$', '$', 'https://[a-z]+\.example');
my @flags = (qw(On Off on OFF) x 4, qw(yes 1 0 true), '');
my @ages = ((qw(0 1 600 86400 Off) x 4), qw(86401 2147483647 2147483648 -1
    off 1e3 0x10), '99999999999999999999999', ' 5', '');
my @statuses = (qw(200 204) x 4, qw(201 302 0200 2O4), '');

my %values = (
    CORSEngine => \@flags, CORSAllowCredentials => \@flags,
    CORSAllowPrivateNetwork => \@flags, CORSPreflightPassthrough => \@flags,
    CORSPreflightBypassAuth => \@flags, CORSRejectDisallowed => \@flags,
    CORSCrossOriginProtection => \@flags,
    CORSMaxAge => \@ages, CORSPreflightStatus => \@statuses,
    CORSAllowOrigin => \@origins, CORSAllowOriginMatch => \@regexes,
    CORSAllowMethods => \@methods, CORSAllowHeaders => \@headers,
    CORSExposeHeaders => \@headers,
);
my @directives = sort keys %values;
my %list = map { $_ => 1 } qw(CORSAllowOrigin CORSAllowMethods
    CORSAllowHeaders CORSExposeHeaders);

sub pick { $_[int rand @_] }

# Random bytes that can stand on one configuration line.
sub junk {
    my $n = shift // 1 + int rand 40;
    join '', map { chr(pick(1 .. 9, 11 .. 255)) } 1 .. $n;
}

# Flip, insert or delete a few bytes of a known value.
sub mutate {
    my $s = shift;
    for (1 .. 1 + int rand 3) {
        my $at = int rand(length($s) + 1);
        my $r = rand;
        if ($r < 0.4 && length $s) { substr($s, $at % length $s, 1) = junk(1) }
        elsif ($r < 0.7) { substr($s, $at, 0) = pick('*', ':', '/', '.', ',', '+', '-', '"', "'", '\\', ' ', junk(1)) }
        elsif (length $s) { substr($s, $at % length $s, 1) = '' }
    }
    $s;
}

# Half the runs use only the known values (legal and illegal ones), so that
# whole configurations pass and the merge of many sections is exercised; the
# other half mutate them and add junk.
my $wild;

sub item {
    my ($d, $mode) = @_;
    my $r = $wild ? rand : 0;
    my $v = $r < 0.8 ? pick(@{ $values{$d} })
          : $r < 0.92 ? mutate(pick(@{ $values{$d} }))
          : $r < 0.97 ? junk()
          : pick('x' x (1 + int rand 9000), '"' . junk() . '"', "'x y'", '""');
    # Edits: '+'/'-' on every item of an editing line, on some of a mixed
    # one (which httpd must refuse).
    $v = pick('+', '-') . $v if $mode eq 'edit';
    $v = pick('+', '-', '') . $v if $mode eq 'mixed';
    $v;
}

sub line {
    my $d = pick(@directives);
    my $n = $list{$d} ? (rand() < 0.05 ? 1000 + int rand 2000 : 1 + int rand 4) : 1;
    $n = 0 if rand() < 0.03;
    my $sep = $list{$d} ? pick(' ', ', ', ',', "\t") : ' ';
    my $r = rand;
    my $mode = !$list{$d} ? 'plain' : $r < 0.5 ? 'plain' : $r < 0.9 ? 'edit' : 'mixed';
    ($d, "$d " . join($sep, map { item($d, $mode) } 1 .. $n));
}

my @sections = ('<Directory "%s/d%d">', '<Location "/l%2$d">',
    '<LocationMatch "^/m%2$d">', '<Files "f%2$d">',
    '<If "%%{REQUEST_URI} =~ m#/i%2$d#">', '<VirtualHost 127.0.0.1:1>');
my %close = (Directory => '</Directory>', Location => '</Location>',
    LocationMatch => '</LocationMatch>', Files => '</Files>', If => '</If>',
    VirtualHost => '</VirtualHost>');

# --- Runs --------------------------------------------------------------------
my ($ok, $refused, $bad) = (0, 0, 0);
my %why;
for my $run (1 .. $runs) {
    my $conf = "$dir/httpd.conf";
    $wild = rand() < 0.5;
    my @lines = (
        "ServerRoot \"$dir\"",
        "LoadModule mpm_event_module \"$libexec/mod_mpm_event.so\"",
        "LoadModule authz_core_module \"$libexec/mod_authz_core.so\"",
        "LoadModule cors_module \"$so\"",
        "ServerName localhost", "PidFile \"$dir/pid\"",
        "ErrorLog \"$dir/error_log\"", "Listen 127.0.0.1:1",
    );
    my @open;
    my %directive_at;
    for (1 .. 1 + int rand 12) {
        my $r = rand;
        if ($r < 0.15 && @open < 3) {
            my $s = do {
                no warnings 'redundant';
                sprintf(pick(@sections), $dir, 1 + int rand 3);
            };
            next if $s =~ /VirtualHost/ && @open;
            my ($kind) = $s =~ /^<(\w+)/;
            push @lines, $s;
            push @open, $kind;
        }
        elsif ($r < 0.2 && @open) {
            push @lines, $close{ pop @open };
        }
        else {
            my ($d, $text) = line();
            push @lines, $text;
            $directive_at{ scalar @lines } = $d;
        }
    }
    push @lines, $close{ pop @open } while @open;
    open my $fh, '>:raw', $conf or die "$conf: $!";
    print $fh map { "$_\n" } @lines;
    close $fh;

    local $ENV{LD_PRELOAD} = $ENV{CORS_PRELOAD} if $ENV{CORS_PRELOAD};
    local $ENV{ASAN_OPTIONS} = 'detect_leaks=0' if $ENV{CORS_PRELOAD};
    my $out = `timeout 10 $httpd -t -f "$conf" 2>&1`;
    my $status = $?;
    my $code = $status >> 8;
    my $finding;
    if ($status & 127) {
        $finding = 'killed by signal ' . ($status & 127);
    }
    elsif ($code == 124) {
        $finding = 'no answer in 10 seconds';
    }
    elsif ($out =~ /AddressSanitizer|runtime error|LeakSanitizer/) {
        $finding = 'sanitizer report';
    }
    elsif ($code == 0) {
        $out =~ /Syntax OK/ ? $ok++ : ($finding = 'exit 0 without "Syntax OK"');
    }
    elsif ($code == 1) {
        if ($out =~ /Syntax error on line (\d+) of [^:]+:\s*\n?(.*)/) {
            my ($n, $msg) = ($1, $2);
            # A line ending in '\\' continues on the next one, and Apache
            # reports the last line of the joined directive.
            $n-- while $n > 1 && $lines[$n - 2] =~ /\\$/;
            my $d = $directive_at{$n};
            if ($d && index(lc $msg, lc $d) < 0) {
                $finding = "message for line $n does not name $d";
            }
            else {
                $refused++;
                (my $kind = $msg) =~ s/'[^']*'/'...'/g;
                $kind =~ s/^(\w+)(:| ).*?(is not|must|cannot|needs|takes|matches|only).*/$1: ... $3 .../;
                $kind = substr($kind, 0, 80);
                $why{$kind}++;
            }
        }
        else {
            $finding = 'exit 1 without "Syntax error on line N"';
        }
    }
    else {
        $finding = "exit $code";
    }
    if ($finding) {
        $bad++;
        make_path($findings);
        my $keepfile = "$findings/config-$seed-$run.conf";
        system('cp', $conf, $keepfile);
        print "config-fuzz: FINDING ($finding), kept as $keepfile\n$out\n";
    }
}
printf "config-fuzz: %d runs (seed %d): %d accepted, %d refused with a " .
    "named directive, %d findings\n", $runs, $seed, $ok, $refused, $bad;
if ($ENV{CONFIG_FUZZ_VERBOSE}) {
    printf "  %5d  %s\n", $why{$_}, $_ for sort { $why{$b} <=> $why{$a} } keys %why;
}
exit($bad ? 1 : 0);
