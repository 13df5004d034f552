#!/usr/bin/perl
# The API handler of the browser layer: answers every method, OPTIONS
# included (so that a passthrough preflight reaches it), with a JSON body
# that says what it received.  Query parameters:
#   status=NNN   answer with that status
#   to=PATH      answer 302 with Location: PATH
#   acao=VALUE   send its own Access-Control-Allow-Origin (in scope the
#                module removes it; where CORSEngine is Off it stays)
# It always sends X-Exposed and X-Hidden, so a test can tell an exposed
# response header from one the browser hides.
use strict;
use warnings;

my $method = $ENV{REQUEST_METHOD} || '';
my %q;
for (split /[&;]/, $ENV{QUERY_STRING} || '') {
    my ($k, $v) = split /=/, $_, 2;
    $v = '' unless defined $v;
    for ($k, $v) { tr/+/ /; s/%([0-9A-Fa-f]{2})/chr hex $1/ge }
    $q{$k} = $v;
}

my $body = '';
if (my $len = $ENV{CONTENT_LENGTH}) {
    read STDIN, $body, $len if $len < 65536;
}

sub js {
    my $s = shift;
    return 'null' unless defined $s;
    $s =~ s/(["\\])/\\$1/g;
    $s =~ s/([\x00-\x1f])/sprintf '\\u%04x', ord $1/ge;
    return qq("$s");
}

my $status = $q{status} && $q{status} =~ /^[1-5][0-9][0-9]$/ ? $q{status} : 200;
$status = 302 if defined $q{to};

$| = 1;
print "Status: $status\r\n";
print "Location: $q{to}\r\n" if defined $q{to};
print "Access-Control-Allow-Origin: $q{acao}\r\n" if defined $q{acao};
print "Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n" if $method eq 'OPTIONS';
print "X-Exposed: exposed-value\r\n";
print "X-Hidden: hidden-value\r\n";
print "Cache-Control: no-store\r\n";
print "Content-Type: application/json\r\n\r\n";
exit 0 if $method eq 'HEAD';
print '{"method":', js($method),
    ',"user":', js($ENV{REMOTE_USER}),
    ',"cookie":', js($ENV{HTTP_COOKIE}),
    ',"x_allowed":', js($ENV{HTTP_X_ALLOWED}),
    ',"body":', js($body), "}\n";
