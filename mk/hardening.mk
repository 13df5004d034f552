# Hardening (issue 6): fuzz targets of the policy layer, sanitizer and
# valgrind runs of the Apache::Test suite, coverage, the configuration
# fuzzer and the soak.  docs/hardening.md explains each and records the
# numbers.  Included by Makefile; uses its variables.

FUZZ_TARGETS  = origin token list decide
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS    = -g -O1 -fno-omit-frame-pointer \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_REPLAYS  = $(addprefix t/fuzz/replay_,$(FUZZ_TARGETS))
FUZZ_BINS     = $(addprefix t/fuzz/fuzz_,$(FUZZ_TARGETS))
FUZZ_DEPS     = t/fuzz/fuzz.h $(POLICY_SRCS) $(POLICY_HDRS)

.PHONY: fuzz fuzz-build fuzz-replay fuzz-merge test-asan test-valgrind \
        coverage config-fuzz soak

TEST_TARGETS += fuzz-replay
CLEAN_FILES  += $(FUZZ_REPLAYS) $(FUZZ_BINS) t/fuzz/work t/fuzz/findings \
                t/fuzz/*.log .asan .cov coverage t/conf/hostile-*.conf

# `make test`: every corpus file through every target, built with the system
# compiler and a plain main (t/fuzz/replay.c): no clang, no fuzzer runtime.
t/fuzz/replay_%: t/fuzz/fuzz_%.c t/fuzz/replay.c $(FUZZ_DEPS)
	$(CC) -g -O1 $(WARNINGS) $(EXTRA_CFLAGS) $(APR_CFLAGS) $(PSL_CFLAGS) \
	    -I modules -I t/fuzz -o $@ $< t/fuzz/replay.c $(POLICY_SRCS) \
	    $(APR_LIBS) $(PSL_LIBS)

fuzz-replay: $(FUZZ_REPLAYS)
	@for t in $(FUZZ_TARGETS); do \
	    t/fuzz/replay_$$t t/fuzz/corpus/$$t || exit 1; \
	done

# `make fuzz FUZZ_SECONDS=N`: each libFuzzer target for N seconds, one at a
# time (a single job), new inputs in t/fuzz/work/, findings in
# t/fuzz/findings/; libFuzzer's non-zero exit on a finding fails the target.
t/fuzz/fuzz_%: t/fuzz/fuzz_%.c $(FUZZ_DEPS)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(APR_CFLAGS) $(PSL_CFLAGS) -I modules \
	    -I t/fuzz -o $@ $< $(POLICY_SRCS) $(APR_LIBS) $(PSL_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@mkdir -p t/fuzz/findings
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p t/fuzz/work/$$t; \
	    echo "fuzz $$t: $(FUZZ_SECONDS) s"; \
	    t/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	        -dict=t/fuzz/cors.dict \
	        -artifact_prefix=t/fuzz/findings/$$t- \
	        t/fuzz/work/$$t t/fuzz/corpus/$$t \
	        >t/fuzz/$$t.log 2>&1 \
	    || { tail -n 40 t/fuzz/$$t.log; echo "fuzz $$t: FINDING"; exit 1; }; \
	    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' \
	        t/fuzz/$$t.log | tail -n 2; \
	done

# Fold what the fuzzers found into the seed corpora: only inputs that add
# coverage are kept (libFuzzer's merge).
fuzz-merge: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	    t/fuzz/fuzz_$$t -merge=1 -max_len=4096 t/fuzz/corpus/$$t \
	        t/fuzz/work/$$t 2>&1 | tail -n 1; \
	done
