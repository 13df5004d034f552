#!/usr/bin/perl
# Front controller of /interop/st/fc (see conf/errors.conf.in): behaves
# like htdocs/cgi/echo.pl, which it runs.
use FindBin;
do "$FindBin::Bin/../../../cgi/echo.pl";
die $@ if $@;
