/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_origin: parsing, normalising and matching origins.
 *
 * The request parser is the gate of docs/mod_cors.md, "Checking the
 * request's Origin": a request Origin that is not a serialized origin never
 * reaches the set, so no pattern or regex ever sees a path, userinfo, a
 * comma (two joined Origin headers) or a control byte.  The configuration parser is stricter about hosts (a DNS name, an
 * IPv4 address or a bracketed IPv6 literal) and says precisely what is wrong.
 */

#include "cors_origin.h"
#include "cors_token.h"

#include "apr_file_io.h"
#include "apr_general.h"
#include "apr_lib.h"
#include "apr_strings.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

const char *const cors_origin_canaries[] = {
    "https://evil.invalid", "http://evil.invalid", CORS_ORIGIN_NULL, NULL};

/* The canaries' random label; a fixed one until cors_origin_init ran. */
static char cors_canary_label[11] = "qjzvkxwpfh";

static void cors_canary_label_draw(void)
{
    unsigned char r[10];
    int i;

    if (apr_generate_random_bytes(r, sizeof(r)) != APR_SUCCESS) {
        return;
    }
    for (i = 0; i < 10; i++) {
        cors_canary_label[i] = (char)('a' + r[i] % 26);
    }
}

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

static APR_INLINE char cors_ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

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
static int cors_ipv4_parse(const char *h, apr_size_t len, apr_uint32_t *out)
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
static int cors_ipv6_parse(const char *s, apr_size_t len, apr_uint16_t a[8])
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

/*
 * Public suffixes (docs/mod_cors.md, "Wildcard subdomains and any port"): a
 * wildcard over one would trust every site registered under it.  The Public Suffix List decides (ICANN and
 * private sections: co.uk, github.io), through libpsl where the module was
 * built with it, and through the list's data file, which the module reads
 * itself; a single label (com, localhost) is refused with or without them.
 *
 * libpsl answers "is this a public suffix", but not "does the list have
 * entries below this domain": amazonaws.com is no public suffix, but
 * s3.amazonaws.com is, so a wildcard over amazonaws.com covers sites anyone can
 * register.  So the data file is indexed here: its rules, and every domain
 * some rule lies below.
 */
#ifndef CORS_PSL_FILE
#define CORS_PSL_FILE "/usr/share/publicsuffix/public_suffix_list.dat"
#endif

#ifdef CORS_HAVE_LIBPSL
#include <libpsl.h>
static const psl_ctx_t *cors_psl;
static apr_status_t cors_psl_free(void *ctx)
{
    if (ctx != psl_builtin()) {
        psl_free((psl_ctx_t *)ctx);
    }
    cors_psl = NULL;
    return APR_SUCCESS;
}
#endif

/* The data file's rules, by domain in its ASCII (xn--) form. */
#define CORS_PSL_EXACT 1  /* "d": d is a public suffix */
#define CORS_PSL_WILD 2   /* "*.d": every label below d is one */
#define CORS_PSL_EXCEPT 4 /* "!d": d is not, whatever "*.parent" says */

static apr_hash_t *cors_psl_rules; /* domain -> flags, as a pointer */
static apr_hash_t *cors_psl_below; /* domain -> a rule below it */
static const char *cors_psl_path;  /* the file read, or NULL */

static apr_status_t cors_psl_file_free(void *unused)
{
    cors_psl_rules = cors_psl_below = NULL;
    cors_psl_path = NULL;
    return APR_SUCCESS;
}

/* RFC 3492's bias adaptation. */
static unsigned int cors_puny_adapt(unsigned int delta, unsigned int points,
                                    int first)
{
    unsigned int k = 0;

    delta = first ? delta / 700 : delta / 2;
    delta += delta / points;
    while (delta > ((36 - 1) * 26) / 2) {
        delta /= 36 - 1;
        k += 36;
    }
    return k + (36 * delta) / (delta + 38);
}

/*
 * One label in UTF-8 to its "xn--" form (RFC 3492 Punycode, the IDNA
 * parameters).  The list's labels are already lowercase; NULL for bad
 * UTF-8 or a label too long to be a DNS label.
 */
static char *cors_punycode_label(apr_pool_t *p, const char *s, apr_size_t len)
{
    apr_uint32_t cp[64];
    unsigned int n = 128, delta = 0, bias = 72, h, b = 0, count = 0, j;
    char out[128], *o = out;
    apr_size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        apr_uint32_t v;
        int more;
        if (c < 0x80) {
            v = c;
            more = 0;
        }
        else if ((c & 0xe0) == 0xc0) {
            v = c & 0x1f;
            more = 1;
        }
        else if ((c & 0xf0) == 0xe0) {
            v = c & 0x0f;
            more = 2;
        }
        else if ((c & 0xf8) == 0xf0) {
            v = c & 0x07;
            more = 3;
        }
        else {
            return NULL;
        }
        for (i++; more > 0; more--, i++) {
            if (i >= len || ((unsigned char)s[i] & 0xc0) != 0x80) {
                return NULL;
            }
            v = (v << 6) | ((unsigned char)s[i] & 0x3f);
        }
        if (count == 63) {
            return NULL;
        }
        cp[count++] = v;
    }
    memcpy(o, "xn--", 4);
    o += 4;
    for (j = 0; j < count; j++) {
        if (cp[j] < 0x80) {
            *o++ = (char)cp[j];
            b++;
        }
    }
    if (b > 0) {
        *o++ = '-';
    }
    for (h = b; h < count;) {
        apr_uint32_t m = 0xffffffff;
        for (j = 0; j < count; j++) {
            if (cp[j] >= n && cp[j] < m) {
                m = cp[j];
            }
        }
        delta += (m - n) * (h + 1);
        n = m;
        for (j = 0; j < count; j++) {
            if (cp[j] < n) {
                delta++;
            }
            else if (cp[j] == n) {
                unsigned int q = delta, k;
                for (k = 36;; k += 36) {
                    unsigned int t = k <= bias        ? 1
                                     : k >= bias + 26 ? 26
                                                      : k - bias;
                    unsigned int d;
                    if (q < t) {
                        break;
                    }
                    d = t + (q - t) % (36 - t);
                    *o++ = (char)(d < 26 ? 'a' + d : '0' + d - 26);
                    q = (q - t) / (36 - t);
                }
                *o++ = (char)(q < 26 ? 'a' + q : '0' + q - 26);
                bias = cors_puny_adapt(delta, h + 1, h == b);
                delta = 0;
                h++;
            }
            if (o - out > 63) {
                return NULL;
            }
        }
        delta++;
        n++;
    }
    return apr_pstrmemdup(p, out, (apr_size_t)(o - out));
}

/* A rule's domain with every non-ASCII label in its xn-- form, as hosts
 * are configured and sent; NULL when a label cannot be converted. */
static const char *cors_psl_ascii(apr_pool_t *p, const char *d)
{
    const char *s;
    char *out = NULL;

    for (s = d; *s && !((unsigned char)*s & 0x80); s++) {
    }
    if (!*s) {
        return apr_pstrdup(p, d);
    }
    for (s = d; *s;) {
        apr_size_t n = strcspn(s, ".");
        const char *label = apr_pstrmemdup(p, s, n), *a;
        for (a = label; *a && !((unsigned char)*a & 0x80); a++) {
        }
        if (*a && !(label = cors_punycode_label(p, label, n))) {
            return NULL;
        }
        out = out ? apr_pstrcat(p, out, ".", label, NULL) : (char *)label;
        s += n;
        if (*s == '.') {
            s++;
        }
    }
    return out;
}

static unsigned int cors_psl_flags(const char *d)
{
    return cors_psl_rules ? (unsigned int)(apr_uintptr_t)apr_hash_get(
               cors_psl_rules, d, APR_HASH_KEY_STRING)
                          : 0;
}

/* Note that rule (a domain) lies below parent; the shortest rule is kept
 * as the example messages give. */
static void cors_psl_note_below(apr_pool_t *p, const char *parent,
                                const char *rule)
{
    const char *old = apr_hash_get(cors_psl_below, parent, APR_HASH_KEY_STRING);

    if (!old || strlen(rule) < strlen(old)) {
        apr_hash_set(cors_psl_below, parent, APR_HASH_KEY_STRING, rule);
    }
    (void)p;
}

/* Read and index the data file: one rule a line, "//" comments, the rule
 * being the line's first word. */
static void cors_psl_load(apr_pool_t *p, const char *path)
{
    apr_file_t *f;
    char line[512];

    if (apr_file_open(&f, path, APR_READ | APR_BUFFERED, APR_OS_DEFAULT, p)
        != APR_SUCCESS) {
        return;
    }
    cors_psl_rules = apr_hash_make(p);
    cors_psl_below = apr_hash_make(p);
    cors_psl_path = apr_pstrdup(p, path);
    apr_pool_cleanup_register(p, NULL, cors_psl_file_free,
                              apr_pool_cleanup_null);
    while (apr_file_gets(line, sizeof(line), f) == APR_SUCCESS) {
        char *r = line + strspn(line, " \t");
        unsigned int flag = CORS_PSL_EXACT;
        const char *d, *dot, *rule;

        r[strcspn(r, " \t\r\n")] = '\0';
        if (!*r || (r[0] == '/' && r[1] == '/')) {
            continue;
        }
        if (*r == '!') {
            flag = CORS_PSL_EXCEPT;
            r++;
        }
        else if (r[0] == '*' && r[1] == '.') {
            flag = CORS_PSL_WILD;
            r += 2;
        }
        if (!*r || !(d = cors_psl_ascii(p, apr_pstrdup(p, r)))) {
            continue;
        }
        apr_hash_set(cors_psl_rules, d, APR_HASH_KEY_STRING,
                     (void *)(apr_uintptr_t)(cors_psl_flags(d) | flag));
        if (flag == CORS_PSL_EXCEPT) {
            continue; /* takes a suffix away, adds none */
        }
        rule = flag == CORS_PSL_WILD ? apr_pstrcat(p, "*.", d, NULL) : d;
        if (flag == CORS_PSL_WILD) {
            cors_psl_note_below(p, d, rule);
        }
        for (dot = strchr(d, '.'); dot; dot = strchr(dot + 1, '.')) {
            cors_psl_note_below(p, dot + 1, rule);
        }
    }
    apr_file_close(f);
}

const char *cors_origin_init_file(apr_pool_t *p, const char *path)
{
#ifdef CORS_HAVE_LIBPSL
    if (!cors_psl) {
        /* The newest of the built-in list and Debian's publicsuffix file. */
        psl_ctx_t *ctx = psl_latest(NULL);
        cors_psl = ctx ? ctx : psl_builtin();
        if (ctx) {
            apr_pool_cleanup_register(p, ctx, cors_psl_free,
                                      apr_pool_cleanup_null);
        }
    }
#endif
    if (!cors_psl_rules && path) {
        cors_psl_load(p, path);
    }
    cors_canary_label_draw();
#ifdef CORS_HAVE_LIBPSL
    if (cors_psl) {
        return "libpsl";
    }
#endif
    return cors_psl_rules ? "file" : "single-label";
}

const char *cors_origin_init(apr_pool_t *p)
{
    return cors_origin_init_file(p, CORS_PSL_FILE);
}

const char *cors_origin_psl_file(void)
{
    return cors_psl_path;
}

int cors_origin_public_suffix(const char *domain)
{
    const char *parent = strchr(domain, '.');
    unsigned int flags;

    if (!parent) {
        return 1;
    }
#ifdef CORS_HAVE_LIBPSL
    if (cors_psl && psl_is_public_suffix(cors_psl, domain)) {
        return 1;
    }
#endif
    flags = cors_psl_flags(domain);
    return !(flags & CORS_PSL_EXCEPT)
           && ((flags & CORS_PSL_EXACT)
               || (cors_psl_flags(parent + 1) & CORS_PSL_WILD));
}

const char *cors_origin_suffix_below(const char *domain)
{
    return cors_psl_below
               ? apr_hash_get(cors_psl_below, domain, APR_HASH_KEY_STRING)
               : NULL;
}

const char *cors_origin_registrable(const char *host)
{
    const char *s, *prev = NULL;

#ifdef CORS_HAVE_LIBPSL
    if (cors_psl) {
        return psl_registrable_domain(cors_psl, host);
    }
#endif
    /* The longest public suffix, and the label in front of it. */
    for (s = host; s;
         prev = s, s = strchr(s, '.') ? strchr(s, '.') + 1 : NULL) {
        if (cors_origin_public_suffix(s)) {
            return prev;
        }
    }
    return NULL;
}

/* Shared by both parsers: split scheme://authority and the authority into
 * host and port.  `config` selects the host rules, the wording, and the
 * patterns only configuration may use (a leftmost '*' label, port '*'). */
/* Lowercase n bytes of src into dst and terminate it; returns dst + n. */
static char *cors_lower_into(char *dst, const char *src, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i < n; i++) {
        dst[i] = cors_ascii_lower(src[i]);
    }
    dst[n] = '\0';
    return dst + n;
}

/* How much longer an IP host's canonical form can be than its spelling. */
#define CORS_IP_GROWTH 48

static const char *cors_origin_split(apr_pool_t *p, const char *s,
                                     cors_origin *out, int config)
{
    /* One allocation per origin (this runs on every request): the key,
     * then the lowercase scheme and host.  None is longer than s, but for
     * a configured IP host written short ("http://0" is 0.0.0.0). */
    apr_size_t len = strlen(s);
    char *buf = apr_palloc(p, 2 * (len + CORS_IP_GROWTH) + 8);
    char *names = buf + len + CORS_IP_GROWTH + 4, *k;
    const char *sep, *auth, *end, *host, *host_end, *port = NULL;
    apr_size_t host_len, port_len = 0;
    int explicit_port = 0;
    char ip[48]; /* an IP host's canonical form */

    sep = strstr(s, "://");
    if (!sep || !cors_is_scheme(s, (apr_size_t)(sep - s))) {
        return config ? "it has no scheme (write https://host)"
                      : "it is not scheme://host[:port]";
    }
    out->scheme = names;
    names = cors_lower_into(names, s, (apr_size_t)(sep - s)) + 1;
    if (config && strcmp(out->scheme, "http") != 0
        && strcmp(out->scheme, "https") != 0) {
        return "the scheme must be http or https";
    }

    auth = sep + 3;
    end = auth + strcspn(auth, "/?#");
    switch (*end) {
    case '/':
        return "it has a path";
    case '?':
        return "it has a query";
    case '#':
        return "it has a fragment";
    default:
        break;
    }
    if (memchr(auth, '@', (apr_size_t)(end - auth))) {
        return "it has userinfo";
    }

    host = auth;
    if (config && *host != '[' && memchr(host, '[', (apr_size_t)(end - host))) {
        /* "*.[::1]", "a[b]": brackets belong around a whole IPv6 host. */
        return "the host is not a valid host name or IP address";
    }
    if (*host == '[') {
        const char *close = memchr(host, ']', (apr_size_t)(end - host));
        if (!close) {
            return config ? "the host is not a valid host name or IP address"
                          : "the host is not a valid IPv6 literal";
        }
        host_end = close + 1;
        if (host_end < end && *host_end != ':') {
            return config ? "the host is not a valid host name or IP address"
                          : "the host is not a valid IPv6 literal";
        }
    }
    else {
        host_end = memchr(host, ':', (apr_size_t)(end - host));
        if (!host_end) {
            host_end = end;
        }
    }
    host_len = (apr_size_t)(host_end - host);
    if (host_len == 0) {
        return "the host is empty";
    }
    if (host_end < end) {
        port = host_end + 1;
        port_len = (apr_size_t)(end - port);
        if (config && port_len == 1 && *port == '*') {
            out->any_port = 1;
        }
        else if (!(explicit_port = cors_parse_port(port, port_len))) {
            return "the port must be a number from 1 to 65535";
        }
        out->port_written = 1;
    }
    if (config && memchr(host, '*', host_len)) {
        if (host_len < 2 || host[0] != '*' || host[1] != '.'
            || memchr(host + 1, '*', host_len - 1)) {
            return "'*' must be the whole leftmost label, as in "
                   "https://*.example.com";
        }
        out->wildcard = 1;
        host += 2;
        host_len -= 2;
    }
    if (*host == '[') {
        apr_uint16_t a[8];
        apr_size_t n;
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
        host = ip;
        host_len = n + 2;
    }
    else {
        if (config ? !cors_is_config_host(host, host_len)
                   : !cors_is_request_host(host, host_len)) {
            return config ? "the host is not a valid host name or IP address"
                          : "the host has a character a host name cannot have";
        }
        /* A wildcard over a number is refused below, in its own words. */
        if (!out->wildcard && cors_host_ends_in_number(host, host_len)) {
            apr_uint32_t v4;
            apr_size_t n;
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
            host = ip;
            host_len = n;
        }
    }

    out->kind = CORS_ORIGIN_EXACT;
    out->host = names;
    cors_lower_into(names, host, host_len);
    out->port = explicit_port ? explicit_port : cors_default_port(out->scheme);
    if (out->wildcard) {
        const char *last = strrchr(out->host, '.');
        out->kind = CORS_ORIGIN_PATTERN;
        if (apr_isdigit((unsigned char)(last ? last[1] : out->host[0]))) {
            return "a wildcard cannot cover an IP address";
        }
        if (cors_origin_public_suffix(out->host)) {
            return apr_psprintf(p,
                                "'%s' is a public suffix: a wildcard "
                                "over it would trust every site under it",
                                out->host);
        }
    }
    if (out->any_port) {
        out->kind = CORS_ORIGIN_PATTERN;
    }
    /* The key: scheme "://" ["*."] host [":" port | ":*"], the port only
     * when it is not the scheme's default. */
    k = buf;
    k = cors_lower_into(k, out->scheme, (apr_size_t)(sep - s));
    memcpy(k, "://", 3);
    k += 3;
    if (out->wildcard) {
        memcpy(k, "*.", 2);
        k += 2;
    }
    k = cors_lower_into(k, out->host, host_len);
    if (out->any_port) {
        memcpy(k, ":*", 3);
    }
    else if (explicit_port && explicit_port != cors_default_port(out->scheme)) {
        /* The port as sent: digits without a leading zero (checked). */
        *k++ = ':';
        cors_lower_into(k, port, port_len);
    }
    out->key = buf;
    return NULL;
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

cors_origins *cors_origins_make(apr_pool_t *p, int edit,
                                const cors_origins *base,
                                cors_regex_match_fn match)
{
    cors_origins *o = apr_pcalloc(p, sizeof(*o));

    o->edit = edit;
    o->base = edit ? base : NULL;
    o->list = cors_list_make(p, edit, (edit && base) ? base->list : NULL);
    o->base = NULL; /* the merge attaches what the edits apply to */
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

int cors_origins_any(const cors_origins *o)
{
    return cors_list_star(o->list);
}

int cors_origins_any_plain(const cors_origins *o)
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

/* 10/8, 172.16/12, 192.168/16, 169.254/16, 127/8. */
static int cors_ipv4_private(apr_uint32_t v4)
{
    unsigned int a = v4 >> 24, b = (v4 >> 16) & 255;

    return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31)
           || (a == 192 && b == 168) || (a == 169 && b == 254);
}

/* A loopback or private-network IP host (configured hosts are canonical):
 * the IPv4 ranges above, ::1, fc00::/7, fe80::/10, and the IPv4 ranges
 * again as IPv4-mapped IPv6 (::ffff:7f00:1 is 127.0.0.1). */
static int cors_ip_private(const char *h)
{
    apr_size_t len = strlen(h);
    apr_uint16_t a[8];
    apr_uint32_t v4;

    if (h[0] != '[') {
        return apr_isdigit((unsigned char)h[0]) && cors_ipv4_parse(h, len, &v4)
               && cors_ipv4_private(v4);
    }
    if (len < 2 || !cors_ipv6_parse(h + 1, len - 2, a)) {
        return 0;
    }
    if (!a[0] && !a[1] && !a[2] && !a[3] && !a[4]) {
        if (!a[5] && !a[6] && a[7] == 1) {
            return 1;
        }
        if (a[5] == 0xffff) {
            return cors_ipv4_private(((apr_uint32_t)a[6] << 16) | a[7]);
        }
    }
    return (a[0] & 0xfe00) == 0xfc00 || (a[0] & 0xffc0) == 0xfe80;
}

const char *cors_origin_credential_risk(const cors_origin *o)
{
    const char *h = o->host;
    apr_size_t len;

    if (o->kind == CORS_ORIGIN_OPAQUE) {
        return "any page can send it, from a sandboxed iframe, a data: URL "
               "or a local file";
    }
    if (o->kind != CORS_ORIGIN_EXACT && o->kind != CORS_ORIGIN_PATTERN) {
        return NULL;
    }
    len = strlen(h);
    if (strcmp(h, "localhost") == 0
        || (len > 10 && strcmp(h + len - 10, ".localhost") == 0)
        || cors_ip_private(h)
        || (len > 6 && strcmp(h + len - 6, ".local") == 0)) {
        return "it is a loopback or private-network host, which any program "
               "or device there can serve";
    }
    if (o->any_port) {
        return "port '*' trusts every service on that host";
    }
    if (strcmp(o->scheme, "http") == 0) {
        return "an http:// origin can be impersonated by anyone on the "
               "network path";
    }
    return NULL;
}

const char *cors_regex_unescaped_dot(const char *regex)
{
    const char *s;
    int in_class = 0;

    for (s = regex; *s; s++) {
        if (*s == '\\') {
            if (!s[1]) {
                break;
            }
            s++;
        }
        else if (in_class) {
            if (*s == ']') {
                in_class = 0;
            }
        }
        else if (*s == '[') {
            in_class = 1;
            if (s[1] == ']') {
                s++; /* "[]...]": the first ']' is literal */
            }
        }
        else if (*s == '.' && s > regex && apr_isalnum((unsigned char)s[-1])
                 && apr_isalnum((unsigned char)s[1])) {
            /* "app.example": meant as a literal dot.  ".*" and ".+" are
             * meant as wildcards and are left alone. */
            return s;
        }
    }
    return NULL;
}

const char *cors_regex_unbalanced(const char *regex)
{
    const char *s = regex;
    int depth = 0;

    while (*s) {
        if (s[0] == '\\' && s[1] == 'Q') {
            /* \Q...\E quotes everything, parentheses included. */
            const char *e = strstr(s + 2, "\\E");
            if (!e) {
                break;
            }
            s = e + 2;
        }
        else if (*s == '\\') {
            if (!s[1]) {
                return "it ends with a single '\\'";
            }
            s += 2;
        }
        else if (*s == '[') {
            /* A bracket expression: ']' first (or after '^') is literal,
             * and so is everything but '\' escapes and [:class:]. */
            s++;
            if (*s == '^') {
                s++;
            }
            if (*s == ']') {
                s++;
            }
            for (;;) {
                if (!*s) {
                    return "a '[' is never closed";
                }
                if (*s == '\\' && s[1]) {
                    s += 2;
                }
                else if (s[0] == '[' && s[1] == ':' && strstr(s + 2, ":]")) {
                    s = strstr(s + 2, ":]") + 2;
                }
                else if (*s++ == ']') {
                    break;
                }
            }
        }
        else if (s[0] == '(' && s[1] == '?' && s[2] == '#') {
            /* (?#comment) ends at the first ')'. */
            const char *e = strchr(s, ')');
            if (!e) {
                return "a '(' is never closed";
            }
            s = e + 1;
        }
        else if (*s == '(') {
            depth++;
            s++;
        }
        else if (*s == ')') {
            if (depth == 0) {
                return "it has a ')' that closes no group";
            }
            depth--;
            s++;
        }
        else {
            s++;
        }
    }
    return depth ? "a '(' is never closed" : NULL;
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
        cors_list_add(p, o->list, origin->key);
    }
    if (origin->kind == CORS_ORIGIN_PATTERN) {
        o->patterns++;
        if (origin->any_port) {
            o->any_ports++;
        }
    }
}

const char *cors_origin_canary_label(void)
{
    return cors_canary_label;
}

/* A character a run of literal host text may hold. */
static int cors_regex_host_char(char c)
{
    return apr_isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Does a quantifier follow s (making the atom before it optional or
 * repeated)? */
static int cors_regex_quantified(const char *s)
{
    return *s == '?' || *s == '*' || *s == '+' || *s == '{';
}

/* Add s to a list of strings unless it is there. */
static void cors_push_once(apr_array_header_t *out, const char *s)
{
    int i;

    for (i = 0; i < out->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(out, i, const char *), s) == 0) {
            return;
        }
    }
    APR_ARRAY_PUSH(out, const char *) = s;
}

/* Keep the registrable domain of a literal run, and the host the run
 * spells, if it names one. */
static void cors_regex_keep_domain(apr_pool_t *p, apr_array_header_t *domains,
                                   apr_array_header_t *hosts, char *run,
                                   apr_size_t n)
{
    const char *start, *reg, *last;
    char *end;

    run[n] = '\0';
    for (start = run; *start == '.' || *start == '-'; start++) {
    }
    for (end = run + n; end > start && (end[-1] == '.' || end[-1] == '-');
         end--) {
    }
    *end = '\0';
    /* A host name, short enough that its canaries are origins a browser
     * could send (a host has at most 253 bytes). */
    if (!strchr(start, '.') || strstr(start, "..") || end - start > 200) {
        return;
    }
    last = strrchr(start, '.') + 1;
    if (apr_isdigit((unsigned char)*last)) {
        return; /* an IP address, not a domain */
    }
    if (!(reg = cors_origin_registrable(start))) {
        return; /* a public suffix: the random labels cover it */
    }
    cors_push_once(domains, apr_pstrdup(p, reg));
    if (hosts) {
        cors_push_once(hosts, apr_pstrdup(p, start));
    }
}

/* The registrable domains (and the hosts) a regex names literally. */
static apr_array_header_t *cors_regex_names(apr_pool_t *p, const char *regex,
                                            apr_array_header_t *hosts)

{
    apr_array_header_t *out = apr_array_make(p, 2, sizeof(const char *));
    apr_size_t len = strlen(regex), n = 0;
    char *run = apr_palloc(p, len + 1);
    const char *s = regex;
    int quoted = 0;

    while (*s) {
        char c = 0;       /* the literal character this atom adds */
        const char *next; /* after the atom */

        if (quoted) {
            if (s[0] == '\\' && s[1] == 'E') {
                quoted = 0;
                s += 2;
                continue;
            }
            c = *s;
            next = s + 1;
        }
        else if (s[0] == '\\' && s[1] == 'Q') {
            quoted = 1;
            s += 2;
            continue;
        }
        else if (s[0] == '\\' && s[1]) {
            /* \. and \- are literal; \w, \d and the like are not */
            if (s[1] == '.' || s[1] == '-') {
                c = s[1];
            }
            next = s + 2;
        }
        else if (s[0] == '[' && s[1] && s[1] != '^' && s[2] == ']') {
            c = s[1]; /* a one-character class: [.] */
            next = s + 3;
        }
        else if (s[0] == '[') {
            /* any other class: skip it whole (']' first is literal) */
            next = s + 1;
            if (*next == '^') {
                next++;
            }
            if (*next == ']') {
                next++;
            }
            while (*next && *next != ']') {
                next += (next[0] == '\\' && next[1]) ? 2 : 1;
            }
            if (*next) {
                next++;
            }
        }
        else {
            /* An unescaped '.' between two letters or digits was surely
             * meant as a dot (CORSAllowOriginMatch warns about it), and it
             * matches one. */
            if (cors_regex_host_char(*s)
                || (*s == '.' && n && apr_isalnum((unsigned char)run[n - 1])
                    && apr_isalnum((unsigned char)s[1]))) {
                c = *s;
            }
            next = s + 1;
        }
        if (c && (c == '.' || cors_regex_host_char(c))
            && (quoted || !cors_regex_quantified(next))) {
            run[n++] = (char)apr_tolower((unsigned char)c);
        }
        else if (n) {
            cors_regex_keep_domain(p, out, hosts, run, n);
            n = 0;
        }
        s = next;
    }
    if (n) {
        cors_regex_keep_domain(p, out, hosts, run, n);
    }
    return out;
}

apr_array_header_t *cors_regex_domains(apr_pool_t *p, const char *regex)
{
    return cors_regex_names(p, regex, NULL);
}

apr_array_header_t *cors_regex_canaries(apr_pool_t *p, const char *regex)
{
    static const char *const suffixes[] = {
        "com", "net", "org", "io", "dev", "app", "co.uk", "github.io", NULL};
    static const char *const schemes[] = {"https", "http", NULL};
    apr_array_header_t *out = apr_array_make(p, 32, sizeof(const char *));
    apr_array_header_t *hosts = apr_array_make(p, 2, sizeof(const char *));
    apr_array_header_t *domains = cors_regex_names(p, regex, hosts);
    const char *const *c, *const *sch;
    int i;

    for (c = cors_origin_canaries; *c; c++) {
        APR_ARRAY_PUSH(out, const char *) = *c;
    }
    for (sch = schemes; *sch; sch++) {
        for (c = suffixes; *c; c++) {
            APR_ARRAY_PUSH(out, const char *) =
                apr_pstrcat(p, *sch, "://", cors_canary_label, ".", *c, NULL);
        }
        /* Someone else's domain that ends like one named (LABELexample.com),
         * and someone else's that begins with one: the registrable domain,
         * and each host named (app.example.com.LABEL.invalid). */
        for (i = 0; i < domains->nelts; i++) {
            const char *d = APR_ARRAY_IDX(domains, i, const char *);
            cors_push_once(
                out, apr_pstrcat(p, *sch, "://", cors_canary_label, d, NULL));
            cors_push_once(out,
                           apr_pstrcat(p, *sch, "://", d, ".",
                                       cors_canary_label, ".invalid", NULL));
        }
        for (i = 0; i < hosts->nelts; i++) {
            const char *h = APR_ARRAY_IDX(hosts, i, const char *);
            cors_push_once(out,
                           apr_pstrcat(p, *sch, "://", h, ".",
                                       cors_canary_label, ".invalid", NULL));
        }
    }
    return out;
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
