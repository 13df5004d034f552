#!/usr/bin/perl
# Front controller (see conf/cross_origin.conf.in): the test handler,
# htdocs/cgi/echo.pl.
use FindBin;
do "$FindBin::Bin/../../cgi/echo.pl";
