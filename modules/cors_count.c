/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_count: the layout of the counters (see cors_count.h).
 */

#include "cors_count.h"

#include "apr_strings.h"

cors_count_index cors_count_verdict(cors_result result, cors_reason why)
{
    if ((int)why < 0 || why >= CORS_COUNT_REASONS) {
        why = CORS_REASON_NONE;
    }
    switch (result) {
    case CORS_RESULT_PREFLIGHT_OK:
        return CORS_COUNT_PREFLIGHT_OK;
    case CORS_RESULT_PREFLIGHT_DENIED:
        return (cors_count_index)(CORS_COUNT_PREFLIGHT_DENIED + why);
    case CORS_RESULT_ACTUAL_OK:
        return CORS_COUNT_ACTUAL_OK;
    case CORS_RESULT_ACTUAL_DENIED:
        return (cors_count_index)(CORS_COUNT_ACTUAL_DENIED + why);
    default:
        return CORS_COUNT_NONE;
    }
}

apr_uint64_t cors_count_denied(const apr_uint64_t *row, int preflight)
{
    int base =
        preflight ? CORS_COUNT_PREFLIGHT_DENIED : CORS_COUNT_ACTUAL_DENIED;
    apr_uint64_t n = 0;
    int i;

    for (i = 0; i < CORS_COUNT_REASONS; i++) {
        n += row[base + i];
    }
    return n;
}

void cors_count_add(apr_uint64_t *total, const apr_uint64_t *row)
{
    int i;

    for (i = 0; i < CORS_COUNTS; i++) {
        total[i] += row[i];
    }
}

const char *cors_count_auto(apr_pool_t *p, const apr_uint64_t *c)
{
    return apr_psprintf(p,
                        "CORSPreflightOK: %" APR_UINT64_T_FMT "\n"
                        "CORSPreflightDenied: %" APR_UINT64_T_FMT "\n"
                        "CORSActualOK: %" APR_UINT64_T_FMT "\n"
                        "CORSActualDenied: %" APR_UINT64_T_FMT "\n"
                        "CORSNoOrigin: %" APR_UINT64_T_FMT "\n"
                        "CORSShadowMatch: %" APR_UINT64_T_FMT "\n"
                        "CORSShadowMismatch: %" APR_UINT64_T_FMT "\n"
                        "CORSMapReloads: %" APR_UINT64_T_FMT "\n"
                        "CORSMapErrors: %" APR_UINT64_T_FMT "\n",
                        c[CORS_COUNT_PREFLIGHT_OK], cors_count_denied(c, 1),
                        c[CORS_COUNT_ACTUAL_OK], cors_count_denied(c, 0),
                        c[CORS_COUNT_NONE], c[CORS_COUNT_SHADOW_MATCH],
                        c[CORS_COUNT_SHADOW_MISMATCH],
                        c[CORS_COUNT_MAP_RELOADS], c[CORS_COUNT_MAP_ERRORS]);
}
