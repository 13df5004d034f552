# interop: mod_cors with the rest of httpd (auth, proxy, cache, deflate,
# HTTP/2, .htaccess, error documents...).  Its test files run in the main
# Apache::Test suite (t/run globs t/*.t); this fragment adds the
# MPM runs: the same module under the MPMs the main run does not use
# (Debian enables event, so: worker and prefork), each over a
# representative subset that takes a few seconds.

# (mpm.t runs concurrent clients over preflights, actual requests, the
# cache and the proxy; the rest cover auth, errors, cache and h2c;
# maps_dbd.t the database maps, whose answers each process keeps.  maps.t
# runs its reloads under load under each MPM itself.)
INTEROP_MPM_TESTS = t/auth.t t/errors.t t/cache.t \
                    t/http2.t t/mpm.t t/maps_dbd.t

# The MPM the main run inherits from /etc/apache2 (empty if none found).
INTEROP_DEFAULT_MPM = $(patsubst mpm_%.load,%,$(notdir $(wildcard /etc/apache2/mods-enabled/mpm_*.load)))
INTEROP_MPMS ?= $(filter-out $(INTEROP_DEFAULT_MPM),event worker prefork)

.PHONY: interop-mpm

interop-mpm: .libs/mod_cors.so
	@set -e; for mpm in $(INTEROP_MPMS); do \
	    echo "interop-mpm: $$mpm MPM"; \
	    CORS_TEST_MPM=$$mpm APXS=$(APXS) HTTPD=$(HTTPD) t/run $(INTEROP_MPM_TESTS); \
	done

TEST_TARGETS += interop-mpm
