/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_map: map entries (text lines and DBM pairs), the
 * keys a request origin is looked up under, the text map's index, and a
 * map as an item of a section's origin list (docs/mod_cors.md, "Maps").
 */

#include "cors_map.h"
#include "cors_origin.h"
#include "cors_origin_check.h"
#include "cors_origin_set.h"
#include "cors_policy.h"
#include "unit.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <stdlib.h>

#include "fixtures.h"

static int have_psl; /* libpsl or the data file */

/* ------------------------------------------------------------------ */
/* Lines                                                                */

struct line_case {
    const char *line;
    const char *key;    /* NULL: no entry */
    const char *policy; /* NULL: none */
    const char *err;    /* NULL: accepted; else a prefix of the reason */
};

static const struct line_case line_cases[] = {
    {"https://a.example", "https://a.example", NULL, NULL},
    {"https://a.example partner", "https://a.example", "partner", NULL},
    {"https://a.example -", "https://a.example", NULL, NULL},
    {"  https://a.example\t\tpartner.v2  ", "https://a.example", "partner.v2",
     NULL},
    {"https://a.example partner\r", "https://a.example", "partner", NULL},
    {"HTTPS://A.Example:443", "https://a.example", NULL, NULL},
    {"http://a.example:8080", "http://a.example:8080", NULL, NULL},
    {"http://127.1", "http://127.0.0.1", NULL, NULL},
    {"http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080", NULL, NULL},
    {"https://*.example.com", "https://*.example.com", NULL, NULL},
    {"https://*.Example.com:8443 p", "https://*.example.com:8443", "p", NULL},
    {"", NULL, NULL, NULL},
    {"   \t ", NULL, NULL, NULL},
    {"\r", NULL, NULL, NULL},
    {"# a comment", NULL, NULL, NULL},
    {"   # indented comment with * and junk", NULL, NULL, NULL},
    /* refused */
    {"*", NULL, NULL, "'*' cannot be used in a map"},
    {"null", NULL, NULL, "'null' cannot be used in a map"},
    {"NULL p", NULL, NULL, "'null' cannot be used in a map"},
    {"http://localhost:*", NULL, NULL,
     "'http://localhost:*': port '*' cannot be used in a map"},
    {"https://*.example.com:*", NULL, NULL,
     "'https://*.example.com:*': port '*' cannot be used in a map"},
    {"https://*.com", NULL, NULL, "'https://*.com' is not an origin: "},
    {"https://a.example/", NULL, NULL, "'https://a.example/' is not an origin"},
    {"https://a.example/x", NULL, NULL,
     "'https://a.example/x' is not an origin"},
    {"^https://.*\\.example\\.com$", NULL, NULL,
     "'^https://.*\\.example\\.com$' is not an origin"},
    {"ftp://a.example", NULL, NULL, "'ftp://a.example' is not an origin"},
    {"https://a.example p extra", NULL, NULL,
     "more than ORIGIN and POLICY on the line: 'extra'"},
    {"https://a.example p # comment", NULL, NULL,
     "more than ORIGIN and POLICY on the line: '#'"},
    {"https://a.example p/x", NULL, NULL, "'p/x' is not a policy name"},
    {"https://a.example p:x", NULL, NULL, "'p:x' is not a policy name"},
    {"https://b\xc3\xbc"
     "cher.example",
     NULL, NULL,
     "the line has a non-ASCII byte (0xc3): write internationalised host "
     "names in their xn-- form"},
    {"# caf\xc3\xa9: comments may be UTF-8", NULL, NULL, NULL},
    {"https://a.example\x01", NULL, NULL,
     "the line has a control byte (0x01): the file is not a text map"},
    {"https://a.example\x7f", NULL, NULL, "the line has a control byte (0x7f)"},
    {"https://a.ex\rample", NULL, NULL, "the line has a control byte (0x0d)"},
};

static int starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_lines(apr_pool_t *p)
{
    apr_size_t i;
    char *longline;

    for (i = 0; i < UNIT_COUNT(line_cases); i++) {
        const struct line_case *c = &line_cases[i];
        cors_map_entry e;
        const char *err = cors_map_parse_line(p, c->line, strlen(c->line), &e);
        UNIT_ROW("line '%s'", c->line);
        if (c->err) {
            if (!starts_with(err, c->err)) {
                CHECK_STR(err, c->err);
            }
            else {
                CHECK(1);
            }
            CHECK_NULL(e.key);
            continue;
        }
        CHECK_NULL(err);
        CHECK_STR(e.key, c->key);
        CHECK_STR(e.policy, c->policy);
    }

    /* A NUL byte is refused, wherever it is. */
    {
        static const char nul[] = "https://a.example\0 p";
        cors_map_entry e;
        UNIT_ROW("a NUL byte");
        CHECK_STR(cors_map_parse_line(p, nul, sizeof(nul) - 1, &e),
                  "the line has a control byte (0x00): the file is not a "
                  "text map");
    }

    /* Lines longer than CORS_MAP_LINE_MAX. */
    longline = apr_palloc(p, CORS_MAP_LINE_MAX + 2);
    memset(longline, 'a', CORS_MAP_LINE_MAX + 1);
    longline[CORS_MAP_LINE_MAX + 1] = '\0';
    {
        cors_map_entry e;
        UNIT_ROW("a line of 1025 bytes");
        CHECK_STR(cors_map_parse_line(p, longline, CORS_MAP_LINE_MAX + 1, &e),
                  "the line is longer than 1024 bytes");
    }

    /* Public suffixes: the list's entries below a domain (the data file). */
    if (cors_origin_psl_file()) {
        cors_map_entry e;
        const char *err =
            cors_map_parse_line(p, "https://*.amazonaws.com",
                                strlen("https://*.amazonaws.com"), &e);
        UNIT_ROW("a wildcard with public suffixes below it");
        CHECK(starts_with(err, "'https://*.amazonaws.com' covers public "
                               "suffixes (the Public Suffix List has "));
    }
    if (have_psl) {
        cors_map_entry e;
        const char *err = cors_map_parse_line(p, "https://*.co.uk",
                                              strlen("https://*.co.uk"), &e);
        UNIT_ROW("a wildcard over a public suffix of two labels");
        CHECK(starts_with(err, "'https://*.co.uk' is not an origin: 'co.uk' "
                               "is a public suffix"));
    }
}

/* Whole files: empty, or cut short. */
static void test_complete(void)
{
    UNIT_ROW("complete files");
    CHECK_NULL(cors_map_text_complete("https://a.example\n", 18));
    CHECK_NULL(cors_map_text_complete("# none\r\n", 8));
    CHECK_STR(cors_map_text_complete("", 0),
              "the file is empty: is it being written?  (For a map without "
              "entries, write a comment line.)");
    CHECK_STR(cors_map_text_complete("https://a.example\nhttps://b.exa", 31),
              "the last line does not end with a line break: the file is "
              "cut short, or still being written");
}

/* ------------------------------------------------------------------ */
/* DBM pairs                                                            */

static void test_pairs(apr_pool_t *p)
{
    cors_map_entry e;

    UNIT_ROW("a normalised key, a policy");
    CHECK_NULL(
        cors_map_parse_pair(p, "https://a.example", 17, "partner", 7, &e));
    CHECK_STR(e.key, "https://a.example");
    CHECK_STR(e.policy, "partner");

    UNIT_ROW("'-', with the C string's NUL");
    CHECK_NULL(cors_map_parse_pair(p, "https://a.example", 17, "-", 2, &e));
    CHECK_NULL(e.policy);

    UNIT_ROW("an empty value");
    CHECK_NULL(
        cors_map_parse_pair(p, "https://*.example.com:8443", 26, "", 0, &e));
    CHECK_STR(e.key, "https://*.example.com:8443");
    CHECK_NULL(e.policy);

    UNIT_ROW("a key not written as it is looked up");
    CHECK_STR(cors_map_parse_pair(p, "HTTPS://a.example:443", 21, "-", 1, &e),
              "'HTTPS://a.example:443' is not written as the module looks it "
              "up: the key must be 'https://a.example' (cors-maptool build "
              "writes keys that way)");
    CHECK_NULL(e.key);

    UNIT_ROW("a NUL in the key");
    CHECK_STR(cors_map_parse_pair(p, "https://a\0b", 11, "-", 1, &e),
              "a key is empty or has a NUL byte");

    UNIT_ROW("'*' as a key");
    CHECK(starts_with(cors_map_parse_pair(p, "*", 1, "-", 1, &e),
                      "'*' cannot be used in a map"));

    UNIT_ROW("a bad policy value");
    CHECK(starts_with(
        cors_map_parse_pair(p, "https://a.example", 17, "two words", 9, &e),
        "'two words' is not a policy name"));
}

/* ------------------------------------------------------------------ */
/* Keys                                                                 */

static void test_keys(apr_pool_t *p)
{
    static const struct {
        const char *origin;
        const char *keys; /* space-separated, in order */
    } cases[] = {
        {"https://a.b.example.com:8443",
         "https://a.b.example.com:8443 https://*.b.example.com:8443 "
         "https://*.example.com:8443"},
        {"https://a.b.example.com",
         "https://a.b.example.com https://*.b.example.com "
         "https://*.example.com"},
        {"HTTPS://A.Example.COM:443",
         "https://a.example.com https://*.example.com"},
        {"http://x.example.co.uk",
         "http://x.example.co.uk http://*.example.co.uk http://*.co.uk"},
        {"https://example.com", "https://example.com"},
        {"http://localhost:8080", "http://localhost:8080"},
        {"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
        {"http://[::1]", "http://[::1]"},
    };
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(cases); i++) {
        cors_origin o;
        cors_map_keys k;
        apr_array_header_t *got = apr_array_make(p, 4, sizeof(char *));
        UNIT_ROW("keys of %s", cases[i].origin);
        if (!CHECK_NULL(cors_origin_parse_request(p, cases[i].origin, &o))) {
            continue;
        }
        cors_map_keys_start(&k, &o);
        while (cors_map_keys_next(&k)) {
            CHECK_INT(k.len, strlen(k.key));
            APR_ARRAY_PUSH(got, char *) = apr_pstrdup(p, k.key);
        }
        CHECK(!cors_map_keys_next(&k));
        CHECK_STR(apr_array_pstrcat(p, got, ' '), cases[i].keys);
    }
}

/* ------------------------------------------------------------------ */
/* The index                                                            */

/* Policies of the tests: names that resolve to themselves, and one that
 * resolves to nothing. */
static const char *const known_policies[] = {"partner", "internal", "p.v2"};

static const void *resolve(void *ctx, const char *name)
{
    apr_size_t i;

    (*(int *)ctx)++;
    for (i = 0; i < UNIT_COUNT(known_policies); i++) {
        if (strcmp(name, known_policies[i]) == 0) {
            return known_policies[i];
        }
    }
    return NULL;
}

static cors_map_index *build(apr_pool_t *p, const char *text,
                             cors_map_error *err)
{
    cors_map_index *idx;
    int calls = 0;

    cors_map_index_build(p, text, strlen(text), resolve, &calls, &idx, err);
    return idx;
}

/* What the index says for a request origin: "-" none, "no" not found. */
static const char *find(apr_pool_t *p, const cors_map_index *idx,
                        const char *value)
{
    cors_origin o;
    const void *pol = NULL;

    if (cors_origin_parse_request(p, value, &o) != NULL) {
        return "malformed";
    }
    if (!cors_map_index_find_origin(idx, &o, &pol)) {
        return "no";
    }
    return pol ? (const char *)pol : "-";
}

static void test_index(apr_pool_t *p)
{
    cors_map_error err;
    cors_map_index *idx;
    int calls = 0;
    const void *pol;
    static const char text[] =
        "# tenants\n"
        "https://a.example partner\r\n"
        "https://b.example -\n"
        "\n"
        "HTTP://C.Example:8080 internal\n"
        "https://*.tenant.example.com p.v2\n"
        "https://*.example.com:8443\n"
        "https://x.tenant.example.com internal\n"
        "https://last.example partner"; /* no final newline */

    UNIT_ROW("index of a small map");
    idx = build(p, text, &err);
    if (!CHECK_NOT_NULL(idx)) {
        fprintf(stderr, "    line %d: %s\n", err.line, err.reason);
        return;
    }
    CHECK_INT(cors_map_index_count(idx), 7);
    CHECK_INT(cors_map_index_wildcards(idx), 2);
    CHECK(cors_map_index_bytes(idx) > 7 * 16);

    UNIT_ROW("lookups");
    CHECK_STR(find(p, idx, "https://a.example"), "partner");
    CHECK_STR(find(p, idx, "https://A.EXAMPLE:443"), "partner");
    CHECK_STR(find(p, idx, "https://b.example"), "-");
    CHECK_STR(find(p, idx, "http://c.example:8080"), "internal");
    CHECK_STR(find(p, idx, "http://c.example"), "no");
    CHECK_STR(find(p, idx, "https://c.example:8080"), "no");
    CHECK_STR(find(p, idx, "https://last.example"), "partner");
    /* wildcards: the most specific key first */
    CHECK_STR(find(p, idx, "https://y.tenant.example.com"), "p.v2");
    CHECK_STR(find(p, idx, "https://x.tenant.example.com"), "internal");
    CHECK_STR(find(p, idx, "https://a.b.tenant.example.com"), "p.v2");
    CHECK_STR(find(p, idx, "https://tenant.example.com"), "no");
    CHECK_STR(find(p, idx, "http://y.tenant.example.com"), "no");
    CHECK_STR(find(p, idx, "https://y.tenant.example.com:8443"), "-");
    CHECK_STR(find(p, idx, "https://q.example.com:8443"), "-");
    CHECK_STR(find(p, idx, "https://q.example.com"), "no");
    CHECK_STR(find(p, idx, "https://example.com:8443"), "no");
    CHECK_STR(find(p, idx, "https://evil-example.com:8443"), "no");
    CHECK_STR(find(p, idx, "https://example.com.evil.net:8443"), "no");

    UNIT_ROW("exact lookups of the bytes");
    CHECK(cors_map_index_find(idx, "https://a.example", 17, &pol));
    CHECK_STR(pol, "partner");
    CHECK(!cors_map_index_find(idx, "https://a.exampl", 16, &pol));
    CHECK(!cors_map_index_find(idx, "https://a.examplee", 18, &pol));
    CHECK(!cors_map_index_find(idx, "", 0, &pol));

    UNIT_ROW("each policy resolved once");
    cors_map_index_build(p,
                         "https://a.example partner\nhttps://b.example "
                         "partner\nhttps://c.example partner\n",
                         strlen("https://a.example partner\nhttps://b.example "
                                "partner\nhttps://c.example partner\n"),
                         resolve, &calls, &idx, &err);
    CHECK_NOT_NULL(idx);
    CHECK_INT(calls, 1);

    UNIT_ROW("an empty map");
    idx = build(p, "", &err);
    CHECK_NOT_NULL(idx);
    CHECK_INT(cors_map_index_count(idx), 0);
    CHECK_STR(find(p, idx, "https://a.example"), "no");
    idx = build(p, "# nothing\n\n", &err);
    CHECK_NOT_NULL(idx);
    CHECK_INT(cors_map_index_count(idx), 0);
}

struct bad_map {
    const char *text;
    int line;
    const char *reason; /* a prefix */
};

static void test_index_refused(apr_pool_t *p)
{
    static const struct bad_map cases[] = {
        {"https://a.example\nhttps://b.example/\n", 2,
         "'https://b.example/' is not an origin"},
        {"https://a.example\r\nhttps://b.example\r\nhttps://A.example:443\r\n",
         3,
         "'https://a.example' is already in the map, on line 1 (each "
         "origin once)"},
        {"https://a.example partner\nhttps://a.example partner\n", 2,
         "'https://a.example' is already in the map, on line 1"},
        {"https://a.example nosuch\n", 1,
         "'nosuch' names no <CORSPolicy> of this virtual host or the server "
         "config"},
        {"\n\n\n*\n", 4, "'*' cannot be used in a map"},
        {"https://a.example\nnull\n", 2, "'null' cannot be used in a map"},
        {"https://a.example\n\x89PNG\r\n\x1a\n", 2,
         "the line has a non-ASCII byte (0x89)"},
        {"https://a.example\nhttps://b.example p q\n", 2,
         "more than ORIGIN and POLICY on the line: 'q'"},
    };
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(cases); i++) {
        cors_map_error err;
        cors_map_index *idx;
        UNIT_ROW("refused map #%lu", (unsigned long)i);
        idx = build(p, cases[i].text, &err);
        CHECK_NULL(idx);
        CHECK_INT(err.line, cases[i].line);
        if (!starts_with(err.reason, cases[i].reason)) {
            CHECK_STR(err.reason, cases[i].reason);
        }
    }

    /* Binary junk: the first line with a control byte, wherever. */
    {
        static const char junk[] = "https://a.example\n\0\0\0\xff\xfe";
        cors_map_error err;
        cors_map_index *idx;
        int calls = 0;
        UNIT_ROW("binary junk");
        cors_map_index_build(p, junk, sizeof(junk) - 1, resolve, &calls, &idx,
                             &err);
        CHECK_NULL(idx);
        CHECK_INT(err.line, 2);
        CHECK(starts_with(err.reason, "the line has a control byte (0x00)"));
    }
}

/* A large map: every entry found, and absent keys not, at any size. */
static void test_index_large(apr_pool_t *p)
{
    apr_size_t n = 200000, i;
    char *text = malloc(n * 40), *t = text;
    cors_map_error err;
    cors_map_index *idx;
    int missed = 0, wrong = 0, calls = 0;

    for (i = 0; i < n; i++) {
        t += sprintf(t, "https://t%lu.example%s\n", (unsigned long)i,
                     i % 7 == 0 ? " partner" : "");
    }
    UNIT_ROW("200,000 entries");
    cors_map_index_build(p, text, (apr_size_t)(t - text), resolve, &calls, &idx,
                         &err);
    free(text);
    if (!CHECK_NOT_NULL(idx)) {
        return;
    }
    CHECK_INT(cors_map_index_count(idx), n);
    CHECK_INT(calls, 1);
    for (i = 0; i < n; i++) {
        char key[64];
        const void *pol = NULL;
        int len = sprintf(key, "https://t%lu.example", (unsigned long)i);
        if (!cors_map_index_find(idx, key, (apr_size_t)len, &pol)) {
            missed++;
        }
        else if ((pol != NULL) != (i % 7 == 0)) {
            wrong++;
        }
        len = sprintf(key, "https://u%lu.example", (unsigned long)i);
        if (cors_map_index_find(idx, key, (apr_size_t)len, &pol)) {
            wrong++;
        }
    }
    CHECK_INT(missed, 0);
    CHECK_INT(wrong, 0);
    /* At most about 16 bytes of slots and the key plus 3 per entry. */
    CHECK(cors_map_index_bytes(idx) < n * (16 * 2 + 24 + 3));
}

/* ------------------------------------------------------------------ */
/* A map in a section's origin list                                    */

/* The find function of the module, over an index; counts calls. */
static int find_calls;

static int index_find(void *ctx, const void *map, const char *value,
                      apr_size_t len, const cors_origin *origin,
                      const void **policy)
{
    find_calls++;
    if (!origin) {
        return cors_map_index_find(map, value, len, policy);
    }
    return cors_map_index_find_origin(map, origin, policy);
}

/* What the sections say: "no" (not through a map), or the policy ("-"). */
static const char *ask(apr_pool_t *p, const cors_origins *o, const char *value)
{
    const void *pol = NULL;

    if (!cors_origins_map_find(p, o, value, NULL, &pol)) {
        return "no";
    }
    return pol ? (const char *)pol : "-";
}

static void test_sets(apr_pool_t *p)
{
    cors_map_error err;
    cors_map_index *idx = build(p,
                                "https://a.example partner\n"
                                "https://b.example\n"
                                "https://x.example\n"
                                "https://*.tenant.example internal\n",
                                &err);
    cors_origins *plain, *edit, *carve, *merged, *star;

    if (!CHECK_NOT_NULL(idx)) {
        return;
    }

    /* A plain section with the map and a configured origin. */
    plain = origin_section(p, "P:https://c.example https://a.example");
    cors_origins_add_map(p, plain, idx, index_find);
    UNIT_ROW("plain section with a map");
    CHECK_NOT_NULL(cors_origins_maps(plain));
    CHECK_STR(ask(p, plain, "https://b.example"), "-");
    CHECK_STR(ask(p, plain, "https://x.tenant.example"), "internal");
    CHECK_STR(ask(p, plain, "HTTPS://X.Tenant.Example:443"), "internal");
    CHECK_STR(ask(p, plain, "https://nope.example"), "no");
    /* A configured origin is the section's own: the map is not asked. */
    find_calls = 0;
    CHECK_STR(ask(p, plain, "https://a.example"), "no");
    CHECK_INT(find_calls, 0);
    /* Malformed and opaque origins never reach a map. */
    CHECK_STR(ask(p, plain, "https://b.example/"), "no");
    CHECK_STR(ask(p, plain, "null"), "no");
    CHECK_STR(ask(p, plain, "https://*.tenant.example"), "no");
    /* The bytes as sent, when they are the key: one probe. */
    find_calls = 0;
    CHECK_STR(ask(p, plain, "https://b.example"), "-");
    CHECK_INT(find_calls, 1);

    /* A child that edits: exclusions win over the map, additions are the
     * section's own, the rest is the map's. */
    edit = origin_section(p, "E:-https://b.example +https://x.example");
    merged = cors_origins_rebase(p, edit, plain);
    UNIT_ROW("an editing child over a map");
    CHECK_NOT_NULL(cors_origins_maps(merged));
    CHECK_STR(ask(p, merged, "https://b.example"), "no");
    CHECK_STR(ask(p, merged, "https://b.example:8443"), "no");
    CHECK_STR(ask(p, merged, "https://x.example"), "no");
    CHECK_STR(ask(p, merged, "https://y.tenant.example"), "internal");

    /* A wildcard carve-out takes out what the map's wildcard covers. */
    carve = origin_section(p, "E:-https://*.tenant.example");
    merged = cors_origins_rebase(p, carve, plain);
    UNIT_ROW("a wildcard carve-out over a map");
    CHECK_STR(ask(p, merged, "https://y.tenant.example"), "no");
    CHECK_STR(ask(p, merged, "https://b.example"), "-");
    carve = origin_section(p, "E:-https://y.tenant.example:8443");
    merged = cors_origins_rebase(p, carve, plain);
    CHECK_STR(ask(p, merged, "https://y.tenant.example"), "internal");

    /* A plain child replaces the list, map included. */
    UNIT_ROW("a plain child replaces the map");
    merged =
        cors_origins_rebase(p, origin_section(p, "P:https://c.example"), plain);
    CHECK_NULL(cors_origins_maps(merged));
    CHECK_STR(ask(p, merged, "https://b.example"), "no");

    /* '*' beside a map: the map still names per-origin policies. */
    star = origin_section(p, "P:*");
    cors_origins_add_map(p, star, idx, index_find);
    UNIT_ROW("'*' beside a map");
    CHECK_STR(ask(p, star, "https://a.example"), "partner");
}

/* The verdict on a mapped origin: allowed, and named (never '*'). */
static void test_verdict(apr_pool_t *p)
{
    cors_policy pol;
    cors_request req;
    cors_verdict v;
    cors_list *methods = cors_list_make(p, 0, NULL);

    cors_list_add(methods, "GET");
    cors_policy_defaults(p, &pol, posix_match);
    pol.origins = origin_section(p, "P:*");
    pol.methods = methods;
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.origin = "https://m.example";

    UNIT_ROW("'*' without a map: '*'");
    cors_decide(p, &pol, &req, &v);
    CHECK_STR(v.allow_origin, "*");
    UNIT_ROW("'*' for a mapped origin: the origin, and Vary");
    req.origin_mapped = 1;
    cors_decide(p, &pol, &req, &v);
    CHECK_INT(v.result, CORS_RESULT_ACTUAL_OK);
    CHECK_STR(v.allow_origin, "https://m.example");
    CHECK_STR(v.vary, "Origin");

    UNIT_ROW("CORSAllowOriginMapTTL: 60 by default");
    CHECK_INT(pol.map_ttl, 60);
    CHECK_STR(cors_fields[CORS_FIELD_MAP_TTL].directive,
              "CORSAllowOriginMapTTL");

    UNIT_ROW("a mapped origin the list does not have");
    pol.origins = origin_section(p, "P:https://c.example");
    cors_decide(p, &pol, &req, &v);
    CHECK_INT(v.result, CORS_RESULT_ACTUAL_OK);
    CHECK_STR(v.allow_origin, "https://m.example");
    req.origin_mapped = 0;
    cors_decide(p, &pol, &req, &v);
    CHECK_INT(v.result, CORS_RESULT_ACTUAL_DENIED);
}

int main(void)
{
    apr_pool_t *p;
    const char *psl;

    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        fprintf(stderr, "apr init failed\n");
        return 2;
    }
    psl = cors_origin_init(p);
    have_psl = strcmp(psl, "single-label") != 0;
    printf("# public suffixes: %s\n", psl);

    test_lines(p);
    test_complete();
    test_pairs(p);
    test_keys(p);
    test_index(p);
    test_index_refused(p);
    test_index_large(p);
    test_sets(p);
    test_verdict(p);
    apr_pool_destroy(p);
    apr_terminate();
    return unit_done("test_map");
}
