/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_vary: which Vary tokens a response already has.
 */

#include "cors_vary.h"

#include "apr_strings.h"

#include <string.h>
#include <strings.h>

int cors_vary_lists(const char *value, const char *token, apr_size_t len)
{
    const char *s = value;

    /* Items are split on commas and whitespace alike: a value other
     * modules wrote loosely ("Origin Accept") still counts as listing. */
    while (s && *s) {
        const char *end;
        while (*s == ' ' || *s == '\t' || *s == ',') {
            s++;
        }
        end = s;
        while (*end && *end != ',' && *end != ' ' && *end != '\t') {
            end++;
        }
        if (((apr_size_t)(end - s) == len && strncasecmp(s, token, len) == 0)
            || ((apr_size_t)(end - s) == 1 && *s == '*')) {
            return 1;
        }
        s = end;
    }
    return 0;
}

apr_array_header_t *cors_vary_missing(apr_pool_t *p, const char *const *values,
                                      int n, const char *tokens)
{
    apr_array_header_t *missing = apr_array_make(p, 4, sizeof(const char *));
    const char *s = tokens;

    while (*s) {
        const char *end = strchr(s, ',');
        apr_size_t len = end ? (apr_size_t)(end - s) : strlen(s);
        int i, listed = 0;

        for (i = 0; i < n && !listed; i++) {
            listed = cors_vary_lists(values[i], s, len);
        }
        if (!listed) {
            APR_ARRAY_PUSH(missing, const char *) = apr_pstrmemdup(p, s, len);
        }
        if (!end) {
            break;
        }
        s = end + 1;
        while (*s == ' ') {
            s++;
        }
    }
    return missing;
}
