/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_policy: the one decision of the module.  Given a policy (built from
 * the merged per-directory configuration) and the facts of a request, say
 * what kind of request it is, whether it is allowed, why not, and which
 * Access-Control-* values go out.  No request_rec, no logging: the module
 * reads the request, calls cors_decide() and writes what it returns.
 */

#ifndef CORS_POLICY_H
#define CORS_POLICY_H

#include "apr_pools.h"

#include "cors_list.h"
#include "cors_origin_set.h"

/* The verdict as logged in CORS_RESULT (docs/mod_cors.md, "Logging"). */
typedef enum {
    CORS_RESULT_NONE = 0, /* no Origin */
    CORS_RESULT_PREFLIGHT_OK,
    CORS_RESULT_PREFLIGHT_DENIED,
    CORS_RESULT_ACTUAL_OK,
    CORS_RESULT_ACTUAL_DENIED
} cors_result;

/* CORS_RESULT's value for a result. */
const char *cors_result_name(cors_result result);

/* Why a request was denied, as logged in CORS_REASON. */
typedef enum {
    CORS_REASON_NONE = 0,       /* not denied */
    CORS_REASON_ORIGIN,         /* the Origin is not allowed */
    CORS_REASON_MALFORMED,      /* the Origin is not a serialized origin */
    CORS_REASON_METHOD,         /* the method is not allowed */
    CORS_REASON_HEADERS,        /* a requested header is not allowed */
    CORS_REASON_REQUEST_METHOD, /* Access-Control-Request-Method is bad */
    CORS_REASON_CROSS_ORIGIN,   /* a cross-site state-changing request */
    CORS_REASON_SERVER          /* the server refused the preflight first */
} cors_reason;

/* CORS_REASON's value for a reason, or NULL for CORS_REASON_NONE. */
const char *cors_reason_name(cors_reason reason);

/*
 * The directives a policy is made of.  Each is one field of cors_policy and
 * one row of cors_fields[], which drives create, merge and the list of
 * effective settings: adding a directive is one enumerator, one field and
 * one row.
 */
typedef enum {
    CORS_FIELD_ENGINE,
    CORS_FIELD_ORIGINS, /* CORSAllowOrigin and CORSAllowOriginMatch */
    CORS_FIELD_METHODS,
    CORS_FIELD_ALLOW_HEADERS,
    CORS_FIELD_EXPOSE_HEADERS,
    CORS_FIELD_CREDENTIALS,
    CORS_FIELD_MAX_AGE,
    CORS_FIELD_PRIVATE_NETWORK,
    CORS_FIELD_PREFLIGHT_STATUS,
    CORS_FIELD_PASSTHROUGH,
    CORS_FIELD_BYPASS_AUTH,
    CORS_FIELD_REJECT,
    CORS_FIELD_MAP_TTL, /* CORSAllowOriginMapTTL (CORSAllowOriginMap lines
                         * are items of the origin set) */
    CORS_FIELD_CROSS_ORIGIN,
    CORS_FIELDS
} cors_field;

/* How a field merges: a value is inherited or replaced whole; a list or an
 * origin set may also be edited ('+'/'-'), and is then moved onto what it
 * inherits. */
typedef enum {
    CORS_KIND_INT,    /* an int: a flag, the engine, a status */
    CORS_KIND_STRING, /* a const char *, NULL meaning "none" */
    CORS_KIND_LIST,   /* a cors_list * */
    CORS_KIND_ORIGINS /* a cors_origins * */
} cors_field_kind;

typedef struct cors_field_def {
    const char *directive; /* as the manual spells it */
    cors_field_kind kind;
    apr_size_t offset; /* of the value in cors_policy */
} cors_field_def;

extern const cors_field_def cors_fields[CORS_FIELDS];

/* Where a setting was made: the last line that set it. */
typedef struct cors_where {
    const char *directive; /* as written */
    const char *args;      /* its arguments, as written */
    const char *file;
    int line;
} cors_where;

/* CORSEngine.  ReportOnly decides as On would and changes nothing
 * (docs/mod_cors.md, "Report-only"). */
#define CORS_ENGINE_OFF 0
#define CORS_ENGINE_ON 1
#define CORS_ENGINE_REPORT 2

/*
 * A policy: what one section says, or what a request's sections say once
 * merged.  Every field holds its effective value from the start (the
 * defaults of docs/mod_cors.md, "Directives"), so request-time code never
 * meets an unset value; `set' says which fields the section (or one of the
 * sections merged into it) wrote.  Where each was written is kept out of
 * the merge's way: a section has its lines, a merged policy the two it was
 * merged from, and cors_policy_where() follows them when asked.  Built while
 * the configuration is read (or an .htaccess file), read-only afterwards.
 */
typedef struct cors_policy {
    int engine;                /* CORSEngine: CORS_ENGINE_* */
    cors_origins *origins;     /* never NULL (empty: nothing allowed) */
    cors_list *methods;        /* CORSAllowMethods (GET HEAD POST) */
    cors_list *allow_headers;  /* CORSAllowHeaders (none) */
    cors_list *expose_headers; /* CORSExposeHeaders (none) */
    int credentials;           /* CORSAllowCredentials (Off) */
    const char *max_age;       /* CORSMaxAge as sent, NULL for Off */
    int private_network;       /* CORSAllowPrivateNetwork (Off) */
    int preflight_status;      /* CORSPreflightStatus: 204 or 200 */
    int passthrough;           /* CORSPreflightPassthrough (Off) */
    int bypass_auth;           /* CORSPreflightBypassAuth (On) */
    int reject;                /* CORSRejectDisallowed (Off) */
    int map_ttl;               /* CORSAllowOriginMapTTL (60) */
    int cross_origin;          /* CORSCrossOriginProtection (Off) */
    apr_uint32_t set;          /* 1 << field for each field written */
    const cors_where **lines;  /* a section's: CORS_FIELDS entries, the line
                                * that set each field; NULL when merged */
    const struct cors_policy *base, *add; /* merged from, else NULL */
} cors_policy;

#define CORS_FIELD_BIT(f) ((apr_uint32_t)1 << (f))

/* Fill *pol with the defaults, nothing set; the empty origin set runs its
 * regexes with match. */
void cors_policy_defaults(apr_pool_t *p, cors_policy *pol,
                          cors_regex_match_fn match);

/*
 * The merge: *out is base with every field add set taken from add (a list
 * or origin set that edits is moved onto base's).  base and add must
 * outlive *out.  It runs on every request, once per section with CORS
 * lines that applies, so it is inline and visits only the fields the child
 * set; an edit is moved onto the parent's value only when the parent (or a
 * section above it) set one: an edit already rests on the default it would
 * otherwise be moved onto.  Allocates only then.  Provenance is two
 * pointers (cors_policy_where() follows them).
 */
static APR_INLINE void cors_policy_merge(apr_pool_t *p, const cors_policy *base,
                                         const cors_policy *add,
                                         cors_policy *out)
{
    apr_uint32_t todo = add->set;

    *out = *base;
    out->set = base->set | add->set;
    out->lines = NULL;
    out->base = base;
    out->add = add;
    while (todo) {
        int f = __builtin_ctz(todo);
        const char *from = (const char *)add + cors_fields[f].offset;
        char *to = (char *)out + cors_fields[f].offset;
        int inherited = (base->set & CORS_FIELD_BIT(f)) != 0;

        todo &= todo - 1;
        switch (cors_fields[f].kind) {
        case CORS_KIND_INT:
            *(int *)to = *(const int *)from;
            break;
        case CORS_KIND_STRING:
            *(const char **)to = *(const char *const *)from;
            break;
        case CORS_KIND_LIST:
            *(cors_list **)to =
                inherited ? cors_list_rebase(p, *(cors_list *const *)from,
                                             *(cors_list **)to)
                          : *(cors_list *const *)from;
            break;
        case CORS_KIND_ORIGINS:
            *(cors_origins **)to =
                inherited ? cors_origins_rebase(p, *(cors_origins *const *)from,
                                                *(cors_origins **)to)
                          : *(cors_origins *const *)from;
            break;
        }
    }
}

/* Record in a section's policy that a line set a field. */
void cors_policy_mark(apr_pool_t *p, cors_policy *pol, cors_field field,
                      const cors_where *where);

/* The line that set the field's effective value, or NULL for a default. */
const cors_where *cors_policy_where(const cors_policy *pol, cors_field field);

/* The facts of a request; absent headers are NULL. */
typedef struct cors_request {
    const char *method;          /* the request method */
    const char *origin;          /* Origin */
    const char *request_method;  /* Access-Control-Request-Method */
    const char *request_headers; /* Access-Control-Request-Headers */
    const char *request_private; /* Access-Control-Request-Private-Network */
    const char *self;            /* the server's own origin as Apache sees
                                  * it (scheme://host[:port]); needed only
                                  * where CORSRejectDisallowed is On */
    int origin_mapped;           /* the Origin was found in a map of the
                                  * policy's origins (cors_origins_map_find):
                                  * allowed, and echoed, never '*' */
    const char *fetch_site;      /* Sec-Fetch-Site; needed only where
                                  * CORSCrossOriginProtection is On and the
                                  * method is not GET, HEAD or OPTIONS */
    const char *host;            /* Host; likewise (consulted only
                                  * without Sec-Fetch-Site) */
    int error_document;          /* the request serves an error document,
                                  * which cross-origin protection never
                                  * refuses */
} cors_request;

typedef struct cors_verdict {
    cors_result result;
    int preflight;           /* OPTIONS + Origin + A-C-Request-Method */
    cors_reason why;         /* why denied, for CORS_REASON */
    const char *reason;      /* why denied, in words (quotes request values
                              * only), for the error log and the 403 body */
    int origin_allowed;      /* the Origin passed (actual requests too) */
    int origin_malformed;    /* the Origin is no serialized origin */
    int method_allowed;      /* the method passes CORSAllowMethods */
    int credentials_dropped; /* credentials configured but refused: '*'
                              * or a canary regex met them via merging */

    /* What goes out; NULL means "no such header". */
    const char *allow_origin;
    const char *allow_credentials;
    const char *allow_methods;
    const char *allow_headers;
    const char *max_age;
    const char *allow_private_network;
    const char *expose_headers; /* the listed names, or "*" */
    int expose_response_names;  /* also list the response's own names that
                                 * pass expose_headers (credentials or an
                                 * "any but" '*') */
    const char *vary;           /* tokens to merge into Vary */

    /* What the module answers before any handler runs: 0 (the handler
     * answers), 204 or 200 (an allowed preflight), 403 (a refused preflight,
     * a cross-origin request or an origin CORSRejectDisallowed refuses) or
     * 405 (a method CORSRejectDisallowed refuses). */
    int status;
    const char *body;  /* the module's own one-line text/plain body: a
                        * refused preflight's or cross-origin protection's
                        * (the others go through Apache's error path) */
    const char *allow; /* the 405's Allow header */
} cors_verdict;

/* Vary values: the actual response's, and the preflight's with and without
 * CORSAllowPrivateNetwork. */
#define CORS_VARY_ACTUAL "Origin"
#define CORS_VARY_PREFLIGHT                                                    \
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
#define CORS_VARY_PREFLIGHT_PNA                                                \
    CORS_VARY_PREFLIGHT ", Access-Control-Request-Private-Network"

/* Non-zero for a preflight: OPTIONS with Origin and
 * Access-Control-Request-Method (present, even if empty). */
int cors_is_preflight(const cors_request *req);

/* Non-zero for the CORS-safelisted methods GET, HEAD and POST. */
int cors_method_safelisted(const char *method);

/* Decide.  Everything allocated comes from p. */
void cors_decide(apr_pool_t *p, const cors_policy *policy,
                 const cors_request *req, cors_verdict *v);

/*
 * Cross-origin protection (CORSCrossOriginProtection; docs/mod_cors.md,
 * "Protecting state-changing endpoints").  Facts: req's method, origin,
 * fetch_site and host, and what cors_decide() found of that Origin (v's
 * origin_allowed and origin_malformed: the same origin set decides).  NULL
 * when the request passes, else why it is refused, in words that quote
 * request values only.
 */
const char *cors_cross_origin(apr_pool_t *p, const cors_request *req,
                              const cors_verdict *v);

/* Non-zero for GET, HEAD and OPTIONS, which cross-origin protection always
 * lets through (case-sensitive, like every method name). */
int cors_method_safe(const char *method);

/*
 * Whether a request's Origin, a serialized origin (cors_origin_parse_request
 * accepts it), names the host and port of its Host header, schemes aside
 * (docs/mod_cors.md, "Protecting state-changing endpoints"): hosts compare
 * case-insensitively; a Host with a port equals an http or https Origin
 * whose port, written or the scheme's default, is that port; a Host without
 * one equals an Origin on its scheme's default port.  0 for an opaque or
 * non-http(s) Origin, or a Host that is no host[:port].  Allocates nothing.
 */
int cors_origin_is_host(const char *origin, const char *host);

/*
 * What the server did to a preflight decides what its response carries: one
 * the module did not answer itself (answered 0) was refused by the server
 * first (Require ip, authentication with CORSPreflightBypassAuth Off, an
 * error document), or answered by a passthrough handler.  Browsers fail any
 * preflight that is not 2xx, so such an error carries no Access-Control-*
 * header, only the preflight Vary, and is a denial: by the server (reason
 * CORS_REASON_SERVER), unless the verdict already refused it.  status is
 * that of the response sent; error_document says it is an error document.
 */
void cors_verdict_served(apr_pool_t *p, const cors_policy *policy,
                         cors_verdict *v, int answered, int status,
                         int error_document);

/* Drop every Access-Control-* value of a verdict; Vary stays. */
void cors_verdict_silence(cors_verdict *v);

/* The Allow header of CORSRejectDisallowed's 405: GET, HEAD, POST, OPTIONS
 * and the configured methods. */
const char *cors_allow_methods(apr_pool_t *p, const cors_list *methods);

#endif /* CORS_POLICY_H */
