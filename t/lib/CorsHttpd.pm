package CorsHttpd;

# A private httpd for one test file: for configurations that cannot go
# into the shared Apache::Test server (a server-wide CORSEngine On, the
# published examples as they stand).
#
#     my $h = CorsHttpd->new(name => 'x', ports => 2, modules => [qw(mime)]);
#     $h->spew('htdocs/a.txt', "a\n");
#     $h->write_conf('<VirtualHost ...>', ...);   # after the common head
#     my ($ok, $out) = $h->syntax;                 # httpd -t
#     $h->start or ...;  ... $h->port(0) ...;  $h->stop;
#
# The binary is the one Apache::Test is configured with, so that the
# wrapped httpds of `make test-asan` and `make test-valgrind` run these
# servers too.  It is started in the foreground (-DFOREGROUND, never
# `-k start`: the valgrind wrapper runs `-k` commands unwrapped) and stopped
# with SIGTERM to that process.  The MPM is CORS_TEST_MPM's, or event.

use strict;
use warnings;

use CorsTest ();
use File::Temp qw(tempdir);
use File::Path qw(make_path);
use File::Basename qw(dirname);
use File::Spec::Functions qw(catfile);
use IO::Socket::INET ();
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);
use Exporter 'import';

our @EXPORT_OK = qw(spew slurp);

# Lines of an error log that mean a child died or a sanitizer spoke:
# httpd's AH00052 "child pid N exit signal Segmentation fault (11)".
our $CRASH_RE = qr/exit signal|Segmentation fault|AH00052|AddressSanitizer|
                   runtime\ error/x;

my %running;    # pid => object, stopped at exit if a test forgot to

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp')
        or die "no free port: $!";
    my $p = $s->sockport;
    close $s;
    return $p;
}

sub spew {
    my ($file, $text) = @_;
    make_path(dirname($file));
    open my $fh, '>:raw', $file or die "cannot write $file: $!";
    print $fh $text;
    close $fh or die "cannot write $file: $!";
    chmod 0644, $file;    # httpd's children run as the User when root
}

sub slurp {
    my $file = shift;
    open my $fh, '<:raw', $file or die "cannot read $file: $!";
    local $/;
    return scalar <$fh>;
}

# new(name => LABEL, ports => N (1), modules => [NAME...] (besides the MPM,
# mod_cors and authz_core), loglevel => 'warn cors:debug')
sub new {
    my ($class, %o) = @_;
    my $cfg = CorsTest::config();
    my $self = bless {
        name     => $o{name} || 'private',
        modules  => $o{modules} || [],
        loglevel => $o{loglevel} || 'warn cors:debug',
        httpd    => $cfg->{vars}->{httpd},
        libexec  => $cfg->{vars}->{cors_libexecdir} || '/usr/lib/apache2/modules',
        so       => $cfg->{modules}->{'mod_cors.c'},
        user     => $cfg->{vars}->{user}  || 'nobody',
        group    => $cfg->{vars}->{group} || 'nogroup',
    }, $class;
    die "no httpd in the Apache::Test configuration\n" unless $self->{httpd};
    (my $label = $self->{name}) =~ s/[^\w.-]+/_/g;
    $self->{dir} = tempdir("cors-$label-XXXXXX", TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $self->{dir};
    make_path(map { "$self->{dir}/$_" } qw(htdocs logs));
    chmod 0755, "$self->{dir}/htdocs";
    $self->{ports} = [map { free_port() } 1 .. ($o{ports} || 1)];
    return $self;
}

sub dir   { $_[0]->{dir} }
sub port  { $_[0]->{ports}->[ $_[1] || 0 ] }
sub ports { @{ $_[0]->{ports} } }
sub mpm   { $ENV{CORS_TEST_MPM} || 'event' }
sub conf_file { "$_[0]->{dir}/httpd.conf" }

# Write FILE (relative to the server's directory).
sub write_file { my ($self, $rel, $text) = @_; spew(catfile($self->{dir}, $rel), $text) }

# What every private server has: the MPM, mod_cors, the modules asked for,
# its own pid file, logs and run-time directory, one Listen per port.
sub head {
    my $self = shift;
    my ($dir, $lib) = @$self{qw(dir libexec)};
    my $mpm = $self->mpm;
    my %seen;
    my @mods = grep { !$seen{$_}++ } ('authz_core', @{ $self->{modules} });
    return (
        "# generated for $self->{name} by t/lib/CorsHttpd.pm",
        qq{LoadModule mpm_${mpm}_module "$lib/mod_mpm_$mpm.so"},
        qq{LoadModule cors_module "$self->{so}"},
        (map { qq{LoadModule ${_}_module "$lib/mod_$_.so"} } @mods),
        "ServerName 127.0.0.1",
        ($> == 0 ? ("User $self->{user}", "Group $self->{group}") : ()),
        qq{PidFile "$dir/logs/httpd.pid"},
        qq{ErrorLog "$dir/logs/error_log"},
        qq{DefaultRuntimeDir "$dir/logs"},
        "LogLevel $self->{loglevel}",
        (-e '/etc/mime.types' && $seen{mime} ? 'TypesConfig /etc/mime.types' : ()),
        (map { "Listen 127.0.0.1:$_" } $self->ports),
    );
}

# write_conf(LINES...): httpd.conf = the head, then LINES.
sub write_conf {
    my ($self, @body) = @_;
    spew($self->conf_file, join("\n", $self->head, @body, ''));
    return $self->conf_file;
}

# `httpd -t` on the configuration: (exit code is 0, output).
sub syntax {
    my $self = shift;
    my $out = `'$self->{httpd}' -t -d '$self->{dir}' -f '@{[ $self->conf_file ]}' 2>&1`;
    return ($? == 0, $out);
}

# Start in the foreground of a forked process; wait (valgrind is slow to
# start) until it answers a request.  True when it does.
sub start {
    my ($self, %o) = @_;
    my $timeout = $o{timeout} || 90;
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        # a process group of its own: prefork signals its whole group when
        # it stops, which would otherwise be the test's
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$self->{dir}/logs/stdout";
        open STDERR, '>&', \*STDOUT;
        { no warnings 'exec';
          exec $self->{httpd}, '-d', $self->{dir}, '-f', $self->conf_file,
              '-DFOREGROUND'; }
        POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    $running{$pid} = $self;
    my $t0 = time;
    while (time - $t0 < $timeout) {
        if (waitpid($pid, WNOHANG) == $pid) {
            delete $running{$pid};
            $self->{pid} = undef;
            $self->{exit} = $?;
            return 0;
        }
        return 1 if $self->answers;
        sleep 0.1;
    }
    return 0;
}

# Does the server answer `OPTIONS * HTTP/1.0` on its first port?  (A
# request the module leaves alone; a bare connect would leave an idle
# connection behind.)
sub answers {
    my $self = shift;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->port,
                                  Timeout => 5) or return 0;
    $s->syswrite("OPTIONS * HTTP/1.0\r\n\r\n") or return 0;
    my $got = '';
    my $deadline = time + 30;
    while (time < $deadline) {
        my $rin = '';
        vec($rin, fileno($s), 1) = 1;
        select(my $rout = $rin, undef, undef, 1) or next;
        my $n = $s->sysread(my $buf, 4096);
        last unless $n;
        $got .= $buf;
    }
    return $got =~ m{^HTTP/1\.\d \d{3} };
}

# Is the started process still there?
sub alive {
    my $self = shift;
    return 0 unless $self->{pid};
    return 0 if waitpid($self->{pid}, WNOHANG) == $self->{pid};
    return kill 0, $self->{pid};
}

# The server's live child processes (none under `httpd -X`).
sub children {
    my $self = shift;
    return () unless $self->{pid};
    my @kids;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $fh, '<', $stat or next;
        my $line = <$fh> // next;
        my ($pid, $state, $ppid) = $line =~ /^(\d+) \(.*\) (\S) (\d+) /s or next;
        # a child that died and was not reaped yet is a zombie
        push @kids, $pid if $ppid == $self->{pid} && $state !~ /[ZX]/;
    }
    return sort { $a <=> $b } @kids;
}

# SIGTERM, then wait (valgrind writes its report first).  True when the
# process has exited.
sub stop {
    my ($self, %o) = @_;
    my $pid = $self->{pid} or return 1;
    my $timeout = $o{timeout} || 90;
    kill 'TERM', $pid;
    my $t0 = time;
    while (time - $t0 < $timeout) {
        if (waitpid($pid, WNOHANG) == $pid) {
            $self->{exit} = $?;
            delete $running{$pid};
            $self->{pid} = undef;
            return 1;
        }
        sleep 0.1;
    }
    kill 'KILL', $pid;
    waitpid $pid, 0;
    delete $running{$pid};
    $self->{pid} = undef;
    return 0;
}

sub log_file { my ($self, $name) = @_; return "$self->{dir}/logs/$name" }

sub error_log {
    my $self = shift;
    my $f = $self->log_file('error_log');
    return -e $f ? slurp($f) : '';
}

# The error log's lines that report a crash.
sub crash_lines {
    my $self = shift;
    return grep { $_ =~ $CRASH_RE } split /\n/, $self->error_log;
}

END {
    my $rc = $?;
    $_->stop(timeout => 30) for values %running;
    $? = $rc;
}

1;
