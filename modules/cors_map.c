/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_map: map entries, lookup keys and the text map's index (see
 * cors_map.h; docs/mod_cors.md, "Maps").
 */

#include "cors_map.h"
#include "cors_origin_check.h"

#include "apr_hash.h"
#include "apr_lib.h"
#include "apr_strings.h"

#include <stdlib.h>
#include <string.h>

const char *cors_map_check_policy(apr_pool_t *p, const char *name,
                                  apr_size_t len)
{
    apr_size_t i;

    if (len == 1 && name[0] == '-') {
        return NULL;
    }
    for (i = 0; i < len; i++) {
        if (!apr_isalnum(name[i]) && name[i] != '-' && name[i] != '_'
            && name[i] != '.') {
            break;
        }
    }
    if (len == 0 || i < len) {
        return apr_psprintf(p,
                            "'%.*s' is not a policy name: only letters, "
                            "digits, '-', '_' and '.' are allowed, or '-' "
                            "for none",
                            (int)(len > 100 ? 100 : len), name);
    }
    return NULL;
}

const char *cors_map_check_origin(apr_pool_t *p, const char *value,
                                  const char **key)
{
    cors_origin o;
    const char *err, *below;

    if ((err = cors_origin_parse_config(p, value, &o)) != NULL) {
        return apr_psprintf(p, "'%s' is not an origin: %s", value, err);
    }
    switch (o.kind) {
    case CORS_ORIGIN_ANY:
        return "'*' cannot be used in a map: a map lists origins (write "
               "CORSAllowOrigin * to allow every origin)";
    case CORS_ORIGIN_OPAQUE:
        return "'null' cannot be used in a map: write CORSAllowOrigin null "
               "where the opaque origin is meant";
    default:
        break;
    }
    if (o.any_port) {
        return apr_psprintf(p,
                            "'%s': port '*' cannot be used in a map: list "
                            "each port",
                            value);
    }
    if (o.wildcard && (below = cors_origin_suffix_below(o.host)) != NULL) {
        return apr_psprintf(p,
                            "'%s' covers public suffixes (the Public Suffix "
                            "List has %s below %s), under which anyone can "
                            "register a site",
                            value, below, o.host);
    }
    *key = o.key;
    return NULL;
}

/* Spaces and tabs separate the fields of a line. */
#define CORS_MAP_BLANK(c) ((c) == ' ' || (c) == '\t')

const char *cors_map_parse_line(apr_pool_t *p, const char *line, apr_size_t len,
                                cors_map_entry *out)
{
    const char *field[3], *end = line + len, *s;
    apr_size_t flen[3];
    const char *err;
    int n = 0;
    apr_size_t i;

    out->key = out->policy = NULL;
    if (len && line[len - 1] == '\r') {
        end--;
        len--;
    }
    if (len > CORS_MAP_LINE_MAX) {
        return apr_psprintf(p, "the line is longer than %d bytes",
                            CORS_MAP_LINE_MAX);
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return apr_psprintf(p,
                                "the line has a control byte (0x%02x): the "
                                "file is not a text map",
                                c);
        }
    }
    for (s = line; s < end && n < 3;) {
        while (s < end && CORS_MAP_BLANK(*s)) {
            s++;
        }
        if (s == end) {
            break;
        }
        if (n == 0 && *s == '#') {
            return NULL; /* a comment */
        }
        field[n] = s;
        while (s < end && !CORS_MAP_BLANK(*s)) {
            s++;
        }
        flen[n] = (apr_size_t)(s - field[n]);
        n++;
    }
    if (n == 0) {
        return NULL; /* a blank line */
    }
    for (i = 0; i < (apr_size_t)n; i++) {
        apr_size_t j;
        for (j = 0; j < flen[i]; j++) {
            if ((unsigned char)field[i][j] >= 0x80) {
                return apr_psprintf(p,
                                    "the line has a non-ASCII byte (0x%02x): "
                                    "write internationalised host names in "
                                    "their xn-- form",
                                    (unsigned char)field[i][j]);
            }
        }
    }
    if (n == 3) {
        return apr_psprintf(p,
                            "more than ORIGIN and POLICY on the line: '%.*s'",
                            (int)(flen[2] > 100 ? 100 : flen[2]), field[2]);
    }
    if ((err = cors_map_check_origin(p, apr_pstrmemdup(p, field[0], flen[0]),
                                     &out->key))
        != NULL) {
        return err;
    }
    if (n == 2) {
        if ((err = cors_map_check_policy(p, field[1], flen[1])) != NULL) {
            out->key = NULL;
            return err;
        }
        if (!(flen[1] == 1 && field[1][0] == '-')) {
            out->policy = apr_pstrmemdup(p, field[1], flen[1]);
        }
    }
    return NULL;
}

const char *cors_map_parse_pair(apr_pool_t *p, const char *key, apr_size_t klen,
                                const char *value, apr_size_t vlen,
                                cors_map_entry *out)
{
    const char *k = apr_pstrmemdup(p, key, klen), *err;

    out->key = out->policy = NULL;
    if (klen == 0 || memchr(key, '\0', klen)) {
        return "a key is empty or has a NUL byte";
    }
    if ((err = cors_map_check_origin(p, k, &out->key)) != NULL) {
        return err;
    }
    if (strcmp(out->key, k) != 0) {
        const char *want = out->key;
        out->key = NULL;
        return apr_psprintf(p,
                            "'%s' is not written as the module looks it up: "
                            "the key must be '%s' (cors-maptool build "
                            "writes keys that way)",
                            k, want);
    }
    /* Some DBM writers store the C string's NUL. */
    if (vlen && value[vlen - 1] == '\0') {
        vlen--;
    }
    if (vlen == 0) {
        return NULL;
    }
    if ((err = cors_map_check_policy(p, value, vlen)) != NULL) {
        out->key = NULL;
        return err;
    }
    if (!(vlen == 1 && value[0] == '-')) {
        out->policy = apr_pstrmemdup(p, value, vlen);
    }
    return NULL;
}

const char *cors_map_text_complete(const char *text, apr_size_t len)
{
    if (len == 0) {
        return "the file is empty: is it being written?  (For a map "
               "without entries, write a comment line.)";
    }
    if (text[len - 1] != '\n') {
        return "the last line does not end with a line break: the file is "
               "cut short, or still being written";
    }
    return NULL;
}

void cors_map_keys_start(cors_map_keys *k, const cors_origin *origin)
{
    k->origin = origin;
    k->dot = NULL;
    k->state = 0;
    k->len = 0;
}

int cors_map_keys_next(cors_map_keys *k)
{
    const cors_origin *o = k->origin;
    apr_size_t scheme_len, host_len, suffix_len, port_len;
    const char *port, *suffix, *last;

    if (k->state == 0) {
        k->len = strlen(o->key);
        if (k->len >= sizeof(k->key)) {
            k->state = 2;
            return 0;
        }
        memcpy(k->key, o->key, k->len + 1);
        k->state = 1;
        /* No wildcard covers an IP address: a bracketed IPv6 host, or an
         * IPv4 one (the only hosts whose last label is a number). */
        last = strrchr(o->host, '.');
        if (o->host[0] == '[' || !last || apr_isdigit((unsigned char)last[1])) {
            k->state = 2;
        }
        else {
            k->dot = strchr(o->host, '.');
        }
        return 1;
    }
    if (k->state != 1) {
        return 0;
    }
    /* The suffix after k->dot, if it still has two labels. */
    suffix = k->dot + 1;
    if (!strchr(suffix, '.')) {
        k->state = 2;
        return 0;
    }
    k->dot = strchr(suffix, '.');
    scheme_len = strlen(o->scheme);
    host_len = strlen(o->host);
    suffix_len = host_len - (apr_size_t)(suffix - o->host);
    /* The normalised key ends with ":port" when the port is not the
     * scheme's default. */
    port = o->key + scheme_len + 3 + host_len;
    port_len = strlen(port);
    if (scheme_len + 5 + suffix_len + port_len >= sizeof(k->key)) {
        k->state = 2;
        return 0;
    }
    memcpy(k->key, o->scheme, scheme_len);
    memcpy(k->key + scheme_len, "://*.", 5);
    memcpy(k->key + scheme_len + 5, suffix, suffix_len);
    memcpy(k->key + scheme_len + 5 + suffix_len, port, port_len + 1);
    k->len = scheme_len + 5 + suffix_len + port_len;
    return 1;
}

/* ---------------------------------------------------------------------- */
/* The index                                                               */

/*
 * Open addressing with linear probing, at most half full, so a lookup
 * costs a hash and one or two slot probes whatever the size.  Each slot
 * holds the key's hash (most probes end there) and the offset, plus one,
 * of its entry in data: the policy number in two bytes, then the key and
 * its NUL.  About 16 bytes of slots and the key's length plus 3 per entry.
 */
typedef struct {
    apr_uint32_t hash;
    apr_uint32_t off; /* 0: empty */
} cors_map_slot;

struct cors_map_index {
    cors_map_slot *slots;
    apr_uint32_t mask;    /* slots - 1 */
    apr_size_t count;     /* entries */
    apr_size_t wildcards; /* of which with a "*." key */
    char *data;
    apr_size_t data_len;
    const void **policies; /* [0] none; [n] the n-th distinct name */
    apr_size_t npolicies;
};

/* Policy numbers are two bytes wide. */
#define CORS_MAP_POLICIES_MAX 65535
/* Offsets are 32 bits wide. */
#define CORS_MAP_DATA_MAX 0xffff0000u

apr_uint32_t cors_map_hash(const char *key, apr_size_t len)
{
    apr_uint64_t h = 0x9e3779b97f4a7c15ULL ^ (apr_uint64_t)len, w;
    apr_size_t i;

    /* Eight bytes at a time: keys are short and this runs per request.
     * The last eight bytes are read as one word too (overlapping the one
     * before), so no byte-sized copy is needed for the tail. */
    if (len >= 8) {
        for (i = 0; i + 8 < len; i += 8) {
            memcpy(&w, key + i, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdULL;
            h ^= h >> 32;
        }
        memcpy(&w, key + len - 8, 8);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    }
    else {
        for (i = 0, w = 0; i < len; i++) {
            w = (w << 8) | (unsigned char)key[i];
        }
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (apr_uint32_t)h;
}

static apr_status_t cors_map_free(void *mem)
{
    free(mem);
    return APR_SUCCESS;
}

/* The slot of key: where it is, or the empty slot where it would go. */
static apr_uint32_t cors_map_probe(const cors_map_index *idx, const char *key,
                                   apr_size_t len, apr_uint32_t h)
{
    apr_uint32_t i = h & idx->mask;

    for (;;) {
        const cors_map_slot *s = &idx->slots[i];
        if (!s->off) {
            return i;
        }
        if (s->hash == h) {
            const char *k = idx->data + s->off - 1 + 2;
            if (memcmp(k, key, len) == 0 && k[len] == '\0') {
                return i;
            }
        }
        i = (i + 1) & idx->mask;
    }
}

int cors_map_index_find(const cors_map_index *idx, const char *key,
                        apr_size_t len, const void **policy)
{
    apr_uint32_t h = cors_map_hash(key, len);
    const cors_map_slot *s = &idx->slots[cors_map_probe(idx, key, len, h)];
    const unsigned char *e;

    if (!s->off) {
        return 0;
    }
    e = (const unsigned char *)idx->data + s->off - 1;
    *policy = idx->policies[e[0] | (e[1] << 8)];
    return 1;
}

int cors_map_index_find_origin(const cors_map_index *idx,
                               const cors_origin *origin, const void **policy)
{
    cors_map_keys k;

    if (!idx->wildcards) {
        return cors_map_index_find(idx, origin->key, strlen(origin->key),
                                   policy);
    }
    cors_map_keys_start(&k, origin);
    while (cors_map_keys_next(&k)) {
        if (cors_map_index_find(idx, k.key, k.len, policy)) {
            return 1;
        }
    }
    return 0;
}

apr_size_t cors_map_index_count(const cors_map_index *idx)
{
    return idx->count;
}

apr_size_t cors_map_index_wildcards(const cors_map_index *idx)
{
    return idx->wildcards;
}

apr_size_t cors_map_index_bytes(const cors_map_index *idx)
{
    return sizeof(*idx) + ((apr_size_t)idx->mask + 1) * sizeof(cors_map_slot)
           + idx->data_len + idx->npolicies * sizeof(void *);
}

/* A refusal of line n. */
static const char *cors_map_refuse(cors_map_error *err, int line,
                                   const char *reason)
{
    err->line = line;
    err->reason = reason;
    return reason;
}

const char *cors_map_index_build(apr_pool_t *p, const char *text,
                                 apr_size_t len, cors_map_resolve_fn resolve,
                                 void *ctx, cors_map_index **out,
                                 cors_map_error *err)
{
    cors_map_index *idx;
    apr_pool_t *scratch, *names_pool;
    apr_hash_t *names; /* policy name -> its number */
    apr_array_header_t *policies;
    apr_uint32_t *lines; /* the line of each slot's entry, for duplicates */
    apr_size_t nlines = 1, slots = 16, cap, i;
    const char *s = text, *end = text + len, *reason = NULL;
    int line = 0;

    *out = NULL;
    err->line = 0;
    err->reason = NULL;
    for (i = 0; i < len; i++) {
        nlines += text[i] == '\n';
    }
    while (slots < 2 * nlines) {
        slots *= 2;
    }
    if (slots > 0x80000000u) {
        return cors_map_refuse(err, 0, "the map has too many lines");
    }

    idx = apr_pcalloc(p, sizeof(*idx));
    idx->mask = (apr_uint32_t)(slots - 1);
    idx->slots = calloc(slots, sizeof(cors_map_slot));
    lines = malloc(slots * sizeof(*lines));
    cap = 4096;
    idx->data = malloc(cap);
    if (!idx->slots || !lines || !idx->data) {
        free(idx->slots);
        free(lines);
        free(idx->data);
        return cors_map_refuse(err, 0, "out of memory");
    }
    apr_pool_create(&scratch, p);
    apr_pool_create(&names_pool, p);
    names = apr_hash_make(names_pool);
    policies = apr_array_make(p, 4, sizeof(const void *));
    APR_ARRAY_PUSH(policies, const void *) = NULL;

    while (s < end && !reason) {
        const char *nl = memchr(s, '\n', (apr_size_t)(end - s));
        const char *stop = nl ? nl : end;
        cors_map_entry e;
        apr_size_t klen, need;
        apr_uint32_t h, slot, pnum = 0;
        char *d;

        line++;
        if (line % 4096 == 0) {
            apr_pool_clear(scratch);
        }
        reason = cors_map_parse_line(scratch, s, (apr_size_t)(stop - s), &e);
        s = nl ? nl + 1 : end;
        if (reason || !e.key) {
            continue;
        }
        if (e.policy) {
            const apr_uint32_t *known =
                apr_hash_get(names, e.policy, APR_HASH_KEY_STRING);
            if (known) {
                pnum = *known;
            }
            else {
                const void *resolved = resolve(ctx, e.policy);
                apr_uint32_t *num;
                int j;
                if (!resolved) {
                    reason = apr_psprintf(p,
                                          "'%s' names no <CORSPolicy> of "
                                          "this virtual host or the server "
                                          "config",
                                          e.policy);
                    continue;
                }
                for (j = 1; j < policies->nelts; j++) {
                    if (APR_ARRAY_IDX(policies, j, const void *) == resolved) {
                        break;
                    }
                }
                if (j == policies->nelts) {
                    if (j > CORS_MAP_POLICIES_MAX) {
                        reason = "the map names more than 65535 policies";
                        continue;
                    }
                    APR_ARRAY_PUSH(policies, const void *) = resolved;
                }
                num = apr_palloc(names_pool, sizeof(*num));
                *num = (apr_uint32_t)j;
                apr_hash_set(names, apr_pstrdup(names_pool, e.policy),
                             APR_HASH_KEY_STRING, num);
                pnum = *num;
            }
        }
        klen = strlen(e.key);
        h = cors_map_hash(e.key, klen);
        slot = cors_map_probe(idx, e.key, klen, h);
        if (idx->slots[slot].off) {
            reason = apr_psprintf(p,
                                  "'%s' is already in the map, on line %u "
                                  "(each origin once)",
                                  e.key, lines[slot]);
            continue;
        }
        need = idx->data_len + 2 + klen + 1;
        if (need > CORS_MAP_DATA_MAX) {
            reason = "the map is too large for a text map: use a dbm: map";
            continue;
        }
        if (need > cap) {
            char *grown;
            while (cap < need) {
                cap *= 2;
            }
            if (!(grown = realloc(idx->data, cap))) {
                reason = "out of memory";
                continue;
            }
            idx->data = grown;
        }
        d = idx->data + idx->data_len;
        d[0] = (char)(pnum & 0xff);
        d[1] = (char)(pnum >> 8);
        memcpy(d + 2, e.key, klen + 1);
        idx->slots[slot].hash = h;
        idx->slots[slot].off = (apr_uint32_t)idx->data_len + 1;
        lines[slot] = (apr_uint32_t)line;
        idx->data_len = need;
        idx->count++;
        if (e.key[strcspn(e.key, ":") + 3] == '*') {
            idx->wildcards++;
        }
    }
    if (reason) {
        reason = apr_pstrdup(p, reason);
    }
    apr_pool_destroy(scratch);
    apr_pool_destroy(names_pool);
    free(lines);
    if (reason) {
        free(idx->slots);
        free(idx->data);
        return cors_map_refuse(err, line, reason);
    }
    /* Give back what the doubling left over. */
    if (idx->data_len && idx->data_len < cap) {
        char *fit = realloc(idx->data, idx->data_len);
        if (fit) {
            idx->data = fit;
        }
    }
    apr_pool_cleanup_register(p, idx->slots, cors_map_free,
                              apr_pool_cleanup_null);
    apr_pool_cleanup_register(p, idx->data, cors_map_free,
                              apr_pool_cleanup_null);
    idx->policies = (const void **)policies->elts;
    idx->npolicies = (apr_size_t)policies->nelts;
    *out = idx;
    return NULL;
}
