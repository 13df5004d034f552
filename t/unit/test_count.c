/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_count: which counter each verdict goes to, the
 * denials added up over their reasons, and mod_status' ?auto lines
 * (docs/mod_cors.md, "Counters").
 */

#include "cors_count.h"
#include "unit.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <stdlib.h>

static void test_verdict(void)
{
    int why, seen[CORS_COUNTS];

    UNIT_ROW("the plain results");
    CHECK_INT(cors_count_verdict(CORS_RESULT_PREFLIGHT_OK, CORS_REASON_NONE),
              CORS_COUNT_PREFLIGHT_OK);
    CHECK_INT(cors_count_verdict(CORS_RESULT_ACTUAL_OK, CORS_REASON_NONE),
              CORS_COUNT_ACTUAL_OK);
    CHECK_INT(cors_count_verdict(CORS_RESULT_NONE, CORS_REASON_NONE),
              CORS_COUNT_NONE);

    /* Each denial reason has a slot of its own, for preflights and actual
     * requests apart, and none of them is another counter's. */
    memset(seen, 0, sizeof(seen));
    seen[CORS_COUNT_PREFLIGHT_OK] = seen[CORS_COUNT_ACTUAL_OK] = 1;
    seen[CORS_COUNT_NONE] = 1;
    for (why = CORS_REASON_NONE; why <= CORS_REASON_SERVER; why++) {
        int pf =
            cors_count_verdict(CORS_RESULT_PREFLIGHT_DENIED, (cors_reason)why);
        int ac =
            cors_count_verdict(CORS_RESULT_ACTUAL_DENIED, (cors_reason)why);
        UNIT_ROW("denied, reason %d", why);
        CHECK_INT(pf, CORS_COUNT_PREFLIGHT_DENIED + why);
        CHECK_INT(ac, CORS_COUNT_ACTUAL_DENIED + why);
        CHECK(pf >= 0 && pf < CORS_COUNTS && !seen[pf]);
        CHECK(ac >= 0 && ac < CORS_COUNTS && !seen[ac]);
        seen[pf] = seen[ac] = 1;
    }
    UNIT_ROW("the other counters are apart");
    CHECK(!seen[CORS_COUNT_SHADOW_MATCH] && !seen[CORS_COUNT_SHADOW_MISMATCH]);
    CHECK(!seen[CORS_COUNT_MAP_RELOADS] && !seen[CORS_COUNT_MAP_ERRORS]);

    UNIT_ROW("an out-of-range reason counts as none");
    CHECK_INT(cors_count_verdict(CORS_RESULT_ACTUAL_DENIED, (cors_reason)99),
              CORS_COUNT_ACTUAL_DENIED);
}

static void test_sums(apr_pool_t *p)
{
    apr_uint64_t a[CORS_COUNTS], b[CORS_COUNTS];
    int i;

    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    a[CORS_COUNT_PREFLIGHT_OK] = 3;
    a[cors_count_verdict(CORS_RESULT_PREFLIGHT_DENIED, CORS_REASON_ORIGIN)] = 2;
    a[cors_count_verdict(CORS_RESULT_PREFLIGHT_DENIED, CORS_REASON_SERVER)] = 5;
    a[CORS_COUNT_ACTUAL_OK] = 7;
    a[cors_count_verdict(CORS_RESULT_ACTUAL_DENIED, CORS_REASON_MALFORMED)] = 1;
    a[cors_count_verdict(CORS_RESULT_ACTUAL_DENIED, CORS_REASON_CROSS_ORIGIN)] =
        10;
    a[CORS_COUNT_NONE] = 11;
    a[CORS_COUNT_SHADOW_MATCH] = 13;
    a[CORS_COUNT_SHADOW_MISMATCH] = 17;
    a[CORS_COUNT_MAP_RELOADS] = 19;
    a[CORS_COUNT_MAP_ERRORS] = 23;

    UNIT_ROW("denials added up by kind");
    CHECK_INT(cors_count_denied(a, 1), 7);
    CHECK_INT(cors_count_denied(a, 0), 11);

    UNIT_ROW("?auto lines");
    CHECK_STR(cors_count_auto(p, a), "CORSPreflightOK: 3\n"
                                     "CORSPreflightDenied: 7\n"
                                     "CORSActualOK: 7\n"
                                     "CORSActualDenied: 11\n"
                                     "CORSNoOrigin: 11\n"
                                     "CORSShadowMatch: 13\n"
                                     "CORSShadowMismatch: 17\n"
                                     "CORSMapReloads: 19\n"
                                     "CORSMapErrors: 23\n");

    UNIT_ROW("rows added counter by counter");
    cors_count_add(b, a);
    cors_count_add(b, a);
    for (i = 0; i < CORS_COUNTS; i++) {
        CHECK_INT(b[i], 2 * a[i]);
    }

    UNIT_ROW("64-bit counts print whole");
    memset(a, 0, sizeof(a));
    a[CORS_COUNT_NONE] = APR_UINT64_C(5000000000);
    CHECK(strstr(cors_count_auto(p, a), "CORSNoOrigin: 5000000000\n") != NULL);
}

int main(void)
{
    apr_pool_t *p;

    apr_initialize();
    atexit(apr_terminate);
    apr_pool_create(&p, NULL);

    test_verdict();
    test_sums(p);
    return unit_done("test_count");
}
