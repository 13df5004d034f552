/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_json: JSON string literals (see cors_json.h).
 */

#include "cors_json.h"

#include "apr_strings.h"

#include <string.h>

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 when the
 * bytes there are none (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF). */
static apr_size_t cors_utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];

    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    }
    if (c >= 0xe0 && c <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80
            || (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f)) {
            return 0;
        }
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80
            || (s[3] & 0xc0) != 0x80 || (c == 0xf0 && s[1] < 0x90)
            || (c == 0xf4 && s[1] > 0x8f)) {
            return 0;
        }
        return 4;
    }
    return 0;
}

const char *cors_json_str(apr_pool_t *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t n = 2, i;
    char *out, *o;

    if (!s) {
        return "null";
    }
    /* At most 6 bytes out per byte in ("\u00XX"; U+FFFD is 3 bytes for 1). */
    for (i = 0; u[i]; i++) {
        n += 6;
    }
    out = o = apr_palloc(p, n + 1);
    *o++ = '"';
    while (*u) {
        unsigned char c = *u;
        apr_size_t len;

        switch (c) {
        case '"':
            *o++ = '\\';
            *o++ = '"';
            u++;
            continue;
        case '\\':
            *o++ = '\\';
            *o++ = '\\';
            u++;
            continue;
        case '\n':
            *o++ = '\\';
            *o++ = 'n';
            u++;
            continue;
        case '\r':
            *o++ = '\\';
            *o++ = 'r';
            u++;
            continue;
        case '\t':
            *o++ = '\\';
            *o++ = 't';
            u++;
            continue;
        default:
            break;
        }
        if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
            o += apr_snprintf(o, 7, "\\u%04x", c);
            u++;
            continue;
        }
        if ((len = cors_utf8_len(u)) == 0) {
            /* U+FFFD REPLACEMENT CHARACTER for the byte. */
            *o++ = (char)0xef;
            *o++ = (char)0xbf;
            *o++ = (char)0xbd;
            u++;
            continue;
        }
        memcpy(o, u, len);
        o += len;
        u += len;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}
