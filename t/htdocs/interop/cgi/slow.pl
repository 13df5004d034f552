#!/usr/bin/perl
# A backend that takes longer than the proxy's timeout (conf/proxy.conf.in:
# timeout=1), so mod_proxy answers 504 itself.  Logs its call like echo.pl.
use strict;
use warnings;
if (my $log = $ENV{CORS_TEST_CALLS}) {
    if (open my $fh, '>>', $log) {
        print $fh "$ENV{REQUEST_METHOD} $ENV{REQUEST_URI}\n";
        close $fh;
    }
}
sleep 3;
print "Status: 200\r\nContent-Type: text/plain\r\n\r\ntoo late\n";
