/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_origin: the request and configuration parsers, and
 * origin sets with exact entries, null, '*', wildcard patterns, regexes,
 * edits and the merge (docs/mod_cors.md,
 * "Lists and merging" and "Origins").
 */

#include "cors_origin.h"
#include "cors_origin_check.h"
#include "cors_origin_set.h"
#include "unit.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <regex.h>
#include <stdlib.h>

static int have_libpsl; /* built with libpsl */
static int have_psl;    /* libpsl or the data file */

/* ------------------------------------------------------------------ */
/* Regexes: POSIX ERE, case-insensitive, anchored like the module does. */

#include "fixtures.h"

/* ------------------------------------------------------------------ */
/* cors_origin_parse_request                                            */

struct parse_case {
    const char *in;
    const char *err; /* NULL: parses */
    const char *key;
    cors_origin_kind kind;
};

#define R_NOT_ORIGIN "it is not scheme://host[:port]"
#define R_PORT "the port must be a number from 1 to 65535"
#define R_REQ_HOST "the host has a character a host name cannot have"
#define R_IPV6 "the host is not a valid IPv6 literal"
#define R_COMMA "it has a comma (more than one Origin header?)"
#define R_CTRL "it has a control character"
#define R_SPACE "it has a space or a non-ASCII byte"
#define R_V4 "the host ends in a number but is not an IPv4 address"
#define R_V4_FORM(c)                                                           \
    "the IPv4 address is not written as browsers write it (" c ")"
#define R_V6_FORM(c)                                                           \
    "the IPv6 address is not written as browsers write it (" c ")"

static const struct parse_case request_cases[] = {
    /* normalised keys */
    {"https://a.example.com", NULL, "https://a.example.com", CORS_ORIGIN_EXACT},
    {"HTTPS://A.Example.COM:443", NULL, "https://a.example.com",
     CORS_ORIGIN_EXACT},
    {"http://a.example:80", NULL, "http://a.example", CORS_ORIGIN_EXACT},
    {"http://a.example:8080", NULL, "http://a.example:8080", CORS_ORIGIN_EXACT},
    {"https://a.example:80", NULL, "https://a.example:80", CORS_ORIGIN_EXACT},
    {"http://a.example:443", NULL, "http://a.example:443", CORS_ORIGIN_EXACT},
    {"http://a.example:1", NULL, "http://a.example:1", CORS_ORIGIN_EXACT},
    {"http://a.example:65535", NULL, "http://a.example:65535",
     CORS_ORIGIN_EXACT},
    {"http://[::1]:8080", NULL, "http://[::1]:8080", CORS_ORIGIN_EXACT},
    {"http://[::1]", NULL, "http://[::1]", CORS_ORIGIN_EXACT},
    {"https://[2001:DB8::1]:443", NULL, "https://[2001:db8::1]",
     CORS_ORIGIN_EXACT},
    {"http://127.0.0.1:3000", NULL, "http://127.0.0.1:3000", CORS_ORIGIN_EXACT},
    {"http://localhost", NULL, "http://localhost", CORS_ORIGIN_EXACT},
    {"https://xn--bcher-kva.example", NULL, "https://xn--bcher-kva.example",
     CORS_ORIGIN_EXACT},
    {"null", NULL, "null", CORS_ORIGIN_OPAQUE},
    {"https://a_b.example", NULL, "https://a_b.example", CORS_ORIGIN_EXACT},
    /* other schemes are syntactically fine in a request */
    {"chrome-extension://abc", NULL, "chrome-extension://abc",
     CORS_ORIGIN_EXACT},
    {"moz-extension://0a1b-2c3d", NULL, "moz-extension://0a1b-2c3d",
     CORS_ORIGIN_EXACT},
    {"wss://a.example:443", NULL, "wss://a.example", CORS_ORIGIN_EXACT},
    /* rejections */
    {"", "it is empty", NULL, 0},
    {"https://a.example\x01", R_CTRL, NULL, 0},
    {"https://a.example\t", R_CTRL, NULL, 0},
    {"https://a.example\r\nX-Evil: 1", R_CTRL, NULL, 0},
    {"https://a.exa\x7fmple", R_CTRL, NULL, 0},
    {"https://a.example, https://b.example", R_COMMA, NULL, 0},
    {"https://a.example,https://b.example", R_COMMA, NULL, 0},
    {"null, null", R_COMMA, NULL, 0},
    {"https://a .example", R_SPACE, NULL, 0},
    {"null ", R_SPACE, NULL, 0},
    {"https://caf\xc3\xa9.example", R_SPACE, NULL, 0},
    {"https://a.example/", "it has a path", NULL, 0},
    {"https://a.example/app", "it has a path", NULL, 0},
    {"https://a.example:8080/", "it has a path", NULL, 0},
    {"https://a.example?x=1", "it has a query", NULL, 0},
    {"https://a.example#top", "it has a fragment", NULL, 0},
    {"https://user@a.example", "it has userinfo", NULL, 0},
    {"https://user:pw@a.example", "it has userinfo", NULL, 0},
    {"https://", "the host is empty", NULL, 0},
    {"https://:443", "the host is empty", NULL, 0},
    {"https://a.example:0", R_PORT, NULL, 0},
    {"https://a.example:65536", R_PORT, NULL, 0},
    {"https://a.example:99999", R_PORT, NULL, 0},
    {"https://a.example:123456", R_PORT, NULL, 0},
    {"https://a.example:abc", R_PORT, NULL, 0},
    {"https://a.example:", R_PORT, NULL, 0},
    {"https://a.example:080", R_PORT, NULL, 0},
    {"https://a.example:-1", R_PORT, NULL, 0},
    {"https://a.example:+80", R_PORT, NULL, 0},
    {"https://a.example:443:443", R_PORT, NULL, 0},
    {"https://a.example:*", R_PORT, NULL, 0},
    {"a.example", R_NOT_ORIGIN, NULL, 0},
    {"//a.example", R_NOT_ORIGIN, NULL, 0},
    {"1http://a.example", R_NOT_ORIGIN, NULL, 0},
    {"https:a.example", R_NOT_ORIGIN, NULL, 0},
    {"NULL", R_NOT_ORIGIN, NULL, 0},
    {"*", R_NOT_ORIGIN, NULL, 0},
    {"https://*.example.com", R_REQ_HOST, NULL, 0},
    {"https://a%2e.example", R_REQ_HOST, NULL, 0},
    {"https://a\\b.example", R_REQ_HOST, NULL, 0},
    {"https://a<b>.example", R_REQ_HOST, NULL, 0},
    /* characters Safari puts in hosts, used to slip past prefix matching */
    {"https://app.example.com}.evil.net", R_REQ_HOST, NULL, 0},
    {"https://app.example.com`.evil.net", R_REQ_HOST, NULL, 0},
    {"https://app.example.com!.evil.net", R_REQ_HOST, NULL, 0},
    {"https://app.example.com{.evil.net", R_REQ_HOST, NULL, 0},
    {"https://a$b.example", R_REQ_HOST, NULL, 0},
    {"https://a&b.example", R_REQ_HOST, NULL, 0},
    {"https://a'b.example", R_REQ_HOST, NULL, 0},
    {"https://a(b).example", R_REQ_HOST, NULL, 0},
    {"https://a=b.example", R_REQ_HOST, NULL, 0},
    {"https://a~b.example", R_REQ_HOST, NULL, 0},
    {"https://a;b.example", R_REQ_HOST, NULL, 0},
    {"https://a\"b.example", R_REQ_HOST, NULL, 0},
    {"https://a..b.example", R_REQ_HOST, NULL, 0},
    {"https://.a.example", R_REQ_HOST, NULL, 0},
    /* IP hosts: only as browsers serialize them (URL Standard) */
    {"http://0.0.0.0", NULL, "http://0.0.0.0", CORS_ORIGIN_EXACT},
    {"http://255.255.255.255:8080", NULL, "http://255.255.255.255:8080",
     CORS_ORIGIN_EXACT},
    {"http://[::FFFF:7F00:1]", NULL, "http://[::ffff:7f00:1]",
     CORS_ORIGIN_EXACT},
    {"http://[1:0:0:2::]", NULL, "http://[1:0:0:2::]", CORS_ORIGIN_EXACT},
    {"https://1a.example", NULL, "https://1a.example", CORS_ORIGIN_EXACT},
    {"https://a.0x1g", NULL, "https://a.0x1g", CORS_ORIGIN_EXACT},
    {"http://127.1", R_V4_FORM("127.0.0.1"), NULL, 0},
    {"http://0x7f.0.0.1", R_V4_FORM("127.0.0.1"), NULL, 0},
    {"http://0177.0.0.1", R_V4_FORM("127.0.0.1"), NULL, 0},
    {"http://127.000.000.001", R_V4_FORM("127.0.0.1"), NULL, 0},
    {"http://2130706433:8080", R_V4_FORM("127.0.0.1"), NULL, 0},
    {"http://127.0.0.1.", R_V4_FORM("127.0.0.1"), NULL, 0},
    {"http://0", R_V4_FORM("0.0.0.0"), NULL, 0},
    {"http://999.1.1.1", R_V4, NULL, 0},
    {"http://1.2.3.4.5", R_V4, NULL, 0},
    {"https://a.1", R_V4, NULL, 0},
    {"https://example.0x10", R_V4, NULL, 0},
    {"http://1.2.3.09", R_V4, NULL, 0},
    {"http://[0:0:0:0:0:0:0:1]", R_V6_FORM("[::1]"), NULL, 0},
    {"http://[::0:1]", R_V6_FORM("[::1]"), NULL, 0},
    {"http://[0::1]", R_V6_FORM("[::1]"), NULL, 0},
    {"http://[::ffff:127.0.0.1]", R_V6_FORM("[::ffff:7f00:1]"), NULL, 0},
    {"http://[2001:0db8::1]", R_V6_FORM("[2001:db8::1]"), NULL, 0},
    {"http://[1:0:0:2:0:0:0:3]", R_V6_FORM("[1:0:0:2::3]"), NULL, 0},
    {"http://[:::::]", R_IPV6, NULL, 0},
    {"http://[::1::]", R_IPV6, NULL, 0},
    {"http://[1:2:3:4:5:6:7]", R_IPV6, NULL, 0},
    {"http://[1:2:3:4:5:6:7:8:9]", R_IPV6, NULL, 0},
    {"http://[::1%25eth0]", R_IPV6, NULL, 0},
    {"http://[::1]", NULL, "http://[::1]", CORS_ORIGIN_EXACT},
    {"http://[::1", R_IPV6, NULL, 0},
    {"http://[::1]x", R_IPV6, NULL, 0},
    {"http://[xyz::1]", R_IPV6, NULL, 0},
    {"http://[]", R_IPV6, NULL, 0},
};

static void test_parse_request(apr_pool_t *p)
{
    apr_size_t i;
    cors_origin o;
    char *big;
    const char *err;

    for (i = 0; i < UNIT_COUNT(request_cases); i++) {
        const struct parse_case *t = &request_cases[i];

        UNIT_ROW("request origin \"%s\"", t->in);
        err = cors_origin_parse_request(p, t->in, &o);
        CHECK_STR(err, t->err);
        if (!t->err && !err) {
            CHECK_STR(o.key, t->key);
            CHECK_INT(o.kind, t->kind);
        }
    }

    /* Fields of a parsed origin. */
    UNIT_ROW("fields of https://A.example");
    if (CHECK_NULL(cors_origin_parse_request(p, "https://A.example", &o))) {
        CHECK_STR(o.scheme, "https");
        CHECK_STR(o.host, "a.example");
        CHECK_INT(o.port, 443);
    }
    UNIT_ROW("fields of http://[::1]:8080");
    if (CHECK_NULL(cors_origin_parse_request(p, "http://[::1]:8080", &o))) {
        CHECK_STR(o.scheme, "http");
        CHECK_STR(o.host, "[::1]");
        CHECK_INT(o.port, 8080);
    }
    UNIT_ROW("fields of chrome-extension://abc");
    if (CHECK_NULL(
            cors_origin_parse_request(p, "chrome-extension://abc", &o))) {
        CHECK_STR(o.scheme, "chrome-extension");
        CHECK_INT(o.port, 0);
    }

    /* The 512-byte limit: a long scheme keeps the origin valid otherwise. */
    big = apr_palloc(p, CORS_ORIGIN_MAX + 2);
    memset(big, 'x', CORS_ORIGIN_MAX);
    memcpy(big + CORS_ORIGIN_MAX - 4, "://h", 4);
    big[CORS_ORIGIN_MAX] = '\0';
    UNIT_ROW("request origin of exactly 512 bytes");
    CHECK_NULL(cors_origin_parse_request(p, big, &o));
    memset(big, 'x', CORS_ORIGIN_MAX + 1);
    memcpy(big + CORS_ORIGIN_MAX + 1 - 4, "://h", 4);
    big[CORS_ORIGIN_MAX + 1] = '\0';
    UNIT_ROW("request origin of 513 bytes");
    CHECK_STR(cors_origin_parse_request(p, big, &o),
              "it is longer than 512 bytes");
    big = apr_pstrcat(p, "https://", apr_pstrndup(p, big, 600), NULL);
    UNIT_ROW("request origin of 600+ bytes");
    CHECK_STR(cors_origin_parse_request(p, big, &o),
              "it is longer than 512 bytes");
}

/* ------------------------------------------------------------------ */
/* cors_origin_parse_config                                             */

#define C_NO_SCHEME "it has no scheme (write https://host)"
#define C_SCHEME "the scheme must be http or https"
#define C_HOST "the host is not a valid host name or IP address"
#define C_IPV4 "the host ends in a number but is not a valid IPv4 address"
#define C_IPV6 "the host is not a valid IPv6 address"
#define C_STAR                                                                 \
    "'*' must be the whole leftmost label, as in "                             \
    "https://*.example.com"
#define C_SUFFIX(s)                                                            \
    "'" s "' is a public suffix: a wildcard over it would "                    \
    "trust every site under it"

static const char label63[] =
    "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    ".example";
static const char label64[] =
    "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    ".example";

static const struct parse_case config_cases[] = {
    /* normalised keys */
    {"https://a.example.com", NULL, "https://a.example.com", CORS_ORIGIN_EXACT},
    {"HTTPS://A.Example.COM:443", NULL, "https://a.example.com",
     CORS_ORIGIN_EXACT},
    {"http://a.example:80", NULL, "http://a.example", CORS_ORIGIN_EXACT},
    {"http://a.example:8080", NULL, "http://a.example:8080", CORS_ORIGIN_EXACT},
    {"https://a.example:80", NULL, "https://a.example:80", CORS_ORIGIN_EXACT},
    {"http://[::1]:8080", NULL, "http://[::1]:8080", CORS_ORIGIN_EXACT},
    {"http://[::1]", NULL, "http://[::1]", CORS_ORIGIN_EXACT},
    {"http://[FE80::1]:80", NULL, "http://[fe80::1]", CORS_ORIGIN_EXACT},
    {"http://192.168.0.1:8080", NULL, "http://192.168.0.1:8080",
     CORS_ORIGIN_EXACT},
    {"http://localhost:3000", NULL, "http://localhost:3000", CORS_ORIGIN_EXACT},
    {"https://a-b.example", NULL, "https://a-b.example", CORS_ORIGIN_EXACT},
    {"https://a_b.example", NULL, "https://a_b.example", CORS_ORIGIN_EXACT},
    {"https://0a.example", NULL, "https://0a.example", CORS_ORIGIN_EXACT},
    {label63, NULL, label63, CORS_ORIGIN_EXACT},
    {"null", NULL, "null", CORS_ORIGIN_OPAQUE},
    {"*", NULL, "*", CORS_ORIGIN_ANY},
    /* IP hosts in the form browsers send them (URL Standard host parser) */
    {"http://127.1", NULL, "http://127.0.0.1", CORS_ORIGIN_EXACT},
    {"http://0x7f.1", NULL, "http://127.0.0.1", CORS_ORIGIN_EXACT},
    {"http://0X7F.0.0.1:8080", NULL, "http://127.0.0.1:8080",
     CORS_ORIGIN_EXACT},
    {"http://0177.0.0.1", NULL, "http://127.0.0.1", CORS_ORIGIN_EXACT},
    {"http://2130706433", NULL, "http://127.0.0.1", CORS_ORIGIN_EXACT},
    {"http://10.1.65535", NULL, "http://10.1.255.255", CORS_ORIGIN_EXACT},
    {"http://0", NULL, "http://0.0.0.0", CORS_ORIGIN_EXACT},
    {"http://0x", NULL, "http://0.0.0.0", CORS_ORIGIN_EXACT},
    {"https://4294967295", NULL, "https://255.255.255.255", CORS_ORIGIN_EXACT},
    {"http://[0:0:0:0:0:0:0:1]", NULL, "http://[::1]", CORS_ORIGIN_EXACT},
    {"http://[0:0:0:0:0:0:0:1]:80", NULL, "http://[::1]", CORS_ORIGIN_EXACT},
    {"http://[::FFFF:127.0.0.1]", NULL, "http://[::ffff:7f00:1]",
     CORS_ORIGIN_EXACT},
    {"http://[2001:0DB8:0000:0000:0001:0000:0000:0001]", NULL,
     "http://[2001:db8::1:0:0:1]", CORS_ORIGIN_EXACT},
    {"http://[1:0:0:0:0:0:0:0]", NULL, "http://[1::]", CORS_ORIGIN_EXACT},
    {"http://[1:0:3:4:5:6:7:8]", NULL, "http://[1:0:3:4:5:6:7:8]",
     CORS_ORIGIN_EXACT},
    {"http://[::]", NULL, "http://[::]", CORS_ORIGIN_EXACT},
    {"http://[::1.2.3.4]:*", NULL, "http://[::102:304]:*", CORS_ORIGIN_PATTERN},
    {"https://a.0x1g", NULL, "https://a.0x1g", CORS_ORIGIN_EXACT},
    {"http://999.1.1.1", C_IPV4, NULL, 0},
    {"http://256.0.0.1", C_IPV4, NULL, 0},
    {"http://1.2.3.4.5", C_IPV4, NULL, 0},
    {"http://1.16777216", C_IPV4, NULL, 0},
    {"http://4294967296", C_IPV4, NULL, 0},
    {"http://1.2.3.09", C_IPV4, NULL, 0},
    {"https://a.1", C_IPV4, NULL, 0},
    {"https://example.123:8443", C_IPV4, NULL, 0},
    {"https://www.example.0x10", C_IPV4, NULL, 0},
    {"http://[:::::]", C_IPV6, NULL, 0},
    {"http://[::1::]", C_IPV6, NULL, 0},
    {"http://[]", C_IPV6, NULL, 0},
    {"http://[1:2:3:4:5:6:7]", C_IPV6, NULL, 0},
    {"http://[1:2:3:4:5:6:7:8:9]", C_IPV6, NULL, 0},
    {"http://[12345::]", C_IPV6, NULL, 0},
    {"http://[::1.2.3]", C_IPV6, NULL, 0},
    {"http://[::1.2.3.04]", C_IPV6, NULL, 0},
    {"http://[::256.1.1.1]", C_IPV6, NULL, 0},
    {"http://[1:2:3:4:5:6:7:1.2.3.4]", C_IPV6, NULL, 0},
    {"http://[::1%25eth0]", C_IPV6, NULL, 0},
    {"http://[1:]", C_IPV6, NULL, 0},
    {"http://[:1]", C_IPV6, NULL, 0},
    /* patterns (docs/mod_cors.md, "Wildcard subdomains and any port") */
    {"https://*.example.com", NULL, "https://*.example.com",
     CORS_ORIGIN_PATTERN},
    {"https://*.Example.COM:443", NULL, "https://*.example.com",
     CORS_ORIGIN_PATTERN},
    {"https://*.example.com:8443", NULL, "https://*.example.com:8443",
     CORS_ORIGIN_PATTERN},
    {"https://*.example.com:*", NULL, "https://*.example.com:*",
     CORS_ORIGIN_PATTERN},
    {"http://localhost:*", NULL, "http://localhost:*", CORS_ORIGIN_PATTERN},
    {"http://[::1]:*", NULL, "http://[::1]:*", CORS_ORIGIN_PATTERN},
    /* rejections */
    {"", C_NO_SCHEME, NULL, 0},
    {"a.example", C_NO_SCHEME, NULL, 0},
    {"//a.example", C_NO_SCHEME, NULL, 0},
    {"a.example:8080", C_NO_SCHEME, NULL, 0},
    {"1http://a.example", C_NO_SCHEME, NULL, 0},
    {"ftp://a.example", C_SCHEME, NULL, 0},
    {"file:///x", C_SCHEME, NULL, 0},
    {"ws://a.example", C_SCHEME, NULL, 0},
    {"chrome-extension://abc", C_SCHEME, NULL, 0},
    {"https://a.example/", "it has a path", NULL, 0},
    {"https://a.example/app", "it has a path", NULL, 0},
    {"https://a.example:8080/", "it has a path", NULL, 0},
    {"https://a.example?x=1", "it has a query", NULL, 0},
    {"https://a.example#top", "it has a fragment", NULL, 0},
    {"https://user@a.example", "it has userinfo", NULL, 0},
    {"https://user:pw@a.example:8080", "it has userinfo", NULL, 0},
    {"https://", "the host is empty", NULL, 0},
    {"https://:8080", "the host is empty", NULL, 0},
    {"https://a.example:0", R_PORT, NULL, 0},
    {"https://a.example:65536", R_PORT, NULL, 0},
    {"https://a.example:abc", R_PORT, NULL, 0},
    {"https://a.example:", R_PORT, NULL, 0},
    {"https://a.example:080", R_PORT, NULL, 0},
    {"https://a.example:**", R_PORT, NULL, 0},
    {"https://a..b", C_HOST, NULL, 0},
    {"https://-a.example", C_HOST, NULL, 0},
    {"https://a-.example", C_HOST, NULL, 0},
    {"https://a.-b.example", C_HOST, NULL, 0},
    {"https://a.example-", C_HOST, NULL, 0},
    {"https://a.example.", C_HOST, NULL, 0},
    {"https://.a.example", C_HOST, NULL, 0},
    {"https://a example", C_HOST, NULL, 0},
    {"https://a\x01.example", C_HOST, NULL, 0},
    {"https://a%2e.example", C_HOST, NULL, 0},
    {"https://caf\xc3\xa9.example", C_HOST, NULL, 0},
    {label64, C_HOST, NULL, 0},
    {"http://[::1", C_HOST, NULL, 0},
    {"http://[zz::1]", C_IPV6, NULL, 0},
    {"http://[::1]x", C_HOST, NULL, 0},
    {"https://*example.com", C_STAR, NULL, 0},
    {"https://a.*.example.com", C_STAR, NULL, 0},
    {"https://*.*.example.com", C_STAR, NULL, 0},
    {"https://a*.example.com", C_STAR, NULL, 0},
    {"https://*", C_STAR, NULL, 0},
    {"https://*.com", C_SUFFIX("com"), NULL, 0},
    {"https://*.localhost", C_SUFFIX("localhost"), NULL, 0},
    {"http://*.com:*", C_SUFFIX("com"), NULL, 0},
    {"https://*.1.2.3", "a wildcard cannot cover an IP address", NULL, 0},
};

/* Only with the Public Suffix List loaded. */
static const struct parse_case config_psl_cases[] = {
    {"https://*.co.uk", C_SUFFIX("co.uk"), NULL, 0},
    {"https://*.github.io", C_SUFFIX("github.io"), NULL, 0},
    {"https://*.example.co.uk", NULL, "https://*.example.co.uk",
     CORS_ORIGIN_PATTERN},
    {"https://*.me.github.io", NULL, "https://*.me.github.io",
     CORS_ORIGIN_PATTERN},
};

static void run_config_cases(apr_pool_t *p, const struct parse_case *cases,
                             apr_size_t n)
{
    apr_size_t i;
    cors_origin o;
    const char *err;

    for (i = 0; i < n; i++) {
        const struct parse_case *t = &cases[i];

        UNIT_ROW("config origin \"%s\"", t->in);
        err = cors_origin_parse_config(p, t->in, &o);
        CHECK_STR(err, t->err);
        if (!t->err && !err) {
            CHECK_STR(o.key, t->key);
            CHECK_INT(o.kind, t->kind);
        }
    }
}

static void test_parse_config(apr_pool_t *p)
{
    cors_origin o;

    run_config_cases(p, config_cases, UNIT_COUNT(config_cases));
    if (have_psl) {
        run_config_cases(p, config_psl_cases, UNIT_COUNT(config_psl_cases));
    }

    UNIT_ROW("fields of https://*.example.com:*");
    if (CHECK_NULL(
            cors_origin_parse_config(p, "https://*.example.com:*", &o))) {
        CHECK_INT(o.wildcard, 1);
        CHECK_INT(o.any_port, 1);
        CHECK_STR(o.host, "example.com");
    }
    UNIT_ROW("fields of http://a.example:8080");
    if (CHECK_NULL(cors_origin_parse_config(p, "http://a.example:8080", &o))) {
        CHECK_STR(o.scheme, "http");
        CHECK_STR(o.host, "a.example");
        CHECK_INT(o.port, 8080);
        CHECK_INT(o.wildcard, 0);
        CHECK_INT(o.any_port, 0);
    }

    /* A configured origin and the requests it stands for meet in one key. */
    UNIT_ROW("config and request keys agree");
    {
        static const char *const pairs[][2] = {
            {"HTTPS://A.example:443", "https://a.example"},
            {"https://a.example", "https://A.EXAMPLE:443"},
            {"http://a.example:80", "http://a.example"},
            {"http://a.example:8080", "http://A.example:8080"},
            {"http://[::1]:8080", "http://[::1]:8080"},
            {"http://127.1", "http://127.0.0.1"},
            {"http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"},
            {"http://[::FFFF:127.0.0.1]", "http://[::ffff:7f00:1]"},
            {"null", "null"},
        };
        apr_size_t i;
        cors_origin c, r;
        for (i = 0; i < UNIT_COUNT(pairs); i++) {
            UNIT_ROW("key of config %s = key of request %s", pairs[i][0],
                     pairs[i][1]);
            if (CHECK_NULL(cors_origin_parse_config(p, pairs[i][0], &c))
                && CHECK_NULL(cors_origin_parse_request(p, pairs[i][1], &r))) {
                CHECK_STR(c.key, r.key);
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Origin sets                                                          */

static cors_origins *origin_merge(apr_pool_t *p, cors_origins *base,
                                  cors_origins *add)
{
    return add ? cors_origins_rebase(p, add, base) : base;
}

/* Each space-separated request origin in list must be allowed == want. */
static void check_allow(apr_pool_t *p, const cors_origins *o, const char *list,
                        int covers_null, int want)
{
    char *copy = apr_pstrdup(p, list), *tok, *state = NULL;
    char saved[sizeof(unit_row_text)];

    memcpy(saved, unit_row_text, sizeof(saved));
    for (tok = apr_strtok(copy, " ", &state); tok;
         tok = apr_strtok(NULL, " ", &state)) {
        cors_origin origin;
        const char *err = cors_origin_parse_request(p, tok, &origin);

        UNIT_ROW("%.400s; origin %s", saved, tok);
        if (err) {
            /* Refused by the syntax check: fine only where denial is due. */
            CHECK_INT(want, 0);
            continue;
        }
        CHECK_INT(cors_origins_allow(o, &origin, covers_null), want);
    }
    memcpy(unit_row_text, saved, sizeof(saved));
}

struct set_case {
    const char *sections[3]; /* parent first */
    int covers_null;         /* any_covers_null */
    const char *allow;
    const char *deny;
    int any, any_plain, canary;
};

#define APP "https://app.example.com"

static const struct set_case set_cases[] = {
    /* exact, and the prefix / suffix attacks */
    {{"P:" APP},
     1,
     APP " HTTPS://APP.EXAMPLE.COM:443 https://App.Example.Com",
     "https://app.example.com.evil.net https://evilapp.example.com "
     "http://app.example.com https://app.example.com:8443 "
     "https://example.com https://a.app.example.com https://app.example.co "
     "https://pp.example.com null",
     0,
     0,
     0},
    /* IP hosts: configured in any spelling, matched in the browsers' */
    {{"P:http://127.1 http://[0:0:0:0:0:0:0:1]:8080 http://[::ffff:10.0.0.1]"},
     1,
     "http://127.0.0.1 http://[::1]:8080 http://[::ffff:a00:1]",
     "http://127.1 http://0x7f.0.0.1 http://[0:0:0:0:0:0:0:1]:8080 "
     "http://[::ffff:10.0.0.1] http://127.0.0.2 http://[::1]",
     0,
     0,
     0},
    {{"P:http://localhost:3000 http://[::1]:8080"},
     1,
     "http://localhost:3000 http://[::1]:8080",
     "http://localhost http://localhost:3001 https://localhost:3000 "
     "http://[::1] http://[::2]:8080",
     0,
     0,
     0},
    /* null: only an explicit entry, or '*' when it covers null */
    {{"P:null"}, 0, "null", "https://a.example", 0, 0, 0},
    {{"P:" APP " null"}, 0, APP " null", "https://b.example", 0, 0, 0},
    {{"P:*"},
     1,
     "https://x.example http://y.example:81 null "
     "chrome-extension://abc",
     "",
     1,
     1,
     0},
    {{"P:*"}, 0, "https://x.example chrome-extension://abc", "null", 1, 1, 0},
    {{"P:* null"}, 0, "https://x.example null", "", 1, 1, 0},
    /* wildcard subdomains: default port only, at least one more label */
    {{"P:https://*.example.com"},
     1,
     "https://a.example.com https://a.b.example.com "
     "https://A.EXAMPLE.COM:443",
     "https://example.com https://evil-example.com "
     "https://example.com.evil.net https://a.example.com.evil.net "
     "http://a.example.com https://a.example.com:8443 "
     "https://aexample.com https://.example.com null",
     0,
     0,
     0},
    {{"P:https://*.example.com:*"},
     1,
     "https://a.example.com https://a.example.com:8443",
     "https://example.com:8443 http://a.example.com:8443",
     0,
     0,
     0},
    {{"P:https://*.example.com:8443"},
     1,
     "https://a.example.com:8443",
     "https://a.example.com https://a.example.com:8444",
     0,
     0,
     0},
    {{"P:http://localhost:*"},
     1,
     "http://localhost http://localhost:3000 http://localhost:80",
     "https://localhost http://a.localhost http://localhost.evil.net",
     0,
     0,
     0},
    {{"P:http://[::1]:*"},
     1,
     "http://[::1] http://[::1]:5173",
     "http://[::2]:5173 https://[::1]",
     0,
     0,
     0},
    /* regexes: anchored, on the normalised key, never on null */
    {{"P:re:https://[a-z]+\\.trusted\\.example"},
     1,
     "https://api.trusted.example HTTPS://API.TRUSTED.EXAMPLE:443",
     "https://api.trusted.example.evil.net https://x.api.trusted.example "
     "https://api.trusted.example:8443 http://api.trusted.example null",
     0,
     0,
     0},
    {{"P:re:.*"}, 1, "https://anything.example", "null", 0, 0, 1},
    {{"P:re:https?://evil\\.invalid"}, 1, "", "https://a.example", 0, 0, 1},
    {{"P:re:null|https://a\\.example"},
     1,
     "https://a.example",
     "null",
     0,
     0,
     1},
    /* edits over a plain set */
    {{"P:https://a.example", "E:+https://b.example"},
     1,
     "https://a.example https://b.example",
     "https://c.example",
     0,
     0,
     0},
    {{"P:https://a.example https://b.example", "E:-https://b.example"},
     1,
     "https://a.example",
     "https://b.example",
     0,
     0,
     0},
    {{"P:https://a.example", "E:+null"},
     0,
     "https://a.example null",
     "https://b.example",
     0,
     0,
     0},
    {{"P:https://a.example null", "E:-null"},
     1,
     "https://a.example",
     "null",
     0,
     0,
     0},
    /* -X against '*': any but X */
    {{"P:*", "E:-https://evil.example"},
     1,
     "https://good.example null",
     "https://evil.example HTTPS://EVIL.EXAMPLE:443",
     1,
     0,
     0},
    {{"P:*", "E:-https://*.evil.example -http://localhost:*"},
     1,
     "https://good.example https://evil.example http://a.localhost",
     "https://a.evil.example https://b.a.evil.example http://localhost "
     "http://localhost:3000",
     1,
     0,
     0},
    {{"P:*", "E:+https://x.example"},
     1,
     "https://x.example https://y.example",
     "",
     1,
     1,
     0},
    {{"P:https://a.example", "E:+*"},
     1,
     "https://a.example https://z.example",
     "",
     1,
     1,
     0},
    {{"P:*", "E:-*"}, 1, "", "https://a.example null", 0, 0, 0},
    /* patterns and edits */
    {{"P:https://*.example.com", "E:-https://*.example.com"},
     1,
     "",
     "https://a.example.com",
     0,
     0,
     0},
    {{"P:https://*.example.com", "E:-https://bad.example.com"},
     1,
     "https://good.example.com",
     "https://bad.example.com",
     0,
     0,
     0},
    {{"P:https://a.example", "E:+https://*.example.com"},
     1,
     "https://a.example https://b.example.com",
     "https://example.com",
     0,
     0,
     0},
    /* a carve-out without a port takes out every port of that host or
     * pattern; with a port, that port only */
    {{"P:https://x.example https://x.example:8443 https://y.example",
      "E:-https://x.example"},
     1,
     "https://y.example",
     "https://x.example https://x.example:443 https://x.example:8443",
     0,
     0,
     0},
    {{"P:https://x.example:8443 https://x.example:9443",
      "E:-https://x.example:8443"},
     1,
     "https://x.example:9443",
     "https://x.example:8443 https://x.example",
     0,
     0,
     0},
    {{"P:https://x.example https://x.example:8443", "E:-https://x.example:443"},
     1,
     "https://x.example:8443",
     "https://x.example",
     0,
     0,
     0},
    {{"P:*", "E:-https://x.example"},
     1,
     "https://y.example https://x.example.net http://x.example",
     "https://x.example https://x.example:8443",
     1,
     0,
     0},
    {{"P:http://localhost:*", "E:-http://localhost"},
     1,
     "",
     "http://localhost http://localhost:3000",
     0,
     0,
     0},
    {{"P:https://*.example.com:*", "E:-https://*.internal.example.com"},
     1,
     "https://a.example.com:8443 https://internal.example.com:8443",
     "https://a.internal.example.com https://a.internal.example.com:8443 "
     "https://b.a.internal.example.com:9443",
     0,
     0,
     0},
    /* ... even where a more specific inherited entry allows it */
    {{"P:https://a.internal.example.com:8443 https://a.example.com:*",
      "E:-https://*.example.com"},
     1,
     "",
     "https://a.internal.example.com:8443 https://a.example.com "
     "https://a.example.com:8443",
     0,
     0,
     0},
    {{"P:https://a.internal.example.com https://*.example.com",
      "E:-https://*.internal.example.com:443"},
     1,
     "https://b.example.com",
     "https://a.internal.example.com",
     0,
     0,
     0},
    /* the nearest section decides; within one, the most specific entry */
    {{"P:https://*.example.com", "E:-https://*.internal.example.com",
      "E:+https://a.internal.example.com"},
     1,
     "https://a.internal.example.com https://b.example.com",
     "https://b.internal.example.com",
     0,
     0,
     0},
    {{"P:https://a.example",
      "E:-https://x.example +https://x.example:8443 -https://*.w.example "
      "+https://a.w.example"},
     1,
     "https://a.example https://x.example:8443 https://a.w.example",
     "https://x.example https://x.example:9443 https://b.w.example",
     0,
     0,
     0},
    /* regexes and edits: an editing section keeps the inherited regexes */
    {{"P:re:https://[a-z]+\\.trusted\\.example", "E:+https://b.example"},
     1,
     "https://api.trusted.example https://b.example",
     "https://c.example",
     0,
     0,
     0},
    {{"P:re:https://[a-z]+\\.trusted\\.example",
      "E:-https://api.trusted.example"},
     1,
     "https://www.trusted.example",
     "https://api.trusted.example",
     0,
     0,
     0},
    {{"P:https://a.example", "E:+https://b.example re:https://r\\.example"},
     1,
     "https://a.example https://b.example https://r.example",
     "https://c.example",
     0,
     0,
     0},
    /* a plain section replaces exact, wildcard and regex entries alike */
    {{"P:https://a.example re:https://r\\.example https://*.w.example",
      "P:https://c.example"},
     1,
     "https://c.example",
     "https://a.example https://r.example https://x.w.example",
     0,
     0,
     0},
    {{"P:* re:.*", "P:https://c.example"},
     1,
     "https://c.example",
     "https://a.example null",
     0,
     0,
     0},
    {{"P:https://a.example", "P:re:https://r\\.example"},
     1,
     "https://r.example",
     "https://a.example",
     0,
     0,
     0},
    /* edits where nothing is inherited */
    {{"E:+https://b.example"},
     1,
     "https://b.example",
     "https://a.example",
     0,
     0,
     0},
    {{"E:+https://b.example", "E:+https://c.example"},
     1,
     "https://b.example https://c.example",
     "https://a.example",
     0,
     0,
     0},
    /* canaries: through edits yes, through a replacing section no */
    {{"P:re:.*", "E:+https://a.example"},
     1,
     "https://a.example",
     "null",
     0,
     0,
     1},
    {{"P:re:.*", "P:https://a.example"},
     1,
     "https://a.example",
     "https://b.example",
     0,
     0,
     0},
    {{"P:https://a.example", "E:+https://b.example re:.*\\.invalid"},
     1,
     "https://x.invalid",
     "",
     0,
     0,
     1},
    /* unset in the child: inherited */
    {{"P:https://a.example", "-", "E:+https://b.example"},
     1,
     "https://a.example https://b.example",
     "https://c.example",
     0,
     0,
     0},
};

static cors_origins *fold(apr_pool_t *p, const char *const *sections, int n)
{
    cors_origins *acc = NULL;
    int k;

    for (k = 0; k < n && sections[k]; k++) {
        acc = k == 0 ? origin_section(p, sections[k])
                     : origin_merge(p, acc, origin_section(p, sections[k]));
    }
    return acc;
}

static void test_sets(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(set_cases); i++) {
        const struct set_case *t = &set_cases[i];
        cors_origins *o = fold(p, t->sections, 3);

        UNIT_ROW("set %lu: %s | %s | %s (covers null %d)", (unsigned long)i,
                 t->sections[0], t->sections[1] ? t->sections[1] : "",
                 t->sections[2] ? t->sections[2] : "", t->covers_null);
        if (!CHECK_NOT_NULL(o)) {
            continue;
        }
        CHECK_INT(cors_origins_star(o), t->any);
        CHECK_INT(cors_origins_star_plain(o), t->any_plain);
        CHECK_INT(cors_origins_canary(o) != 0, t->canary);
        check_allow(p, o, t->allow, t->covers_null, 1);
        check_allow(p, o, t->deny, t->covers_null, 0);
    }
}

/* merge(merge(dir, loc1), loc2) and merge(dir, merge(loc1, loc2)) agree. */
struct set_assoc_case {
    const char *dir, *loc1, *loc2;
    const char *allow, *deny;
};

static const struct set_assoc_case set_assoc_cases[] = {
    {"P:https://d.example", "P:https://l1.example", "E:+https://l2.example",
     "https://l1.example https://l2.example", "https://d.example"},
    {"P:https://d.example", "E:+https://l1.example",
     "E:-https://d.example +https://l2.example",
     "https://l1.example https://l2.example", "https://d.example"},
    {"P:https://d.example re:https://r\\.example", "E:+https://l1.example",
     "E:+https://l2.example",
     "https://d.example https://r.example https://l1.example "
     "https://l2.example",
     "https://x.example"},
    {"P:https://d.example", "P:re:https://r\\.example", "E:+https://l2.example",
     "https://r.example https://l2.example", "https://d.example"},
    {"P:*", "E:-https://l1.example", "E:+https://l2.example",
     "https://x.example https://l2.example", "https://l1.example"},
    {"P:https://d.example", "E:+https://*.w.example", "E:-https://x.w.example",
     "https://d.example https://y.w.example", "https://x.w.example"},
    {"P:https://d.example", "-", "E:+https://l2.example",
     "https://d.example https://l2.example", "https://x.example"},
    {"P:https://x.example:8443 https://d.example", "E:-https://x.example",
     "E:+https://l2.example", "https://d.example https://l2.example",
     "https://x.example:8443 https://x.example"},
    {"P:https://a.w.example:8443 https://*.w.example", "E:-https://*.w.example",
     "E:+https://b.w.example", "https://b.w.example",
     "https://a.w.example:8443 https://c.w.example"},
};

static void test_set_merge_order(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(set_assoc_cases); i++) {
        const struct set_assoc_case *t = &set_assoc_cases[i];
        cors_origins *dir = origin_section(p, t->dir);
        cors_origins *l1 = origin_section(p, t->loc1);
        cors_origins *l2 = origin_section(p, t->loc2);
        cors_origins *left = origin_merge(p, origin_merge(p, dir, l1), l2);
        cors_origins *right = origin_merge(p, dir, origin_merge(p, l1, l2));

        UNIT_ROW("set merge (dir+loc1)+loc2: %s, %s, %s", t->dir, t->loc1,
                 t->loc2);
        check_allow(p, left, t->allow, 1, 1);
        check_allow(p, left, t->deny, 1, 0);
        UNIT_ROW("set merge dir+(loc1+loc2): %s, %s, %s", t->dir, t->loc1,
                 t->loc2);
        check_allow(p, right, t->allow, 1, 1);
        check_allow(p, right, t->deny, 1, 0);
        /* and the sections serve another directory unchanged */
        UNIT_ROW("sections reused: %s, %s", t->loc1, t->loc2);
        left = origin_merge(p, origin_merge(p, dir, l1), l2);
        check_allow(p, left, t->allow, 1, 1);
        check_allow(p, left, t->deny, 1, 0);
    }
}

/* A match function whose bounds cut every match short. */
static int bounded_match(const void *compiled, const char *s, apr_size_t len)
{
    (void)compiled;
    (void)s;
    (void)len;
    return -1;
}

/* Cut short: no match for a request, "may match" for a canary. */
static void test_regex_bounded(apr_pool_t *p)
{
    cors_origins *o = cors_origins_make(p, 0, bounded_match);
    cors_origin_regex *re = cors_origins_add_regex(p, o, "x", "https://(a+)+");
    cors_origin origin;

    UNIT_ROW("a regex cut short by the bounds");
    CHECK_STR(re->canary, "https://evil.invalid");
    CHECK_INT(re->canary_bounded, 1);
    CHECK_INT(cors_origins_canary(o), 1);
    CHECK_NULL(cors_origin_parse_request(p, "https://aaaa", &origin));
    CHECK_INT(cors_origins_allow(o, &origin, 1), 0);
    o = origin_section(p, "P:re:.*");
    re = &APR_ARRAY_IDX(o->regexes, 0, cors_origin_regex);
    CHECK_STR(re->canary, "https://evil.invalid");
    CHECK_INT(re->canary_bounded, 0);
}

/* Regexes never see null, nor anything the request parser refused. */
static void test_regex_gate(apr_pool_t *p)
{
    cors_origins *o = origin_section(p, "P:re:.* re:null");
    cors_origin origin;

    UNIT_ROW("a regex never sees null");
    regex_saw_null = 0;
    CHECK_NULL(cors_origin_parse_request(p, "null", &origin));
    CHECK_INT(cors_origins_allow(o, &origin, 1), 0);
    CHECK_INT(cors_origins_allow(o, &origin, 0), 0);
    CHECK_INT(regex_saw_null, 0);

    UNIT_ROW("the regex sees the normalised key");
    o = origin_section(p, "P:re:https://a\\.example");
    CHECK_NULL(cors_origin_parse_request(p, "HTTPS://A.EXAMPLE:443", &origin));
    CHECK_INT(cors_origins_allow(o, &origin, 1), 1);

    UNIT_ROW("canaries");
    CHECK_STR(cors_origin_canaries[0], "https://evil.invalid");
    CHECK_STR(cors_origin_canaries[1], "http://evil.invalid");
    CHECK_STR(cors_origin_canaries[2], "null");
    CHECK_NULL(cors_origin_canaries[3]);
    CHECK_INT(cors_origins_canary(origin_section(p, "P:https://a.example")), 0);
    CHECK_INT(cors_origins_canary(origin_section(p, "P:*")), 0);
    CHECK_INT(cors_origins_canary(
                  origin_section(p, "P:re:https://[a-z]+\\.example\\.com")),
              0);
    CHECK_INT(cors_origins_canary(origin_section(p, "P:re:https?://.*")), 1);
}

/* The registrable domains a regex names literally, and its canaries. */
static void test_regex_canaries(apr_pool_t *p)
{
    static const struct {
        const char *re, *domains; /* space-separated, in order */
    } cases[] = {
        {"https://app\\.example\\.com", "example.com"},
        {"https://(www|api)\\.example\\.co\\.uk", "example.co.uk"},
        {"https://.*example\\.com", "example.com"},
        {"https://[a-z]*EXAMPLE\\.COM", "example.com"},
        {"https://app.example.com", "example.com"},
        {"https://.*\\.com", ""},
        {"https?://(.+\\.)?github\\.io", ""},
        {"https://me\\.github\\.io", "me.github.io"},
        {"https://[a-z]+\\.example\\.org|https://b\\.other\\.net",
         "example.org other.net"},
        {"https://a\\.example\\.org|https://b\\.example\\.org", "example.org"},
        {"https://example\\.com\\.?", "example.com"},
        {"https://x\\.example\\.com:8443", "example.com"},
        {"https://app\\.example\\.com(:[0-9]+)?", "example.com"},
        {"https://a\\Q.example.com\\E", "example.com"},
        {"https://[.]?x[.]example[.]net", "example.net"},
        {"http://192\\.168\\.1\\.[0-9]+", ""},
        {"https://(www\\.)?example\\.(com|org)", ""},
        {"https://examples?\\.com", ""},
        {"https://\\w+\\.example\\.com", "example.com"},
        {"https://[^.]+\\.example\\.com", "example.com"},
        {".*", ""},
    };
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(cases); i++) {
        apr_array_header_t *d = cors_regex_domains(p, cases[i].re);
        UNIT_ROW("domains named by %s", cases[i].re);
        CHECK_STR(apr_array_pstrcat(p, d, ' '), cases[i].domains);
    }

    UNIT_ROW("the canaries of https://app\\.example\\.com");
    {
        const char *l = cors_origin_canary_label();
        apr_array_header_t *c =
            cors_regex_canaries(p, "https://app\\.example\\.com");
        const char *all = apr_array_pstrcat(p, c, ' ');
        const char *want[] = {"https://evil.invalid",
                              "http://evil.invalid",
                              "null",
                              "https://%s.com",
                              "https://%s.net",
                              "https://%s.org",
                              "https://%s.io",
                              "https://%s.dev",
                              "https://%s.app",
                              "https://%s.co.uk",
                              "https://%s.github.io",
                              "https://%sexample.com",
                              "https://example.com.%s.invalid",
                              "https://app.example.com.%s.invalid",
                              "http://%s.com",
                              "http://%s.github.io",
                              "http://%sexample.com",
                              "http://example.com.%s.invalid",
                              "http://app.example.com.%s.invalid"};
        apr_size_t k;
        CHECK_INT(strlen(l), 10);
        CHECK_INT(strspn(l, "abcdefghijklmnopqrstuvwxyz"), 10);
        CHECK_INT(c->nelts, 3 + 2 * (8 + 3));
        for (k = 0; k < UNIT_COUNT(want); k++) {
            const char *o = apr_psprintf(p, want[k], l);
            UNIT_ROW("canary %s among %s", o, all);
            CHECK(strstr(apr_pstrcat(p, " ", all, " ", NULL),
                         apr_pstrcat(p, " ", o, " ", NULL))
                  != NULL);
        }
    }

    /* Regexes that trust sites nobody vetted, and some that do not. */
    {
        static const struct {
            const char *re;
            int canary;
        } sets[] = {
            {"https://.*\\.com", 1},
            {"https://.*example\\.com", 1},
            {"https?://[a-z0-9-]+\\.(com|net)", 1},
            {"https://[^.]+\\.co\\.uk", 1},
            {"https://[a-z]+\\.github\\.io", 1},
            {"http://.+\\.dev", 1},
            {"https://.+\\.app", 1},
            {"https://[a-z]+\\.io", 1},
            {"https://[a-z]+\\.org", 1},
            {"https://example\\.com.*", 1},
            {"https://app\\.example\\.com.*", 1},
            {"https://app\\.example\\.com(\\.[a-z]+)*", 1},
            {"https://(.*\\.)?example\\.com(\\..*)?", 1},
            {"http://[a-z]*example\\.net", 1},
            {"https?://evil\\.invalid", 1},
            {"https://.*\\.example\\.com", 0},
            {"https://([a-z0-9-]+\\.)*example\\.com", 0},
            {"https://[a-z]+\\.example\\.com", 0},
            {"https://(www\\.)?example\\.(com|org)", 0},
            {"https://pr-[0-9]+\\.preview\\.example\\.net", 0},
            {"http://localhost:[0-9]+", 0},
        };
        for (i = 0; i < UNIT_COUNT(sets); i++) {
            cors_origins *o =
                origin_section(p, apr_pstrcat(p, "P:re:", sets[i].re, NULL));
            UNIT_ROW("canary of %s", sets[i].re);
            CHECK_INT(cors_origins_canary(o), sets[i].canary);
        }
    }
}

/* Start-up warnings for origins trusted with credentials. */
static void test_credential_risk(apr_pool_t *p)
{
#define RISK_LOCAL                                                             \
    "it is a loopback or private-network host, which any program or device "   \
    "there can serve"
#define RISK_HTTP                                                              \
    "an http:// origin can be impersonated by anyone on the network path"
    static const struct {
        const char *origin, *risk;
    } cases[] = {
        {"https://a.example", NULL},
        {"https://*.example.com", NULL},
        {"http://a.example", RISK_HTTP},
        {"https://a.example:*", "port '*' trusts every service on that host"},
        {"https://localhost", RISK_LOCAL},
        {"https://app.localhost", RISK_LOCAL},
        {"https://printer.local", RISK_LOCAL},
        {"https://127.0.0.1", RISK_LOCAL},
        {"https://127.1", RISK_LOCAL},
        {"https://0x7f.1", RISK_LOCAL},
        {"https://10.0.0.1", RISK_LOCAL},
        {"https://172.16.0.1", RISK_LOCAL},
        {"https://172.32.0.1", NULL},
        {"https://192.168.1.10", RISK_LOCAL},
        {"https://169.254.1.1", RISK_LOCAL},
        {"https://8.8.8.8", NULL},
        {"https://[::1]", RISK_LOCAL},
        {"https://[0:0:0:0:0:0:0:1]", RISK_LOCAL},
        {"https://[::ffff:127.0.0.1]", RISK_LOCAL},
        {"https://[::ffff:192.168.0.1]", RISK_LOCAL},
        {"https://[::ffff:8.8.8.8]", NULL},
        {"https://[fd00::1]", RISK_LOCAL},
        {"https://[fc00::1]", RISK_LOCAL},
        {"https://[fe80::1]", RISK_LOCAL},
        {"https://[fc::1]", NULL},
        {"https://[2001:db8::1]", NULL},
        {"*", NULL},
        {"null", "any page can send it, from a sandboxed iframe, a data: URL "
                 "or a local file"},
    };
    apr_size_t i;
    cors_origin o;

    for (i = 0; i < UNIT_COUNT(cases); i++) {
        UNIT_ROW("credential risk of %s", cases[i].origin);
        if (CHECK_NULL(cors_origin_parse_config(p, cases[i].origin, &o))) {
            CHECK_STR(cors_origin_credential_risk(&o), cases[i].risk);
        }
    }
}

/* Why a regex does not stand on its own (CORSAllowOriginMatch's message). */
static void test_regex_unbalanced(void)
{
    static const struct {
        const char *re, *why;
    } cases[] = {
        {"https://a\\.example\\.com", NULL},
        {"https://(a|b)\\.example", NULL},
        /* the anchoring escape: ')' closes the module's group */
        {"https://a\\.example\\.com)|(https://b\\.example\\.com",
         "it has a ')' that closes no group"},
        {")", "it has a ')' that closes no group"},
        {"a)(b", "it has a ')' that closes no group"},
        {"(a", "a '(' is never closed"},
        {"((a)", "a '(' is never closed"},
        {"[a-", "a '[' is never closed"},
        {"[]", "a '[' is never closed"},
        {"a\\", "it ends with a single '\\'"},
        /* parentheses that are not groups */
        {"a\\)b", NULL},
        {"[)(]", NULL},
        {"[])]", NULL},
        {"[^])]", NULL},
        {"[[:alpha:])]", NULL},
        {"[\\]]", NULL},
        {"\\Q)(\\E", NULL},
        {"\\Q)(", NULL},
        {"(?#(x)a", NULL},
        {"(?#x", "a '(' is never closed"},
        {"(?:a)(?i)(?=b)", NULL},
    };
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(cases); i++) {
        UNIT_ROW("regex %s", cases[i].re);
        CHECK_STR(cors_regex_unbalanced(cases[i].re), cases[i].why);
    }
}

/*
 * The Public Suffix List's data file, read by the module itself: the small
 * t/unit/psl_test.dat, no file at all, then the system's (Debian's
 * publicsuffix package), which main() leaves loaded for the other tests.
 */
static void test_psl_file(apr_pool_t *p)
{
    apr_pool_t *sp;
    const char *mode;

    apr_pool_create(&sp, p);
    mode = cors_origin_init_file(sp, "t/unit/psl_test.dat");
    UNIT_ROW("t/unit/psl_test.dat");
    CHECK_STR(cors_origin_psl_file(), "t/unit/psl_test.dat");
    CHECK_STR(mode, have_libpsl ? "libpsl" : "file");
    /* entries below: the parents of every rule but exceptions */
    CHECK_STR(cors_origin_suffix_below("cloud.test"), "s3.cloud.test");
    CHECK_STR(cors_origin_suffix_below("compute.cloud.test"),
              "*.compute.cloud.test");
    CHECK_STR(cors_origin_suffix_below("s3.cloud.test"),
              "dualstack.s3.cloud.test");
    CHECK_STR(cors_origin_suffix_below("test"), "s3.cloud.test");
    CHECK_STR(cors_origin_suffix_below("uk"), "co.uk");
    CHECK_STR(cors_origin_suffix_below("xn--stfold-9xa.no"),
              "xn--vler-qoa.xn--stfold-9xa.no");
    CHECK_STR(cors_origin_suffix_below("no"), "xn--stfold-9xa.no");
    CHECK_STR(cors_origin_suffix_below("cn"), "xn--55qx5d.cn");
    CHECK_STR(cors_origin_suffix_below("ck"), "*.ck");
    CHECK_NULL(cors_origin_suffix_below("example.com"));
    CHECK_NULL(cors_origin_suffix_below("dualstack.s3.cloud.test"));
    CHECK_NULL(cors_origin_suffix_below("www.ck"));
    CHECK_NULL(cors_origin_suffix_below("co.uk"));
    if (!have_libpsl) {
        /* the rules themselves decide what is a public suffix */
        static const struct {
            const char *domain;
            int suffix;
            const char *registrable;
        } cases[] = {
            {"com", 1, NULL},
            {"example.com", 0, "example.com"},
            {"a.b.example.com", 0, "example.com"},
            {"co.uk", 1, NULL},
            {"a.example.co.uk", 0, "example.co.uk"},
            {"cloud.test", 0, "cloud.test"},
            {"s3.cloud.test", 1, NULL},
            {"bucket.s3.cloud.test", 0, "bucket.s3.cloud.test"},
            {"x.compute.cloud.test", 1, NULL},
            {"a.x.compute.cloud.test", 0, "a.x.compute.cloud.test"},
            {"compute.cloud.test", 0, "cloud.test"},
            {"a.ck", 1, NULL},
            {"www.ck", 0, "www.ck"},
            {"xn--55qx5d.cn", 1, NULL},
            {"xn--vler-qoa.xn--stfold-9xa.no", 1, NULL},
            {"unlisted", 1, NULL},
            {"a.unlisted", 0, "a.unlisted"},
        };
        apr_size_t i;
        for (i = 0; i < UNIT_COUNT(cases); i++) {
            UNIT_ROW("t/unit/psl_test.dat: %s", cases[i].domain);
            CHECK_INT(cors_origin_public_suffix(cases[i].domain),
                      cases[i].suffix);
            CHECK_STR(cors_origin_registrable(cases[i].domain),
                      cases[i].registrable);
        }
    }
    apr_pool_destroy(sp);

    apr_pool_create(&sp, p);
    mode = cors_origin_init_file(sp, NULL);
    UNIT_ROW("no data file");
    CHECK_NULL(cors_origin_psl_file());
    CHECK_STR(mode, have_libpsl ? "libpsl" : "single-label");
    CHECK_NULL(cors_origin_suffix_below("cloud.test"));
    CHECK_INT(cors_origin_public_suffix("com"), 1);
    apr_pool_destroy(sp);

    apr_pool_create(&sp, p);
    cors_origin_init_file(sp, "t/unit/no-such-file.dat");
    UNIT_ROW("a data file that cannot be read");
    CHECK_NULL(cors_origin_psl_file());
    CHECK_NULL(cors_origin_suffix_below("cloud.test"));
    apr_pool_destroy(sp);
}

/* The system's data file, where there is one. */
static void test_psl_system(void)
{
    if (!cors_origin_psl_file()) {
        printf("# no Public Suffix List data file: checks skipped\n");
        return;
    }
    UNIT_ROW("system data file %s", cors_origin_psl_file());
    CHECK_NOT_NULL(cors_origin_suffix_below("amazonaws.com"));
    CHECK_NOT_NULL(cors_origin_suffix_below("compute.amazonaws.com"));
    CHECK_NULL(cors_origin_suffix_below("example.com"));
    CHECK_INT(cors_origin_public_suffix("s3.amazonaws.com"), 1);
    CHECK_INT(cors_origin_public_suffix("amazonaws.com"), 0);
    CHECK_STR(cors_origin_registrable("a.b.example.co.uk"), "example.co.uk");
    CHECK_STR(cors_origin_registrable("me.github.io"), "me.github.io");
    CHECK_NULL(cors_origin_registrable("github.io"));
}

/*
 * The request parser takes a short path for the usual browser Origin (a
 * lowercase http/https host name, no default port written out).  Whatever
 * path a value takes, the result must be the one the full parser gives:
 * checked against the configuration parser (always the full path) on
 * hand-picked values and on 20,000 random ones built from the characters
 * that matter (letters of both cases, digits, '-', '.', ':', '/', '[').
 */
static void test_parse_request_paths(apr_pool_t *p)
{
    static const char *const same[] = {"https://app.example.com",
                                       "http://a.b-c.example:8080",
                                       "https://x1.example:1",
                                       "https://a.example:65535",
                                       "http://localhost",
                                       "http://localhost:3000",
                                       "https://9a.example",
                                       "https://a.b.c.d.e.f.example",
                                       "https://xn--bcher-kva.example"};
    static const char *const differ[] = {
        "https://App.example", "https://a.example:443",
        "http://a.example:80", "https://a.example:0443",
        "http://127.0.0.1",    "http://1.2.3",
        "http://a.0x1f",       "https://a..example",
        "https://.a.example",  "https://a.example.",
        "http://[::1]:8080",   "https://a.example:99999",
        "https://a.example:",  "HTTPS://a.example",
        "https://a_b.example"};
    static const char alphabet[] = "abcxyzAXZ019-.:/[";
    apr_size_t i;
    unsigned int seed = 12345;

    for (i = 0; i < UNIT_COUNT(same) + UNIT_COUNT(differ); i++) {
        const char *v =
            i < UNIT_COUNT(same) ? same[i] : differ[i - UNIT_COUNT(same)];
        cors_origin req, conf;
        const char *re = cors_origin_parse_request(p, v, &req);
        const char *ce = cors_origin_parse_config(p, v, &conf);
        UNIT_ROW("request parser, both paths: %s", v);
        if (i < UNIT_COUNT(same)) {
            CHECK_NULL(re);
            CHECK_NULL(ce);
        }
        if (!re && !ce) {
            CHECK_STR(req.key, conf.key);
            CHECK_STR(req.scheme, conf.scheme);
            CHECK_STR(req.host, conf.host);
            CHECK_INT(req.port, conf.port);
            CHECK_INT(req.port_written, conf.port_written);
            CHECK_INT(req.kind, CORS_ORIGIN_EXACT);
        }
    }
    for (i = 0; i < 20000; i++) {
        char v[48];
        apr_size_t n, j;
        cors_origin req, conf;
        const char *re, *ce;

        seed = seed * 1103515245u + 12345u;
        strcpy(v, (seed >> 16) & 1 ? "https://" : "http://");
        n = strlen(v);
        seed = seed * 1103515245u + 12345u;
        for (j = 1 + (seed >> 16) % 20; j > 0; j--) {
            seed = seed * 1103515245u + 12345u;
            v[n++] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        v[n] = '\0';
        re = cors_origin_parse_request(p, v, &req);
        ce = cors_origin_parse_config(p, v, &conf);
        if (re || ce) {
            continue;
        }
        UNIT_ROW("request parser, random value: %s", v);
        CHECK_STR(req.key, conf.key);
        CHECK_STR(req.host, conf.host);
        CHECK_INT(req.port, conf.port);
        CHECK_INT(req.port_written, conf.port_written);
    }
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
#ifdef CORS_HAVE_LIBPSL
    have_libpsl = 1;
#endif
    test_psl_file(p);
    psl = cors_origin_init(p);
    have_psl = strcmp(psl, "single-label") != 0;
    printf("# public suffixes: %s, data file: %s\n", psl,
           cors_origin_psl_file() ? cors_origin_psl_file() : "none");
    test_psl_system();

    test_parse_request(p);
    test_parse_request_paths(p);
    test_parse_config(p);
    test_sets(p);
    test_set_merge_order(p);
    test_regex_gate(p);
    test_regex_bounded(p);
    test_regex_unbalanced();
    test_regex_canaries(p);
    test_credential_risk(p);
    apr_pool_destroy(p);
    apr_terminate();
#ifdef CORS_HAVE_LIBPSL
    return unit_done("test_origin");
#else
    return unit_done("test_origin_nopsl");
#endif
}
