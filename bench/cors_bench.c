/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_bench: the cost of one policy decision (cors_decide) as the module
 * makes it per request, for origin sets of different shapes and sizes.
 *
 *   cors_bench SCENARIO ITERATIONS   -> prints "SCENARIO ns_per_decision"
 *
 * Scenarios: exact-1, exact-100, exact-10000 (the request origin is the
 * last one configured), wild-1, wild-1000 (1,000 "*.tenantN.example.com"
 * patterns; the request is a subdomain of the last), regex (one
 * CORSAllowOriginMatch), miss-10000 (an origin not in 10,000).  A "pf-"
 * prefix (pf-exact-1, ...) makes the request an allowed preflight: PUT with
 * two request headers, against CORSAllowMethods GET POST PUT DELETE and
 * CORSAllowHeaders X-Token.
 * bench/run.sh runs each under callgrind for instruction counts.
 */

#include "cors_origin.h"
#include "cors_origin_check.h"
#include "cors_policy.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int bench_regex_match(const void *compiled, const char *s,
                             apr_size_t len)
{
    (void)len;
    return regexec((const regex_t *)compiled, s, 0, NULL, 0) == 0;
}

static void bench_add(apr_pool_t *p, cors_origins *set, const char *value)
{
    cors_origin o;
    const char *err = cors_origin_parse_config(p, value, &o);

    if (err) {
        fprintf(stderr, "cors_bench: %s: %s\n", value, err);
        exit(2);
    }
    cors_origins_add(p, set, &o, 0);
}

int main(int argc, char **argv)
{
    apr_pool_t *p, *req_pool;
    cors_origins *set;
    cors_policy pol;
    cors_request req;
    cors_verdict v;
    const char *scenario;
    long iterations, i, n = 0;
    int preflight;
    cors_list *methods, *headers;
    struct timespec t0, t1;
    regex_t re;
    double ns;

    if (argc != 3) {
        fprintf(stderr, "usage: cors_bench SCENARIO ITERATIONS\n");
        return 2;
    }
    scenario = argv[1];
    preflight = strncmp(scenario, "pf-", 3) == 0;
    if (preflight) {
        scenario += 3;
    }
    iterations = atol(argv[2]);
    apr_initialize();
    apr_pool_create(&p, NULL);
    apr_pool_create(&req_pool, p);
    cors_origin_init(p);

    set = cors_origins_make(p, 0, bench_regex_match);
    memset(&req, 0, sizeof(req));
    req.method = "GET";

    if (strncmp(scenario, "exact-", 6) == 0
        || strncmp(scenario, "miss-", 5) == 0) {
        n = atol(strchr(scenario, '-') + 1);
        for (i = 0; i < n; i++) {
            bench_add(p, set, apr_psprintf(p, "https://app%ld.example.com", i));
        }
        req.origin = scenario[0] == 'e'
                         ? apr_psprintf(p, "https://app%ld.example.com", n - 1)
                         : "https://other.example.net";
    }
    else if (strncmp(scenario, "wild-", 5) == 0) {
        n = atol(scenario + 5);
        for (i = 0; i < n; i++) {
            bench_add(p, set,
                      apr_psprintf(p, "https://*.tenant%ld.example.com", i));
        }
        req.origin =
            apr_psprintf(p, "https://app.tenant%ld.example.com", n - 1);
    }
    else if (strcmp(scenario, "regex") == 0) {
        if (regcomp(&re,
                    "^(https://[a-z0-9-]+\\.tenant[0-9]+\\.example\\.com)$",
                    REG_EXTENDED | REG_ICASE | REG_NOSUB)
            != 0) {
            return 2;
        }
        cors_origins_add_regex(p, set, &re, "regex");
        req.origin = "https://app.tenant42.example.com";
    }
    else {
        fprintf(stderr, "cors_bench: unknown scenario %s\n", scenario);
        return 2;
    }

    /* Every field holds its effective value, as in the module. */
    cors_policy_defaults(p, &pol, bench_regex_match);
    pol.origins = set;
    if (preflight) {
        methods = cors_list_make(p, 0, NULL);
        cors_list_add(methods, "GET");
        cors_list_add(methods, "POST");
        cors_list_add(methods, "PUT");
        cors_list_add(methods, "DELETE");
        cors_list_seal(p, methods);
        headers = cors_list_make(p, 0, NULL);
        cors_list_add(headers, "x-token");
        cors_list_seal(p, headers);
        pol.methods = methods;
        pol.allow_headers = headers;
        pol.max_age = "600";
        req.method = "OPTIONS";
        req.request_method = "PUT";
        req.request_headers = "content-type, x-token";
    }

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < iterations; i++) {
        cors_decide(req_pool, &pol, &req, &v);
        apr_pool_clear(req_pool);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);

    /* Every scenario but the miss must allow its origin. */
    cors_decide(req_pool, &pol, &req, &v);
    if ((v.result
         == (preflight ? CORS_RESULT_PREFLIGHT_OK : CORS_RESULT_ACTUAL_OK))
        != (scenario[0] != 'm')) {
        fprintf(stderr, "cors_bench: %s: unexpected verdict %s\n", scenario,
                cors_result_name(v.result));
        return 1;
    }
    ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9
          + (double)(t1.tv_nsec - t0.tv_nsec))
         / (double)(iterations ? iterations : 1);
    printf("%s%s %.1f\n", preflight ? "pf-" : "", scenario, ns);
    apr_pool_destroy(p);
    apr_terminate();
    return 0;
}
