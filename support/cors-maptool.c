/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 */

/*
 * cors-maptool: check a CORSAllowOriginMap file before the server sees it,
 * and build a DBM map from a text map (docs/mod_cors.md, "Maps").
 *
 *   cors-maptool check [--policies NAME,...] FILE
 *   cors-maptool check [--policies NAME,...] dbm[=TYPE]:FILE
 *   cors-maptool build [--policies NAME,...] FILE.txt FILE.dbm [TYPE]
 *
 * The entries are checked by the module's own code (modules/cors_map.c),
 * so a file this tool accepts is one the server accepts, with the same
 * messages.  The tool cannot see the server's <CORSPolicy> sections: with
 * --policies, a policy name outside the list is refused as the server
 * would refuse it; without, names are only checked for their form.
 *
 * Exit status: 0 the map is good (and, for build, written), 1 it is not
 * (every message on standard error), 2 usage or system errors.
 */

#include "apr_dbm.h"
#include "apr_file_io.h"
#include "apr_general.h"
#include "apr_hash.h"
#include "apr_strings.h"

#include "cors_map.h"
#include "cors_origin_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The --policies list (NULL: any well-formed name). */
static apr_hash_t *cors_tool_policies;

/* An APR error in words. */
static const char *cors_tool_error(apr_pool_t *p, apr_status_t rv)
{
    char buf[256];

    return apr_pstrdup(p, apr_strerror(rv, buf, sizeof(buf)));
}

/* Resolve a name: the name itself stands for its policy. */
static const void *cors_tool_resolve(void *ctx, const char *name)
{
    if (!cors_tool_policies) {
        return apr_pstrdup(ctx, name);
    }
    return apr_hash_get(cors_tool_policies, name, APR_HASH_KEY_STRING);
}

static int cors_tool_usage(void)
{
    fprintf(stderr,
            "usage: cors-maptool check [--policies NAME,...] FILE\n"
            "       cors-maptool check [--policies NAME,...] "
            "dbm[=TYPE]:FILE\n"
            "       cors-maptool build [--policies NAME,...] FILE.txt "
            "FILE.dbm [TYPE]\n"
            "Checks a CORSAllowOriginMap as mod_cors does (exit 1 on any "
            "bad entry),\nor builds a DBM map from a text map.  --policies "
            "lists the <CORSPolicy>\nnames the server has; without it, "
            "policy names are only checked for their form.\n");
    return 2;
}

/* Read a whole file; NULL with a message on failure. */
static char *cors_tool_slurp(apr_pool_t *p, const char *path, apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    char *text;

    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, p))
            != APR_SUCCESS
        || (rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f)) != APR_SUCCESS) {
        fprintf(stderr, "CORSAllowOriginMap: %s: cannot be read: %s\n", path,
                cors_tool_error(p, rv));
        return NULL;
    }
    text = apr_palloc(p, (apr_size_t)fi.size + 1);
    rv = apr_file_read_full(f, text, (apr_size_t)fi.size, len);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        fprintf(stderr, "CORSAllowOriginMap: %s: cannot be read: %s\n", path,
                cors_tool_error(p, rv));
        return NULL;
    }
    return text;
}

/* Check a text map as the module does; 0 good, 1 bad, 2 unreadable. */
static int cors_tool_check_txt(apr_pool_t *p, const char *path,
                               cors_map_index **idx)
{
    apr_size_t len;
    char *text = cors_tool_slurp(p, path, &len);
    cors_map_error err;
    const char *why;

    if (!text) {
        return 2;
    }
    if ((why = cors_map_text_complete(text, len)) != NULL) {
        fprintf(stderr, "CORSAllowOriginMap: %s: %s\n", path, why);
        return 1;
    }
    if (cors_map_index_build(p, text, len, cors_tool_resolve, p, idx, &err)) {
        if (err.line) {
            fprintf(stderr, "CORSAllowOriginMap: %s:%d: %s\n", path, err.line,
                    err.reason);
        }
        else {
            fprintf(stderr, "CORSAllowOriginMap: %s: %s\n", path, err.reason);
        }
        return 1;
    }
    return 0;
}

/* Check a DBM map as the module does: every pair an entry. */
static int cors_tool_check_dbm(apr_pool_t *p, const char *type,
                               const char *path)
{
    apr_dbm_t *db;
    apr_datum_t key, val;
    apr_status_t rv;
    apr_size_t n = 0, wild = 0;
    int bad = 0;

    if ((rv = apr_dbm_open_ex(&db, type, path, APR_DBM_READONLY, APR_OS_DEFAULT,
                              p))
        != APR_SUCCESS) {
        fprintf(stderr,
                "CORSAllowOriginMap: %s: cannot be opened as a %s DBM: %s\n",
                path, type, cors_tool_error(p, rv));
        return 2;
    }
    for (rv = apr_dbm_firstkey(db, &key); rv == APR_SUCCESS && key.dptr;
         rv = apr_dbm_nextkey(db, &key)) {
        cors_map_entry e;
        const char *why;
        if ((rv = apr_dbm_fetch(db, key, &val)) != APR_SUCCESS) {
            break;
        }
        why = cors_map_parse_pair(p, key.dptr, key.dsize,
                                  val.dptr ? val.dptr : "",
                                  val.dptr ? val.dsize : 0, &e);
        if (!why && e.policy && !cors_tool_resolve(p, e.policy)) {
            why = apr_psprintf(p,
                               "'%s' names no <CORSPolicy> of this virtual "
                               "host or the server config",
                               e.policy);
        }
        if (why) {
            fprintf(stderr, "CORSAllowOriginMap: %s: key '%.*s': %s\n", path,
                    (int)(key.dsize > 200 ? 200 : key.dsize), key.dptr, why);
            bad = 1;
            break;
        }
        n++;
        wild += strchr(e.key, '*') != NULL;
    }
    apr_dbm_close(db);
    if (bad) {
        return 1;
    }
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "CORSAllowOriginMap: %s: cannot be read as a %s DBM\n",
                path, type);
        return 2;
    }
    printf("%s: %lu entries, %lu wildcards\n", path, (unsigned long)n,
           (unsigned long)wild);
    return 0;
}

/*
 * Build FILE.dbm from a good text map: written under temporary names and
 * renamed into place, so a server never opens half a file (with two-file
 * types such as sdbm, each file is renamed on its own).
 */
static int cors_tool_build(apr_pool_t *p, const char *txt, const char *out,
                           const char *type)
{
    cors_map_index *idx;
    const char *tmp =
        apr_psprintf(p, "%s.tmp%lu", out, (unsigned long)getpid());
    const char *tmp1, *tmp2, *out1, *out2;
    apr_size_t len, n = 0;
    char *text, *s, *end;
    apr_dbm_t *db;
    apr_status_t rv;
    int rc, line = 0;

    if ((rc = cors_tool_check_txt(p, txt, &idx)) != 0) {
        return rc;
    }
    if (apr_dbm_get_usednames_ex(p, type, tmp, &tmp1, &tmp2) != APR_SUCCESS
        || apr_dbm_get_usednames_ex(p, type, out, &out1, &out2)
               != APR_SUCCESS) {
        fprintf(stderr,
                "cors-maptool: '%s' is not a DBM type apr-util has "
                "here (try default, db, gdbm or sdbm)\n",
                type);
        return 2;
    }
    /* A fresh file: Berkeley DB refuses to truncate one that is not
     * there, so the leftovers of an earlier run go first. */
    apr_file_remove(tmp1, p);
    if (tmp2) {
        apr_file_remove(tmp2, p);
    }
    if ((rv = apr_dbm_open_ex(&db, type, tmp, APR_DBM_RWCREATE, APR_OS_DEFAULT,
                              p))
        != APR_SUCCESS) {
        fprintf(stderr, "cors-maptool: %s: cannot be written: %s\n", tmp,
                cors_tool_error(p, rv));
        return 2;
    }
    text = cors_tool_slurp(p, txt, &len);
    for (s = text, end = text + len; s < end; line++) {
        char *nl = memchr(s, '\n', (apr_size_t)(end - s));
        cors_map_entry e;
        apr_datum_t k, v;
        cors_map_parse_line(p, s, (apr_size_t)((nl ? nl : end) - s), &e);
        s = nl ? nl + 1 : end;
        if (!e.key) {
            continue;
        }
        k.dptr = (char *)e.key;
        k.dsize = strlen(e.key);
        v.dptr = (char *)(e.policy ? e.policy : CORS_MAP_NO_POLICY);
        v.dsize = strlen(v.dptr);
        if ((rv = apr_dbm_store(db, k, v)) != APR_SUCCESS) {
            fprintf(stderr, "cors-maptool: %s: cannot store '%s': %s\n", tmp,
                    e.key, cors_tool_error(p, rv));
            apr_dbm_close(db);
            return 2;
        }
        n++;
    }
    apr_dbm_close(db);
    /* Readable by the server's user, whatever the umask. */
    apr_file_perms_set(tmp1, APR_FPROT_UREAD | APR_FPROT_UWRITE
                                 | APR_FPROT_GREAD | APR_FPROT_WREAD);
    if (tmp2) {
        apr_file_perms_set(tmp2, APR_FPROT_UREAD | APR_FPROT_UWRITE
                                     | APR_FPROT_GREAD | APR_FPROT_WREAD);
    }
    if ((rv = apr_file_rename(tmp1, out1, p)) != APR_SUCCESS
        || (tmp2 && (rv = apr_file_rename(tmp2, out2, p)) != APR_SUCCESS)) {
        fprintf(stderr, "cors-maptool: cannot rename %s to %s: %s\n", tmp, out,
                cors_tool_error(p, rv));
        return 2;
    }
    printf("%s: %lu entries written from %s (%s)\n", out, (unsigned long)n, txt,
           type);
    return 0;
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *p;
    const char *cmd, *policies = NULL;
    int i = 1, rc;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS
        || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        fprintf(stderr, "cors-maptool: cannot initialise APR\n");
        return 2;
    }
    atexit(apr_terminate);
    if (argc < 2) {
        return cors_tool_usage();
    }
    cmd = argv[i++];
    if (i < argc && strncmp(argv[i], "--policies", 10) == 0) {
        if (argv[i][10] == '=') {
            policies = argv[i] + 11;
        }
        else if (!argv[i][10] && i + 1 < argc) {
            policies = argv[++i];
        }
        else {
            return cors_tool_usage();
        }
        i++;
    }
    if (policies) {
        char *copy = apr_pstrdup(p, policies), *tok, *state = NULL;
        cors_tool_policies = apr_hash_make(p);
        for (tok = apr_strtok(copy, ", ", &state); tok;
             tok = apr_strtok(NULL, ", ", &state)) {
            const char *why = cors_map_check_policy(p, tok, strlen(tok));
            if (why) {
                fprintf(stderr, "cors-maptool: --policies: %s\n", why);
                return 2;
            }
            apr_hash_set(cors_tool_policies, tok, APR_HASH_KEY_STRING, tok);
        }
    }
    /* The Public Suffix List, as the module loads it at start-up. */
    cors_origin_init(p);

    if (strcmp(cmd, "check") == 0 && i + 1 == argc) {
        const char *arg = argv[i];
        if (strncmp(arg, "dbm:", 4) == 0) {
            return cors_tool_check_dbm(p, "default", arg + 4);
        }
        if (strncmp(arg, "dbm=", 4) == 0 && strchr(arg + 4, ':')) {
            const char *colon = strchr(arg + 4, ':');
            return cors_tool_check_dbm(
                p, apr_pstrmemdup(p, arg + 4, (apr_size_t)(colon - arg - 4)),
                colon + 1);
        }
        if (strncmp(arg, "txt:", 4) == 0) {
            arg += 4;
        }
        {
            cors_map_index *idx;
            if ((rc = cors_tool_check_txt(p, arg, &idx)) == 0) {
                printf("%s: %lu entries, %lu wildcards%s\n", arg,
                       (unsigned long)cors_map_index_count(idx),
                       (unsigned long)cors_map_index_wildcards(idx),
                       cors_tool_policies ? ""
                                          : " (policy names not checked: "
                                            "give --policies)");
            }
            return rc;
        }
    }
    if (strcmp(cmd, "build") == 0 && (i + 2 == argc || i + 3 == argc)) {
        return cors_tool_build(p, argv[i], argv[i + 1],
                               i + 3 == argc ? argv[i + 2] : "default");
    }
    return cors_tool_usage();
}
