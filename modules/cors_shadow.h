/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_shadow: whether two sets of Access-Control-* response headers let a
 * browser do the same thing (docs/mod_cors.md, "Report-only").  Under
 * CORSEngine ReportOnly the module compares what it would send with what
 * the response really carries, as a browser judges them (the Fetch
 * standard's CORS check, CORS-preflight fetch and CORS-filtered response),
 * not as strings: "*" and an echoed Origin both let a credential-less
 * request read the response; header-name lists are case-insensitive sets.
 * APR only.
 */

#ifndef CORS_SHADOW_H
#define CORS_SHADOW_H

#include "apr_pools.h"
#include "apr_tables.h"

/* One response's CORS headers: each the combined value of all its lines
 * (", "-joined, as a browser combines them), or NULL when absent. */
typedef struct cors_shadow_side {
    const char *allow_origin;
    const char *allow_credentials;
    const char *allow_methods;
    const char *allow_headers;
    const char *expose_headers;
    int ok_status; /* a preflight's status is 200-299 (Fetch "ok status");
                    * ignored for actual requests */
} cors_shadow_side;

/* The request both responses answer. */
typedef struct cors_shadow_request {
    const char *origin;          /* Origin as sent, or NULL */
    int preflight;               /* a CORS preflight */
    const char *request_method;  /* a preflight's Access-Control-Request-
                                  * Method */
    const char *request_headers; /* a preflight's Access-Control-Request-
                                  * Headers, or NULL */
    /* An actual response's own header names (const char *), which
     * Access-Control-Expose-Headers picks from: asked for at most once,
     * only when the two expose lists differ; NULL: none. */
    const apr_array_header_t *(*response_names)(void *baton);
    void *baton;
} cors_shadow_request;

/*
 * NULL when a browser would do exactly the same with `got` as with `want`,
 * with and without credentials: pass or fail the request, and let a script
 * read the same response headers.  Otherwise CORS_SHADOW's value for it,
 * "mismatch:" and the lowercase name of the first header, in the order
 * access-control-allow-origin, -allow- credentials, -allow-methods,
 * -allow-headers, -expose-headers, whose part of the browser's verdict differs
 * in a credentials mode where the verdicts differ.  A preflight whose status is
 * not 2xx grants nothing whatever its headers say; that is reported on
 * access-control-allow-origin, the first thing a browser finds wanting.
 */
const char *cors_shadow_compare(const cors_shadow_request *req,
                                const cors_shadow_side *want,
                                const cors_shadow_side *got);

#endif /* CORS_SHADOW_H */
