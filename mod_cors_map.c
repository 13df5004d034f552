/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 */

/*
 * mod_cors_map: origin maps (docs/mod_cors.md, "Maps").
 *
 *  - txt: the whole file is read into an index (modules/cors_map.c) once
 *    per version.  dbm: the file is checked whole once per version and
 *    looked up per origin, each answer kept until the file changes.
 *  - A version is immutable and reference-counted.  Requests take the
 *    current one with atomic operations only.  A thread of each process
 *    (started in child_init under threaded MPMs, under prefork by the
 *    first request that sees a file changed) looks at the
 *    files' modification times once a second, reads a changed file off the
 *    request path, and swaps the new version in only when every entry
 *    passed.  A refused version leaves
 *    the last good one in force.  The old version is freed by that thread
 *    once no request holds it.  Under prefork each process does the same
 *    for itself.
 *  - dbd: a statement prepared through mod_dbd (as mod_rewrite's dbd:
 *    RewriteMap does), one query per key, answers (found or not) kept per
 *    process for CORSAllowOriginMapTTL seconds, and past it while the
 *    database cannot be reached.
 */

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_main.h"
#include "http_request.h"
#include "http_core.h"
#include "ap_mpm.h"

#include "apr_atomic.h"
#include "apr_dbd.h"
#include "apr_dbm.h"
#include "apr_file_info.h"
#include "apr_file_io.h"
#include "apr_hash.h"
#include "apr_optional.h"
#include "apr_shm.h"
#include "apr_strings.h"
#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"
#include "apr_thread_proc.h"

#include "mod_dbd.h" /* after apr_dbd.h, whose types it uses */

#include "cors_map.h"
#include "mod_cors_map.h"

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

APLOG_USE_MODULE(cors);

typedef enum { CORS_MAP_TXT, CORS_MAP_DBM, CORS_MAP_DBD } cors_map_type;

/* A text map is read whole into memory; beyond this, use dbm: or dbd:. */
#define CORS_MAP_TXT_MAX ((apr_off_t)1 << 30)

/* Answers kept per map and process (dbm: and dbd:). */
#define CORS_MAP_ANSWERS_MAX 100000

/* Database errors are logged at most this often per map. */
#define CORS_MAP_DBD_ERROR_EVERY 10

/* What identifies the contents of a file without reading it. */
typedef struct {
    apr_status_t status; /* of stat: APR_SUCCESS, or why it failed */
    apr_time_t mtime;
    apr_off_t size;
    apr_ino_t inode;
    apr_dev_t device;
} cors_map_stamp;

/* Answers for origins (dbm: until the file changes; dbd: for the TTL),
 * keyed by the bytes looked up. */
typedef struct {
    apr_time_t fetched;
    const void *policy;
    int found;
} cors_answer;

typedef struct {
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;
#endif
    apr_pool_t *pool;
    apr_hash_t *table; /* key -> cors_answer (key and answer in one block) */
    unsigned count;
} cors_answers;

/* One version of a txt: or dbm: map. */
typedef struct cors_map_version {
    apr_pool_t *pool;           /* everything below; its own allocator */
    volatile apr_uint32_t refs; /* requests using it */
    cors_map_stamp stamp[2];    /* of the file(s) it was read from */
    apr_time_t loaded;
    apr_size_t entries;
    cors_map_index *index; /* txt */
    /* dbm: */
    apr_size_t wildcards; /* entries with a wildcard key */
    apr_hash_t *policies; /* name -> policy, every name it holds */
    apr_dbm_t *db;        /* opened in the process that looks up */
    pid_t db_pid;
    cors_answers answers;
    struct cors_map_version *next_retired;
} cors_map_version;

struct cors_map {
    cors_map_type type;
    const char *arg;       /* as written, for messages */
    const char *path;      /* txt, dbm: the file */
    const char *dbm_type;  /* dbm: apr-util's name, "default" */
    const char *files[2];  /* dbm: the files apr-util makes of path */
    const char *query;     /* dbd: the statement */
    const char *label;     /* dbd: mod_dbd's name for it */
    server_rec *server;    /* whose <CORSPolicy> the entries name */
    const char *conf_file; /* where the directive is */
    int conf_line;
    void *volatile current;        /* cors_map_version *, txt and dbm */
    volatile apr_uint32_t readers; /* requests between reading current and
                                    * taking their reference */
    cors_map_stamp refused[2];     /* the last version refused, not to log it
                                    * again until the file changes */
    volatile apr_uint32_t *said;   /* the last refused version logged by any
                                    * process (cors_map_said) */
    apr_uint32_t said_here;        /* ... where shared memory is missing */
    cors_answers *answers;         /* dbd, per process */
    volatile apr_uint32_t error_logged;   /* second of the last error of
                                           * the file or database logged */
    volatile apr_uint32_t bad_row_logged; /* dbd: and of a bad row */
    volatile apr_uint32_t watched;        /* txt, dbm: second of the last look
                                           * from a request (cors_map_watch) */
};

/* The maps of this configuration, for start-up and the reload thread.
 * Made in pre_config from pconf; read-only once the children run. */
static apr_array_header_t *cors_maps; /* cors_map * */
static apr_hash_t *cors_maps_by_arg;  /* "server|arg" -> cors_map */
static apr_hash_t *cors_map_labels;   /* dbd: query -> mod_dbd label */

/* mod_dbd, when loaded. */
static APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) * cors_dbd_prepare;
static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) * cors_dbd_acquire;

/* Versions swapped out, freed by the reload thread once unused. */
static cors_map_version *cors_retired;
static volatile apr_uint32_t cors_reloader_stop;

/* ---------------------------------------------------------------------- */
/* Configuration                                                           */

void cors_map_pre_config(apr_pool_t *pconf)
{
    cors_maps = apr_array_make(pconf, 4, sizeof(cors_map *));
    cors_maps_by_arg = apr_hash_make(pconf);
    cors_map_labels = apr_hash_make(pconf);
    cors_dbd_prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    cors_dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
}

/* Exactly one %s, the origin key; no other conversion. */
static const char *cors_map_check_query(cmd_parms *cmd, const char *query)
{
    const char *s;
    int keys = 0;

    for (s = query; (s = strchr(s, '%')) != NULL; s += 2) {
        if (s[1] == 's') {
            keys++;
        }
        else if (s[1] != '%') {
            return apr_psprintf(cmd->pool,
                                "CORSAllowOriginMap: the query '%s' has "
                                "'%%%c': only one %%s, for the origin, is "
                                "allowed",
                                query, s[1] ? s[1] : ' ');
        }
    }
    if (keys != 1) {
        return apr_psprintf(cmd->pool,
                            "CORSAllowOriginMap: the query '%s' must have "
                            "exactly one %%s, for the origin",
                            query);
    }
    return NULL;
}

const char *cors_map_directive(cmd_parms *cmd, const char *arg, cors_map **out)
{
    const char *key =
        apr_psprintf(cmd->temp_pool, "%pp|%s", (void *)cmd->server, arg);
    cors_map *m = apr_hash_get(cors_maps_by_arg, key, APR_HASH_KEY_STRING);
    const char *rest, *err;

    if (m) {
        *out = m;
        return NULL;
    }
    m = apr_pcalloc(cmd->pool, sizeof(*m));
    m->arg = apr_pstrdup(cmd->pool, arg);
    m->server = cmd->server;
    m->conf_file = cmd->directive ? cmd->directive->filename : "?";
    m->conf_line = cmd->directive ? cmd->directive->line_num : 0;

    if (strncasecmp(arg, "txt:", 4) == 0) {
        m->type = CORS_MAP_TXT;
        rest = arg + 4;
    }
    else if (strncasecmp(arg, "dbm:", 4) == 0) {
        m->type = CORS_MAP_DBM;
        m->dbm_type = "default";
        rest = arg + 4;
    }
    else if (strncasecmp(arg, "dbm=", 4) == 0 && strchr(arg + 4, ':')) {
        const char *colon = strchr(arg + 4, ':');
        m->type = CORS_MAP_DBM;
        m->dbm_type =
            apr_pstrmemdup(cmd->pool, arg + 4, (apr_size_t)(colon - (arg + 4)));
        rest = colon + 1;
    }
    else if (strncasecmp(arg, "dbd:", 4) == 0) {
        m->type = CORS_MAP_DBD;
        rest = arg + 4;
    }
    else {
        return apr_psprintf(cmd->pool,
                            "CORSAllowOriginMap: '%s' is not a map: write "
                            "txt:PATH, dbm:PATH, dbm=TYPE:PATH or dbd:QUERY",
                            arg);
    }
    if (!*rest) {
        return apr_psprintf(cmd->pool, "CORSAllowOriginMap: '%s' names no %s",
                            arg, m->type == CORS_MAP_DBD ? "query" : "file");
    }

    if (m->type == CORS_MAP_DBD) {
        if ((err = cors_map_check_query(cmd, rest)) != NULL) {
            return err;
        }
        if (!cors_dbd_prepare || !cors_dbd_acquire) {
            return apr_psprintf(cmd->pool,
                                "CORSAllowOriginMap: '%s' needs mod_dbd "
                                "(LoadModule dbd_module, and DBDriver and "
                                "DBDParams for the database)",
                                arg);
        }
        m->query = apr_pstrdup(cmd->pool, rest);
        /* mod_dbd's label is the statement's name in the database
         * (PostgreSQL's PREPARE name AS ...): an identifier, one per
         * distinct query across the configuration. */
        if (!(m->label = apr_hash_get(cors_map_labels, m->query,
                                      APR_HASH_KEY_STRING))) {
            m->label = apr_psprintf(cmd->pool, "mod_cors_map_%u",
                                    apr_hash_count(cors_map_labels) + 1);
            apr_hash_set(cors_map_labels, m->query, APR_HASH_KEY_STRING,
                         m->label);
        }
        cors_dbd_prepare(cmd->server, m->query, m->label);
    }
    else {
        if (!(m->path = ap_server_root_relative(cmd->pool, rest))) {
            return apr_psprintf(cmd->pool,
                                "CORSAllowOriginMap: '%s' is not a valid "
                                "path",
                                rest);
        }
        m->files[0] = m->path;
        if (m->type == CORS_MAP_DBM
            && apr_dbm_get_usednames_ex(cmd->pool, m->dbm_type, m->path,
                                        &m->files[0], &m->files[1])
                   != APR_SUCCESS) {
            return apr_psprintf(cmd->pool,
                                "CORSAllowOriginMap: '%s': '%s' is not a "
                                "DBM type apr-util has here (try default, "
                                "db, gdbm or sdbm)",
                                arg, m->dbm_type);
        }
    }
    apr_hash_set(cors_maps_by_arg, apr_pstrdup(cmd->pool, key),
                 APR_HASH_KEY_STRING, m);
    APR_ARRAY_PUSH(cors_maps, cors_map *) = m;
    *out = m;
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Answers                                                                 */

static void cors_answers_init(cors_answers *a, apr_pool_t *p)
{
    apr_pool_create(&a->pool, p);
#if APR_HAS_THREADS
    apr_thread_mutex_create(&a->lock, APR_THREAD_MUTEX_DEFAULT, p);
#endif
    a->table = apr_hash_make(a->pool);
    a->count = 0;
}

static void cors_answers_lock(cors_answers *a)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(a->lock);
#endif
}

static void cors_answers_unlock(cors_answers *a)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(a->lock);
#endif
}

/* The answer for key, copied out; 0 when there is none.  Caller locks. */
static int cors_answers_get(cors_answers *a, const char *key, apr_size_t len,
                            cors_answer *out)
{
    const cors_answer *got = apr_hash_get(a->table, key, (apr_ssize_t)len);

    if (!got) {
        return 0;
    }
    *out = *got;
    return 1;
}

/*
 * Keep an answer.  When the table is full, answers older than max_age go
 * first; if none can, the answer is not kept (the table never grows past
 * its bound, whatever origins requests bring).  Caller locks.
 */
static void cors_answers_put(cors_answers *a, const char *key, apr_size_t len,
                             const cors_answer *ans, apr_time_t max_age)
{
    cors_answer *slot = apr_hash_get(a->table, key, (apr_ssize_t)len);
    char *copy;

    if (slot) {
        *slot = *ans;
        return;
    }
    if (a->count >= CORS_MAP_ANSWERS_MAX) {
        apr_hash_index_t *hi;
        for (hi = apr_hash_first(NULL, a->table); hi; hi = apr_hash_next(hi)) {
            const void *k;
            apr_ssize_t klen;
            void *v;
            apr_hash_this(hi, &k, &klen, &v);
            if (ans->fetched - ((cors_answer *)v)->fetched > max_age) {
                apr_hash_set(a->table, k, klen, NULL);
                free(v);
                a->count--;
            }
        }
        if (a->count >= CORS_MAP_ANSWERS_MAX) {
            return;
        }
    }
    if (!(slot = malloc(sizeof(*slot) + len))) {
        return;
    }
    *slot = *ans;
    copy = (char *)(slot + 1);
    memcpy(copy, key, len);
    apr_hash_set(a->table, copy, (apr_ssize_t)len, slot);
    a->count++;
}

static void cors_answers_free(cors_answers *a)
{
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(NULL, a->table); hi; hi = apr_hash_next(hi)) {
        void *v;
        apr_hash_this(hi, NULL, NULL, &v);
        free(v);
    }
}

/* ---------------------------------------------------------------------- */
/* Reading a version                                                       */

static void cors_map_stamp_of(apr_pool_t *p, const char *file,
                              cors_map_stamp *st)
{
    apr_finfo_t fi;

    memset(st, 0, sizeof(*st));
    if (!file) {
        return;
    }
    st->status = apr_stat(
        &fi, file,
        APR_FINFO_MTIME | APR_FINFO_SIZE | APR_FINFO_INODE | APR_FINFO_DEV, p);
    if (st->status == APR_INCOMPLETE) {
        st->status = APR_SUCCESS;
    }
    if (st->status == APR_SUCCESS) {
        st->mtime = fi.mtime;
        st->size = fi.size;
        st->inode = fi.inode;
        st->device = fi.device;
    }
}

static int cors_map_stamp_same(const cors_map_stamp *a, const cors_map_stamp *b)
{
    return a->status == b->status && a->mtime == b->mtime && a->size == b->size
           && a->inode == b->inode && a->device == b->device;
}

static apr_status_t cors_map_version_cleanup(void *data)
{
    cors_map_version *v = data;

    /* Only this process's own handle (see cors_map_dbm_fetch). */
    if (v->db && v->db_pid == getpid()) {
        apr_dbm_close(v->db);
        v->db = NULL;
    }
    cors_answers_free(&v->answers);
    return APR_SUCCESS;
}

/* A new, empty version with a pool (and allocator) of its own, so that
 * freeing it gives its memory back whatever else the process allocates. */
static cors_map_version *cors_map_version_make(void)
{
    apr_allocator_t *alloc;
    apr_pool_t *vp;
    cors_map_version *v;

    if (apr_allocator_create(&alloc) != APR_SUCCESS) {
        return NULL;
    }
    if (apr_pool_create_unmanaged_ex(&vp, NULL, alloc) != APR_SUCCESS) {
        apr_allocator_destroy(alloc);
        return NULL;
    }
    apr_allocator_owner_set(alloc, vp);
    v = apr_pcalloc(vp, sizeof(*v));
    v->pool = vp;
    cors_answers_init(&v->answers, vp);
    apr_pool_cleanup_register(vp, v, cors_map_version_cleanup,
                              apr_pool_cleanup_null);
    return v;
}

static void cors_map_version_free(cors_map_version *v)
{
    apr_pool_destroy(v->pool);
}

static const void *cors_map_resolve(void *ctx, const char *name)
{
    return cors_map_policy_named(((cors_map *)ctx)->server, name);
}

/*
 * Read a text map into v.  NULL on success; otherwise the message, naming
 * the file and, for a bad entry, the line.  A file that changes while it
 * is read comes back with *again set: read it at the next look.
 */
static const char *cors_map_read_txt(cors_map *m, cors_map_version *v,
                                     apr_pool_t *ptemp, int *again)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    apr_size_t got;
    cors_map_error err;
    const char *why;
    char *text;

    *again = 0;
    cors_map_stamp_of(ptemp, m->path, &v->stamp[0]);
    if ((rv = apr_file_open(&f, m->path, APR_FOPEN_READ, APR_OS_DEFAULT, ptemp))
        != APR_SUCCESS) {
        return apr_psprintf(ptemp, "%s: cannot be read: %pm", m->path, &rv);
    }
    if ((rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_TYPE, f))
        != APR_SUCCESS) {
        apr_file_close(f);
        return apr_psprintf(ptemp, "%s: cannot be read: %pm", m->path, &rv);
    }
    if (fi.filetype != APR_REG) {
        apr_file_close(f);
        return apr_psprintf(ptemp, "%s: is not a regular file", m->path);
    }
    if (fi.size > CORS_MAP_TXT_MAX) {
        apr_file_close(f);
        return apr_psprintf(ptemp,
                            "%s: is larger than 1 GiB, too large for a text "
                            "map (use a dbm: map)",
                            m->path);
    }
    if (!(text = malloc(fi.size ? (apr_size_t)fi.size : 1))) {
        apr_file_close(f);
        return apr_psprintf(ptemp, "%s: out of memory", m->path);
    }
    rv = apr_file_read_full(f, text, (apr_size_t)fi.size, &got);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        free(text);
        return apr_psprintf(ptemp, "%s: cannot be read: %pm", m->path, &rv);
    }
    /* Changed while it was read (a writer that is not done yet): look
     * again later rather than judge half a file. */
    {
        cors_map_stamp after;
        cors_map_stamp_of(ptemp, m->path, &after);
        if (got != (apr_size_t)fi.size
            || !cors_map_stamp_same(&after, &v->stamp[0])) {
            free(text);
            *again = 1;
            return apr_psprintf(ptemp, "%s: changed while it was read",
                                m->path);
        }
    }
    if ((why = cors_map_text_complete(text, got)) != NULL) {
        free(text);
        return apr_psprintf(ptemp, "%s: %s", m->path, why);
    }
    why = cors_map_index_build(v->pool, text, got, cors_map_resolve, m,
                               &v->index, &err);
    free(text);
    if (why) {
        return err.line
                   ? apr_psprintf(ptemp, "%s:%d: %s", m->path, err.line, why)
                   : apr_psprintf(ptemp, "%s: %s", m->path, why);
    }
    v->entries = cors_map_index_count(v->index);
    return NULL;
}

/* Open a DBM map read-only, in v's pool. */
static apr_status_t cors_map_dbm_open(cors_map *m, cors_map_version *v,
                                      apr_dbm_t **db)
{
    return apr_dbm_open_ex(db, m->dbm_type, m->path, APR_DBM_READONLY,
                           APR_OS_DEFAULT, v->pool);
}

/*
 * The handle of a version read before the children were forked is the
 * parent's, which a child must not share (its file offset and buffers are
 * the parent's): the child opens the file again, and uses it only if it is
 * still the file that was checked.  If it was replaced in between, the
 * version has no handle in this process, and its origins are refused until
 * the reload thread has read the new file.  APR_SUCCESS when v has a
 * handle of this process.
 */
static apr_status_t cors_map_dbm_reopen(cors_map *m, cors_map_version *v)
{
    cors_map_stamp now[2];
    apr_dbm_t *db;
    pid_t pid = getpid();
    apr_status_t rv;

    if (v->db && v->db_pid == pid) {
        return APR_SUCCESS;
    }
    if ((rv = cors_map_dbm_open(m, v, &db)) != APR_SUCCESS) {
        return rv;
    }
    cors_map_stamp_of(v->pool, m->files[0], &now[0]);
    cors_map_stamp_of(v->pool, m->files[1], &now[1]);
    if (!cors_map_stamp_same(&now[0], &v->stamp[0])
        || !cors_map_stamp_same(&now[1], &v->stamp[1])) {
        apr_dbm_close(db);
        return APR_EGENERAL;
    }
    v->db = db;
    v->db_pid = pid;
    return APR_SUCCESS;
}

/*
 * Check a DBM map whole: every key and value must be an entry, and every
 * policy known.  The entries stay in the file; v keeps the policies and
 * whether any key is a wildcard.
 */
static const char *cors_map_read_dbm(cors_map *m, cors_map_version *v,
                                     apr_pool_t *ptemp, int *again)
{
    apr_dbm_t *db;
    apr_datum_t key, val;
    apr_status_t rv;
    apr_pool_t *scratch;
    const char *why = NULL;
    cors_map_stamp after[2];

    *again = 0;
    cors_map_stamp_of(ptemp, m->files[0], &v->stamp[0]);
    cors_map_stamp_of(ptemp, m->files[1], &v->stamp[1]);
    if (v->stamp[0].status != APR_SUCCESS) {
        return apr_psprintf(ptemp, "%s: cannot be read: %pm", m->files[0],
                            &v->stamp[0].status);
    }
    if ((rv = cors_map_dbm_open(m, v, &db)) != APR_SUCCESS) {
        return apr_psprintf(ptemp, "%s: cannot be opened as a %s DBM: %pm",
                            m->path, m->dbm_type, &rv);
    }
    v->policies = apr_hash_make(v->pool);
    apr_pool_create(&scratch, ptemp);
    for (rv = apr_dbm_firstkey(db, &key); rv == APR_SUCCESS && key.dptr;
         rv = apr_dbm_nextkey(db, &key)) {
        cors_map_entry e;
        if (++v->entries % 4096 == 0) {
            apr_pool_clear(scratch);
        }
        if ((rv = apr_dbm_fetch(db, key, &val)) != APR_SUCCESS) {
            break;
        }
        why = cors_map_parse_pair(scratch, key.dptr, key.dsize,
                                  val.dptr ? val.dptr : "",
                                  val.dptr ? val.dsize : 0, &e);
        apr_dbm_freedatum(db, val);
        if (why) {
            why = apr_psprintf(ptemp, "%s: key '%.*s': %s", m->path,
                               (int)(key.dsize > 200 ? 200 : key.dsize),
                               key.dptr, why);
            break;
        }
        if (strchr(e.key, '*')) {
            v->wildcards++;
        }
        if (e.policy
            && !apr_hash_get(v->policies, e.policy, APR_HASH_KEY_STRING)) {
            const void *pol = cors_map_resolve(m, e.policy);
            if (!pol) {
                why = apr_psprintf(ptemp,
                                   "%s: key '%s': '%s' names no "
                                   "<CORSPolicy> of this virtual host or "
                                   "the server config",
                                   m->path, e.key, e.policy);
                break;
            }
            apr_hash_set(v->policies, apr_pstrdup(v->pool, e.policy),
                         APR_HASH_KEY_STRING, pol);
        }
    }
    if (!why && rv != APR_SUCCESS) {
        char buf[200];
        why = apr_psprintf(ptemp, "%s: cannot be read as a %s DBM: %s", m->path,
                           m->dbm_type,
                           apr_dbm_geterror(db, NULL, buf, sizeof(buf)));
    }
    apr_pool_destroy(scratch);
    if (why) {
        apr_dbm_close(db);
        return why;
    }
    /* The file checked is the one looked up: the handle stays open for
     * this process (the file may be replaced by the time of a lookup). */
    v->db = db;
    v->db_pid = getpid();
    cors_map_stamp_of(ptemp, m->files[0], &after[0]);
    cors_map_stamp_of(ptemp, m->files[1], &after[1]);
    if (!cors_map_stamp_same(&after[0], &v->stamp[0])
        || !cors_map_stamp_same(&after[1], &v->stamp[1])) {
        *again = 1;
        return apr_psprintf(ptemp, "%s: changed while it was read", m->path);
    }
    return NULL;
}

/* A new version of m, or NULL with *why (and *again, see above). */
static cors_map_version *cors_map_read(cors_map *m, apr_pool_t *ptemp,
                                       const char **why, int *again)
{
    cors_map_version *v = cors_map_version_make();

    if (!v) {
        *why = apr_psprintf(ptemp, "%s: out of memory", m->path);
        *again = 0;
        return NULL;
    }
    *why = m->type == CORS_MAP_TXT ? cors_map_read_txt(m, v, ptemp, again)
                                   : cors_map_read_dbm(m, v, ptemp, again);
    if (*why) {
        cors_map_version_free(v);
        return NULL;
    }
    v->loaded = apr_time_now();
    return v;
}

/* ---------------------------------------------------------------------- */
/* Versions in use                                                          */

/*
 * The current version, with a reference.  readers counts requests between
 * reading the pointer and taking the reference, so that the thread that
 * swaps versions knows when no request can still take one on the old.
 */
static cors_map_version *cors_map_acquire(cors_map *m)
{
    cors_map_version *v;

    apr_atomic_inc32(&m->readers);
    v = apr_atomic_casptr((volatile void **)&m->current, NULL, NULL);
    apr_atomic_inc32(&v->refs);
    apr_atomic_dec32(&m->readers);
    return v;
}

static void cors_map_release(cors_map_version *v)
{
    apr_atomic_dec32(&v->refs);
}

/* Put v in force; the old version is freed once no request uses it. */
static void cors_map_swap(cors_map *m, cors_map_version *v)
{
    cors_map_version *old =
        apr_atomic_xchgptr((volatile void **)&m->current, v);

    while (apr_atomic_read32(&m->readers)) {
        apr_sleep(apr_time_from_msec(1));
    }
    if (old) {
        old->next_retired = cors_retired;
        cors_retired = old;
    }
}

/*
 * Give the memory of a reload back to the system.  glibc raises its mmap
 * threshold to the size of the largest block freed (up to 32 MiB), so after
 * the first reload a text map's file buffer and the index's work areas come
 * from the thread's heap, and stay in the process once freed (about 60
 * bytes per entry for a large map) unless trimmed.
 */
static void cors_map_trim(void)
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

static void cors_map_free_retired(void)
{
    cors_map_version **vp = &cors_retired;

    while (*vp) {
        cors_map_version *v = *vp;
        if (apr_atomic_read32(&v->refs) == 0) {
            *vp = v->next_retired;
            cors_map_version_free(v);
            cors_map_trim();
        }
        else {
            vp = &v->next_retired;
        }
    }
}

/* Whether the file(s) differ from what stamp says. */
static int cors_map_changed(cors_map *m, apr_pool_t *p,
                            const cors_map_stamp *stamp)
{
    cors_map_stamp now;
    int i;

    for (i = 0; i < 2; i++) {
        cors_map_stamp_of(p, m->files[i], &now);
        if (!cors_map_stamp_same(&now, &stamp[i])) {
            return 1;
        }
    }
    return 0;
}

/*
 * Whether this process should log the refusal of the version stamp says:
 * each process refuses a bad file itself, but the error log hears of it
 * once, from the first process to claim it in a slot of anonymous shared
 * memory (made before the children are forked).
 */
static int cors_map_said(cors_map *m, const cors_map_stamp *stamp)
{
    apr_uint32_t h = 2166136261u, prev;
    const unsigned char *b = (const unsigned char *)stamp;
    apr_size_t i;

    for (i = 0; i < 2 * sizeof(*stamp); i++) {
        h = (h ^ b[i]) * 16777619u;
    }
    h |= 1;
    prev = apr_atomic_read32(m->said);
    return prev == h || apr_atomic_cas32(m->said, h, prev) != prev;
}

/* One look at m from the reload thread. */
static void cors_map_look(cors_map *m, apr_pool_t *p)
{
    cors_map_version *cur = m->current, *v;
    const char *why;
    int again;
    apr_time_t t0;

    if (!cors_map_changed(m, p, cur->stamp)
        || !cors_map_changed(m, p, m->refused)) {
        return;
    }
    t0 = apr_time_now();
    v = cors_map_read(m, p, &why, &again);
    cors_map_trim();
    if (v) {
        cors_map_swap(m, v);
        cors_count_map_reload(m->server);
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, m->server,
                     "CORSAllowOriginMap %s: reloaded, %" APR_SIZE_T_FMT
                     " entries%s, read and checked in %" APR_TIME_T_FMT " ms",
                     m->arg, v->entries,
                     v->index ? apr_psprintf(p, " in %" APR_SIZE_T_FMT " bytes",
                                             cors_map_index_bytes(v->index))
                              : "",
                     apr_time_as_msec(apr_time_now() - t0));
        return;
    }
    if (again) {
        return;
    }
    /* Refused: said once, until the file changes again. */
    memset(m->refused, 0, sizeof(m->refused));
    cors_map_stamp_of(p, m->files[0], &m->refused[0]);
    cors_map_stamp_of(p, m->files[1], &m->refused[1]);
    cors_count_map_error(m->server);
    if (cors_map_said(m, m->refused)) {
        return;
    }
    ap_log_error(APLOG_MARK, APLOG_ERR, 0, m->server,
                 "CORSAllowOriginMap %s (%s:%d): the changed map is refused, "
                 "the version read %s with %" APR_SIZE_T_FMT
                 " entries stays in force: %s",
                 m->arg, m->conf_file, m->conf_line,
                 ap_ht_time(p, cur->loaded, "%Y-%m-%d %H:%M:%S", 0),
                 cur->entries, why);
}

#if APR_HAS_THREADS
static apr_thread_t *cors_reloader;
static apr_thread_mutex_t *cors_reloader_lock;
static apr_thread_cond_t *cors_reloader_wake;

/* One look at every file map a second; woken at once to stop. */
static void *APR_THREAD_FUNC cors_map_reload_loop(apr_thread_t *t, void *data)
{
    apr_pool_t *p;

    apr_pool_create(&p, apr_thread_pool_get(t));
#if defined(__linux__)
    /* Reading a large map takes a second of CPU: requests come first.
     * (Linux gives each thread a nice value of its own.) */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
    apr_thread_mutex_lock(cors_reloader_lock);
    while (!apr_atomic_read32(&cors_reloader_stop)) {
        int i;
        for (i = 0; i < cors_maps->nelts; i++) {
            cors_map *m = APR_ARRAY_IDX(cors_maps, i, cors_map *);
            if (m->type != CORS_MAP_DBD && m->current) {
                cors_map_look(m, p);
                apr_pool_clear(p);
            }
        }
        cors_map_free_retired();
        apr_thread_cond_timedwait(cors_reloader_wake, cors_reloader_lock,
                                  apr_time_from_sec(1));
    }
    apr_thread_mutex_unlock(cors_reloader_lock);
    /* Returned from, not apr_thread_exit(): pthread_exit()'s forced unwind
     * leaves the stack poisoned under AddressSanitizer, which then reports
     * the thread's own teardown.  Nothing waits for the thread's pool: the
     * process is ending. */
    return NULL;
}

/*
 * Under prefork the thread is started by the first request that sees a map
 * file changed (cors_map_watch), not in child_init: glibc's system call
 * wrappers take a slower path in a process that has ever had a second
 * thread, which a prefork child whose maps never change need not pay.
 * Threaded MPMs start it in child_init.  It is created from
 * a pool of its own (with its own allocator), since a request thread may
 * start it while others allocate from pchild.
 */
static apr_pool_t *cors_reloader_pool;
static server_rec *cors_reloader_server;
static volatile apr_uint32_t cors_reloader_started;

static void cors_map_start_reloader(void)
{
    apr_status_t rv;

    if (!cors_reloader_pool
        || apr_atomic_cas32(&cors_reloader_started, 1, 0) != 0) {
        return;
    }
    rv = apr_thread_create(&cors_reloader, NULL, cors_map_reload_loop, NULL,
                           cors_reloader_pool);
    if (rv != APR_SUCCESS) {
        cors_reloader = NULL;
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, cors_reloader_server,
                     "CORSAllowOriginMap: cannot start the thread that "
                     "reloads changed maps; they stay as they are in this "
                     "process");
    }
}

static apr_status_t cors_map_reload_stop(void *data)
{
    apr_status_t rv;

    if (cors_reloader) {
        apr_thread_mutex_lock(cors_reloader_lock);
        apr_atomic_set32(&cors_reloader_stop, 1);
        apr_thread_cond_signal(cors_reloader_wake);
        apr_thread_mutex_unlock(cors_reloader_lock);
        apr_thread_join(&rv, cors_reloader);
        cors_reloader = NULL;
    }
    return APR_SUCCESS;
}
#endif

/* ---------------------------------------------------------------------- */
/* Start-up and children                                                   */

static apr_status_t cors_map_unload(void *data)
{
    cors_map *m = data;
    cors_map_version *v = m->current;

    m->current = NULL;
    if (v) {
        cors_map_version_free(v);
        /* The first reading's maps go before the second is read: without
         * this the children would inherit both. */
        cors_map_trim();
    }
    return APR_SUCCESS;
}

int cors_map_check_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    int i, failed = 0;

    /* httpd reads its configuration twice at start-up, and the maps are
     * read both times: only the first reading happens before httpd detaches
     * from the terminal, so only there does "apachectl start" show a bad
     * map (its policies are those of the reading, so nothing is kept from
     * one to the other). */
    /* The slots of cors_map_said(), shared by the children to come. */
    if (cors_maps->nelts) {
        apr_shm_t *shm;
        volatile apr_uint32_t *said = NULL;
        apr_size_t size = sizeof(apr_uint32_t) * (apr_size_t)cors_maps->nelts;
        if (apr_shm_create(&shm, size, NULL, pconf) == APR_SUCCESS) {
            said = apr_shm_baseaddr_get(shm);
            memset((void *)said, 0, size);
        }
        for (i = 0; i < cors_maps->nelts; i++) {
            cors_map *m = APR_ARRAY_IDX(cors_maps, i, cors_map *);
            m->said = said ? &said[i] : &m->said_here;
        }
    }
    for (i = 0; i < cors_maps->nelts; i++) {
        cors_map *m = APR_ARRAY_IDX(cors_maps, i, cors_map *);
        cors_map_version *v = NULL;
        const char *why = NULL;
        int again = 1, tries;

        if (m->type == CORS_MAP_DBD) {
            continue;
        }
        for (tries = 0; again && tries < 10; tries++) {
            if (tries) {
                apr_sleep(apr_time_from_msec(200));
            }
            v = cors_map_read(m, ptemp, &why, &again);
        }
        cors_map_trim();
        if (!v) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         "Syntax error on line %d of %s:", m->conf_line,
                         m->conf_file);
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         "CORSAllowOriginMap: %s", why);
            failed = 1;
            continue;
        }
        m->current = v;
        apr_pool_cleanup_register(pconf, m, cors_map_unload,
                                  apr_pool_cleanup_null);
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s,
                     "CORSAllowOriginMap %s: %" APR_SIZE_T_FMT " entries",
                     m->arg, v->entries);
    }
    return failed ? !OK : OK;
}

void cors_map_child_init(apr_pool_t *pchild, server_rec *s)
{
    int i, files = 0;

    for (i = 0; i < cors_maps->nelts; i++) {
        cors_map *m = APR_ARRAY_IDX(cors_maps, i, cors_map *);
        if (m->type == CORS_MAP_DBD) {
            m->answers = apr_pcalloc(pchild, sizeof(*m->answers));
            cors_answers_init(m->answers, pchild);
        }
        else if (m->current) {
            files = 1;
            /* Right after the fork, while the file is most likely still
             * the one the parent checked. */
            if (m->type == CORS_MAP_DBM) {
                cors_map_dbm_reopen(m, m->current);
            }
        }
    }
#if APR_HAS_THREADS
    if (files) {
        apr_allocator_t *alloc;
        apr_status_t rv;

        cors_reloader_server = s;
        apr_atomic_set32(&cors_reloader_stop, 0);
        apr_atomic_set32(&cors_reloader_started, 0);
        rv = apr_allocator_create(&alloc);
        if (rv == APR_SUCCESS) {
            rv = apr_pool_create_unmanaged_ex(&cors_reloader_pool, NULL, alloc);
            if (rv == APR_SUCCESS) {
                apr_allocator_owner_set(alloc, cors_reloader_pool);
            }
        }
        if (rv == APR_SUCCESS) {
            rv = apr_thread_mutex_create(&cors_reloader_lock,
                                         APR_THREAD_MUTEX_DEFAULT,
                                         cors_reloader_pool);
        }
        if (rv == APR_SUCCESS) {
            rv =
                apr_thread_cond_create(&cors_reloader_wake, cors_reloader_pool);
        }
        if (rv != APR_SUCCESS) {
            cors_reloader_pool = NULL;
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                         "CORSAllowOriginMap: cannot prepare the thread that "
                         "reloads changed maps; they stay as read at "
                         "start-up");
        }
        else {
            int threaded = 0;
            /* A pre-cleanup, so that the thread is gone before anything of
             * the child is destroyed. */
            apr_pool_pre_cleanup_register(pchild, NULL, cors_map_reload_stop);
            /* A threaded MPM's child has threads anyway: the thread starts
             * now, and even an idle process stays up to date. */
            if (ap_mpm_query(AP_MPMQ_IS_THREADED, &threaded) == APR_SUCCESS
                && threaded != AP_MPMQ_NOT_SUPPORTED) {
                cors_map_start_reloader();
            }
        }
    }
#endif
}

/* ---------------------------------------------------------------------- */
/* Lookups                                                                 */

/* Whether an error of m may be logged now (at most once every
 * CORS_MAP_DBD_ERROR_EVERY seconds per process); if so, the turn is
 * taken. */
static int cors_map_may_log(volatile apr_uint32_t *slot)
{
    apr_uint32_t now = (apr_uint32_t)apr_time_sec(apr_time_now());
    apr_uint32_t last = apr_atomic_read32(slot);

    if (last && now - last < CORS_MAP_DBD_ERROR_EVERY) {
        return 0;
    }
    return apr_atomic_cas32(slot, now ? now : 1, last) == last;
}

/* One key of a DBM map: 1 found, 0 not, -1 the file failed.  v's answer
 * lock is held. */
static int cors_map_dbm_fetch(cors_map *m, cors_map_version *v, const char *key,
                              apr_size_t len, const void **policy)
{
    apr_datum_t k, val;

    if (cors_map_dbm_reopen(m, v) != APR_SUCCESS) {
        return -1;
    }
    k.dptr = (char *)key;
    k.dsize = len;
    if (apr_dbm_fetch(v->db, k, &val) != APR_SUCCESS) {
        return -1;
    }
    if (!val.dptr) {
        return 0;
    }
    *policy = NULL;
    if (val.dsize && val.dptr[val.dsize - 1] == '\0') {
        val.dsize--;
    }
    if (val.dsize && !(val.dsize == 1 && val.dptr[0] == '-')) {
        /* Every name was checked when the version was read. */
        *policy = apr_hash_get(v->policies, val.dptr, (apr_ssize_t)val.dsize);
    }
    apr_dbm_freedatum(v->db, val);
    return 1;
}

static int cors_map_find_dbm(cors_map *m, const char *value, apr_size_t len,
                             const cors_origin *origin, const void **policy)
{
    cors_map_version *v = cors_map_acquire(m);
    cors_answer ans;
    cors_map_keys k;
    int found = 0, rc = 0;

    cors_answers_lock(&v->answers);
    if (cors_answers_get(&v->answers, value, len, &ans)) {
        found = ans.found;
        *policy = ans.policy;
    }
    else if (origin) {
        cors_map_keys_start(&k, origin);
        while (cors_map_keys_next(&k)) {
            rc = cors_map_dbm_fetch(m, v, k.key, k.len, policy);
            if (rc != 0 || !v->wildcards) {
                break;
            }
        }
        found = rc == 1;
        if (rc >= 0) {
            ans.fetched = apr_time_now();
            ans.found = found;
            ans.policy = found ? *policy : NULL;
            cors_answers_put(&v->answers, value, len, &ans, 0);
        }
    }
    cors_answers_unlock(&v->answers);
    cors_map_release(v);
    if (rc < 0 && cors_map_may_log(&m->error_logged)) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, m->server,
                     "CORSAllowOriginMap %s: the DBM file cannot be read; "
                     "origins it would allow are refused (said at most "
                     "once every %d seconds)",
                     m->arg, CORS_MAP_DBD_ERROR_EVERY);
    }
    return found;
}

/*
 * The database's answer for origin, under its keys from the most specific:
 * 1 found (*policy set), 0 not in the map, -1 the database failed (*why).
 * The first column of the first row is the policy; NULL, empty or "-" is
 * none.
 */
static int cors_map_dbd_query(cors_map *m, request_rec *r,
                              const cors_origin *origin, const void **policy,
                              const char **why)
{
    ap_dbd_t *db = cors_dbd_acquire(r);
    apr_dbd_prepared_t *stmt;
    cors_map_keys k;

    if (!db) {
        *why = "mod_dbd has no connection to the database";
        return -1;
    }
    if (!(stmt = apr_hash_get(db->prepared, m->label, APR_HASH_KEY_STRING))) {
        *why = "the statement was not prepared (is DBDriver set for this "
               "virtual host?)";
        return -1;
    }
    cors_map_keys_start(&k, origin);
    while (cors_map_keys_next(&k)) {
        apr_dbd_results_t *res = NULL;
        apr_dbd_row_t *row = NULL;
        const char *name = NULL;
        int rv, rows = 0;

        /* Random access: the driver runs the query now, so a lost
         * connection is an error here.  Sequential results are fetched
         * later, and apr-util's pgsql driver reports a connection lost
         * then as the end of the rows: "not in the map". */
        rv = apr_dbd_pvselect(db->driver, r->pool, db->handle, &res, stmt, 1,
                              k.key, NULL);
        if (rv != 0) {
            *why =
                apr_pstrdup(r->pool, apr_dbd_error(db->driver, db->handle, rv));
            return -1;
        }
        /* Every row is read: some drivers keep the statement busy until
         * then. */
        while ((rv = apr_dbd_get_row(db->driver, r->pool, res, &row, -1))
               == 0) {
            if (!rows++) {
                const char *e = apr_dbd_get_entry(db->driver, row, 0);
                name = e ? apr_pstrdup(r->pool, e) : NULL;
            }
        }
        if (rv != -1) {
            *why =
                apr_pstrdup(r->pool, apr_dbd_error(db->driver, db->handle, rv));
            return -1;
        }
        if (!rows) {
            continue;
        }
        *policy = NULL;
        if (!name || !*name || strcmp(name, CORS_MAP_NO_POLICY) == 0) {
            return 1;
        }
        if (cors_map_check_policy(r->pool, name, strlen(name)) != NULL
            || !(*policy = cors_map_policy_named(m->server, name))) {
            /* A bad row is refused like a bad line: that origin is not
             * allowed. */
            if (cors_map_may_log(&m->bad_row_logged)) {
                ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                              "CORSAllowOriginMap %s: the row for '%s' names "
                              "'%s', no <CORSPolicy> of this virtual host or "
                              "the server config: the origin is refused",
                              m->arg, k.key, name);
            }
            cors_count_map_error(m->server);
            return 0;
        }
        return 1;
    }
    return 0;
}

static int cors_map_find_dbd(cors_map *m, cors_map_ctx *ctx, const char *value,
                             apr_size_t len, const cors_origin *origin,
                             const void **policy)
{
    cors_answers *a = m->answers;
    apr_time_t now = apr_time_now();
    apr_time_t ttl = apr_time_from_sec(ctx->ttl);
    cors_answer ans;
    const char *why = NULL;
    int cached, rc;

    if (!a) {
        return 0;
    }
    cors_answers_lock(a);
    cached = cors_answers_get(a, value, len, &ans);
    cors_answers_unlock(a);
    if (cached && now - ans.fetched <= ttl) {
        *policy = ans.policy;
        return ans.found;
    }
    if (!origin) {
        return 0; /* the full lookup follows */
    }
    rc = cors_map_dbd_query(m, ctx->r, origin, policy, &why);
    if (rc < 0) {
        cors_count_map_error(m->server);
        if (cors_map_may_log(&m->error_logged)) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, ctx->r,
                          "CORSAllowOriginMap %s: the database cannot be "
                          "asked (%s): answers already known are used, "
                          "other origins are refused (said at most once "
                          "every %d seconds)",
                          m->arg, why ? why : "?", CORS_MAP_DBD_ERROR_EVERY);
        }
        if (cached) {
            *policy = ans.policy;
            return ans.found;
        }
        return 0;
    }
    ans.fetched = now;
    ans.found = rc;
    ans.policy = rc ? *policy : NULL;
    cors_answers_lock(a);
    cors_answers_put(a, value, len, &ans, ttl);
    cors_answers_unlock(a);
    return rc;
}

/*
 * Until the reload thread runs, requests look at a file map's modification
 * time, at most once a second per map and process (the second of the
 * request's time, claimed by compare-and-swap), and start the thread when
 * it changed.  The request goes on with the version it has.
 */
static void cors_map_watch(cors_map *m, cors_map_ctx *ctx)
{
    cors_map_version *v;
    apr_uint32_t now, last;
    int changed;

#if APR_HAS_THREADS
    if (apr_atomic_read32(&cors_reloader_started) || !ctx || !ctx->r) {
        return;
    }
    now = (apr_uint32_t)apr_time_sec(ctx->r->request_time);
    last = apr_atomic_read32(&m->watched);
    if (now == last || apr_atomic_cas32(&m->watched, now, last) != last) {
        return;
    }
    v = cors_map_acquire(m);
    changed = cors_map_changed(m, ctx->r->pool, v->stamp);
    cors_map_release(v);
    if (changed) {
        cors_map_start_reloader();
    }
#endif
}

int cors_map_find(void *ctx, const void *map, const char *value, apr_size_t len,
                  const cors_origin *origin, const void **policy)
{
    cors_map *m = (cors_map *)map;
    cors_map_version *v;
    int found;

    switch (m->type) {
    case CORS_MAP_TXT:
        if (!m->current) {
            return 0;
        }
        cors_map_watch(m, ctx);
        v = cors_map_acquire(m);
        found = origin ? cors_map_index_find_origin(v->index, origin, policy)
                       : cors_map_index_find(v->index, value, len, policy);
        cors_map_release(v);
        return found;
    case CORS_MAP_DBM:
        if (!m->current) {
            return 0;
        }
        cors_map_watch(m, ctx);
        return cors_map_find_dbm(m, value, len, origin, policy);
    default:
        return cors_map_find_dbd(m, ctx, value, len, origin, policy);
    }
}
