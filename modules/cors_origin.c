/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_origin: parsing and normalising origins.
 *
 * The request parser is the gate of docs/mod_cors.md, "Checking the
 * request's Origin": a request Origin that is not a serialized origin never
 * reaches the set, so no pattern or regex ever sees a path, userinfo, a
 * comma (two joined Origin headers) or a control byte.  The configuration
 * parser is stricter about hosts (a DNS name, an IPv4 address or a bracketed
 * IPv6 literal) and says precisely what is wrong.
 */

#include "cors_origin.h"
#include "cors_origin_check.h"
#include "cors_string.h"

#include "apr_lib.h"
#include "apr_strings.h"

#include <string.h>

/*
 * Byte classes for the request path.  Origins are ASCII, and the locale's
 * <ctype.h> (a function call per byte) has no say in what a browser sends.
 */
#define CORS_C_BAD 0x01    /* control, space, DEL, non-ASCII, ',' */
#define CORS_C_SCHEME 0x02 /* ALPHA DIGIT + - . */
/* What a request host may contain: letters, digits, '-', '.', '_'. */
#define CORS_C_HOST 0x04
#define CORS_C_DIGIT 0x08
#define CORS_C_ALPHA 0x10

/* The table, one row per 16 bytes; B bad, D digit, A letter, S the other
 * scheme characters, H other host characters, 0 none of these. */
#define B CORS_C_BAD
#define D (CORS_C_DIGIT | CORS_C_SCHEME | CORS_C_HOST)
#define A (CORS_C_ALPHA | CORS_C_SCHEME | CORS_C_HOST)
#define S (CORS_C_SCHEME | CORS_C_HOST)
#define H CORS_C_HOST
static const unsigned char cors_class[256] = {
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
    B, B, B, B, B, B, B, B, B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, S, B, S, S, 0,
    D, D, D, D, D, D, D, D, D, D, 0, 0, 0, 0, 0, 0, 0, A, A, A, A, A, A, A,
    A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, 0, 0, 0, 0, H,
    0, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    A, A, A, 0, 0, 0, 0, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
};
#undef B
#undef D
#undef A
#undef S
#undef H

static int cors_default_port(const char *scheme)
{
    if (strcmp(scheme, "https") == 0 || strcmp(scheme, "wss") == 0) {
        return 443;
    }
    if (strcmp(scheme, "http") == 0 || strcmp(scheme, "ws") == 0) {
        return 80;
    }
    return 0;
}

/*
 * The port after ':' in s[0..len): 1 to 65535, decimal digits only, no
 * leading zero (browsers never send one).  Returns the port or 0.
 */
static int cors_parse_port(const char *s, apr_size_t len)
{
    int port = 0;
    apr_size_t i;

    if (len == 0 || len > 5 || s[0] == '0') {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!apr_isdigit((unsigned char)s[i])) {
            return 0;
        }
        port = port * 10 + (s[i] - '0');
    }
    return port <= 65535 ? port : 0;
}

/*
 * IP-literal hosts, read as the URL Standard's host parser reads them.
 * Browsers put an IP host in an origin in one canonical form (127.0.0.1,
 * [::1], [::ffff:7f00:1]), so the configuration parser turns any other
 * spelling (127.1, 0x7f.0.0.1, [0:0:0:0:0:0:0:1]) into that form, and the
 * request parser refuses any other spelling: no browser sends one, and a
 * regex must never see two spellings of one address.
 */

/* One dot-separated part of an IPv4 host: decimal, "0x" hex (nothing after
 * "0x" is 0) or "0"-prefixed octal.  Values above 2^32 saturate. */
static int cors_ipv4_number(const char *s, apr_size_t len, apr_uint64_t *out)
{
    unsigned int radix = 10;
    apr_uint64_t v = 0;
    apr_size_t i;

    if (len == 0) {
        return 0;
    }
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        radix = 16;
        s += 2;
        len -= 2;
    }
    else if (len >= 2 && s[0] == '0') {
        radix = 8;
        s++;
        len--;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        }
        else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        }
        else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        }
        else {
            return 0;
        }
        if (d >= radix) {
            return 0;
        }
        if (v <= 0xFFFFFFFFu) {
            v = v * radix + d;
        }
    }
    *out = v;
    return 1;
}

/* The URL Standard's "ends in a number": the host is then an IPv4 address
 * or nothing (https://a.1 is no host). */
static int cors_host_ends_in_number(const char *h, apr_size_t len)
{
    apr_size_t start, i;
    apr_uint64_t v;

    if (len > 1 && h[len - 1] == '.') {
        len--;
    }
    for (start = len; start > 0 && h[start - 1] != '.'; start--) {
    }
    if (start == len) {
        return 0;
    }
    for (i = start; i < len && apr_isdigit((unsigned char)h[i]); i++) {
    }
    return i == len || cors_ipv4_number(h + start, len - start, &v);
}

/* An IPv4 host of one to four parts, the last filling the bytes left. */
int cors_ipv4_parse(const char *h, apr_size_t len, apr_uint32_t *out)
{
    apr_uint64_t parts[4], v;
    const char *p = h, *end = h + len;
    int n = 0, i;

    if (len > 1 && end[-1] == '.') {
        end--;
    }
    for (;;) {
        const char *dot = memchr(p, '.', (apr_size_t)(end - p));
        const char *e = dot ? dot : end;
        if (n == 4 || !cors_ipv4_number(p, (apr_size_t)(e - p), &parts[n])) {
            return 0;
        }
        n++;
        if (!dot) {
            break;
        }
        p = dot + 1;
    }
    for (i = 0; i < n - 1; i++) {
        if (parts[i] > 255) {
            return 0;
        }
    }
    if (parts[n - 1] >= ((apr_uint64_t)1 << (8 * (5 - n)))) {
        return 0;
    }
    v = parts[n - 1];
    for (i = 0; i < n - 1; i++) {
        v += parts[i] << (8 * (3 - i));
    }
    *out = (apr_uint32_t)v;
    return 1;
}

/* Dotted decimal; out holds 16 bytes.  Returns the length. */
static apr_size_t cors_ipv4_serialize(apr_uint32_t a, char *out)
{
    return (apr_size_t)apr_snprintf(out, 16, "%u.%u.%u.%u", a >> 24,
                                    (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static unsigned int cors_hex_value(unsigned char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* The inside of a bracketed IPv6 host: eight 16-bit pieces, one "::" for a
 * run of zeros, an optional dotted-decimal IPv4 tail. */
int cors_ipv6_parse(const char *s, apr_size_t len, apr_uint16_t a[8])
{
    apr_size_t i = 0;
    int piece = 0, compress = -1;

    memset(a, 0, 8 * sizeof(a[0]));
    if (len > 0 && s[0] == ':') {
        if (len < 2 || s[1] != ':') {
            return 0;
        }
        i = 2;
        compress = ++piece;
    }
    while (i < len) {
        unsigned int value = 0, length = 0;

        if (piece == 8) {
            return 0;
        }
        if (s[i] == ':') {
            if (compress >= 0) {
                return 0;
            }
            i++;
            compress = ++piece;
            continue;
        }
        while (length < 4 && i < len && apr_isxdigit((unsigned char)s[i])) {
            value = value * 16 + cors_hex_value((unsigned char)s[i]);
            i++;
            length++;
        }
        if (i < len && s[i] == '.') {
            int seen = 0;
            if (length == 0 || piece > 6) {
                return 0;
            }
            i -= length;
            while (i < len) {
                int v4 = -1;
                if (seen > 0) {
                    if (s[i] != '.' || seen == 4) {
                        return 0;
                    }
                    i++;
                }
                if (i >= len || !apr_isdigit((unsigned char)s[i])) {
                    return 0;
                }
                for (; i < len && apr_isdigit((unsigned char)s[i]); i++) {
                    if (v4 == 0) {
                        return 0; /* a leading zero */
                    }
                    v4 = (v4 < 0 ? 0 : v4 * 10) + (s[i] - '0');
                    if (v4 > 255) {
                        return 0;
                    }
                }
                a[piece] = (apr_uint16_t)(a[piece] * 0x100 + v4);
                if (++seen == 2 || seen == 4) {
                    piece++;
                }
            }
            if (seen != 4) {
                return 0;
            }
            break;
        }
        if (i < len && s[i] == ':') {
            if (++i == len) {
                return 0;
            }
        }
        else if (i < len) {
            return 0;
        }
        a[piece++] = (apr_uint16_t)value;
    }
    if (compress >= 0) {
        int swaps = piece - compress;
        for (piece = 7; piece != 0 && swaps > 0; piece--, swaps--) {
            apr_uint16_t t = a[piece];
            a[piece] = a[compress + swaps - 1];
            a[compress + swaps - 1] = t;
        }
    }
    else if (piece != 8) {
        return 0;
    }
    return 1;
}

/* RFC 5952 as the URL Standard applies it: lowercase, no leading zeros,
 * the first longest run of two or more zero pieces as "::", no dotted
 * tail.  out holds 40 bytes.  Returns the length. */
static apr_size_t cors_ipv6_serialize(const apr_uint16_t a[8], char *out)
{
    int best = -1, best_len = 1, i, j, ignore0 = 0;
    char *o = out;

    for (i = 0; i < 8; i = j + 1) {
        for (j = i; j < 8 && a[j] == 0; j++) {
        }
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
    }
    for (i = 0; i < 8; i++) {
        if (ignore0 && a[i] == 0) {
            continue;
        }
        ignore0 = 0;
        if (i == best) {
            if (i == 0) {
                *o++ = ':';
            }
            *o++ = ':';
            ignore0 = 1;
            continue;
        }
        o += apr_snprintf(o, 5, "%x", (unsigned int)a[i]);
        if (i != 7) {
            *o++ = ':';
        }
    }
    *o = '\0';
    return (apr_size_t)(o - out);
}

/*
 * A configured host name: dot-separated labels of letters, digits, '-' and
 * '_' (some internal zones use it), each 1 to 63 bytes, not starting or
 * ending with '-', 253 bytes at most.  An IPv4 address passes as labels of
 * digits.
 */
static int cors_is_config_host(const char *s, apr_size_t len)
{
    apr_size_t i, label = 0;

    if (len == 0 || len > 253) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-') {
                return 0;
            }
            label = 0;
            continue;
        }
        if (!apr_isalnum(c) && c != '-' && c != '_') {
            return 0;
        }
        if (label == 0 && c == '-') {
            return 0;
        }
        if (++label > 63) {
            return 0;
        }
    }
    return label > 0 && s[len - 1] != '-';
}

/*
 * A request host: letters, digits, '-', '.' and '_', no empty label.  The URL
 * Standard lets more through (Safari sends "a}b" or "a`b"), but no CA-issued
 * site has such a name and they exist to slip past sloppy matching
 * ("https://app.example.com`.evil.net"), so they are refused, as is '*' (no
 * request can spell a configured pattern) and ',' (two Origin headers).
 * IDN hosts arrive in their xn-- form.
 */
static int cors_is_request_host(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len == 0 || len > 253 || s[0] == '.') {
        return 0;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(cors_class[c] & CORS_C_HOST) || (c == '.' && s[i + 1] == '.')) {
            return 0;
        }
    }
    return 1;
}

/* RFC 3986 scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static int cors_is_scheme(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (len == 0 || !(cors_class[(unsigned char)s[0]] & CORS_C_ALPHA)) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if (!(cors_class[(unsigned char)s[i]] & CORS_C_SCHEME)) {
            return 0;
        }
    }
    return 1;
}

/* The parts of scheme://host[:port] as written, while they are parsed. */
typedef struct {
    const char *scheme_end; /* the "://" */
    const char *auth, *end; /* the authority: host[:port] */
    const char *host;       /* the host, without a leading "*." */
    apr_size_t host_len;
    const char *port; /* the port's digits, or NULL */
    apr_size_t port_len;
    int explicit_port; /* the port as a number, 0 if none (or '*') */
} cors_origin_parts;

/* The scheme, lowercased into *names, and the authority's bounds: no path,
 * query, fragment or userinfo. */
static const char *cors_split_scheme(const char *s, cors_origin *out,
                                     char **names, cors_origin_parts *pt,
                                     int config)
{
    const char *sep = strstr(s, "://");

    if (!sep || !cors_is_scheme(s, (apr_size_t)(sep - s))) {
        return config ? "it has no scheme (write https://host)"
                      : "it is not scheme://host[:port]";
    }
    out->scheme = *names;
    *names = cors_lower_into(*names, s, (apr_size_t)(sep - s)) + 1;
    if (config && strcmp(out->scheme, "http") != 0
        && strcmp(out->scheme, "https") != 0) {
        return "the scheme must be http or https";
    }
    pt->scheme_end = sep;
    pt->auth = sep + 3;
    pt->end = pt->auth + strcspn(pt->auth, "/?#");
    switch (*pt->end) {
    case '/':
        return "it has a path";
    case '?':
        return "it has a query";
    case '#':
        return "it has a fragment";
    default:
        break;
    }
    if (memchr(pt->auth, '@', (apr_size_t)(pt->end - pt->auth))) {
        return "it has userinfo";
    }
    return NULL;
}

/* The authority split into host and port; in the configuration, port '*'
 * and a leftmost '*' label (then pt->host is what follows "*."). */
static const char *cors_split_authority(cors_origin *out, cors_origin_parts *pt,
                                        int config)
{
    const char *host = pt->auth, *end = pt->end, *host_end;
    const char *bad_host = config ? "the host is not a valid host name or IP "
                                    "address"
                                  : "the host is not a valid IPv6 literal";

    if (config && *host != '[' && memchr(host, '[', (apr_size_t)(end - host))) {
        /* "*.[::1]", "a[b]": brackets belong around a whole IPv6 host. */
        return "the host is not a valid host name or IP address";
    }
    if (*host == '[') {
        const char *close = memchr(host, ']', (apr_size_t)(end - host));
        if (!close) {
            return bad_host;
        }
        host_end = close + 1;
        if (host_end < end && *host_end != ':') {
            return bad_host;
        }
    }
    else if (!(host_end = memchr(host, ':', (apr_size_t)(end - host)))) {
        host_end = end;
    }
    pt->host = host;
    pt->host_len = (apr_size_t)(host_end - host);
    if (pt->host_len == 0) {
        return "the host is empty";
    }
    if (host_end < end) {
        pt->port = host_end + 1;
        pt->port_len = (apr_size_t)(end - pt->port);
        if (config && pt->port_len == 1 && *pt->port == '*') {
            out->any_port = 1;
        }
        else if (!(pt->explicit_port =
                       cors_parse_port(pt->port, pt->port_len))) {
            return "the port must be a number from 1 to 65535";
        }
        out->port_written = 1;
    }
    if (config && memchr(host, '*', pt->host_len)) {
        if (pt->host_len < 2 || host[0] != '*' || host[1] != '.'
            || memchr(host + 1, '*', pt->host_len - 1)) {
            return "'*' must be the whole leftmost label, as in "
                   "https://*.example.com";
        }
        out->wildcard = 1;
        pt->host += 2;
        pt->host_len -= 2;
    }
    return NULL;
}

/*
 * The host checked, and an IP host put in the one form browsers send
 * (written into ip, at least 48 bytes): the configuration's other
 * spellings are normalised, the request's are refused.
 */
static const char *cors_check_host(apr_pool_t *p, cors_origin *out,
                                   cors_origin_parts *pt, char *ip, int config)
{
    const char *host = pt->host;
    apr_size_t host_len = pt->host_len, n;

    if (*host == '[') {
        apr_uint16_t a[8];
        if (!cors_ipv6_parse(host + 1, host_len - 2, a)) {
            return config ? "the host is not a valid IPv6 address"
                          : "the host is not a valid IPv6 literal";
        }
        ip[0] = '[';
        n = cors_ipv6_serialize(a, ip + 1);
        memcpy(ip + n + 1, "]", 2);
        if (!config
            && (n + 2 != host_len || strncasecmp(ip, host, host_len) != 0)) {
            return apr_psprintf(p,
                                "the IPv6 address is not written as "
                                "browsers write it (%s)",
                                ip);
        }
        pt->host = ip;
        pt->host_len = n + 2;
        return NULL;
    }
    if (config ? !cors_is_config_host(host, host_len)
               : !cors_is_request_host(host, host_len)) {
        return config ? "the host is not a valid host name or IP address"
                      : "the host has a character a host name cannot have";
    }
    /* A wildcard over a number is refused later, in its own words. */
    if (!out->wildcard && cors_host_ends_in_number(host, host_len)) {
        apr_uint32_t v4;
        if (!cors_ipv4_parse(host, host_len, &v4)) {
            return config ? "the host ends in a number but is not a "
                            "valid IPv4 address"
                          : "the host ends in a number but is not an "
                            "IPv4 address";
        }
        n = cors_ipv4_serialize(v4, ip);
        if (!config && (n != host_len || memcmp(ip, host, n) != 0)) {
            return apr_psprintf(p,
                                "the IPv4 address is not written as "
                                "browsers write it (%s)",
                                ip);
        }
        pt->host = ip;
        pt->host_len = n;
    }
    return NULL;
}

/* A pattern's own rules: no wildcard over an IP address or a public
 * suffix. */
static const char *cors_check_pattern(apr_pool_t *p, const cors_origin *out)
{
    const char *last = strrchr(out->host, '.');

    if (apr_isdigit((unsigned char)(last ? last[1] : out->host[0]))) {
        return "a wildcard cannot cover an IP address";
    }
    if (cors_origin_public_suffix(out->host)) {
        return apr_psprintf(p,
                            "'%s' is a public suffix: a wildcard "
                            "over it would trust every site under it",
                            out->host);
    }
    return NULL;
}

/* How much longer an IP host's canonical form can be than its spelling. */
#define CORS_IP_GROWTH 48

/* Shared by both parsers: scheme://authority split, the host checked (and
 * an IP host normalised), and the key built.  `config` selects the host
 * rules, the wording, and the patterns only configuration may use (a
 * leftmost '*' label, port '*'). */
static const char *cors_origin_split(apr_pool_t *p, const char *s,
                                     cors_origin *out, int config)
{
    /* One allocation per origin: the key, then the lowercase scheme and
     * host.  None is longer than s, but for a configured IP host written
     * short ("http://0" is 0.0.0.0). */
    apr_size_t len = strlen(s);
    char *buf = apr_palloc(p, 2 * (len + CORS_IP_GROWTH) + 8);
    char *names = buf + len + CORS_IP_GROWTH + 4, *k;
    char ip[48]; /* an IP host's canonical form */
    cors_origin_parts pt;
    const char *err;

    memset(&pt, 0, sizeof(pt));
    if ((err = cors_split_scheme(s, out, &names, &pt, config)) != NULL
        || (err = cors_split_authority(out, &pt, config)) != NULL
        || (err = cors_check_host(p, out, &pt, ip, config)) != NULL) {
        return err;
    }
    out->kind = out->wildcard || out->any_port ? CORS_ORIGIN_PATTERN
                                               : CORS_ORIGIN_EXACT;
    out->host = names;
    cors_lower_into(names, pt.host, pt.host_len);
    out->port =
        pt.explicit_port ? pt.explicit_port : cors_default_port(out->scheme);
    if (out->wildcard && (err = cors_check_pattern(p, out)) != NULL) {
        return err;
    }
    /* The key: scheme "://" ["*."] host [":" port | ":*"], the port only
     * when it is not the scheme's default. */
    k = cors_lower_into(buf, out->scheme, (apr_size_t)(pt.scheme_end - s));
    memcpy(k, "://", 3);
    k += 3;
    if (out->wildcard) {
        memcpy(k, "*.", 2);
        k += 2;
    }
    k = cors_lower_into(k, out->host, pt.host_len);
    if (out->any_port) {
        memcpy(k, ":*", 3);
    }
    else if (pt.explicit_port
             && pt.explicit_port != cors_default_port(out->scheme)) {
        /* The port as sent: digits without a leading zero (checked). */
        *k++ = ':';
        cors_lower_into(k, pt.port, pt.port_len);
    }
    out->key = buf;
    return NULL;
}

/*
 * The Origin nearly every browser request carries: "http://" or
 * "https://", a lowercase host name of letters, digits, '-' and '.' (no
 * empty label) whose last label starts with a letter, so that it is no
 * IPv4 address, and no port or one that is not the scheme's default,
 * without a leading zero.  Such a value is already its own key, and
 * cors_origin_split() would make exactly this of it; anything else (an IP
 * literal, an uppercase letter, a default port written out) takes that
 * longer path.  Returns 1 when *out is filled.
 */
static int cors_origin_canonical(apr_pool_t *p, const char *s, apr_size_t len,
                                 cors_origin *out)
{
    const char *h, *c, *label, *end = s + len;
    int default_port, port = 0;

    if (len > 8 && memcmp(s, "https://", 8) == 0) {
        out->scheme = "https";
        default_port = 443;
        h = s + 8;
    }
    else if (len > 7 && memcmp(s, "http://", 7) == 0) {
        out->scheme = "http";
        default_port = 80;
        h = s + 7;
    }
    else {
        return 0;
    }
    for (c = label = h; c < end && *c != ':'; c++) {
        if (*c == '.') {
            if (c == label) {
                return 0;
            }
            label = c + 1;
        }
        else if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')
                   || *c == '-')) {
            return 0;
        }
    }
    if (c == label || *label < 'a' || *label > 'z' || c - h > 253) {
        return 0;
    }
    if (c < end) {
        port = cors_parse_port(c + 1, (apr_size_t)(end - c - 1));
        if (!port || port == default_port) {
            return 0;
        }
        out->port_written = 1;
    }
    out->kind = CORS_ORIGIN_EXACT;
    out->host = apr_pstrmemdup(p, h, (apr_size_t)(c - h));
    out->port = port ? port : default_port;
    out->key = s;
    return 1;
}

const char *cors_origin_parse_request(apr_pool_t *p, const char *value,
                                      cors_origin *out)
{
    apr_size_t len = strlen(value), i;

    memset(out, 0, sizeof(*out));
    if (len == 0) {
        return "it is empty";
    }
    if (len > CORS_ORIGIN_MAX) {
        return "it is longer than 512 bytes";
    }
    /* The usual value first: it admits fewer bytes than the check below. */
    if (cors_origin_canonical(p, value, len, out)) {
        return NULL;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (cors_class[c] & CORS_C_BAD) {
            if (c < 0x20 || c == 0x7f) {
                return "it has a control character";
            }
            if (c == ',') {
                return "it has a comma (more than one Origin header?)";
            }
            return "it has a space or a non-ASCII byte";
        }
    }
    if (strcmp(value, CORS_ORIGIN_NULL) == 0) {
        out->kind = CORS_ORIGIN_OPAQUE;
        out->key = CORS_ORIGIN_NULL;
        return NULL;
    }
    return cors_origin_split(p, value, out, 0);
}

const char *cors_origin_parse_config(apr_pool_t *p, const char *value,
                                     cors_origin *out)
{
    memset(out, 0, sizeof(*out));
    if (strcmp(value, "*") == 0) {
        out->kind = CORS_ORIGIN_ANY;
        out->key = "*";
        return NULL;
    }
    if (strcasecmp(value, CORS_ORIGIN_NULL) == 0) {
        out->kind = CORS_ORIGIN_OPAQUE;
        out->key = CORS_ORIGIN_NULL;
        return NULL;
    }
    return cors_origin_split(p, value, out, 1);
}
