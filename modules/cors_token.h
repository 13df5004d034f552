/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_token: RFC 9110 tokens and header-name lists.  APR only: no httpd
 * headers.
 */

#ifndef CORS_TOKEN_H
#define CORS_TOKEN_H

#include "apr_pools.h"
#include "apr_tables.h"

/* Non-zero when s[0..len) is a non-empty RFC 9110 token. */
int cors_is_token(const char *s, apr_size_t len);

/*
 * Split an Access-Control-Request-Headers value into lowercase names.  The
 * list is split on commas with optional whitespace (SP / HTAB) around each
 * item.  Returns NULL on success with *names filled (possibly empty, for an
 * empty or all-whitespace value), or a reason: an empty item or an item that
 * is not a token (the reason quotes it).  When joined is not NULL it gets the
 * lowercase names joined with ", " (what Access-Control-Allow-Headers
 * echoes), from the same single allocation.
 */
const char *cors_split_header_names(apr_pool_t *p, const char *value,
                                    apr_array_header_t **names,
                                    const char **joined);

#endif /* CORS_TOKEN_H */
