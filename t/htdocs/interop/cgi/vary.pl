#!/usr/bin/perl
# A CGI with a body large enough for mod_deflate to compress; each
# ?vary=VALUE becomes a Vary line of its own.
use strict;
use warnings;
my @vary;
for (split /[&;]/, $ENV{QUERY_STRING} || '') {
    my ($k, $v) = split /=/, $_, 2;
    next unless $k eq 'vary' && defined $v;
    $v =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    push @vary, $v;
}
print "Status: 200\r\n";
print "Vary: $_\r\n" for @vary;
print "Content-Type: text/plain\r\n\r\n";
print "line $_ of a body that mod_deflate finds worth compressing\n" for 1 .. 50;
