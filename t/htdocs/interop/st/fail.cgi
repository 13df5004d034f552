#!/usr/bin/perl
# A CGI that dies before writing any header: httpd answers 500
# ("end of script output before headers").
exit 1;
