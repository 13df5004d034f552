package CorsHostile;

# The hostile request corpus: oversized, malformed and ambiguous CORS
# request headers, each with the one outcome it must have.  t/hostile.t
# sends all of it to the shared server; t/contexts.t sends the cases of the
# ordinary scope with the policy at each configuration level.
#
# A case is a hash:
#   name      what it is
#   scope     'main' (the ordinary policy, @POLICY below) or 'star' (a
#             scope below it with CORSAllowOrigin * and CORSAllowHeaders *)
#   big       1: needs a server whose LimitRequestLine and
#             LimitRequestFieldSize let 100 KB lines through
#   method, headers ([name => value, ...]), raw_headers (appended as is)
#   and exactly one outcome:
#     apache    => STATUS  httpd refuses it itself (the header is over
#                          its limits); nothing from the module
#     denied    => 1       an actual request (200) whose Origin gets no
#                          Access-Control-* header, only Vary: Origin
#     refused   => REGEX   a refused preflight whose reason matches
#     preflight => ORIGIN  an allowed preflight, Access-Control-Allow-Origin ORIGIN
#     allowed   => ORIGIN  an actual request, Access-Control-Allow-Origin ORIGIN
#                          (status: 'status', default 200)
#   extra     sub { my ($response, $name) = @_; more assertions }
#   result    the CORS_RESULT, where the outcome does not imply it
#
# The server must let raw control characters reach the module
# (HttpProtocolOptions Unsafe): with Strict, httpd answers 400 itself.

use strict;
use warnings;

use CorsTest qw(APP hdr hdrs no_acx vary_ok acao_is refused_ok preflight_ok);
use Test::More ();
use Exporter 'import';

our @EXPORT_OK = qw(@POLICY cases check result request_args);

# The policy of the 'main' scope, as configuration lines: the origins
# hostile inputs try to spell (an IPv6 literal, a punycode host, a
# wildcard, the opaque origin).
our @POLICY = (
    'CORSEngine On',
    'CORSAllowOrigin https://app.example.com http://[::1]:8080',
    'CORSAllowOrigin https://xn--bcher-kva.example https://*.wild.example',
    'CORSAllowOrigin null',
    'CORSAllowMethods GET PUT',
    'CORSAllowHeaders X-Token',
);

my $ACRM = 'Access-Control-Request-Method';
my $ACRH = 'Access-Control-Request-Headers';

sub pf {
    my ($origin, $method, $acrh) = @_;
    return (Origin => $origin, $ACRM => $method,
            (defined $acrh ? ($ACRH => $acrh) : ()));
}

my $huge  = 'https://' . ('a' x 102400) . '.example';
my $names = join(', ', map { "X-Name-$_" } 1 .. 10000);
my $long  = 'X-' . ('n' x 8190);

my @cases = (
    # --- An Origin of 100 KB --------------------------------------------------
    { name => '100 KB Origin, default limits', headers => [Origin => $huge],
      apache => 400 },
    { name => '100 KB Origin', big => 1, headers => [Origin => $huge], denied => 1 },
    { name => '100 KB Origin preflight', big => 1, method => 'OPTIONS',
      headers => [pf($huge, 'GET')],
      refused => qr/origin 'https:\/\/a{100}[a-z.]*\.\.\.' is malformed: it is longer than 512 bytes/,
      extra => sub {
          my ($r, $name) = @_;
          Test::More::ok(length($r->{body}) < 1024, "$name: the reason is bounded");
      } },
    # every response under a credential-less * carries it; the malformed
    # Origin is still a denial in the log
    { name => '100 KB Origin, credential-less *', scope => 'star', big => 1,
      headers => [Origin => $huge], allowed => '*', result => 'actual-denied' },

    # --- 10,000 names in Access-Control-Request-Headers ---------------------
    { name => '10,000 names, default limits', method => 'OPTIONS',
      headers => [pf(APP, 'GET', $names)], apache => 400 },
    { name => '10,000 names, CORSAllowHeaders *', scope => 'star', big => 1,
      method => 'OPTIONS', headers => [pf(APP, 'GET', $names)], preflight => '*',
      extra => sub {
          my ($r, $name) = @_;
          my @echo = split /, /, hdr($r, 'Access-Control-Allow-Headers') // '';
          Test::More::is(scalar(@echo), 10000, "$name: all echoed");
          Test::More::is($echo[9999], 'x-name-10000', "$name: lowercase, in order");
      } },
    { name => '10,000 names, one listed', big => 1, method => 'OPTIONS',
      headers => [pf(APP, 'GET', "X-Token, $names")],
      refused => qr/request header 'x-name-1' is not allowed/ },
    { name => '10,000 empty items', scope => 'star', big => 1, method => 'OPTIONS',
      headers => [pf(APP, 'GET', ',' x 10000)],
      refused => qr/Access-Control-Request-Headers has an empty item/ },

    # --- Control bytes --------------------------------------------------------
    (map {
        my $c = $_;
        my $name = sprintf 'Origin with byte 0x%02x', ord $c;
        ({ name => $name, headers => [Origin => APP . "${c}x"], denied => 1 },
         { name => "$name, preflight", method => 'OPTIONS',
           headers => [pf(APP . "${c}x", 'GET')],
           refused => qr/is malformed: it has a control character/,
           extra => sub {
               my ($r, $n) = @_;
               Test::More::like($r->{body}, qr/\\x[0-9a-f]{2}/, "$n: escaped in the reason");
           } })
    } "\x01", "\x1b", "\x7f", "\t"),
    { name => 'control byte in Access-Control-Request-Method', method => 'OPTIONS',
      headers => [pf(APP, "GE\x01T")],
      refused => qr/Access-Control-Request-Method 'GE\\x01T' is not a method token/ },
    { name => 'control byte in Access-Control-Request-Headers', method => 'OPTIONS',
      headers => [pf(APP, 'GET', "x-token\x01")],
      refused => qr/item 'x-token\\x01' is not a header name/ },

    # --- UTF-8 and punycode hosts ---------------------------------------------
    { name => 'UTF-8 host', headers => [Origin => "https://b\xc3\xbccher.example"],
      denied => 1 },
    { name => 'UTF-8 host, preflight', method => 'OPTIONS',
      headers => [pf("https://b\xc3\xbccher.example", 'GET')],
      refused => qr/'https:\/\/b\\xc3\\xbccher\.example' is malformed: it has a space or a non-ASCII byte/ },
    { name => 'punycode host (configured)',
      headers => [Origin => 'https://xn--bcher-kva.example'],
      allowed => 'https://xn--bcher-kva.example' },
    { name => 'punycode label under a wildcard',
      headers => [Origin => 'https://xn--bcher-kva.wild.example'],
      allowed => 'https://xn--bcher-kva.wild.example' },
    { name => 'UTF-8 label under a wildcard',
      headers => [Origin => "https://b\xc3\xbccher.wild.example"], denied => 1 },

    # --- IPv6 literals --------------------------------------------------------
    { name => 'IPv6 literal', method => 'OPTIONS',
      headers => [pf('http://[::1]:8080', 'PUT')], preflight => 'http://[::1]:8080' },
    (map { { name => "IPv6 $_: another origin", headers => [Origin => $_], denied => 1 } }
         'http://[::1]', 'http://[0:0:0:0:0:0:0:1]:8080', 'http://[::2]:8080'),
    (map { { name => "malformed IPv6 $_", method => 'OPTIONS', headers => [pf($_, 'GET')],
             refused => qr/is malformed/ } }
         'http://[::1', 'http://[::1]x:8080', 'http://[::g]:8080', 'http://::1:8080'),
    { name => 'IPv6 literal before a wildcard suffix',
      headers => [Origin => 'https://[::1].wild.example'], denied => 1 },

    # --- Two Origin headers, an empty one, null -------------------------------
    { name => 'two Origin headers (joined by a comma)',
      raw_headers => 'Origin: ' . APP . "\r\nOrigin: " . APP . "\r\n", denied => 1 },
    { name => 'two Origin headers, preflight', method => 'OPTIONS',
      headers => [$ACRM => 'GET'],
      raw_headers => 'Origin: ' . APP . "\r\nOrigin: " . APP . "\r\n",
      refused => qr/it has a comma/ },
    { name => 'empty Origin', headers => [Origin => ''], denied => 1 },
    { name => 'empty Origin, preflight', method => 'OPTIONS', headers => [pf('', 'GET')],
      refused => qr/origin '' is malformed: it is empty/ },
    { name => 'null (an explicit entry)', headers => [Origin => 'null'], allowed => 'null' },
    { name => 'NULL is not the opaque origin', headers => [Origin => 'NULL'], denied => 1 },
    { name => 'null under a credential-less *', scope => 'star',
      headers => [Origin => 'null'], allowed => '*' },

    # --- Absurd methods ---------------------------------------------------------
    { name => 'a list in Access-Control-Request-Method', method => 'OPTIONS',
      headers => [pf(APP, 'GET, DELETE')], refused => qr/'GET, DELETE' is not a method token/ },
    { name => 'empty Access-Control-Request-Method', method => 'OPTIONS',
      headers => [pf(APP, '')],
      refused => qr/Access-Control-Request-Method '' is not a method token/ },
    { name => '8 KB requested method', method => 'OPTIONS', headers => [pf(APP, 'X' x 8000)],
      refused => qr/method 'X{128}\.\.\.' is not allowed/ },
    { name => 'methods are case-sensitive', method => 'OPTIONS', headers => [pf(APP, 'get')],
      refused => qr/method 'get' is not allowed/ },
    { name => 'UTF-8 requested method', method => 'OPTIONS', headers => [pf(APP, "G\xc3\x89T")],
      refused => qr/'G\\xc3\\x89T' is not a method token/ },
    { name => "unknown method: httpd's 501, decorated", method => 'BREW',
      headers => [Origin => APP], allowed => APP, status => 501 },
    { name => "8 KB method: httpd's 501, decorated", big => 1, method => 'M' x 8000,
      headers => [Origin => APP], allowed => APP, status => 501 },

    # --- 8 KB header names ------------------------------------------------------
    { name => '8 KB requested name under CORSAllowHeaders *', scope => 'star', big => 1,
      method => 'OPTIONS', headers => [pf(APP, 'GET', $long)], preflight => '*',
      extra => sub {
          my ($r, $name) = @_;
          Test::More::is(hdr($r, 'Access-Control-Allow-Headers'), lc $long,
                         "$name: echoed lowercase");
      } },
    { name => '8 KB requested name', big => 1, method => 'OPTIONS',
      headers => [pf(APP, 'GET', $long)],
      refused => qr/request header 'x-n{126}\.\.\.' is not allowed/ },
    { name => '8 KB header field name, default limits',
      headers => [$long => 'v', Origin => APP], apache => 400 },
    { name => '8 KB header field name', big => 1,
      headers => [$long => 'v', Origin => APP], allowed => APP },
);

# Every case (a list of hashes; do not modify them).
sub cases { return @cases }

# (METHOD, HEADERS, %OPTS) for CorsTest::req, without path and port.
sub request_args {
    my $c = shift;
    return ($c->{method} || 'GET', $c->{headers} || [],
            (defined $c->{raw_headers} ? (raw_headers => $c->{raw_headers}) : ()));
}

# The CORS_RESULT the case logs; '-' for none (httpd refused it before the
# module could see it).
sub result {
    my $c = shift;
    return $c->{result}     if $c->{result};
    return '-'              if $c->{apache};
    return 'actual-denied'  if $c->{denied};
    return 'preflight-denied' if $c->{refused};
    return 'preflight-ok'   if $c->{preflight};
    return 'actual-ok';
}

# The assertions of the case's outcome on RESPONSE; NAME prefixes them.
sub check {
    my ($c, $r, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    $name //= $c->{name};
    if (my $st = $c->{apache}) {
        Test::More::is($r->{status}, $st, "$name: httpd refuses it itself ($st)");
        no_acx($r, $name);
    }
    elsif ($c->{denied}) {
        Test::More::is($r->{status}, 200, "$name: 200");
        no_acx($r, $name);
        vary_ok($r, ['Origin'], $name);
    }
    elsif ($c->{refused}) {
        refused_ok($r, $c->{refused}, $name);
    }
    elsif (defined $c->{preflight}) {
        preflight_ok($r, $c->{preflight}, $name);
    }
    elsif (defined $c->{allowed}) {
        Test::More::is($r->{status}, $c->{status} || 200,
                       "$name: " . ($c->{status} || 200));
        acao_is($r, $c->{allowed}, $name);
    }
    else {
        die "case '$c->{name}' has no outcome\n";
    }
    $c->{extra}->($r, $name) if $c->{extra};
}

1;
