/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Regexes for the unit tests: POSIX ERE, case-insensitive, anchored at both
 * ends as the module anchors its PCRE ones, behind the policy layer's
 * cors_regex_match_fn.  Counts calls, and calls that were given "null"
 * (which no regex may ever see).
 */

#ifndef CORS_UNIT_POSIX_REGEX_H
#define CORS_UNIT_POSIX_REGEX_H

#include "cors_origin.h"

#include "apr_strings.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

static int regex_calls;    /* calls of the match function */
static int regex_saw_null; /* of which with "null" */

static int posix_match(const void *compiled, const char *s, apr_size_t len)
{
    char buf[1024];

    regex_calls++;
    if (len >= sizeof(buf)) {
        return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (strcmp(buf, "null") == 0) {
        regex_saw_null++;
    }
    return regexec((const regex_t *)compiled, buf, 0, NULL, 0) == 0;
}

static apr_status_t regex_cleanup(void *re)
{
    regfree((regex_t *)re);
    return APR_SUCCESS;
}

/* Compile re anchored and add it to o (the policy layer notes canaries);
 * counts a failure in unit_failed when re does not compile. */
static void add_regex(apr_pool_t *p, cors_origins *o, const char *re)
{
    regex_t *compiled = apr_pcalloc(p, sizeof(*compiled));
    char *anchored = apr_pstrcat(p, "^(", re, ")$", NULL);

    if (regcomp(compiled, anchored, REG_EXTENDED | REG_ICASE | REG_NOSUB)
        != 0) {
        fprintf(stderr, "regcomp failed: %s\n", anchored);
        unit_failed++;
        return;
    }
    apr_pool_cleanup_register(p, compiled, regex_cleanup,
                              apr_pool_cleanup_null);
    cors_origins_add_regex(p, o, compiled, re);
}

#endif /* CORS_UNIT_POSIX_REGEX_H */
