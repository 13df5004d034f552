/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_string: the string helpers the policy layer shares: lowercasing,
 * joining, and quoting untrusted values for messages.  APR only.
 */

#ifndef CORS_STRING_H
#define CORS_STRING_H

#include "apr_pools.h"
#include "apr_tables.h"

/* ASCII lowercase of c, the one definition the layer uses: header names and
 * origins are ASCII, and the locale (<ctype.h>) has no say in them. */
static APR_INLINE char cors_ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

/* Lowercase n bytes of src into dst and terminate it; returns dst + n. */
char *cors_lower_into(char *dst, const char *src, apr_size_t n);

/* A lowercase copy of s[0..len) from p. */
char *cors_lowercase(apr_pool_t *p, const char *s, apr_size_t len);

/*
 * A printable, bounded rendering of an untrusted request value for a reason
 * string or a log line: bytes outside printable ASCII become \xHH and the
 * result is cut after CORS_QUOTE_MAX input bytes with "...".
 */
#define CORS_QUOTE_MAX 128
const char *cors_quote(apr_pool_t *p, const char *s);

/* Join an array of strings with ", ". */
const char *cors_join(apr_pool_t *p, const apr_array_header_t *items);

#endif /* CORS_STRING_H */
