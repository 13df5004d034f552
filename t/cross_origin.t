# CORSCrossOriginProtection (docs/mod_cors.md, "Protecting state-changing
# endpoints"): GET, HEAD and OPTIONS always pass; with Sec-Fetch-Site,
# same-origin and none pass, anything else only with an allowed Origin;
# without it, no Origin passes, an Origin naming the Host's host and port
# passes (schemes never compared), an allowed Origin passes.  A refusal is
# the module's own one-line text/plain 403, logged actual-denied
# cross-origin, and the handler never runs.  Checked here: every method
# class against every Sec-Fetch-Site value, Origin against Host with and
# without ports, malformed origins, the directive in <Location>, <If>,
# .htaccess and a named policy, internal redirects (front controllers,
# ErrorDocument), CORSRejectDisallowed beside it, WebSocket upgrades and
# Storage Access Headers requests, and a back end behind a proxy that
# terminates TLS (a private httpd of its own, lib/CorsHttpd.pm).
#
# Scopes: conf/cross_origin.conf.in; files under htdocs/xo/.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use CorsTest;
use CorsHttpd ();
use IO::Socket::INET ();

cors_plan();

my $P = main_port();
my $SELF = same_origin();    # http://localhost:PORT, as the Host says

# A refusal by cross-origin protection: 403, one text/plain line whose
# reason matches REASON_RE, no Access-Control-*, Vary: Origin, the handler
# never ran, and CORS_RESULT/CORS_REASON logged.
sub refused {
    my ($r, $id, $name, $reason_re) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($r->{status}, 403, "$name: 403") or diag("body: $r->{body}");
    like(hdr($r, 'Content-Type') // '', qr{^text/plain\b}, "$name: text/plain");
    like($r->{body}, qr{\ACross-origin request refused: [^\n]*$reason_re[^\n]*\n\z},
         "$name: one line with the reason");
    no_acx($r, $name);
    vary_ok($r, ['Origin'], $name);
    is(calls_for($id), 0, "$name: the handler never ran");
    is(cors_outcome($id), 'actual-denied cross-origin',
       "$name: logged actual-denied cross-origin");
}

# Passed: the handler ran once and answered.
sub passed {
    my ($r, $id, $name, $status) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    $status //= 200;
    is($r->{status}, $status, "$name: $status") or diag("body: $r->{body}");
    is(calls_for($id), 1, "$name: the handler ran");
    isnt(cors_outcome($id) // '', 'actual-denied cross-origin',
         "$name: not logged as a cross-origin refusal");
}

# A request to PATH?id=ID with HEADERS; a body for the methods that carry
# one.
sub send_req {
    my ($method, $path, $headers, %opt) = @_;
    my $id = uid();
    my $sep = $path =~ /\?/ ? '&' : '?';
    my $r = req($method, "$path${sep}id=$id", $headers,
                ($method =~ /^(?:POST|PUT|PATCH)$/ ? (body => 'x=1') : ()), %opt);
    return ($r, $id);
}

my ($r, $id);

# --- every method class against every Sec-Fetch-Site value ------------------

my @safe = qw(GET HEAD OPTIONS);
my @unsafe = qw(POST PUT DELETE PATCH);
# [value or undef for none, passes with a disallowed Origin]
my @sites = (['same-origin', 1], ['none', 1], ['same-site', 0], ['cross-site', 0],
             ['bogus', 0], ['Same-Origin', 0], [undef, 0]);

for my $m (@safe, @unsafe) {
    my $safe = grep { $_ eq $m } @safe;
    for my $s (@sites) {
        my ($site, $ok) = @$s;
        my $what = defined $site ? "Sec-Fetch-Site: $site" : 'no Sec-Fetch-Site';
        my @sfs = defined $site ? ('Sec-Fetch-Site' => $site) : ();

        ($r, $id) = send_req($m, '/xo/h/m', [Origin => EVIL, @sfs]);
        if ($safe || $ok) {
            passed($r, $id, "$m, $what, a disallowed Origin");
        }
        else {
            my $re = defined $site
                ? qr/Sec-Fetch-Site is '\Q$site\E' and origin '\Q${\EVIL}\E' is not allowed/
                : qr/no Sec-Fetch-Site, and origin '\Q${\EVIL}\E' is neither the Host 'localhost:$P' nor allowed/;
            refused($r, $id, "$m, $what, a disallowed Origin", $re);
        }

        # an allowed Origin always passes
        ($r, $id) = send_req($m, '/xo/h/m', [Origin => APP, @sfs]);
        passed($r, $id, "$m, $what, the allowed Origin");
        acao_is($r, APP, "$m, $what, the allowed Origin");
    }
}

# Without an Origin: a browser always sends one on these methods, so only
# Sec-Fetch-Site decides; with neither it is no browser.
for my $m (@unsafe) {
    ($r, $id) = send_req($m, '/xo/h/m', ['Sec-Fetch-Site' => 'cross-site']);
    refused($r, $id, "$m cross-site without an Origin",
            qr/Sec-Fetch-Site is 'cross-site' and the request has no Origin/);
    ($r, $id) = send_req($m, '/xo/h/m', []);
    passed($r, $id, "$m without Sec-Fetch-Site and Origin (no browser)");
    is(cors_outcome($id), 'none -', "$m without Origin: logged none");
}

# A preflight in a protected scope is answered as ever, and a method name
# is case-sensitive: "post" is no POST but is no GET either.
$r = preflight('/xo/h/m', APP, 'PUT');
preflight_ok($r, APP, 'a preflight in a protected scope');
($r, $id) = send_req('get', '/xo/h/m', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
is($r->{status}, 403, "'get' is not GET: refused");
is(calls_for($id), 0, "'get': the handler never ran");

# --- no Sec-Fetch-Site: Origin against the Host header ----------------------

# [name, Host header, Origin, passes]
my @host_cases = (
    ['Origin equal to Host (host and port)', "localhost:$P", "http://localhost:$P", 1],
    ['https Origin, same host and port: schemes are never compared',
     "localhost:$P", "https://localhost:$P", 1],
    ['host compared case-insensitively', "LocalHost:$P", "http://localhost:$P", 1],
    ['another port', "localhost:$P", 'http://localhost:' . ($P + 1), 0],
    ['another host', "localhost:$P", "http://127.0.0.1:$P", 0],
    ['Host without port, http Origin without port', 'localhost', 'http://localhost', 1],
    ['Host without port, https Origin without port', 'localhost', 'https://localhost', 1],
    ['Host without port, Origin with its default port written', 'localhost',
     'https://localhost:443', 1],
    ['Host without port, Origin on another port', 'localhost', "http://localhost:$P", 0],
    ['Host on 443, https Origin without port (443 implied)', 'localhost:443',
     'https://localhost', 1],
    ['Host on 80, http Origin without port (80 implied)', 'localhost:80', 'http://localhost', 1],
    ['Host on 443, http Origin without port (80 implied)', 'localhost:443', 'http://localhost', 0],
    ['Host on a port, Origin without one', "localhost:$P", 'http://localhost', 0],
    ['Host longer than the Origin host', "localhost.evil.example:$P", "http://localhost:$P", 0],
    ['malformed Origin: a path', "localhost:$P", "http://localhost:$P/", 0],
    ['malformed Origin: two joined', "localhost:$P", "http://localhost:$P, https://evil.example", 0],
    ['the opaque origin', "localhost:$P", 'null', 0],
);
for my $c (@host_cases) {
    my ($name, $host, $origin, $ok) = @$c;
    ($r, $id) = send_req('POST', '/xo/h/m', [Origin => $origin], host => $host);
    if ($ok) {
        passed($r, $id, "$name (Host $host, Origin $origin)");
    }
    else {
        my $re = $origin =~ m{/$|,}
            ? qr/no Sec-Fetch-Site, and origin '\Q$origin\E' is malformed: /
            : qr/no Sec-Fetch-Site, and origin '\Q$origin\E' is neither the Host '\Q$host\E' nor allowed/;
        refused($r, $id, "$name (Host $host, Origin $origin)", $re);
    }
}

# X-Forwarded-* and Forwarded never stand in for the Host.
($r, $id) = send_req('POST', '/xo/h/m', [Origin => EVIL,
    'X-Forwarded-Host' => 'evil.example', 'X-Forwarded-Proto' => 'https',
    Forwarded => 'host=evil.example;proto=https']);
refused($r, $id, 'X-Forwarded-Host equal to the Origin', qr/neither the Host/);

# With Sec-Fetch-Site, an Origin equal to the Host is not enough: the
# browser said the request came from elsewhere.
($r, $id) = send_req('POST', '/xo/h/m', [Origin => $SELF, 'Sec-Fetch-Site' => 'same-site']);
refused($r, $id, 'same-site, Origin equal to the Host',
        qr/Sec-Fetch-Site is 'same-site' and origin '\Q$SELF\E' is not allowed/);

# --- the reason at LogLevel cors:debug ---------------------------------------

{
    my $mark = error_log_mark();
    ($r, $id) = send_req('DELETE', '/xo/h/m', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
    is($r->{status}, 403, 'debug log: refused');
    my $log = error_log_since($mark, qr/CORSCrossOriginProtection: 403/);
    like($log, qr{\[cors:debug\].*CORSCrossOriginProtection: 403 for /xo/h/m: Sec-Fetch-Site is 'cross-site' and origin 'https://evil\.example' is not allowed},
         'the reason is in the error log at cors:debug');
}

# --- scopes -------------------------------------------------------------------

# Off below a protected scope; CORSEngine Off: nothing at all.
($r, $id) = send_req('POST', '/xo/h/off/x', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, 'CORSCrossOriginProtection Off below a protected scope');
is(cors_outcome($id), 'actual-denied origin', 'Off: the CORS verdict is logged as ever');
($r, $id) = send_req('POST', '/xo/h/engoff/x', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, 'CORSEngine Off: protection does nothing');
is(cors_outcome($id), '- -', 'CORSEngine Off: nothing logged');
no_acx($r, 'CORSEngine Off');

# <If>
($r, $id) = send_req('POST', '/xo/h/if/x?protect', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
refused($r, $id, '<If> turns protection on', qr/Sec-Fetch-Site is 'cross-site'/);
($r, $id) = send_req('POST', '/xo/h/if/x', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, 'where the <If> does not apply');

# a named policy
($r, $id) = send_req('POST', '/xo/p/x', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
refused($r, $id, 'a <CORSPolicy> with protection', qr/Sec-Fetch-Site is 'cross-site'/);
($r, $id) = send_req('PUT', '/xo/p/x', [Origin => APP, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, "a <CORSPolicy> with protection: the policy's origin");
acao_is($r, APP, "a <CORSPolicy> with protection: the policy's origin");

# .htaccess under AllowOverride FileInfo
write_htaccess('xo', 'ht', "CORSEngine On\nCORSAllowOrigin https://app.example.com\n"
                         . "CORSCrossOriginProtection On\n");
($r, $id) = send_req('POST', '/xo/ht/app.cgi', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
refused($r, $id, '.htaccess', qr/Sec-Fetch-Site is 'cross-site'/);
($r, $id) = send_req('POST', '/xo/ht/app.cgi', [Origin => APP, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, '.htaccess: the allowed origin');
($r, $id) = send_req('PATCH', '/xo/ht/app.cgi', [Origin => "http://localhost:$P"]);
passed($r, $id, '.htaccess: Origin equal to the Host');
write_htaccess('xo', 'ht', "CORSEngine On\nCORSCrossOriginProtection Maybe\n");
($r, $id) = send_req('POST', '/xo/ht/app.cgi', [Origin => EVIL]);
is($r->{status}, 500, '.htaccess: CORSCrossOriginProtection Maybe is a 500');
write_htaccess('xo', 'ht', "CORSEngine On\nCORSCrossOriginProtection Off\n");
($r, $id) = send_req('POST', '/xo/ht/app.cgi', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, '.htaccess: Off');
remove_htaccess();

# --- internal redirects (docs/mod_cors.md, "Internal redirects") ------------

# fc/: the front controller's own policy protects it
($r, $id) = send_req('POST', '/xo/fc/orders/1', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
refused($r, $id, 'front controller with a protected policy of its own', qr/cross-site/);
($r, $id) = send_req('POST', '/xo/fc/orders/1', [Origin => APP, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, 'front controller: the allowed origin');
# papi/: the URL asked for governs, before the front controller runs
($r, $id) = send_req('DELETE', '/xo/papi/orders/1', [Origin => EVIL, 'Sec-Fetch-Site' => 'same-site']);
refused($r, $id, 'front controller without CORS lines: the URL asked for governs', qr/same-site/);
($r, $id) = send_req('DELETE', '/xo/papi/orders/1', ['Sec-Fetch-Site' => 'same-origin', Origin => $SELF]);
passed($r, $id, 'front controller without CORS lines: same-origin');
# tfc/: the front controller's own policy (unprotected) governs
($r, $id) = send_req('POST', '/xo/tfc/orders/1', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, "a front controller's own unprotected policy governs");

# ErrorDocument 403 in a protected scope is not consulted for its refusal
($r, $id) = send_req('POST', '/xo/h/ed/x', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
refused($r, $id, 'ErrorDocument 403 in the scope', qr/cross-site/);
unlike($r->{body}, qr/error page/, 'the ErrorDocument is not consulted');

# An error document is never refused, even where a protected policy of its
# own governs it: Apache refused the request (Require all denied) first.
for my $site ('cross-site', 'same-origin') {
    ($r, $id) = send_req('POST', '/xo/h/denied/x', [Origin => EVIL, 'Sec-Fetch-Site' => $site]);
    is($r->{status}, 403, "Require all denied, $site: Apache's 403");
    like($r->{body}, qr/error page of a scope that protects itself/,
         "Require all denied, $site: the error document is served, not refused");
    isnt(cors_outcome($id) // '', 'actual-denied cross-origin',
         "Require all denied, $site: no cross-origin refusal logged");
}

# --- beside CORSRejectDisallowed --------------------------------------------

# both on: cross-origin protection decides first
($r, $id) = send_req('POST', '/xo/h/rej/x', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
refused($r, $id, 'both on, cross-site POST', qr/cross-site/);
# a GET is CORSRejectDisallowed's
($r, $id) = send_req('GET', '/xo/h/rej/x', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
is($r->{status}, 403, 'both on, cross-site GET: CORSRejectDisallowed refuses it');
is(calls_for($id), 0, 'both on, cross-site GET: the handler never ran');
is(cors_outcome($id), 'actual-denied origin', 'both on, cross-site GET: reason origin');
# an allowed origin passes protection and meets CORSRejectDisallowed's
# method check
($r, $id) = send_req('PUT', '/xo/h/rej/x', [Origin => APP, 'Sec-Fetch-Site' => 'cross-site']);
is($r->{status}, 405, 'both on, allowed origin, PUT not allowed: 405');
is(cors_outcome($id), 'actual-denied method', 'both on, 405: reason method');
($r, $id) = send_req('POST', '/xo/h/rej/x', [Origin => APP, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, 'both on, allowed origin, POST');
# same-origin by Sec-Fetch-Site, no Origin mismatch: both let it through
($r, $id) = send_req('DELETE', '/xo/h/rej/x', ['Sec-Fetch-Site' => 'same-origin']);
passed($r, $id, 'both on, same-origin DELETE without Origin');
# CORSRejectDisallowed alone refuses by Origin, with its own reason and page
($r, $id) = send_req('POST', '/xo/h/rejonly/x', [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site']);
is($r->{status}, 403, 'CORSRejectDisallowed alone: 403');
is(cors_outcome($id), 'actual-denied origin', 'CORSRejectDisallowed alone: reason origin');
unlike($r->{body}, qr/Cross-origin request refused/, "CORSRejectDisallowed alone: Apache's page");
# ... and lets a same-origin request by the Host through, like protection
($r, $id) = send_req('POST', '/xo/h/rejonly/x', [Origin => $SELF]);
passed($r, $id, 'CORSRejectDisallowed alone: same origin');

# --- WebSocket upgrades -------------------------------------------------------
# The handshake is a GET: protection lets it through (a cross-site page can
# open a WebSocket with the user's cookies); CORSRejectDisallowed refuses
# it by its Origin, which browsers always send on the handshake.
my @ws = (Upgrade => 'websocket', Connection => 'Upgrade', 'Sec-WebSocket-Version' => '13',
          'Sec-WebSocket-Key' => 'dGhlIHNhbXBsZSBub25jZQ==', Origin => EVIL,
          'Sec-Fetch-Site' => 'cross-site', 'Sec-Fetch-Mode' => 'websocket',
          'Sec-Fetch-Dest' => 'websocket', Cookie => 'session=1');
($r, $id) = send_req('GET', '/xo/h/m', \@ws);
passed($r, $id, 'WebSocket upgrade, cross-site, protection on: a GET, it passes');
is(cors_outcome($id), 'actual-denied origin', 'WebSocket upgrade: the CORS verdict is logged');
($r, $id) = send_req('GET', '/xo/h/rejonly/x', \@ws);
is($r->{status}, 403, 'WebSocket upgrade, cross-site, CORSRejectDisallowed: 403');
is(calls_for($id), 0, 'WebSocket upgrade, CORSRejectDisallowed: the handler never ran');
($r, $id) = send_req('GET', '/xo/h/rej/x', [@ws[0 .. 7], Origin => APP, 'Sec-Fetch-Site' => 'cross-site']);
passed($r, $id, 'WebSocket upgrade from the allowed origin, both on');

# --- Storage Access Headers (Chromium) ---------------------------------------
# A credentialed no-cors embed that carries Origin and
# Sec-Fetch-Storage-Access: active is a GET: it passes.  The header changes
# nothing for a state-changing method.
my @saa = (Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site', 'Sec-Fetch-Mode' => 'no-cors',
           'Sec-Fetch-Dest' => 'image', 'Sec-Fetch-Storage-Access' => 'active',
           Cookie => 'session=1');
($r, $id) = send_req('GET', '/xo/h/m', \@saa);
passed($r, $id, 'Storage Access Headers: credentialed no-cors GET, cross-site');
($r, $id) = send_req('HEAD', '/xo/h/m', \@saa);
passed($r, $id, 'Storage Access Headers: HEAD');
($r, $id) = send_req('GET', '/xo/h/m', [@saa[0 .. 7], 'Sec-Fetch-Storage-Access' => 'inactive']);
passed($r, $id, 'Storage Access Headers: inactive');
($r, $id) = send_req('POST', '/xo/h/m', \@saa);
refused($r, $id, 'Storage Access Headers on a POST change nothing', qr/cross-site/);

# --- a request body is not left on the connection ----------------------------
{
    my $body = 'a=' . ('b' x 20000);
    $id = uid();
    $r = req('POST', "/xo/h/m?id=$id", [Origin => EVIL, 'Sec-Fetch-Site' => 'cross-site'],
             body => $body);
    is($r->{status}, 403, 'a 20 KB body: refused');
    is(calls_for($id), 0, 'a 20 KB body: the handler never ran');
}

# A client that waits for "100 Continue" before it sends its body gets the
# refusal instead, and the connection is closed (the body is never read).
{
    $id = uid();
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $P,
                                     Proto => 'tcp', Timeout => 10)
        or die "cannot connect: $!";
    $sock->syswrite("POST /xo/h/m?id=$id HTTP/1.1\r\nHost: localhost:$P\r\n"
                    . "Origin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\n"
                    . "Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
    my $raw = '';
    local $SIG{ALRM} = sub { die "no answer to an Expect: 100-continue POST\n" };
    alarm 10;
    while (1) {
        my $n = $sock->sysread(my $buf, 65536);
        last unless $n;
        $raw .= $buf;
    }
    alarm 0;
    close $sock;
    like($raw, qr{\AHTTP/1\.1 403 }, 'Expect: 100-continue: the refusal, no 100 Continue first');
    my ($res) = parse_response($raw, close_delimited => 1);
    like(hdr($res, 'Connection') // '', qr/close/i, 'Expect: 100-continue: the connection is closed');
    is(calls_for($id), 0, 'Expect: 100-continue: the handler never ran');
}

# --- behind a reverse proxy that terminates TLS ---------------------------------
tls_proxy();

done_testing();

# A private httpd: a TLS front end (mod_ssl, a self-signed certificate made
# here) proxies to a plain-http back end on another port of the same
# server, with ProxyPreserveHost On (port 1) and Off (port 2).  The back
# end is protected and logs what it saw: the Host header, its own port and
# whether it spoke TLS.
sub tls_proxy {
    SKIP: {
        my $libexec = CorsTest::config()->{vars}->{cors_libexecdir}
            || '/usr/lib/apache2/modules';
        skip 'mod_ssl or mod_proxy_http is not installed', 1
            unless -e "$libexec/mod_ssl.so" && -e "$libexec/mod_proxy_http.so";
        require IO::Socket::SSL;

        my $h = CorsHttpd->new(name => 'xo-tls', ports => 3,
            modules => [qw(env ssl socache_shmcb proxy proxy_http reflector)]);
        my ($be, $fe, $fe2) = $h->ports;
        my $dir = $h->dir;
        my $out = `openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=secure.example -keyout '$dir/key.pem' -out '$dir/cert.pem' 2>&1`;
        is($?, 0, 'TLS: a self-signed certificate') or do { diag($out); return };

        $h->write_conf(
            'LogFormat "%{CORS_RESULT}e %{CORS_REASON}e %{Host}i %p %{HTTPS}e %>s \"%r\"" be',
            qq{CustomLog "$dir/logs/be_log" be "env=!FRONT"},
            "<VirtualHost 127.0.0.1:$be>",
            '    <Location "/">',
            '        SetHandler reflector',
            '        CORSEngine On',
            '        CORSAllowOrigin https://partner.example',
            '        CORSCrossOriginProtection On',
            '    </Location>',
            '</VirtualHost>',
            "<VirtualHost 127.0.0.1:$fe>",
            '    SetEnv FRONT 1',
            '    SSLEngine on',
            qq{    SSLCertificateFile "$dir/cert.pem"},
            qq{    SSLCertificateKeyFile "$dir/key.pem"},
            '    ProxyPreserveHost On',
            "    ProxyPass / http://127.0.0.1:$be/",
            '</VirtualHost>',
            "<VirtualHost 127.0.0.1:$fe2>",
            '    SetEnv FRONT 1',
            '    SSLEngine on',
            qq{    SSLCertificateFile "$dir/cert.pem"},
            qq{    SSLCertificateKeyFile "$dir/key.pem"},
            "    ProxyPass / http://127.0.0.1:$be/",
            '</VirtualHost>',
        );
        my ($ok, $syn) = $h->syntax;
        ok($ok, 'TLS: httpd -t') or do { diag($syn); return };
        ok($h->start, 'TLS: the private httpd started') or do { diag($h->error_log); return };

        # [name, front port, Host, headers, passes]
        my @cases = (
            ['Origin https://secure.example, Host secure.example (port implied on both)',
             $fe, 'secure.example', [Origin => 'https://secure.example'], 1],
            ['Origin and Host on a port of their own', $fe, 'secure.example:8443',
             [Origin => 'https://secure.example:8443'], 1],
            ['an http page of the same host (schemes are never compared)', $fe,
             'secure.example', [Origin => 'http://secure.example'], 1],
            ['another site', $fe, 'secure.example', [Origin => 'https://evil.example'], 0],
            ['another port', $fe, 'secure.example', [Origin => 'https://secure.example:8443'], 0],
            ['an allowed origin', $fe, 'secure.example', [Origin => 'https://partner.example'], 1],
            ['Sec-Fetch-Site: same-origin', $fe, 'secure.example',
             [Origin => 'https://secure.example', 'Sec-Fetch-Site' => 'same-origin'], 1],
            ['Sec-Fetch-Site: cross-site', $fe, 'secure.example',
             [Origin => 'https://evil.example', 'Sec-Fetch-Site' => 'cross-site'], 0],
            ['no Origin', $fe, 'secure.example', [], 1],
            ['without ProxyPreserveHost the back end sees its own address', $fe2,
             'secure.example', [Origin => 'https://secure.example'], 0],
            ['... where Fetch Metadata still decides', $fe2, 'secure.example',
             [Origin => 'https://secure.example', 'Sec-Fetch-Site' => 'same-origin'], 1],
        );
        for my $c (@cases) {
            my ($name, $port, $host, $hdrs, $pass) = @$c;
            my $cid = uid();
            my $res = eval { tls_post($port, $host, "/api/orders?$cid", $hdrs, "n=1") };
            ok($res, "TLS: $name: answered") or do { diag($@); next };
            is($res->{status}, $pass ? 200 : 403, "TLS: $name: " . ($pass ? 200 : 403));
            if ($pass) {
                is($res->{body}, 'n=1', "TLS: $name: the back end's handler answered");
            }
            else {
                like($res->{body}, qr/\ACross-origin request refused: /,
                     "TLS: $name: the back end refused it");
            }
            my $line = be_line($h, $cid);
            ok($line, "TLS: $name: the back end logged it") or next;
            my ($res_, $why, $seen_host, $seen_port, $https) = split / /, $line;
            is($seen_port, $be, "TLS: $name: the back end served it on its plain port");
            is($https, '-', "TLS: $name: the back end spoke plain http");
            is($seen_host, $port == $fe ? $host : "127.0.0.1:$be",
               "TLS: $name: the Host the back end saw");
            if ($pass) {
                unlike("$res_ $why", qr/cross-origin/,
                       "TLS: $name: no cross-origin refusal logged");
            }
            else {
                is("$res_ $why", 'actual-denied cross-origin',
                   "TLS: $name: CORS_RESULT and CORS_REASON");
            }
        }
        ok($h->stop, 'TLS: the private httpd stopped');
        is(join("\n", $h->crash_lines), '', 'TLS: no crash in the error log');
    }
}

# A POST over TLS (the certificate is not checked: it is made up).
sub tls_post {
    my ($port, $host, $path, $headers, $body) = @_;
    my $s = IO::Socket::SSL->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                 SSL_verify_mode => IO::Socket::SSL::SSL_VERIFY_NONE(),
                                 SSL_hostname => 'secure.example', Timeout => 20)
        or die "TLS connect to $port: " . IO::Socket::SSL::errstr() . "\n";
    my $out = "POST $path HTTP/1.1\r\nHost: $host\r\n";
    my @h = @$headers;
    while (@h) { my ($n, $v) = splice @h, 0, 2; $out .= "$n: $v\r\n" }
    $out .= "Content-Type: application/x-www-form-urlencoded\r\n"
          . 'Content-Length: ' . length($body) . "\r\nConnection: close\r\n\r\n$body";
    print {$s} $out;
    my $raw = '';
    while (1) {
        my $n = sysread($s, my $buf, 65536);
        last unless $n;
        $raw .= $buf;
    }
    close $s;
    my ($res) = parse_response($raw, close_delimited => 1) or die "no response\n";
    return $res;
}

# The back end's log line for the request whose URL holds ID.
sub be_line {
    my ($h, $id) = @_;
    my $file = $h->log_file('be_log');
    for (1 .. 30) {
        if (open my $fh, '<', $file) {
            my ($l) = grep { /\Q$id\E/ } <$fh>;
            if ($l) { chomp $l; return $l }
        }
        select undef, undef, undef, 0.1;
    }
    return undef;
}
