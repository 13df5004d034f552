/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Fixtures for the unit tests: lists and origin sets from compact specs,
 * and their regexes: POSIX ERE, case-insensitive, anchored at both
 * ends as the module anchors its PCRE ones, behind the policy layer's
 * cors_regex_match_fn.  Counts calls, and calls that were given "null"
 * (which no regex may ever see).
 */

#ifndef CORS_UNIT_FIXTURES_H
#define CORS_UNIT_FIXTURES_H

#include "cors_list.h"
#include "cors_origin_set.h"

#include "apr_strings.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

static int regex_calls;    /* calls of the match function */
static int regex_saw_null; /* of which with "null" */

static APR_INLINE int posix_match(const void *compiled, const char *s,
                                  apr_size_t len)
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

static APR_INLINE apr_status_t regex_cleanup(void *re)
{
    regfree((regex_t *)re);
    return APR_SUCCESS;
}

/* Compile re anchored and add it to o (the policy layer notes canaries);
 * counts a failure in unit_failed when re does not compile. */
static APR_INLINE void add_regex(apr_pool_t *p, cors_origins *o, const char *re)
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
 * A list from a compact spec: "P:" (a plain section), "E:" (an editing one,
 * over the empty default) or "ED:" (an editing one over edit_base, the
 * default the module would give it), then space-separated items; edits are
 * "+X", "-X", "+*" and "-*".  "-" stands for no section (NULL).
 */
static APR_INLINE cors_list *list_section_over(apr_pool_t *p, const char *spec,
                                               const cors_list *edit_base)
{
    cors_list *l;
    char *copy, *tok, *state = NULL;
    int edit;

    if (strcmp(spec, "-") == 0) {
        return NULL;
    }
    if (strncmp(spec, "P:", 2) == 0) {
        l = cors_list_make(p, 0, NULL);
        edit = 0;
        spec += 2;
    }
    else if (strncmp(spec, "ED:", 3) == 0) {
        l = cors_list_make(p, 1, edit_base);
        edit = 1;
        spec += 3;
    }
    else if (strncmp(spec, "E:", 2) == 0) {
        l = cors_list_make(p, 1, NULL);
        edit = 1;
        spec += 2;
    }
    else {
        fprintf(stderr, "bad section spec %s\n", spec);
        unit_failed++;
        return NULL;
    }
    copy = apr_pstrdup(p, spec);
    for (tok = apr_strtok(copy, " ", &state); tok;
         tok = apr_strtok(NULL, " ", &state)) {
        if (!edit) {
            if (strcmp(tok, "*") == 0) {
                cors_list_set_star(l, 1);
            }
            else {
                cors_list_add(l, tok);
            }
        }
        else if (strcmp(tok, "+*") == 0 || strcmp(tok, "-*") == 0) {
            cors_list_set_star(l, tok[0] == '+');
        }
        else if (tok[0] == '+') {
            cors_list_add(l, tok + 1);
        }
        else if (tok[0] == '-') {
            cors_list_remove(l, tok + 1);
        }
        else {
            fprintf(stderr, "bad edit item %s\n", tok);
            unit_failed++;
        }
    }
    return l;
}

/*
 * An origin set from a compact spec: "P:" (a plain section) or "E:" (an
 * editing one), then space-separated items: origins as CORSAllowOrigin takes
 * them ('+'/'-' in edit sections) and "re:REGEX" for CORSAllowOriginMatch.
 * "-" stands for no section (NULL).  A bad item counts as a failure.
 */
static APR_INLINE cors_origins *origin_section(apr_pool_t *p, const char *spec)
{
    cors_origins *o;
    char *copy, *tok, *state = NULL;
    int edit;

    if (strcmp(spec, "-") == 0) {
        return NULL;
    }
    edit = spec[0] == 'E';
    o = cors_origins_make(p, edit, posix_match);
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

#endif /* CORS_UNIT_FIXTURES_H */
