/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_vary: whether a Vary value lists a token, and which
 * of the module's tokens a response's Vary lines lack (docs/mod_cors.md,
 * "What a request gets", "Vary").
 */

#include "cors_vary.h"
#include "unit.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* cors_vary_lists                                                      */

struct lists_case {
    const char *value;
    const char *token;
    int want;
};

static const struct lists_case lists_cases[] = {
    {"Origin", "Origin", 1},
    {"origin", "Origin", 1}, /* case-insensitive */
    {"ORIGIN", "origin", 1},
    {"Accept-Encoding, Origin", "Origin", 1},
    {"Accept-Encoding,Origin", "Origin", 1},
    {"  Origin  ,", "Origin", 1},
    {"Accept\tOrigin", "Origin", 1}, /* whitespace separates too */
    {",,Origin,,", "Origin", 1},
    {"*", "Origin", 1}, /* '*' varies on everything */
    {"Accept, *", "Access-Control-Request-Method", 1},
    {"", "Origin", 0},
    {"Accept-Encoding", "Origin", 0},
    {"Origins", "Origin", 0}, /* whole items only */
    {"X-Origin", "Origin", 0},
    {"Orig", "Origin", 0},
    {"**", "Origin", 0}, /* only a lone '*' */
    {"Origin-Agent-Cluster", "Origin", 0},
};

static void test_lists(void)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(lists_cases); i++) {
        const struct lists_case *c = &lists_cases[i];
        UNIT_ROW("cors_vary_lists(\"%s\", \"%s\")", c->value, c->token);
        CHECK_INT(cors_vary_lists(c->value, c->token, strlen(c->token)) != 0,
                  c->want);
    }
    /* The token is s[0..len), not up to its NUL: the module passes items
     * of its own list in place. */
    UNIT_ROW("cors_vary_lists with a length");
    CHECK_INT(cors_vary_lists("Origin", "Origin, Accept", 6), 1);
    CHECK_INT(cors_vary_lists("Accept", "Origin, Accept", 6), 0);
}

/* ------------------------------------------------------------------ */
/* cors_vary_missing                                                    */

struct missing_case {
    const char *values[3];
    int n;
    const char *tokens;
    const char *want; /* the missing tokens joined with '|' */
};

static const struct missing_case missing_cases[] = {
    {{NULL}, 0, "Origin", "Origin"},
    {{NULL},
     0,
     "Origin, Access-Control-Request-Method",
     "Origin|Access-Control-Request-Method"},
    {{"Accept-Encoding"}, 1, "Origin", "Origin"},
    {{"origin"}, 1, "Origin", ""},
    {{"Accept-Encoding, Origin"},
     1,
     "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
     "Access-Control-Request-Method|Access-Control-Request-Headers"},
    /* across several lines, of either table */
    {{"Accept-Encoding", "Access-Control-Request-Method", "Origin"},
     3,
     "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
     "Access-Control-Request-Headers"},
    {{"*"}, 1, "Origin, Access-Control-Request-Method", ""},
    /* n bounds the lines read: with n == 0 none is */
    {{"Origin"}, 0, "Origin", "Origin"},
    {{"Accept"}, 1, "Origin,Accept", "Origin"},
};

static void test_missing(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(missing_cases); i++) {
        const struct missing_case *c = &missing_cases[i];
        apr_array_header_t *m =
            cors_vary_missing(p, c->values, c->n, c->tokens);
        const char *got = "";
        int k;

        for (k = 0; k < m->nelts; k++) {
            got = apr_pstrcat(p, got, k ? "|" : "",
                              APR_ARRAY_IDX(m, k, const char *), NULL);
        }
        UNIT_ROW("cors_vary_missing row %lu (\"%s\")", (unsigned long)i,
                 c->tokens);
        CHECK_STR(got, c->want);
    }
}

int main(void)
{
    apr_pool_t *p;

    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        fprintf(stderr, "apr init failed\n");
        return 2;
    }
    test_lists();
    test_missing(p);
    apr_pool_destroy(p);
    apr_terminate();
    return unit_done("test_vary");
}
