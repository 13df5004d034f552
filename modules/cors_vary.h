/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_vary: reading Vary field values (RFC 9110 section 12.5.5), so that
 * the module adds only the tokens a response does not vary on yet.  The
 * module reads the response's Vary lines from both header tables and
 * merges what these functions say is missing.  APR only.
 */

#ifndef CORS_VARY_H
#define CORS_VARY_H

#include "apr_pools.h"
#include "apr_tables.h"

/* Non-zero when a Vary field value lists token[0..len), compared without
 * regard to case, or lists "*" (which varies on everything). */
int cors_vary_lists(const char *value, const char *token, apr_size_t len);

/*
 * The tokens of a ", "-separated list (as the module builds it) that none
 * of the n Vary field values lists, in the list's order, each a string from
 * p.  With n == 0 every token of the list is missing.
 */
apr_array_header_t *cors_vary_missing(apr_pool_t *p, const char *const *values,
                                      int n, const char *tokens);

#endif /* CORS_VARY_H */
