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

/*
 * An origin map in a section's list (CORSAllowOriginMap; docs/mod_cors.md,
 * "Maps"), read by the caller.  The set asks it with the request's Origin
 * bytes as sent (origin NULL: only the exact key value[0..len) may be
 * looked up, and only a key the map holds can match, which makes the bytes
 * a valid serialized origin) or with the parsed origin (every key of
 * cors_map_keys).  Non-zero when found, with the entry's policy (NULL for
 * none) in *policy.  ctx is the caller's, per request.
 */
typedef int (*cors_map_find_fn)(void *ctx, const void *map, const char *value,
                                apr_size_t len, const cors_origin *origin,
                                const void **policy);

typedef struct cors_origin_map {
    const void *map;
    cors_map_find_fn find;
} cors_origin_map;

typedef struct cors_origins cors_origins;
struct cors_origins {
    cors_list *list;             /* exact keys and "null", with '*' */
    apr_array_header_t *regexes; /* cors_origin_regex, tried last */
    const cors_origins *base;    /* an edit's inherited set, else NULL */
    int edit;                    /* the section edits ('+'/'-') */
    int patterns;                /* patterns this link added or removed */
    int any_ports;               /* of which with port '*' */
    cors_regex_match_fn match;   /* how to run regexes */
    apr_array_header_t *maps;    /* cors_origin_map, in line order; only
                                  * plain sets have maps, or NULL */
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

/* Add a map to a plain set. */
void cors_origins_add_map(apr_pool_t *p, cors_origins *o, const void *map,
                          cors_map_find_fn find);

/* The maps of the set's plain base, or NULL. */
const apr_array_header_t *cors_origins_maps(const cors_origins *o);

/*
 * Whether a request's Origin is allowed through a map: no configured line
 * mentions it (exactly or through a pattern: a configured exclusion always
 * wins, and a configured origin is the section's own) and some map, in
 * line order, finds it under one of its keys.  Non-zero then, with the
 * entry's policy in *policy.  '*' and regexes are not consulted: a map is
 * asked before them.
 */
int cors_origins_map_find(apr_pool_t *p, const cors_origins *o,
                          const char *value, void *ctx, const void **policy);

/* '*' configured and in effect. */
int cors_origins_star(const cors_origins *o);

/* '*' in effect with nothing removed from it: '*' may go to a browser. */
int cors_origins_star_plain(const cors_origins *o);

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
