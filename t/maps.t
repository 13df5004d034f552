# Origin maps (docs/mod_cors.md, "Maps"): CORSAllowOriginMap txt: and dbm:
# against real files in private servers (lib/CorsHttpd.pm): lookups, the
# map as an item of the origin list (edits, exclusions, replacement), the
# policy an entry names, .htaccess, live changes (new entries, refused
# versions keeping the last good one, a missing file, a file cut short, CRLF,
# binary junk, duplicate keys), start-up errors with file, line and why,
# cors-maptool, and reloads under load with each MPM and across a graceful
# restart.  The dbd: maps are in maps_dbd.t.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(sleep time);
use POSIX qw(WNOHANG);
use File::Temp ();
use CorsTest;
use CorsHttpd ();

cors_plan();

my $TOOL = "$FindBin::Bin/../cors-maptool";
ok(-x $TOOL, 'cors-maptool is built') or BAIL_OUT('make cors-maptool');

my $PARTNER = 'https://partner.example';

# ---------------------------------------------------------------------------
# Helpers

sub spew { CorsHttpd::spew(@_) }

# A preflight / GET to a private server.
sub pf {
    my ($h, $path, $origin, $method, %o) = @_;
    my @hdr = (Origin => $origin, 'Access-Control-Request-Method' => $method || 'GET');
    push @hdr, 'Access-Control-Request-Headers' => $o{headers} if $o{headers};
    return req('OPTIONS', $path, \@hdr, port => $o{port} || $h->port);
}
sub get {
    my ($h, $path, $origin) = @_;
    return req('GET', $path, [defined $origin ? (Origin => $origin) : ()],
               port => $h->port);
}
# 1 when a preflight from ORIGIN for GET is allowed.
sub allowed {
    my ($h, $path, $origin) = @_;
    my $r = pf($h, $path, $origin);
    return $r->{status} == 204 ? 1 : 0;
}
# Wait (up to 6 s: the thread looks once a second) until CODE is true,
# then a second more: each process looks at its own time, so by then every
# one has seen the change the first one saw.
sub eventually {
    my ($code) = @_;
    my $t0 = time;
    while (time - $t0 < 6) {
        if ($code->()) {
            sleep 1.2;
            return 1;
        }
        sleep 0.2;
    }
    return 0;
}
# The same condition for a while: it stays true.
sub stays {
    my ($code, $secs) = @_;
    my $t0 = time;
    while (time - $t0 < ($secs || 2.5)) {
        return 0 unless $code->();
        sleep 0.2;
    }
    return 1;
}
# Replace a file atomically: write beside it, rename over it.
sub replace_file {
    my ($file, $text) = @_;
    spew("$file.new", $text);
    rename "$file.new", $file or die "rename $file: $!";
}
sub count_matches { my ($re, $text) = @_; my $n = () = $text =~ /$re/g; $n }

my @POLICIES = (
    '<CORSPolicy partner>',
    '    CORSAllowMethods GET PUT DELETE',
    '    CORSAllowHeaders X-Partner',
    '    CORSAllowCredentials On',
    '    CORSMaxAge 600',
    '</CORSPolicy>',
    '<CORSPolicy internal>',
    '    CORSAllowMethods GET PATCH',
    '</CORSPolicy>',
);

# ---------------------------------------------------------------------------
# One server: a text map, a DBM map built by cors-maptool and one built by
# httxt2dbm, sections that edit or replace a mapped list, and .htaccess.

my $h = CorsHttpd->new(name => 'maps', modules => [qw(mime status)]);
my $D = $h->dir;
my $TXT = "$D/maps/tenants.txt";
my $tenants = <<"EOF";
# tenants: one origin a line, optionally a policy
https://a.example
https://b.example -
$PARTNER partner
https://i.example\tinternal
HTTPS://Upper.Example:443
http://a.example:8080
https://*.t.example
https://*.b.t.example partner
https://*.t.example:8443 internal
https://x.example
EOF
spew($TXT, $tenants);
spew("$D/maps/dbm.txt", "https://dbm.example\n$PARTNER partner\nhttps://*.d.example\n");
my $out = `'$TOOL' build --policies partner,internal '$D/maps/dbm.txt' '$D/maps/tenants.dbm' 2>&1`;
is($?, 0, 'cors-maptool build: exit 0') or diag($out);
like($out, qr{^\Q$D\E/maps/tenants\.dbm: 3 entries written from }, 'cors-maptool build: says what it wrote');
spew("$D/maps/ht.txt", "https://https.example -\nhttps://ht.example -\n");
spew("$D/maps/httxt.txt", "https://httxt.example -\n");
system('httxt2dbm', '-i', "$D/maps/httxt.txt", '-o', "$D/maps/httxt.dbm") == 0
    or diag('httxt2dbm failed');
chmod 0644, glob("$D/maps/*");
$h->write_file("htdocs/$_/a.txt", "a\n")
    for qw(m m/edit m/plain m/carve both d h ht htbad);
$h->write_file('htdocs/ht/.htaccess', "CORSEngine On\nCORSPolicy tenant-map\n");
$h->write_file('htdocs/htbad/.htaccess', "CORSEngine On\nCORSAllowOriginMap txt:$TXT\n");

my @main = (
    qq{DocumentRoot "$D/htdocs"},
    qq{<Directory "$D/htdocs">},
    '    AllowOverride FileInfo',
    '</Directory>',
    @POLICIES,
    '<Location "/cors-explain">',
    '    SetHandler cors-explain',
    '</Location>',
    '<Location "/server-status">',
    '    SetHandler server-status',
    '</Location>',
    '<CORSPolicy tenant-map>',
    qq{    CORSAllowOriginMap "txt:$D/maps/ht.txt"},
    '</CORSPolicy>',
    '<Location "/m/">',
    '    CORSEngine On',
    qq{    CORSAllowOriginMap txt:$TXT},
    '    CORSAllowMethods GET POST PATCH',
    '    CORSExposeHeaders X-Total',
    '</Location>',
    '<Location "/m/edit/">',
    '    CORSAllowOrigin -https://x.example +https://plus.example',
    '</Location>',
    '<Location "/m/carve/">',
    '    CORSAllowOrigin -https://*.b.t.example',
    '</Location>',
    '<Location "/m/plain/">',
    '    CORSAllowOrigin https://only.example',
    '</Location>',
    '<Location "/both/">',
    '    CORSEngine On',
    '    CORSAllowOrigin https://conf.example https://a.example',
    qq{    CORSAllowOriginMap txt:$TXT},
    qq{    CORSAllowOriginMap dbm:$D/maps/tenants.dbm},
    '</Location>',
    '<Location "/d/">',
    '    CORSEngine On',
    qq{    CORSAllowOriginMap "dbm:$D/maps/tenants.dbm"},
    '</Location>',
    '<Location "/h/">',
    '    CORSEngine On',
    qq{    CORSAllowOriginMap "dbm=default:$D/maps/httxt.dbm"},
    '</Location>',
);
$h->write_conf(@main);
my ($syn_ok, $syn_out) = $h->syntax;
ok($syn_ok, 'httpd -t: the maps configuration is good') or diag($syn_out);
ok($h->start, 'the server with maps starts') or diag($h->error_log);

my $r;

# --- lookups ----------------------------------------------------------------
$r = pf($h, '/m/a.txt', 'https://a.example');
preflight_ok($r, 'https://a.example', 'txt: an entry');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, POST, PATCH', 'txt: the section\'s methods');
is(hdr($r, 'Access-Control-Allow-Credentials'), undef, 'txt: the section\'s credentials (none)');
ok(allowed($h, '/m/a.txt', 'https://b.example'), "txt: an entry with '-'");
ok(allowed($h, '/m/a.txt', 'https://upper.example'), 'txt: an entry normalised when read');
ok(allowed($h, '/m/a.txt', 'http://a.example:8080'), 'txt: an entry with a port');
ok(!allowed($h, '/m/a.txt', 'http://a.example'), 'txt: the same host on another scheme and port is not');
ok(!allowed($h, '/m/a.txt', 'https://c.example'), 'txt: an origin not in the map');
ok(!allowed($h, '/m/a.txt', 'https://a.example.evil.net'), 'txt: a longer host');
ok(allowed($h, '/m/a.txt', 'https://q.t.example'), 'txt: a wildcard entry');
ok(allowed($h, '/m/a.txt', 'https://p.q.t.example'), 'txt: a wildcard covers deeper labels');
ok(!allowed($h, '/m/a.txt', 'https://t.example'), 'txt: a wildcard never covers its domain');
ok(!allowed($h, '/m/a.txt', 'https://evil-t.example'), 'txt: a wildcard never covers a glued name');
ok(!allowed($h, '/m/a.txt', 'http://q.t.example'), 'txt: a wildcard keeps its scheme');
ok(!allowed($h, '/m/a.txt', 'https://q.t.example:9443'), 'txt: a wildcard keeps its port');
$r = pf($h, '/m/a.txt', 'https://q.t.example:8443', 'PATCH');
preflight_ok($r, 'https://q.t.example:8443', 'txt: a wildcard with a port, and its policy');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, PATCH', 'txt: the policy of the wildcard with a port');
$r = pf($h, '/m/a.txt', 'https://z.b.t.example', 'PUT');
preflight_ok($r, 'https://z.b.t.example', 'txt: the most specific wildcard decides');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'txt: the most specific wildcard\'s policy');
refused_ok(pf($h, '/m/a.txt', 'https://z.q.t.example', 'PUT'), qr/method 'PUT'/,
    'txt: a less specific wildcard, the section\'s methods');
refused_ok(pf($h, '/m/a.txt', 'null'), qr/origin 'null' is not allowed/, 'txt: null never comes from a map');
refused_ok(pf($h, '/m/a.txt', 'https://a.example/'), qr/malformed/, 'txt: a malformed Origin');

# actual requests
$r = get($h, '/m/a.txt', 'https://a.example');
acao_is($r, 'https://a.example', 'txt: GET from a mapped origin');
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total', 'txt: GET: the section\'s expose list');
vary_ok($r, ['Origin'], 'txt: GET');
$r = get($h, '/m/a.txt', 'https://c.example');
no_acx($r, 'txt: GET from an origin not in the map');

# --- the policy an entry names ---------------------------------------------
$r = pf($h, '/m/a.txt', $PARTNER, 'PUT', headers => 'X-Partner');
preflight_ok($r, $PARTNER, 'policy: PUT from the partner');
is(hdr($r, 'Access-Control-Allow-Methods'), 'GET, PUT, DELETE', 'policy: its methods, in place of the section\'s');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'policy: its credentials');
is(hdr($r, 'Access-Control-Max-Age'), '600', 'policy: its max age');
is(hdr($r, 'Access-Control-Allow-Headers'), 'x-partner', 'policy: its headers');
refused_ok(pf($h, '/m/a.txt', $PARTNER, 'PATCH'), qr/method 'PATCH'/,
    'policy: the section\'s PATCH is not the partner\'s');
$r = get($h, '/m/a.txt', $PARTNER);
acao_is($r, $PARTNER, 'policy: GET from the partner');
is(hdr($r, 'Access-Control-Allow-Credentials'), 'true', 'policy: GET: credentials');
is(hdr($r, 'Access-Control-Expose-Headers'), 'x-total', 'policy: GET: the section\'s settings the policy leaves alone');
$r = pf($h, '/m/a.txt', 'https://i.example', 'PATCH');
preflight_ok($r, 'https://i.example', 'policy: a tab before the policy name');
refused_ok(pf($h, '/m/a.txt', 'https://a.example', 'PUT'), qr/method 'PUT'/,
    'policy: an origin without one keeps the section\'s methods');

# --- the explain page answers as the hooks do --------------------------------
{
    require JSON::PP;
    my $ex = sub {
        my %a = @_;
        my $q = join '&', map { my $v = $a{$_}; $v =~ s/([^A-Za-z0-9._~\/:-])/sprintf '%%%02X', ord $1/ge; "$_=$v" }
                sort keys %a;
        my $r = req('GET', "/cors-explain?$q&format=json", [], port => $h->port);
        return $r->{status} == 200 ? JSON::PP::decode_json($r->{body}) : { status => $r->{status} };
    };
    my $j = $ex->(url => '/m/a.txt', origin => $PARTNER, method => 'PUT');
    is($j->{preflight}{result}, 'preflight-ok', 'explain: a policy-mapped origin\'s preflight');
    is($j->{preflight}{headers}{'Access-Control-Allow-Credentials'}, 'true',
       'explain: with the policy the entry names');
    $j = $ex->(url => '/m/a.txt', origin => 'https://a.example', method => 'PUT');
    is($j->{preflight}{result}, 'preflight-denied', 'explain: a mapped origin, the section\'s methods');
    $j = $ex->(url => '/m/a.txt', origin => 'https://c.example', method => 'GET');
    is($j->{preflight}{reason}, 'origin', 'explain: an origin no map has');
}

# --- the map as an item of the origin list --------------------------------
ok(allowed($h, '/m/edit/a.txt', 'https://a.example'), 'edits: the child inherits the map');
ok(!allowed($h, '/m/edit/a.txt', 'https://x.example'), 'edits: a configured exclusion wins over the map');
ok(allowed($h, '/m/a.txt', 'https://x.example'), 'edits: ... only in the child');
ok(allowed($h, '/m/edit/a.txt', 'https://plus.example'), 'edits: +ORIGIN beside the map');
ok(!allowed($h, '/m/a.txt', 'https://plus.example'), 'edits: ... only in the child');
$r = pf($h, '/m/edit/a.txt', $PARTNER, 'PUT');
preflight_ok($r, $PARTNER, 'edits: the policy of an entry still applies in the child');
ok(!allowed($h, '/m/carve/a.txt', 'https://z.b.t.example'), 'carve-out: a wildcard exclusion over a map wildcard');
ok(allowed($h, '/m/carve/a.txt', 'https://z.q.t.example'), 'carve-out: the rest of the map');
ok(!allowed($h, '/m/plain/a.txt', 'https://a.example'), 'plain child: replaces the map');
ok(allowed($h, '/m/plain/a.txt', 'https://only.example'), 'plain child: its own origin');
ok(allowed($h, '/both/a.txt', 'https://conf.example'), 'beside CORSAllowOrigin: the configured origin');
ok(allowed($h, '/both/a.txt', 'https://b.example'), 'beside CORSAllowOrigin: the first map');
ok(allowed($h, '/both/a.txt', 'https://dbm.example'), 'beside CORSAllowOrigin: the second map');
$r = pf($h, '/both/a.txt', $PARTNER, 'PUT');
preflight_ok($r, $PARTNER, 'two maps: the first that has the origin decides');
refused_ok(pf($h, '/both/a.txt', 'https://a.example', 'PUT'), qr/method 'PUT'/,
    'a configured origin is the section\'s own, whatever a map says');

# --- dbm --------------------------------------------------------------------
ok(allowed($h, '/d/a.txt', 'https://dbm.example'), 'dbm: an entry');
ok(allowed($h, '/d/a.txt', 'https://x.d.example'), 'dbm: a wildcard entry');
ok(!allowed($h, '/d/a.txt', 'https://d.example'), 'dbm: not the wildcard\'s domain');
ok(!allowed($h, '/d/a.txt', 'https://a.example'), 'dbm: not in this map');
$r = pf($h, '/d/a.txt', $PARTNER, 'DELETE');
preflight_ok($r, $PARTNER, 'dbm: the policy of an entry');
ok(allowed($h, '/d/a.txt', 'https://dbm.example'), 'dbm: an answer kept');
ok(allowed($h, '/h/a.txt', 'https://httxt.example'), 'dbm: a file httxt2dbm built');

# --- .htaccess ----------------------------------------------------------------
ok(allowed($h, '/ht/a.txt', 'https://ht.example'), '.htaccess: CORSPolicy selects a policy with a map');
ok(!allowed($h, '/ht/a.txt', 'https://a.example'), '.htaccess: only that map');
{
    my $mark = length $h->error_log;
    $r = get($h, '/htbad/a.txt', 'https://a.example');
    is($r->{status}, 500, '.htaccess: CORSAllowOriginMap is a 500');
    ok(eventually(sub { substr($h->error_log, $mark) =~ /CORSAllowOriginMap cannot be used in \.htaccess: maps read files and run queries with the server's rights\.  Put the map in a <CORSPolicy> in the server config and select it here with CORSPolicy NAME/ }),
        '.htaccess: the error log says to use a <CORSPolicy>');
}

# --- live changes -------------------------------------------------------------
{
    my $mark;
    ok(!allowed($h, '/m/a.txt', 'https://new.example'), 'reload: not there yet');
    spew($TXT, $tenants . "https://new.example\n");
    ok(eventually(sub { allowed($h, '/m/a.txt', 'https://new.example') }),
        'reload: an entry appended is allowed within seconds');
    ok(allowed($h, '/m/a.txt', 'https://a.example'), 'reload: the others still are');
    like($h->error_log, qr/CORSAllowOriginMap txt:\Q$TXT\E: reloaded, 11 entries/, 'reload: logged at info');

    # a bad line: the whole version is refused, the last good one stays
    $mark = length $h->error_log;
    spew($TXT, $tenants . "https://new.example\nhttps://newer.example\nhttps://bad.example/path\n");
    ok(eventually(sub { substr($h->error_log, $mark) =~ /the changed map is refused/ }),
        'bad line: refused');
    my $log = substr($h->error_log, $mark);
    like($log, qr{CORSAllowOriginMap txt:\Q$TXT\E \(\Q$D\E/httpd\.conf:\d+\): the changed map is refused, the version read \S+ \S+ with 11 entries stays in force: \Q$TXT\E:14: 'https://bad\.example/path' is not an origin: it has a path},
        'bad line: file, line and why');
    ok(stays(sub { allowed($h, '/m/a.txt', 'https://new.example')
                   && !allowed($h, '/m/a.txt', 'https://newer.example') }),
        'bad line: the last good version stays in force, none of the new one');
    my $n1 = count_matches(qr/the changed map is refused/, substr($h->error_log, $mark));
    sleep 2.2;
    is(count_matches(qr/the changed map is refused/, substr($h->error_log, $mark)), $n1,
        'bad line: not said again while the file stays as it is');
    is($n1, 1, 'bad line: said once, whatever the number of processes');

    # missing, then back
    $mark = length $h->error_log;
    unlink $TXT;
    ok(eventually(sub { substr($h->error_log, $mark) =~ /\Q$TXT\E: cannot be read: No such file or directory/ }),
        'missing file: refused, with why');
    ok(allowed($h, '/m/a.txt', 'https://new.example'), 'missing file: the last good version stays');
    spew($TXT, $tenants . "https://back.example\n");
    ok(eventually(sub { allowed($h, '/m/a.txt', 'https://back.example') }), 'missing file: back, and read');
    # each process reloads within a second of its own
    ok(eventually(sub { !allowed($h, '/m/a.txt', 'https://new.example') }),
        'missing file: the new version replaces the old whole');

    # cut short: the last line has no line break
    $mark = length $h->error_log;
    spew($TXT, $tenants . "https://back.example\nhttps://cut.exa");
    ok(eventually(sub { substr($h->error_log, $mark) =~ /\Q$TXT\E: the last line does not end with a line break: the file is cut short, or still being written/ }),
        'cut short: refused');
    ok(allowed($h, '/m/a.txt', 'https://back.example'), 'cut short: the last good version stays');
    ok(!allowed($h, '/m/a.txt', 'https://cut.exa'), 'cut short: nothing of it is used');

    # empty
    $mark = length $h->error_log;
    spew($TXT, '');
    ok(eventually(sub { substr($h->error_log, $mark) =~ /\Q$TXT\E: the file is empty: is it being written\?/ }),
        'empty file: refused');
    ok(allowed($h, '/m/a.txt', 'https://a.example'), 'empty file: the map is not emptied');

    # CRLF lines
    (my $crlf = $tenants . "https://crlf.example partner\n") =~ s/\n/\r\n/g;
    replace_file($TXT, $crlf);
    ok(eventually(sub { allowed($h, '/m/a.txt', 'https://crlf.example') }), 'CRLF: read like LF');
    $r = pf($h, '/m/a.txt', 'https://crlf.example', 'PUT');
    preflight_ok($r, 'https://crlf.example', 'CRLF: the policy name without its CR');

    # binary junk
    $mark = length $h->error_log;
    replace_file($TXT, "https://a.example\n\x89PNG\r\n\x1a\n\0\0\0\rIHDR\n");
    ok(eventually(sub { substr($h->error_log, $mark) =~ /\Q$TXT\E:2: the line has a non-ASCII byte \(0x89\)/ }),
        'binary junk: refused at its first line');
    ok(allowed($h, '/m/a.txt', 'https://crlf.example'), 'binary junk: the last good version stays');

    # duplicate keys, written differently
    $mark = length $h->error_log;
    replace_file($TXT, "https://dup.example\nhttps://b.example\nHTTPS://DUP.example:443 partner\n");
    ok(eventually(sub { substr($h->error_log, $mark) =~ /\Q$TXT\E:3: 'https:\/\/dup\.example' is already in the map, on line 1 \(each origin once\)/ }),
        'duplicate key: refused, naming both lines');
    ok(!allowed($h, '/m/a.txt', 'https://dup.example'), 'duplicate key: nothing of it is used');

    # an unknown policy
    $mark = length $h->error_log;
    replace_file($TXT, "https://a.example\nhttps://u.example nosuch\n");
    ok(eventually(sub { substr($h->error_log, $mark) =~ /\Q$TXT\E:2: 'nosuch' names no <CORSPolicy> of this virtual host or the server config/ }),
        'unknown policy: a bad entry');

    # a line longer than any origin
    $mark = length $h->error_log;
    replace_file($TXT, "https://a.example\n" . ('x' x 5000) . "\n");
    ok(eventually(sub { substr($h->error_log, $mark) =~ /\Q$TXT\E:2: the line is longer than 1024 bytes/ }),
        'a huge line: refused');

    # back to good, by atomic rename
    replace_file($TXT, $tenants);
    ok(eventually(sub { allowed($h, '/m/a.txt', 'https://x.example')
                        && !allowed($h, '/m/a.txt', 'https://crlf.example') }),
        'atomic rename: the new file is read');

    # dbm: rebuilt and renamed into place
    spew("$D/maps/dbm.txt", "https://dbm2.example\n");
    $out = `'$TOOL' build '$D/maps/dbm.txt' '$D/maps/tenants.dbm' 2>&1`;
    is($?, 0, 'dbm: rebuilt') or diag($out);
    ok(eventually(sub { allowed($h, '/d/a.txt', 'https://dbm2.example') }), 'dbm: the rebuilt file is read');
    ok(eventually(sub { !allowed($h, '/d/a.txt', 'https://dbm.example') }),
        'dbm: its answers from the old version are gone');

    # dbm: a key httxt2dbm stored as written, not as looked up
    $mark = length $h->error_log;
    spew("$D/maps/httxt.txt", "https://httxt2.example -\nHTTPS://Bad.Example -\n");
    system('httxt2dbm', '-i', "$D/maps/httxt.txt", '-o', "$D/maps/httxt.dbm.new") == 0
        or diag('httxt2dbm failed');
    chmod 0644, "$D/maps/httxt.dbm.new";
    rename "$D/maps/httxt.dbm.new", "$D/maps/httxt.dbm";
    ok(eventually(sub { substr($h->error_log, $mark) =~ /\Q$D\E\/maps\/httxt\.dbm: key 'HTTPS:\/\/Bad\.Example': 'HTTPS:\/\/Bad\.Example' is not written as the module looks it up: the key must be 'https:\/\/bad\.example'/ }),
        'dbm: a key not normalised is a bad entry');
    ok(allowed($h, '/h/a.txt', 'https://httxt.example'), 'dbm: the last good version stays');
    ok(!allowed($h, '/h/a.txt', 'https://httxt2.example'), 'dbm: nothing of the refused one is used');
}

# The status counters (docs/mod_cors.md, "Counters"): every process counts
# its reloads and refusals.
{
    my $r = req('GET', '/server-status?auto', [], port => $h->port);
    my %v = $r->{body} =~ /^(CORS\w+): (\d+)$/mg;
    my @procs = $h->children;
    cmp_ok($v{CORSMapReloads} // 0, '>=', 6, 'counters: map reloads counted');
    cmp_ok($v{CORSMapErrors} // 0, '>=', 8, 'counters: refused versions counted');
    cmp_ok($v{CORSMapErrors} // 0, '<=', 11 * (@procs || 1),
           'counters: each refused version once per process');
}

ok($h->stop, 'the server stopped');
is(join("\n", $h->crash_lines), '', 'no child crashed');

# ---------------------------------------------------------------------------
# Start-up: a map that cannot be used stops httpd -t, naming file, line and
# why.

{
    my $s = CorsHttpd->new(name => 'maps-startup', modules => [qw(dbd)]);
    my $d = $s->dir;
    spew("$d/good.txt", "https://a.example partner\n");
    spew("$d/bad.txt", "# ok\nhttps://a.example\nhttps://a.example/x\n");
    spew("$d/dup.txt", "https://a.example\nhttps://A.example:443\n");
    spew("$d/nopol.txt", "https://a.example partner\n");
    spew("$d/star.txt", "*\n");
    spew("$d/psl.txt", "https://*.co.uk\n");
    spew("$d/cut.txt", "https://a.example");
    spew("$d/empty.txt", "");
    spew("$d/comments.txt", "# no tenants yet\n");
    spew("$d/bad.dbm.txt", "https://a.example/x -\n");
    system('httxt2dbm', '-i', "$d/bad.dbm.txt", '-o', "$d/bad.dbm") == 0 or diag('httxt2dbm');
    chmod 0644, glob("$d/*");
    my @cases = (
        # [name, block lines (%D: the directory), expected: undef good, or [line index, message]]
        ['a good map', ['<CORSPolicy partner>', 'CORSMaxAge 1', '</CORSPolicy>',
                        'CORSAllowOriginMap txt:%D/good.txt'], undef],
        ['a map of comments only', ['CORSAllowOriginMap txt:%D/comments.txt'], undef],
        ['missing file', ['CORSAllowOriginMap txt:%D/none.txt'],
         [0, 'CORSAllowOriginMap: %D/none.txt: cannot be read: No such file or directory']],
        ['bad line', ['CORSAllowOriginMap txt:%D/bad.txt'],
         [0, "CORSAllowOriginMap: %D/bad.txt:3: 'https://a.example/x' is not an origin: it has a path"]],
        ['duplicate key', ['CORSAllowOriginMap txt:%D/dup.txt'],
         [0, "CORSAllowOriginMap: %D/dup.txt:2: 'https://a.example' is already in the map, on line 1 (each origin once)"]],
        ['unknown policy', ['CORSAllowOriginMap txt:%D/nopol.txt'],
         [0, "CORSAllowOriginMap: %D/nopol.txt:1: 'partner' names no <CORSPolicy> of this virtual host or the server config"]],
        ["'*' in a map", ['CORSAllowOriginMap txt:%D/star.txt'],
         [0, "CORSAllowOriginMap: %D/star.txt:1: '*' cannot be used in a map: a map lists origins (write CORSAllowOrigin * to allow every origin)"]],
        ['a public suffix', ['CORSAllowOriginMap txt:%D/psl.txt'],
         [0, qr/^CORSAllowOriginMap: \Q$d\E\/psl\.txt:1: 'https:\/\/\*\.co\.uk' is not an origin: 'co\.uk' is a public suffix/m]],
        ['cut short', ['CORSAllowOriginMap txt:%D/cut.txt'],
         [0, 'CORSAllowOriginMap: %D/cut.txt: the last line does not end with a line break: the file is cut short, or still being written']],
        ['empty', ['CORSAllowOriginMap txt:%D/empty.txt'],
         [0, 'CORSAllowOriginMap: %D/empty.txt: the file is empty: is it being written?  (For a map without entries, write a comment line.)']],
        ['a DBM key as written', ['CORSAllowOriginMap dbm:%D/bad.dbm'],
         [0, "CORSAllowOriginMap: %D/bad.dbm: key 'https://a.example/x': 'https://a.example/x' is not an origin: it has a path"]],
        ['not a map', ['CORSAllowOriginMap file:%D/good.txt'],
         [0, "CORSAllowOriginMap: 'file:%D/good.txt' is not a map: write txt:PATH, dbm:PATH, dbm=TYPE:PATH or dbd:QUERY"]],
        ['a DBM type apr-util lacks', ['CORSAllowOriginMap dbm=nosuch:%D/x.dbm'],
         [0, "CORSAllowOriginMap: 'dbm=nosuch:%D/x.dbm': 'nosuch' is not a DBM type apr-util has here (try default, db, gdbm or sdbm)"]],
        ["'*' beside a map", ['CORSAllowOrigin *', 'CORSAllowOriginMap txt:%D/comments.txt'],
         [1, "CORSAllowOriginMap cannot be used with CORSAllowOrigin '*' in the same section: '*' already allows every origin"]],
        ["a map beside '*'", ['CORSAllowOriginMap txt:%D/comments.txt', 'CORSAllowOrigin *'],
         [1, "CORSAllowOrigin: '*' cannot be used with CORSAllowOriginMap in the same section: '*' already allows every origin"]],
        ['edits beside a map', ['CORSAllowOrigin +https://b.example', 'CORSAllowOriginMap txt:%D/comments.txt'],
         [1, 'CORSAllowOriginMap cannot be used with CORSAllowOrigin +/- edits in one section: a map is a plain item of the origin list, which it replaces']],
        ['a map beside edits', ['CORSAllowOriginMap txt:%D/comments.txt', 'CORSAllowOrigin -https://b.example'],
         [1, 'CORSAllowOrigin: cannot mix plain origins and +/- edits in one section']],
        ['dbd: no %s', ['CORSAllowOriginMap "dbd:SELECT policy FROM t"'],
         [0, "CORSAllowOriginMap: the query 'SELECT policy FROM t' must have exactly one %s, for the origin"]],
        ['dbd: two %s', ['CORSAllowOriginMap "dbd:SELECT p FROM t WHERE a = %s OR b = %s"'],
         [0, "CORSAllowOriginMap: the query 'SELECT p FROM t WHERE a = %s OR b = %s' must have exactly one %s, for the origin"]],
        ['TTL: not a number', ['CORSAllowOriginMapTTL soon'],
         [0, "CORSAllowOriginMapTTL: 'soon' is not a number of seconds from 0 to 2147483647"]],
        ['TTL: too large', ['CORSAllowOriginMapTTL 2147483648'],
         [0, "CORSAllowOriginMapTTL: '2147483648' is not a number of seconds from 0 to 2147483647"]],
        ['TTL: good', ['CORSAllowOriginMapTTL 0'], undef],
        ['in a <Location>', ['<Location /x>', 'CORSAllowOriginMap txt:%D/comments.txt', 'CORSAllowOriginMapTTL 5', '</Location>'], undef],
        ['in a <Directory>', [qq{<Directory "%D">}, 'CORSAllowOriginMap txt:%D/comments.txt', '</Directory>'], undef],
        ['in <Files>', ['<Files "x">', 'CORSAllowOriginMap txt:%D/comments.txt', '</Files>'], undef],
        ['in <If>', ['<If "true">', 'CORSAllowOriginMap txt:%D/comments.txt', '</If>'], undef],
        ['in a <VirtualHost>', ['<VirtualHost 127.0.0.1:' . $s->port . '>', 'CORSAllowOriginMap txt:%D/comments.txt', '</VirtualHost>'], undef],
        ['in a <CORSPolicy>', ['<CORSPolicy p>', 'CORSAllowOriginMap txt:%D/comments.txt', 'CORSAllowOriginMapTTL 5', '</CORSPolicy>'], undef],
        ['a bad map in a <CORSPolicy>', ['<CORSPolicy p>', 'CORSAllowOriginMap txt:%D/bad.txt', '</CORSPolicy>'],
         [1, "CORSAllowOriginMap: %D/bad.txt:3: 'https://a.example/x' is not an origin: it has a path"]],
    );
    for my $c (@cases) {
        my ($name, $block, $want) = @$c;
        my @lines = map { s/%D/$d/gr } @$block;
        $s->write_conf(@lines);
        my $first = () = join("\n", $s->head) =~ /\n/g;
        $first += 2;    # line of the block's first line
        my ($ok, $text) = $s->syntax;
        if (!$want) {
            ok($ok, "start-up: $name: httpd -t passes") or diag($text);
            next;
        }
        ok(!$ok, "start-up: $name: httpd -t fails");
        my ($idx, $msg) = @$want;
        my $line = $first + $idx;
        like($text, qr/Syntax error on line \Q$line\E of \Q${\ $s->conf_file }\E:/,
            "start-up: $name: names the line of the directive");
        if (ref $msg) {
            like($text, $msg, "start-up: $name: the message");
        }
        else {
            $msg =~ s/%D/$d/g;
            like($text, qr/^\Q$msg\E$/m, "start-up: $name: the message");
        }
    }
}

# "apachectl start" (httpd -k start) says so too: httpd reads its
# configuration a first time before it leaves the terminal.
{
    my $s = CorsHttpd->new(name => 'maps-start');
    my $d = $s->dir;
    spew("$d/bad.txt", "https://a.example\nbad\n");
    $s->write_conf("CORSAllowOriginMap txt:$d/bad.txt");
    my $o = `'$s->{httpd}' -k start -d '$d' -f '${\ $s->conf_file }' 2>&1`;
    my $rc = $? >> 8;
    isnt($rc, 0, 'httpd -k start with a bad map: fails');
    like($o, qr/^CORSAllowOriginMap: \Q$d\E\/bad\.txt:2: 'bad' is not an origin/m,
        'httpd -k start with a bad map: the terminal is told file, line and why');
    system("'$s->{httpd}' -k stop -d '$d' -f '${\ $s->conf_file }' >/dev/null 2>&1") if $rc == 0;
    # A map larger than a text map may be (a sparse file: nothing is read).
    open my $fh, '>', "$d/huge.txt" or die $!;
    truncate $fh, (1 << 30) + 1;
    close $fh;
    chmod 0644, "$d/huge.txt";
    $s->write_conf("CORSAllowOriginMap txt:$d/huge.txt");
    my ($ok, $text) = $s->syntax;
    ok(!$ok, 'a text map over 1 GiB: refused');
    like($text, qr/^CORSAllowOriginMap: \Q$d\E\/huge\.txt: is larger than 1 GiB, too large for a text map \(use a dbm: map\)$/m,
        'a text map over 1 GiB: why');
}

# ---------------------------------------------------------------------------
# cors-maptool: the same checks offline.

{
    my $d = File::Temp::tempdir(CLEANUP => 1);
    spew("$d/good.txt", "https://a.example partner\nhttps://*.b.example\n");
    spew("$d/bad.txt", "https://a.example\n\nhttps://a.example/x\n");
    spew("$d/cut.txt", "https://a.example");
    my $o = `'$TOOL' check '$d/good.txt' 2>&1`;
    is($? >> 8, 0, 'cors-maptool check: a good map: exit 0');
    is($o, "$d/good.txt: 2 entries, 1 wildcards (policy names not checked: give --policies)\n",
        'cors-maptool check: says what it found');
    $o = `'$TOOL' check --policies partner,other '$d/good.txt' 2>&1`;
    is($? >> 8, 0, 'cors-maptool check --policies: known names: exit 0');
    $o = `'$TOOL' check --policies other '$d/good.txt' 2>&1`;
    is($? >> 8, 1, 'cors-maptool check --policies: an unknown name: exit 1');
    is($o, "CORSAllowOriginMap: $d/good.txt:1: 'partner' names no <CORSPolicy> of this virtual host or the server config\n",
        'cors-maptool check --policies: the server\'s message');
    $o = `'$TOOL' check '$d/bad.txt' 2>&1`;
    is($? >> 8, 1, 'cors-maptool check: a bad line: exit 1');
    is($o, "CORSAllowOriginMap: $d/bad.txt:3: 'https://a.example/x' is not an origin: it has a path\n",
        'cors-maptool check: file, line and why, as at start-up');
    $o = `'$TOOL' check 'txt:$d/cut.txt' 2>&1`;
    is($? >> 8, 1, 'cors-maptool check: cut short: exit 1');
    $o = `'$TOOL' build '$d/bad.txt' '$d/bad.dbm' 2>&1`;
    is($? >> 8, 1, 'cors-maptool build: a bad map: exit 1');
    ok(!-e "$d/bad.dbm", 'cors-maptool build: nothing written');
    for my $type (qw(default db gdbm sdbm)) {
        $o = `'$TOOL' build '$d/good.txt' '$d/good-$type.dbm' $type 2>&1`;
        is($? >> 8, 0, "cors-maptool build: $type") or diag($o);
        $o = `'$TOOL' check 'dbm=$type:$d/good-$type.dbm' 2>&1`;
        is($o, "$d/good-$type.dbm: 2 entries, 1 wildcards\n", "cors-maptool check: the $type file");
    }
    $o = `'$TOOL' 2>&1`;
    is($? >> 8, 2, 'cors-maptool: usage: exit 2');
    like($o, qr/^usage: cors-maptool check/, 'cors-maptool: usage');
}

# ---------------------------------------------------------------------------
# Reloads under load, with each MPM, and across a graceful restart: requests
# from mapped origins are never refused, others never allowed, while the
# map is rewritten (by rename, in place, with a bad line) many times.

for my $mpm (qw(event worker prefork)) {
    local $ENV{CORS_TEST_MPM} = $mpm;
    my $s = CorsHttpd->new(name => "maps-$mpm", modules => [qw(mime)]);
    my $d = $s->dir;
    my $map = "$d/tenants.txt";
    # "stay" is in every version; "flip" in every other; "never" in none
    my $base = join('', map { "https://t$_.example\n" } 1 .. 2000)
             . "https://stay.example partner\n";
    spew($map, $base);
    $s->write_file('htdocs/a.txt', "a\n");
    $s->write_conf(
        qq{DocumentRoot "$d/htdocs"},
        @POLICIES,
        '<IfModule mpm_prefork_module>',
        '    StartServers 3', '    MinSpareServers 3', '    MaxSpareServers 6',
        '</IfModule>',
        '<IfModule !mpm_prefork_module>',
        '    StartServers 2', '    ThreadsPerChild 8', '    MinSpareThreads 8',
        '</IfModule>',
        '<Location "/">',
        '    CORSEngine On',
        qq{    CORSAllowOriginMap txt:$map},
        '</Location>',
    );
    ok($s->start, "$mpm: started") or do { diag($s->error_log); next };

    my $writer = fork // die "fork: $!";
    if (!$writer) {
        for my $i (1 .. 12) {
            if ($i % 4 == 3) {
                spew($map, $base . "https://bad.example/\n");
            }
            elsif ($i % 2) {
                replace_file($map, $base . "https://flip.example\n");
            }
            else {
                spew($map, $base);
            }
            sleep 0.5;
        }
        POSIX::_exit(0);
    }
    my @kids;
    for my $k (1 .. 3) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            my $bad = 0;
            for my $i (1 .. 150) {
                my $stay = pf($s, '/a.txt', 'https://stay.example', 'PUT');
                $bad++ unless $stay->{status} == 204
                    && (hdr($stay, 'Access-Control-Allow-Credentials') // '') eq 'true';
                my $never = pf($s, '/a.txt', 'https://never.example');
                $bad++ unless $never->{status} == 403;
                my $t = pf($s, '/a.txt', 'https://t' . (1 + $i % 2000) . '.example');
                $bad++ unless $t->{status} == 204;
            }
            POSIX::_exit($bad > 255 ? 255 : $bad);
        }
        push @kids, $pid;
    }
    my $wrong = 0;
    for (@kids) { waitpid $_, 0; $wrong += $? >> 8 }
    waitpid $writer, 0;
    is($wrong, 0, "$mpm: 1,350 requests during 12 rewrites: no wrong verdict");

    # a graceful restart, then a change is still picked up
    my $mark = length $s->error_log;
    kill 'USR1', $s->{pid};
    ok(eventually(sub { substr($s->error_log, $mark) =~ /resuming normal operations/ }),
        "$mpm: graceful restart");
    replace_file($map, $base . "https://after.example\n");
    ok(eventually(sub { allowed($s, '/a.txt', 'https://after.example') }),
        "$mpm: a change after the graceful restart is read");
    ok(allowed($s, '/a.txt', 'https://stay.example'), "$mpm: the rest of the map too");
    ok($s->stop, "$mpm: stopped");
    is(join("\n", $s->crash_lines), '', "$mpm: no child crashed");
}

done_testing();
