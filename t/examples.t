# Every configuration in docs/examples/ works as published.
#
# For each example this file builds a small private httpd around it -- the
# MPM, mod_cors from .libs, the stock modules the example names, a
# DocumentRoot, and a backend virtual host for the examples that proxy --
# substitutes the example's site-specific values (paths, backend addresses)
# with the test's, checks the result with `httpd -t`, starts it, sends real
# requests and asserts the CORS headers, then stops it.  A substitution
# that no longer matches the example fails, so an edited example cannot
# drift away from its test.  An example file without a case here fails too.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use MIME::Base64 qw(encode_base64);
use CorsTest;
use CorsHttpd qw(slurp);

cors_plan();

my $examples = "$FindBin::Bin/../docs/examples";

my @PF = (PF_VARY);

# A request to the private server on PORT.
sub ex_req {
    my ($port, $method, $path, @headers) = @_;
    return CorsTest::req($method, $path, \@headers, port => $port,
                         host => "127.0.0.1:$port");
}

sub ex_preflight {
    my ($port, $path, $origin, $method, $acrh) = @_;
    my @h = (Origin => $origin, 'Access-Control-Request-Method' => $method);
    push @h, 'Access-Control-Request-Headers' => $acrh if defined $acrh;
    return ex_req($port, 'OPTIONS', $path, @h);
}

sub no_vary_origin {
    my ($res, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok(!grep({ lc eq 'origin' } vary_tokens($res)), "$name: no Vary: Origin");
}

sub header_is {
    my ($res, $h, $want, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is_deeply([hdrs($res, $h)], defined $want ? [$want] : [], "$name: $h "
        . (defined $want ? "is '$want'" : 'absent'));
}

my $basic = 'Basic ' . encode_base64('ada:lovelace', '');

# Each case: the example file, how it is installed ('conf': Included in the
# main virtual host; 'htaccess': copied to htdocs/api/.htaccess), the
# modules it needs besides the MPM, mod_cors, authz_core, mime, dir and
# alias, the substitutions (the example's value => the test's; %D is the
# scratch directory, %B the backend's port), files to create under %D,
# extra lines for the main virtual host, and the requests.
my %cases = (
    'spa-api-credentials.conf' => {
        install => 'conf',
        modules => [qw(proxy proxy_http)],
        subst   => [['http://127.0.0.1:8000/api/' => 'http://127.0.0.1:%B/api/']],
        files   => { 'backend/api/me' => "the user\n" },
        checks  => sub {
            my $p = shift;
            my $app = 'https://app.example.com';
            my $r = ex_preflight($p, '/api/me', $app, 'PUT', 'X-CSRF-Token, Content-Type');
            preflight_ok($r, $app, 'spa: preflight PUT');
            header_is($r, 'Access-Control-Allow-Credentials', 'true', 'spa: preflight');
            header_is($r, 'Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE', 'spa: preflight');
            header_is($r, 'Access-Control-Allow-Headers', 'x-csrf-token, content-type', 'spa: preflight');
            header_is($r, 'Access-Control-Max-Age', '7200', 'spa: preflight');

            $r = ex_req($p, 'GET', '/api/me', Origin => $app, Cookie => 'session=1');
            is($r->{status}, 200, 'spa: GET /api/me through the proxy: 200');
            is($r->{body}, "the user\n", 'spa: the backend answered');
            acao_is($r, $app, 'spa: GET (the backend\'s own * replaced)');
            header_is($r, 'Access-Control-Allow-Credentials', 'true', 'spa: GET');
            header_is($r, 'Access-Control-Expose-Headers', 'etag, location, x-request-id', 'spa: GET');
            vary_ok($r, ['Origin'], 'spa: GET');

            $r = ex_req($p, 'POST', '/api/me', Origin => 'https://evil.example',
                        Cookie => 'session=1');
            is($r->{status}, 403, 'spa: POST from another site: 403 (CORSRejectDisallowed)');
            no_acx($r, 'spa: POST from another site');

            $r = ex_preflight($p, '/api/me', 'https://evil.example', 'DELETE');
            refused_ok($r, qr/origin/i, 'spa: preflight from another site');
        },
    },

    'shared-hosting.htaccess' => {
        install => 'htaccess',
        modules => [qw(rewrite)],
        subst   => [],
        files   => {
            'htdocs/api/index.php' => "front controller\n",
            'htdocs/api/data.json' => "{}\n",
        },
        # what the hosting provider's configuration must allow
        vhost   => [
            '<Directory "%D/htdocs/api">',
            '    AllowOverride FileInfo',
            '    Options FollowSymLinks',
            '</Directory>',
        ],
        checks  => sub {
            my $p = shift;
            my $shop = 'https://shop.example.com';
            my $r = ex_preflight($p, '/api/items/7', $shop, 'DELETE', 'Authorization');
            preflight_ok($r, $shop, 'htaccess: preflight DELETE (not rewritten to index.php)');
            header_is($r, 'Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE', 'htaccess: preflight');
            header_is($r, 'Access-Control-Allow-Headers', 'authorization', 'htaccess: preflight');
            header_is($r, 'Access-Control-Max-Age', '600', 'htaccess: preflight');

            $r = ex_req($p, 'GET', '/api/items/7', Origin => 'https://www.example.com');
            is($r->{status}, 200, 'htaccess: GET through the front controller: 200');
            is($r->{body}, "front controller\n", 'htaccess: index.php answered');
            acao_is($r, 'https://www.example.com', 'htaccess: GET');
            vary_ok($r, ['Origin'], 'htaccess: GET');

            $r = ex_req($p, 'GET', '/api/data.json', Origin => 'https://evil.example');
            is($r->{status}, 200, 'htaccess: GET from another site is served');
            no_acx($r, 'htaccess: GET from another site');
            vary_ok($r, ['Origin'], 'htaccess: GET from another site');
        },
    },

    'reverse-proxy-gateway.conf' => {
        install => 'conf',
        modules => [qw(proxy proxy_http auth_basic authn_core authn_file authz_user)],
        subst   => [
            ['http://users.internal:8080/'   => 'http://127.0.0.1:%B/users/'],
            ['http://orders.internal:8080/'  => 'http://127.0.0.1:%B/orders/'],
            ['/etc/apache2/gateway.htpasswd' => '%D/gateway.htpasswd'],
        ],
        files   => {
            'backend/users/42' => "user 42\n",
            'backend/orders/9' => "order 9\n",
        },
        htpasswd => ['gateway.htpasswd', 'ada', 'lovelace'],
        checks  => sub {
            my $p = shift;
            my $console = 'https://console.example.com';
            my $r = ex_req($p, 'GET', '/users/42', Origin => $console,
                           Authorization => 'Bearer t0k3n');
            is($r->{status}, 200, 'gateway: GET /users/42: 200');
            is($r->{body}, "user 42\n", 'gateway: the users service answered');
            acao_is($r, $console, 'gateway: GET (the service\'s * replaced)');
            header_is($r, 'Access-Control-Allow-Credentials', undef,
                      'gateway: GET (the service\'s credentials header removed)');
            header_is($r, 'Access-Control-Expose-Headers', 'location, etag, x-request-id', 'gateway: GET');
            vary_ok($r, ['Origin'], 'gateway: GET');

            $r = ex_preflight($p, '/users/42', 'https://partner.example.net', 'PATCH',
                              'Authorization, X-Request-Id');
            preflight_ok($r, 'https://partner.example.net', 'gateway: partner preflight PATCH');
            header_is($r, 'Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE',
                      'gateway: partner preflight');
            header_is($r, 'Access-Control-Allow-Headers', 'authorization, x-request-id',
                      'gateway: partner preflight');

            $r = ex_preflight($p, '/orders/9', $console, 'GET', 'Authorization');
            preflight_ok($r, $console, 'gateway: preflight to /orders/ without credentials');
            header_is($r, 'Access-Control-Allow-Methods', 'GET, POST', 'gateway: /orders/ edited list');

            $r = ex_preflight($p, '/orders/9', $console, 'DELETE');
            refused_ok($r, qr/method/i, 'gateway: preflight DELETE to /orders/');

            $r = ex_req($p, 'GET', '/orders/9', Origin => $console);
            is($r->{status}, 401, 'gateway: GET /orders/9 without credentials: 401');
            acao_is($r, $console, 'gateway: the 401 is readable by the front end');

            $r = ex_req($p, 'GET', '/orders/9', Origin => $console, Authorization => $basic);
            is($r->{status}, 200, 'gateway: GET /orders/9 with credentials: 200');
            is($r->{body}, "order 9\n", 'gateway: the orders service answered');
            acao_is($r, $console, 'gateway: authenticated GET');

            for my $o ('https://example.com.evil.net', 'https://example.com',
                       'http://console.example.com') {
                $r = ex_req($p, 'GET', '/users/42', Origin => $o);
                is($r->{status}, 200, "gateway: GET from $o is served");
                no_acx($r, "gateway: GET from $o (the service's * removed too)");
            }
        },
    },

    'local-development.conf' => {
        install => 'conf',
        modules => [],
        subst   => [],
        files   => { 'htdocs/index.html' => "dev\n" },
        checks  => sub {
            my $p = shift;
            my $vite = 'http://localhost:5173';
            my $r = ex_preflight($p, '/items/1', $vite, 'PATCH', 'X-Debug-Token, Authorization');
            preflight_ok($r, $vite, 'dev: preflight PATCH');
            header_is($r, 'Access-Control-Allow-Methods', 'PATCH',
                      'dev: preflight (the requested method, credentials on)');
            header_is($r, 'Access-Control-Allow-Headers', 'x-debug-token, authorization', 'dev: preflight');
            header_is($r, 'Access-Control-Allow-Credentials', 'true', 'dev: preflight');
            header_is($r, 'Access-Control-Max-Age', '0', 'dev: preflight');

            for my $o ('http://127.0.0.1:3000', 'http://[::1]:8080', 'http://localhost') {
                $r = ex_req($p, 'GET', '/index.html', Origin => $o);
                is($r->{status}, 200, "dev: GET from $o: 200");
                acao_is($r, $o, "dev: GET from $o");
                header_is($r, 'Access-Control-Allow-Credentials', 'true', "dev: GET from $o");
            }
            my $aceh = hdr($r, 'Access-Control-Expose-Headers') // '';
            like($aceh, qr/(?:^|, )etag(?:,|$)/,
                 "dev: CORSExposeHeaders * with credentials lists the response's headers ($aceh)");

            for my $o ('https://localhost:5173', 'http://localhost.evil.example:5173',
                       'http://192.168.1.20:5173') {
                $r = ex_req($p, 'GET', '/index.html', Origin => $o);
                no_acx($r, "dev: GET from $o");
            }
        },
    },

    'public-cdn-assets.conf' => {
        install => 'conf',
        modules => [qw(headers)],
        subst   => [['/srv/cdn/assets' => '%D/cdn/assets']],
        files   => { 'cdn/assets/fonts/brand.woff2' => "wOF2-not-really-a-font\n" },
        checks  => sub {
            my $p = shift;
            my $path = '/assets/fonts/brand.woff2';
            my $r = ex_req($p, 'GET', $path, Origin => 'https://any-site.example');
            is($r->{status}, 200, 'cdn: GET a font: 200');
            acao_is($r, '*', 'cdn: GET a font');
            header_is($r, 'Access-Control-Expose-Headers', 'etag, content-range, accept-ranges', 'cdn: GET');
            header_is($r, 'Access-Control-Allow-Credentials', undef, 'cdn: GET');
            no_vary_origin($r, 'cdn: GET');
            like(hdr($r, 'Cache-Control') // '', qr/public/, 'cdn: the example\'s Cache-Control');

            $r = ex_req($p, 'GET', $path);
            acao_is($r, '*', 'cdn: GET without Origin (the answer does not vary)');

            $r = ex_req($p, 'GET', $path, Origin => 'https://any-site.example', Range => 'bytes=0-3');
            is($r->{status}, 206, 'cdn: a range request: 206');
            acao_is($r, '*', 'cdn: the 206');

            $r = ex_preflight($p, $path, 'https://any-site.example', 'GET', 'Range');
            preflight_ok($r, '*', 'cdn: preflight GET with Range');
            header_is($r, 'Access-Control-Allow-Methods', 'GET, HEAD', 'cdn: preflight');
            header_is($r, 'Access-Control-Max-Age', '86400', 'cdn: preflight');

            $r = ex_preflight($p, $path, 'https://any-site.example', 'PUT');
            refused_ok($r, qr/method/i, 'cdn: preflight PUT');
        },
    },
);

opendir my $dh, $examples or die "cannot open $examples: $!";
my @files = sort grep { !/^\./ && $_ ne 'README.md' } readdir $dh;
closedir $dh;
is_deeply(\@files, [sort keys %cases],
    'docs/examples/: every example has a case here, and every case an example');

my $readme = slurp("$examples/README.md");
for my $f (@files) {
    like($readme, qr/\Q$f\E/, "docs/examples/README.md describes $f");
}

for my $name (sort keys %cases) {
    my $c = $cases{$name};
    my $h = CorsHttpd->new(name => "example-$name", ports => 2,
        modules => [qw(authz_host mime dir alias headers), @{ $c->{modules} }]);
    my ($dir, $port, $bport) = ($h->dir, $h->port(0), $h->port(1));
    my $fill = sub { my $s = shift; $s =~ s/%D/$dir/g; $s =~ s/%B/$bport/g; $s };

    $h->write_file($_, $c->{files}->{$_}) for keys %{ $c->{files} };
    mkdir "$dir/backend";
    if (my $hp = $c->{htpasswd}) {
        my ($file, $u, $pw) = @$hp;
        system("htpasswd -bcB '$dir/$file' '$u' '$pw' >/dev/null 2>&1") == 0
            or die "htpasswd failed (apache2-utils)";
        chmod 0644, "$dir/$file";
    }

    my $text = slurp("$examples/$name");
    for my $s (@{ $c->{subst} }) {
        my ($from, $to) = ($s->[0], $fill->($s->[1]));
        ok($text =~ s/\Q$from\E/$to/g, "$name: still says '$from'");
    }
    my $include;
    if ($c->{install} eq 'htaccess') {
        $h->write_file('htdocs/api/.htaccess', $text);
        $include = '';
    }
    else {
        $h->write_file('example.conf', $text);
        $include = qq{    Include "$dir/example.conf"};
    }

    $h->write_conf(
        "DirectoryIndex index.html",
        # The backend: plain files, plus the Access-Control-* headers a
        # careless application sends, which the examples must replace.
        "<VirtualHost 127.0.0.1:$bport>",
        qq{    DocumentRoot "$dir/backend"},
        qq{    <Directory "$dir/backend">},
        "        Require all granted",
        "    </Directory>",
        '    Header always set Access-Control-Allow-Origin "*"',
        '    Header always set Access-Control-Allow-Credentials "true"',
        '    Header always set X-Request-Id "r-1"',
        "</VirtualHost>",
        "<VirtualHost 127.0.0.1:$port>",
        qq{    DocumentRoot "$dir/htdocs"},
        qq{    <Directory "$dir/htdocs">},
        "        Require all granted",
        "    </Directory>",
        (map { '    ' . $fill->($_) } @{ $c->{vhost} || [] }),
        $include,
        "</VirtualHost>",
    );

    my ($syntax_ok, $out) = $h->syntax;
    ok($syntax_ok, "$name: httpd -t passes") or do { diag($out); next };
    like($out, qr/Syntax OK/, "$name: Syntax OK");

    ok($h->start, "$name: the private httpd started on port $port") or do {
        diag($h->error_log || 'no error_log');
        next;
    };

    my $failed_before = grep { !$_ } Test::More->builder->summary;
    eval { $c->{checks}->($port); 1 } or fail("$name: checks died: $@");
    my $failed_after = grep { !$_ } Test::More->builder->summary;
    if ($failed_after > $failed_before) {
        diag("--- $name as tested:\n$text");
        diag("--- error_log:\n" . $h->error_log);
    }

    ok($h->stop, "$name: the private httpd stopped");
    is(join("\n", $h->crash_lines), '', "$name: no child crashed");
}

# The configuration snippets of the documentation: every ```apache block
# of the manual, migrating.md (before and after: the recipes it criticises
# are real, working Apache configuration), troubleshooting.md and scaling.md
# must pass `httpd -t`, so that nothing a reader copies is a syntax error
# (the map files they name are stood in for by empty maps).
{
    my $h = CorsHttpd->new(name => 'docs-snippets',
        modules => [qw(authz_host authz_user authn_core authn_file auth_basic
                       mime dir alias headers setenvif rewrite proxy
                       proxy_http dbd)]);
    my $dir = $h->dir;
    for my $doc (qw(mod_cors.md migrating.md troubleshooting.md scaling.md)) {
        my $md = slurp("$FindBin::Bin/../docs/$doc");
        my $n = 0;
        while ($md =~ /^```apache\n(.*?)^```$/msg) {
            my $block = $1;
            my $line = 1 + (() = substr($md, 0, $-[0]) =~ /\n/g);
            $n++;
            # the module is already loaded; its LoadModule line is for readers
            $block =~ s/^\s*LoadModule (?:cors|dbd)_module .*$//mg;
            # a map names a file of the reader's: an empty one stands in
            $block =~ s{(CORSAllowOriginMap\s+"?)(txt|dbm(?:=\w+)?):(\S+?)("?\s*$)}{
                my ($pre, $kind, $path, $post) = ($1, $2, $3, $4);
                (my $base = $path) =~ s{.*/}{};
                my $file = "$dir/maps/$base";
                CorsHttpd::spew("$file.txt", "# none yet\n");
                if ($kind =~ /^dbm(?:=(\w+))?/) {
                    system("$FindBin::Bin/../cors-maptool", 'build', "$file.txt",
                           $file, $1 // 'default') == 0 or diag("cors-maptool build $file");
                }
                else {
                    CorsHttpd::spew($file, "# none yet\n");
                }
                "$pre$kind:$file$post"
            }mge;
            $h->write_conf(qq{Define APACHE_LOG_DIR "$dir/logs"}, $block);
            my ($syntax_ok, $out) = $h->syntax;
            ok($syntax_ok, "docs/$doc line $line: the apache block passes httpd -t")
                or diag("$block\n$out");
        }
        ok($n > 0, "docs/$doc has apache blocks ($n)");
    }
}

done_testing();
