/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_shadow: what the module would send compared with what
 * a response carries, as a browser judges them (docs/mod_cors.md,
 * "Report-only"; the Fetch standard's CORS check and CORS-preflight fetch).
 */

#include "cors_shadow.h"
#include "unit.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <stdlib.h>

#define O "https://app.example.com"
#define EVIL "https://evil.example"

#define AO "mismatch:access-control-allow-origin"
#define AC "mismatch:access-control-allow-credentials"
#define AM "mismatch:access-control-allow-methods"
#define AH "mismatch:access-control-allow-headers"
#define EH "mismatch:access-control-expose-headers"

/* One side: ACAO, ACAC, ACAM, ACAH, ACEH, status. */
#define SIDE(ao, ac, am, ah, eh, st)                                           \
    {                                                                          \
        ao, ac, am, ah, eh, st                                                 \
    }
#define NONE SIDE(NULL, NULL, NULL, NULL, NULL, 1)

/* ------------------------------------------------------------------ */
/* Actual requests                                                      */

struct actual_case {
    const char *what;
    const char *origin;
    cors_shadow_side want, got;
    const char *names;  /* the response's header names, space-separated */
    const char *result; /* NULL: match */
};

static const struct actual_case actual_cases[] = {
    /* The allow-origin header, and credentials. */
    {"both absent", O, NONE, NONE, "", NULL},
    {"same echo", O, SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE(O, NULL, NULL, NULL, NULL, 1), "", NULL},
    {"* vs echo, no credentials: both readable", O,
     SIDE(O, NULL, NULL, NULL, NULL, 1), SIDE("*", NULL, NULL, NULL, NULL, 1),
     "", NULL},
    {"echo vs *, no credentials", O, SIDE("*", NULL, NULL, NULL, NULL, 1),
     SIDE(O, NULL, NULL, NULL, NULL, 1), "", NULL},
    {"echo + credentials vs *: credentialed reads differ", O,
     SIDE(O, "true", NULL, NULL, NULL, 1), SIDE("*", NULL, NULL, NULL, NULL, 1),
     "", AO},
    {"echo + credentials vs * + credentials: * never passes with them", O,
     SIDE(O, "true", NULL, NULL, NULL, 1),
     SIDE("*", "true", NULL, NULL, NULL, 1), "", AO},
    {"echo + credentials vs echo: credentials differ", O,
     SIDE(O, "true", NULL, NULL, NULL, 1), SIDE(O, NULL, NULL, NULL, NULL, 1),
     "", AC},
    {"echo vs echo + credentials", O, SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE(O, "true", NULL, NULL, NULL, 1), "", AC},
    {"* vs * + credentials: no difference (credentials never pass *)", O,
     SIDE("*", NULL, NULL, NULL, NULL, 1),
     SIDE("*", "true", NULL, NULL, NULL, 1), "", NULL},
    {"credentials 'TRUE' is not 'true'", O,
     SIDE(O, "true", NULL, NULL, NULL, 1), SIDE(O, "TRUE", NULL, NULL, NULL, 1),
     "", AC},
    {"credentials with whitespace around", O,
     SIDE(O, "true", NULL, NULL, NULL, 1),
     SIDE(O, " true ", NULL, NULL, NULL, 1), "", NULL},
    {"credentials alone, no allow-origin: nothing passes either way", O, NONE,
     SIDE(NULL, "true", NULL, NULL, NULL, 1), "", NULL},
    {"On denies, response has no ACAO: match", EVIL, NONE, NONE, "", NULL},
    {"On denies, response echoes: an extra permissive ACAO", EVIL, NONE,
     SIDE(EVIL, NULL, NULL, NULL, NULL, 1), "", AO},
    {"On denies, response says *", EVIL, NONE,
     SIDE("*", NULL, NULL, NULL, NULL, 1), "", AO},
    {"On allows, response has nothing", O, SIDE(O, NULL, NULL, NULL, NULL, 1),
     NONE, "", AO},
    {"ACAO names another origin", O, SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE("https://other.example", NULL, NULL, NULL, NULL, 1), "", AO},
    {"ACAO compared byte for byte (case)", O,
     SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE("https://APP.example.com", NULL, NULL, NULL, NULL, 1), "", AO},
    {"ACAO with a trailing slash fails", O, SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE(O "/", NULL, NULL, NULL, NULL, 1), "", AO},
    {"two ACAO lines (combined) fail", O, SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE(O ", " O, NULL, NULL, NULL, NULL, 1), "", AO},
    {"ACAO with surrounding whitespace passes", O,
     SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE("  " O "\t", NULL, NULL, NULL, NULL, 1), "", NULL},
    {"ACAO null echoed for Origin null", "null",
     SIDE("null", NULL, NULL, NULL, NULL, 1),
     SIDE("null", NULL, NULL, NULL, NULL, 1), "", NULL},
    {"ACAO null for a real origin fails", O, SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE("null", NULL, NULL, NULL, NULL, 1), "", AO},
    {"'**' is no wildcard", O, SIDE("*", NULL, NULL, NULL, NULL, 1),
     SIDE("**", NULL, NULL, NULL, NULL, 1), "", AO},
    /* No Origin: only '*' lets anything read it. */
    {"no Origin, both '*'", NULL, SIDE("*", NULL, NULL, NULL, NULL, 1),
     SIDE("*", NULL, NULL, NULL, NULL, 1), "", NULL},
    {"no Origin, '*' vs nothing", NULL, NONE,
     SIDE("*", NULL, NULL, NULL, NULL, 1), "", AO},
    {"no Origin, a fixed origin vs nothing: neither passes", NULL, NONE,
     SIDE(O, NULL, NULL, NULL, NULL, 1), "", NULL},
    /* Methods and headers do not matter to an actual request. */
    {"allow-methods ignored on actual responses", O,
     SIDE(O, NULL, "GET", "x-a", NULL, 1),
     SIDE(O, NULL, "PUT, DELETE", "x-b, x-c", NULL, 1), "", NULL},
    /* A status does not matter to an actual request. */
    {"status ignored on actual responses", O,
     SIDE(O, NULL, NULL, NULL, NULL, 1), SIDE(O, NULL, NULL, NULL, NULL, 0), "",
     NULL},
    /* Expose headers, against the response's own names. */
    {"same expose list, other case and order", O,
     SIDE(O, NULL, NULL, NULL, "x-a, x-b", 1),
     SIDE(O, NULL, NULL, NULL, "X-B,X-A", 1), "X-A X-B", NULL},
    {"expose list names a header the response lacks", O,
     SIDE(O, NULL, NULL, NULL, "x-a", 1),
     SIDE(O, NULL, NULL, NULL, "x-a, x-missing", 1), "X-A", NULL},
    {"expose list misses one the response has", O,
     SIDE(O, NULL, NULL, NULL, "x-a, x-b", 1),
     SIDE(O, NULL, NULL, NULL, "x-a", 1), "X-A X-B", EH},
    {"expose * vs the list of every name, no credentials", O,
     SIDE(O, NULL, NULL, NULL, "*", 1),
     SIDE(O, NULL, NULL, NULL, "x-a, x-b", 1), "X-A X-B", NULL},
    {"expose * vs a shorter list", O, SIDE(O, NULL, NULL, NULL, "*", 1),
     SIDE(O, NULL, NULL, NULL, "x-a", 1), "X-A X-B", EH},
    {"expose * with credentials is literal", O,
     SIDE(O, "true", NULL, NULL, "x-a", 1), SIDE(O, "true", NULL, NULL, "*", 1),
     "X-A", EH},
    {"safelisted names are always readable", O,
     SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE(O, NULL, NULL, NULL, "content-type, cache-control, expires", 1),
     "Content-Type Cache-Control Expires Content-Length", NULL},
    {"set-cookie is never readable", O, SIDE(O, NULL, NULL, NULL, NULL, 1),
     SIDE(O, NULL, NULL, NULL, "set-cookie", 1), "Set-Cookie", NULL},
    {"expose differences do not matter when neither passes", EVIL, NONE,
     SIDE(NULL, NULL, NULL, NULL, "x-a", 1), "X-A", NULL},
    {"'*' beside names exposes every name without credentials", O,
     SIDE(O, "true", NULL, NULL, "x-a", 1),
     SIDE(O, "true", NULL, NULL, "x-a, *", 1), "X-A X-B", EH},
    {"'*' and the full list: differ only with credentials", O,
     SIDE(O, "true", NULL, NULL, "x-a, x-b", 1),
     SIDE(O, "true", NULL, NULL, "*", 1), "X-A X-B", EH},
    {"'*' and the full list without credentials allowed", O,
     SIDE(O, NULL, NULL, NULL, "x-a, x-b", 1),
     SIDE(O, NULL, NULL, NULL, "*", 1), "X-A X-B", NULL},
    {"allow-origin reported before expose", O,
     SIDE(O, "true", NULL, NULL, "x-a", 1),
     SIDE("*", NULL, NULL, NULL, NULL, 1), "X-A", AO},
    {"Access-Control-* names are not compared", O,
     SIDE(O, NULL, NULL, NULL, NULL, 1), SIDE(O, NULL, NULL, NULL, "*", 1),
     "Access-Control-Allow-Origin", NULL},
};

static int expose_equal(const cors_shadow_side *a, const cors_shadow_side *b)
{
    return a->expose_headers == b->expose_headers
           || (a->expose_headers && b->expose_headers
               && strcmp(a->expose_headers, b->expose_headers) == 0);
}

static apr_array_header_t *names_of(apr_pool_t *p, const char *s)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    char *copy = apr_pstrdup(p, s), *last, *w;

    for (w = apr_strtok(copy, " ", &last); w;
         w = apr_strtok(NULL, " ", &last)) {
        APR_ARRAY_PUSH(a, const char *) = w;
    }
    return a;
}

/* The response's names, for the callback. */
static int names_asked;
static const apr_array_header_t *names_cb(void *baton)
{
    names_asked++;
    return baton;
}

static void test_actual(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(actual_cases); i++) {
        const struct actual_case *c = &actual_cases[i];
        cors_shadow_request req;

        memset(&req, 0, sizeof(req));
        req.origin = c->origin;
        req.response_names = names_cb;
        req.baton = names_of(p, c->names);
        names_asked = 0;
        UNIT_ROW("actual: %s", c->what);
        CHECK_STR(cors_shadow_compare(&req, &c->want, &c->got), c->result);
        /* The names are gathered only for differing expose lists, once. */
        CHECK(names_asked <= 1);
        if (expose_equal(&c->want, &c->got)) {
            CHECK_INT(names_asked, 0);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Preflights                                                           */

struct preflight_case {
    const char *what;
    const char *origin;
    const char *method;  /* Access-Control-Request-Method */
    const char *headers; /* Access-Control-Request-Headers */
    cors_shadow_side want, got;
    const char *result;
};

#define OK(ao, ac, am, ah) SIDE(ao, ac, am, ah, NULL, 1)
#define FORBIDDEN SIDE(NULL, NULL, NULL, NULL, NULL, 0)

static const struct preflight_case preflight_cases[] = {
    {"On refuses (403, nothing), the handler answers 200 with nothing", O,
     "PUT", NULL, FORBIDDEN, OK(NULL, NULL, NULL, NULL), NULL},
    {"On refuses, the handler's 404 carries a recipe's headers", O, "PUT", NULL,
     FORBIDDEN, SIDE("*", NULL, "PUT", NULL, NULL, 0), NULL},
    {"On allows, a 404 answers: fails whatever it says", O, "PUT", NULL,
     OK(O, NULL, "GET, HEAD, POST, PUT", NULL),
     SIDE(O, NULL, "GET, HEAD, POST, PUT", NULL, NULL, 0), AO},
    {"On allows, the same headers answer", O, "PUT", NULL,
     OK(O, NULL, "GET, HEAD, POST, PUT", NULL),
     OK(O, NULL, "GET, HEAD, POST, PUT", NULL), NULL},
    {"On refuses, a recipe allows", EVIL, "PUT", NULL, FORBIDDEN,
     OK("*", NULL, "PUT", NULL), AO},
    {"methods: other lists, both contain the method", O, "PUT", NULL,
     OK(O, NULL, "GET, HEAD, POST, PUT", NULL), OK(O, NULL, "PUT,DELETE", NULL),
     NULL},
    {"methods: the method is missing", O, "PUT", NULL,
     OK(O, NULL, "GET, HEAD, POST, PUT", NULL), OK(O, NULL, "GET, POST", NULL),
     AM},
    {"methods: compared case-sensitively", O, "PUT", NULL,
     OK(O, NULL, "PUT", NULL), OK(O, NULL, "put", NULL), AM},
    {"methods: a safelisted method needs no listing", O, "POST", "x-a",
     OK(O, NULL, "POST", "x-a"), OK(O, NULL, NULL, "x-a"), NULL},
    {"methods: * is a wildcard without credentials", O, "PATCH", NULL,
     OK(O, NULL, "PATCH", NULL), OK("*", NULL, "*", NULL), NULL},
    {"methods: * is literal with credentials", O, "PATCH", NULL,
     OK(O, "true", "PATCH", NULL), OK(O, "true", "*", NULL), AM},
    {"methods: a list that is not tokens fails the preflight", O, "PUT", NULL,
     OK(O, NULL, "PUT", NULL), OK(O, NULL, "PUT, a b", NULL), AM},
    {"methods: empty items are fine", O, "PUT", NULL, OK(O, NULL, "PUT", NULL),
     OK(O, NULL, ", PUT,,", NULL), NULL},
    {"headers: echoed names vs a recipe's fixed list", O, "PUT",
     "content-type,x-requested-with",
     OK(O, NULL, "PUT", "content-type,x-requested-with"),
     OK(O, NULL, "PUT", "Content-Type, Authorization, X-Requested-With"), NULL},
    {"headers: one requested name missing", O, "PUT", "x-a,x-b",
     OK(O, NULL, "PUT", "x-a,x-b"), OK(O, NULL, "PUT", "x-a"), AH},
    {"headers: * without credentials", O, "PUT", "x-a,x-b",
     OK(O, NULL, "PUT", "x-a,x-b"), OK(O, NULL, "PUT", "*"), NULL},
    {"headers: * never covers authorization", O, "PUT", "authorization",
     OK(O, NULL, "PUT", "authorization"), OK(O, NULL, "PUT", "*"), AH},
    {"headers: * plus Authorization covers it", O, "PUT", "authorization,x-a",
     OK(O, NULL, "PUT", "authorization,x-a"),
     OK(O, NULL, "PUT", "*, Authorization"), NULL},
    {"headers: * is literal with credentials", O, "PUT", "x-a",
     OK(O, "true", "PUT", "x-a"), OK(O, "true", "PUT", "*"), AH},
    {"headers: the same names, other case", O, "PUT", "x-a,x-b",
     OK(O, NULL, "PUT", "x-a, x-b"), OK(O, NULL, "PUT", "X-A, X-B"), NULL},
    {"headers the same but for case, methods the same, origin differs", O,
     "PUT", "x-a", OK(O, NULL, "PUT", "x-a"),
     OK("https://x.example", NULL, "PUT", "X-A"), AO},
    {"headers the same but for case, both lacking a requested name", O, "PUT",
     "x-b", OK(O, NULL, "PUT", "x-a"), OK(O, NULL, "GET, PUT", "X-A"), NULL},
    {"headers: nothing requested, none listed", O, "PUT", NULL,
     OK(O, NULL, "PUT", NULL), OK(O, NULL, "PUT", "x-anything"), NULL},
    {"headers: a list that is not tokens fails", O, "PUT", NULL,
     OK(O, NULL, "PUT", NULL), OK(O, NULL, "PUT", "x/a"), AH},
    {"credentials: echo + true vs echo", O, "PUT", NULL,
     OK(O, "true", "PUT", NULL), OK(O, NULL, "PUT", NULL), AC},
    {"credentials and methods both differ: credentials first", O, "PUT", NULL,
     OK(O, "true", "PUT", NULL), OK(O, NULL, "GET", NULL), AC},
    {"origin and methods both differ: origin first", O, "PUT", NULL,
     OK(O, NULL, "PUT", NULL), OK("https://x.example", NULL, "GET", NULL), AO},
    {"methods differ, but the origin fails both", O, "PUT", NULL,
     OK("https://x.example", NULL, "PUT", NULL),
     OK("https://y.example", NULL, "GET", NULL), NULL},
    {"* vs echo with wildcard lists and no credentials", O, "DELETE", "x-a",
     OK("*", NULL, "*", "x-a"), OK(O, NULL, "DELETE", "*"), NULL},
    {"expose headers do not matter to a preflight", O, "PUT", NULL,
     SIDE(O, NULL, "PUT", NULL, "x-a", 1), SIDE(O, NULL, "PUT", NULL, NULL, 1),
     NULL},
};

static void test_preflight(void)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(preflight_cases); i++) {
        const struct preflight_case *c = &preflight_cases[i];
        cors_shadow_request req;

        memset(&req, 0, sizeof(req));
        req.origin = c->origin;
        req.preflight = 1;
        req.request_method = c->method;
        req.request_headers = c->headers;
        UNIT_ROW("preflight: %s", c->what);
        CHECK_STR(cors_shadow_compare(&req, &c->want, &c->got), c->result);
    }
}

/* ------------------------------------------------------------------ */
/* Properties over a small universe of values                           */

/*
 * For every pair of sides built from a few values per header: the answer
 * is NULL exactly when comparing a side with itself, or with a side a
 * browser cannot tell from it, is symmetric in whether it matches, and a
 * side always matches itself.
 */
static void test_properties(apr_pool_t *p)
{
    static const char *const aos[] = {NULL, "*", O, EVIL};
    static const char *const acs[] = {NULL, "true"};
    static const char *const ams[] = {NULL, "PUT", "*"};
    static const char *const ahs[] = {NULL, "x-a", "*"};
    static const char *const ehs[] = {NULL, "x-a", "*"};
    enum { N = 4 * 2 * 3 * 3 * 3 * 2 };
    cors_shadow_side *sides = apr_pcalloc(p, N * sizeof(*sides));
    cors_shadow_request req;
    int i, j, preflight, bad_self = 0, asymmetric = 0;

    for (i = 0; i < N; i++) {
        int k = i;
        sides[i].allow_origin = aos[k % 4], k /= 4;
        sides[i].allow_credentials = acs[k % 2], k /= 2;
        sides[i].allow_methods = ams[k % 3], k /= 3;
        sides[i].allow_headers = ahs[k % 3], k /= 3;
        sides[i].expose_headers = ehs[k % 3], k /= 3;
        sides[i].ok_status = k % 2;
    }
    for (preflight = 0; preflight <= 1; preflight++) {
        memset(&req, 0, sizeof(req));
        req.origin = O;
        req.preflight = preflight;
        req.request_method = "PUT";
        req.request_headers = "x-a";
        req.response_names = names_cb;
        req.baton = names_of(p, "X-A X-B");
        for (i = 0; i < N; i++) {
            if (cors_shadow_compare(&req, &sides[i], &sides[i])) {
                bad_self++;
            }
            for (j = 0; j < N; j++) {
                if (!cors_shadow_compare(&req, &sides[i], &sides[j])
                    != !cors_shadow_compare(&req, &sides[j], &sides[i])) {
                    asymmetric++;
                }
            }
        }
    }
    UNIT_ROW("properties over %d sides", N);
    CHECK_INT(bad_self, 0);
    CHECK_INT(asymmetric, 0);
}

int main(void)
{
    apr_pool_t *p;

    apr_initialize();
    atexit(apr_terminate);
    apr_pool_create(&p, NULL);

    test_actual(p);
    test_preflight();
    test_properties(p);
    return unit_done("test_shadow");
}
