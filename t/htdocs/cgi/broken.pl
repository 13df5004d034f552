#!/usr/bin/perl
# A broken CGI: no header block, so httpd answers 500
# ("malformed header from script").
print "this is not a header\n\n";
