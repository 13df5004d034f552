#!/usr/bin/perl
# Test handler for mod_cors: answers every method with 200 and
# "method=<METHOD>".  Query parameters (repeatable):
#   status=NNN        answer with that status
#   acao=VALUE        send its own Access-Control-Allow-Origin (the module
#                     must remove it in scope)
#   vary=VALUE        send its own Vary
#   hdr=Name:Value    send any other header
# Every call appends "METHOD REQUEST_URI" to $CORS_TEST_CALLS, so a test
# can prove that the handler did not run (preflights, rejections).
use strict;
use warnings;

my $method = $ENV{REQUEST_METHOD} || '';
my %q;
for (split /[&;]/, $ENV{QUERY_STRING} || '') {
    my ($k, $v) = split /=/, $_, 2;
    $v = '' unless defined $v;
    for ($k, $v) { tr/+/ /; s/%([0-9A-Fa-f]{2})/chr hex $1/ge }
    push @{ $q{$k} }, $v;
}

if (my $log = $ENV{CORS_TEST_CALLS}) {
    if (open my $fh, '>>', $log) {
        print $fh "$method " . ($ENV{REQUEST_URI} || '') . "\n";
        close $fh;
    }
}

# drain a request body so httpd never sees a broken pipe
if (my $len = $ENV{CONTENT_LENGTH}) { read STDIN, my $buf, $len }

my $status = ($q{status} || [])->[0] || 200;
$| = 1;
print "Status: $status\r\n";
print "Access-Control-Allow-Origin: $_\r\n" for @{ $q{acao} || [] };
print "Vary: $_\r\n" for @{ $q{vary} || [] };
for (@{ $q{hdr} || [] }) {
    my ($n, $v) = split /:/, $_, 2;
    print "$n: $v\r\n";
}
print "Content-Type: text/plain\r\n\r\n";
print "method=$method\n"
    unless $method eq 'HEAD' || $status == 204 || $status == 304;
