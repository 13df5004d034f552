/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_origin: both origin parsers (the request's Origin header and a
 * CORSAllowOrigin item) and the start-up helpers that read configured
 * origins and regexes, on any bytes.
 *
 * Invariants beyond "no crash":
 * - an accepted request Origin is at most 512 bytes of printable ASCII with
 *   no comma, space or '*', and its normalised key is lowercase, parses
 *   again to itself (normalising twice changes nothing);
 * - an accepted configured exact origin is one a browser can send: the
 *   request parser accepts its key as it is, and agrees with the
 *   configuration parser wherever both accept the configured text (an IP
 *   host in another spelling than the browsers' is normalised by the one
 *   and refused by the other);
 * - normalising a configured origin or pattern twice changes nothing.
 */

#include "cors_origin.h"
#include "cors_origin_check.h"
#include "cors_string.h"
#include "fuzz.h"

#include "apr_lib.h"

static void check_request(apr_pool_t *p, const char *s)
{
    cors_origin o, again;
    const char *err = cors_origin_parse_request(p, s, &o);
    size_t i, len = strlen(s);

    if (err) {
        FUZZ_CHECK(*err != '\0');
        return;
    }
    FUZZ_CHECK(len > 0 && len <= CORS_ORIGIN_MAX);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        FUZZ_CHECK(c > 0x20 && c < 0x7f && c != ',' && c != '*');
    }
    FUZZ_CHECK(o.kind == CORS_ORIGIN_EXACT || o.kind == CORS_ORIGIN_OPAQUE);
    FUZZ_CHECK(o.key != NULL);
    for (i = 0; o.key[i]; i++) {
        FUZZ_CHECK(!apr_isupper((unsigned char)o.key[i]));
    }
    if (o.kind == CORS_ORIGIN_OPAQUE) {
        FUZZ_CHECK(strcmp(s, "null") == 0);
        return;
    }
    FUZZ_CHECK(!o.wildcard && !o.any_port);
    FUZZ_CHECK(o.port >= 0 && o.port <= 65535);
    FUZZ_CHECK(o.host && *o.host && o.scheme && *o.scheme);
    FUZZ_CHECK(strchr(o.host, '/') == NULL && strchr(o.host, '@') == NULL);
    FUZZ_CHECK(cors_origin_parse_request(p, o.key, &again) == NULL);
    FUZZ_CHECK(strcmp(again.key, o.key) == 0);
}

static void check_config(apr_pool_t *p, const char *s)
{
    cors_origin o, req;
    const char *err = cors_origin_parse_config(p, s, &o);

    cors_regex_unescaped_dot(s);
    cors_regex_unbalanced(s);
    {
        /* The canaries of any regex are origins a browser could send. */
        apr_array_header_t *canaries = cors_regex_canaries(p, s);
        int i;
        for (i = 0; i < canaries->nelts; i++) {
            cors_origin co;
            FUZZ_CHECK(cors_origin_parse_request(
                           p, APR_ARRAY_IDX(canaries, i, const char *), &co)
                       == NULL);
        }
    }
    if (err) {
        FUZZ_CHECK(*err != '\0');
        return;
    }
    FUZZ_CHECK(o.key != NULL);
    cors_origin_credential_risk(&o);
    if (o.kind == CORS_ORIGIN_EXACT || o.kind == CORS_ORIGIN_PATTERN) {
        cors_origin again;
        FUZZ_CHECK(cors_origin_parse_config(p, o.key, &again) == NULL);
        FUZZ_CHECK(strcmp(again.key, o.key) == 0);
    }
    switch (o.kind) {
    case CORS_ORIGIN_ANY:
        FUZZ_CHECK(strcmp(s, "*") == 0);
        break;
    case CORS_ORIGIN_OPAQUE:
        FUZZ_CHECK(strcasecmp(s, "null") == 0);
        break;
    case CORS_ORIGIN_EXACT:
        FUZZ_CHECK(!o.wildcard && !o.any_port);
        FUZZ_CHECK(strcmp(o.scheme, "http") == 0
                   || strcmp(o.scheme, "https") == 0);
        FUZZ_CHECK(cors_origin_parse_request(p, o.key, &req) == NULL);
        FUZZ_CHECK(strcmp(req.key, o.key) == 0);
        if (cors_origin_parse_request(p, s, &req) == NULL) {
            FUZZ_CHECK(strcmp(req.key, o.key) == 0);
        }
        break;
    case CORS_ORIGIN_PATTERN:
        FUZZ_CHECK(o.wildcard || o.any_port);
        /* A wildcard never covers a public suffix (nor a single label). */
        if (o.wildcard) {
            FUZZ_CHECK(strchr(o.host, '.') != NULL);
            FUZZ_CHECK(!cors_origin_public_suffix(o.host));
        }
        /* No request can spell a pattern's key. */
        FUZZ_CHECK(cors_origin_parse_request(p, o.key, &req) != NULL);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *s = fuzz_string(p, data, size);

    check_request(p, s);
    check_config(p, s);
    cors_quote(p, s);
    apr_pool_destroy(p);
    return 0;
}
