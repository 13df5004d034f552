#!/usr/bin/perl
# A non-parsed-header script that closes the connection without writing a
# byte: the proxy in front of it gets no response and answers 502 itself.
exit 0;
