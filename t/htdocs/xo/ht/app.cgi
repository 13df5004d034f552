#!/usr/bin/perl
# The test handler (htdocs/cgi/echo.pl) in a directory whose .htaccess
# t/cross_origin.t writes.
use FindBin;
do "$FindBin::Bin/../../cgi/echo.pl";
