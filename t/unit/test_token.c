/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_token: tokens and the Access-Control-Request-Headers
 * splitter (docs/mod_cors.md, "Tokens" and "Preflights").
 */

#include "cors_string.h"
#include "cors_token.h"
#include "unit.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* cors_is_token                                                        */

struct token_case {
    const char *in;
    apr_size_t len; /* 0 with in != "": use strlen */
    int want;
};

static const struct token_case token_cases[] = {
    /* every tchar class */
    {"!", 0, 1},
    {"#", 0, 1},
    {"$", 0, 1},
    {"%", 0, 1},
    {"&", 0, 1},
    {"'", 0, 1},
    {"*", 0, 1},
    {"+", 0, 1},
    {"-", 0, 1},
    {".", 0, 1},
    {"^", 0, 1},
    {"_", 0, 1},
    {"`", 0, 1},
    {"|", 0, 1},
    {"~", 0, 1},
    {"0", 0, 1},
    {"9", 0, 1},
    {"a", 0, 1},
    {"z", 0, 1},
    {"A", 0, 1},
    {"Z", 0, 1},
    {"GET", 0, 1},
    {"X-Custom-Header", 0, 1},
    {"M-SEARCH", 0, 1},
    {"content-type", 0, 1},
    /* separators and other non-tchar bytes */
    {" ", 0, 0},
    {"\t", 0, 0},
    {"(", 0, 0},
    {")", 0, 0},
    {",", 0, 0},
    {"/", 0, 0},
    {":", 0, 0},
    {";", 0, 0},
    {"<", 0, 0},
    {"=", 0, 0},
    {">", 0, 0},
    {"?", 0, 0},
    {"@", 0, 0},
    {"[", 0, 0},
    {"\\", 0, 0},
    {"]", 0, 0},
    {"{", 0, 0},
    {"}", 0, 0},
    {"\"", 0, 0},
    {"\x7f", 0, 0},
    {"\x80", 0, 0},
    {"\xff", 0, 0},
    {"\x01", 0, 0},
    {"x y", 0, 0},
    {"GET,", 0, 0},
    {"a:b", 0, 0},
    {"caf\xc3\xa9", 0, 0},
    /* empty */
    {"", 0, 0},
    /* len counts: only the prefix is judged */
    {"GET PUT", 3, 1},
    {"GET PUT", 4, 0},
};

static void test_is_token(void)
{
    apr_size_t i;
    int c, n_tchar = 0;

    for (i = 0; i < UNIT_COUNT(token_cases); i++) {
        const struct token_case *t = &token_cases[i];
        apr_size_t len = t->len ? t->len : strlen(t->in);
        UNIT_ROW("cors_is_token row %lu", (unsigned long)i);
        CHECK_INT(cors_is_token(t->in, len) != 0, t->want);
    }

    /* Each of the 256 bytes alone is a token exactly when RFC 9110 calls
     * it a tchar. */
    UNIT_ROW("cors_is_token 0..255");
    for (c = 0; c < 256; c++) {
        int want = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
                   || (c >= 'A' && c <= 'Z')
                   || (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
        char b = (char)c;
        if ((cors_is_token(&b, 1) != 0) != want) {
            UNIT_ROW("cors_is_token(0x%02x)", c);
            CHECK_INT(cors_is_token(&b, 1) != 0, want);
        }
        n_tchar += want;
    }
    UNIT_ROW("tchar count");
    CHECK_INT(n_tchar, 15 + 10 + 26 + 26);
}

/* ------------------------------------------------------------------ */
/* cors_split_header_names                                              */

struct split_case {
    const char *in;
    const char *err; /* expected reason, NULL for success */
    int n;           /* expected count on success */
    const char *names[4];
};

#define EMPTY_ITEM "Access-Control-Request-Headers has an empty item"

static const struct split_case split_cases[] = {
    {"", NULL, 0, {NULL}},
    {"  ", NULL, 0, {NULL}},
    {"\t \t", NULL, 0, {NULL}},
    {"X-A, x-b,X-C", NULL, 3, {"x-a", "x-b", "x-c"}},
    {"content-type", NULL, 1, {"content-type"}},
    {"  Content-Type  ", NULL, 1, {"content-type"}},
    {"\tx-a\t,\tx-b\t", NULL, 2, {"x-a", "x-b"}},
    {" a ,  b\t,\tc ", NULL, 3, {"a", "b", "c"}},
    {"Authorization,X-Requested-With",
     NULL,
     2,
     {"authorization", "x-requested-with"}},
    {"a,a", NULL, 2, {"a", "a"}},
    {"a,,b", EMPTY_ITEM, 0, {NULL}},
    {"a,", EMPTY_ITEM, 0, {NULL}},
    {",a", EMPTY_ITEM, 0, {NULL}},
    {",", EMPTY_ITEM, 0, {NULL}},
    {"a, ,b", EMPTY_ITEM, 0, {NULL}},
    {"a,\t", EMPTY_ITEM, 0, {NULL}},
    {"x y",
     "Access-Control-Request-Headers item 'x y' is not a header name",
     0,
     {NULL}},
    {"a, b:c",
     "Access-Control-Request-Headers item 'b:c' is not a header name",
     0,
     {NULL}},
    {"x-a, x\x01y",
     "Access-Control-Request-Headers item 'x\\x01y' is not a header name",
     0,
     {NULL}},
    {"x-a;x-b",
     "Access-Control-Request-Headers item 'x-a;x-b' is not a header name",
     0,
     {NULL}},
    {"\"x-a\"",
     "Access-Control-Request-Headers item '\"x-a\"' is not a header name",
     0,
     {NULL}},
};

static void test_split(apr_pool_t *p)
{
    apr_size_t i;
    int k;

    for (i = 0; i < UNIT_COUNT(split_cases); i++) {
        const struct split_case *t = &split_cases[i];
        apr_array_header_t *names = NULL;
        const char *joined = NULL;
        const char *err = cors_split_header_names(p, t->in, &names, &joined);

        UNIT_ROW("cors_split_header_names(\"%s\")", t->in);
        CHECK_STR(err, t->err);
        if (t->err) {
            continue;
        }
        if (!CHECK_NOT_NULL(names)) {
            continue;
        }
        if (!CHECK_INT(names->nelts, t->n)) {
            continue;
        }
        for (k = 0; k < t->n; k++) {
            CHECK_STR(APR_ARRAY_IDX(names, k, const char *), t->names[k]);
        }
        /* the joined form is what Access-Control-Allow-Headers echoes */
        CHECK_STR(joined, cors_join(p, names));
    }
}

/* 10,000 names: all split, all lowercase, in order. */
static void test_split_many(apr_pool_t *p)
{
    enum { N = 10000 };
    char *buf = apr_palloc(p, (apr_size_t)N * 16), *o = buf;
    apr_array_header_t *names = NULL;
    const char *err;
    int k, bad = 0;

    for (k = 0; k < N; k++) {
        o += sprintf(o, "%sX-Name-%d", k ? ", " : "", k);
    }
    err = cors_split_header_names(p, buf, &names, NULL);
    UNIT_ROW("10,000 names");
    CHECK_NULL(err);
    if (!CHECK_NOT_NULL(names) || !CHECK_INT(names->nelts, N)) {
        return;
    }
    for (k = 0; k < N; k++) {
        char want[32];
        snprintf(want, sizeof(want), "x-name-%d", k);
        if (strcmp(APR_ARRAY_IDX(names, k, const char *), want) != 0) {
            UNIT_ROW("10,000 names, item %d", k);
            CHECK_STR(APR_ARRAY_IDX(names, k, const char *), want);
            bad++;
            if (bad > 5) {
                break;
            }
        }
    }
    UNIT_ROW("10,000 names");
    CHECK_INT(bad, 0);
    /* and the join of them round-trips */
    CHECK_INT(strlen(cors_join(p, names)), strlen(buf));
    CHECK_STR(cors_join(p, names), cors_lowercase(p, buf, strlen(buf)));
}

int main(void)
{
    apr_pool_t *p;

    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        fprintf(stderr, "apr init failed\n");
        return 2;
    }
    test_is_token();
    test_split(p);
    test_split_many(p);
    apr_pool_destroy(p);
    apr_terminate();
    return unit_done("test_token");
}
