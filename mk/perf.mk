# Performance benchmarks (bench/httpd, docs/performance.md).  Not part of
# `make test`: they need valgrind and wrk and take minutes.
#
#   make bench-httpd        instructions per request, the policy-layer table,
#                           then requests/s (bench/httpd/run.sh all)
#   make bench-httpd-ir     instructions per request only
#   make bench-httpd-wrk    requests/s only

.PHONY: bench-httpd bench-httpd-ir bench-httpd-wrk bench-httpd-deps bench-regex

# The floor module: test-only, built beside the benchmark, never installed.
bench/floor/.libs/mod_cors_floor.so: bench/floor/mod_cors_floor.c
	@echo "  APXS  mod_cors_floor.so"
	@$(APXS) -c $(addprefix -Wc$(comma),$(WARNINGS)) \
	    -o bench/floor/mod_cors_floor.la bench/floor/mod_cors_floor.c >/dev/null

bench/httpd/kaclient: bench/httpd/kaclient.c
	$(CC) -O2 $(WARNINGS) -o $@ bench/httpd/kaclient.c

bench-httpd-deps: .libs/mod_cors.so bench/floor/.libs/mod_cors_floor.so \
                  bench/httpd/kaclient bench/cors_bench

bench-httpd: bench-httpd-deps
	APXS=$(APXS) HTTPD=$(HTTPD) bench/httpd/run.sh all

bench-httpd-ir: bench-httpd-deps
	APXS=$(APXS) HTTPD=$(HTTPD) bench/httpd/run.sh ir

bench-httpd-wrk: bench-httpd-deps
	APXS=$(APXS) HTTPD=$(HTTPD) bench/httpd/run.sh wrk

CLEAN_FILES += bench/httpd/kaclient bench/httpd/results bench/floor/.libs \
               bench/floor/*.la bench/floor/*.lo bench/floor/*.slo bench/floor/*.o

# What a regex that backtracks catastrophically costs a request, within
# PCRE's match limits (bench/regex/run.sh, docs/hardening.md).
bench-regex: .libs/mod_cors.so
	APXS=$(APXS) HTTPD=$(HTTPD) bench/regex/run.sh
