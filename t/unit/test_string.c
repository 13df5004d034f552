/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_string: ASCII lowercase, the quoting of untrusted
 * values for messages, and joining.
 */

#include "cors_string.h"
#include "unit.h"

#include "apr_general.h"
#include "apr_strings.h"

/* ------------------------------------------------------------------ */
/* cors_ascii_lower                                                     */

/* Only 'A'..'Z' change, whatever the locale thinks of the other bytes. */
static void test_ascii_lower(void)
{
    int c;

    UNIT_ROW("cors_ascii_lower 0..255");
    for (c = 0; c < 256; c++) {
        char want = (char)((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
        if (cors_ascii_lower((char)c) != want) {
            UNIT_ROW("cors_ascii_lower(0x%02x)", c);
            CHECK_INT((unsigned char)cors_ascii_lower((char)c),
                      (unsigned char)want);
        }
    }
    CHECK_INT(cors_ascii_lower('Z'), 'z');
}

/* ------------------------------------------------------------------ */
/* cors_lowercase                                                       */

struct lower_case {
    const char *in;
    apr_size_t len;
    const char *want;
};

static const struct lower_case lower_cases[] = {
    {"X-Custom", 8, "x-custom"},
    {"ABC-def", 3, "abc"},
    {"already", 7, "already"},
    {"", 0, ""},
    {"MiXeD_123~", 10, "mixed_123~"},
    {"HTTPS://A.Example.COM", 21, "https://a.example.com"},
};

static void test_lowercase(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(lower_cases); i++) {
        UNIT_ROW("cors_lowercase(\"%s\", %lu)", lower_cases[i].in,
                 (unsigned long)lower_cases[i].len);
        CHECK_STR(cors_lowercase(p, lower_cases[i].in, lower_cases[i].len),
                  lower_cases[i].want);
    }
}

/* ------------------------------------------------------------------ */
/* cors_quote                                                           */

struct quote_case {
    const char *in;
    const char *want;
};

static const struct quote_case quote_cases[] = {
    {"", ""},
    {"plain", "plain"},
    {"with space", "with space"},
    {"a\tb", "a\\x09b"},
    {"cr\r\nlf", "cr\\x0d\\x0alf"},
    {"\x01", "\\x01"},
    {"\x1f", "\\x1f"},
    {"del\x7f", "del\\x7f"},
    {"\x80\xff", "\\x80\\xff"},
    {"back\\slash", "back\\x5cslash"},
    {"'quote'", "'quote'"},
    {"~!", "~!"},
};

static void test_quote(apr_pool_t *p)
{
    apr_size_t i;
    char *buf, *want;

    for (i = 0; i < UNIT_COUNT(quote_cases); i++) {
        UNIT_ROW("cors_quote row %lu", (unsigned long)i);
        CHECK_STR(cors_quote(p, quote_cases[i].in), quote_cases[i].want);
    }

    /* Exactly CORS_QUOTE_MAX bytes: kept whole, no "...". */
    buf = apr_palloc(p, CORS_QUOTE_MAX + 2);
    memset(buf, 'a', CORS_QUOTE_MAX);
    buf[CORS_QUOTE_MAX] = '\0';
    UNIT_ROW("cors_quote %d bytes", CORS_QUOTE_MAX);
    CHECK_STR(cors_quote(p, buf), buf);

    /* One more: cut after CORS_QUOTE_MAX input bytes, then "...". */
    buf[CORS_QUOTE_MAX] = 'b';
    buf[CORS_QUOTE_MAX + 1] = '\0';
    want = apr_pstrcat(p, apr_pstrndup(p, buf, CORS_QUOTE_MAX), "...", NULL);
    UNIT_ROW("cors_quote %d bytes", CORS_QUOTE_MAX + 1);
    CHECK_STR(cors_quote(p, buf), want);

    /* Control bytes near the cut: every kept byte escaped, count is of
     * input bytes. */
    buf = apr_palloc(p, 1001);
    memset(buf, '\x01', 1000);
    buf[1000] = '\0';
    {
        char *w = apr_palloc(p, CORS_QUOTE_MAX * 4 + 4), *o = w;
        int k;
        for (k = 0; k < CORS_QUOTE_MAX; k++) {
            memcpy(o, "\\x01", 4);
            o += 4;
        }
        memcpy(o, "...", 4);
        UNIT_ROW("cors_quote 1000 control bytes");
        CHECK_STR(cors_quote(p, buf), w);
    }
}

/* ------------------------------------------------------------------ */
/* cors_join                                                            */

struct join_case {
    int n;
    const char *items[4];
    const char *want;
};

static const struct join_case join_cases[] = {
    {0, {NULL}, ""},
    {1, {"GET"}, "GET"},
    {2, {"GET", "PUT"}, "GET, PUT"},
    {3, {"x-a", "x-b", "x-c"}, "x-a, x-b, x-c"},
    {2, {"", "a"}, ", a"},
};

static void test_join(apr_pool_t *p)
{
    apr_size_t i;
    int k;

    for (i = 0; i < UNIT_COUNT(join_cases); i++) {
        apr_array_header_t *a = apr_array_make(p, 1, sizeof(const char *));
        for (k = 0; k < join_cases[i].n; k++) {
            APR_ARRAY_PUSH(a, const char *) = join_cases[i].items[k];
        }
        UNIT_ROW("cors_join row %lu", (unsigned long)i);
        CHECK_STR(cors_join(p, a), join_cases[i].want);
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
    test_ascii_lower();
    test_lowercase(p);
    test_quote(p);
    test_join(p);
    apr_pool_destroy(p);
    apr_terminate();
    return unit_done("test_string");
}
