/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_json: JSON string literals (RFC 8259) for the explain page's JSON
 * answer (docs/mod_cors.md, "The explain page"), whose strings echo what a
 * visitor typed.  APR only.
 */

#ifndef CORS_JSON_H
#define CORS_JSON_H

#include "apr_pools.h"

/*
 * s as a JSON string literal, quotes included, from p; NULL gives null.
 * '"' and '\' are escaped, control characters become \uXXXX (\n, \t and
 * the like by their short forms), and so do '<', '>' and '&', so that the
 * text stays inert wherever it is pasted.  Bytes that are not valid UTF-8
 * become U+FFFD: the result is always valid JSON.
 */
const char *cors_json_str(apr_pool_t *p, const char *s);

#endif /* CORS_JSON_H */
