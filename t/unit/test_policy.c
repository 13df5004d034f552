/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_policy: the verdict (docs/mod_cors.md, "What a request
 * gets") for preflights and actual requests, every header value, reasons
 * and CORS_RESULT names.
 *
 * Policies are written as strings.  A list or an origin set is one or more
 * sections joined by " | ", parent first, merged as the module merges:
 *   "P:GET PUT"        a plain section     "E:+PUT -HEAD"  an editing one
 * and origin sections may hold "re:REGEX" items (CORSAllowOriginMatch).
 */

#include "cors_origin_check.h"
#include "cors_policy.h"
#include "cors_string.h"
#include "unit.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <regex.h>

/* ------------------------------------------------------------------ */
/* Regexes                                                              */

#include "fixtures.h"

/* ------------------------------------------------------------------ */
/* Building policies                                                    */

/* "A | B | C": sections parent first, merged as the module does. */
static cors_list *make_list(apr_pool_t *p, const char *spec)
{
    char *copy = apr_pstrdup(p, spec), *sec, *state = NULL;
    cors_list *acc = NULL;

    for (sec = apr_strtok(copy, "|", &state); sec;
         sec = apr_strtok(NULL, "|", &state)) {
        cors_list *l;
        while (*sec == ' ') {
            sec++;
        }
        l = list_section_over(p, sec, NULL);
        acc = acc ? cors_list_rebase(p, l, acc) : l;
    }
    return acc;
}

static cors_origins *make_origins(apr_pool_t *p, const char *spec)
{
    char *copy = apr_pstrdup(p, spec), *sec, *state = NULL;
    cors_origins *acc = NULL;

    for (sec = apr_strtok(copy, "|", &state); sec;
         sec = apr_strtok(NULL, "|", &state)) {
        cors_origins *o;
        while (*sec == ' ') {
            sec++;
        }
        o = origin_section(p, sec);
        acc = acc ? cors_origins_rebase(p, o, acc) : o;
    }
    return acc;
}

/* ------------------------------------------------------------------ */
/* The verdict table                                                    */

struct verdict_case {
    const char *name;
    /* the policy */
    const char *origins;       /* NULL: an empty set */
    const char *methods;       /* NULL: the default GET HEAD POST */
    const char *allow_headers; /* NULL: none */
    const char *expose;        /* NULL: CORSExposeHeaders unset */
    int credentials;
    const char *max_age;
    int private_network;
    /* the request */
    const char *method, *origin, *acrm, *acrh, *acrpn;
    /* the verdict */
    cors_result result;
    int preflight;
    const char *reason;
    int origin_allowed, method_allowed, credentials_dropped;
    const char *acao, *acac, *acam, *acah, *max_age_out, *acapn, *aceh;
    int expose_names;
    const char *vary;
};

#define O "https://app.example"
#define VP CORS_VARY_PREFLIGHT
#define VPP CORS_VARY_PREFLIGHT_PNA
#define VA CORS_VARY_ACTUAL
#define PF_OK CORS_RESULT_PREFLIGHT_OK
#define PF_NO CORS_RESULT_PREFLIGHT_DENIED
#define AC_OK CORS_RESULT_ACTUAL_OK
#define AC_NO CORS_RESULT_ACTUAL_DENIED
#define NONE CORS_RESULT_NONE

static const struct verdict_case verdict_cases[] = {
    /* ---------------- preflights: allowed ---------------- */
    {.name = "allowed preflight, everything on",
     .origins = "P:" O,
     .methods = "P:GET PUT DELETE",
     .allow_headers = "P:x-custom",
     .credentials = 1,
     .max_age = "600",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "PUT",
     .acrh = "X-Custom, Content-Type",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acac = "true",
     .acam = "GET, PUT, DELETE",
     .acah = "x-custom, content-type",
     .max_age_out = "600",
     .vary = VP},
    {.name = "ACAO echoes the Origin byte for byte",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = "HTTPS://App.Example:443",
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = "HTTPS://App.Example:443",
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "ACAM is the configured order",
     .origins = "P:" O,
     .methods = "P:DELETE PUT PATCH",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "PATCH",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "DELETE, PUT, PATCH",
     .vary = VP},
    {.name = "ACAM of an edited default",
     .origins = "P:" O,
     .methods = "P:GET HEAD POST | E:+PUT -HEAD",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "PUT",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, POST, PUT",
     .vary = VP},
    {.name = "empty ACRH: no names requested",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "POST",
     .acrh = "",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "blank ACRH: no names requested",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "POST",
     .acrh = " \t ",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "private network asked and on",
     .origins = "P:" O,
     .private_network = 1,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrpn = "true",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .acapn = "true",
     .vary = VPP},
    {.name = "private network asked and off",
     .origins = "P:" O,
     .private_network = 0,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrpn = "true",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "private network on, not asked",
     .origins = "P:" O,
     .private_network = 1,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .vary = VPP},
    {.name = "private network on, asked with false",
     .origins = "P:" O,
     .private_network = 1,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrpn = "false",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .vary = VPP},
    {.name = "methods * without credentials: ACAM *",
     .origins = "P:" O,
     .methods = "P:*",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "PATCH",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "*",
     .vary = VP},
    {.name = "methods * with credentials: the requested method",
     .origins = "P:" O,
     .methods = "P:*",
     .credentials = 1,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "PATCH",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acac = "true",
     .acam = "PATCH",
     .vary = VP},
    {.name = "methods * but DELETE: the requested method",
     .origins = "P:" O,
     .methods = "P:* | E:-DELETE",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "PUT",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "PUT",
     .vary = VP},
    {.name = "origins * without credentials: ACAO *",
     .origins = "P:*",
     .method = "OPTIONS",
     .origin = "https://x.example",
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = "*",
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "origins * covers null without credentials",
     .origins = "P:*",
     .method = "OPTIONS",
     .origin = "null",
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = "*",
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "explicit null",
     .origins = "P:null",
     .credentials = 1,
     .method = "OPTIONS",
     .origin = "null",
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = "null",
     .acac = "true",
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "credentials and * met through merging: dropped",
     .origins = "P:" O " | E:+*",
     .credentials = 1,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .credentials_dropped = 1,
     .acao = "*",
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "credentials and a canary regex: dropped",
     .origins = "P:re:https://.*",
     .credentials = 1,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .credentials_dropped = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "credentials and an any-but *: dropped, origin echoed",
     .origins = "P:* | E:-https://evil.example",
     .credentials = 1,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .credentials_dropped = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "safelisted request headers are always allowed",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "POST",
     .acrh = "Accept, Accept-Language, Content-Language, Content-Type, Range",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .acah = "accept, accept-language, content-language, content-type, "
             "range",
     .vary = VP},
    {.name = "allow headers *",
     .origins = "P:" O,
     .allow_headers = "P:*",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrh = "X-Anything,X-Other",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .acah = "x-anything, x-other",
     .vary = VP},
    {.name = "allow headers * and authorization",
     .origins = "P:" O,
     .allow_headers = "P:* authorization",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrh = "Authorization, X-A",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "GET, HEAD, POST",
     .acah = "authorization, x-a",
     .vary = VP},
    {.name = "GET HEAD POST are allowed whatever the list",
     .origins = "P:" O,
     .methods = "P:PUT",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "POST",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acam = "PUT",
     .vary = VP},
    {.name = "wildcard subdomain preflight",
     .origins = "P:https://*.example.com",
     .credentials = 1,
     .method = "OPTIONS",
     .origin = "https://api.example.com",
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = "https://api.example.com",
     .acac = "true",
     .acam = "GET, HEAD, POST",
     .vary = VP},

    /* ---------------- preflights: denied ---------------- */
    {.name = "an Origin spelling a configured pattern is malformed",
     .origins = "P:https://*.example.com",
     .method = "OPTIONS",
     .origin = "https://*.example.com",
     .acrm = "GET",
     .result = PF_NO,
     .preflight = 1,
     .method_allowed = 1,
     .reason = "origin 'https://*.example.com' is malformed: the host has a "
               "character a host name cannot have",
     .vary = VP},
    {.name = "an Origin spelling a port-* pattern is malformed",
     .origins = "P:http://localhost:*",
     .method = "OPTIONS",
     .origin = "http://localhost:*",
     .acrm = "GET",
     .result = PF_NO,
     .preflight = 1,
     .method_allowed = 1,
     .reason = "origin 'http://localhost:*' is malformed: the port must be a "
               "number from 1 to 65535",
     .vary = VP},
    {.name = "an explicit default port still matches (slow path)",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = "HTTPS://App.Example:443",
     .acrm = "GET",
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = "HTTPS://App.Example:443",
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "origin not allowed",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = "https://evil.example",
     .acrm = "GET",
     .result = PF_NO,
     .preflight = 1,
     .method_allowed = 1,
     .reason = "origin 'https://evil.example' is not allowed",
     .vary = VP},
    {.name = "suffix attack",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = "https://app.example.evil.net",
     .acrm = "GET",
     .result = PF_NO,
     .preflight = 1,
     .method_allowed = 1,
     .reason = "origin 'https://app.example.evil.net' is not allowed",
     .vary = VP},
    {.name = "malformed origin: path",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = O "/",
     .acrm = "GET",
     .result = PF_NO,
     .preflight = 1,
     .method_allowed = 1,
     .reason = "origin 'https://app.example/' is malformed: it has a path",
     .vary = VP},
    {.name = "malformed origin: control byte quoted",
     .origins = "P:*",
     .method = "OPTIONS",
     .origin = "https://a\x01.example",
     .acrm = "GET",
     .result = PF_NO,
     .preflight = 1,
     .method_allowed = 1,
     .reason = "origin 'https://a\\x01.example' is malformed: it has a "
               "control character",
     .vary = VP},
    {.name = "null under * met with credentials through merging",
     .origins = "P:" O " | E:+*",
     .credentials = 1,
     .method = "OPTIONS",
     .origin = "null",
     .acrm = "GET",
     /* credentials were dropped, so '*' covers null again */
     .result = PF_OK,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .credentials_dropped = 1,
     .acao = "*",
     .acam = "GET, HEAD, POST",
     .vary = VP},
    {.name = "null needs an explicit entry",
     .origins = "P:" O " re:.*",
     .method = "OPTIONS",
     .origin = "null",
     .acrm = "GET",
     .result = PF_NO,
     .preflight = 1,
     .method_allowed = 1,
     .reason = "origin 'null' is not allowed",
     .vary = VP},
    {.name = "empty ACRM",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "Access-Control-Request-Method '' is not a method token",
     .vary = VP},
    {.name = "ACRM with two methods",
     .origins = "P:" O,
     .methods = "P:*",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET, DELETE",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "Access-Control-Request-Method 'GET, DELETE' is not a "
               "method token",
     .vary = VP},
    {.name = "disallowed method",
     .origins = "P:" O,
     .method = "OPTIONS",
     .origin = O,
     .acrm = "DELETE",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "method 'DELETE' is not allowed",
     .vary = VP},
    {.name = "methods are case-sensitive",
     .origins = "P:" O,
     .methods = "P:PUT",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "put",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "method 'put' is not allowed",
     .vary = VP},
    {.name = "methods * but DELETE: DELETE refused",
     .origins = "P:" O,
     .methods = "P:* | E:-DELETE",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "DELETE",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "method 'DELETE' is not allowed",
     .vary = VP},
    {.name = "allow headers * does not cover authorization",
     .origins = "P:" O,
     .allow_headers = "P:*",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrh = "X-A, Authorization",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "request header 'authorization' is not allowed",
     .vary = VP},
    {.name = "request header not listed",
     .origins = "P:" O,
     .allow_headers = "P:x-a",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrh = "x-a, X-B",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "request header 'x-b' is not allowed",
     .vary = VP},
    {.name = "request header removed from *",
     .origins = "P:" O,
     .allow_headers = "P:* | E:-x-secret",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrh = "X-Secret",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "request header 'x-secret' is not allowed",
     .vary = VP},
    {.name = "ACRH with an empty item",
     .origins = "P:" O,
     .allow_headers = "P:*",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrh = "a,,b",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "Access-Control-Request-Headers has an empty item",
     .vary = VP},
    {.name = "ACRH with a non-token",
     .origins = "P:" O,
     .allow_headers = "P:*",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "GET",
     .acrh = "x y",
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "Access-Control-Request-Headers item 'x y' is not a header "
               "name",
     .vary = VP},
    {.name = "refused preflight under * carries no ACAO",
     .origins = "P:*",
     .method = "OPTIONS",
     .origin = O,
     .acrm = "DELETE",
     .private_network = 1,
     .result = PF_NO,
     .preflight = 1,
     .origin_allowed = 1,
     .method_allowed = 1,
     .reason = "method 'DELETE' is not allowed",
     .vary = VPP},

    /* ---------------- actual requests ---------------- */
    {.name = "no Origin: none, Vary Origin",
     .origins = "P:" O,
     .method = "GET",
     .result = NONE,
     .method_allowed = 1,
     .vary = VA},
    {.name = "OPTIONS with ACRM but no Origin is not a preflight",
     .origins = "P:" O,
     .method = "OPTIONS",
     .acrm = "GET",
     .result = NONE,
     .method_allowed = 1,
     .vary = VA},
    {.name = "malformed Origin: two joined",
     .origins = "P:" O,
     .method = "GET",
     .origin = "https://app.example, https://evil.example",
     .result = AC_NO,
     .method_allowed = 1,
     .reason = "origin 'https://app.example, https://evil.example' is "
               "malformed: it has a comma (more than one Origin header?)",
     .vary = VA},
    {.name = "disallowed Origin",
     .origins = "P:" O,
     .method = "GET",
     .origin = "https://evil.example",
     .result = AC_NO,
     .method_allowed = 1,
     .reason = "origin 'https://evil.example' is not allowed",
     .vary = VA},
    {.name = "disallowed Origin: http scheme",
     .origins = "P:" O,
     .method = "GET",
     .origin = "http://app.example",
     .result = AC_NO,
     .method_allowed = 1,
     .reason = "origin 'http://app.example' is not allowed",
     .vary = VA},
    {.name = "allowed, credentials and expose",
     .origins = "P:" O,
     .expose = "P:x-total x-page",
     .credentials = 1,
     .method = "GET",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acac = "true",
     .aceh = "x-total, x-page",
     .vary = VA},
    {.name = "allowed, no credentials, no expose",
     .origins = "P:" O,
     .method = "POST",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .vary = VA},
    {.name = "actual request ignores preflight-only values",
     .origins = "P:" O,
     .private_network = 1,
     .max_age = "600",
     .method = "GET",
     .origin = O,
     .acrpn = "true",
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .vary = VA},
    {.name = "expose * with credentials: the response's names",
     .origins = "P:" O,
     .expose = "P:*",
     .credentials = 1,
     .method = "GET",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acac = "true",
     .expose_names = 1,
     .vary = VA},
    {.name = "expose * and a name with credentials",
     .origins = "P:" O,
     .expose = "P:* x-total",
     .credentials = 1,
     .method = "GET",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .acac = "true",
     .aceh = "x-total",
     .expose_names = 1,
     .vary = VA},
    {.name = "expose * without credentials: *",
     .origins = "P:" O,
     .expose = "P:*",
     .method = "GET",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .aceh = "*",
     .vary = VA},
    {.name = "expose * but one, without credentials: the response's names",
     .origins = "P:" O,
     .expose = "P:* | E:-x-secret",
     .method = "GET",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .expose_names = 1,
     .vary = VA},
    {.name = "origins *: ACAO * and no Vary",
     .origins = "P:*",
     .expose = "P:x-total",
     .method = "GET",
     .origin = "https://x.example",
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = "*",
     .aceh = "x-total"},
    {.name = "origins *: ACAO * without an Origin too",
     .origins = "P:*",
     .expose = "P:x-total",
     .method = "GET",
     .result = NONE,
     .method_allowed = 1,
     .acao = "*",
     .aceh = "x-total"},
    {.name = "origins *: ACAO * with a malformed Origin too",
     .origins = "P:*",
     .method = "GET",
     .origin = "https://x.example/",
     .result = AC_NO,
     .method_allowed = 1,
     .reason = "origin 'https://x.example/' is malformed: it has a path",
     .acao = "*"},
    {.name = "origins * and credentials met through merging",
     .origins = "P:" O " | E:+*",
     .credentials = 1,
     .expose = "P:*",
     .method = "GET",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .credentials_dropped = 1,
     .acao = "*",
     .aceh = "*"},
    {.name = "origins * but one: allowed one echoed",
     .origins = "P:* | E:-https://evil.example",
     .method = "GET",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .vary = VA},
    {.name = "origins * but one: the one refused",
     .origins = "P:* | E:-https://evil.example",
     .method = "GET",
     .origin = "https://evil.example",
     .result = AC_NO,
     .method_allowed = 1,
     .reason = "origin 'https://evil.example' is not allowed",
     .vary = VA},
    {.name = "null actual with explicit null",
     .origins = "P:null",
     .method = "GET",
     .origin = "null",
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = "null",
     .vary = VA},
    {.name = "PUT not in the list",
     .origins = "P:" O,
     .method = "PUT",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 0,
     .acao = O,
     .vary = VA},
    {.name = "PUT in the list",
     .origins = "P:" O,
     .methods = "P:PUT",
     .method = "PUT",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .vary = VA},
    {.name = "DELETE under * but DELETE",
     .origins = "P:" O,
     .methods = "P:* | E:-DELETE",
     .method = "DELETE",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 0,
     .acao = O,
     .vary = VA},
    {.name = "GET always allowed",
     .origins = "P:" O,
     .methods = "P:PUT",
     .method = "GET",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .vary = VA},
    {.name = "HEAD always allowed",
     .origins = "P:" O,
     .methods = "P:PUT",
     .method = "HEAD",
     .result = NONE,
     .method_allowed = 1,
     .vary = VA},
    {.name = "POST always allowed, even removed",
     .origins = "P:" O,
     .methods = "P:GET HEAD POST | E:-POST",
     .method = "POST",
     .origin = "https://evil.example",
     .result = AC_NO,
     .method_allowed = 1,
     .reason = "origin 'https://evil.example' is not allowed",
     .vary = VA},
    {.name = "OPTIONS without ACRM: an actual request",
     .origins = "P:" O,
     .methods = "P:PUT",
     .method = "OPTIONS",
     .origin = O,
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 1,
     .acao = O,
     .vary = VA},
    {.name = "lowercase options with ACRM is not a preflight",
     .origins = "P:" O,
     .method = "options",
     .origin = O,
     .acrm = "GET",
     .result = AC_OK,
     .origin_allowed = 1,
     .method_allowed = 0,
     .acao = O,
     .vary = VA},
    {.name = "empty origin set allows nothing",
     .method = "GET",
     .origin = O,
     .result = AC_NO,
     .method_allowed = 1,
     .reason = "origin 'https://app.example' is not allowed",
     .vary = VA},
};

/* The CORS_REASON a denial's words stand for (docs/mod_cors.md, "Logging"),
 * read off the wording independently of cors_decide(). */
static const char *expected_reason_name(const char *reason)
{
    if (!reason) {
        return NULL;
    }
    if (strncmp(reason, "origin ", 7) == 0) {
        return strstr(reason, "' is malformed: ") ? "malformed-origin"
                                                  : "origin";
    }
    if (strncmp(reason, "Access-Control-Request-Method ", 30) == 0) {
        return "request-method";
    }
    if (strncmp(reason, "method ", 7) == 0) {
        return "method";
    }
    if (strncmp(reason, "request header ", 15) == 0
        || strncmp(reason, "Access-Control-Request-Headers ", 31) == 0) {
        return "headers";
    }
    if (strncmp(reason, "Sec-Fetch-Site is ", 18) == 0
        || strncmp(reason, "no Sec-Fetch-Site, ", 19) == 0) {
        return "cross-origin";
    }
    return "unrecognised reason";
}

static void test_verdicts(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(verdict_cases); i++) {
        const struct verdict_case *t = &verdict_cases[i];
        cors_policy pol;
        cors_request req;
        cors_verdict v;

        cors_policy_defaults(p, &pol, posix_match);
        pol.origins = t->origins ? make_origins(p, t->origins)
                                 : cors_origins_make(p, 0, posix_match);
        pol.methods = make_list(p, t->methods ? t->methods : "P:GET HEAD POST");
        pol.allow_headers =
            make_list(p, t->allow_headers ? t->allow_headers : "P:");
        pol.expose_headers = make_list(p, t->expose ? t->expose : "P:");
        pol.credentials = t->credentials;
        pol.max_age = t->max_age;
        pol.private_network = t->private_network;

        req.method = t->method;
        req.origin = t->origin;
        req.request_method = t->acrm;
        req.request_headers = t->acrh;
        req.request_private = t->acrpn;

        memset(&v, 0x5a, sizeof(v)); /* cors_decide must set every field */
        cors_decide(p, &pol, &req, &v);

        UNIT_ROW("verdict %lu: %s", (unsigned long)i, t->name);
        CHECK_STR(cors_result_name(v.result), cors_result_name(t->result));
        CHECK_INT(v.result, t->result);
        CHECK_INT(v.preflight, t->preflight);
        CHECK_INT(cors_is_preflight(&req) != 0, t->preflight);
        CHECK_STR(v.reason, t->reason);
        CHECK_STR(cors_reason_name(v.why), expected_reason_name(t->reason));
        CHECK_INT(v.origin_allowed, t->origin_allowed);
        CHECK_INT(v.method_allowed, t->method_allowed);
        CHECK_INT(v.credentials_dropped, t->credentials_dropped);
        CHECK_STR(v.allow_origin, t->acao);
        CHECK_STR(v.allow_credentials, t->acac);
        CHECK_STR(v.allow_methods, t->acam);
        CHECK_STR(v.allow_headers, t->acah);
        CHECK_STR(v.max_age, t->max_age_out);
        CHECK_STR(v.allow_private_network, t->acapn);
        CHECK_STR(v.expose_headers, t->aceh);
        CHECK_INT(v.expose_response_names, t->expose_names);
        CHECK_STR(v.vary, t->vary);

        /* A denial carries no Access-Control-* header (except the
         * credential-less '*' on actual requests: docs/mod_cors.md,
         * "Preflights" and "Actual requests"). */
        if (v.result == CORS_RESULT_PREFLIGHT_DENIED) {
            CHECK(!v.allow_origin && !v.allow_credentials && !v.allow_methods
                  && !v.allow_headers && !v.max_age && !v.allow_private_network
                  && !v.expose_headers);
        }
        if (v.result == CORS_RESULT_ACTUAL_DENIED && v.allow_origin) {
            CHECK_STR(v.allow_origin, "*");
        }
        /* A reason, when there is one, names request values only. */
        if (v.reason && t->origins && strstr(t->origins, O) && t->origin
            && !strstr(t->origin, "app.example")) {
            CHECK(strstr(v.reason, "app.example") == NULL);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Small functions                                                      */

static void test_result_names(void)
{
    static const struct {
        cors_result r;
        const char *name;
    } rows[] = {
        {CORS_RESULT_NONE, "none"},
        {CORS_RESULT_PREFLIGHT_OK, "preflight-ok"},
        {CORS_RESULT_PREFLIGHT_DENIED, "preflight-denied"},
        {CORS_RESULT_ACTUAL_OK, "actual-ok"},
        {CORS_RESULT_ACTUAL_DENIED, "actual-denied"},
    };
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(rows); i++) {
        UNIT_ROW("cors_result_name(%d)", (int)rows[i].r);
        CHECK_STR(cors_result_name(rows[i].r), rows[i].name);
    }
}

static void test_safelisted_methods(void)
{
    static const struct {
        const char *m;
        int want;
    } rows[] = {
        {"GET", 1},    {"HEAD", 1},    {"POST", 1},  {"get", 0},  {"PUT", 0},
        {"DELETE", 0}, {"OPTIONS", 0}, {"PATCH", 0}, {"GETX", 0}, {"", 0},
    };
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(rows); i++) {
        UNIT_ROW("cors_method_safelisted(\"%s\")", rows[i].m);
        CHECK_INT(cors_method_safelisted(rows[i].m) != 0, rows[i].want);
    }
}

static void test_is_preflight(void)
{
    static const struct {
        const char *method, *origin, *acrm;
        int want;
    } rows[] = {
        {"OPTIONS", O, "GET", 1},    {"OPTIONS", O, "", 1},
        {"OPTIONS", "", "PUT", 1},   {"OPTIONS", O, NULL, 0},
        {"OPTIONS", NULL, "GET", 0}, {"GET", O, "GET", 0},
        {"options", O, "GET", 0},    {"POST", O, NULL, 0},
    };
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(rows); i++) {
        cors_request req;
        memset(&req, 0, sizeof(req));
        req.method = rows[i].method;
        req.origin = rows[i].origin;
        req.request_method = rows[i].acrm;
        UNIT_ROW("cors_is_preflight row %lu", (unsigned long)i);
        CHECK_INT(cors_is_preflight(&req) != 0, rows[i].want);
    }
}

/* The request parser gates regexes, and reasons stay bounded. */
static void test_gate_and_bounds(apr_pool_t *p)
{
    cors_policy pol;
    cors_request req;
    cors_verdict v;
    char *longo;
    int before;

    cors_policy_defaults(p, &pol, posix_match);
    pol.origins = make_origins(p, "P:re:.*");
    pol.methods = make_list(p, "P:GET HEAD POST");
    pol.allow_headers = make_list(p, "P:");
    memset(&req, 0, sizeof(req));

    UNIT_ROW("a malformed origin never reaches a regex");
    req.method = "GET";
    req.origin = "https://a.example/evil";
    before = regex_calls;
    cors_decide(p, &pol, &req, &v);
    CHECK_INT(v.result, CORS_RESULT_ACTUAL_DENIED);
    CHECK_INT(regex_calls, before);
    CHECK_NULL(v.allow_origin);

    UNIT_ROW("a well-formed origin does");
    req.origin = "https://a.example";
    before = regex_calls;
    cors_decide(p, &pol, &req, &v);
    CHECK_INT(v.result, CORS_RESULT_ACTUAL_OK);
    CHECK(regex_calls > before);

    UNIT_ROW("a long Origin is quoted, bounded, in the reason");
    longo = apr_palloc(p, 1001);
    memset(longo, 'a', 1000);
    memcpy(longo, "https://", 8);
    longo[1000] = '\0';
    req.method = "OPTIONS";
    req.origin = longo;
    req.request_method = "GET";
    cors_decide(p, &pol, &req, &v);
    CHECK_INT(v.result, CORS_RESULT_PREFLIGHT_DENIED);
    CHECK_STR(v.reason,
              apr_psprintf(p,
                           "origin '%s...' is malformed: it is longer "
                           "than 512 bytes",
                           apr_pstrndup(p, longo, CORS_QUOTE_MAX)));

    UNIT_ROW("a header name with a newline is escaped in the reason");
    req.origin = "https://a.example";
    req.request_headers = "x-a\nx-b";
    cors_decide(p, &pol, &req, &v);
    CHECK_INT(v.result, CORS_RESULT_PREFLIGHT_DENIED);
    CHECK_STR(v.reason, "Access-Control-Request-Headers item 'x-a\\x0ax-b' "
                        "is not a header name");
    CHECK(v.reason && !strchr(v.reason, '\n'));
}

/* ------------------------------------------------------------------ */
/* Cross-origin protection                                              */

#define XO_EVIL "https://evil.example"

struct xo_case {
    const char *name;
    const char *method;
    const char *origin;     /* NULL: no Origin */
    const char *fetch_site; /* NULL: no Sec-Fetch-Site */
    const char *host;       /* NULL: no Host */
    int origin_allowed;     /* what the policy's origin set said: 1
                             * allowed, 2 malformed, 0 neither */
    const char *reason;     /* NULL: passes */
};

#define XO_MALFORMED 2

static const struct xo_case xo_cases[] = {
    /* GET, HEAD and OPTIONS always pass, whatever else is said */
    {"GET cross-site", "GET", XO_EVIL, "cross-site", "a.example", 0, NULL},
    {"HEAD cross-site", "HEAD", XO_EVIL, "cross-site", "a.example", 0, NULL},
    {"OPTIONS cross-site", "OPTIONS", XO_EVIL, "cross-site", "a.example", 0,
     NULL},
    {"GET without Fetch Metadata, another host", "GET", XO_EVIL, NULL,
     "a.example", 0, NULL},
    {"methods are case-sensitive: get is not GET", "get", XO_EVIL, "cross-site",
     "a.example", 0,
     "Sec-Fetch-Site is 'cross-site' and origin 'https://evil.example' is "
     "not allowed"},
    {"options is not OPTIONS", "options", XO_EVIL, "cross-site", "a.example", 0,
     "Sec-Fetch-Site is 'cross-site' and origin 'https://evil.example' is "
     "not allowed"},

    /* Sec-Fetch-Site */
    {"POST same-origin", "POST", XO_EVIL, "same-origin", "a.example", 0, NULL},
    {"POST none (the user typed it)", "POST", NULL, "none", "a.example", 0,
     NULL},
    {"POST same-site, origin not allowed", "POST", "https://b.a.example",
     "same-site", "a.example", 0,
     "Sec-Fetch-Site is 'same-site' and origin 'https://b.a.example' is not "
     "allowed"},
    {"POST same-site, origin allowed", "POST", "https://b.a.example",
     "same-site", "a.example", 1, NULL},
    {"POST cross-site, origin allowed", "POST", XO_EVIL, "cross-site",
     "a.example", 1, NULL},
    {"PUT cross-site", "PUT", XO_EVIL, "cross-site", "a.example", 0,
     "Sec-Fetch-Site is 'cross-site' and origin 'https://evil.example' is "
     "not allowed"},
    {"DELETE cross-site", "DELETE", XO_EVIL, "cross-site", "a.example", 0,
     "Sec-Fetch-Site is 'cross-site' and origin 'https://evil.example' is "
     "not allowed"},
    {"PATCH cross-site", "PATCH", XO_EVIL, "cross-site", "a.example", 0,
     "Sec-Fetch-Site is 'cross-site' and origin 'https://evil.example' is "
     "not allowed"},
    {"cross-site even when the Origin is the Host", "POST", "https://a.example",
     "cross-site", "a.example", 0,
     "Sec-Fetch-Site is 'cross-site' and origin 'https://a.example' is not "
     "allowed"},
    {"an unknown value", "POST", XO_EVIL, "bogus", "a.example", 0,
     "Sec-Fetch-Site is 'bogus' and origin 'https://evil.example' is not "
     "allowed"},
    {"an unknown value, origin allowed", "POST", XO_EVIL, "bogus", "a.example",
     1, NULL},
    {"values are case-sensitive", "POST", XO_EVIL, "Same-Origin", "a.example",
     0,
     "Sec-Fetch-Site is 'Same-Origin' and origin 'https://evil.example' is "
     "not allowed"},
    {"an empty value is no same-origin", "POST", XO_EVIL, "", "a.example", 0,
     "Sec-Fetch-Site is '' and origin 'https://evil.example' is not "
     "allowed"},
    {"cross-site without an Origin", "POST", NULL, "cross-site", "a.example", 0,
     "Sec-Fetch-Site is 'cross-site' and the request has no Origin"},
    {"a control byte is escaped", "POST", XO_EVIL, "cross\x01site", "a.example",
     0,
     "Sec-Fetch-Site is 'cross\\x01site' and origin 'https://evil.example' "
     "is not allowed"},

    /* No Sec-Fetch-Site: Origin against Host */
    {"no Origin: not a browser", "POST", NULL, NULL, "a.example", 0, NULL},
    {"no Origin, no Host", "DELETE", NULL, NULL, NULL, 0, NULL},
    {"https Origin, Host without port", "POST", "https://a.example", NULL,
     "a.example", 0, NULL},
    {"http Origin, Host without port (schemes never compared)", "POST",
     "http://a.example", NULL, "a.example", 0, NULL},
    {"Origin with its default port written", "POST", "https://a.example:443",
     NULL, "a.example", 0, NULL},
    {"Host with the Origin's implied port", "POST", "https://a.example", NULL,
     "a.example:443", 0, NULL},
    {"Host with the other scheme's default port", "POST", "https://a.example",
     NULL, "a.example:80", 0,
     "no Sec-Fetch-Site, and origin 'https://a.example' is neither the Host "
     "'a.example:80' nor allowed"},
    {"http Origin, Host on 443", "POST", "http://a.example", NULL,
     "a.example:443", 0,
     "no Sec-Fetch-Site, and origin 'http://a.example' is neither the Host "
     "'a.example:443' nor allowed"},
    {"same other port", "PUT", "https://a.example:8443", NULL, "a.example:8443",
     0, NULL},
    {"same other port, the other scheme", "PUT", "http://a.example:8443", NULL,
     "a.example:8443", 0, NULL},
    {"Origin on another port than a port-less Host", "PUT",
     "https://a.example:8443", NULL, "a.example", 0,
     "no Sec-Fetch-Site, and origin 'https://a.example:8443' is neither the "
     "Host 'a.example' nor allowed"},
    {"Host on another port", "PUT", "https://a.example", NULL, "a.example:8443",
     0,
     "no Sec-Fetch-Site, and origin 'https://a.example' is neither the Host "
     "'a.example:8443' nor allowed"},
    {"hosts compare case-insensitively", "POST", "https://A.Example", NULL,
     "a.EXAMPLE", 0, NULL},
    {"another host", "POST", XO_EVIL, NULL, "a.example", 0,
     "no Sec-Fetch-Site, and origin 'https://evil.example' is neither the "
     "Host 'a.example' nor allowed"},
    {"another host, origin allowed", "POST", XO_EVIL, NULL, "a.example", 1,
     NULL},
    {"a Host that only starts like the Origin's host", "POST",
     "https://a.example", NULL, "a.example.evil.example", 0,
     "no Sec-Fetch-Site, and origin 'https://a.example' is neither the Host "
     "'a.example.evil.example' nor allowed"},
    {"a Host with a trailing dot", "POST", "https://a.example", NULL,
     "a.example.", 0,
     "no Sec-Fetch-Site, and origin 'https://a.example' is neither the Host "
     "'a.example.' nor allowed"},
    {"a Host with an empty port", "POST", "https://a.example", NULL,
     "a.example:", 0,
     "no Sec-Fetch-Site, and origin 'https://a.example' is neither the Host "
     "'a.example:' nor allowed"},
    {"a Host with a port over 65535", "POST", "https://a.example:443", NULL,
     "a.example:65979", 0,
     "no Sec-Fetch-Site, and origin 'https://a.example:443' is neither the "
     "Host 'a.example:65979' nor allowed"},
    {"a Host with a non-numeric port", "POST", "https://a.example", NULL,
     "a.example:https", 0,
     "no Sec-Fetch-Site, and origin 'https://a.example' is neither the Host "
     "'a.example:https' nor allowed"},
    {"no Host at all", "POST", "https://a.example", NULL, NULL, 0,
     "no Sec-Fetch-Site, and origin 'https://a.example' is neither the Host "
     "'' nor allowed"},
    {"IPv6 literal with port", "POST", "http://[::1]:8080", NULL, "[::1]:8080",
     0, NULL},
    {"IPv6 literal, default port", "POST", "http://[::1]", NULL, "[::1]", 0,
     NULL},
    {"IPv6 literal, Host without the Origin's port", "POST",
     "http://[::1]:8080", NULL, "[::1]", 0,
     "no Sec-Fetch-Site, and origin 'http://[::1]:8080' is neither the Host "
     "'[::1]' nor allowed"},
    {"IPv6 Host without its bracket", "POST", "http://[::1]", NULL, "[::1", 0,
     "no Sec-Fetch-Site, and origin 'http://[::1]' is neither the Host "
     "'[::1' nor allowed"},
    {"IPv4 literal", "POST", "http://127.0.0.1:8529", NULL, "127.0.0.1:8529", 0,
     NULL},
    {"the opaque origin is no host", "POST", "null", NULL, "a.example", 0,
     "no Sec-Fetch-Site, and origin 'null' is neither the Host 'a.example' "
     "nor allowed"},
    {"the opaque origin, allowed", "POST", "null", NULL, "a.example", 1, NULL},
    {"a non-http scheme is no host", "POST", "chrome-extension://a.example",
     NULL, "a.example", 0,
     "no Sec-Fetch-Site, and origin 'chrome-extension://a.example' is "
     "neither the Host 'a.example' nor allowed"},
    {"a malformed Origin: a path", "POST", "https://a.example/", NULL,
     "a.example", XO_MALFORMED,
     "no Sec-Fetch-Site, and origin 'https://a.example/' is malformed: it "
     "has a path"},
    {"a malformed Origin: two joined", "POST",
     "https://a.example, https://evil.example", NULL, "a.example", XO_MALFORMED,
     "no Sec-Fetch-Site, and origin 'https://a.example, "
     "https://evil.example' is malformed: it has a comma (more than one "
     "Origin header?)"},
};

static void test_cross_origin(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(xo_cases); i++) {
        const struct xo_case *t = &xo_cases[i];
        cors_request req;
        cors_verdict v;
        const char *got;

        memset(&req, 0, sizeof(req));
        req.method = t->method;
        req.origin = t->origin;
        req.fetch_site = t->fetch_site;
        req.host = t->host;
        memset(&v, 0, sizeof(v));
        v.origin_allowed = t->origin_allowed == 1;
        v.origin_malformed = t->origin_allowed == XO_MALFORMED;
        got = cors_cross_origin(p, &req, &v);

        UNIT_ROW("cross-origin %lu: %s", (unsigned long)i, t->name);
        CHECK_STR(got, t->reason);
        if (got) {
            CHECK_STR(expected_reason_name(got), "cross-origin");
            CHECK(!strchr(got, '\n'));
        }
    }
    UNIT_ROW("cors_reason_name(CORS_REASON_CROSS_ORIGIN)");
    CHECK_STR(cors_reason_name(CORS_REASON_CROSS_ORIGIN), "cross-origin");
}

/* Cross-origin protection inside the verdict: cors_decide() asks it with
 * its own origin check, on actual requests of a policy that has it on,
 * before CORSRejectDisallowed. */
static void test_cross_origin_verdict(apr_pool_t *p)
{
    static const struct {
        const char *origins, *method, *origin, *fetch_site;
        int protect, reject;
        int status;      /* what the module answers: 0, 403 or 405 */
        const char *why; /* CORS_REASON, or NULL */
    } rows[] = {
        {"P:" O, "POST", O, "cross-site", 1, 0, 0, NULL},
        {"P:" O, "POST", "https://evil.example", "cross-site", 1, 0, 403,
         "cross-origin"},
        {"P:" O, "POST", "https://evil.example", "cross-site", 0, 0, 0,
         "origin"},
        {"P:" O, "GET", "https://evil.example", "cross-site", 1, 0, 0,
         "origin"},
        {"P:" O, "POST", "https://APP.example:443", "same-site", 1, 0, 0, NULL},
        {"P:https://*.app.example", "PUT", "https://b.app.example", "same-site",
         1, 0, 0, NULL},
        {"P:https://*.app.example", "PUT", "https://app.example", "same-site",
         1, 0, 403, "cross-origin"},
        {"P:" O " | E:-" O, "POST", O, "cross-site", 1, 0, 403, "cross-origin"},
        {"P:*", "POST", "https://evil.example", "cross-site", 1, 0, 0, NULL},
        {"P:*", "POST", "https://evil.example/", "cross-site", 1, 0, 403,
         "cross-origin"},
        {"P:null", "POST", "null", "cross-site", 1, 0, 0, NULL},
        {"P:re:https://[a-z]+\\.app\\.example", "DELETE",
         "https://x.app.example", "cross-site", 1, 0, 0, NULL},
        {"P:" O, "POST", NULL, "cross-site", 1, 0, 403, "cross-origin"},
        {"P:" O, "POST", NULL, NULL, 1, 0, 0, NULL},
        {"P:" O, "POST", "https://api.example", NULL, 1, 0, 0, "origin"},
        {"P:" O, "POST", "https://evil.example", NULL, 1, 0, 403,
         "cross-origin"},
        /* beside CORSRejectDisallowed: protection first, then its 405 */
        {"P:" O, "POST", "https://evil.example", "cross-site", 1, 1, 403,
         "cross-origin"},
        {"P:" O, "DELETE", O, "cross-site", 1, 1, 405, "method"},
        {"P:" O, "GET", "https://evil.example", "cross-site", 1, 1, 403,
         "origin"},
    };
    cors_policy pol;
    cors_request req;
    cors_verdict v;
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(rows); i++) {
        cors_policy_defaults(p, &pol, posix_match);
        pol.origins = make_origins(p, rows[i].origins);
        pol.cross_origin = rows[i].protect;
        pol.reject = rows[i].reject;
        memset(&req, 0, sizeof(req));
        req.method = rows[i].method;
        req.origin = rows[i].origin;
        req.fetch_site = rows[i].fetch_site;
        req.host = "api.example";
        req.self = "https://api.example";
        cors_decide(p, &pol, &req, &v);

        UNIT_ROW("cross-origin verdict %lu: %s %s from %s (%s)",
                 (unsigned long)i, rows[i].origins, rows[i].method,
                 rows[i].origin ? rows[i].origin : "(none)",
                 rows[i].fetch_site ? rows[i].fetch_site : "no Sec-Fetch-Site");
        CHECK_INT(v.status, rows[i].status);
        CHECK_STR(cors_reason_name(v.why), rows[i].why);
        if (v.why == CORS_REASON_CROSS_ORIGIN) {
            CHECK_INT(v.result, CORS_RESULT_ACTUAL_DENIED);
            CHECK_STR(v.body, apr_pstrcat(p, "Cross-origin request refused: ",
                                          v.reason, "\n", NULL));
            CHECK(!v.allow_origin && !v.allow_credentials && !v.expose_headers);
            /* what the policy varies on, as ever ('*': nothing) */
            CHECK_STR(v.vary,
                      strcmp(rows[i].origins, "P:*") == 0 ? NULL : "Origin");
        }
        else if (v.status != 405) {
            CHECK_NULL(v.body);
        }
    }

    /* An error document is never refused: what CORS says of its Origin
     * stands. */
    UNIT_ROW("cross-origin verdict: an error document");
    cors_policy_defaults(p, &pol, posix_match);
    pol.origins = make_origins(p, "P:" O);
    pol.cross_origin = 1;
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.origin = "https://evil.example";
    req.fetch_site = "cross-site";
    req.error_document = 1;
    cors_decide(p, &pol, &req, &v);
    CHECK_INT(v.status, 0);
    CHECK_STR(cors_reason_name(v.why), "origin");
    req.error_document = 0;
    cors_decide(p, &pol, &req, &v);
    CHECK_INT(v.status, 403);
}

/* The Origin/Host comparison on its own, for what the table above cannot
 * reach (the Origin is one cors_origin_parse_request accepts). */
static void test_origin_is_host(void)
{
    static const struct {
        const char *origin, *host;
        int want;
    } rows[] = {
        {"https://a.example", "a.example", 1},
        {"HTTPS://A.EXAMPLE", "a.example", 1},
        {"http://a.example:80", "a.example", 1},
        {"http://a.example:80", "a.example:80", 1},
        {"https://a.example", "a.example:0443", 1},
        {"https://a.example", NULL, 0},
        {"https://a.example", "", 0},
        {"https://a.example", ":443", 0},
        {"https://a.example", "a.example:443x", 0},
        {"https://a.example", "a.example:-443", 0},
        {"https://a.example", "a.example:443:443", 0},
        {"https://a.exampl", "a.example", 0},
        {"https://a.example", "a.exampl", 0},
        {"http://[::1]:8080", "[::1]:8080", 1},
        {"http://[::1]:8080", "[::1]8080", 0},
        {"http://[::1]", "[::2]", 0},
        {"http://[::1]", "::1", 0},
        {"ftp://a.example", "a.example", 0},
        {"httpx://a.example", "a.example", 0},
        {"null", "null", 0},
    };
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(rows); i++) {
        UNIT_ROW("cors_origin_is_host(\"%s\", \"%s\")", rows[i].origin,
                 rows[i].host ? rows[i].host : "(none)");
        CHECK_INT(cors_origin_is_host(rows[i].origin, rows[i].host),
                  rows[i].want);
    }
}

static void test_safe_methods(void)
{
    static const struct {
        const char *m;
        int want;
    } rows[] = {
        {"GET", 1},    {"HEAD", 1},     {"OPTIONS", 1}, {"POST", 0},
        {"PUT", 0},    {"DELETE", 0},   {"PATCH", 0},   {"get", 0},
        {"OPTION", 0}, {"OPTIONSX", 0}, {"GETX", 0},    {"HEADX", 0},
        {"G", 0},      {"", 0},         {"CONNECT", 0}, {"TRACE", 0},
    };
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(rows); i++) {
        UNIT_ROW("cors_method_safe(\"%s\")", rows[i].m);
        CHECK_INT(cors_method_safe(rows[i].m) != 0, rows[i].want);
    }
}

/* ------------------------------------------------------------------ */
/* The field table, defaults and the merge                              */

static const cors_where where_parent = {"CORSAllowMethods", "PUT",
                                        "parent.conf", 10};
static const cors_where where_child = {"CORSAllowMethods", "+DELETE",
                                       "child.conf", 20};

static void test_field_table(void)
{
    int f, g;

    for (f = 0; f < CORS_FIELDS; f++) {
        UNIT_ROW("field %d (%s)", f, cors_fields[f].directive);
        CHECK(strncmp(cors_fields[f].directive, "CORS", 4) == 0);
        CHECK(cors_fields[f].offset < APR_OFFSETOF(cors_policy, set));
        for (g = 0; g < f; g++) {
            CHECK(cors_fields[g].offset != cors_fields[f].offset);
            CHECK(strcmp(cors_fields[g].directive, cors_fields[f].directive)
                  != 0);
        }
    }
    /* Every field fits the set mask. */
    CHECK(CORS_FIELDS <= 32);
}

static void test_defaults(apr_pool_t *p)
{
    cors_policy d;
    int f;

    cors_policy_defaults(p, &d, posix_match);
    UNIT_ROW("defaults");
    CHECK_INT(d.set, 0);
    for (f = 0; f < CORS_FIELDS; f++) {
        CHECK_NULL(cors_policy_where(&d, (cors_field)f));
    }
    CHECK_NULL(d.lines);
    CHECK_INT(d.engine, CORS_ENGINE_OFF);
    CHECK_NOT_NULL(d.origins);
    CHECK_INT(cors_origins_star(d.origins), 0);
    CHECK_STR(cors_list_joined(p, d.methods), "GET, HEAD, POST");
    CHECK_STR(cors_list_joined(p, d.allow_headers), "");
    CHECK_STR(cors_list_joined(p, d.expose_headers), "");
    CHECK_INT(d.credentials, 0);
    CHECK_NULL(d.max_age);
    CHECK_INT(d.private_network, 0);
    CHECK_INT(d.preflight_status, 204);
    CHECK_INT(d.passthrough, 0);
    CHECK_INT(d.bypass_auth, 1);
    CHECK_INT(d.reject, 0);
    CHECK_INT(d.cross_origin, 0);
}

/* A section: the defaults, then what its lines set. */
static cors_policy section(apr_pool_t *p)
{
    cors_policy s;

    cors_policy_defaults(p, &s, posix_match);
    return s;
}

static void test_merge(apr_pool_t *p)
{
    cors_policy parent = section(p), child = section(p), out;
    const cors_list *dflt_methods = parent.methods;

    /* Nothing set in the child: the parent whole. */
    UNIT_ROW("merge: empty child");
    parent.engine = CORS_ENGINE_ON;
    parent.set |= CORS_FIELD_BIT(CORS_FIELD_ENGINE);
    parent.reject = 1;
    parent.set |= CORS_FIELD_BIT(CORS_FIELD_REJECT);
    cors_policy_merge(p, &parent, &child, &out);
    CHECK_INT(out.engine, CORS_ENGINE_ON);
    CHECK_INT(out.reject, 1);
    CHECK_INT(out.set, parent.set);
    CHECK_INT(out.bypass_auth, 1);

    /* A flag the child sets wins, even when it sets the default. */
    UNIT_ROW("merge: child sets Off");
    child.reject = 0;
    child.set |= CORS_FIELD_BIT(CORS_FIELD_REJECT);
    child.max_age = "600";
    child.set |= CORS_FIELD_BIT(CORS_FIELD_MAX_AGE);
    cors_policy_merge(p, &parent, &child, &out);
    CHECK_INT(out.reject, 0);
    CHECK_INT(out.engine, CORS_ENGINE_ON);
    CHECK_STR(out.max_age, "600");
    CHECK_INT(out.set, parent.set | child.set);

    /* An edit list over a parent that never set the list stays on the
     * default it was made over; over a parent's list it is moved on. */
    UNIT_ROW("merge: edit over the default");
    child = section(p);
    child.methods = cors_list_make(p, 1, dflt_methods);
    cors_list_add(child.methods, "DELETE");
    cors_policy_mark(p, &child, CORS_FIELD_METHODS, &where_child);
    cors_policy_merge(p, &parent, &child, &out);
    CHECK(out.methods == child.methods);
    CHECK_STR(cors_list_joined(p, out.methods), "GET, HEAD, POST, DELETE");
    CHECK(cors_policy_where(&out, CORS_FIELD_METHODS) == &where_child);
    CHECK_NULL(out.lines);

    UNIT_ROW("merge: edit over the parent's list");
    parent.methods = cors_list_make(p, 0, NULL);
    cors_list_add(parent.methods, "PUT");
    cors_list_seal(p, parent.methods);
    cors_policy_mark(p, &parent, CORS_FIELD_METHODS, &where_parent);
    cors_policy_merge(p, &parent, &child, &out);
    CHECK_STR(cors_list_joined(p, out.methods), "PUT, DELETE");
    CHECK(cors_policy_where(&out, CORS_FIELD_METHODS) == &where_child);
    /* The child's own list is untouched by the merge. */
    CHECK_STR(cors_list_joined(p, child.methods), "GET, HEAD, POST, DELETE");

    UNIT_ROW("merge: a plain list replaces");
    child.methods = cors_list_make(p, 0, NULL);
    cors_list_add(child.methods, "PATCH");
    cors_list_seal(p, child.methods);
    cors_policy_merge(p, &parent, &child, &out);
    CHECK_STR(cors_list_joined(p, out.methods), "PATCH");

    UNIT_ROW("merge: CORSCrossOriginProtection inherited, then turned off");
    {
        cors_policy up = section(p), down = section(p), merged;
        up.cross_origin = 1;
        up.set |= CORS_FIELD_BIT(CORS_FIELD_CROSS_ORIGIN);
        cors_policy_merge(p, &up, &down, &merged);
        CHECK_INT(merged.cross_origin, 1);
        down.cross_origin = 0;
        down.set |= CORS_FIELD_BIT(CORS_FIELD_CROSS_ORIGIN);
        cors_policy_merge(p, &up, &down, &merged);
        CHECK_INT(merged.cross_origin, 0);
    }

    UNIT_ROW("merge: provenance of fields the child left alone");
    child = section(p);
    cors_policy_merge(p, &parent, &child, &out);
    CHECK(cors_policy_where(&out, CORS_FIELD_METHODS) == &where_parent);
    CHECK_NULL(cors_policy_where(&out, CORS_FIELD_CREDENTIALS));

    UNIT_ROW("merge: provenance through three levels");
    {
        static const cors_where where_grand = {"CORSAllowCredentials", "On",
                                               "grand.conf", 30};
        cors_policy grand = section(p), out2;
        grand.credentials = 1;
        cors_policy_mark(p, &grand, CORS_FIELD_CREDENTIALS, &where_grand);
        cors_policy_merge(p, &out, &grand, &out2);
        CHECK(cors_policy_where(&out2, CORS_FIELD_METHODS) == &where_parent);
        CHECK(cors_policy_where(&out2, CORS_FIELD_CREDENTIALS) == &where_grand);
        CHECK_NULL(cors_policy_where(&out2, CORS_FIELD_ENGINE));
        CHECK_INT(out2.credentials, 1);
    }
}

/* ------------------------------------------------------------------ */
/* What the module answers before the handler, and what the server did  */

static void decide_with(apr_pool_t *p, cors_policy *pol, const char *method,
                        const char *origin, const char *acrm, const char *self,
                        cors_verdict *v)
{
    cors_request req;

    memset(&req, 0, sizeof(req));
    req.method = method;
    req.origin = origin;
    req.request_method = acrm;
    req.self = self;
    cors_decide(p, pol, &req, v);
}

static void test_answers(apr_pool_t *p)
{
    cors_policy pol;
    cors_verdict v;

    cors_policy_defaults(p, &pol, posix_match);
    pol.origins = make_origins(p, "P:" O);
    pol.methods = make_list(p, "P:GET PUT");

    UNIT_ROW("allowed preflight: CORSPreflightStatus");
    decide_with(p, &pol, "OPTIONS", O, "PUT", NULL, &v);
    CHECK_INT(v.status, 204);
    CHECK_NULL(v.body);
    pol.preflight_status = 200;
    decide_with(p, &pol, "OPTIONS", O, "PUT", NULL, &v);
    CHECK_INT(v.status, 200);

    UNIT_ROW("refused preflight: 403 and its one line");
    decide_with(p, &pol, "OPTIONS", O, "DELETE", NULL, &v);
    CHECK_INT(v.status, 403);
    CHECK_STR(v.body, "CORS preflight refused: method 'DELETE' is not "
                      "allowed\n");

    UNIT_ROW("passthrough: the handler answers either way");
    pol.passthrough = 1;
    decide_with(p, &pol, "OPTIONS", O, "PUT", NULL, &v);
    CHECK_INT(v.status, 0);
    CHECK_INT(v.result, CORS_RESULT_PREFLIGHT_OK);
    decide_with(p, &pol, "OPTIONS", O, "DELETE", NULL, &v);
    CHECK_INT(v.status, 0);
    CHECK_INT(v.result, CORS_RESULT_PREFLIGHT_DENIED);
    pol.passthrough = 0;

    UNIT_ROW("actual requests pass to the handler without "
             "CORSRejectDisallowed");
    decide_with(p, &pol, "DELETE", "https://evil.example", NULL, NULL, &v);
    CHECK_INT(v.status, 0);
    CHECK_INT(v.result, CORS_RESULT_ACTUAL_DENIED);

    pol.reject = 1;
    UNIT_ROW("CORSRejectDisallowed: a disallowed origin gets 403, silenced");
    decide_with(p, &pol, "GET", "https://evil.example", NULL,
                "https://api.example", &v);
    CHECK_INT(v.status, 403);
    CHECK_INT(v.why, CORS_REASON_ORIGIN);
    CHECK_NULL(v.allow_origin);
    CHECK_NULL(v.allow);

    UNIT_ROW("CORSRejectDisallowed: a malformed origin gets 403");
    decide_with(p, &pol, "GET", "https://a.example/", NULL,
                "https://api.example", &v);
    CHECK_INT(v.status, 403);
    CHECK_INT(v.why, CORS_REASON_MALFORMED);

    UNIT_ROW("CORSRejectDisallowed: a method not allowed gets 405 + Allow");
    decide_with(p, &pol, "DELETE", O, NULL, "https://api.example", &v);
    CHECK_INT(v.status, 405);
    CHECK_INT(v.result, CORS_RESULT_ACTUAL_DENIED);
    CHECK_INT(v.why, CORS_REASON_METHOD);
    CHECK_STR(v.reason, "method 'DELETE' is not allowed");
    CHECK_STR(v.allow, "GET, HEAD, POST, OPTIONS, PUT");
    CHECK_STR(v.allow_origin, O); /* a 405 keeps its CORS headers */

    UNIT_ROW("CORSRejectDisallowed: allowed method and origin pass");
    decide_with(p, &pol, "PUT", O, NULL, "https://api.example", &v);
    CHECK_INT(v.status, 0);
    CHECK_INT(v.result, CORS_RESULT_ACTUAL_OK);

    UNIT_ROW("CORSRejectDisallowed: never same origin, never plain OPTIONS, "
             "never without Origin");
    decide_with(p, &pol, "DELETE", "https://API.example:443", NULL,
                "https://api.example", &v);
    CHECK_INT(v.status, 0);
    decide_with(p, &pol, "OPTIONS", "https://evil.example", NULL,
                "https://api.example", &v);
    CHECK_INT(v.status, 0);
    decide_with(p, &pol, "DELETE", NULL, NULL, "https://api.example", &v);
    CHECK_INT(v.status, 0);
    CHECK_INT(v.result, CORS_RESULT_NONE);
    UNIT_ROW("CORSRejectDisallowed: another port is another origin");
    decide_with(p, &pol, "GET", "https://api.example:8443", NULL,
                "https://api.example", &v);
    CHECK_INT(v.status, 403);
}

static void test_served(apr_pool_t *p)
{
    cors_policy pol;
    cors_verdict v;

    cors_policy_defaults(p, &pol, posix_match);
    pol.origins = make_origins(p, "P:" O);

    UNIT_ROW("a preflight the module answered stands");
    decide_with(p, &pol, "OPTIONS", O, "GET", NULL, &v);
    cors_verdict_served(p, &pol, &v, 1, 204, 0);
    CHECK_INT(v.result, CORS_RESULT_PREFLIGHT_OK);
    CHECK_STR(v.allow_origin, O);

    UNIT_ROW("a preflight the server refused first: denied, by the server");
    decide_with(p, &pol, "OPTIONS", O, "GET", NULL, &v);
    cors_verdict_served(p, &pol, &v, 0, 401, 0);
    CHECK_INT(v.result, CORS_RESULT_PREFLIGHT_DENIED);
    CHECK_INT(v.why, CORS_REASON_SERVER);
    CHECK_STR(v.reason, "the server answered the preflight with 401 before "
                        "mod_cors could");
    CHECK_NULL(v.allow_origin);
    CHECK_NULL(v.allow_methods);
    CHECK_STR(v.vary, CORS_VARY_PREFLIGHT);

    UNIT_ROW("a preflight the module refused keeps its reason");
    decide_with(p, &pol, "OPTIONS", "https://evil.example", "GET", NULL, &v);
    cors_verdict_served(p, &pol, &v, 0, 403, 1);
    CHECK_INT(v.why, CORS_REASON_ORIGIN);

    UNIT_ROW("passthrough: a 2xx from the handler stands, an error does not");
    pol.passthrough = 1;
    decide_with(p, &pol, "OPTIONS", O, "GET", NULL, &v);
    cors_verdict_served(p, &pol, &v, 0, 200, 0);
    CHECK_INT(v.result, CORS_RESULT_PREFLIGHT_OK);
    CHECK_STR(v.allow_origin, O);
    cors_verdict_served(p, &pol, &v, 0, 200, 1);
    CHECK_INT(v.result, CORS_RESULT_PREFLIGHT_DENIED);
    decide_with(p, &pol, "OPTIONS", O, "GET", NULL, &v);
    cors_verdict_served(p, &pol, &v, 0, 500, 0);
    CHECK_INT(v.why, CORS_REASON_SERVER);

    UNIT_ROW("actual requests are not touched");
    decide_with(p, &pol, "GET", O, NULL, NULL, &v);
    cors_verdict_served(p, &pol, &v, 0, 500, 1);
    CHECK_INT(v.result, CORS_RESULT_ACTUAL_OK);
    CHECK_STR(v.allow_origin, O);
}

int main(void)
{
    apr_pool_t *p;

    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        fprintf(stderr, "apr init failed\n");
        return 2;
    }
    cors_origin_init(p);

    test_verdicts(p);
    test_result_names();
    test_safelisted_methods();
    test_is_preflight();
    test_gate_and_bounds(p);
    test_cross_origin(p);
    test_cross_origin_verdict(p);
    test_origin_is_host();
    test_safe_methods();
    test_field_table();
    test_defaults(p);
    test_merge(p);
    test_answers(p);
    test_served(p);
    apr_pool_destroy(p);
    apr_terminate();
    return unit_done("test_policy");
}
