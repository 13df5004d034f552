/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_json: JSON string literals of untrusted text (the
 * explain page's answer, docs/mod_cors.md, "The explain page").
 */

#include "cors_json.h"
#include "unit.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <stdlib.h>

struct json_case {
    const char *in;
    const char *want;
};

static const struct json_case json_cases[] = {
    {"", "\"\""},
    {"https://app.example.com", "\"https://app.example.com\""},
    {"a\"b", "\"a\\\"b\""},
    {"a\\b", "\"a\\\\b\""},
    {"line\nbreak\r\ttab", "\"line\\nbreak\\r\\ttab\""},
    {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
    {"</script><b>&amp;",
     "\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026amp;\""},
    {"caf\xc3\xa9", "\"caf\xc3\xa9\""},           /* 2-byte UTF-8 */
    {"\xe2\x82\xac", "\"\xe2\x82\xac\""},         /* euro sign */
    {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""}, /* U+1F600 */
    {"\xff", "\"\xef\xbf\xbd\""},                 /* not UTF-8 */
    {"\xc3", "\"\xef\xbf\xbd\""},                 /* truncated */
    {"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""}, /* overlong '/' */
    {"\xed\xa0\x80",
     "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* surrogate */
    {"\xf4\x90\x80\x80",
     "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
    {"a\xe2\x82z", "\"a\xef\xbf\xbd\xef\xbf\xbdz\""}, /* cut short */
    {"'single'", "\"'single'\""},
    {"/", "\"/\""},
};

static void test_cases(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(json_cases); i++) {
        UNIT_ROW("cors_json_str case %lu", (unsigned long)i);
        CHECK_STR(cors_json_str(p, json_cases[i].in), json_cases[i].want);
    }
    UNIT_ROW("NULL");
    CHECK_STR(cors_json_str(p, NULL), "null");
}

/* Every single byte and every two-byte string: the output is quoted, has no
 * raw control character, quote or backslash that is not an escape, and no
 * '<', '>' or '&'. */
static void test_all_bytes(apr_pool_t *p)
{
    int a, b, bad = 0;
    char in[3];

    for (a = 1; a < 256; a++) {
        for (b = 0; b < 256; b++) {
            const char *out, *c;
            in[0] = (char)a;
            in[1] = (char)b;
            in[2] = '\0';
            out = cors_json_str(p, in);
            if (out[0] != '"' || out[strlen(out) - 1] != '"') {
                bad++;
                continue;
            }
            for (c = out + 1; c[1]; c++) {
                unsigned char ch = (unsigned char)*c;
                if (ch < 0x20 || ch == 0x7f || ch == '<' || ch == '>'
                    || ch == '&' || ch == '"') {
                    bad++;
                    break;
                }
                if (ch == '\\') {
                    c++; /* the escaped character */
                    if (!strchr("\"\\nrtu", *c)) {
                        bad++;
                        break;
                    }
                }
            }
        }
    }
    UNIT_ROW("every byte pair");
    CHECK_INT(bad, 0);
}

int main(void)
{
    apr_pool_t *p;

    apr_initialize();
    atexit(apr_terminate);
    apr_pool_create(&p, NULL);

    test_cases(p);
    test_all_bytes(p);
    return unit_done("test_json");
}
