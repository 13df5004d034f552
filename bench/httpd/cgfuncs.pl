#!/usr/bin/perl
# cgfuncs.pl CALLGRIND_OUT [OBJECT_REGEX]: per function, its own Ir (self),
# Ir including callees (inclusive) and Ir of its calls out of the object
# (out: into Apache, APR, libc; ap_pass_brigade, the rest of the filter
# chain, is left out), as "self<TAB>inclusive<TAB>out<TAB>object<TAB>
# function" lines, for the functions whose object file matches the regex
# (all when none is given).  Summing self + out over an object's functions
# counts every instruction its code paths cost once.  Reads callgrind's format directly
# (compressed names, relative positions) so that the figures do not depend
# on callgrind_annotate's layout, which changes between valgrind releases.
use strict;
use warnings;

my ($file, $want) = @ARGV;
die "usage: cgfuncs.pl CALLGRIND_OUT [OBJECT_REGEX]\n" unless $file;
open my $in, '<', $file or die "$file: $!\n";

my (%names, %self, %incl, %out);
my ($ob, $fn, $cob, $cfn, $after_call) = ('', '', '', '', 0);

# "(12) name" defines id 12 in a namespace, "(12)" refers to it.
sub name {
    my ($space, $v) = @_;
    if ($v =~ /^\((\d+)\)\s*(.*)$/) {
        $names{$space}{$1} = $2 if length $2;
        return $names{$space}{$1} // "?$1";
    }
    return $v;
}

while (my $l = <$in>) {
    chomp $l;
    if ($l =~ /^ob=(.*)/) { $ob = name('ob', $1); $cob = $ob; next }
    if ($l =~ /^cob=(.*)/) { $cob = name('ob', $1); next }
    # f'2 is callgrind's name for f called recursively: the same function.
    if ($l =~ /^fn=(.*)/) {
        ($fn = "$ob\t" . name('fn', $1)) =~ s/'\d+$//;
        $cob = $ob;
        next;
    }
    if ($l =~ /^cfn=(.*)/) { ($cfn = name('fn', $1)) =~ s/'\d+$//; next }
    if ($l =~ /^(?:fl|fi|fe|cfi|cfl)=(.*)/) { name('fl', $1); next }
    if ($l =~ /^calls=/) { $after_call = 1; next }
    if ($l =~ /^[+\-*0-9]/) {
        my @f = split ' ', $l;
        my $ir = $f[1] // 0;
        if ($after_call) {
            $incl{$fn} += $ir;
            $out{$fn} += $ir
                if defined $want && $cob !~ /$want/ && $cfn ne 'ap_pass_brigade';
            $after_call = 0;
            $cob = $ob;
        }
        else { $self{$fn} += $ir; $incl{$fn} += $ir }
        next;
    }
}
for my $k (sort { $incl{$b} <=> $incl{$a} } keys %incl) {
    my ($o) = split /\t/, $k;
    next if defined $want && $o !~ /$want/;
    printf "%d\t%d\t%d\t%s\n", $self{$k} // 0, $incl{$k}, $out{$k} // 0, $k;
}
