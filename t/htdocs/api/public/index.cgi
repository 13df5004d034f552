#!/usr/bin/perl
# Front controller of this tree (see conf/extra.conf.in): behaves like
# htdocs/cgi/echo.pl, which it runs.
use FindBin;
do "$FindBin::Bin/../../cgi/echo.pl";
die $@ if $@;
