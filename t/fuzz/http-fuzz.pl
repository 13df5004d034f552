#!/usr/bin/perl
# Protocol fuzzer: mutated raw HTTP/1.1 requests against a live httpd that
# has CORSEngine On at server level (docs/hardening.md, "Protocol fuzzer").
#
#   t/fuzz/http-fuzz.pl [-s SEED] [-t SECONDS] [-n CASES] [-j CONNS]
#                       [--slow CONNS] [-b BATCH] [-k] [-v] [--no-minimise]
#                       [--crash-only] [--corpus DIR]
#   t/fuzz/http-fuzz.pl -r FILE...      replay saved cases, then stop
#   t/fuzz/http-fuzz.pl --print N -s SEED   print case N of SEED, no server
#
# -t and -n stop generating after SECONDS or CASES (2,000 cases when
# neither is given); -j and --slow are the connections open at once for
# quick cases and for those that stall on purpose (4 and 12); -b the cases
# between two checks (250, and at least every 2 s); -k keeps the scratch
# directory; --crash-only counts contract problems instead of stopping.
#
# Environment: HTTPD (httpd binary), LIBEXECDIR (httpd's modules), CORS_SO
# (the module to load; default .libs/mod_cors.so), CORS_PRELOAD (libraries
# to LD_PRELOAD into httpd: the sanitizer runtimes for the build of
# make test-asan).
#
# The fuzzer writes a configuration into a scratch directory and starts its
# own httpd on two free loopback ports, the way t/examples.t does: the main
# server (CORSEngine On and an origin list at server level, as most sites
# write it), a <Location> with CORSRejectDisallowed and a Basic-auth scope
# below it, an .htaccess directory, local and string ErrorDocuments, a CGI
# that reads request bodies and sends its own Access-Control-* headers,
# name-based virtual hosts on the second port (a policy of their own,
# passthrough preflights, CORSEngine Off), mod_reqtimeout with timeouts of
# one to two seconds, and an access log with %{CORS_RESULT}e.
#
# Every case is generated from one seed request of t/fuzz/corpus/http/ by a
# PRNG seeded with (SEED, case number), so "-s SEED --print N" rebuilds any
# case, and a run with the same seed sends the same bytes.  A case is a
# connection: writes, pauses, and an ending (half-close and read, read
# until the server closes, close, or reset).  Mutations: the request line
# (method, target, version, lengths around and beyond LimitRequestLine, NUL
# and control bytes, missing or extra parts), the header block (Origin and
# Access-Control-Request-* values, duplicates, huge values, folded lines,
# missing colons, bare LF and CR, oversized lines, too many fields, Host,
# Content-Length and Transfer-Encoding conflicts), chunked bodies (bad
# sizes, truncated chunks, trailers), pipelining (several requests in one
# write), writes split with pauses, stalls mid-block that mod_reqtimeout
# must end, empty connections and abrupt closes.  Each corpus file is
# also sent once as it is, first.
#
# After every batch the fuzzer checks the server: no child gone (the
# children of the parent are counted; the configuration never retires
# one), no "exit signal", AH00052 or AH00060 in the error log, no
# sanitizer log file, and an ordinary preflight still gets its 204 with
# the right headers and CORS_RESULT preflight-ok.  It also checks the
# contract (docs/mod_cors.md, "The module owns Access-Control-*" and
# "Requests Apache refuses early"): never two Access-Control-Allow-Origin
# lines in a response, and a request httpd refused before it had read it
# whole gets no Access-Control-*, no Vary: Origin and no CORS_RESULT
# (SetEnvIf marks the requests httpd read whole; see write_server()).
# Any of these is a finding: the run stops, the cases that were on the
# wire since the check before last are saved under
# t/fuzz/findings/http-SEED-N/ (with the error log and sanitizer reports),
# replayed by halves to find the one that does it, and that one is
# shortened line by line to minimal.case.
use strict;
use warnings;
use Cwd qw(abs_path getcwd);
use Digest::SHA qw(sha1_base64);
use Errno qw(EAGAIN EWOULDBLOCK EINTR);
use File::Basename qw(basename);
use File::Copy qw(copy);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use Getopt::Long;
use IO::Select;
use IO::Socket::INET;
use Socket qw(IPPROTO_TCP TCP_NODELAY SOL_SOCKET SO_LINGER);
use Time::HiRes qw(time sleep);

$| = 1;
my %opt = (j => 4, b => 250, slow => 12);
GetOptions(\%opt, 's=i', 't=f', 'n=i', 'j=i', 'b=i', 'slow=i', 'k', 'v',
    'r', 'print=i', 'no-minimise', 'crash-only', 'corpus=s') or exit 2;
my $seed = defined $opt{s} ? $opt{s} : (time ^ ($$ << 15)) & 0x7fffffff;
$opt{n} = 2000 unless defined $opt{n} || defined $opt{t} || $opt{r};

my $top = abs_path(getcwd());
my $corpus = $opt{corpus} || "$top/t/fuzz/corpus/http";
my $httpd = $ENV{HTTPD} || '/usr/sbin/apache2';
my $libexec = $ENV{LIBEXECDIR} || '/usr/lib/apache2/modules';
my $so = abs_path($ENV{CORS_SO} || "$top/.libs/mod_cors.so");
my $findings = "$top/t/fuzz/findings";
$SIG{PIPE} = 'IGNORE';
my %stats = (cases => 0, generated => 0, connections => 0, requests => 0,
             bytes => 0, contract => 0, resets => 0, unanswered => 0,
             connect_fail => 0, write_err => 0, checks => 0);

# Apache's defaults, which the mutations aim at and just past.
use constant LINE_LIMIT   => 8190;    # LimitRequestLine
use constant FIELD_LIMIT  => 8190;    # LimitRequestFieldSize
use constant FIELDS_LIMIT => 100;     # LimitRequestFields
# How long a connection may stay open: the longest reqtimeout (2 s) plus
# Timeout for a CGI, with room for a loaded machine.
use constant CASE_DEADLINE => 20;

sub pick { $_[int rand @_] }
sub chance { rand() < $_[0] }

# --- Seeds ------------------------------------------------------------------
# A .http file is one request as text, LF line ends (sent as CRLF); a
# leading "# port vhost" line sends it to the virtual hosts' port.  The
# body of a request without Transfer-Encoding loses the file's final
# newline, so that Content-Length counts what is written.  A .case file is
# a saved case (the format case_text() writes).
sub parse_http {
    my ($text) = @_;
    my $port = 'main';
    while ($text =~ s/\A#([^\n]*)\n//) {
        $port = 'vhost' if $1 =~ /\bport\s+vhost\b/;
    }
    $text =~ s/\r?\n/\r\n/g;
    my ($head, $body) = split /\r\n\r\n/, $text, 2;
    $body = '' unless defined $body;
    my ($line, @fields) = split /\r\n/, $head;
    my ($method, $target, $version) = split / /, $line, 3;
    my @headers = map { [ /^([^:]*):[ \t]*(.*)$/s ] } @fields;
    my $req = { method => $method, target => $target, version => $version,
                headers => \@headers, body => $body, port => $port };
    $req->{body} =~ s/\r\n\z// unless hget($req, 'Transfer-Encoding');
    return $req;
}

sub slurp {
    my $f = shift;
    open my $fh, '<:raw', $f or die "http-fuzz: $f: $!\n";
    local $/;
    return scalar <$fh>;
}

my (@seeds, @corpus_cases);
sub load_corpus {
    opendir my $dh, $corpus or die "http-fuzz: $corpus: $!\n";
    for my $f (sort readdir $dh) {
        my $path = "$corpus/$f";
        if ($f =~ /\.http$/) {
            my $req = parse_http(slurp($path));
            $req->{name} = $f;
            push @seeds, $req;
            my $c = package_case([$req], 'shut', "file($f)");
            $c->{id} = $f;
            push @corpus_cases, $c;
        }
        elsif ($f =~ /\.case$/) {
            push @corpus_cases, read_case($path);
        }
    }
    die "http-fuzz: no .http seeds in $corpus\n" unless @seeds;
}

# --- Requests: structure and serialisation ------------------------------------
sub hidx {
    my ($r, $name) = @_;
    my @h = @{ $r->{headers} };
    return grep { defined $h[$_][0] && lc $h[$_][0] eq lc $name } 0 .. $#h;
}
sub hget {
    my ($r, $name) = @_;
    my ($i) = hidx($r, $name);
    return defined $i ? $r->{headers}[$i][1] : undef;
}
sub hdel {
    my ($r, $name) = @_;
    my %del = map { $_ => 1 } hidx($r, $name);
    $r->{headers} = [ map { $r->{headers}[$_] }
                      grep { !$del{$_} } 0 .. $#{ $r->{headers} } ];
}
# Replace the first NAME line (or add one at a random place).
sub hset {
    my ($r, $name, $value) = @_;
    my ($i) = hidx($r, $name);
    if (defined $i) {
        $r->{headers}[$i] = [$name, $value];
    }
    else {
        splice @{ $r->{headers} }, int rand(@{ $r->{headers} } + 1), 0,
            [$name, $value];
    }
}

sub clone_req {
    my $r = shift;
    return { %$r, headers => [ map { [@$_] } @{ $r->{headers} } ],
             eols => { %{ $r->{eols} || {} } } };
}

# Header entries: [name, value] is "name: value"; [name, value, FORM]
# spells it differently; [undef, text] is a raw line.  Line ends are
# $r->{eol} (CRLF) unless $r->{eols}{N} says otherwise for line N (0 is
# the request line, the blank line is last).
sub serialize {
    my $r = shift;
    my $eol = defined $r->{eol} ? $r->{eol} : "\r\n";
    my $sep = defined $r->{sep} ? $r->{sep} : ' ';
    my @lines;
    push @lines, defined $r->{line} ? $r->{line}
        : join $sep, grep { defined } $r->{method}, $r->{target}, $r->{version};
    for my $h (@{ $r->{headers} }) {
        my ($n, $v, $form) = @$h;
        if (!defined $n) { push @lines, $v; next }
        $form ||= '';
        push @lines,
              $form eq 'nocolon' ? "$n $v"
            : $form eq 'spacecolon' ? "$n : $v"
            : $form eq 'nospace' ? "$n:$v"
            : $form =~ /^fold(.)$/ ? do {
                  my $at = int(length($v) / 2);
                  "$n: " . substr($v, 0, $at) . $eol . $1 . substr($v, $at);
              }
            : "$n: $v";
    }
    push @lines, '';
    my $out = defined $r->{pre} ? $r->{pre} : '';
    for my $i (0 .. $#lines) {
        $out .= $lines[$i]
            . (defined $r->{eols}{$i} ? $r->{eols}{$i}
               : $i == $#lines && defined $r->{blank} ? $r->{blank} : $eol);
    }
    return $out . (defined $r->{body} ? $r->{body} : '');
}

# --- Values -----------------------------------------------------------------
my $APP = 'https://app.example.com';
my @origins = ($APP, $APP, 'https://shop.example.net', 'https://anyone.example',
    'https://partner.example.org', 'http://localhost:5173', 'null', 'NULL',
    'https://evil.example', 'https://app.example.com/', "$APP:443",
    'HTTPS://APP.EXAMPLE.COM', "$APP, https://evil.example", 'app.example.com',
    'https://', 'https://x.example.net.evil.com', 'https://example.net',
    'http://[::1]:8080', 'http://[::1', 'https://u@app.example.com',
    "https://app.exa\x00mple.com", "https://app.example.com\x01",
    "https://\xc3\xa9.example", '', ' ', '*', 'https://*.example.net',
    'https://' . ('a' x 505) . '.io', 'https://' . ('b' x 9000) . '.io',
    "https://app.example.com\t", 'file://', 'https://app.example.com:0');
my @methods = qw(GET GET HEAD POST PUT DELETE OPTIONS OPTIONS PATCH TRACE
    CONNECT PROPFIND BREW M-SEARCH get options Options);
my @weird_methods = ('', 'G ET', "GE\x00T", "OPTIONS\x01", 'OPTIONS OPTIONS',
    'X' x 300, 'M' x 9000, "\xff\xfe", 'GET/', '*', "\tGET");
my @targets = ('/', '/index.html', '/api/items', '/api/items?id=1', '/api/',
    '/api/echo', '/api/echo?status=500', '/api/echo?status=304',
    '/api/echo?acao=*&hdr=Access-Control-Allow-Credentials:true',
    '/api/admin/users', '/ht/page.html', '/ht/', '/ht/missing', '/missing',
    '/errors/404.html', '/data.txt', '/pass/echo', '/pass/echo?status=403',
    '*', 'http://localhost/api/items', 'https://vh.example/data.txt',
    'localhost:80', '/%2e%2e/etc/passwd', '/api/../index.html', '/a%00b',
    "/a\x00b", "/a\x01b", '/a b', "/\xc3\xa9", '/api/items#frag', '//api//items',
    '/api/items?' . ('q' x 300), '');
my @versions = ('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0',
    'HTTP/1.10', 'http/1.1', 'HTTP/1.1 ', 'HTTP/1', 'HTTP/1.1x', 'HTTP/9.9',
    "HTTP/1.1\x00", 'HTTP /1.1', 'HTTP/01.1', "HTTP/1.1\r", '');
my @acrm = qw(PUT DELETE GET POST PATCH OPTIONS PROPFIND put *);
push @acrm, ('GET, DELETE', '', ' ', 'P U T', "PUT\x01", "PU\x00T",
    'X' x 600, 'Y' x 9000, "\xe2\x82\xac");
my @names = qw(x-token X-Token content-type authorization x-unlisted
    accept range depth x-anything x_under);
push @names, ('', ' ', 'a b', "x\x01y", 'x' x 200, "\xc3\xa9", '*');
my @hosts = ('localhost', 'vh.example', 'off.example', '127.0.0.1',
    'localhost:80', '', 'bad host', 'a' x 300, '[::1]', 'localhost:99999',
    "local\x00host", 'vh.example.', '-', 'x_y', 'VH.EXAMPLE');
my @junk_bytes = ("\x00", "\r", "\n", "\t", ' ', ':', ',', ';', "\x7f",
    "\xff", '%', '"', "\x0b", "\x0c", "\x1b", "\x80");

sub junk {
    my $n = shift // 1 + int rand 20;
    join '', map { chr int rand 256 } 1 .. $n;
}

sub acrh_value {
    my $n = pick(0, 1, 1, 2, 3, 5, 20, 900);
    my $sep = pick(', ', ',', ' , ', ",\t");
    return join $sep, map { pick(@names) } 1 .. $n;
}

# A line of exactly LEN bytes: the limits are tested at, just under and
# just over.
sub around { my $l = shift; pick($l - 2, $l - 1, $l, $l + 1, $l + 2) }
sub long_len { pick(around(LINE_LIMIT), 9000, 9000, 16384, 70000) }

# --- Chunked bodies ---------------------------------------------------------
sub chunked_body {
    my @desc;
    my $body = '';
    for (1 .. pick(0, 1, 1, 2, 3)) {
        my $data = pick('hello', 'x' x (1 + int rand 300), junk(), 'y' x 5000);
        my $len = length $data;
        my $size = sprintf '%x', $len;
        if (chance(0.3)) {
            $size = pick(sprintf('%X', $len), "00$size", 'zz', '-1',
                'ffffffffffffffffffff', "0x$size", " $size", "$size ",
                "$size;ext=1", "$size;" . ('e' x 9000), "$size\t", '',
                sprintf('%x', $len + 5), sprintf('%x', $len > 3 ? $len - 3 : 0),
                '7fffffffffffffff', "$size\x00");
            push @desc, "chunk-size($size)";
        }
        my $end = "\r\n";
        if (chance(0.15)) {
            $end = pick('', "\n", "xx\r\n", "\r");
            push @desc, 'chunk-end';
        }
        $body .= "$size\r\n$data$end";
    }
    return ($body, @desc, 'chunked-truncated') if chance(0.15);
    $body .= pick(("0\r\n") x 4, "000\r\n", "0;x=y\r\n", "0\n");
    my @trailers;
    if (chance(0.4)) {
        @trailers = map {
            pick('X-Checksum: 1', "Origin: https://evil.example",
                'Access-Control-Request-Method: DELETE', 'Content-Length: 5',
                'Transfer-Encoding: chunked', 'X-No-Colon', ': empty-name',
                ' folded', 'X-Big: ' . ('t' x 9000), "X-Ctl: a\x01b",
                "X-Nul: a\x00b", 'Host: evil.example')
        } 1 .. pick(1, 1, 2, 3, 120);
        push @desc, 'trailers(' . scalar(@trailers) . ')';
    }
    $body .= "$_\r\n" for @trailers;
    return ($body, @desc, 'chunked-no-final-crlf') if chance(0.1);
    return ($body . "\r\n", @desc);
}

# --- Mutations --------------------------------------------------------------
# Each takes the request and returns a short description; one to six of
# them, weighted, make a case.
my @mutations = (
    [8, sub {    # method
        my $r = shift;
        $r->{method} = chance(0.75) ? pick(@methods) : pick(@weird_methods);
        "method(" . printable($r->{method}, 12) . ")";
    }],
    [8, sub {    # target
        my $r = shift;
        $r->{target} = pick(@targets);
        if (chance(0.3)) {
            my $t = $r->{target};
            substr($t, int rand(length($t) + 1), 0) = pick(@junk_bytes);
            $r->{target} = $t;
        }
        "target(" . printable($r->{target}, 24) . ")";
    }],
    [6, sub {    # version
        my $r = shift;
        $r->{version} = pick(@versions);
        "version(" . printable($r->{version}, 12) . ")";
    }],
    [8, sub {    # request line at, under or over LimitRequestLine
        my $r = shift;
        my $want = long_len();
        $r->{method} = 'GET' unless defined $r->{method} && length $r->{method};
        $r->{target} = '/' unless defined $r->{target} && $r->{target} =~ m{^/};
        $r->{version} = 'HTTP/1.1' unless defined $r->{version};
        my $fixed = length("$r->{method}  $r->{version}") + length($r->{target});
        my $pad = $want - $fixed;
        $pad = 0 if $pad < 0;
        my $fill = pick('a', '/x', '%41', '?q=');
        $r->{target} .= ($r->{target} =~ /\?/ ? '&' : '?') . 'p='
            . substr($fill x (1 + $pad / length($fill)), 0, $pad > 3 ? $pad - 3 : 0)
            if $pad;
        "line-length($want)";
    }],
    [5, sub {    # missing or extra parts of the request line
        my $r = shift;
        my $k = pick(qw(no-method no-target no-version only-method empty
                        double-space tab-sep trailing-space leading-crlf
                        leading-space extra-word));
        if    ($k eq 'no-method')  { $r->{method} = undef }
        elsif ($k eq 'no-target')  { $r->{target} = undef }
        elsif ($k eq 'no-version') { $r->{version} = undef }
        elsif ($k eq 'only-method') { $r->{target} = $r->{version} = undef }
        elsif ($k eq 'empty')      { $r->{line} = '' }
        elsif ($k eq 'double-space') { $r->{sep} = '  ' }
        elsif ($k eq 'tab-sep')    { $r->{sep} = "\t" }
        elsif ($k eq 'trailing-space') { $r->{version} .= ' ' if defined $r->{version} }
        elsif ($k eq 'leading-crlf') { $r->{pre} = pick("\r\n", "\r\n\r\n", "\n", "\r\n" x 200) }
        elsif ($k eq 'leading-space') { $r->{pre} = ' ' }
        else { $r->{version} = (defined $r->{version} ? $r->{version} : '') . ' extra' }
        "line($k)";
    }],
    [5, sub {    # NUL or a control byte in the request line
        my $r = shift;
        my $b = pick("\x00", "\x00", "\x01", "\x7f", "\x1b", "\x0b", "\r", "\n");
        my $part = pick(qw(method target version));
        my $v = defined $r->{$part} ? $r->{$part} : '';
        substr($v, int rand(length($v) + 1), 0) = $b;
        $r->{$part} = $v;
        sprintf 'line-ctl(%s,\\x%02x)', $part, ord $b;
    }],
    [10, sub {    # Origin
        my $r = shift;
        my $o = pick(@origins);
        hset($r, 'Origin', $o);
        'origin(' . printable($o, 24) . ')';
    }],
    [7, sub {    # Access-Control-Request-Method
        my $r = shift;
        my $m = pick(@acrm);
        hset($r, 'Access-Control-Request-Method', $m);
        $r->{method} = 'OPTIONS' if chance(0.5);
        'acrm(' . printable($m, 16) . ')';
    }],
    [6, sub {    # Access-Control-Request-Headers
        my $r = shift;
        my $v = acrh_value();
        hset($r, 'Access-Control-Request-Headers', $v);
        'acrh(' . length($v) . ')';
    }],
    [3, sub {    # Access-Control-Request-Private-Network
        my $r = shift;
        my $v = pick('true', 'true', 'false', 'TRUE', '', 'true, true', junk());
        hset($r, 'Access-Control-Request-Private-Network', $v);
        'acrpn(' . printable($v, 10) . ')';
    }],
    [6, sub {    # a duplicated field, same or another value
        my $r = shift;
        my $name = pick('Origin', 'Origin', 'Access-Control-Request-Method',
            'Access-Control-Request-Headers', 'Host', 'Content-Length',
            'Transfer-Encoding', 'Access-Control-Request-Private-Network',
            map { $_->[0] } grep { defined $_->[0] } @{ $r->{headers} });
        my $v = chance(0.5) ? hget($r, $name) : undef;
        $v = pick(@origins, @acrm, '5', 'chunked') unless defined $v;
        splice @{ $r->{headers} }, int rand(@{ $r->{headers} } + 1), 0,
            [$name, $v];
        "dup($name)";
    }],
    [4, sub {    # a field removed
        my $r = shift;
        my $name = pick('Host', 'Origin', 'Access-Control-Request-Method',
            'Content-Length', 'Transfer-Encoding');
        hdel($r, $name);
        "del($name)";
    }],
    [4, sub {    # too many fields
        my $r = shift;
        my $n = pick(around(FIELDS_LIMIT), around(FIELDS_LIMIT - 5), 300);
        push @{ $r->{headers} }, map { ["X-Fill-$_", 'v'] } 1 .. $n;
        "fields($n)";
    }],
    [5, sub {    # a field line at, under or over LimitRequestFieldSize
        my $r = shift;
        my $name = pick('Origin', 'Access-Control-Request-Headers',
            'Access-Control-Request-Method', 'X-Big', 'Cookie');
        my $len = pick(around(FIELD_LIMIT), 9000, 70000);
        my $v = $name eq 'Access-Control-Request-Headers'
            ? join(',', ('x-a') x ($len / 4)) : 'v' x $len;
        $v = substr($v, 0, $len - length("$name: ")) if length("$name: $v") > $len;
        hset($r, $name, $v);
        "field-length($name,$len)";
    }],
    [6, sub {    # the shape of one field line
        my $r = shift;
        return 'shape(none)' unless @{ $r->{headers} };
        my $h = $r->{headers}[int rand @{ $r->{headers} }];
        return 'shape(raw)' unless defined $h->[0];
        my $form = pick(qw(nocolon spacecolon nospace fold_ fold_ fold\t));
        $form =~ s/_$/ /;
        $form =~ s/\\t$/\t/;
        $h->[2] = $form;
        'shape(' . printable("$h->[0]:$form", 30) . ')';
    }],
    [4, sub {    # odd field names and raw lines
        my $r = shift;
        my $line = pick(': empty-name', ' leading-space: x', "\tX-Tab: y",
            'Or igin: https://app.example.com', "Origin\x01: $APP",
            "Origin\x00: $APP", "X-Nul: a\x00b", "X-Ctl: a\x01\x7fb",
            "X-High: \xff\xfe", 'X' x 50 . ':', ':', 'no colon at all',
            "Origin: $APP\rX-Injected: 1", "X-8bit\x80: v");
        splice @{ $r->{headers} }, int rand(@{ $r->{headers} } + 1), 0,
            [undef, $line];
        'raw-field(' . printable($line, 20) . ')';
    }],
    [5, sub {    # line ends
        my $r = shift;
        my $k = pick(qw(all-lf one-lf one-cr blank-lf blank-cr));
        my $n = 1 + @{ $r->{headers} };
        if    ($k eq 'all-lf') { $r->{eol} = "\n" }
        elsif ($k eq 'one-lf') { $r->{eols}{ int rand $n } = "\n" }
        elsif ($k eq 'one-cr') { $r->{eols}{ int rand $n } = "\r" }
        elsif ($k eq 'blank-lf') { $r->{blank} = "\n" }
        else { $r->{blank} = "\r" }
        "eol($k)";
    }],
    [5, sub {    # Content-Length
        my $r = shift;
        my $v = pick('0', '5', '-1', '99999999999999999999', '0x10', '10, 10',
            ' 5', '5 ', 'abc', '4096', '100000', '+5', '');
        hset($r, 'Content-Length', $v);
        $r->{body} = pick('', 'hello', 'x' x 100, 'x' x 5000)
            if chance(0.7);
        $r->{method} = pick('POST', 'PUT') if chance(0.5);
        'content-length(' . printable($v, 20) . ')';
    }],
    [6, sub {    # a chunked body
        my $r = shift;
        my ($body, @d) = chunked_body();
        my $te = chance(0.8) ? 'chunked'
            : pick('Chunked', 'gzip, chunked', 'chunked, gzip', 'identity',
                   'chunked, chunked', " chunked", "chunked\x00", 'chunk');
        hset($r, 'Transfer-Encoding', $te);
        hdel($r, 'Content-Length') if chance(0.8);
        $r->{body} = $body;
        $r->{method} = pick('POST', 'PUT', 'PATCH', 'OPTIONS') if chance(0.6);
        $r->{target} = pick('/api/echo', '/pass/echo', '/api/items')
            if chance(0.5);
        join ',', "chunked($te)", @d;
    }],
    [3, sub {    # Expect, Connection, Upgrade
        my $r = shift;
        my ($n, $v) = @{ pick(['Expect', '100-continue'], ['Expect', 'junk'],
            ['Connection', 'close'], ['Connection', 'keep-alive'],
            ['Connection', 'Upgrade'], ['Upgrade', 'h2c'],
            ['Upgrade', 'websocket'], ['Connection', 'close, Origin']) };
        hset($r, $n, $v);
        "$n($v)";
    }],
    [4, sub {    # Host
        my $r = shift;
        my $h = pick(@hosts);
        hset($r, 'Host', $h);
        'host(' . printable($h, 16) . ')';
    }],
    [2, sub {    # Authorization on the Basic-auth scope
        my $r = shift;
        hset($r, 'Authorization', pick('Basic YWRhOmxvdmVsYWNl', 'Basic x',
            'Basic ' . ('A' x 9000), 'Bearer t', ''));
        $r->{target} = '/api/admin/users' if chance(0.7);
        'authorization';
    }],
    [2, sub {    # the other port
        my $r = shift;
        $r->{port} = $r->{port} eq 'main' ? 'vhost' : 'main';
        "port($r->{port})";
    }],
);
my $mutation_weight = 0;
$mutation_weight += $_->[0] for @mutations;

sub printable {
    my ($s, $max) = @_;
    return 'undef' unless defined $s;
    my $p = substr($s, 0, $max);
    $p =~ s/([^\x21-\x7e])/sprintf '\\x%02x', ord $1/ge;
    $p =~ s/([(),])/sprintf '\\x%02x', ord $1/ge;
    return length($s) > $max ? "$p...(" . length($s) . ')' : $p;
}

# A log line or response for a report: bytes outside printable ASCII as
# \xHH, cut at MAX.
sub visible {
    my ($s, $max) = @_;
    my $v = substr($s, 0, $max);
    $v =~ s/([^\x20-\x7e])/sprintf '\\x%02x', ord $1/ge;
    return length($s) > $max ? "$v...(" . length($s) . ' bytes)' : $v;
}

sub mutate_req {
    my $r = shift;
    my @desc;
    for (1 .. pick(1, 1, 1, 2, 2, 3, 4, 6)) {
        my $x = rand $mutation_weight;
        for my $m (@mutations) {
            if (($x -= $m->[0]) < 0) { push @desc, $m->[1]->($r); last }
        }
    }
    return @desc;
}

# A few random bytes flipped, inserted or removed, anywhere.
sub mutate_bytes {
    my $s = shift;
    for (1 .. pick(1, 1, 2, 4)) {
        my $at = int rand(length($s) + 1);
        my $k = rand;
        if ($k < 0.35 && length $s) {
            substr($s, $at % length $s, 1) = pick(@junk_bytes, chr int rand 256);
        }
        elsif ($k < 0.7) { substr($s, $at, 0) = pick(@junk_bytes) }
        elsif ($k < 0.85 && length $s) {
            substr($s, $at % length $s, 1 + int rand 8) = '';
        }
        else {
            my $from = int rand(length($s) + 1);
            substr($s, $at, 0) = substr($s, $from, 1 + int rand 40);
        }
    }
    return $s;
}

# --- Cases --------------------------------------------------------------------
# A case: { port, steps => [[send, BYTES] | [sleep, S] | [shut] | [wait] |
# [close] | [reset]], requests, slow, desc }.
sub package_case {
    my ($reqs, $ending, @desc) = @_;
    my $data = join '', map { serialize($_) } @$reqs;
    my @steps = (length $data ? ['send', $data] : ());
    push @steps, [$ending];
    return { port => $reqs->[0]{port}, steps => \@steps,
             requests => scalar(@$reqs), desc => \@desc,
             slow => $ending eq 'wait' ? 1 : 0 };
}

sub case_seed { my ($s, $i) = @_; return ($s * 1_000_003 + $i) % 4294967296 }

sub gen_case {
    my ($i) = @_;
    srand case_seed($seed, $i);
    my $r = clone_req(pick(@seeds));
    my @desc = ("seed($r->{name})");
    push @desc, mutate_req($r);

    # Pipelining: more requests behind the first in the same write, each a
    # seed, some mutated too.
    my @reqs = ($r);
    if (chance(0.15)) {
        for (1 .. 1 + int rand 5) {
            my $q = clone_req(pick(@seeds));
            $q->{port} = $r->{port};
            push @desc, "then($q->{name})";
            push @desc, map { "  $_" } mutate_req($q) if chance(0.4);
            push @reqs, $q;
        }
    }
    # Most cases end with a half-close, so that the server answers what it
    # read and then sees the end; some read until the server closes (the
    # last request asks for Connection: close so that keep-alive does not
    # hold it).
    my $ending = pick(('shut') x 8, 'wait', 'close', 'reset');
    # Without a close from either side, keep-alive holds the connection
    # for KeepAliveTimeout: a slow case.
    my $slow = 0;
    if ($ending eq 'wait') {
        if (chance(0.8)) { hset($reqs[-1], 'Connection', 'close') }
        else { $slow = 1 }
    }
    my $data = join '', map { serialize($_) } @reqs;
    if (chance(0.08)) {
        $data = mutate_bytes($data);
        push @desc, 'bytes';
    }
    my @steps;
    my $k = rand;
    if ($k < 0.03) {
        # An empty connection: nothing sent; the server gives up on it
        # (reqtimeout) or sees the close.
        $data = '';
        $ending = pick('wait', 'close', 'reset', 'shut');
        $slow = $ending eq 'wait';
        push @desc, 'empty-connection';
    }
    elsif ($k < 0.09) {
        # Truncated in the header block or the body, then a stall the
        # server must end, or an end of file.
        my $cut = int rand length $data;
        $data = substr($data, 0, $cut);
        $ending = pick('wait', 'wait', 'shut', 'close', 'reset');
        $slow = $ending eq 'wait';
        push @desc, "truncate($cut)";
    }
    elsif ($k < 0.12) {
        # A slow client: the request in pieces, with pauses within
        # mod_reqtimeout's minimum rate.
        my $pieces = 2 + int rand 4;
        for (1 .. $pieces) {
            last unless length $data;
            my $n = $_ == $pieces ? length $data : 1 + int rand length $data;
            push @steps, ['send', substr($data, 0, $n, '')], ['sleep', pick(0.01, 0.05, 0.2)];
        }
        pop @steps;
        push @desc, 'split-slow';
        $data = '';
        $ending = 'wait' if $ending eq 'shut' && chance(0.3);
        $slow = 1;
    }
    elsif ($k < 0.18) {
        # Several writes back to back (the server may read them as one).
        while (length $data) {
            push @steps, ['send', substr($data, 0, 1 + int rand(length $data), '')];
        }
        push @desc, 'split';
    }
    unshift @steps, ['send', $data] if length $data;
    push @steps, [$ending];
    return { port => $r->{port}, steps => \@steps, requests => scalar(@reqs),
             desc => \@desc, slow => $slow, id => "$seed:$i", generated => 1 };
}

# Saved cases: "port main|vhost", "send ESCAPED", "sleep S", and one of
# "shut", "wait", "close", "reset"; "#" lines are comments.
sub escape {
    my $s = shift;
    $s =~ s/([\\\x00-\x1f\x7f-\xff])/
        $1 eq "\\" ? '\\\\' : $1 eq "\r" ? '\\r' : $1 eq "\n" ? '\\n'
        : $1 eq "\t" ? '\\t' : sprintf('\\x%02x', ord $1)/ge;
    return $s;
}
sub unescape {
    my $s = shift;
    $s =~ s/\\(\\|r|n|t|x([0-9a-fA-F]{2}))/
        $1 eq '\\' ? '\\' : $1 eq 'r' ? "\r" : $1 eq 'n' ? "\n"
        : $1 eq 't' ? "\t" : chr hex $2/ge;
    return $s;
}

sub case_text {
    my $c = shift;
    my $t = "# http-fuzz case" . (defined $c->{id} ? " $c->{id} (seed:case)" : '') . "\n";
    $t .= "# $_\n" for @{ $c->{desc} || [] };
    $t .= "port $c->{port}\n";
    for my $st (@{ $c->{steps} }) {
        $t .= $st->[0] eq 'send' ? 'send ' . escape($st->[1]) . "\n"
            : $st->[0] eq 'sleep' ? "sleep $st->[1]\n" : "$st->[0]\n";
    }
    return $t;
}

sub read_case {
    my $file = shift;
    my $c = { port => 'main', steps => [], requests => 1, slow => 0,
              desc => ["file(" . basename($file) . ")"], id => basename($file) };
    for my $line (split /\n/, slurp($file)) {
        next if $line =~ /^#/ || $line !~ /\S/;
        my ($op, $arg) = split / /, $line, 2;
        if ($op eq 'port') { $c->{port} = $arg }
        elsif ($op eq 'send') { push @{ $c->{steps} }, ['send', unescape($arg // '')] }
        elsif ($op eq 'sleep') { push @{ $c->{steps} }, ['sleep', $arg]; $c->{slow} = 1 }
        elsif ($op =~ /^(shut|wait|close|reset)$/) {
            push @{ $c->{steps} }, [$op];
            $c->{slow} = 1 if $op eq 'wait';
        }
        else { die "http-fuzz: $file: unknown step '$op'\n" }
    }
    return $c;
}

sub case_bytes { join '', map { $_->[0] eq 'send' ? $_->[1] : '' } @{ $_[0]{steps} } }

# --- The server ---------------------------------------------------------------
my ($dir, $mport, $vport, $conf, $ppid, $started_by);
my $main_start = time;
my $preload = $ENV{CORS_PRELOAD} || '';

sub spew {
    my ($file, $text, $mode) = @_;
    open my $fh, '>:raw', $file or die "http-fuzz: $file: $!\n";
    print $fh $text;
    close $fh;
    chmod $mode, $file if $mode;
}

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp')
        or die "http-fuzz: no free port: $!\n";
    my $p = $s->sockport;
    close $s;
    return $p;
}

sub module_path {
    my $m = shift;
    return -e "$libexec/mod_$m.so" ? "$libexec/mod_$m.so" : undef;
}

sub write_server {
    $dir = tempdir('cors-http-fuzz-XXXXXX', TMPDIR => 1, CLEANUP => !$opt{k});
    chmod 0755, $dir;    # httpd's children run as nobody when root starts it
    ($mport, $vport) = (free_port(), free_port());
    make_path(map { "$dir/$_" } qw(htdocs/api htdocs/ht htdocs/errors cgi
        vhost/pass logs));
    chmod 01777, "$dir/logs";    # sanitizer logs are written by the children
    spew("$dir/htdocs/index.html", "index\n");
    spew("$dir/htdocs/api/items", "[1,2,3]\n");
    spew("$dir/htdocs/ht/page.html", "page\n");
    spew("$dir/htdocs/ht/.htaccess", join "\n",
        'CORSAllowOrigin *', 'CORSAllowHeaders *', 'CORSAllowMethods *',
        'CORSExposeHeaders *', 'CORSPreflightStatus 200',
        'ErrorDocument 404 /errors/404.html', '');
    spew("$dir/htdocs/errors/$_.html", "error $_\n") for qw(400 404 405 413 414);
    spew("$dir/vhost/data.txt", "vhost data\n");
    # A handler that reads the body (so chunked bodies go through httpd's
    # input filter to a handler) and sends Access-Control-* of its own.
    my $cgi = <<'CGI';
#!/usr/bin/perl
my %q = map { my ($k, $v) = split /=/, $_, 2; ($k, $v // '') }
    split /&/, $ENV{QUERY_STRING} || '';
binmode STDIN;
my $n = 0;
while (read STDIN, my $buf, 65536) { $n += length $buf }
my $status = ($q{status} || '') =~ /^([1-5]\d\d)$/ ? $1 : 200;
print "Status: $status\r\n";
print "Access-Control-Allow-Origin: $q{acao}\r\n" if defined $q{acao};
print "Vary: $q{vary}\r\n" if defined $q{vary};
print "$1: $2\r\n" if ($q{hdr} || '') =~ /^([\w-]+):([\w.*-]*)$/;
print "Content-Type: text/plain\r\n\r\n";
print "$ENV{REQUEST_METHOD} read $n bytes\n" unless $status =~ /^(204|304)$/;
CGI
    spew("$dir/cgi/echo", $cgi, 0755);
    spew("$dir/htpasswd", 'ada:{SHA}' . sha1_base64('lovelace') . "=\n", 0644);

    my ($mpm) = grep { module_path($_) } qw(mpm_event mpm_worker mpm_prefork);
    die "http-fuzz: no MPM module in $libexec\n" unless $mpm;
    my @mods = grep { module_path($_) } qw(authz_core authz_host authz_user
        authn_core authn_file auth_basic mime dir alias log_config
        reqtimeout headers setenvif cgid cgi);
    @mods = grep { $_ ne ($mpm eq 'mpm_prefork' ? 'cgid' : 'cgi') } @mods;
    my ($user, $group) = ('nobody', getgrnam('nogroup') ? 'nogroup' : 'nobody');
    my @limits = $mpm eq 'mpm_prefork'
        ? ('StartServers 8', 'MinSpareServers 1', 'MaxSpareServers 64',
           'ServerLimit 8', 'MaxRequestWorkers 8')
        # Two children that are never retired (MaxSpareThreads above what
        # two children hold), so that a child gone is a child crashed.
        : ('StartServers 2', 'ServerLimit 2', 'ThreadsPerChild 25',
           'MaxRequestWorkers 50', 'MinSpareThreads 25',
           'MaxSpareThreads 75');
    $conf = "$dir/httpd.conf";
    spew($conf, join "\n",
        "# generated by t/fuzz/http-fuzz.pl",
        qq{ServerRoot "$dir"},
        qq{LoadModule ${mpm}_module "} . module_path($mpm) . '"',
        (map { qq{LoadModule ${_}_module "} . module_path($_) . '"' } @mods),
        qq{LoadModule cors_module "$so"},
        'ServerName localhost',
        ($> == 0 ? ("User $user", "Group $group") : ()),
        qq{PidFile "$dir/logs/httpd.pid"},
        qq{ErrorLog "$dir/logs/error_log"},
        qq{DefaultRuntimeDir "$dir/logs"},
        qq{ScriptSock "$dir/logs/cgid.sock"},
        'LogLevel warn',
        (-e '/etc/mime.types' ? 'TypesConfig /etc/mime.types' : ()),
        "Listen 127.0.0.1:$mport",
        "Listen 127.0.0.1:$vport",
        @limits,
        'MaxConnectionsPerChild 0',
        'Timeout 10',
        'KeepAlive On', 'KeepAliveTimeout 1', 'MaxKeepAliveRequests 100',
        # Hand every connection to httpd at once, empty ones included (the
        # default on Linux, TCP_DEFER_ACCEPT, keeps a connection that sends
        # nothing in the kernel).
        'AcceptFilter http none',
        'RequestReadTimeout header=1-2,MinRate=500 body=1-2,MinRate=500',
        # httpd runs post_read_request hooks only for a request it has read
        # whole (server/protocol.c, ap_read_request), and again for the new
        # request of an internal redirect: FUZZ_READ unset, or
        # REDIRECT_FUZZ_READ unset after an ErrorDocument redirect, marks a
        # request refused early.  The log and every response carry it.
        'SetEnvIf Request_Method "^" FUZZ_READ=1',
        'Header always set X-Fuzz-Read "%{FUZZ_READ}e %{REDIRECT_FUZZ_READ}e %{REDIRECT_STATUS}e"',
        'LogFormat "%a %>s %m %{CORS_RESULT}e %{CORS_REASON}e %{FUZZ_READ}e %{REDIRECT_FUZZ_READ}e %{REDIRECT_STATUS}e %U %H \"%r\"" fuzz',
        qq{CustomLog "$dir/logs/access_log" fuzz},
        qq{DocumentRoot "$dir/htdocs"},
        'DirectoryIndex index.html',
        '<Directory />', '    Require all denied', '    AllowOverride None',
        '</Directory>',
        qq{<Directory "$dir/htdocs">}, '    Require all granted', '</Directory>',
        qq{<Directory "$dir/htdocs/ht">}, '    AllowOverride FileInfo',
        '</Directory>',
        qq{<Directory "$dir/cgi">}, '    Require all granted', '</Directory>',
        qq{<Directory "$dir/vhost">}, '    Require all granted', '</Directory>',
        qq{ScriptAlias /api/echo "$dir/cgi/echo"},
        # httpd's own pages for the errors of reading a request on the main
        # port: a local ErrorDocument for them makes ap_die() give the
        # request a method (GET) before the error path runs, which would
        # hide what a request without one does.  The virtual hosts' port
        # has local ones.
        'ErrorDocument 404 /errors/404.html',
        'ErrorDocument 405 /errors/405.html',
        'ErrorDocument 500 "server error"',
        'Header always set X-Request-Id fuzz',
        # CORS at server level, as most sites write it
        'CORSEngine On',
        "CORSAllowOrigin $APP",
        'CORSAllowMethods GET POST PUT DELETE',
        'CORSAllowHeaders X-Token Content-Type',
        'CORSExposeHeaders X-Request-Id',
        'CORSMaxAge 600',
        '<Location "/api/">',
        '    CORSRejectDisallowed On',
        '    CORSAllowCredentials On',
        '    CORSAllowOrigin +https://*.example.net',
        '    CORSAllowPrivateNetwork On',
        '    LimitRequestBody 4096',
        '</Location>',
        '<Location "/api/admin/">',
        '    AuthType Basic', '    AuthName fuzz',
        qq{    AuthUserFile "$dir/htpasswd"},
        '    Require valid-user',
        '    CORSAllowHeaders +Authorization',
        '</Location>',
        "<VirtualHost 127.0.0.1:$vport>",
        '    ServerName vh.example',
        qq{    DocumentRoot "$dir/vhost"},
        qq{    Alias /errors/ "$dir/htdocs/errors/"},
        '    ErrorDocument 400 /errors/400.html',
        '    ErrorDocument 408 "request timed out"',
        '    ErrorDocument 413 /errors/413.html',
        '    ErrorDocument 414 /errors/414.html',
        qq{    ScriptAlias /pass/echo "$dir/cgi/echo"},
        '    CORSAllowOrigin https://partner.example.org http://localhost:*',
        '    CORSAllowMethods *',
        '    CORSAllowHeaders *',
        '    ErrorDocument 404 "vhost: not found"',
        '    <Location "/pass/">',
        '        CORSPreflightPassthrough On',
        '    </Location>',
        '</VirtualHost>',
        "<VirtualHost 127.0.0.1:$vport>",
        '    ServerName off.example',
        qq{    DocumentRoot "$dir/vhost"},
        '    CORSEngine Off',
        '</VirtualHost>',
        '');
}

sub with_env {
    my $code = shift;
    local $ENV{LD_PRELOAD} = $preload if $preload;
    local $ENV{ASAN_OPTIONS} =
        "detect_leaks=0:halt_on_error=0:log_path=$dir/logs/asan" if $preload;
    local $ENV{UBSAN_OPTIONS} =
        "print_stacktrace=1:halt_on_error=0:log_path=$dir/logs/ubsan" if $preload;
    return $code->();
}

sub start_server {
    my $out = with_env(sub { `'$httpd' -t -d '$dir' -f '$conf' 2>&1` });
    die "http-fuzz: httpd -t refused the configuration:\n$out" if $?;
    unlink "$dir/logs/httpd.pid";
    with_env(sub { system($httpd, '-d', $dir, '-f', $conf, '-k', 'start') }) == 0
        or die "http-fuzz: httpd -k start failed\n";
    $started_by = $$;
    for (1 .. 200) {
        if (-s "$dir/logs/httpd.pid" && health_raw(0)) {
            ($ppid) = slurp("$dir/logs/httpd.pid") =~ /(\d+)/;
            # Children come up one by one; wait until the count holds.
            my $n = -1;
            for (1 .. 40) {
                my @c = children();
                last if @c == $n && @c >= 2;
                $n = @c;
                sleep 0.1;
            }
            return;
        }
        sleep 0.1;
    }
    die "http-fuzz: httpd did not start:\n"
        . (-e "$dir/logs/error_log" ? slurp("$dir/logs/error_log") : '');
}

# "-k stop" reads the configuration, so it needs the preloaded runtimes
# too; if it fails all the same, the parent this run started gets SIGTERM.
sub stop_server {
    return unless $started_by && $started_by == $$;
    with_env(sub { system($httpd, '-d', $dir, '-f', $conf, '-k', 'stop') });
    for my $try (1 .. 200) {
        last unless $ppid && kill 0, $ppid;
        kill 'TERM', $ppid if $try == 100;
        sleep 0.1;
    }
    $started_by = undef;
}
END { stop_server() if $started_by }
$SIG{INT} = $SIG{TERM} = sub { stop_server(); exit 130 };

# The parent's children and whether each still runs (a zombie has crashed
# or exited and waits for the parent).
sub children {
    my @kids;
    opendir my $dh, '/proc' or return ();
    for my $p (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$p/stat" or next;
        my $st = <$fh>;
        next unless $st && $st =~ /\)\s+(\S)\s+(\d+)/;
        push @kids, $p if $2 == $ppid && $1 ne 'Z';
    }
    return sort { $a <=> $b } @kids;
}

# --- Talking to it --------------------------------------------------------------
sub connect_to {
    my ($port, $timeout) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => $timeout || 5)
        or return undef;
    setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
    return $s;
}

# Split a byte stream into responses: status, header lines, body skipped by
# Content-Length or chunks (a HEAD answer has a Content-Length but no body:
# when the bytes after the header block start another response, or end,
# no body is taken).
sub parse_responses {
    my $buf = shift;
    my @res;
    while ($buf =~ /\A(HTTP\/\d\.\d (\d\d\d)[^\n]*\n((?:[^\r\n][^\n]*\n)*?)\r?\n)/) {
        my ($head, $status, $fields) = ($1, $2, $3);
        substr($buf, 0, length $head) = '';
        my @h = map { [ /^([^:]+):\s*(.*?)\r?$/ ] } split /\n/, $fields;
        push @res, { status => $status, headers => \@h };
        my ($cl) = map { $_->[1] } grep { lc($_->[0] // '') eq 'content-length' } @h;
        my ($te) = grep { lc($_->[0] // '') eq 'transfer-encoding' } @h;
        if ($te) {
            while ($buf =~ s/\A([0-9a-fA-F]+)[^\n]*\n//) {
                my $n = hex $1;
                substr($buf, 0, $n + 2) = '' if length $buf >= $n;
                last if $n == 0;
            }
            $buf =~ s/\A(?:[^\r\n][^\n]*\n)*\r?\n//;
        }
        elsif (defined $cl && $cl =~ /^\d+$/ && $buf !~ /\AHTTP\/\d\.\d \d\d\d /) {
            substr($buf, 0, $cl) = '' if $cl <= length $buf;
        }
        elsif (!defined $cl && $status !~ /^(1|204|304)/ && $buf !~ /\AHTTP\//) {
            $buf =~ s/\A.*?(?=HTTP\/\d\.\d \d\d\d |\z)//s;
        }
    }
    return @res;
}

# Was the request refused before httpd had read it whole?  FUZZ_READ,
# REDIRECT_FUZZ_READ and REDIRECT_STATUS as the log or X-Fuzz-Read has
# them ("-" in the log, "(null)" from mod_headers when unset).
sub refused_early {
    my ($read, $redirect_read, $redirect_status) =
        map { !defined $_ || $_ eq '-' || $_ eq '(null)' || $_ eq '' ? undef : $_ } @_;
    return $redirect_status ? !$redirect_read : !$read;
}

# Per-response invariants (docs/mod_cors.md): one Access-Control-Allow-Origin
# at most; a request httpd refused before it had read it whole is httpd's
# alone (no Access-Control-*, no Vary: Origin from the module).
sub response_problems {
    my @p;
    for my $res (@_) {
        my @acx = grep { ($_->[0] // '') =~ /^access-control-/i } @{ $res->{headers} };
        my $acao = grep { lc $_->[0] eq 'access-control-allow-origin' } @acx;
        push @p, "a $res->{status} response with $acao Access-Control-Allow-Origin lines"
            if $acao > 1;
        my ($mark) = map { $_->[1] } grep { lc($_->[0] // '') eq 'x-fuzz-read' }
            @{ $res->{headers} };
        next unless defined $mark && refused_early(split / /, $mark);
        my @vary = grep { lc($_->[0] // '') eq 'vary' && $_->[1] =~ /\borigin\b/i }
            @{ $res->{headers} };
        push @p, "a $res->{status} refused early carries "
            . join(', ', map { "$_->[0]: " . visible($_->[1], 60) } @acx, @vary)
            if @acx || @vary;
    }
    return @p;
}

# A blocking request for the health check.
sub health_raw {
    my ($tag) = @_;
    my $s = connect_to($mport, 5) or return undef;
    my $req = "OPTIONS /api/items?health=$tag HTTP/1.1\r\nHost: localhost\r\n"
        . "Origin: $APP\r\nAccess-Control-Request-Method: PUT\r\n"
        . "Access-Control-Request-Headers: X-Token\r\nConnection: close\r\n\r\n";
    print $s $req;
    my $buf = '';
    my $sel = IO::Select->new($s);
    my $end = time + 10;
    my $closed;
    while (time < $end && $sel->can_read($end - time)) {
        my $n = sysread $s, $buf, 65536, length $buf;
        if (!$n) { $closed = 1; last }
    }
    close $s;
    return length $buf || !$closed ? $buf : undef;
}

my $health_n = 0;
sub health_problems {
    my $tag = ++$health_n;
    my $raw = health_raw($tag);
    return ('a well-formed preflight: the connection failed or closed without an answer')
        unless defined $raw;
    return ('no answer to a well-formed preflight in 10 s') unless length $raw;
    my ($res) = parse_responses($raw);
    return ('an unreadable answer to a well-formed preflight: '
        . visible($raw, 200)) unless $res;
    my %h;
    push @{ $h{ lc $_->[0] } }, $_->[1] for @{ $res->{headers} };
    my @p;
    push @p, "status $res->{status}" unless $res->{status} == 204;
    push @p, 'Access-Control-Allow-Origin ' . join('|', @{ $h{'access-control-allow-origin'} || [] })
        unless join('|', @{ $h{'access-control-allow-origin'} || [] }) eq $APP;
    push @p, 'no PUT in Access-Control-Allow-Methods'
        unless join(',', @{ $h{'access-control-allow-methods'} || [] }) =~ /\bPUT\b/;
    push @p, 'Access-Control-Allow-Headers is not x-token'
        unless join(',', @{ $h{'access-control-allow-headers'} || [] }) eq 'x-token';
    push @p, 'no Vary: Origin'
        unless join(',', @{ $h{vary} || [] }) =~ /\bOrigin\b/;
    # Its access log line: CORS_RESULT preflight-ok (the line is written
    # after the response, so wait for it a little).
    my $line;
    for (1 .. 20) {
        $line = access_line("health=$tag ");
        last if defined $line;
        sleep 0.05;
    }
    push @p, 'no access log line' unless defined $line;
    push @p, "access log: $line" if defined $line && $line !~ / preflight-ok /;
    return @p ? ('a well-formed preflight got: ' . join('; ', @p)) : ();
}

# --- Logs -------------------------------------------------------------------------
my ($elog_off, $alog_off, $alog_pending) = (0, 0, '');
my @alog_lines;
sub read_new {
    my ($file, $off) = @_;
    open my $fh, '<:raw', $file or return '';
    seek $fh, $$off, 0;
    local $/;
    my $t = <$fh> // '';
    $$off += length $t;
    return $t;
}

# New access log lines since the last call; the file is emptied now and
# then (httpd appends), so a long run does not fill the disk.
sub access_scan {
    my $t = $alog_pending . read_new("$dir/logs/access_log", \$alog_off);
    my @lines = split /\n/, $t, -1;
    $alog_pending = @lines ? pop @lines : '';
    push @alog_lines, @lines;
    splice @alog_lines, 0, @alog_lines - 2000 if @alog_lines > 4000;
    if ($alog_off > 50_000_000 && $alog_pending eq '') {
        truncate "$dir/logs/access_log", 0;
        $alog_off = 0;
    }
    return @lines;
}
sub access_line {
    my $needle = shift;
    access_scan();
    my ($l) = grep { index($_, $needle) >= 0 } reverse @alog_lines;
    return $l;
}

my $CRASH_RE = qr/exit signal|Segmentation fault|AH00052|AH00060|AddressSanitizer|runtime error|LeakSanitizer/;

sub sanitizer_files {
    opendir my $dh, "$dir/logs" or return ();
    return map { "$dir/logs/$_" } grep { /^(asan|ubsan)\./ && -s "$dir/logs/$_" } readdir $dh;
}

# --- The check after each batch ------------------------------------------------
my @baseline;
my %early;    # early refusals in the access log, by status

sub check_server {
    my (%o) = @_;
    my @p;
    if (!kill 0, $ppid) {
        push @p, "the httpd parent (pid $ppid) is gone";
    }
    my %now = map { $_ => 1 } children();
    my @gone = grep { !$now{$_} } @baseline;
    push @p, 'child pid ' . join(', ', @gone) . ' gone' if @gone;
    my $elog = read_new("$dir/logs/error_log", \$elog_off);
    my @crash = grep { /$CRASH_RE/ } split /\n/, $elog;
    if (@gone && !@crash) {
        # The parent notes a dead child when it reaps it, within a second.
        for (1 .. 30) {
            sleep 0.1;
            $elog = read_new("$dir/logs/error_log", \$elog_off);
            push @crash, grep { /$CRASH_RE/ } split /\n/, $elog;
            last if @crash;
        }
    }
    push @p, map { "error_log: $_" } @crash;
    push @p, map { "sanitizer report: $_" } sanitizer_files();
    # A request httpd refused before it had read it whole gets no
    # CORS_RESULT.
    for my $l (access_scan()) {
        my (undef, $status, $m, $res, undef, @mark) = split / /, $l;
        next unless defined $mark[2] && refused_early(@mark[0 .. 2]);
        $early{ $mark[2] ne '-' ? $mark[2] : $status }++;
        push @p, "contract: CORS_RESULT on a request refused early: "
            . visible($l, 200) if $res ne '-';
    }
    push @p, health_problems() unless $o{no_health} || grep { /parent/ } @p;
    $stats{checks}++ unless $o{no_health};
    return @p;
}

# After a child died: wait for the parent to replace it, then count again.
sub rebaseline {
    my $want = shift || scalar @baseline;
    for (1 .. 50) {
        my @c = children();
        if (@c >= $want) { @baseline = @c; return }
        sleep 0.1;
    }
    @baseline = children();
}

# --- The engine ---------------------------------------------------------------------
my %status_count;
my @problems_resp;

# Run cases from NEXT (a sub returning the next case or undef), at most
# $opt{j} fast and $opt{slow} slow connections at a time.  TICK is called
# after every completed connection with it; a false return stops NEXT.
sub run_cases {
    my ($next, $tick) = @_;
    my (@conns, $done_feeding);
    my @queue = ([], []);    # fast and slow cases waiting for a slot
    my @busy = (0, 0);
    my @cap = ($opt{j}, $opt{slow});
    my $sel_r = IO::Select->new;
    while (1) {
        # Open connections while there are slots; a slow case waiting for
        # a slot does not hold up fast ones (up to 64 wait).
        while (1) {
            my ($class) = grep { $busy[$_] < $cap[$_] && @{ $queue[$_] } } 0, 1;
            my $case = defined $class ? shift @{ $queue[$class] } : undef;
            if (!$case) {
                last if $done_feeding || @{ $queue[0] } + @{ $queue[1] } >= 64;
                my $n = $next->();
                if ($n) { push @{ $queue[ $n->{slow} ] }, $n; next }
                $done_feeding = 1;
                next;
            }
            my $c = { case => $case, step => 0, wake => 0, out => '',
                      in => '', opened => time, state => 'send' };
            $c->{sock} = connect_to($c->{case}{port} eq 'vhost' ? $vport : $mport, 5);
            $stats{connections}++;
            if (!$c->{sock}) {
                $stats{connect_fail}++;
                $c->{state} = 'done';
                finish($c, $tick) or $done_feeding = 1, @queue = ([], []);
                next;
            }
            $busy[ $case->{slow} ]++;
            $c->{sock}->blocking(0);
            $c->{deadline} = time + CASE_DEADLINE;
            $sel_r->add($c->{sock});
            push @conns, $c;
            $stats{requests} += $c->{case}{requests};
        }
        last if $done_feeding && !@conns && !@{ $queue[0] } && !@{ $queue[1] };

        advance($_) for @conns;
        my $now = time;
        my $wait = 0.05;
        for my $c (@conns) {
            $wait = $c->{wake} - $now
                if $c->{state} eq 'send' && !length $c->{out} && $c->{wake} - $now < $wait;
        }
        $wait = 0 if $wait < 0;
        my $sel_w = IO::Select->new(map { $_->{sock} }
            grep { $_->{state} eq 'send' && length $_->{out} } @conns);
        my ($rr) = IO::Select->select($sel_r, $sel_w->count ? $sel_w : undef, undef, $wait);
        my %readable = map { fileno($_) => 1 } @{ $rr || [] };
        for my $c (@conns) {
            next unless $c->{sock} && $readable{ fileno $c->{sock} };
            my $n = sysread $c->{sock}, $c->{in}, 65536, length $c->{in};
            if (defined $n && $n == 0) {
                $c->{state} = 'done';
            }
            elsif (!defined $n && $! != EAGAIN && $! != EWOULDBLOCK && $! != EINTR) {
                $stats{resets}++;
                $c->{state} = 'done';
            }
        }
        $now = time;
        for my $c (@conns) {
            if ($c->{state} ne 'done' && $now > $c->{deadline}) {
                $stats{unanswered}++;
                print "  no answer in ", CASE_DEADLINE, " s: case $c->{case}{id} ($c->{state})\n"
                    if $opt{v};
                $c->{state} = 'done';
            }
        }
        my @still;
        for my $c (@conns) {
            if ($c->{state} eq 'done') {
                if ($c->{sock}) { $sel_r->remove($c->{sock}); close $c->{sock} }
                $c->{sock} = undef;
                $busy[ $c->{case}{slow} ]--;
                finish($c, $tick) or $done_feeding = 1, @queue = ([], []);
            }
            else {
                push @still, $c;
            }
        }
        @conns = @still;
    }
}

sub advance {
    my $c = shift;
    while ($c->{state} eq 'send') {
        if (length $c->{out}) {
            my $n = syswrite $c->{sock}, $c->{out};
            if (defined $n) {
                $stats{bytes} += $n;
                substr($c->{out}, 0, $n) = '';
                return if length $c->{out};
            }
            elsif ($! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR) {
                return;
            }
            else {
                # The server closed first (it refused what it had read):
                # read what it said.
                $stats{write_err}++;
                $c->{out} = '';
                $c->{state} = 'read';
                return;
            }
        }
        return if $c->{wake} > time;
        my $st = $c->{case}{steps}[ $c->{step}++ ];
        my $op = $st ? $st->[0] : 'wait';
        if ($op eq 'send') { $c->{out} = $st->[1] }
        elsif ($op eq 'sleep') { $c->{wake} = time + $st->[1] }
        elsif ($op eq 'shut') { shutdown $c->{sock}, 1; $c->{state} = 'read' }
        elsif ($op eq 'wait') { $c->{state} = 'read' }
        elsif ($op eq 'reset') {
            setsockopt $c->{sock}, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0);
            $c->{state} = 'done';
        }
        else { $c->{state} = 'done' }    # close
    }
}

my @recent;    # [case, closed] of connections since the check before last
sub finish {
    my ($c, $tick) = @_;
    $c->{closed} = time;
    $stats{cases}++;
    $stats{generated}++ if $c->{case}{generated};
    my @res = parse_responses($c->{in});
    $status_count{ $_->{status} }++ for @res;
    my @p = response_problems(@res);
    if (@p) {
        push @problems_resp, [$c->{case}, [map { "contract: case $c->{case}{id}: $_" } @p]];
    }
    push @recent, $c;
    return $tick ? $tick->($c) : 1;
}

# --- Findings ------------------------------------------------------------------------
sub save_case {
    my ($file, $c) = @_;
    spew($file, case_text($c));
    spew("$file.raw", case_bytes($c));
}

# What the check and the responses since the last call found.  With
# --crash-only, contract problems are counted (and a few kept to show),
# not returned.
my @contract_seen;
sub problems {
    my @p = (check_server(@_), map { @{ $_->[1] } } @problems_resp);
    if ($opt{'crash-only'}) {
        my @contract = grep { /^contract: / } @p;
        $stats{contract} += @contract;
        push @contract_seen, @contract[0 .. ($#contract < 4 ? $#contract : 4)]
            if @contract_seen < 10;
        @p = grep { !/^contract: / } @p;
        @problems_resp = ();
    }
    return @p;
}

# Bring the server back to a known state between replays: a request
# refused early is logged when its end-of-request bucket is freed, which
# can be after the client saw the connection close, so a child may die a
# moment after the replay that killed it.  Such a death, and whatever the
# logs say about it, must not count for the next replay.
sub settle {
    sleep 0.5;
    start_server() unless kill 0, $ppid;
    my %now = map { $_ => 1 } children();
    rebaseline() if grep { !$now{$_} } @baseline;
    unlink sanitizer_files();
    read_new("$dir/logs/error_log", \$elog_off);
    access_scan();
    @problems_resp = ();
    @recent = ();
}

# Replay CASES and say whether the server shows a problem of the kind
# being minimised ($want_kind: a crash, or a contract problem) afterwards;
# a shortened case that shows another kind is another finding.
my $want_kind = 'crash';
sub kind_of { (grep { !/^contract: / } @_) ? 'crash' : 'contract' }
sub replay_shows_problem {
    my @cases = @_;
    my $i = 0;
    settle();
    run_cases(sub { $cases[$i++] }, undef);
    sleep 1;
    my @p = problems(no_health => 1);
    return $want_kind eq 'crash' ? grep({ !/^contract: / } @p)
                                 : grep({ /^contract: / } @p);
}

sub minimise {
    my ($fdir, $why, @cands) = @_;
    $want_kind = kind_of(@$why);
    print "http-fuzz: replaying the ", scalar(@cands), " cases of the window\n";
    my @p = replay_shows_problem(@cands);
    if (!@p) {
        print "http-fuzz: the window as a whole does not reproduce it\n";
        return;
    }
    # Halve while one half alone still shows it.
    while (@cands > 1) {
        my @a = @cands[0 .. $#cands / 2];
        my @b = @cands[$#cands / 2 + 1 .. $#cands];
        if (replay_shows_problem(@a)) { @cands = @a }
        elsif (replay_shows_problem(@b)) { @cands = @b }
        else {
            print "http-fuzz: it takes cases from both halves (",
                scalar(@cands), " kept)\n";
            last;
        }
    }
    if (@cands == 1) {
        my $c = $cands[0];
        # Shorten: drop pauses and split writes, then whole lines, while it
        # still shows the problem.
        my $data = case_bytes($c);
        my $ending = $c->{steps}[-1][0];
        my $try = sub {
            my ($d, $e) = @_;
            my $t = { %$c, steps => [(length $d ? ['send', $d] : ()), [$e]],
                      slow => $e eq 'wait' ? 1 : 0 };
            return replay_shows_problem($t) ? $t : undef;
        };
        if (my $t = $try->($data, $ending)) { $c = $t }
        my @lines = split /(?<=\n)/, $data;
        my $attempts = 0;
        for (my $i = 0; $i < @lines && $attempts < 60; $i++) {
            next if @lines == 1;
            my @l = @lines;
            splice @l, $i, 1;
            $attempts++;
            if (my $t = $try->(join('', @l), $c->{steps}[-1][0])) {
                $c = $t;
                @lines = @l;
                $i--;
            }
        }
        if ($c != $cands[0] && !replay_shows_problem($c)) {
            print "http-fuzz: the shortened case does not reproduce it again; "
                . "keeping the case as it was\n";
            $c = $cands[0];
        }
        $c->{desc} = [@{ $c->{desc} }, 'minimised'];
        save_case("$fdir/minimal.case", $c);
        print "http-fuzz: minimal input: $fdir/minimal.case\n",
            '  ', (length case_bytes($c) ? "'" . visible(case_bytes($c), 200) . "'"
                   : 'nothing sent'), ", then $c->{steps}[-1][0]\n";
    }
    else {
        my $n = 0;
        save_case(sprintf("$fdir/minimal-%03d.case", $n++), $_) for @cands;
        print "http-fuzz: ", scalar(@cands), " cases kept as $fdir/minimal-*.case\n";
    }
}

sub finding {
    my ($why, $cands) = @_;
    my $fdir = "$findings/http-$seed-$stats{cases}";
    make_path("$fdir/window");
    my $n = 0;
    save_case(sprintf("$fdir/window/%04d.case", $n++), $_) for @$cands;
    for my $f (sanitizer_files()) { copy($f, "$fdir/" . basename($f)) }
    copy("$dir/logs/error_log", "$fdir/error_log");
    spew("$fdir/REPORT", join "\n",
        "http-fuzz finding, seed $seed, after $stats{cases} cases "
        . "($stats{requests} requests) in " . sprintf('%.1f', time - $main_start) . ' s',
        '', @$why, '',
        "module: $so" . ($preload ? " (preloaded: $preload)" : ''),
        "window: $n cases on the wire since the check before last (window/)",
        "replay one: t/fuzz/http-fuzz.pl -r FILE.case   (with the same HTTPD, CORS_SO, CORS_PRELOAD)",
        '');
    print "http-fuzz: FINDING after $stats{cases} cases ($stats{requests} requests, ",
        sprintf('%.1f', time - $main_start), " s)\n";
    print "  $_\n" for @$why;
    print "http-fuzz: saved in $fdir\n";
    minimise($fdir, $why, @$cands) unless $opt{'no-minimise'};
    return $fdir;
}

# --- Main ------------------------------------------------------------------------------
load_corpus();
if (defined $opt{print}) {
    print case_text(gen_case($opt{print}));
    exit 0;
}
die "http-fuzz: $so does not exist (make first)\n" unless -e $so;
write_server();
start_server();
@baseline = children();
my @first = check_server();
die "http-fuzz: the server is not healthy before the first case:\n  "
    . join("\n  ", @first) . "\n" if @first;

my @replay = $opt{r} ? map { /\.http$/ ? package_case([parse_http(slurp($_))], 'shut', "file($_)")
                                       : read_case($_) } @ARGV
           : @corpus_cases;
printf "http-fuzz: httpd %s, ports %d (main) and %d (vhost), module %s%s\n",
    $dir, $mport, $vport, $so, $preload ? ' with sanitizer runtimes' : '';
printf "http-fuzz: seed %d, %s, %d corpus files first\n", $seed,
    defined $opt{t} ? "$opt{t} s" : defined $opt{n} ? "$opt{n} cases" : 'replay only',
    scalar @replay;

$main_start = time;
my $fuzz_start;
my ($i, $ri, $last_check, $since_check) = (0, 0, time, 0);
my ($windows_start_prev, $windows_start) = (0, 0);
my $found;
my $next = sub {
    return $replay[$ri++] if $ri < @replay;
    return undef if $opt{r};
    $fuzz_start //= time;
    return undef if defined $opt{n} && $i >= $opt{n};
    return undef if defined $opt{t} && time - $fuzz_start >= $opt{t};
    return gen_case($i++);
};
my $tick = sub {
    my $c = shift;
    return 0 if $found;
    $since_check++;
    return 1 unless $since_check >= $opt{b} || time - $last_check >= 2
        || @problems_resp;
    my @p = problems();
    if (@p) {
        $found = \@p;
        return 0;
    }
    $windows_start_prev = $windows_start;
    $windows_start = time;
    @recent = grep { $_->{closed} >= $windows_start_prev } @recent;
    if ($opt{v}) {
        printf "  %6d cases %7d requests %5.0f req/s\n", $stats{cases},
            $stats{requests}, $stats{requests} / ((time - $main_start) || 1);
    }
    ($last_check, $since_check) = (time, 0);
    return 1;
};
run_cases($next, $tick);
my $elapsed = time - $main_start;
if (!$found) {
    # The last connections have ended: one more check.
    sleep 0.3;
    my @p = problems();
    $found = \@p if @p;
}
my @window;
if ($found) {
    # Every case on the wire since the check before last (the parent notes
    # a dead child up to a second late); a response problem is pinned on
    # its own case.
    @window = map { $_->{case} } grep { $_->{closed} >= $windows_start_prev } @recent;
    @window = map { $_->[0] } @problems_resp
        if @problems_resp && !grep { !/^contract: case / } @$found;
}

my %class;
$class{ substr($_, 0, 1) . 'xx' } += $status_count{$_} for keys %status_count;
printf "http-fuzz: seed %d: %d connections (%d corpus, %d generated), %d requests, "
    . "%.1f MB in %.1f s (%.0f requests/s); responses %s; %d resets, "
    . "%d writes refused, %d without an answer in %d s; %d early refusals in the "
    . "access log (%s)%s\n",
    $seed, $stats{connections}, $stats{cases} - $stats{generated}, $stats{generated},
    $stats{requests}, $stats{bytes} / 1e6, $elapsed,
    $stats{requests} / ($elapsed || 1),
    join(' ', map { "$_ $class{$_}" } sort keys %class) || 'none',
    $stats{resets}, $stats{write_err}, $stats{unanswered}, CASE_DEADLINE,
    sum(values %early), join(' ', map { "$_:$early{$_}" } sort keys %early) || '-',
    $stats{connect_fail} ? ", $stats{connect_fail} connections refused" : '';
if ($stats{contract}) {
    print "http-fuzz: $stats{contract} contract problems (not findings: --crash-only), such as\n";
    print "  $_\n" for @contract_seen;
}
if ($found) {
    finding($found, \@window);
    stop_server();
    exit 1;
}
print "http-fuzz: 0 crashes, 0 sanitizer reports, every health check passed ",
    "($stats{checks} checks)", $opt{'crash-only'} ? "\n" : ", 0 contract problems\n";
stop_server();
exit 0;

sub sum { my $s = 0; $s += $_ for @_; $s }
