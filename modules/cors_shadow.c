/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_shadow: two responses compared as a browser sees them (see
 * cors_shadow.h).  The browser's side is the Fetch standard's:
 *  - the CORS check: Access-Control-Allow-Origin must be "*" (only without
 *    credentials) or the request's Origin byte for byte, and with
 *    credentials Access-Control-Allow-Credentials must be "true";
 *  - a preflight (CORS-preflight fetch) also needs an ok status, the
 *    requested method in Access-Control-Allow-Methods unless it is GET,
 *    HEAD or POST, and every requested header name in Access-Control-Allow-
 *    Headers, case-insensitively; "*" in either list is a wildcard only
 *    without credentials, and never covers Authorization; an item that is
 *    no token fails the preflight;
 *  - an actual response's script-readable headers (CORS-filtered
 *    response): the names Access-Control-Expose-Headers lists, or all of
 *    them for "*" without credentials, beyond the always-readable
 *    safelisted ones.
 * Both credentials modes are judged: the request does not say which one
 * the script used.
 */

#include "cors_shadow.h"
#include "cors_policy.h"
#include "cors_token.h"

#include "apr_strings.h"

#include <string.h>

/* The five headers, in the order differences are reported. */
enum {
    CORS_SHADOW_ORIGIN,
    CORS_SHADOW_CREDENTIALS,
    CORS_SHADOW_METHODS,
    CORS_SHADOW_HEADERS,
    CORS_SHADOW_EXPOSE,
    CORS_SHADOW_FIELDS
};

/* CORS_SHADOW's value for a difference in each. */
static const char *const cors_shadow_values[CORS_SHADOW_FIELDS] = {
    "mismatch:access-control-allow-origin",
    "mismatch:access-control-allow-credentials",
    "mismatch:access-control-allow-methods",
    "mismatch:access-control-allow-headers",
    "mismatch:access-control-expose-headers"};

static int cors_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* s without its surrounding whitespace, as a header parser reads a field
 * value: start in *start, length returned.  s may be NULL (length 0). */
static apr_size_t cors_shadow_trim(const char *s, const char **start)
{
    apr_size_t len;

    if (!s) {
        *start = "";
        return 0;
    }
    while (cors_is_ows(*s)) {
        s++;
    }
    len = strlen(s);
    while (len > 0 && cors_is_ows(s[len - 1])) {
        len--;
    }
    *start = s;
    return len;
}

/*
 * The next item of a comma-separated list (RFC 9110 #rule: empty items and
 * whitespace around items are allowed): 1 with *item and *len set and *s
 * moved past it, 0 at the end.  Empty items are skipped.
 */
static int cors_shadow_next(const char **s, const char **item, apr_size_t *len)
{
    const char *p = *s, *start, *end;

    for (;;) {
        while (cors_is_ows(*p) || *p == ',') {
            p++;
        }
        if (!*p) {
            *s = p;
            return 0;
        }
        start = p;
        while (*p && *p != ',') {
            p++;
        }
        end = p;
        while (end > start && cors_is_ows(end[-1])) {
            end--;
        }
        if (end > start) {
            *item = start;
            *len = (apr_size_t)(end - start);
            *s = p;
            return 1;
        }
    }
}

/* Whether a list has name[0..len) among its items (case-insensitively
 * for header names); an absent list has none. */
static int cors_shadow_list_has(const char *list, const char *name,
                                apr_size_t len, int nocase)
{
    const char *item;
    apr_size_t n;

    while (list && cors_shadow_next(&list, &item, &n)) {
        if (n == len
            && (nocase ? strncasecmp(item, name, len) == 0
                       : memcmp(item, name, len) == 0)) {
            return 1;
        }
    }
    return 0;
}

/*
 * What one response grants the request, worked out once and read in both
 * credentials modes (the Fetch standard's CORS check and CORS-preflight
 * fetch):
 */
typedef struct {
    int ok_status; /* a preflight's status is 2xx (always, for an actual
                    * request) */
    int ao_star;   /* Access-Control-Allow-Origin is "*" */
    int ao_exact;  /* ... is the request's Origin, byte for byte */
    int ac_true;   /* Access-Control-Allow-Credentials is "true" */
    int am_valid;  /* Access-Control-Allow-Methods: every item a token */
    int am_star;   /* ... has "*" */
    int am_listed; /* ... lists the requested method (byte for byte) */
    int ah_valid;  /* Access-Control-Allow-Headers: every item a token */
    int ah_star;   /* ... has "*" */
    int ah_listed; /* ... lists every requested header name */
    int ah_auth;   /* ... leaves out a requested authorization, which no
                    * wildcard covers */
    int m_safe;    /* the requested method is GET, HEAD or POST, which
                    * needs no listing */
} cors_shadow_grant;

/* The most items of a list kept for lookups; a longer list is searched
 * again for each name. */
#define CORS_SHADOW_ITEMS 32

/* A list's items, kept where they are. */
typedef struct {
    const char *item[CORS_SHADOW_ITEMS];
    apr_size_t len[CORS_SHADOW_ITEMS];
    int n;
    int overflow;
} cors_shadow_items;

/*
 * One pass over an allow list: every item a token (valid), "*" among them
 * (star), and, when want is not NULL, whether it lists want[0..wlen)
 * byte for byte (listed).  The items go to items when that is not NULL.
 */
static void cors_shadow_scan(const char *list, int *valid, int *star,
                             const char *want, apr_size_t wlen, int *listed,
                             cors_shadow_items *items)
{
    const char *item;
    apr_size_t n;

    *valid = 1;
    *star = 0;
    if (items) {
        items->n = items->overflow = 0;
    }
    while (list && cors_shadow_next(&list, &item, &n)) {
        if (!cors_is_token(item, n)) {
            *valid = 0;
            continue;
        }
        if (n == 1 && item[0] == '*') {
            *star = 1;
        }
        if (want && n == wlen && memcmp(item, want, n) == 0) {
            *listed = 1;
        }
        if (items) {
            if (items->n < CORS_SHADOW_ITEMS) {
                items->item[items->n] = item;
                items->len[items->n++] = n;
            }
            else {
                items->overflow = 1;
            }
        }
    }
}

/* Whether the kept items of list have name[0..len), case-insensitively. */
static int cors_shadow_items_have(const cors_shadow_items *items,
                                  const char *list, const char *name,
                                  apr_size_t len)
{
    int i;

    if (items->overflow) {
        return cors_shadow_list_has(list, name, len, 1);
    }
    for (i = 0; i < items->n; i++) {
        if (items->len[i] == len
            && strncasecmp(items->item[i], name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The requested header names, parsed once for both sides. */
typedef cors_shadow_items cors_shadow_names;

/*
 * What side grants.  like, when not NULL, is the other side's grant, whose
 * methods (same bytes) or header names (the same but for case, which a
 * browser ignores in them) this side shares: those are copied, not worked
 * out again.
 */
static void cors_shadow_grant_of(const cors_shadow_request *req,
                                 const cors_shadow_names *asked,
                                 const cors_shadow_side *side,
                                 cors_shadow_grant *g,
                                 const cors_shadow_grant *like, int same_am,
                                 int same_ah)
{
    cors_shadow_items items;
    const char *ao, *rh, *name;
    apr_size_t len, n;
    int i;

    memset(g, 0, sizeof(*g));
    g->ok_status = !req->preflight || side->ok_status;
    if (side->allow_origin) {
        len = cors_shadow_trim(side->allow_origin, &ao);
        g->ao_star = len == 1 && ao[0] == '*';
        g->ao_exact = req->origin && len == strlen(req->origin)
                      && memcmp(ao, req->origin, len) == 0;
    }
    if (side->allow_credentials) {
        len = cors_shadow_trim(side->allow_credentials, &ao);
        g->ac_true = len == 4 && memcmp(ao, "true", 4) == 0;
    }
    if (!req->preflight) {
        return;
    }
    g->m_safe = like ? like->m_safe
                     : cors_method_safelisted(
                         req->request_method ? req->request_method : "");
    if (like && same_am) {
        g->am_valid = like->am_valid;
        g->am_star = like->am_star;
        g->am_listed = like->am_listed;
    }
    else {
        cors_shadow_scan(side->allow_methods, &g->am_valid, &g->am_star,
                         req->request_method ? req->request_method : "",
                         req->request_method ? strlen(req->request_method) : 0,
                         &g->am_listed, NULL);
    }
    if (like && same_ah) {
        g->ah_valid = like->ah_valid;
        g->ah_star = like->ah_star;
        g->ah_listed = like->ah_listed;
        g->ah_auth = like->ah_auth;
        return;
    }
    cors_shadow_scan(side->allow_headers, &g->ah_valid, &g->ah_star, NULL, 0,
                     NULL, &items);
    g->ah_listed = 1;
    if (!asked->overflow) {
        for (i = 0; i < asked->n; i++) {
            name = asked->item[i];
            n = asked->len[i];
            if (!cors_shadow_items_have(&items, side->allow_headers, name, n)) {
                g->ah_listed = 0;
                if (n == 13 && strncasecmp(name, "authorization", 13) == 0) {
                    g->ah_auth = 1;
                }
            }
        }
        return;
    }
    for (rh = req->request_headers; rh && cors_shadow_next(&rh, &name, &n);) {
        if (!cors_shadow_items_have(&items, side->allow_headers, name, n)) {
            g->ah_listed = 0;
            if (n == 13 && strncasecmp(name, "authorization", 13) == 0) {
                g->ah_auth = 1;
            }
        }
    }
}

/* One stage of the browser's verdict in one credentials mode; a failed
 * stage fails the request.  The origin stage carries a preflight's status:
 * without a 2xx a browser reads none of the headers. */
static int cors_shadow_stage(const cors_shadow_request *req,
                             const cors_shadow_grant *g, int stage,
                             int credentials)
{
    switch (stage) {
    case CORS_SHADOW_ORIGIN:
        return g->ok_status && (g->ao_exact || (!credentials && g->ao_star));
    case CORS_SHADOW_CREDENTIALS:
        return !credentials || g->ac_true;
    case CORS_SHADOW_METHODS:
        return !req->preflight
               || (g->am_valid
                   && (g->m_safe || g->am_listed
                       || (!credentials && g->am_star)));
    case CORS_SHADOW_HEADERS:
        return !req->preflight
               || (g->ah_valid
                   && (g->ah_listed
                       || (!credentials && g->ah_star && !g->ah_auth)));
    default:
        return 1;
    }
}

/* Response headers a script reads whatever the response says (CORS-
 * safelisted response-header names), never reads (forbidden response-
 * header names), or that are the CORS headers themselves, which the two
 * responses carry differently by construction: none is compared. */
static int cors_shadow_name_fixed(const char *name)
{
    static const char *const fixed[] = {"cache-control",  "content-language",
                                        "content-length", "content-type",
                                        "expires",        "last-modified",
                                        "pragma",         "set-cookie",
                                        "set-cookie2",    NULL};
    int i;

    if (strncasecmp(name, "access-control-", 15) == 0) {
        return 1;
    }
    for (i = 0; fixed[i]; i++) {
        if (strcasecmp(name, fixed[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Whether a script may read the response header name in one mode. */
static int cors_shadow_exposed(const cors_shadow_side *side, const char *name,
                               int credentials)
{
    return cors_shadow_list_has(side->expose_headers, name, strlen(name), 1)
           || (!credentials
               && cors_shadow_list_has(side->expose_headers, "*", 1, 0));
}

/* Whether a script reads the same response headers through a and b (both
 * passed the CORS check in this mode). */
static int cors_shadow_same_exposed(const cors_shadow_request *req,
                                    const apr_array_header_t **names,
                                    const cors_shadow_side *a,
                                    const cors_shadow_side *b, int credentials)
{
    int i;

    if (!*names && req->response_names) {
        *names = req->response_names(req->baton);
    }
    for (i = 0; *names && i < (*names)->nelts; i++) {
        const char *name = APR_ARRAY_IDX(*names, i, const char *);
        if (!cors_shadow_name_fixed(name)
            && cors_shadow_exposed(a, name, credentials)
                   != cors_shadow_exposed(b, name, credentials)) {
            return 0;
        }
    }
    return 1;
}

/* Two values of one header, byte for byte (both absent included). */
static int cors_shadow_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/*
 * The verdict is the conjunction of the stages, so where two verdicts
 * differ some stage differs: the first one in the order of the headers
 * names the header.  Stages compared in a mode where the verdicts agree
 * (both refused, at whatever stage) do not count: a browser does the same.
 * When every header that matters is sent byte for byte alike (the usual
 * case beside a recipe that agrees) there is nothing to judge.
 */
const char *cors_shadow_compare(const cors_shadow_request *req,
                                const cors_shadow_side *want,
                                const cors_shadow_side *got)
{
    const apr_array_header_t *names = NULL;
    cors_shadow_names asked;
    cors_shadow_grant gw, gg;
    int first = CORS_SHADOW_FIELDS, credentials, stage;

    /* A preflight's methods and headers; an actual response's expose list:
     * the others mean nothing to the browser. */
    if (cors_shadow_same(want->allow_origin, got->allow_origin)
        && (!req->preflight || !want->ok_status == !got->ok_status)
        && cors_shadow_same(want->allow_credentials, got->allow_credentials)
        && (req->preflight
                ? cors_shadow_same(want->allow_methods, got->allow_methods)
                      && cors_shadow_same(want->allow_headers,
                                          got->allow_headers)
                : cors_shadow_same(want->expose_headers,
                                   got->expose_headers))) {
        return NULL;
    }
    if (req->preflight) {
        int valid, star;
        cors_shadow_scan(req->request_headers, &valid, &star, NULL, 0, NULL,
                         &asked);
    }
    else {
        asked.n = asked.overflow = 0;
    }
    cors_shadow_grant_of(req, &asked, want, &gw, NULL, 0, 0);
    cors_shadow_grant_of(
        req, &asked, got, &gg, &gw,
        cors_shadow_same(want->allow_methods, got->allow_methods),
        want->allow_headers == got->allow_headers
            || (want->allow_headers && got->allow_headers
                && strcasecmp(want->allow_headers, got->allow_headers) == 0));

    for (credentials = 0; credentials <= 1; credentials++) {
        int sw[CORS_SHADOW_FIELDS], sg[CORS_SHADOW_FIELDS];
        int pw = 1, pg = 1;

        for (stage = 0; stage < CORS_SHADOW_EXPOSE; stage++) {
            sw[stage] = cors_shadow_stage(req, &gw, stage, credentials);
            sg[stage] = cors_shadow_stage(req, &gg, stage, credentials);
            pw = pw && sw[stage];
            pg = pg && sg[stage];
        }
        if (pw == pg) {
            /* Both refused, or both passed: then only what a script may
             * read of an actual response can differ. */
            if (pw && !req->preflight && CORS_SHADOW_EXPOSE < first
                && !cors_shadow_same(want->expose_headers, got->expose_headers)
                && !cors_shadow_same_exposed(req, &names, want, got,
                                             credentials)) {
                first = CORS_SHADOW_EXPOSE;
            }
            continue;
        }
        for (stage = 0; stage < first && stage < CORS_SHADOW_EXPOSE; stage++) {
            if (sw[stage] != sg[stage]) {
                first = stage;
                break;
            }
        }
    }
    return first < CORS_SHADOW_FIELDS ? cors_shadow_values[first] : NULL;
}
