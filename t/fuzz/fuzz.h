/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz.h: what every fuzz target of the policy layer shares.
 *
 * A target defines LLVMFuzzerTestOneInput().  It is linked two ways: with
 * clang's libFuzzer (-fsanitize=fuzzer,address,undefined) by `make fuzz`,
 * and with t/fuzz/replay.c, a plain main() that feeds it every corpus file,
 * by `make test` (gcc, no fuzzer runtime).  A broken invariant calls
 * FUZZ_CHECK's abort(), which both report as a failure with the input.
 */

#ifndef CORS_FUZZ_H
#define CORS_FUZZ_H

#include "cors_origin_check.h"

#include "apr_general.h"
#include "apr_pools.h"
#include "apr_strings.h"

#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the module broke: say which and abort, so that libFuzzer
 * keeps the input as a crash and the replay driver fails. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* One pool per input, cleared after it: everything the policy layer
 * allocates lives there, as it lives in a request pool in httpd. */
static apr_pool_t *fuzz_pool_root;

static inline apr_pool_t *fuzz_pool(void)
{
    apr_pool_t *p;

    if (!fuzz_pool_root) {
        apr_initialize();
        apr_pool_create(&fuzz_pool_root, NULL);
        /* The Public Suffix List, as the module loads it at start-up. */
        cors_origin_init(fuzz_pool_root);
    }
    apr_pool_create(&p, fuzz_pool_root);
    return p;
}

/* The input as a C string: httpd hands the module NUL-terminated header
 * values, so an embedded NUL ends the value there. */
static inline char *fuzz_string(apr_pool_t *p, const uint8_t *data,
                                size_t size)
{
    return apr_pstrmemdup(p, (const char *)data, size);
}

/*
 * Regexes: the module compiles CORSAllowOriginMatch with httpd's ap_regex
 * (PCRE); without httpd the targets use POSIX extended regexes, anchored
 * and case-insensitive like the module's, as t/unit/test_origin.c does.
 */
static inline int fuzz_regex_match(const void *compiled, const char *s,
                                   apr_size_t len)
{
    char buf[1024];

    if (len >= sizeof(buf)) {
        return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    return regexec((const regex_t *)compiled, buf, 0, NULL, 0) == 0;
}

static inline apr_status_t fuzz_regex_free(void *re)
{
    regfree((regex_t *)re);
    return APR_SUCCESS;
}

/* Compile re anchored at both ends, or NULL.  glibc's regcomp and regexec
 * blow up (time and memory) on back-references, repetition counts and
 * runs of stacked quantifiers ("a++++++"), which the module (PCRE, compiled
 * once at start-up from the administrator's configuration) never meets on
 * the request path: such expressions are skipped, not fuzzed. */
static inline regex_t *fuzz_regex_compile(apr_pool_t *p, const char *re)
{
    regex_t *compiled;
    const char *s;
    int quantifiers = 0;

    if (strlen(re) > 32 || strchr(re, '{')) {
        return NULL;
    }
    for (s = re; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '9') {
            return NULL;
        }
        if ((*s == '*' || *s == '+' || *s == '?') && ++quantifiers > 3) {
            return NULL;
        }
    }
    compiled = apr_pcalloc(p, sizeof(*compiled));
    if (regcomp(compiled, apr_pstrcat(p, "^(", re, ")$", NULL),
                REG_EXTENDED | REG_ICASE | REG_NOSUB)
        != 0) {
        return NULL;
    }
    apr_pool_cleanup_register(p, compiled, fuzz_regex_free,
                              apr_pool_cleanup_null);
    return compiled;
}

#endif /* CORS_FUZZ_H */
