/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_token: the token helpers and the Access-Control-Request-Headers
 * splitter, on any bytes.
 *
 * Invariants beyond "no crash":
 * - cors_is_token of a string agrees with cors_is_token of its bytes;
 * - cors_quote's output is printable ASCII without '\', at most four bytes
 *   per input byte for the first CORS_QUOTE_MAX bytes plus "...";
 * - a split that succeeds yields one lowercase token per comma-separated
 *   item (so as many names as commas plus one, or none for a blank value),
 *   its joined form is those names joined with ", ", and that gives back the
 *   value, lowercase, without whitespace;
 * - a split that fails says why.
 */

#include "cors_string.h"
#include "cors_token.h"
#include "fuzz.h"

#include "apr_lib.h"

static void check_quote(apr_pool_t *p, const char *s)
{
    const char *q = cors_quote(p, s);
    size_t len = strlen(s), qlen = strlen(q), i;

    FUZZ_CHECK(qlen <= (len > CORS_QUOTE_MAX ? CORS_QUOTE_MAX : len) * 4 + 3);
    for (i = 0; i < qlen; i++) {
        unsigned char c = (unsigned char)q[i];
        FUZZ_CHECK(c >= 0x20 && c <= 0x7e);
        if (c == '\\') {
            FUZZ_CHECK(q[i + 1] == 'x');
        }
    }
    if (len > CORS_QUOTE_MAX) {
        FUZZ_CHECK(qlen >= 3 && strcmp(q + qlen - 3, "...") == 0);
    }
}

/* The value with SP/HTAB removed and lowercased: what joining the names
 * with "," must give back. */
static char *squeeze(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (*s != ' ' && *s != '\t') {
            *o++ = (char)apr_tolower((unsigned char)*s);
        }
    }
    *o = '\0';
    return out;
}

static void check_split(apr_pool_t *p, const char *s)
{
    apr_array_header_t *names = NULL;
    const char *joined = NULL;
    const char *err = cors_split_header_names(p, s, &names, &joined);
    size_t commas = 0;
    const char *c;
    int i;

    FUZZ_CHECK(names != NULL);
    if (err) {
        FUZZ_CHECK(*err != '\0');
        return;
    }
    for (c = s; *c; c++) {
        commas += (*c == ',');
    }
    if (names->nelts == 0) {
        FUZZ_CHECK(strspn(s, " \t") == strlen(s));
        return;
    }
    FUZZ_CHECK((size_t)names->nelts == commas + 1);
    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);
        size_t j, len = strlen(n);
        FUZZ_CHECK(cors_is_token(n, len));
        for (j = 0; j < len; j++) {
            FUZZ_CHECK(!apr_isupper((unsigned char)n[j]));
        }
    }
    /* The joined names the splitter returns are the names joined; tokens
     * hold no whitespace, so squeezing them must give the squeezed value. */
    FUZZ_CHECK(joined && strcmp(joined, cors_join(p, names)) == 0);
    FUZZ_CHECK(strcmp(squeeze(p, joined), squeeze(p, s)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *s = fuzz_string(p, data, size);
    size_t i, len = strlen(s);
    int all = 1;

    for (i = 0; i < len; i++) {
        all = all && cors_is_token(s + i, 1);
    }
    FUZZ_CHECK(cors_is_token(s, len) == (len > 0 && all));
    FUZZ_CHECK(strlen(cors_lowercase(p, s, len)) == len);
    check_quote(p, s);
    check_split(p, s);
    apr_pool_destroy(p);
    return 0;
}
