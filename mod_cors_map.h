/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * mod_cors_map: the httpd side of CORSAllowOriginMap (docs/mod_cors.md,
 * "Maps"): reading text and DBM maps, reloading them when they change,
 * and asking a database through mod_dbd.  Part of mod_cors.so; the entries
 * themselves are checked by modules/cors_map.c.
 */

#ifndef MOD_CORS_MAP_H
#define MOD_CORS_MAP_H

#include "httpd.h"
#include "http_config.h"

#include "cors_origin.h"

/* How long a dbd: answer is reused by default (CORSAllowOriginMapTTL). */
#define CORS_MAP_TTL_DEFAULT 60

typedef struct cors_map cors_map;

/* What a lookup needs from the request: the request (mod_dbd hands out
 * connections per request) and the scope's CORSAllowOriginMapTTL. */
typedef struct cors_map_ctx {
    request_rec *r;
    int ttl;
} cors_map_ctx;

/* The <CORSPolicy NAME> a map entry names, as s sees it (mod_cors.c). */
const void *cors_map_policy_named(server_rec *s, const char *name);

/* CORSAllowOriginMap's argument: the map it names (one per argument and
 * virtual host, however many sections use it). */
const char *cors_map_directive(cmd_parms *cmd, const char *arg, cors_map **out);

/* cors_map_find_fn for every kind of map (ctx is a cors_map_ctx). */
int cors_map_find(void *ctx, const void *map, const char *value, apr_size_t len,
                  const cors_origin *origin, const void **policy);

/* Hooks: before the configuration is read; once it is read (every file
 * map is read and checked: a bad one stops start-up); in each child (the
 * thread that reloads changed files). */
void cors_map_pre_config(apr_pool_t *pconf);
int cors_map_check_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void cors_map_child_init(apr_pool_t *pchild, server_rec *s);

/* The status counters (mod_cors.c; docs/mod_cors.md, "Counters") of the
 * map's server: a version read again after a change; a version refused, a
 * database that cannot be asked, or a row naming no policy. */
void cors_count_map_reload(const server_rec *s);
void cors_count_map_error(const server_rec *s);

#endif /* MOD_CORS_MAP_H */
