/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Origin-set fixtures for the unit tests, and their regexes: POSIX ERE, case-insensitive, anchored at both
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

/*
 * An origin set from a compact spec: "P:" (a plain section) or "E:" (an
 * editing one), then space-separated items: origins as CORSAllowOrigin takes
 * them ('+'/'-' in edit sections) and "re:REGEX" for CORSAllowOriginMatch.
 * "-" stands for no section (NULL).  A bad item counts as a failure.
 */
static cors_origins *origin_section(apr_pool_t *p, const char *spec)
{
    cors_origins *o;
    char *copy, *tok, *state = NULL;
    int edit;

    if (strcmp(spec, "-") == 0) {
        return NULL;
    }
    edit = spec[0] == 'E';
    o = cors_origins_make(p, edit, NULL, posix_match);
    copy = apr_pstrdup(p, spec + 2);
    for (tok = apr_strtok(copy, " ", &state); tok;
         tok = apr_strtok(NULL, " ", &state)) {
        cors_origin origin;
        const char *err;
        int remove = 0;

        if (strncmp(tok, "re:", 3) == 0) {
            add_regex(p, o, tok + 3);
            continue;
        }
        if (edit) {
            remove = tok[0] == '-';
            tok++;
        }
        err = cors_origin_parse_config(p, tok, &origin);
        if (err) {
            fprintf(stderr, "section %s: '%s' is not an origin: %s\n", spec,
                    tok, err);
            unit_failed++;
            continue;
        }
        cors_origins_add(p, o, &origin, remove);
    }
    return o;
}

#endif /* CORS_UNIT_POSIX_REGEX_H */
