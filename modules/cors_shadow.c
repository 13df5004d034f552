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

static const char *const cors_shadow_names[CORS_SHADOW_FIELDS] = {
    "access-control-allow-origin", "access-control-allow-credentials",
    "access-control-allow-methods", "access-control-allow-headers",
    "access-control-expose-headers"};

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

/* Whether a present value, trimmed, is exactly want. */
static int cors_shadow_is(const char *value, const char *want)
{
    const char *v;
    apr_size_t len;

    if (!value) {
        return 0;
    }
    len = cors_shadow_trim(value, &v);
    return len == strlen(want) && memcmp(v, want, len) == 0;
}

/*
 * Walk the items of a comma-separated list (RFC 9110 #rule: empty items
 * and whitespace around items are allowed).  Calls fn for each non-empty
 * item; stops and returns 0 when fn does, else 1.
 */
typedef int (*cors_item_fn)(void *ctx, const char *item, apr_size_t len);

static int cors_shadow_items(const char *list, cors_item_fn fn, void *ctx)
{
    const char *s = list;

    while (s && *s) {
        const char *start, *end;
        apr_size_t len;

        while (cors_is_ows(*s) || *s == ',') {
            s++;
        }
        start = s;
        while (*s && *s != ',') {
            s++;
        }
        end = s;
        while (end > start && cors_is_ows(end[-1])) {
            end--;
        }
        len = (apr_size_t)(end - start);
        if (len && !fn(ctx, start, len)) {
            return 0;
        }
    }
    return 1;
}

static int cors_item_is_token(void *ctx, const char *item, apr_size_t len)
{
    return cors_is_token(item, len);
}

/* A list a browser can parse: every item a token (an absent list is an
 * empty one). */
static int cors_shadow_list_valid(const char *list)
{
    return cors_shadow_items(list, cors_item_is_token, NULL);
}

typedef struct {
    const char *name;
    apr_size_t len;
    int nocase;
    int found;
} cors_item_search;

static int cors_item_match(void *ctx, const char *item, apr_size_t len)
{
    cors_item_search *s = ctx;

    if (len == s->len
        && (s->nocase ? strncasecmp(item, s->name, len) == 0
                      : memcmp(item, s->name, len) == 0)) {
        s->found = 1;
        return 0;
    }
    return 1;
}

/* Whether a list has name[0..len) among its items. */
static int cors_shadow_list_has(const char *list, const char *name,
                                apr_size_t len, int nocase)
{
    cors_item_search s;

    s.name = name;
    s.len = len;
    s.nocase = nocase;
    s.found = 0;
    cors_shadow_items(list, cors_item_match, &s);
    return s.found;
}

/* The allow-origin stage of the CORS check in one credentials mode: "*"
 * passes only without credentials, else the value must be the request's
 * Origin byte for byte.  A preflight also needs an ok status, without which
 * a browser reads none of the headers. */
static int cors_shadow_origin_ok(const cors_shadow_request *req,
                                 const cors_shadow_side *side, int credentials)
{
    const char *ao;
    apr_size_t len;

    if ((req->preflight && !side->ok_status) || !side->allow_origin) {
        return 0;
    }
    len = cors_shadow_trim(side->allow_origin, &ao);
    if (!credentials && len == 1 && ao[0] == '*') {
        return 1;
    }
    return req->origin && len == strlen(req->origin)
           && memcmp(ao, req->origin, len) == 0;
}

typedef struct {
    const char *allowed;
    int credentials;
    int ok;
} cors_header_walk;

/* Each requested header name must be listed, or covered by a wildcard. */
static int cors_item_header_allowed(void *ctx, const char *item, apr_size_t len)
{
    cors_header_walk *w = ctx;

    if (cors_shadow_list_has(w->allowed, item, len, 1)) {
        return 1;
    }
    if (!w->credentials && cors_shadow_list_has(w->allowed, "*", 1, 0)
        && !(len == 13 && strncasecmp(item, "authorization", 13) == 0)) {
        return 1;
    }
    w->ok = 0;
    return 0;
}

/* The allow-methods stage of a preflight in one credentials mode. */
static int cors_shadow_methods_ok(const cors_shadow_request *req,
                                  const cors_shadow_side *side, int credentials)
{
    const char *m = req->request_method ? req->request_method : "";

    if (!cors_shadow_list_valid(side->allow_methods)) {
        return 0;
    }
    return cors_method_safelisted(m)
           || cors_shadow_list_has(side->allow_methods, m, strlen(m), 0)
           || (!credentials
               && cors_shadow_list_has(side->allow_methods, "*", 1, 0));
}

/* The allow-headers stage of a preflight in one credentials mode. */
static int cors_shadow_headers_ok(const cors_shadow_request *req,
                                  const cors_shadow_side *side, int credentials)
{
    cors_header_walk w;

    if (!cors_shadow_list_valid(side->allow_headers)) {
        return 0;
    }
    w.allowed = side->allow_headers;
    w.credentials = credentials;
    w.ok = 1;
    cors_shadow_items(req->request_headers, cors_item_header_allowed, &w);
    return w.ok;
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

/* One stage of the browser's verdict in one credentials mode; a failed
 * stage fails the request. */
static int cors_shadow_stage(const cors_shadow_request *req,
                             const cors_shadow_side *side, int stage,
                             int credentials)
{
    switch (stage) {
    case CORS_SHADOW_ORIGIN:
        return cors_shadow_origin_ok(req, side, credentials);
    case CORS_SHADOW_CREDENTIALS:
        return !credentials || cors_shadow_is(side->allow_credentials, "true");
    case CORS_SHADOW_METHODS:
        return !req->preflight
               || cors_shadow_methods_ok(req, side, credentials);
    case CORS_SHADOW_HEADERS:
        return !req->preflight
               || cors_shadow_headers_ok(req, side, credentials);
    default:
        return 1;
    }
}

/* Whether a script reads the same response headers through a and b (both
 * passed the CORS check in this mode). */
static int cors_shadow_same_exposed(const cors_shadow_request *req,
                                    const cors_shadow_side *a,
                                    const cors_shadow_side *b, int credentials)
{
    int i;

    for (i = 0; req->response_names && i < req->response_names->nelts; i++) {
        const char *name = APR_ARRAY_IDX(req->response_names, i, const char *);
        if (!cors_shadow_name_fixed(name)
            && cors_shadow_exposed(a, name, credentials)
                   != cors_shadow_exposed(b, name, credentials)) {
            return 0;
        }
    }
    return 1;
}

/*
 * The verdict is the conjunction of the stages, so where two verdicts
 * differ some stage differs: the first one in the order of the headers
 * names the header.  Stages compared in a mode where the verdicts agree
 * (both refused, at whatever stage) do not count: a browser does the same.
 */
const char *cors_shadow_compare(const cors_shadow_request *req,
                                const cors_shadow_side *want,
                                const cors_shadow_side *got)
{
    int first = CORS_SHADOW_FIELDS, credentials, stage;

    for (credentials = 0; credentials <= 1; credentials++) {
        int sw[CORS_SHADOW_FIELDS], sg[CORS_SHADOW_FIELDS];
        int pw = 1, pg = 1;

        for (stage = 0; stage < CORS_SHADOW_EXPOSE; stage++) {
            sw[stage] = cors_shadow_stage(req, want, stage, credentials);
            sg[stage] = cors_shadow_stage(req, got, stage, credentials);
            pw = pw && sw[stage];
            pg = pg && sg[stage];
        }
        if (pw == pg) {
            /* Both refused, or both passed: then only what a script may
             * read of an actual response can differ. */
            if (pw && !req->preflight
                && !cors_shadow_same_exposed(req, want, got, credentials)
                && CORS_SHADOW_EXPOSE < first) {
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
    return first < CORS_SHADOW_FIELDS ? cors_shadow_names[first] : NULL;
}
