/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_origin: serialized origins (RFC 6454 / Fetch) as configured and as a
 * browser sends them.
 *
 * Both parsers produce the same normalised key: lowercase scheme and host,
 * and no port when the port is the scheme's default, so that
 * "HTTPS://A.example:443" and "https://a.example" meet in one hash slot.
 */

#ifndef CORS_ORIGIN_H
#define CORS_ORIGIN_H

#include "apr_pools.h"

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

/* IP hosts, shared with the start-up checks.  An IPv4 host as a URL parser
 * reads it (dotted parts in decimal, hex or octal; fewer than four parts
 * fill the last), and the inside of a bracketed IPv6 host; non-zero when
 * s[0..len) is one, with the address in *out or a. */
int cors_ipv4_parse(const char *h, apr_size_t len, apr_uint32_t *out);
int cors_ipv6_parse(const char *s, apr_size_t len, apr_uint16_t a[8]);

#endif /* CORS_ORIGIN_H */
