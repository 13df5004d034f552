/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_policy: the verdict (docs/mod_cors.md, "What a request gets"; see
 * cors_policy.h).
 *
 * Order of checks for a preflight: the Origin (syntax, then the set), the
 * requested method, then each requested header name.  The first failure is
 * the reason; a reason quotes the offending request value, bounded and
 * escaped by cors_quote(), and never the configured policy.
 *
 * An actual request: the Origin, then cross-origin protection (asked only
 * where it is on and the method may change state; cors_cross_origin), then
 * CORSRejectDisallowed.  The first refusal is the answer.
 */

#include "cors_origin.h"
#include "cors_policy.h"
#include "cors_origin.h"
#include "cors_string.h"
#include "cors_token.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <string.h>

const char *cors_result_name(cors_result result)
{
    switch (result) {
    case CORS_RESULT_PREFLIGHT_OK:
        return "preflight-ok";
    case CORS_RESULT_PREFLIGHT_DENIED:
        return "preflight-denied";
    case CORS_RESULT_ACTUAL_OK:
        return "actual-ok";
    case CORS_RESULT_ACTUAL_DENIED:
        return "actual-denied";
    default:
        return "none";
    }
}

const char *cors_reason_name(cors_reason reason)
{
    switch (reason) {
    case CORS_REASON_ORIGIN:
        return "origin";
    case CORS_REASON_MALFORMED:
        return "malformed-origin";
    case CORS_REASON_METHOD:
        return "method";
    case CORS_REASON_HEADERS:
        return "headers";
    case CORS_REASON_REQUEST_METHOD:
        return "request-method";
    case CORS_REASON_CROSS_ORIGIN:
        return "cross-origin";
    case CORS_REASON_SERVER:
        return "server";
    default:
        return NULL;
    }
}

#define CORS_FIELD(directive, kind, member)                                    \
    {                                                                          \
        directive, kind, APR_OFFSETOF(cors_policy, member)                     \
    }

/* In the order of cors_field. */
const cors_field_def cors_fields[CORS_FIELDS] = {
    CORS_FIELD("CORSEngine", CORS_KIND_INT, engine),
    CORS_FIELD("CORSAllowOrigin", CORS_KIND_ORIGINS, origins),
    CORS_FIELD("CORSAllowMethods", CORS_KIND_LIST, methods),
    CORS_FIELD("CORSAllowHeaders", CORS_KIND_LIST, allow_headers),
    CORS_FIELD("CORSExposeHeaders", CORS_KIND_LIST, expose_headers),
    CORS_FIELD("CORSAllowCredentials", CORS_KIND_INT, credentials),
    CORS_FIELD("CORSMaxAge", CORS_KIND_STRING, max_age),
    CORS_FIELD("CORSAllowPrivateNetwork", CORS_KIND_INT, private_network),
    CORS_FIELD("CORSPreflightStatus", CORS_KIND_INT, preflight_status),
    CORS_FIELD("CORSPreflightPassthrough", CORS_KIND_INT, passthrough),
    CORS_FIELD("CORSPreflightBypassAuth", CORS_KIND_INT, bypass_auth),
    CORS_FIELD("CORSRejectDisallowed", CORS_KIND_INT, reject),
    CORS_FIELD("CORSAllowOriginMapTTL", CORS_KIND_INT, map_ttl),
    CORS_FIELD("CORSCrossOriginProtection", CORS_KIND_INT, cross_origin),
};

/* An empty list that a section's edits start from. */
static cors_list *cors_default_list(apr_pool_t *p)
{
    cors_list *l = cors_list_make(p, 0, NULL);

    l->is_default = 1;
    cors_list_seal(p, l);
    return l;
}

void cors_policy_defaults(apr_pool_t *p, cors_policy *pol,
                          cors_regex_match_fn match)
{
    memset(pol, 0, sizeof(*pol));
    pol->engine = CORS_ENGINE_OFF;
    pol->origins = cors_origins_make(p, 0, match);
    pol->methods = cors_list_make(p, 0, NULL);
    cors_list_add(pol->methods, "GET");
    cors_list_add(pol->methods, "HEAD");
    cors_list_add(pol->methods, "POST");
    pol->methods->is_default = 1;
    cors_list_seal(p, pol->methods);
    pol->allow_headers = cors_default_list(p);
    pol->expose_headers = cors_default_list(p);
    pol->preflight_status = 204;
    pol->bypass_auth = 1;
    pol->map_ttl = 60;
}

void cors_policy_mark(apr_pool_t *p, cors_policy *pol, cors_field field,
                      const cors_where *where)
{
    if (!pol->lines) {
        pol->lines = apr_pcalloc(p, CORS_FIELDS * sizeof(*pol->lines));
    }
    pol->lines[field] = where;
    pol->set |= CORS_FIELD_BIT(field);
}

const cors_where *cors_policy_where(const cors_policy *pol, cors_field field)
{
    apr_uint32_t bit = CORS_FIELD_BIT(field);

    while (pol && (pol->set & bit)) {
        if (pol->lines) {
            return pol->lines[field];
        }
        pol = (pol->add->set & bit) ? pol->add : pol->base;
    }
    return NULL;
}

int cors_is_preflight(const cors_request *req)
{
    /* Access-Control-Request-Method first: absent from nearly every
     * request that is no preflight. */
    return req->request_method && req->origin && req->method
           && strcmp(req->method, "OPTIONS") == 0;
}

int cors_method_safelisted(const char *method)
{
    switch (method[0]) {
    case 'G':
        return method[1] == 'E' && method[2] == 'T' && !method[3];
    case 'H':
        return strcmp(method + 1, "EAD") == 0;
    case 'P':
        return strcmp(method + 1, "OST") == 0;
    default:
        return 0;
    }
}

/*
 * Request headers a browser may list in Access-Control-Request-Headers that
 * the module always allows (docs/mod_cors.md, "Preflights"), so a JSON API
 * works without listing Content-Type.
 */
static int cors_header_safelisted(const char *name)
{
    switch (name[0]) {
    case 'a':
        return strcmp(name, "accept") == 0
               || strcmp(name, "accept-language") == 0;
    case 'c':
        return strcmp(name, "content-language") == 0
               || strcmp(name, "content-type") == 0;
    case 'r':
        return strcmp(name, "range") == 0;
    default:
        return 0;
    }
}

static int cors_header_allowed(const cors_list *allowed, const char *name)
{
    if (cors_header_safelisted(name)) {
        return 1;
    }
    switch (cors_list_lookup(allowed, name, APR_HASH_KEY_STRING)) {
    case CORS_LIST_IN:
        return 1;
    case CORS_LIST_OUT:
        return 0;
    default:
        /* The Fetch standard never lets '*' cover Authorization. */
        return cors_list_star(allowed) && strcmp(name, "authorization") != 0;
    }
}

static void cors_deny(cors_verdict *v, cors_reason why, const char *reason)
{
    v->result =
        v->preflight ? CORS_RESULT_PREFLIGHT_DENIED : CORS_RESULT_ACTUAL_DENIED;
    v->why = why;
    v->reason = reason;
}

/* Access-Control-Expose-Headers for an allowed actual response. */
static void cors_decide_expose(apr_pool_t *p, const cors_policy *pol,
                               int credentials, cors_verdict *v)
{
    const cors_list *l = pol->expose_headers;
    const char *joined;

    if (cors_list_star(l)) {
        if (!credentials && cors_list_star_plain(l)) {
            v->expose_headers = "*";
            return;
        }
        /* A literal '*' means nothing to a browser with credentials, and
         * cannot say "any but X": name the response's own headers. */
        v->expose_response_names = 1;
    }
    joined = cors_list_joined(p, l);
    if (*joined) {
        v->expose_headers = joined;
    }
}

/*
 * The Origin, for preflights and actual requests alike: its syntax, then
 * the set.  Sets v->origin_allowed; on a denial, says why in v.
 */
static int cors_check_origin(apr_pool_t *p, const cors_policy *pol,
                             const cors_request *req, int credentials,
                             cors_verdict *v)
{
    const char *bad = NULL;

    /* A map found it (docs/mod_cors.md, "Maps"): a valid origin, allowed. */
    if (req->origin_mapped) {
        return v->origin_allowed = 1;
    }
    v->origin_allowed = cors_origins_allow_request(p, pol->origins, req->origin,
                                                   !credentials, &bad);
    v->origin_malformed = bad != NULL;
    if (bad) {
        cors_deny(v, CORS_REASON_MALFORMED,
                  apr_psprintf(p, "origin '%s' is malformed: %s",
                               cors_quote(p, req->origin), bad));
    }
    else if (!v->origin_allowed) {
        cors_deny(v, CORS_REASON_ORIGIN,
                  apr_psprintf(p, "origin '%s' is not allowed",
                               cors_quote(p, req->origin)));
    }
    return v->origin_allowed;
}

/* The requested method and header names of a preflight whose Origin
 * passed; on a denial, says why in v.  *names gets the header names. */
static int cors_check_request(apr_pool_t *p, const cors_policy *pol,
                              const cors_request *req,
                              apr_array_header_t **names, const char **acah,
                              cors_verdict *v)
{
    const char *rm = req->request_method, *err;
    int i;

    if (!cors_is_token(rm, strlen(rm))) {
        cors_deny(v, CORS_REASON_REQUEST_METHOD,
                  apr_psprintf(p,
                               "Access-Control-Request-Method '%s' is not "
                               "a method token",
                               cors_quote(p, rm)));
        return 0;
    }
    if (!cors_method_safelisted(rm)
        && !cors_list_has(pol->methods, rm, APR_HASH_KEY_STRING)) {
        cors_deny(
            v, CORS_REASON_METHOD,
            apr_psprintf(p, "method '%s' is not allowed", cors_quote(p, rm)));
        return 0;
    }
    if (!req->request_headers) {
        return 1;
    }
    err = cors_split_header_names(p, req->request_headers, names, acah);
    if (err) {
        cors_deny(v, CORS_REASON_HEADERS, err);
        return 0;
    }
    for (i = 0; i < (*names)->nelts; i++) {
        const char *name = APR_ARRAY_IDX(*names, i, const char *);
        if (!cors_header_allowed(pol->allow_headers, name)) {
            cors_deny(v, CORS_REASON_HEADERS,
                      apr_psprintf(p, "request header '%s' is not allowed",
                                   cors_quote(p, name)));
            return 0;
        }
    }
    return 1;
}

/*
 * A preflight (docs/mod_cors.md, "Preflights"): answered by the module,
 * 204/200 with the Access-Control-* values, or 403 with a one-line reason
 * and none; with CORSPreflightPassthrough the handler answers instead.
 */
static void cors_decide_preflight(apr_pool_t *p, const cors_policy *pol,
                                  const cors_request *req, int credentials,
                                  cors_verdict *v)
{
    apr_array_header_t *names = NULL;
    const char *acah = NULL;

    v->vary =
        pol->private_network ? CORS_VARY_PREFLIGHT_PNA : CORS_VARY_PREFLIGHT;
    v->method_allowed = 1;
    if (!cors_check_origin(p, pol, req, credentials, v)
        || !cors_check_request(p, pol, req, &names, &acah, v)) {
        v->status = pol->passthrough ? 0 : 403;
        v->body =
            apr_pstrcat(p, "CORS preflight refused: ", v->reason, "\n", NULL);
        return;
    }
    v->result = CORS_RESULT_PREFLIGHT_OK;
    v->status = pol->passthrough ? 0 : pol->preflight_status;
    /* A mapped origin may have a policy of its own: its answer names it,
     * whatever '*' would say to others. */
    v->allow_origin = cors_origins_star_plain(pol->origins) && !credentials
                              && !req->origin_mapped
                          ? "*"
                          : req->origin;
    v->allow_credentials = credentials ? "true" : NULL;
    if (cors_list_star(pol->methods)) {
        /* '*' is a wildcard to a browser only without credentials, and
         * can never say "any but X". */
        v->allow_methods = !credentials && cors_list_star_plain(pol->methods)
                               ? "*"
                               : req->request_method;
    }
    else {
        v->allow_methods = cors_list_joined(p, pol->methods);
    }
    if (names && names->nelts > 0) {
        v->allow_headers = acah;
    }
    v->max_age = pol->max_age;
    if (pol->private_network && req->request_private
        && strcasecmp(req->request_private, "true") == 0) {
        v->allow_private_network = "true";
    }
}

/* Whether the Origin is the server's own (never refused). */
static int cors_same_origin(apr_pool_t *p, const cors_request *req)
{
    cors_origin self, theirs;

    return req->self && !cors_origin_parse_request(p, req->self, &self)
           && !cors_origin_parse_request(p, req->origin, &theirs)
           && strcmp(self.key, theirs.key) == 0;
}

/*
 * CORSRejectDisallowed (docs/mod_cors.md): a cross-origin request from a
 * disallowed origin gets 403 and no Access-Control-* header; one from an
 * allowed origin with a method not allowed gets 405, its CORS headers and
 * an Allow header.  Never a plain OPTIONS, never a same-origin request.
 */
static void cors_decide_rejection(apr_pool_t *p, const cors_policy *pol,
                                  const cors_request *req, cors_verdict *v)
{
    if (!pol->reject || !req->origin || strcmp(req->method, "OPTIONS") == 0
        || (v->origin_allowed && v->method_allowed)
        || cors_same_origin(p, req)) {
        return;
    }
    if (!v->origin_allowed) {
        v->status = 403;
        cors_verdict_silence(v);
        return;
    }
    v->status = 405;
    v->allow = cors_allow_methods(p, pol->methods);
    cors_deny(v, CORS_REASON_METHOD,
              apr_psprintf(p, "method '%s' is not allowed",
                           cors_quote(p, req->method)));
}

/* GET, HEAD or OPTIONS; inlined where cross-origin protection is asked on
 * every request of a scope, so that a GET pays a few comparisons only. */
static APR_INLINE int cors_method_is_safe(const char *method)
{
    switch (method[0]) {
    case 'G':
        return method[1] == 'E' && method[2] == 'T' && !method[3];
    case 'H':
        return strcmp(method + 1, "EAD") == 0;
    case 'O':
        return strcmp(method + 1, "PTIONS") == 0;
    default:
        return 0;
    }
}

/* Whether cross-origin protection judges the request: the caller's test,
 * inlined, so that a GET in a protected scope makes no call for it. */
static APR_INLINE int cors_protects(const cors_policy *pol,
                                    const cors_request *req)
{
    return pol->cross_origin && !cors_method_is_safe(req->method);
}

/*
 * CORSCrossOriginProtection (docs/mod_cors.md, "Protecting state-changing
 * endpoints"): a state-changing request from another site gets the
 * module's own 403, a one-line text/plain reason and no Access-Control-*
 * header.  Decided before CORSRejectDisallowed, whose refusal it
 * pre-empts.  An error document is served as the error it stands for.
 * Asked (cors_protects) only where it is on and the method may change
 * state.
 */
static void cors_decide_protection(apr_pool_t *p, const cors_policy *pol,
                                   const cors_request *req, cors_verdict *v)
{
    const char *why;

    if (req->error_document || !(why = cors_cross_origin(p, req, v))) {
        return;
    }
    cors_verdict_silence(v);
    cors_deny(v, CORS_REASON_CROSS_ORIGIN, why);
    v->status = 403;
    v->body = apr_pstrcat(p, "Cross-origin request refused: ", why, "\n", NULL);
}

/* An actual request (docs/mod_cors.md, "Actual requests"). */
static void cors_decide_actual(apr_pool_t *p, const cors_policy *pol,
                               const cors_request *req, int credentials,
                               cors_verdict *v)
{
    v->method_allowed =
        cors_method_safelisted(req->method)
        || strcmp(req->method, "OPTIONS") == 0
        || cors_list_has(pol->methods, req->method, APR_HASH_KEY_STRING);
    if (cors_origins_star_plain(pol->origins) && !credentials
        && !req->origin_mapped) {
        /* The response does not depend on the Origin: '*' on every
         * response in scope, and no Vary: Origin. */
        v->allow_origin = "*";
        cors_decide_expose(p, pol, 0, v);
    }
    else {
        v->vary = CORS_VARY_ACTUAL;
    }
    if (!req->origin) {
        v->result = CORS_RESULT_NONE;
        if (cors_protects(pol, req)) {
            cors_decide_protection(p, pol, req, v);
        }
        return;
    }
    if (cors_check_origin(p, pol, req, credentials, v)) {
        v->result = CORS_RESULT_ACTUAL_OK;
        if (!v->allow_origin) {
            v->allow_origin = req->origin;
            v->allow_credentials = credentials ? "true" : NULL;
            cors_decide_expose(p, pol, credentials, v);
        }
    }
    if (cors_protects(pol, req)) {
        cors_decide_protection(p, pol, req, v);
    }
    if (!v->status) {
        cors_decide_rejection(p, pol, req, v);
    }
}

void cors_decide(apr_pool_t *p, const cors_policy *pol, const cors_request *req,
                 cors_verdict *v)
{
    int credentials = pol->credentials;

    memset(v, 0, sizeof(*v));
    v->preflight = cors_is_preflight(req);

    /* '*' (or a regex that trusts everyone) and credentials met through
     * merging: the configuration check could not see it, so credentials go
     * (docs/mod_cors.md, "Wildcards and credentials"). */
    if (credentials
        && (cors_origins_star(pol->origins)
            || cors_origins_canary(pol->origins))) {
        credentials = 0;
        v->credentials_dropped = 1;
    }
    if (v->preflight) {
        cors_decide_preflight(p, pol, req, credentials, v);
    }
    else {
        cors_decide_actual(p, pol, req, credentials, v);
    }
}

void cors_verdict_silence(cors_verdict *v)
{
    v->allow_origin = v->allow_credentials = v->allow_methods = NULL;
    v->allow_headers = v->max_age = v->allow_private_network = NULL;
    v->expose_headers = NULL;
    v->expose_response_names = 0;
}

const char *cors_allow_methods(apr_pool_t *p, const cors_list *methods)
{
    apr_array_header_t *all = apr_array_make(p, 8, sizeof(const char *));
    apr_array_header_t *items = cors_list_items(p, methods);
    int i;

    APR_ARRAY_PUSH(all, const char *) = "GET";
    APR_ARRAY_PUSH(all, const char *) = "HEAD";
    APR_ARRAY_PUSH(all, const char *) = "POST";
    APR_ARRAY_PUSH(all, const char *) = "OPTIONS";
    for (i = 0; i < items->nelts; i++) {
        const char *m = APR_ARRAY_IDX(items, i, const char *);
        if (!cors_method_safelisted(m) && strcmp(m, "OPTIONS") != 0) {
            APR_ARRAY_PUSH(all, const char *) = m;
        }
    }
    return cors_join(p, all);
}

void cors_verdict_served(apr_pool_t *p, const cors_policy *pol, cors_verdict *v,
                         int answered, int status, int error_document)
{
    if (!v->preflight || answered
        || (pol->passthrough && status >= 200 && status < 300
            && !error_document)) {
        return;
    }
    cors_verdict_silence(v);
    if (v->result != CORS_RESULT_PREFLIGHT_DENIED) {
        v->result = CORS_RESULT_PREFLIGHT_DENIED;
        v->why = CORS_REASON_SERVER;
        v->reason = apr_psprintf(p,
                                 "the server answered the preflight with %d "
                                 "before mod_cors could",
                                 status);
    }
}

/* ------------------------------------------------------------------ */
/* Cross-origin protection                                              */

int cors_method_safe(const char *method)
{
    return cors_method_is_safe(method);
}

/* A Host header's port: 1 to 65535 in digits, else 0. */
static int cors_host_port(const char *s)
{
    long port = 0;

    if (!*s) {
        return 0;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (port = port * 10 + (*s - '0')) > 65535) {
            return 0;
        }
    }
    return (int)port;
}

int cors_origin_is_host(const char *origin, const char *host)
{
    const char *o = origin;
    int deflt, oport;

    /* The Origin is valid (cors_decide() checked it), so its host is as
     * browsers write it and its port has no leading zero.  This runs for
     * every state-changing request without Fetch Metadata: one pass over
     * the two hosts, nothing allocated, no general string search. */
    if (!host || cors_ascii_lower(o[0]) != 'h' || cors_ascii_lower(o[1]) != 't'
        || cors_ascii_lower(o[2]) != 't' || cors_ascii_lower(o[3]) != 'p') {
        return 0;
    }
    o += 4;
    deflt = 80;
    if (cors_ascii_lower(*o) == 's') {
        deflt = 443;
        o++;
    }
    /* Only an http(s) origin names an HTTP authority; the scheme itself is
     * never compared (a proxy in front may have terminated TLS). */
    if (o[0] != ':' || o[1] != '/' || o[2] != '/') {
        return 0;
    }
    o += 3;

    /* The hosts, byte for byte but for case, to the end of the Origin's:
     * an IPv6 literal through its ']', any other host to its ':' or the
     * end.  Host is uri-host [":" port] (RFC 9110), brackets and all. */
    if (*o == '[') {
        char c;
        do {
            c = *o++;
            if (!c
                || (c != *host
                    && cors_ascii_lower(c) != cors_ascii_lower(*host))) {
                return 0;
            }
            host++;
        } while (c != ']');
    }
    else {
        /* Browsers send lowercase hosts: fold only where bytes differ. */
        for (; *o && *o != ':'; o++, host++) {
            if (*o != *host
                && cors_ascii_lower(*o) != cors_ascii_lower(*host)) {
                return 0;
            }
        }
    }
    if (*host && *host != ':') {
        return 0;
    }
    oport = *o == ':' ? cors_host_port(o + 1) : deflt;

    /* A Host without a port says "the default port" of a scheme the module
     * cannot see: it equals an Origin on its own scheme's default port
     * (https://a.example and Host a.example, through a proxy that
     * terminated TLS or not).  A Host with a port equals the Origin's port,
     * written or implied (https://a.example and Host a.example:443). */
    if (!*host) {
        return oport == deflt;
    }
    return oport && cors_host_port(host + 1) == oport;
}

const char *cors_cross_origin(apr_pool_t *p, const cors_request *req,
                              const cors_verdict *v)
{
    if (!req->method || cors_method_safe(req->method)) {
        return NULL;
    }

    /* A browser that sends Fetch Metadata says where the request comes
     * from; only an origin the policy allows may come from elsewhere. */
    if (req->fetch_site) {
        const char *fs = req->fetch_site;
        if (strcmp(fs, "same-origin") == 0 || strcmp(fs, "none") == 0
            || v->origin_allowed) {
            return NULL;
        }
        if (!req->origin) {
            return apr_psprintf(p,
                                "Sec-Fetch-Site is '%s' and the request has "
                                "no Origin",
                                cors_quote(p, fs));
        }
        return apr_psprintf(p,
                            "Sec-Fetch-Site is '%s' and origin '%s' is not "
                            "allowed",
                            cors_quote(p, fs), cors_quote(p, req->origin));
    }

    /* No Fetch Metadata: an older browser, or no browser at all.  Without
     * an Origin it is no browser's cross-origin request. */
    if (!req->origin || v->origin_allowed
        || (!v->origin_malformed
            && cors_origin_is_host(req->origin, req->host))) {
        return NULL;
    }
    if (v->origin_malformed) {
        cors_origin o;
        return apr_psprintf(p,
                            "no Sec-Fetch-Site, and origin '%s' is "
                            "malformed: %s",
                            cors_quote(p, req->origin),
                            cors_origin_parse_request(p, req->origin, &o));
    }
    return apr_psprintf(p,
                        "no Sec-Fetch-Site, and origin '%s' is neither the "
                        "Host '%s' nor allowed",
                        cors_quote(p, req->origin),
                        req->host ? cors_quote(p, req->host) : "");
}
