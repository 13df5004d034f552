/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_origin_set: the allowed origins of a section (CORSAllowOrigin and
 * CORSAllowOriginMatch), indexed by normalised key and by pattern, with the
 * sections it edits, and the per-request decision.
 */

#ifndef CORS_ORIGIN_SET_H
#define CORS_ORIGIN_SET_H

#include "apr_pools.h"
#include "apr_tables.h"

#include "cors_list.h"
#include "cors_origin.h"

/*
 * Regular expressions are compiled by the caller (httpd's ap_regex in the
 * module, POSIX regex in the unit tests); the set only calls back.  The
 * function returns 1 when the compiled expression matches all of
 * s[0..len), 0 when it does not, and a negative value when matching was
 * cut short by the caller's bounds (PCRE's match limits): no match at
 * request time, but "cannot rule it out" when checking canaries.
 */
typedef int (*cors_regex_match_fn)(const void *compiled, const char *s,
                                   apr_size_t len);

typedef struct cors_origin_regex {
    const void *compiled; /* anchored at both ends by the caller */
    const char *source;   /* as configured, for messages */
    const char *canary;   /* the origin nobody owns it matches, or NULL */
    int canary_bounded;   /* ... or could not be checked against, within the
                           * caller's bounds */
} cors_origin_regex;

typedef struct cors_origins cors_origins;
struct cors_origins {
    cors_list *list;             /* exact keys and "null", with '*' */
    apr_array_header_t *regexes; /* cors_origin_regex, tried last */
    const cors_origins *base;    /* an edit's inherited set, else NULL */
    int edit;                    /* the section edits ('+'/'-') */
    int patterns;                /* patterns this link added or removed */
    int any_ports;               /* of which with port '*' */
    cors_regex_match_fn match;   /* how to run regexes */
};

/* An empty set; the merge (cors_origins_rebase) attaches what an edit set
 * applies to. */
cors_origins *cors_origins_make(apr_pool_t *p, int edit,
                                cors_regex_match_fn match);

/* The merge: an edit set moved onto the inherited set. */
cors_origins *cors_origins_rebase(apr_pool_t *p, cors_origins *add,
                                  const cors_origins *base);

/*
 * Add (or, with remove, take out) one parsed CORSAllowOrigin item.  A
 * removal written without a port takes out every port of that host or
 * pattern, as if written with port '*': "-https://x.example" also takes out
 * an inherited https://x.example:8443.
 */
void cors_origins_add(apr_pool_t *p, cors_origins *o, const cors_origin *origin,
                      int remove);

/* Add a regex the caller compiled (anchored), noting the first canary
 * origin (cors_regex_canaries) it matches or cannot be checked against. */
cors_origin_regex *cors_origins_add_regex(apr_pool_t *p, cors_origins *o,
                                          const void *compiled,
                                          const char *source);

/* '*' configured and in effect. */
int cors_origins_any(const cors_origins *o);

/* '*' in effect with nothing removed from it: '*' may go to a browser. */
int cors_origins_any_plain(const cors_origins *o);

/* Some regex in effect matches a canary origin. */
int cors_origins_canary(const cors_origins *o);

/*
 * Whether a parsed request origin is allowed.  Of the sections whose lists
 * mention the origin (exactly, or through a wildcard or port '*' entry),
 * the nearest decides, and within it the most specific entry: the origin
 * itself, its host on port '*', then wildcards from the longest suffix,
 * each with the origin's port before port '*'.  So a carve-out in an
 * editing section (a wildcard or host taken out) wins over anything it
 * inherits, a more specific inherited entry included.  When no list mentions
 * it, '*' decides, then the regexes.  '*' covers "null" only when
 * any_covers_null (credentials off); regexes never see "null".
 */
int cors_origins_allow(const cors_origins *o, const cors_origin *origin,
                       int any_covers_null);

/*
 * A request's Origin header value, checked and matched: what the module
 * calls per request.  Non-zero when allowed; when the value is not a
 * serialized origin, *malformed says why (and the result is 0).
 */
int cors_origins_allow_request(apr_pool_t *p, const cors_origins *o,
                               const char *value, int any_covers_null,
                               const char **malformed);
#endif /* CORS_ORIGIN_SET_H */
