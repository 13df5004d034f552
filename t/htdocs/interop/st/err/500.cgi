#!/usr/bin/perl
# ErrorDocument 500 of the /interop/st tree: a local URL served by a CGI,
# which also tries to send its own Access-Control-Allow-Origin.
print "Status: 500\r\n";
print "Access-Control-Allow-Origin: https://errdoc.example\r\n";
print "Content-Type: text/plain\r\n\r\n";
print "custom 500 from a CGI\n";
