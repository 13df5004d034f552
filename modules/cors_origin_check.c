/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_origin_check: what the module checks and warns about at start-up,
 * beyond syntax: public suffixes under a wildcard, regexes that match
 * origins nobody owns (canaries), origins risky to trust with credentials,
 * and regexes whose dots or brackets were surely meant otherwise.
 */

#include "cors_origin_check.h"
#include "cors_string.h"

#include "apr_file_io.h"
#include "apr_general.h"
#include "apr_hash.h"
#include "apr_lib.h"
#include "apr_strings.h"

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
 * Public suffixes (docs/mod_cors.md, "Wildcard subdomains and any port"): a
 * wildcard over one would trust every site registered under it.  The Public
 * Suffix List decides (ICANN and private sections: co.uk, github.io), through
 * libpsl where the module was built with it, and through the list's data file,
 * which the module reads itself; a single label (com, localhost) is refused
 * with or without them.
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
static void cors_psl_note_below(const char *parent, const char *rule)
{
    const char *old = apr_hash_get(cors_psl_below, parent, APR_HASH_KEY_STRING);

    if (!old || strlen(rule) < strlen(old)) {
        apr_hash_set(cors_psl_below, parent, APR_HASH_KEY_STRING, rule);
    }
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
            cors_psl_note_below(d, rule);
        }
        for (dot = strchr(d, '.'); dot; dot = strchr(dot + 1, '.')) {
            cors_psl_note_below(dot + 1, rule);
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
            run[n++] = cors_ascii_lower(c);
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
