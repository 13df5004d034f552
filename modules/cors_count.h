/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_count: what the module counts for mod_status (docs/mod_cors.md,
 * "Counters"): one row of counters per virtual host, which counter a
 * verdict goes to, and the server totals as mod_status' machine-readable
 * report (?auto) prints them.  The module keeps the rows in shared memory
 * and adds to them atomically; this file only knows their layout.  APR only.
 */

#ifndef CORS_COUNT_H
#define CORS_COUNT_H

#include "apr_pools.h"

#include "cors_policy.h"

/* Slots per denial kind: one per cors_reason (CORS_REASON_NONE counts a
 * denial without a reason, which the module never makes). */
#define CORS_COUNT_REASONS (CORS_REASON_SERVER + 1)

/* The counters of a row, by index. */
typedef enum {
    CORS_COUNT_PREFLIGHT_OK = 0,
    CORS_COUNT_PREFLIGHT_DENIED, /* + cors_reason */
    CORS_COUNT_ACTUAL_OK = CORS_COUNT_PREFLIGHT_DENIED + CORS_COUNT_REASONS,
    CORS_COUNT_ACTUAL_DENIED, /* + cors_reason */
    CORS_COUNT_NONE = CORS_COUNT_ACTUAL_DENIED + CORS_COUNT_REASONS,
    CORS_COUNT_SHADOW_MATCH,
    CORS_COUNT_SHADOW_MISMATCH,
    CORS_COUNT_MAP_RELOADS,
    CORS_COUNT_MAP_ERRORS,
    CORS_COUNTS
} cors_count_index;

/* The counter a verdict goes to: CORS_RESULT's value, by CORS_REASON for a
 * denial. */
cors_count_index cors_count_verdict(cors_result result, cors_reason why);

/* The denials of one kind (preflight or actual), every reason added up. */
apr_uint64_t cors_count_denied(const apr_uint64_t *row, int preflight);

/* Add row to total, counter by counter. */
void cors_count_add(apr_uint64_t *total, const apr_uint64_t *row);

/*
 * The lines mod_status' ?auto report gets for a row of totals, each
 * "Name: N\n": CORSPreflightOK, CORSPreflightDenied, CORSActualOK,
 * CORSActualDenied, CORSNoOrigin, CORSShadowMatch, CORSShadowMismatch,
 * CORSMapReloads, CORSMapErrors.
 */
const char *cors_count_auto(apr_pool_t *p, const apr_uint64_t *row);

#endif /* CORS_COUNT_H */
