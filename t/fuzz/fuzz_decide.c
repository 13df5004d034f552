/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_decide: configuration sections merged as the module merges them,
 * then one request, then cors_decide(); the verdict is checked against a
 * model that knows only what the manual (docs/mod_cors.md) says.
 *
 * The input is lines.  Until a line "=", each line is a directive of the
 * current section; a line "|" starts a child section:
 *   O items    CORSAllowOrigin (items split on spaces and commas)
 *   R regex    CORSAllowOriginMatch
 *   M items    CORSAllowMethods     H items   CORSAllowHeaders
 *   E items    CORSExposeHeaders    C 1|0     CORSAllowCredentials
 *   P 1|0      CORSAllowPrivateNetwork        A text    CORSMaxAge
 * After "=", the request: "m METHOD", "o ORIGIN", "r A-C-REQUEST-METHOD",
 * "h A-C-REQUEST-HEADERS", "n A-C-REQUEST-PRIVATE-NETWORK" (any bytes but
 * newline; a header given twice keeps the last).  A section httpd would
 * refuse (a bad item, plain and '+'/'-' mixed, '*' or a canary regex with
 * credentials) ends the input uneventfully.
 *
 * The central invariant: a verdict never allows an origin the policy does
 * not match.  An allowed origin (Access-Control-Allow-Origin echoing it, or
 * an *-ok result) must have a witness in the model: an exact entry, a
 * wildcard or port '*' pattern, '*', or a regex in force, and no entry of a
 * later section, or a more specific one of the same section, may take it
 * out (a carve-out without a port takes out every port).  The model also
 * says when an origin must be allowed, and what the other headers may be.
 */

#include "cors_origin_check.h"
#include "cors_policy.h"
#include "cors_string.h"
#include "cors_token.h"
#include "fuzz.h"

#include "apr_hash.h"
#include "apr_lib.h"

#define UNSET (-1)

/* One configuration section, as the module's cors_dir_conf holds it. */
typedef struct {
    cors_origins *origins;
    int origin_edit;
    cors_list *methods, *allow_headers, *expose_headers;
    int credentials, private_network;
    const char *max_age;
} section;

/* The model of one list: the last word on each name, '*', and whether a
 * name was removed since the list was last replaced. */
typedef struct {
    apr_hash_t *state; /* name -> "+" or "-" */
    int star, removes;
} mlist;

/* The model of the origin set: for each key, the last word on it and the
 * section that said it (sections are numbered from the parent down). */
typedef struct {
    char op;             /* '+' or '-' */
    int gen;             /* the section */
    const cors_origin *o; /* the entry, parsed */
} mentry;

typedef struct {
    apr_hash_t *state; /* normalised key -> mentry */
    int star, removes;
    int gen; /* the current section */
    apr_array_header_t *regexes; /* cors_origin_regex in force */
} morigins;

typedef struct {
    mlist methods, headers, expose;
    int expose_set;
    morigins origins;
    int credentials, private_network;
} model;

static cors_list *default_methods;

static void mlist_reset(apr_pool_t *p, mlist *m)
{
    m->state = apr_hash_make(p);
    m->star = 0;
    m->removes = 0;
}

static void mlist_op(mlist *m, const char *name, int op)
{
    if (strcmp(name, "*") == 0) {
        m->star = (op == '+');
        return;
    }
    apr_hash_set(m->state, name, APR_HASH_KEY_STRING, op == '+' ? "+" : "-");
    if (op == '-') {
        m->removes = 1;
    }
}

static int mlist_has(const mlist *m, const char *name)
{
    const char *s = apr_hash_get(m->state, name, APR_HASH_KEY_STRING);
    return s ? *s == '+' : m->star;
}

/* The items of a list directive, split as cors_directive_items() does for
 * unquoted words: on whitespace and commas. */
static apr_array_header_t *words(apr_pool_t *p, const char *s)
{
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(char *));
    char *copy = apr_pstrdup(p, s), *last, *w;

    for (w = apr_strtok(copy, " \t\r\f\v,", &last); w;
         w = apr_strtok(NULL, " \t\r\f\v,", &last)) {
        APR_ARRAY_PUSH(out, char *) = w;
    }
    return out;
}

/* The plain/edit form of a line; -1 for a line httpd refuses. */
static int form(const apr_array_header_t *items, int section_edit)
{
    int i, edit = 0;

    if (items->nelts == 0) {
        return -1;
    }
    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        int this_edit = item[0] == '+' || item[0] == '-';
        if (i == 0) {
            edit = this_edit;
        }
        if (this_edit != edit
            || (section_edit != UNSET && section_edit != this_edit)) {
            return -1;
        }
    }
    return edit;
}

/* CORSAllowMethods / Headers / ExposeHeaders; 0 when httpd would refuse. */
static int set_list(apr_pool_t *p, cors_list **slot, const cors_list *deflt,
                    int lower, const char *args, mlist *m, int *m_set)
{
    apr_array_header_t *items = words(p, args);
    int edit = form(items, *slot ? (*slot)->edit : UNSET), i;

    if (edit < 0) {
        return 0;
    }
    if (!*slot) {
        *slot = cors_list_make(p, edit, deflt);
        if (!edit) {
            mlist_reset(p, m);
        }
        if (m_set) {
            *m_set = 1;
        }
    }
    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        int op = edit ? item[0] : '+';
        if (edit) {
            item++;
        }
        if (strcmp(item, "*") == 0) {
            cors_list_set_star(*slot, op == '+');
            mlist_op(m, item, op);
            continue;
        }
        if (!cors_is_token(item, strlen(item))) {
            return 0;
        }
        if (lower) {
            item = cors_lowercase(p, item, strlen(item));
        }
        if (op == '+') {
            cors_list_add(*slot, item);
        }
        else {
            cors_list_remove(*slot, item);
        }
        mlist_op(m, item, op);
    }
    /* As the module does after each line: names joined once. */
    cors_list_seal(p, *slot);
    return 1;
}

static void morigins_reset(apr_pool_t *p, morigins *m)
{
    m->state = apr_hash_make(p);
    m->star = 0;
    m->removes = 0;
    m->regexes = apr_array_make(p, 2, sizeof(cors_origin_regex));
}

/* The section's origin set, made on first use (cors_section_origins). */
static cors_origins *section_origins(apr_pool_t *p, section *s, int edit,
                                     morigins *m)
{
    if (!s->origins) {
        s->origins = cors_origins_make(p, edit, fuzz_regex_match);
        if (!edit) {
            morigins_reset(p, m);
        }
    }
    else if (edit && !s->origins->edit) {
        /* Only regexes so far: the section turns out to edit, and what
         * those regexes replaced is inherited after all.  The model cannot
         * undo a reset, so such inputs are not checked further. */
        return NULL;
    }
    return s->origins;
}

static int set_origins(apr_pool_t *p, section *s, const char *args, model *m)
{
    apr_array_header_t *items = words(p, args);
    int edit = form(items, s->origin_edit), i;
    cors_origins *set;
    mentry *e;

    if (edit < 0) {
        return 0;
    }
    s->origin_edit = edit;
    if (!(set = section_origins(p, s, edit, &m->origins))) {
        return 0;
    }
    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        int op = edit ? item[0] : '+';
        cors_origin *o = apr_palloc(p, sizeof(*o));
        if (edit) {
            item++;
        }
        if (cors_origin_parse_config(p, item, o)) {
            return 0;
        }
        if (o->kind == CORS_ORIGIN_ANY && op == '+' && s->credentials == 1) {
            return 0;
        }
        cors_origins_add(p, set, o, op == '-');
        if (o->kind == CORS_ORIGIN_ANY) {
            m->origins.star = (op == '+');
            continue;
        }
        e = apr_palloc(p, sizeof(*e));
        e->op = (char)op;
        e->gen = m->origins.gen;
        e->o = o;
        if (op == '-' && !o->port_written && o->kind != CORS_ORIGIN_OPAQUE) {
            /* A carve-out without a port: every port, as port '*' says. */
            cors_origin *all = apr_pmemdup(p, o, sizeof(*o));
            all->kind = CORS_ORIGIN_PATTERN;
            all->any_port = 1;
            all->key = apr_pstrcat(p, o->key, ":*", NULL);
            e->o = all;
        }
        apr_hash_set(m->origins.state, e->o->key, APR_HASH_KEY_STRING, e);
        if (op == '-') {
            m->origins.removes = 1;
        }
    }
    return 1;
}

static int set_regex(apr_pool_t *p, section *s, const char *re, model *m)
{
    regex_t *compiled = fuzz_regex_compile(p, re);
    apr_array_header_t *canaries;
    const char *mine = NULL;
    int i;
    cors_origin_regex *entry;
    cors_origins *set;

    if (!*re || !compiled) {
        return 0;
    }
    if (!(set = section_origins(p, s, 0, &m->origins))) {
        return 0;
    }
    entry = cors_origins_add_regex(p, set, compiled, re);
    /* The model's own canary check: the set's must agree, and every
     * canary is an origin a browser could send, or null. */
    canaries = cors_regex_canaries(p, re);
    for (i = 0; i < canaries->nelts; i++) {
        const char *canary = APR_ARRAY_IDX(canaries, i, const char *);
        cors_origin co;
        FUZZ_CHECK(cors_origin_parse_request(p, canary, &co) == NULL);
        if (!mine && fuzz_regex_match(compiled, canary, strlen(canary))) {
            mine = canary;
        }
    }
    FUZZ_CHECK((entry->canary != NULL) == (mine != NULL));
    if (mine && s->credentials == 1) {
        return 0;
    }
    {
        cors_origin_regex *copy = apr_array_push(m->origins.regexes);
        copy->compiled = compiled;
        copy->source = re;
        copy->canary = mine;
    }
    return 1;
}

static int section_any(const section *s)
{
    return s->origins && s->origins->list->star == 1;
}

static int section_canary(const section *s)
{
    int i;

    for (i = 0; s->origins && i < s->origins->regexes->nelts; i++) {
        if (APR_ARRAY_IDX(s->origins->regexes, i, cors_origin_regex).canary) {
            return 1;
        }
    }
    return 0;
}

/* cors_merge_dir_conf, for the fields the policy reads. */
static section *merge(apr_pool_t *p, const section *base, section *add)
{
    section *c = apr_pcalloc(p, sizeof(*c));

    c->origins = add->origins
                     ? cors_origins_rebase(p, add->origins, base->origins)
                     : base->origins;
#define LIST(f) c->f = add->f ? cors_list_rebase(p, add->f, base->f) : base->f
    LIST(methods);
    LIST(allow_headers);
    LIST(expose_headers);
#undef LIST
    c->credentials =
        add->credentials != UNSET ? add->credentials : base->credentials;
    c->private_network = add->private_network != UNSET ? add->private_network
                                                       : base->private_network;
    c->max_age = add->max_age ? add->max_age : base->max_age;
    return c;
}

static section *new_section(apr_pool_t *p)
{
    section *s = apr_pcalloc(p, sizeof(*s));

    s->origin_edit = UNSET;
    s->credentials = UNSET;
    s->private_network = UNSET;
    return s;
}

/* A pattern entry P matches request origin O (docs/mod_cors.md, "Origins"). */
static int pattern_matches(const cors_origin *pat, const cors_origin *o)
{
    if (strcmp(pat->scheme, o->scheme) != 0) {
        return 0;
    }
    if (!pat->any_port && pat->port != o->port) {
        return 0;
    }
    if (pat->wildcard) {
        size_t hl = strlen(o->host), sl = strlen(pat->host);
        return o->host[0] != '[' && hl > sl + 1
               && o->host[hl - sl - 1] == '.'
               && strcmp(o->host + hl - sl, pat->host) == 0;
    }
    return strcmp(pat->host, o->host) == 0;
}

/* How specifically an entry covers a request origin, most specific 0; -1
 * when it does not cover it: the origin itself, its host on port '*', then
 * wildcards from the longest suffix, each with a port before port '*'. */
static int model_rank(const cors_origin *e, const cors_origin *o)
{
    if (e->kind == CORS_ORIGIN_EXACT || e->kind == CORS_ORIGIN_OPAQUE) {
        return strcmp(e->key, o->key) == 0 ? 0 : -1;
    }
    if (e->kind != CORS_ORIGIN_PATTERN || o->kind != CORS_ORIGIN_EXACT
        || !pattern_matches(e, o)) {
        return -1;
    }
    if (!e->wildcard) {
        return 1;
    }
    return 2 + 2 * (CORS_ORIGIN_MAX - (int)strlen(e->host)) + e->any_port;
}

/* What the model says about a parsed request origin: 1 must allow, 0 must
 * refuse.  Of the entries covering it, the one of the latest section
 * decides, the most specific of that section first; then '*', then the
 * regexes. */
static void model_origin(apr_pool_t *p, const morigins *m,
                         const cors_origin *o, int credentials,
                         int *must_allow, int *must_refuse)
{
    const mentry *best = NULL;
    int best_rank = 0, re_in = 0, i;
    apr_hash_index_t *hi;

    *must_allow = *must_refuse = 0;
    for (hi = apr_hash_first(p, m->state); hi; hi = apr_hash_next(hi)) {
        const mentry *e = apr_hash_this_val(hi);
        int rank = model_rank(e->o, o);
        if (rank >= 0
            && (!best || e->gen > best->gen
                || (e->gen == best->gen && rank < best_rank))) {
            best = e;
            best_rank = rank;
        }
    }
    if (best) {
        *must_allow = best->op == '+';
        *must_refuse = best->op == '-';
        return;
    }
    if (o->kind == CORS_ORIGIN_OPAQUE) {
        *must_allow = m->star && !credentials;
        *must_refuse = !*must_allow;
        return;
    }
    for (i = 0; i < m->regexes->nelts; i++) {
        const cors_origin_regex *re =
            &APR_ARRAY_IDX(m->regexes, i, cors_origin_regex);
        if (fuzz_regex_match(re->compiled, o->key, strlen(o->key))) {
            re_in = 1;
        }
    }
    *must_refuse = !m->star && !re_in;
    *must_allow = m->star || re_in;
}

static int safelisted_header(const char *n)
{
    return strcmp(n, "accept") == 0 || strcmp(n, "accept-language") == 0
           || strcmp(n, "content-language") == 0
           || strcmp(n, "content-type") == 0 || strcmp(n, "range") == 0;
}

static void check_printable(const char *s)
{
    for (; s && *s; s++) {
        FUZZ_CHECK((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    char *text = fuzz_string(p, data, size), *line, *next;
    section *sec = new_section(p), *conf = NULL;
    model m;
    cors_policy pol;
    cors_request req = {0};
    cors_verdict v;
    cors_origin o;
    int in_request = 0, ok = 1, cred_eff, any_plain, i;

    if (!default_methods) {
        default_methods = cors_list_make(fuzz_pool_root, 0, NULL);
        cors_list_add(default_methods, "GET");
        cors_list_add(default_methods, "HEAD");
        cors_list_add(default_methods, "POST");
        cors_list_seal(fuzz_pool_root, default_methods);
        default_methods->is_default = 1;
    }
    memset(&m, 0, sizeof(m));
    mlist_reset(p, &m.methods);
    mlist_op(&m.methods, "GET", '+');
    mlist_op(&m.methods, "HEAD", '+');
    mlist_op(&m.methods, "POST", '+');
    m.methods.removes = 0;
    mlist_reset(p, &m.headers);
    mlist_reset(p, &m.expose);
    morigins_reset(p, &m.origins);
    req.method = "GET";

    for (line = text; ok && line; line = next) {
        const char *arg;
        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        if (!*line) {
            continue;
        }
        arg = line[1] == ' ' ? line + 2 : line + 1;
        if (in_request) {
            switch (line[0]) {
            case 'm':
                req.method = arg;
                break;
            case 'o':
                req.origin = arg;
                break;
            case 'r':
                req.request_method = arg;
                break;
            case 'h':
                req.request_headers = arg;
                break;
            case 'n':
                req.request_private = arg;
                break;
            }
            continue;
        }
        switch (line[0]) {
        case '=':
        case '|':
            conf = conf ? merge(p, conf, sec) : sec;
            sec = new_section(p);
            m.origins.gen++;
            in_request = line[0] == '=';
            break;
        case 'O':
            ok = set_origins(p, sec, arg, &m);
            break;
        case 'R':
            ok = set_regex(p, sec, arg, &m);
            break;
        case 'M':
            ok = set_list(p, &sec->methods, default_methods, 0, arg,
                          &m.methods, NULL);
            break;
        case 'H':
            ok = set_list(p, &sec->allow_headers, NULL, 1, arg, &m.headers,
                          NULL);
            break;
        case 'E':
            ok = set_list(p, &sec->expose_headers, NULL, 1, arg, &m.expose,
                          &m.expose_set);
            break;
        case 'C':
            sec->credentials = *arg == '1';
            if (sec->credentials && (section_any(sec) || section_canary(sec))) {
                ok = 0;
            }
            m.credentials = sec->credentials;
            break;
        case 'P':
            sec->private_network = *arg == '1';
            m.private_network = sec->private_network;
            break;
        case 'A':
            sec->max_age = arg;
            break;
        }
    }
    if (!ok || !in_request || !req.method || !*req.method) {
        apr_pool_destroy(p);
        return 0;
    }

    /* The module's policy: every field has its default (CORSRejectDisallowed,
     * CORSCrossOriginProtection, passthrough Off), the model's lists on top. */
    cors_policy_defaults(p, &pol, fuzz_regex_match);
    pol.origins = conf->origins ? conf->origins
                                : cors_origins_make(p, 0, fuzz_regex_match);
    pol.methods = conf->methods ? conf->methods : default_methods;
    /* Every list has a value, as in the module (cors_policy_defaults). */
    pol.allow_headers = conf->allow_headers;
    if (!pol.allow_headers) {
        pol.allow_headers = cors_list_make(p, 0, NULL);
        cors_list_seal(p, pol.allow_headers);
    }
    pol.expose_headers = conf->expose_headers;
    if (!pol.expose_headers) {
        pol.expose_headers = cors_list_make(p, 0, NULL);
        cors_list_seal(p, pol.expose_headers);
    }
    pol.credentials = conf->credentials == 1;
    pol.max_age = conf->max_age;
    pol.private_network = conf->private_network == 1;

    cors_decide(p, &pol, &req, &v);

    /* The model's view of the merged policy. */
    {
        int canary = 0;
        for (i = 0; i < m.origins.regexes->nelts; i++) {
            canary |= APR_ARRAY_IDX(m.origins.regexes, i, cors_origin_regex)
                          .canary
                      != NULL;
        }
        cred_eff = m.credentials && !m.origins.star && !canary;
        FUZZ_CHECK(v.credentials_dropped == (m.credentials && !cred_eff));
        any_plain = m.origins.star && !m.origins.removes;
    }

    FUZZ_CHECK(v.preflight
               == (strcmp(req.method, "OPTIONS") == 0 && req.origin
                   && req.request_method));
    check_printable(v.reason);

    /* Cross-origin protection on the same facts, with and without Fetch
     * Metadata: safe methods always pass, an allowed Origin always passes,
     * and a reason is one printable line. */
    {
        static const char *const sites[] = {NULL, "cross-site", "same-origin"};
        int k;
        for (k = 0; k < 3; k++) {
            cors_request x = req;
            const char *why;
            x.fetch_site = sites[k];
            x.host = req.origin ? "a.example:8443" : NULL;
            why = cors_cross_origin(p, &x, &v);
            check_printable(why);
            FUZZ_CHECK(!why || !cors_method_safe(req.method));
            FUZZ_CHECK(!why || !v.origin_allowed);
            FUZZ_CHECK(!why || !sites[k] || strcmp(sites[k], "same-origin") != 0);
        }
    }
    if (v.allow_credentials) {
        FUZZ_CHECK(cred_eff && strcmp(v.allow_credentials, "true") == 0);
    }

    /* Origins: the invariant. */
    if (req.origin && !cors_origin_parse_request(p, req.origin, &o)) {
        int must_allow, must_refuse;
        model_origin(p, &m.origins, &o, cred_eff, &must_allow, &must_refuse);
        FUZZ_CHECK(!(must_allow && must_refuse));
        if (must_allow) {
            FUZZ_CHECK(v.origin_allowed);
        }
        if (must_refuse) {
            FUZZ_CHECK(!v.origin_allowed);
        }
    }
    else if (req.origin) {
        FUZZ_CHECK(!v.origin_allowed);
    }
    if (v.allow_origin && strcmp(v.allow_origin, "*") == 0) {
        FUZZ_CHECK(any_plain && !cred_eff);
    }
    else if (v.allow_origin) {
        FUZZ_CHECK(v.origin_allowed && req.origin
                   && strcmp(v.allow_origin, req.origin) == 0);
    }
    if (v.result == CORS_RESULT_PREFLIGHT_OK
        || v.result == CORS_RESULT_ACTUAL_OK) {
        FUZZ_CHECK(v.origin_allowed && v.allow_origin);
    }
    if (!req.origin) {
        FUZZ_CHECK(v.preflight || v.result == CORS_RESULT_NONE);
    }

    if (v.preflight) {
        FUZZ_CHECK(v.vary && strncmp(v.vary, CORS_VARY_PREFLIGHT,
                                     strlen(CORS_VARY_PREFLIGHT))
                                 == 0);
        FUZZ_CHECK(v.result == CORS_RESULT_PREFLIGHT_OK
                   || v.result == CORS_RESULT_PREFLIGHT_DENIED);
        if (v.result == CORS_RESULT_PREFLIGHT_DENIED) {
            FUZZ_CHECK(v.reason && !v.allow_origin && !v.allow_methods
                       && !v.allow_headers && !v.allow_credentials
                       && !v.max_age && !v.allow_private_network
                       && !v.expose_headers);
        }
        else {
            const char *rm = req.request_method;
            apr_array_header_t *names;
            FUZZ_CHECK(!v.reason && v.allow_methods);
            FUZZ_CHECK(cors_is_token(rm, strlen(rm)));
            FUZZ_CHECK(cors_method_safelisted(rm) || mlist_has(&m.methods, rm));
            if (req.request_headers) {
                FUZZ_CHECK(!cors_split_header_names(p, req.request_headers,
                                                    &names, NULL));
                for (i = 0; i < names->nelts; i++) {
                    const char *n = APR_ARRAY_IDX(names, i, const char *);
                    const char *st = apr_hash_get(m.headers.state, n,
                                                  APR_HASH_KEY_STRING);
                    FUZZ_CHECK(safelisted_header(n) || (st && *st == '+')
                               || (!st && m.headers.star
                                   && strcmp(n, "authorization") != 0));
                }
                if (names->nelts) {
                    FUZZ_CHECK(v.allow_headers
                               && strcmp(v.allow_headers, cors_join(p, names))
                                      == 0);
                }
            }
            if (v.allow_private_network) {
                FUZZ_CHECK(m.private_network && req.request_private);
            }
            check_printable(v.allow_headers);
        }
    }
    else {
        FUZZ_CHECK(!v.allow_methods && !v.allow_headers && !v.max_age
                   && !v.allow_private_network);
        if (v.result == CORS_RESULT_ACTUAL_DENIED) {
            FUZZ_CHECK(v.reason && !v.allow_credentials);
            FUZZ_CHECK(!v.allow_origin || strcmp(v.allow_origin, "*") == 0);
        }
        if (v.expose_headers && !m.expose_set) {
            FUZZ_CHECK(0);
        }
        FUZZ_CHECK(v.method_allowed
                   == (cors_method_safelisted(req.method)
                       || strcmp(req.method, "OPTIONS") == 0
                       || mlist_has(&m.methods, req.method)));
    }
    apr_pool_destroy(p);
    return 0;
}
