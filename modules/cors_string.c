/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_string: the string helpers the policy layer shares.
 */

#include "cors_string.h"

#include <string.h>

char *cors_lower_into(char *dst, const char *src, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i < n; i++) {
        dst[i] = cors_ascii_lower(src[i]);
    }
    dst[n] = '\0';
    return dst + n;
}

char *cors_lowercase(apr_pool_t *p, const char *s, apr_size_t len)
{
    char *out = apr_palloc(p, len + 1);

    cors_lower_into(out, s, len);
    return out;
}

const char *cors_quote(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    apr_size_t len = strlen(s);
    apr_size_t n = len > CORS_QUOTE_MAX ? CORS_QUOTE_MAX : len;
    /* Worst case every byte becomes four, plus "..." and NUL. */
    char *out = apr_palloc(p, n * 4 + 4);
    char *o = out;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e || c == '\\') {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 0xf];
        }
        else {
            *o++ = (char)c;
        }
    }
    if (n < len) {
        memcpy(o, "...", 3);
        o += 3;
    }
    *o = '\0';
    return out;
}

const char *cors_join(apr_pool_t *p, const apr_array_header_t *items)
{
    apr_size_t total = 0, len;
    char *out, *o;
    int i;

    if (items->nelts == 0) {
        return "";
    }
    for (i = 0; i < items->nelts; i++) {
        total += strlen(APR_ARRAY_IDX(items, i, const char *)) + 2;
    }
    out = o = apr_palloc(p, total + 1);
    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        if (i > 0) {
            *o++ = ',';
            *o++ = ' ';
        }
        len = strlen(item);
        memcpy(o, item, len);
        o += len;
    }
    *o = '\0';
    return out;
}
