#!/usr/bin/perl
# Summarise valgrind memcheck logs of httpd (make test-valgrind): count the
# error and leak records, and fail when any has a mod_cors frame (mod_cors.c
# or modules/cors_*.c, or a cors_ function).  httpd's, APR's and other
# modules' own records are counted and shown, not judged.
use strict;
use warnings;

my @logs = @ARGV or die "usage: $0 VALGRIND_LOG...\n";
my ($errors, $ours, $records) = (0, 0, 0);
my ($summary_errors, $definite) = (0, 0);
for my $log (@logs) {
    open my $fh, '<', $log or die "$log: $!\n";
    local $/;
    my $text = <$fh>;
    # Only logs of a served httpd (the command line names -X).
    next unless $text =~ /^==\d+== Command: .* -X /m;
    $summary_errors += $1 while $text =~ /ERROR SUMMARY: (\d+) errors/g;
    while ($text =~ /definitely lost: ([\d,]+) bytes/g) {
        (my $n = $1) =~ tr/,//d;
        $definite += $n;
    }
    # A record: lines starting "==PID== " up to a blank "==PID== " line.
    for my $rec (split /^==\d+== \n/m, $text) {
        next unless $rec =~ /^==\d+== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and destination|Argument|[\d,]+ (?:\([\d,]+ direct, [\d,]+ indirect\) )?bytes in [\d,]+ blocks are definitely)/m;
        $records++;
        if ($rec =~ /mod_cors\.c|cors_(?:token|list|origin|policy)\.c|\bcors_\w+ \(/) {
            $ours++;
            print "valgrind: record with a mod_cors frame in $log:\n$rec\n";
        }
    }
    $errors++;
}
print "valgrind: $errors httpd -X log(s), ERROR SUMMARY total $summary_errors, "
    . "$records error/definite-leak record(s), $ours in mod_cors frames, "
    . "definitely lost $definite bytes\n";
exit($errors == 0 || $ours ? 1 : 0);
