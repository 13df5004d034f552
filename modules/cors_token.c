/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_token: tokens and header-name lists (RFC 9110 section 5.6.2).
 */

#include "cors_token.h"
#include "cors_string.h"

#include "apr_lib.h"
#include "apr_strings.h"

#include <string.h>

/*
 * tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 *         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
 * A 256-entry table keeps the request path free of strchr() per byte.
 */
static const unsigned char cors_tchar_table[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
    ['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
    ['`'] = 1, ['|'] = 1, ['~'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
    ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
    ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,
    ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1,
    ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,
    ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1,
    ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,
    ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1,
    ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

int cors_is_token(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len == 0) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!cors_tchar_table[(unsigned char)s[i]]) {
            return 0;
        }
    }
    return 1;
}

const char *cors_split_header_names(apr_pool_t *p, const char *value,
                                    apr_array_header_t **names,
                                    const char **joined)
{
    apr_size_t len = strlen(value);
    /* One allocation for both results: the names, each NUL-terminated,
     * then the ", "-joined list (at most one byte more per name). */
    char *buf = apr_palloc(p, 3 * len + 4);
    char *n = buf, *j = buf + len + 2;
    const char *s = value;
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(const char *));

    *names = out;
    if (joined) {
        *joined = j;
    }
    *j = '\0';

    /* An empty or all-whitespace value means "no names requested". */
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    if (*s == '\0') {
        return NULL;
    }

    for (;;) {
        const char *start, *end;

        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (out->nelts > 0) {
            *j++ = ',';
            *j++ = ' ';
        }
        APR_ARRAY_PUSH(out, const char *) = n;
        /* One pass: check, lowercase and copy to both results. */
        start = s;
        while (cors_tchar_table[(unsigned char)*s]) {
            char c = cors_ascii_lower(*s++);
            *n++ = c;
            *j++ = c;
        }
        end = s;
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (*s != ',' && *s != '\0') {
            /* Not a token: quote the whole item, trimmed. */
            const char *stop = strchr(s, ',');
            stop = stop ? stop : s + strlen(s);
            while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t')) {
                stop--;
            }
            return apr_psprintf(
                p,
                "Access-Control-Request-Headers item '%s' "
                "is not a header name",
                cors_quote(
                    p, apr_pstrmemdup(p, start, (apr_size_t)(stop - start))));
        }
        if (end == start) {
            return "Access-Control-Request-Headers has an empty item";
        }
        *n++ = '\0';
        *j = '\0';
        if (*s == '\0') {
            return NULL;
        }
        s++; /* the comma */
    }
}
