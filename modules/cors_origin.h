/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_origin: serialized origins (RFC 6454 / Fetch) as configured and as a
 * browser sends them, and the set of allowed origins.
 *
 * Both parsers produce the same normalised key: lowercase scheme and host,
 * and no port when the port is the scheme's default, so that
 * "HTTPS://A.example:443" and "https://a.example" meet in one hash slot.
 */

#ifndef CORS_ORIGIN_H
#define CORS_ORIGIN_H

#include "apr_pools.h"
#include "apr_tables.h"

#include "cors_list.h"

/* Longest request Origin the module considers (docs/mod_cors.md,
 * "Checking the request's Origin"). */
#define CORS_ORIGIN_MAX 512

/* The normalised key of the opaque origin. */
#define CORS_ORIGIN_NULL "null"

typedef enum {
    CORS_ORIGIN_EXACT,  /* scheme://host[:port] */
    CORS_ORIGIN_OPAQUE, /* null */
    CORS_ORIGIN_ANY,    /* '*' (configuration only) */
    CORS_ORIGIN_PATTERN /* a leftmost '*' label or port '*'
                         * (configuration only) */
} cors_origin_kind;

typedef struct cors_origin {
    cors_origin_kind kind;
    const char *scheme; /* lowercase */
    const char *host;   /* lowercase; IPv6 literals keep their brackets */
    int port;           /* explicit port, else the scheme's default, else 0 */
    const char *key;    /* normalised serialisation, the set's hash key */
    int wildcard;       /* pattern: host is the suffix after "*." */
    int any_port;       /* pattern: port '*' */
    int port_written;   /* the text named a port (even the default one) */
} cors_origin;

/*
 * Load the Public Suffix List once, at start-up, before any configuration
 * is read: libpsl's (libpsl builds) and the list's data file, which the
 * module indexes itself (CORS_PSL_FILE, Debian's publicsuffix package);
 * both are freed with p.  Returns which check is in force: "libpsl",
 * "file" (the data file alone) or "single-label" (neither).
 */
const char *cors_origin_init(apr_pool_t *p);

/* The same with another data file, or none (NULL). */
const char *cors_origin_init_file(apr_pool_t *p, const char *path);

/* The data file in use, or NULL when none could be read. */
const char *cors_origin_psl_file(void);

/* Non-zero when a wildcard over domain would cover a public suffix. */
int cors_origin_public_suffix(const char *domain);

/*
 * A public-suffix rule of the data file below domain (as it is written
 * there, "s3.amazonaws.com" or "*.compute.amazonaws.com"), or NULL: a
 * wildcard over domain then covers sites that anyone can register.  Always
 * NULL without the data file.
 */
const char *cors_origin_suffix_below(const char *domain);

/* The registrable domain of host (its public suffix and one label more:
 * "example.co.uk" for "a.b.example.co.uk"), a pointer into host, or NULL
 * when host is itself a public suffix. */
const char *cors_origin_registrable(const char *host);

/*
 * A request's Origin header.  NULL when it is a syntactically valid
 * serialized origin or exactly "null"; otherwise why not (for the reason
 * line; it never quotes configuration).
 */
const char *cors_origin_parse_request(apr_pool_t *p, const char *value,
                                      cors_origin *out);

/*
 * One CORSAllowOrigin item (without its '+'/'-').  NULL on success, else the
 * end of "'VALUE' is not an origin: <reason>", e.g. "it has a path".
 */
const char *cors_origin_parse_config(apr_pool_t *p, const char *value,
                                     cors_origin *out);

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

/* The fixed origins nobody owns: https://evil.invalid, http://evil.invalid
 * and null. */
extern const char *const cors_origin_canaries[];

/* The random label (ten lowercase letters, drawn by cors_origin_init) of
 * the canaries below. */
const char *cors_origin_canary_label(void);

/*
 * The origins nobody owns that a CORSAllowOriginMatch regex must not
 * match (const char *): the fixed ones; the random label under each of com,
 * net, org, io, dev, app, co.uk and github.io, over https and http; and for
 * each registrable domain the regex names literally (app\.example\.com
 * names example.com), that domain with the label glued in front
 * (https://LABELexample.com) and with the label and .invalid appended
 * (https://example.com.LABEL.invalid), and each host it names with the
 * same appended (https://app.example.com.LABEL.invalid), over both schemes.
 */
apr_array_header_t *cors_regex_canaries(apr_pool_t *p, const char *regex);

/* The registrable domains a regex names literally: runs of letters,
 * digits, '-' and escaped dots that no quantifier makes optional
 * ("https://(www|api)\.example\.co\.uk" names example.co.uk). */
apr_array_header_t *cors_regex_domains(apr_pool_t *p, const char *regex);

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

/* An empty set; edit sets start over base (which may be NULL). */
cors_origins *cors_origins_make(apr_pool_t *p, int edit,
                                const cors_origins *base,
                                cors_regex_match_fn match);

/* The merge: an edit set moved onto the inherited set. */
cors_origins *cors_origins_rebase(apr_pool_t *p, cors_origins *add,
                                  const cors_origins *base);

/*
 * Why trusting a configured origin with credentials is risky though legal
 * (null, http://, loopback and private-network hosts, port '*'), or NULL.
 * For start-up warnings.
 */
const char *cors_origin_credential_risk(const cors_origin *o);

/* The first '.' of a regex that matches any character where a literal dot
 * was surely meant (unescaped, outside a bracket expression, between two
 * letters or digits, as in "app.example"), or NULL.  For start-up warnings. */
const char *cors_regex_unescaped_dot(const char *regex);

/*
 * Why a regex does not stand on its own, for CORSAllowOriginMatch's message
 * when PCRE refuses it: a ')' that closes no group (which, once the module
 * wrapped the regex in its anchors, would close the anchor's group instead
 * and leave the rest of the regex unanchored), a '(' or '[' never closed, a
 * trailing single backslash.  NULL when none of these explains it.
 */
const char *cors_regex_unbalanced(const char *regex);

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

#endif /* CORS_ORIGIN_H */
