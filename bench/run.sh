#!/bin/bash
# The policy-layer microbenchmark: ns (wall clock, best of 5 runs of
# 200,000 decisions) and instructions (valgrind callgrind: the difference
# between 20,000 and 10,000 decisions, divided by 10,000, so start-up and
# configuration cost cancel out) per decision, per scenario.
#
#   bench/run.sh            (or: make bench)
set -eu
cd "$(dirname "$0")/.."
bin=bench/cors_bench
[ -x "$bin" ] || { echo "bench/run.sh: build it first: make bench" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "bench/run.sh: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

ir() { # scenario iterations -> total instructions
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$1" "$2" >/dev/null 2>&1
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out" | head -n 1
    rm -f "$out"
}

printf '%-12s %10s %12s\n' scenario ns/decision Ir/decision
for s in exact-1 exact-100 exact-10000 miss-10000 wild-1 wild-1000 regex \
         pf-exact-1 pf-exact-10000 pf-wild-1000; do
    best=
    for _ in 1 2 3 4 5; do
        ns=$("$bin" "$s" 200000 | awk '{print $2}')
        if [ -z "$best" ] || awk "BEGIN{exit !($ns < $best)}"; then best=$ns; fi
    done
    a=$(ir "$s" 10000); b=$(ir "$s" 20000)
    printf '%-12s %10s %12s\n' "$s" "$best" "$(( (b - a) / 10000 ))"
done
