/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_shadow: CORSEngine ReportOnly's comparison of two responses as a
 * browser judges them (cors_shadow_compare), and the explain page's JSON
 * strings (cors_json_str), on any bytes.
 *
 * The input is split on newlines into: flags (first byte: bit 0 preflight,
 * bits 1 and 2 the two sides' ok status), Origin, Access-Control-Request-
 * Method, Access-Control-Request-Headers, then the five headers of one side
 * and the five of the other (an empty line is an absent header), then the
 * response's header names, space-separated.
 *
 * Invariants beyond "no crash":
 * - a side always matches itself;
 * - whether two sides match does not depend on which is which;
 * - the answer is NULL or "mismatch:" and one of the five header names;
 * - swapping in a byte-identical copy of a side changes nothing;
 * - cors_json_str's output is quoted, holds no raw control character,
 *   quote, '<', '>' or '&', and every backslash starts an escape.
 */

#include "cors_json.h"
#include "cors_shadow.h"
#include "fuzz.h"

static const apr_array_header_t *names_cb(void *baton)
{
    return baton;
}

static void check_json(apr_pool_t *p, const char *s)
{
    const char *out = cors_json_str(p, s), *c;
    size_t len = strlen(out);

    FUZZ_CHECK(len >= 2 && out[0] == '"' && out[len - 1] == '"');
    for (c = out + 1; c < out + len - 1; c++) {
        unsigned char ch = (unsigned char)*c;
        FUZZ_CHECK(ch >= 0x20 && ch != 0x7f && ch != '"' && ch != '<'
                   && ch != '>' && ch != '&');
        if (ch == '\\') {
            c++;
            FUZZ_CHECK(*c && strchr("\"\\nrtu", *c));
        }
    }
}

static int is_answer(const char *r)
{
    static const char *const ok[] = {
        "mismatch:access-control-allow-origin",
        "mismatch:access-control-allow-credentials",
        "mismatch:access-control-allow-methods",
        "mismatch:access-control-allow-headers",
        "mismatch:access-control-expose-headers"};
    size_t i;

    if (!r) {
        return 1;
    }
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (strcmp(r, ok[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    char *s = fuzz_string(p, data, size), *line[15], *last = NULL;
    apr_array_header_t *names = apr_array_make(p, 4, sizeof(const char *));
    cors_shadow_request req;
    cors_shadow_side a, b, a2;
    const char *ab, *ba, *f;
    int i, n = 0;
    char *cur = s;

    check_json(p, s);
    memset(line, 0, sizeof(line));
    /* Split on '\n' keeping empty fields. */
    while (n < 15) {
        char *nl = strchr(cur, '\n');
        line[n++] = cur;
        if (!nl) {
            break;
        }
        *nl = '\0';
        cur = nl + 1;
    }
    memset(&req, 0, sizeof(req));
    f = line[0] ? line[0] : "";
    req.preflight = f[0] & 1;
    req.origin = line[1] && *line[1] ? line[1] : NULL;
    req.request_method = line[2] && *line[2] ? line[2] : NULL;
    req.request_headers = line[3] && *line[3] ? line[3] : NULL;
    req.response_names = names_cb;
    req.baton = names;
    if (line[14]) {
        char *w;
        for (w = apr_strtok(line[14], " ", &last); w;
             w = apr_strtok(NULL, " ", &last)) {
            APR_ARRAY_PUSH(names, const char *) = w;
        }
    }
#define FIELD(k) (line[k] && *line[k] ? line[k] : NULL)
    a.allow_origin = FIELD(4);
    a.allow_credentials = FIELD(5);
    a.allow_methods = FIELD(6);
    a.allow_headers = FIELD(7);
    a.expose_headers = FIELD(8);
    a.ok_status = (f[0] >> 1) & 1;
    b.allow_origin = FIELD(9);
    b.allow_credentials = FIELD(10);
    b.allow_methods = FIELD(11);
    b.allow_headers = FIELD(12);
    b.expose_headers = FIELD(13);
    b.ok_status = (f[0] >> 2) & 1;
#undef FIELD

    FUZZ_CHECK(cors_shadow_compare(&req, &a, &a) == NULL);
    FUZZ_CHECK(cors_shadow_compare(&req, &b, &b) == NULL);
    ab = cors_shadow_compare(&req, &a, &b);
    ba = cors_shadow_compare(&req, &b, &a);
    FUZZ_CHECK(is_answer(ab) && is_answer(ba));
    FUZZ_CHECK(!ab == !ba);
    /* Copies with the same bytes at other addresses. */
    a2 = a;
    a2.allow_origin = a.allow_origin ? apr_pstrdup(p, a.allow_origin) : NULL;
    a2.allow_methods = a.allow_methods ? apr_pstrdup(p, a.allow_methods) : NULL;
    FUZZ_CHECK(cors_shadow_compare(&req, &a2, &a) == NULL);
    f = cors_shadow_compare(&req, &a2, &b);
    FUZZ_CHECK((!f && !ab) || (f && ab && strcmp(f, ab) == 0));
    for (i = 0; i < n; i++) {
        check_json(p, line[i]);
    }
    apr_pool_destroy(p);
    return 0;
}
