# The browser layer (t/browser/): headless Chromium, Debian's, runs a
# matrix of fetch() calls against mod_cors in an Apache of its own on
# loopback.  t/browser/run installs chromium when it is missing.
TEST_TARGETS += browser-test
.PHONY: browser-test

browser-test: .libs/mod_cors.so
	HTTPD=$(HTTPD) APXS=$(APXS) t/browser/run

# Not in `make test`: break one directive at a time (scratch copies) and
# require the browser layer to fail for each.
.PHONY: browser-mutants
browser-mutants:
	t/browser/mutants
