#!/usr/bin/perl
# Front controller of /redirect/fc (see conf/redirect.conf.in): behaves like
# htdocs/cgi/echo.pl, which it runs.
use FindBin;
do "$FindBin::Bin/../../cgi/echo.pl";
die $@ if $@;
