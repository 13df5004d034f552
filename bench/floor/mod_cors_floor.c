/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * mod_cors_floor: a test-only module for bench/httpd, never loaded by users.
 *
 * It answers a preflight and decorates an actual response with exactly the
 * headers mod_cors sends for the benchmark's policy, without deciding
 * anything: no origin check, no method or header check, no removal of other
 * modules' Access-Control-* headers, no CORS_RESULT.  It takes the same path
 * through Apache as mod_cors (a fixups hook that answers the preflight, an
 * output filter added by handle that writes the actual response's headers),
 * so what Apache charges for that path and for each header it sends is the
 * same in both.  The difference between the two is what mod_cors's policy
 * costs: the floor is the physical limit of any CORS module.
 *
 *   CORSFloor On    (per directory; Off by default)
 */

#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"
#include "apr_strings.h"

module AP_MODULE_DECLARE_DATA cors_floor_module;

static ap_filter_rec_t *floor_filter_handle;

/* The benchmark policy's fixed values (bench/httpd/run.sh, POLICY). */
#define FLOOR_METHODS "GET, POST, PUT, DELETE"
#define FLOOR_MAX_AGE "600"
#define FLOOR_VARY_PREFLIGHT                                                   \
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

typedef struct {
    int on; /* -1 unset */
} floor_conf;

static void *floor_create(apr_pool_t *p, char *dummy)
{
    floor_conf *c = apr_palloc(p, sizeof(*c));
    c->on = -1;
    return c;
}

static void *floor_merge(apr_pool_t *p, void *basev, void *addv)
{
    floor_conf *base = basev, *add = addv;
    floor_conf *c = apr_palloc(p, sizeof(*c));
    c->on = add->on != -1 ? add->on : base->on;
    return c;
}

static const char *floor_set(cmd_parms *cmd, void *dconf, int on)
{
    ((floor_conf *)dconf)->on = on;
    return NULL;
}

static const command_rec floor_cmds[] = {
    AP_INIT_FLAG("CORSFloor", floor_set, NULL, OR_FILEINFO,
                 "On to send the benchmark's CORS headers unconditionally"),
    {NULL}};

static int floor_on(const request_rec *r)
{
    const floor_conf *c =
        ap_get_module_config(r->per_dir_config, &cors_floor_module);
    return r->main == NULL && c->on == 1;
}

/* The preflight, answered in fixups as mod_cors answers it. */
static int floor_fixups(request_rec *r)
{
    const char *origin, *acrh;

    if (r->method_number != M_OPTIONS || !floor_on(r)
        || !(origin = apr_table_get(r->headers_in, "Origin"))
        || !apr_table_get(r->headers_in, "Access-Control-Request-Method")) {
        return DECLINED;
    }
    ap_discard_request_body(r);
    apr_table_setn(r->headers_out, "Access-Control-Allow-Origin", origin);
    apr_table_setn(r->headers_out, "Access-Control-Allow-Credentials",
                   "true");
    apr_table_setn(r->headers_out, "Access-Control-Allow-Methods",
                   FLOOR_METHODS);
    acrh = apr_table_get(r->headers_in, "Access-Control-Request-Headers");
    if (acrh) {
        apr_table_setn(r->headers_out, "Access-Control-Allow-Headers", acrh);
    }
    apr_table_setn(r->headers_out, "Access-Control-Max-Age", FLOOR_MAX_AGE);
    apr_table_mergen(r->headers_out, "Vary", FLOOR_VARY_PREFLIGHT);
    r->status = HTTP_NO_CONTENT;
    return DONE;
}

static apr_status_t floor_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;

    apr_table_setn(r->headers_out, "Access-Control-Allow-Origin", f->ctx);
    apr_table_setn(r->headers_out, "Access-Control-Allow-Credentials",
                   "true");
    apr_table_mergen(r->headers_out, "Vary", "Origin");
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static void floor_insert_filter(request_rec *r)
{
    const char *origin;

    if (floor_on(r) && (origin = apr_table_get(r->headers_in, "Origin"))) {
        ap_add_output_filter_handle(floor_filter_handle, (void *)origin, r,
                                    r->connection);
    }
}

static void floor_register_hooks(apr_pool_t *p)
{
    ap_hook_fixups(floor_fixups, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_insert_filter(floor_insert_filter, NULL, NULL, APR_HOOK_LAST);
    floor_filter_handle = ap_register_output_filter(
        "CORS_FLOOR", floor_filter, NULL, AP_FTYPE_CONTENT_SET - 2);
}

module AP_MODULE_DECLARE_DATA cors_floor_module = {
    STANDARD20_MODULE_STUFF,
    floor_create,       /* per-directory configuration: create */
    floor_merge,        /* per-directory configuration: merge */
    NULL,               /* per-server configuration: none */
    NULL,               /* per-server merge: none */
    floor_cmds,         /* the directive */
    floor_register_hooks /* hooks and the filter */
};
