/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_map: origin maps (docs/mod_cors.md, "Maps").  The entries a map
 * holds ("ORIGIN [POLICY]" lines of a text map, key and value pairs of a
 * DBM file, rows of a database), the keys a request origin is looked up
 * under, and the in-memory index of a text map.
 *
 * Reading files, DBM and SQL is the module's; everything here works on
 * bytes already read, so the same checks run at start-up, on a reload and
 * in cors-maptool.
 */

#ifndef CORS_MAP_H
#define CORS_MAP_H

#include "apr_pools.h"
#include "apr_tables.h"

#include "cors_origin.h"

/* The value that means "no policy: the section's own settings". */
#define CORS_MAP_NO_POLICY "-"

/* Longest line of a text map: an origin of 512 bytes, a policy name and
 * room for spaces. */
#define CORS_MAP_LINE_MAX 1024

/* One entry: a normalised key and the policy it names (NULL: none). */
typedef struct cors_map_entry {
    const char *key;    /* the normalised origin, or wildcard pattern */
    const char *policy; /* a <CORSPolicy> name, or NULL */
} cors_map_entry;

/*
 * Check a policy name as a map writes it: letters, digits, '-', '_' and
 * '.', or "-" for none.  NULL when it is one, else why not.
 */
const char *cors_map_check_policy(apr_pool_t *p, const char *name,
                                  apr_size_t len);

/*
 * One map key: an exact origin or a "*." wildcard as CORSAllowOrigin
 * reads them (the same normalisation and public-suffix refusal), but not
 * '*', "null", port '*', nor a wildcard that covers public suffixes (the
 * Public Suffix List has entries below it).  On success *key is the
 * normalised key (from p).
 */
const char *cors_map_check_origin(apr_pool_t *p, const char *origin,
                                  const char **key);

/*
 * One line of a text map, without its line break (a trailing CR is
 * ignored, so CRLF files read alike).  Blank lines and lines whose first
 * non-blank byte is '#' are no entry: out->key is NULL.  Otherwise
 * "ORIGIN [POLICY]" separated by spaces or tabs.  NULL on success, else
 * why the line is refused.
 */
const char *cors_map_parse_line(apr_pool_t *p, const char *line, apr_size_t len,
                                cors_map_entry *out);

/*
 * A key and value as a DBM map holds them (cors-maptool build, or
 * httxt2dbm from the same text): the key must already be the normalised
 * form, the value a policy name or "-".  NULL on success, else why not.
 */
const char *cors_map_parse_pair(apr_pool_t *p, const char *key, apr_size_t klen,
                                const char *value, apr_size_t vlen,
                                cors_map_entry *out);

/*
 * Whether a whole text map looks complete: not empty (a file being
 * written starts empty; a map without entries can say so with a comment
 * line), and its last line ends with a line break (a file cut short, or
 * still being written, does not).  NULL when it does, else why not.
 */
const char *cors_map_text_complete(const char *text, apr_size_t len);

/*
 * The keys a request origin (as cors_origin_parse_request parsed it) is
 * looked up under, most specific first: the origin itself, then its
 * wildcard keys from the longest suffix; for https://a.b.example.com:8443
 * the scheme and "://" followed by "*.b.example.com:8443", then by
 * "*.example.com:8443" (the port only when it is not the scheme's
 * default).  Suffixes of one label are skipped (a wildcard over them is
 * always refused), and so are IP addresses.
 *
 *     cors_map_keys k;
 *     cors_map_keys_start(&k, &origin);
 *     while (cors_map_keys_next(&k)) { ... k.key, k.len ... }
 */
typedef struct cors_map_keys {
    const cors_origin *origin;
    const char *dot; /* the next suffix's dot in origin->host */
    int state;       /* 0 start, 1 wildcards, 2 done */
    apr_size_t len;  /* of key */
    char key[CORS_ORIGIN_MAX + 16];
} cors_map_keys;

void cors_map_keys_start(cors_map_keys *k, const cors_origin *origin);
int cors_map_keys_next(cors_map_keys *k);

/*
 * The in-memory index of a text map: an open-addressing hash of the
 * normalised keys, each with its policy.  Built once per version of the
 * file, read-only afterwards, so any number of threads may look up at once.
 */
typedef struct cors_map_index cors_map_index;

/*
 * How a policy name becomes what the caller applies: the <CORSPolicy> it
 * names, or NULL when there is none of that name (the entry is refused).
 */
typedef const void *(*cors_map_resolve_fn)(void *ctx, const char *name);

/* Where a text map was refused: line number (1-based) and reason. */
typedef struct cors_map_error {
    int line;
    const char *reason;
} cors_map_error;

/*
 * Build the index of a whole text map (len bytes of text, NUL bytes
 * included: they are refused).  Every line must pass cors_map_parse_line,
 * every policy must resolve, and no key may appear twice.  On success
 * *out is the index (from p) and NULL is returned; otherwise *out is NULL,
 * err says where and why (the first bad line), and so does the return.
 */
const char *cors_map_index_build(apr_pool_t *p, const char *text,
                                 apr_size_t len, cors_map_resolve_fn resolve,
                                 void *ctx, cors_map_index **out,
                                 cors_map_error *err);

/* Look one key up: non-zero when found, with its resolved policy (NULL for
 * none) in *policy. */
int cors_map_index_find(const cors_map_index *idx, const char *key,
                        apr_size_t len, const void **policy);

/* Look a parsed request origin up under its keys (cors_map_keys), the
 * wildcard keys only when the index has wildcard entries. */
int cors_map_index_find_origin(const cors_map_index *idx,
                               const cors_origin *origin, const void **policy);

/* Entries, of which wildcards, and the bytes the index takes. */
apr_size_t cors_map_index_count(const cors_map_index *idx);
apr_size_t cors_map_index_wildcards(const cors_map_index *idx);
apr_size_t cors_map_index_bytes(const cors_map_index *idx);

/* The hash the index uses, for callers' own tables of keys. */
apr_uint32_t cors_map_hash(const char *key, apr_size_t len);

#endif /* CORS_MAP_H */
