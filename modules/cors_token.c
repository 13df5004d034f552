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
 * A 256-entry table keeps the request path free of strchr() per byte: a
 * tchar maps to itself lowercased, anything else to 0, so one lookup both
 * checks and lowercases a header name.
 */
static const char cors_tchar_lower[256] = {
    ['!'] = '!',   ['#'] = '#', ['$'] = '$', ['%'] = '%', ['&'] = '&',
    ['\''] = '\'', ['*'] = '*', ['+'] = '+', ['-'] = '-', ['.'] = '.',
    ['^'] = '^',   ['_'] = '_', ['`'] = '`', ['|'] = '|', ['~'] = '~',
    ['0'] = '0',   ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5',   ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a',   ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
    ['F'] = 'f',   ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k',   ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
    ['P'] = 'p',   ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u',   ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
    ['Z'] = 'z',   ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e',   ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i',
    ['j'] = 'j',   ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o',   ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's',
    ['t'] = 't',   ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y',   ['z'] = 'z',
};

int cors_is_token(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len == 0) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!cors_tchar_lower[(unsigned char)s[i]]) {
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
        char c;

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
        for (c = cors_tchar_lower[(unsigned char)*s]; c;
             c = cors_tchar_lower[(unsigned char)*++s]) {
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
