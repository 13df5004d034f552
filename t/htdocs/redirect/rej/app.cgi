#!/usr/bin/perl
# A handler in the rejecting scope /redirect/rej (see conf/redirect.conf.in): behaves like
# htdocs/cgi/echo.pl, which it runs.
use FindBin;
do "$FindBin::Bin/../../cgi/echo.pl";
die $@ if $@;
