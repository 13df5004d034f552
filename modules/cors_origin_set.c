/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_origin_set: the allowed origins of a section, the sections it edits,
 * and the vote that decides whether a request origin is allowed.
 */

#include "cors_origin_set.h"
#include "cors_origin_check.h"

#include "apr_strings.h"

#include <limits.h>
#include <string.h>

cors_origins *cors_origins_make(apr_pool_t *p, int edit,
                                cors_regex_match_fn match)
{
    cors_origins *o = apr_pcalloc(p, sizeof(*o));

    o->edit = edit;
    o->list = cors_list_make(p, edit, NULL);
    o->regexes = apr_array_make(p, 1, sizeof(cors_origin_regex));
    o->match = match;
    return o;
}

cors_origins *cors_origins_rebase(apr_pool_t *p, cors_origins *add,
                                  const cors_origins *base)
{
    cors_origins *copy, *cur;

    /* Resolved sets (plain, or edits already moved onto a plain set) and
     * sets merged onto nothing stay as they are. */
    if (!base || !add->edit || cors_list_resolved(add->list)) {
        return add;
    }
    copy = cur = apr_pmemdup(p, add, sizeof(*add));
    copy->list = cors_list_rebase(p, add->list, base->list);
    while (cur->base) {
        cors_origins *next = apr_pmemdup(p, cur->base, sizeof(*next));
        cur->base = next;
        cur = next;
    }
    cur->base = base;
    return copy;
}

void cors_origins_add_map(apr_pool_t *p, cors_origins *o, const void *map,
                          cors_map_find_fn find)
{
    cors_origin_map *m;

    if (!o->maps) {
        o->maps = apr_array_make(p, 1, sizeof(cors_origin_map));
    }
    m = apr_array_push(o->maps);
    m->map = map;
    m->find = find;
}

const apr_array_header_t *cors_origins_maps(const cors_origins *o)
{
    while (o->edit && o->base) {
        o = o->base;
    }
    return o->edit ? NULL : o->maps;
}

int cors_origins_star(const cors_origins *o)
{
    return cors_list_star(o->list);
}

int cors_origins_star_plain(const cors_origins *o)
{
    return cors_list_star_plain(o->list);
}

int cors_origins_canary(const cors_origins *o)
{
    for (; o; o = o->edit ? o->base : NULL) {
        int i;
        for (i = 0; i < o->regexes->nelts; i++) {
            if (APR_ARRAY_IDX(o->regexes, i, cors_origin_regex).canary) {
                return 1;
            }
        }
    }
    return 0;
}

void cors_origins_add(apr_pool_t *p, cors_origins *o, const cors_origin *origin,
                      int remove)
{
    if (origin->kind == CORS_ORIGIN_ANY) {
        cors_list_set_star(o->list, !remove);
        return;
    }
    if (remove && !origin->port_written && origin->kind != CORS_ORIGIN_OPAQUE) {
        /* A carve-out is never narrower than it reads: without a port it
         * takes out every port, which is what port '*' says. */
        cors_list_remove(o->list, apr_pstrcat(p, origin->key, ":*", NULL));
        o->patterns++;
        o->any_ports++;
        return;
    }
    if (remove) {
        cors_list_remove(o->list, origin->key);
    }
    else {
        cors_list_add(o->list, origin->key);
    }
    if (origin->kind == CORS_ORIGIN_PATTERN) {
        o->patterns++;
        if (origin->any_port) {
            o->any_ports++;
        }
    }
}

cors_origin_regex *cors_origins_add_regex(apr_pool_t *p, cors_origins *o,
                                          const void *compiled,
                                          const char *source)
{
    cors_origin_regex *re = apr_array_push(o->regexes);
    apr_array_header_t *canaries = cors_regex_canaries(p, source);
    int i;

    re->compiled = compiled;
    re->source = source;
    re->canary = NULL;
    re->canary_bounded = 0;
    for (i = 0; i < canaries->nelts; i++) {
        const char *canary = APR_ARRAY_IDX(canaries, i, const char *);
        int rc = o->match(compiled, canary, strlen(canary));
        if (rc != 0) {
            /* Cut short by the bounds: it may match, so it counts. */
            re->canary = canary;
            re->canary_bounded = rc < 0;
            break;
        }
    }
    return re;
}

/* Whether the set (with what it edits) has patterns: 0 none, 1 some,
 * 2 some with port '*'. */
static int cors_origins_has_patterns(const cors_origins *o)
{
    int found = 0;

    for (; o; o = o->edit ? o->base : NULL) {
        if (o->any_ports) {
            return 2;
        }
        if (o->patterns) {
            found = 1;
        }
    }
    return found;
}

/*
 * The vote of the sections on one request origin.  Each candidate key (the
 * origin, and the pattern keys that cover it) is looked up in the sections'
 * lists from the nearest; the nearest section that mentions any candidate
 * decides, and among that section's, the candidate tried first (the most
 * specific).  So candidates are tried most specific first, and each is
 * looked up only in sections nearer than the one that decides so far.
 */
typedef struct {
    const cors_list *list; /* the nearest section's list */
    int depth;             /* sections above the deciding one; INT_MAX */
    cors_list_answer answer;
} cors_vote;

static void cors_vote_on(cors_vote *v, const char *key, apr_size_t len)
{
    const cors_list *l = v->list;
    int d;

    for (d = 0; l && d < v->depth; l = l->base, d++) {
        const int *op =
            l->ops ? apr_hash_get(l->ops, key, (apr_ssize_t)len) : NULL;
        if (op) {
            v->depth = d;
            v->answer = (cors_list_answer)*op;
            return;
        }
    }
}

/*
 * Patterns share the exact origins' hash under keys no request can spell
 * (the request parser refuses '*'), so matching one costs a probe per label
 * of the request host (and section), whatever the number of patterns.  For
 * the origin https://a.b.example.com:8443 the candidate keys are, in this
 * order, the origin itself, the host with port '*', then "*.b.example.com"
 * with port 8443 and with port '*', then "*.example.com" with both, then
 * "*.com" (never configured: a public suffix), each behind the scheme and
 * "://".  Port '*' keys only when some section has one (patterns 2), and
 * wildcard keys only when some section has a pattern (patterns 1).
 */
static cors_list_answer cors_origins_vote(const cors_origins *o,
                                          const cors_origin *origin,
                                          int patterns)
{
    char key[CORS_ORIGIN_MAX + 16];
    apr_size_t scheme_len = strlen(origin->scheme);
    apr_size_t host_len = strlen(origin->host);
    /* The normalised key ends with the port when it is not the default. */
    const char *port = origin->key + scheme_len + 3 + host_len;
    apr_size_t port_len = strlen(port), n;
    const char *dot;
    cors_vote v;

    v.list = o->list;
    v.depth = INT_MAX;
    v.answer = CORS_LIST_UNKNOWN;
    cors_vote_on(&v, origin->key, strlen(origin->key));
    if (!patterns || v.depth == 0 || scheme_len + host_len + 16 > sizeof(key)) {
        return v.answer;
    }
    /* scheme://host:* (only if some pattern has port '*') */
    if (patterns == 2) {
        n = scheme_len + 3 + host_len;
        memcpy(key, origin->key, n);
        memcpy(key + n, ":*", 2);
        cors_vote_on(&v, key, n + 2);
    }
    if (origin->host[0] == '[') {
        return v.answer; /* no wildcard covers an IP literal */
    }
    /* The wildcard keys: scheme, "://", "*." and the suffix, then the port
     * (or ":*"), for every suffix that leaves a label in front of it. */
    memcpy(key, origin->scheme, scheme_len);
    memcpy(key + scheme_len, "://*.", 5);
    for (dot = strchr(origin->host, '.'); dot && v.depth > 0;
         dot = strchr(dot + 1, '.')) {
        const char *suffix = dot + 1;
        apr_size_t suffix_len = host_len - (apr_size_t)(suffix - origin->host);
        char *k = key + scheme_len + 5;

        memcpy(k, suffix, suffix_len);
        k += suffix_len;
        memcpy(k, port, port_len);
        cors_vote_on(&v, key, (apr_size_t)(k + port_len - key));
        if (patterns == 2) {
            memcpy(k, ":*", 2);
            cors_vote_on(&v, key, (apr_size_t)(k + 2 - key));
        }
    }
    return v.answer;
}

/* Ask each map in turn: the raw bytes (origin NULL) or the parsed origin. */
static int cors_origins_ask_maps(const apr_array_header_t *maps, void *ctx,
                                 const char *value, apr_size_t len,
                                 const cors_origin *origin, const void **policy)
{
    int i;

    for (i = 0; i < maps->nelts; i++) {
        const cors_origin_map *m = &APR_ARRAY_IDX(maps, i, cors_origin_map);
        if (m->find(ctx, m->map, value, len, origin, policy)) {
            return 1;
        }
    }
    return 0;
}

int cors_origins_map_find(apr_pool_t *p, const cors_origins *o,
                          const char *value, void *ctx, const void **policy)
{
    const apr_array_header_t *maps = cors_origins_maps(o);
    apr_size_t len = strlen(value);
    int patterns = cors_origins_has_patterns(o);
    cors_origin origin;

    *policy = NULL;
    if (!maps || !maps->nelts) {
        return 0;
    }
    /* As in cors_origins_allow_request: a value equal to a map's key is a
     * valid, normalised origin, so without patterns the list's answer on
     * the bytes is the vote on the origin. */
    if (len <= CORS_ORIGIN_MAX && !patterns) {
        const cors_list *l;
        /* Without entries in any link (a section of maps alone), the list
         * has nothing to say: no hash of the bytes for it. */
        for (l = o->list; l && !apr_hash_count(l->ops); l = l->base) {
            continue;
        }
        if (l && cors_list_lookup(o->list, value, len) != CORS_LIST_UNKNOWN) {
            return 0;
        }
        /* A map's exact keys never hold '*', but a wildcard key could
         * spell the bytes: checked only when a key is found. */
        if (cors_origins_ask_maps(maps, ctx, value, len, NULL, policy)) {
            if (!memchr(value, '*', len)) {
                return 1;
            }
            *policy = NULL;
        }
    }
    if (cors_origin_parse_request(p, value, &origin) != NULL
        || origin.kind != CORS_ORIGIN_EXACT
        || cors_origins_vote(o, &origin, patterns) != CORS_LIST_UNKNOWN) {
        return 0;
    }
    return cors_origins_ask_maps(maps, ctx, origin.key, strlen(origin.key),
                                 &origin, policy);
}

int cors_origins_allow_request(apr_pool_t *p, const cors_origins *o,
                               const char *value, int any_covers_null,
                               const char **malformed)
{
    cors_origin origin;
    apr_size_t len = strlen(value);

    *malformed = NULL;
    /* Browsers send origins already normalised (lowercase, no default
     * port), so the bytes as sent are usually a key of the set.  Keys are
     * valid serialized origins (the configuration parser saw to that), so a
     * value equal to an exact key passes the syntax check by that very
     * fact: only a value containing '*', which could spell a pattern's key,
     * must never take this path.  Where some section has a pattern, a
     * nearer section's pattern may overrule the key: the full vote. */
    if (len <= CORS_ORIGIN_MAX && !memchr(value, '*', len)
        && !cors_origins_has_patterns(o)
        && cors_list_lookup(o->list, value, len) == CORS_LIST_IN) {
        return 1;
    }
    if ((*malformed = cors_origin_parse_request(p, value, &origin)) != NULL) {
        return 0;
    }
    return cors_origins_allow(o, &origin, any_covers_null);
}

int cors_origins_allow(const cors_origins *o, const cors_origin *origin,
                       int any_covers_null)
{
    const cors_origins *s;

    if (origin->kind == CORS_ORIGIN_OPAQUE) {
        /* Only an explicit null entry or '*' (without credentials). */
        switch (cors_list_lookup(o->list, origin->key, APR_HASH_KEY_STRING)) {
        case CORS_LIST_IN:
            return 1;
        case CORS_LIST_OUT:
            return 0;
        default:
            return any_covers_null && cors_list_star(o->list);
        }
    }
    switch (cors_origins_vote(o, origin, cors_origins_has_patterns(o))) {
    case CORS_LIST_IN:
        return 1;
    case CORS_LIST_OUT:
        return 0;
    default:
        break;
    }
    if (cors_list_star(o->list)) {
        return 1;
    }
    /* Regexes last, on the normalised key; the request parser has already
     * refused anything that is not a serialized origin. */
    for (s = o; s; s = s->edit ? s->base : NULL) {
        int i;
        for (i = 0; i < s->regexes->nelts; i++) {
            const cors_origin_regex *re =
                &APR_ARRAY_IDX(s->regexes, i, cors_origin_regex);
            if (s->match(re->compiled, origin->key, strlen(origin->key)) > 0) {
                return 1;
            }
        }
    }
    return 0;
}
