/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 */

/*
 * mod_cors: Cross-Origin Resource Sharing for Apache httpd 2.4.
 *
 * This file is the httpd glue; the policy (origins, lists, the verdict) lives
 * in modules/cors_*.c and knows nothing of httpd.
 *
 * Hooks, and why each sits where it does:
 *  - access_checker_ex, after mod_authz_core: browsers never send
 *    credentials on a preflight, so a preflight we answer ourselves may skip
 *    authentication.  mod_authz_core's own userless check runs first, so
 *    "Require ip" or "Require all denied" still refuse it.
 *  - post_read_request, REALLY_LAST: mark each request Apache has read
 *    whole; every other hook leaves the rest (400, 408, 414, ...) alone.
 *  - fixups, REALLY_LAST: answer preflights (and refuse what
 *    CORSCrossOriginProtection and CORSRejectDisallowed refuse) once mod_dir
 *    has picked the index file and per-directory mod_rewrite has decided on
 *    an internal redirect, so that the policy of the content served
 *    decides.  The preflight response (and cross-origin protection's 403)
 *    is sent here and DONE returned, so no handler runs and ErrorDocument
 *    is never consulted.  REALLY_FIRST too, for a preflight to a
 *    directory without its trailing slash, before mod_dir's 301.
 *  - insert_filter and insert_error_filter: every other response in scope,
 *    errors included, gets the CORS filter (before mod_cache's save filter,
 *    so a cached copy keeps its CORS headers and Vary).  When other filters
 *    that may still write headers follow it (mod_headers), CORS adds
 *    CORS_LATE after them, so a left-over "Header set Access-Control-..."
 *    line cannot add a second Access-Control-Allow-Origin.  Under
 *    CORSEngine ReportOnly there is no filter: nothing is written.
 *  - log_transaction, REALLY_FIRST: CORS_RESULT, CORS_REASON (and under
 *    ReportOnly CORS_SHADOW, judged on the headers that went out) for
 *    mod_log_config on the last request of an internal-redirect chain,
 *    whatever path the response took.
 *  - check_config: every CORSPolicy line of the main configuration names a
 *    <CORSPolicy>, and each section using one is combined with it once.
 *  - post_config: the counters' shared memory, kept across restarts, and
 *    mod_status' optional status_hook, which shows them.
 *  - handler: "cors-explain", the explain page.
 */

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "ap_regex.h"
#include "mod_status.h"

#include "apr_atomic.h"
#include "apr_optional_hooks.h"
#include "apr_lib.h"
#include "apr_shm.h"
#include "apr_strings.h"

#include "cors_count.h"
#include "cors_json.h"
#include "cors_list.h"
#include "cors_origin.h"
#include "cors_origin_check.h"
#include "cors_origin_set.h"
#include "cors_policy.h"
#include "cors_shadow.h"
#include "cors_string.h"
#include "cors_token.h"
#include "cors_vary.h"
#include "mod_cors_map.h"

module AP_MODULE_DECLARE_DATA cors_module;

APLOG_USE_MODULE(cors);

#define CORS_UNSET (-1)

/* The Access-Control- prefix every CORS response header shares. */
#define CORS_HEADER_PREFIX "Access-Control-"
#define CORS_HEADER_PREFIX_LEN (sizeof(CORS_HEADER_PREFIX) - 1)

/*
 * Whether a header name may start with "Access" (any case): its first and
 * sixth bytes, the sixth read only once the first five are known to be
 * there.  Rules out Accept, Accept-Ranges and Age before any comparison.
 */
static APR_INLINE int cors_starts_access(const char *k)
{
    return (k[0] | 0x20) == 'a' && k[1] && k[2] && k[3] && k[4]
           && (k[5] | 0x20) == 's';
}

typedef struct cors_dir_conf {
    cors_policy pol;             /* the section's CORS directives, every
                                  * default applied (cors_policy.h) */
    int origin_edit;             /* this section's CORSAllowOrigin form while
                                  * it is read: CORS_UNSET, 0 plain, 1 edits */
    int section;                 /* the section is a <Directory>, <Location>,
                                  * <Files>, <If> or .htaccess (not server
                                  * config or <VirtualHost>) */
    int scoped;                  /* merged: some such section with a CORS
                                  * directive applies (see cors_scoped) */
    struct cors_policy_use *use; /* CORSPolicy NAME; NULL: none */
    const struct cors_dir_conf
        *with_policy;        /* the named policy with this
                              * section's own lines merged on top: what
                              * the section stands for in a merge */
    const char *policy_name; /* the <CORSPolicy NAME> this conf is the body
                              * of, or NULL */
} cors_dir_conf;

/* Some CORS directive appears in the section (or in one merged into it). */
#define cors_has_directives(conf) ((conf)->pol.set != 0 || (conf)->use != NULL)

/* Whether the section itself set the field (while it is read). */
#define cors_section_set(conf, field)                                          \
    (((conf)->pol.set & CORS_FIELD_BIT(field)) != 0)

/*
 * A CORSPolicy line: the name, where it was written (for the error that an
 * unknown name stops start-up with), and the <CORSPolicy> it names once
 * found.  Names are looked up in the line's virtual host first, then in
 * the server config, so a <VirtualHost>'s policy hides the server's.
 */
typedef struct cors_policy_use {
    const char *name;
    server_rec *server; /* the line's (virtual) server */
    const char *file;   /* where the line is */
    int line;
    const cors_dir_conf *policy; /* the named policy, once found */
} cors_policy_use;

/* Per (virtual) server: the <CORSPolicy> sections defined in it. */
typedef struct {
    apr_hash_t *policies;         /* NAME -> cors_dir_conf */
    struct cors_count_row *count; /* this server's counters, in shared
                                   * memory; NULL until post_config */
} cors_server_conf;

/*
 * The policy every section starts from (docs/mod_cors.md, "Directives"),
 * built once when the module is registered and only read afterwards.
 */
static cors_policy cors_default_policy;

/*
 * The CORSPolicy lines of the main configuration, checked once it has been
 * read (a policy may be defined after the line that uses it).  Made in
 * pre_config from pconf, so a restart starts afresh; not touched after
 * start-up.  .htaccess lines are checked as they are read.
 */
static apr_array_header_t *cors_policy_uses; /* cors_dir_conf * */
static int cors_config_read;                 /* the main configuration is
                                              * read: now only .htaccess */

/* The filters, resolved at registration to spare a name lookup per request. */
static ap_filter_rec_t *cors_filter_handle;
static ap_filter_rec_t *cors_late_filter_handle;

/*
 * The request the client sent, as Apache read it, kept on the first request
 * of its internal-redirect chain (ErrorDocument, mod_rewrite, Action, a
 * CGI's local Location).  Only requests Apache parsed whole get one: the
 * post_read_request hook makes it, and every other hook does nothing
 * without it (docs/mod_cors.md, "Requests Apache refuses early").
 */
typedef struct cors_chain {
    const char *method;        /* as sent: ap_die() turns it into GET on
                                * the way to a local ErrorDocument */
    int method_number;         /* likewise */
    struct cors_state *states; /* the decisions made for the chain */
} cors_chain;

/* One decision: a request of the chain judged by the policy that governs
 * it (docs/mod_cors.md, "Internal redirects"). */
typedef struct cors_state {
    struct cors_state *next;     /* the chain's other decisions */
    const request_rec *governor; /* the request whose policy governs */
    const cors_dir_conf *key;    /* that policy (per_dir_config changes
                                  * when mod_dir picks an index file) */
    const cors_dir_conf *conf;   /* the settings that apply: key, or key
                                  * with the policy a map names for the
                                  * origin (docs/mod_cors.md, "Maps") */
    cors_verdict verdict;        /* what cors_decide() said */
    const char *expose;          /* Access-Control-Expose-Headers as first
                                  * written (with response names, for '*') */
    int expose_done;             /* expose is settled: CORS_LATE reuses it */
    int written;                 /* Access-Control-* headers cors_write set */
    const char *vary;            /* the first Vary line cors_write left */
    int acted;                   /* the fixups have acted on it */
    int answered;                /* the module answered the preflight */
    int refused;                 /* CORSRejectDisallowed or cross-origin
                                  * protection refused it */
    int report;                  /* CORSEngine ReportOnly: decide, say so,
                                  * change nothing */
    int would_answer;            /* ReportOnly: On would have answered the
                                  * preflight itself */
    const char *shadow;          /* ReportOnly: CORS_SHADOW, once the
                                  * response has been judged */
    const char *origin;          /* ReportOnly: the request's Origin and */
    const char *request_method;  /* Access-Control-Request-Method and */
    const char *request_headers; /* -Headers, as decided on */
} cors_state;

/* CORS_SHADOW when the response agrees with On (compared by address). */
static const char cors_shadow_match[] = "match";

/* -------------------------------------------------------------------- */
/* Configuration: create and merge                                       */

static void *cors_create_dir_conf(apr_pool_t *p, char *path)
{
    cors_dir_conf *conf = apr_pcalloc(p, sizeof(*conf));

    /* httpd passes the section's path (".htaccess" directories and "*If"
     * included), and NULL for server config and <VirtualHost>. */
    conf->section = path != NULL;
    conf->pol = cors_default_policy;
    conf->origin_edit = CORS_UNSET;
    return conf;
}

/*
 * Whether CORS is configured for content in this scope by a section of its
 * own: some CORS directive in a <Directory>, <Location>, <Files>, <If> or
 * .htaccess that applies.  Such content is governed by its own policy
 * across internal redirects (docs/mod_cors.md, "Internal redirects").
 */
static int cors_scoped(const cors_dir_conf *conf)
{
    return conf->scoped || (conf->section && cors_has_directives(conf));
}

static APR_INLINE cors_dir_conf *
cors_merge_confs(apr_pool_t *p, cors_dir_conf *base, cors_dir_conf *add)
{
    cors_dir_conf *conf;

    /* Merges run on every request, once per matching section: a section
     * without CORS directives (or merged onto nothing) costs no copy. */
    if (!cors_has_directives(add)) {
        return base;
    }
    if (!cors_has_directives(base)) {
        return add;
    }
    conf = apr_palloc(p, sizeof(*conf));
    cors_policy_merge(p, &base->pol, &add->pol, &conf->pol);
    conf->origin_edit = CORS_UNSET;
    conf->section = 0;
    conf->scoped = cors_scoped(base) || cors_scoped(add);
    conf->use = NULL;
    conf->with_policy = NULL;
    conf->policy_name = NULL;
    return conf;
}

static const cors_dir_conf *cors_find_policy(server_rec *s, const char *name);

/*
 * What a section with a CORSPolicy line stands for: the named policy with
 * the section's own lines merged on top, as if the policy's lines stood in
 * a section of their own just above (docs/mod_cors.md, "Named policies").
 * Made once: for the main configuration when it has been read (cors_check_
 * config), for an .htaccess file on its first merge, in that request's
 * pool (.htaccess configurations are private to their request).
 */
static cors_dir_conf *cors_with_policy(apr_pool_t *p, cors_dir_conf *add)
{
    cors_dir_conf *own;

    if (add->with_policy) {
        return (cors_dir_conf *)add->with_policy;
    }
    if (!add->use->policy) {
        add->use->policy = cors_find_policy(add->use->server, add->use->name);
    }
    own = apr_pmemdup(p, add, sizeof(*add));
    own->use = NULL;
    add->with_policy =
        add->use->policy
            ? cors_merge_confs(p, (cors_dir_conf *)add->use->policy, own)
            : own;
    return (cors_dir_conf *)add->with_policy;
}

static void *cors_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    cors_dir_conf *base = basev, *add = addv;

    /* Server config or a <VirtualHost> with a CORSPolicy line is the base
     * of every merge below it. */
    return cors_merge_confs(p, base->use ? cors_with_policy(p, base) : base,
                            add->use ? cors_with_policy(p, add) : add);
}

/* -------------------------------------------------------------------- */
/* Directive handlers                                                    */

/*
 * The items of a list directive: words as Apache splits them, each unquoted
 * word split again on commas ("GET, PUT" is "GET PUT"); a quoted word is one
 * item, so '"x bad"' reaches the token check whole.
 */
static apr_array_header_t *cors_directive_items(cmd_parms *cmd,
                                                const char *args)
{
    apr_array_header_t *items =
        apr_array_make(cmd->pool, 4, sizeof(const char *));

    for (;;) {
        int quoted;
        char *word;

        while (*args && apr_isspace(*args)) {
            args++;
        }
        if (!*args) {
            break;
        }
        quoted = (*args == '"' || *args == '\'');
        word = ap_getword_conf(cmd->pool, &args);
        if (quoted) {
            APR_ARRAY_PUSH(items, const char *) = word;
            continue;
        }
        while (*word) {
            char *comma = strchr(word, ',');
            if (comma) {
                *comma = '\0';
            }
            if (*word) {
                APR_ARRAY_PUSH(items, const char *) = word;
            }
            if (!comma) {
                break;
            }
            word = comma + 1;
        }
    }
    return items;
}

/*
 * Whether a line is made of edits ('+X'/'-X') or plain items; mixing the two
 * on one line, or across the lines of one section, is an error.
 */
static const char *cors_directive_form(cmd_parms *cmd,
                                       apr_array_header_t *items,
                                       int section_edit, const char *plural,
                                       int *edit)
{
    int i;

    if (items->nelts == 0) {
        return apr_psprintf(cmd->pool, "%s needs at least one %s",
                            cmd->cmd->name, plural);
    }
    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        int this_edit = (item[0] == '+' || item[0] == '-');
        if (i == 0) {
            *edit = this_edit;
        }
        if (this_edit != *edit
            || (section_edit != CORS_UNSET && section_edit != this_edit)) {
            return apr_psprintf(cmd->pool,
                                "%s: cannot mix plain %ss and +/- "
                                "edits in one section",
                                cmd->cmd->name, plural);
        }
    }
    return NULL;
}

/* A start-up warning for a legal but risky line, naming where it is. */
static void cors_warn(cmd_parms *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void cors_warn(cmd_parms *cmd, const char *fmt, ...)
{
    va_list ap;
    const char *msg;

    va_start(ap, fmt);
    msg = apr_pvsprintf(cmd->temp_pool, fmt, ap);
    va_end(ap);
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cmd->server, "%s (%s:%d)", msg,
                 cmd->directive ? cmd->directive->filename : "?",
                 cmd->directive ? cmd->directive->line_num : 0);
}

/* An origin trusted with credentials that should not be, legal as it is. */
static void cors_warn_origin_risk(cmd_parms *cmd, const char *item,
                                  const cors_origin *origin)
{
    const char *risk = cors_origin_credential_risk(origin);

    if (risk) {
        cors_warn(cmd,
                  "%s: origin '%s' is trusted with credentials "
                  "(CORSAllowCredentials On in the same section): %s",
                  cmd->cmd->name, item, risk);
    }
}

/* Credentials turned on: warn about each risky origin the section has. */
static void cors_warn_credential_risks(cmd_parms *cmd,
                                       const cors_dir_conf *conf)
{
    int i;

    if (!conf->pol.credentials || !cors_section_set(conf, CORS_FIELD_ORIGINS)) {
        return;
    }
    for (i = 0; i < conf->pol.origins->list->order->nelts; i++) {
        const char *key =
            APR_ARRAY_IDX(conf->pol.origins->list->order, i, const char *);
        cors_origin origin;
        if (cors_origin_parse_config(cmd->temp_pool, key, &origin) == NULL) {
            cors_warn_origin_risk(cmd, key, &origin);
        }
    }
}

/*
 * Why a wildcard pattern trusts sites that anyone can register although its
 * domain is no public suffix: the Public Suffix List has entries below it
 * (a wildcard over amazonaws.com covers s3.amazonaws.com and every bucket's
 * site under it).  "covers ...", or NULL when the list has none below, or
 * its data file is missing.
 */
static const char *cors_suffixes_below(cmd_parms *cmd,
                                       const cors_origin *origin)
{
    const char *below;

    if (!origin->wildcard
        || !(below = cors_origin_suffix_below(origin->host))) {
        return NULL;
    }
    return apr_psprintf(cmd->temp_pool,
                        "covers public suffixes (the Public Suffix List "
                        "has %s below %s), under which anyone can register "
                        "a site",
                        below, origin->host);
}

/*
 * A directive of the section sets its field: remember that it did, and
 * where (the line the explain page and the error log name).  Every
 * directive handler calls it, so the merge cannot miss a field.
 */
static void cors_mark(cmd_parms *cmd, cors_dir_conf *conf, cors_field field)
{
    cors_where *where = apr_palloc(cmd->pool, sizeof(*where));

    where->directive = cmd->cmd->name;
    where->args = cmd->directive ? cmd->directive->args : "";
    where->file = cmd->directive ? cmd->directive->filename : "?";
    where->line = cmd->directive ? cmd->directive->line_num : 0;
    cors_policy_mark(cmd->pool, &conf->pol, field, where);
}

static const char *cors_set_engine(cmd_parms *cmd, void *dconf, const char *arg)
{
    cors_dir_conf *conf = dconf;

    if (strcasecmp(arg, "On") == 0) {
        conf->pol.engine = CORS_ENGINE_ON;
    }
    else if (strcasecmp(arg, "Off") == 0) {
        conf->pol.engine = CORS_ENGINE_OFF;
    }
    else if (strcasecmp(arg, "ReportOnly") == 0) {
        conf->pol.engine = CORS_ENGINE_REPORT;
    }
    else {
        return apr_psprintf(cmd->pool, "%s: '%s' must be On, Off or ReportOnly",
                            cmd->cmd->name, arg);
    }
    cors_mark(cmd, conf, CORS_FIELD_ENGINE);
    return NULL;
}

/* Whether this section's own origin list turns '*' on. */
static int cors_section_star(const cors_dir_conf *conf)
{
    return cors_section_set(conf, CORS_FIELD_ORIGINS)
           && conf->pol.origins->list->star == 1;
}

/* How a regex meets its canary: it matches it, or it cannot be told
 * within PCRE's match limits whether it does (which counts as a match). */
static const char *cors_canary_verb(const cors_origin_regex *re)
{
    return re->canary_bounded ? "hits the PCRE match limit on" : "matches";
}

/* A regex of this section that matches an origin nobody owns, or NULL. */
static const cors_origin_regex *cors_section_canary(const cors_dir_conf *conf)
{
    int i;

    if (!cors_section_set(conf, CORS_FIELD_ORIGINS)) {
        return NULL;
    }
    for (i = 0; i < conf->pol.origins->regexes->nelts; i++) {
        const cors_origin_regex *re =
            &APR_ARRAY_IDX(conf->pol.origins->regexes, i, cors_origin_regex);
        if (re->canary) {
            return re;
        }
    }
    return NULL;
}

/*
 * A compiled CORSAllowOriginMatch, what cors_regex_match() is handed.  The
 * expression is wrapped in ^(?:...)$ so that it must match the whole
 * origin, case-insensitively (scheme and host are), '$' only at the very
 * end.
 */
typedef struct {
    ap_regex_t re;      /* LIMITS ^(?:REGEX\E)$ */
    const char *source; /* as configured, for messages */
    server_rec *server; /* whose error log hears of the match limits */
    const char *file;   /* where it is configured */
    int line;
    apr_uint32_t hash; /* of source: its slot in cors_regex_warned */
    int quiet;         /* start-up canary checks: no warning */
} cors_regex;

#define CORS_REGEX_FLAGS (AP_REG_ICASE | AP_REG_DOLLAR_ENDONLY)

/*
 * No regex may stall a worker.  httpd's ap_regexec() runs pcre2_match()
 * without a match context, so only PCRE's own limits (ten million steps)
 * apply: a regex such as https://(a+)+\.example\.com costs over 0.1 s of CPU
 * per request on a long origin (docs/hardening.md, "Regular expressions
 * that backtrack").  ap_regcomp() hands the pattern to pcre2_compile() as
 * it is, so the module puts PCRE's start-of-pattern limit settings in front
 * of it:
 * the match limit bounds the time (about 10 ns a step, so 1e4 steps are
 * about 0.1 ms), the depth limit the memory.  A regex matching a 512-byte
 * origin the ordinary way needs a few thousand steps at most.  The
 * regex itself may not start with "(*", and only the start of the pattern
 * may set these, so it cannot raise them.  PCRE 8 (httpd built without
 * PCRE2) calls the depth limit LIMIT_RECURSION.
 */
#define CORS_REGEX_MATCH_LIMIT "10000"
#define CORS_REGEX_DEPTH_LIMIT "2000"

static const char *cors_regex_limits(void)
{
    const char *v = ap_pcre_version_string(AP_REG_PCRE_LOADED);

    return (v && atoi(v) >= 10) ? "(*LIMIT_MATCH=" CORS_REGEX_MATCH_LIMIT
                                  ")(*LIMIT_DEPTH=" CORS_REGEX_DEPTH_LIMIT ")"
                                : "(*LIMIT_MATCH=" CORS_REGEX_MATCH_LIMIT
                                  ")(*LIMIT_RECURSION=" CORS_REGEX_DEPTH_LIMIT
                                  ")";
}

/*
 * When a regex hits the limits, the error log says so at most once a
 * minute per regex, across every process and thread, without a lock: one
 * 32-bit slot per regex (by the hash of its text, so one .htaccess regex,
 * compiled again for each request, keeps its slot) holds the second of the
 * last warning, claimed by compare-and-swap.  Two regexes that share a slot
 * share the minute: one of them may stay silent, neither speaks twice.  The
 * slots live in anonymous shared memory made before the children are
 * forked, or in the process where that is not possible.
 */
#define CORS_REGEX_SLOTS 1024
#define CORS_REGEX_WARN_EVERY 60

static volatile apr_uint32_t *cors_regex_warned;
static apr_uint32_t cors_regex_warned_here[CORS_REGEX_SLOTS];

/*
 * pre_config: the slots, shared by the children forked from this parent.
 * Made once per process and kept across restarts (a second of the last
 * warning stays valid), in a pool nothing destroys: a child that exits runs
 * apr_terminate(), which destroys every pool under the global one, and
 * would unmap the slots under a thread still matching a regex.
 */
static void cors_regex_init(void)
{
    static volatile apr_uint32_t *shared;
    apr_size_t size = sizeof(apr_uint32_t) * CORS_REGEX_SLOTS;
    apr_pool_t *keep;
    apr_shm_t *shm;

    if (!shared
        && apr_pool_create_unmanaged_ex(&keep, NULL, NULL) == APR_SUCCESS) {
        if (apr_shm_create(&shm, size, NULL, keep) == APR_SUCCESS) {
            shared = apr_shm_baseaddr_get(shm);
            memset((void *)shared, 0, size);
        }
    }
    cors_regex_warned = shared ? shared : cors_regex_warned_here;
}

/* Whether the regex with this hash may warn now, and if so, the minute is
 * taken. */
static int cors_regex_may_warn(apr_uint32_t hash)
{
    volatile apr_uint32_t *slot;
    apr_uint32_t now = (apr_uint32_t)apr_time_sec(apr_time_now()), last;

    if (!cors_regex_warned) {
        cors_regex_warned = cors_regex_warned_here;
    }
    slot = &cors_regex_warned[hash % CORS_REGEX_SLOTS];
    last = apr_atomic_read32(slot);
    if (last && now - last < CORS_REGEX_WARN_EVERY) {
        return 0;
    }
    return apr_atomic_cas32(slot, now ? now : 1, last) == last;
}

static apr_uint32_t cors_regex_hash(const char *s)
{
    apr_uint32_t h = 2166136261u;

    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

/*
 * 1 when the regex matches the whole origin s[0..len), 0 when not, -1 when
 * PCRE's limits cut the match short (no match; the policy layer counts it
 * as a match when checking canaries).
 */
static int cors_regex_match(const void *compiled, const char *s, apr_size_t len)
{
    const cors_regex *cre = compiled;
    ap_regmatch_t m;
    int rc = ap_regexec_len(&cre->re, s, len, 1, &m, 0);

    if (rc == 0) {
        /* The span check is the anchors' second line of defence: a match
         * that does not cover the whole origin ((*ACCEPT), or anchors
         * escaped by some construct cors_regex_compile() missed) is no
         * match. */
        return m.rm_so == 0 && (apr_size_t)m.rm_eo == len;
    }
    if (rc == AP_REG_NOMATCH) {
        return 0;
    }
    /* AP_REG_ESPACE for the match limit, AP_REG_ASSERT for the depth
     * limit (util_pcre.c): either way the regex gave no answer. */
    if (!cre->quiet && cors_regex_may_warn(cre->hash)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cre->server,
                     "CORSAllowOriginMatch '%s' (%s:%d) hit PCRE's match "
                     "limit on the origin '%.*s%s', which it therefore does "
                     "not allow: the regex backtracks catastrophically, "
                     "rewrite it (said at most once a minute per regex)",
                     cre->source, cre->file, cre->line,
                     len > 100 ? 100 : (int)len, s, len > 100 ? "..." : "");
    }
    return -1;
}

static apr_status_t cors_regex_free(void *re)
{
    ap_regfree(re);
    return APR_SUCCESS;
}

/*
 * Compile a CORSAllowOriginMatch argument, anchored.  It is compiled on its
 * own first: "a)|(b" is no regular expression, yet wrapped in ^(?:...)$ it
 * compiles, its ')' closing the anchors' group, and "(b)$" is left without
 * its '^'.  The trailing \E ends a \Q the regex may leave open, which
 * would otherwise quote the closing anchors (an isolated \E is ignored).
 */
static const char *cors_regex_compile(cmd_parms *cmd, const char *regex,
                                      cors_regex **out)
{
    ap_regex_t alone;
    cors_regex *cre;
    int rc;

    memset(&alone, 0, sizeof(alone));
    if ((rc = ap_regcomp(&alone, regex, CORS_REGEX_FLAGS)) != 0) {
        const char *why = cors_regex_unbalanced(regex);
        if (!why) {
            why = rc == AP_REG_ESPACE
                      ? "PCRE ran out of memory"
                      : apr_psprintf(cmd->temp_pool,
                                     "PCRE refuses it at offset %d",
                                     (int)alone.re_erroffset);
        }
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not a valid regular expression: %s",
                            cmd->cmd->name, regex, why);
    }
    ap_regfree(&alone);
    if (regex[0] == '(' && regex[1] == '*') {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' starts with '(*': PCRE settings such as "
                            "(*LIMIT_MATCH=n) are not allowed, the module "
                            "sets the match limits",
                            cmd->cmd->name, regex);
    }

    cre = apr_pcalloc(cmd->pool, sizeof(*cre));
    cre->source = apr_pstrdup(cmd->pool, regex);
    cre->server = cmd->server;
    cre->file = cmd->directive ? cmd->directive->filename : "?";
    cre->line = cmd->directive ? cmd->directive->line_num : 0;
    cre->hash = cors_regex_hash(regex);
    rc = ap_regcomp(&cre->re,
                    apr_pstrcat(cmd->temp_pool, cors_regex_limits(),
                                "^(?:", regex, "\\E)$", NULL),
                    CORS_REGEX_FLAGS);
    if (rc != 0) {
        /* (?x) with a trailing '#' comment swallows the closing anchor. */
        return apr_psprintf(cmd->pool,
                            "%s: '%s' cannot be anchored: PCRE refuses "
                            "^(?:...)$ around it",
                            cmd->cmd->name, regex);
    }
    apr_pool_cleanup_register(cmd->pool, &cre->re, cors_regex_free,
                              apr_pool_cleanup_null);
    *out = cre;
    return NULL;
}

/* The section's origin set, made on first use; a CORSAllowOriginMatch-only
 * section is a plain set until a CORSAllowOrigin line says otherwise. */
static cors_origins *cors_section_origins(cmd_parms *cmd, cors_dir_conf *conf,
                                          int edit)
{
    if (!cors_section_set(conf, CORS_FIELD_ORIGINS)) {
        conf->pol.origins =
            cors_origins_make(cmd->pool, edit, cors_regex_match);
    }
    else if (edit && !conf->pol.origins->edit) {
        /* Only regexes so far: the section turns out to edit. */
        conf->pol.origins->edit = 1;
        conf->pol.origins->list = cors_list_make(cmd->pool, 1, NULL);
    }
    cors_mark(cmd, conf, CORS_FIELD_ORIGINS);
    return conf->pol.origins;
}

static const char *cors_set_allow_origin(cmd_parms *cmd, void *dconf,
                                         const char *args)
{
    cors_dir_conf *conf = dconf;
    apr_array_header_t *items = cors_directive_items(cmd, args);
    cors_origins *set;
    const char *err, *risk;
    int edit, i;

    err = cors_directive_form(cmd, items, conf->origin_edit, "origin", &edit);
    if (err) {
        return err;
    }
    conf->origin_edit = edit;
    set = cors_section_origins(cmd, conf, edit);

    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        char op = edit ? item[0] : '+';
        cors_origin origin;

        if (edit) {
            item++;
        }
        err = cors_origin_parse_config(cmd->pool, item, &origin);
        if (err) {
            return apr_psprintf(cmd->pool, "%s: '%s' is not an origin: %s",
                                cmd->cmd->name, item, err);
        }
        if (origin.kind == CORS_ORIGIN_ANY && op == '+'
            && cors_section_set(conf, CORS_FIELD_ORIGINS) && set->maps) {
            return apr_psprintf(cmd->pool,
                                "%s: '*' cannot be used with "
                                "CORSAllowOriginMap in the same section: '*' "
                                "already allows every origin",
                                cmd->cmd->name);
        }
        if (origin.kind == CORS_ORIGIN_ANY && op == '+'
            && conf->pol.credentials) {
            return apr_psprintf(cmd->pool,
                                "%s: '*' cannot be used with "
                                "CORSAllowCredentials On in the same section",
                                cmd->cmd->name);
        }
        if (op == '+' && (risk = cors_suffixes_below(cmd, &origin)) != NULL) {
            if (conf->pol.credentials) {
                return apr_psprintf(cmd->pool,
                                    "%s: '%s' cannot be used with "
                                    "CORSAllowCredentials On in the same "
                                    "section: it %s",
                                    cmd->cmd->name, item, risk);
            }
            cors_warn(cmd, "%s: '%s' %s", cmd->cmd->name, item, risk);
        }
        cors_origins_add(cmd->pool, set, &origin, op == '-');
        if (op == '+' && conf->pol.credentials) {
            cors_warn_origin_risk(cmd, item, &origin);
        }
    }
    return NULL;
}

static const char *cors_set_allow_origin_match(cmd_parms *cmd, void *dconf,
                                               const char *regex)
{
    cors_dir_conf *conf = dconf;
    cors_origin_regex *re;
    cors_regex *compiled = NULL;
    cors_origins *set;
    const char *err;

    if (!*regex) {
        return apr_psprintf(cmd->pool, "%s needs a regular expression",
                            cmd->cmd->name);
    }
    if ((err = cors_regex_compile(cmd, regex, &compiled)) != NULL) {
        return err;
    }

    set = cors_section_origins(cmd, conf, 0);
    /* The canary checks run quietly: what they find is said below. */
    compiled->quiet = 1;
    re = cors_origins_add_regex(cmd->pool, set, compiled, compiled->source);
    compiled->quiet = 0;
    if (cors_regex_unescaped_dot(regex)) {
        cors_warn(cmd,
                  "%s: '%s' has an unescaped '.', which matches any "
                  "character (app.example.com also matches appXexample.com): "
                  "write \\.",
                  cmd->cmd->name, regex);
    }
    if (re->canary && conf->pol.credentials) {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' %s '%s', an origin nobody owns, "
                            "which cannot be used with CORSAllowCredentials "
                            "On in the same section",
                            cmd->cmd->name, regex, cors_canary_verb(re),
                            re->canary);
    }
    if (re->canary_bounded) {
        cors_warn(cmd,
                  "%s: '%s' hits the PCRE match limit on '%s': it "
                  "backtracks catastrophically, and origins on which it "
                  "does are not allowed (nor are credentials, where it "
                  "meets them)",
                  cmd->cmd->name, regex, re->canary);
    }
    return NULL;
}

/*
 * CORSAllowMethods, CORSAllowHeaders, CORSExposeHeaders: one handler, told
 * apart by cmd->info (the kind of list).
 */
typedef enum {
    CORS_LIST_METHODS,
    CORS_LIST_ALLOW_HEADERS,
    CORS_LIST_EXPOSE_HEADERS
} cors_list_kind;

static const char *cors_set_list(cmd_parms *cmd, void *dconf, const char *args)
{
    cors_dir_conf *conf = dconf;
    cors_list_kind kind = (cors_list_kind)(apr_uintptr_t)cmd->info;
    int methods = (kind == CORS_LIST_METHODS);
    const char *noun = methods ? "method" : "header name";
    cors_field field = methods ? CORS_FIELD_METHODS
                       : kind == CORS_LIST_ALLOW_HEADERS
                           ? CORS_FIELD_ALLOW_HEADERS
                           : CORS_FIELD_EXPOSE_HEADERS;
    cors_list **slot =
        (cors_list **)((char *)&conf->pol + cors_fields[field].offset);
    int fresh = !cors_section_set(conf, field);
    apr_array_header_t *items = cors_directive_items(cmd, args);
    const char *err;
    int edit, i;

    err = cors_directive_form(cmd, items, fresh ? CORS_UNSET : (*slot)->edit,
                              noun, &edit);
    if (err) {
        return err;
    }
    if (fresh) {
        /* The slot holds the default, which an edit starts from. */
        *slot = cors_list_make(cmd->pool, edit, *slot);
    }
    cors_mark(cmd, conf, field);
    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        char op = edit ? item[0] : '+';
        apr_size_t len;

        if (edit) {
            item++;
        }
        if (strcmp(item, "*") == 0) {
            cors_list_set_star(*slot, op == '+');
            continue;
        }
        len = strlen(item);
        if (!cors_is_token(item, len)) {
            return apr_psprintf(cmd->pool,
                                "%s: '%s' is not a %s: only "
                                "RFC 9110 token characters are allowed",
                                cmd->cmd->name, item, noun);
        }
        /* Methods are case-sensitive; header names are not, and go out
         * lowercase. */
        if (!methods) {
            item = cors_lowercase(cmd->pool, item, len);
        }
        if (kind == CORS_LIST_EXPOSE_HEADERS && op == '+'
            && (strcmp(item, "set-cookie") == 0
                || strcmp(item, "set-cookie2") == 0)) {
            cors_warn(cmd,
                      "%s: browsers never let scripts read %s, whatever "
                      "this list says",
                      cmd->cmd->name, item);
        }
        if (op == '+') {
            cors_list_add(*slot, item);
        }
        else {
            cors_list_remove(*slot, item);
        }
    }
    cors_list_seal(cmd->pool, *slot);
    return NULL;
}

static const char *cors_set_credentials(cmd_parms *cmd, void *dconf, int on)
{
    cors_dir_conf *conf = dconf;
    const cors_origin_regex *re;

    cors_mark(cmd, conf, CORS_FIELD_CREDENTIALS);

    if (on && cors_section_star(conf)) {
        return apr_psprintf(cmd->pool,
                            "%s: On cannot be used with "
                            "CORSAllowOrigin '*' in the same section",
                            cmd->cmd->name);
    }
    if (on && (re = cors_section_canary(conf)) != NULL) {
        return apr_psprintf(cmd->pool,
                            "%s: On cannot be used with "
                            "CORSAllowOriginMatch '%s' in the same section: "
                            "it %s '%s', an origin nobody owns",
                            cmd->cmd->name, re->source, cors_canary_verb(re),
                            re->canary);
    }
    if (on && cors_section_set(conf, CORS_FIELD_ORIGINS)) {
        const apr_array_header_t *keys = conf->pol.origins->list->order;
        int i;
        for (i = 0; i < keys->nelts; i++) {
            const char *key = APR_ARRAY_IDX(keys, i, const char *);
            const char *risk;
            cors_origin origin;
            if (cors_origin_parse_config(cmd->temp_pool, key, &origin) == NULL
                && (risk = cors_suffixes_below(cmd, &origin)) != NULL) {
                return apr_psprintf(cmd->pool,
                                    "%s: On cannot be used with "
                                    "CORSAllowOrigin '%s' in the same "
                                    "section: it %s",
                                    cmd->cmd->name, key, risk);
            }
        }
    }
    conf->pol.credentials = on;
    cors_warn_credential_risks(cmd, conf);
    return NULL;
}

/* Browsers cap the preflight cache; longer values work but mislead. */
#define CORS_MAX_AGE_CAP 86400
#define CORS_MAX_AGE_MAX 2147483647L

static const char *cors_set_max_age(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    cors_dir_conf *conf = dconf;
    apr_int64_t seconds = 0;
    const char *s;

    cors_mark(cmd, conf, CORS_FIELD_MAX_AGE);
    if (strcasecmp(arg, "Off") == 0) {
        conf->pol.max_age = NULL;
        return NULL;
    }
    for (s = arg; *s; s++) {
        if (!apr_isdigit(*s) || seconds > CORS_MAX_AGE_MAX) {
            break;
        }
        seconds = seconds * 10 + (*s - '0');
    }
    if (!*arg || *s || seconds > CORS_MAX_AGE_MAX) {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not a number of seconds "
                            "from 0 to 2147483647, or Off",
                            cmd->cmd->name, arg);
    }
    if (seconds > CORS_MAX_AGE_CAP) {
        cors_warn(cmd,
                  "%s %s: browsers cap the preflight cache (Firefox at "
                  "86400 seconds, Chromium at 7200), so the longer value "
                  "has no effect",
                  cmd->cmd->name, arg);
    }
    /* Normalised once: leading zeros never reach the header. */
    conf->pol.max_age = apr_psprintf(cmd->pool, "%" APR_INT64_T_FMT, seconds);
    return NULL;
}

/* An On|Off directive; cmd->info is its field. */
static const char *cors_set_flag(cmd_parms *cmd, void *dconf, int on)
{
    cors_field field = (cors_field)(apr_uintptr_t)cmd->info;
    cors_dir_conf *conf = dconf;

    cors_mark(cmd, conf, field);
    *(int *)((char *)&conf->pol + cors_fields[field].offset) = on;
    return NULL;
}

static const char *cors_set_preflight_status(cmd_parms *cmd, void *dconf,
                                             const char *arg)
{
    cors_dir_conf *conf = dconf;

    cors_mark(cmd, conf, CORS_FIELD_PREFLIGHT_STATUS);
    if (strcmp(arg, "200") == 0) {
        conf->pol.preflight_status = HTTP_OK;
    }
    else if (strcmp(arg, "204") == 0) {
        conf->pol.preflight_status = HTTP_NO_CONTENT;
    }
    else {
        return apr_psprintf(cmd->pool, "%s: '%s' must be 200 or 204",
                            cmd->cmd->name, arg);
    }
    return NULL;
}

/*
 * CORSAllowOriginMap: a map is a plain item of the section's origin list
 * (docs/mod_cors.md, "Maps").  Maps read files and run queries with the
 * server's rights, so .htaccess (where cmd->pool is the request's
 * temp_pool, as server/config.c's NOT_IN_HTACCESS check relies on) may
 * only select a <CORSPolicy> that holds one.
 */
static const char *cors_set_allow_origin_map(cmd_parms *cmd, void *dconf,
                                             const char *arg)
{
    cors_dir_conf *conf = dconf;
    cors_origins *set;
    cors_map *map;
    const char *err;

    if (cmd->pool == cmd->temp_pool) {
        return apr_psprintf(cmd->pool,
                            "%s cannot be used in .htaccess: maps read "
                            "files and run queries with the server's "
                            "rights.  Put the map in a <CORSPolicy> in the "
                            "server config and select it here with "
                            "CORSPolicy NAME",
                            cmd->cmd->name);
    }
    if (conf->origin_edit == 1) {
        return apr_psprintf(cmd->pool,
                            "%s cannot be used with CORSAllowOrigin +/- "
                            "edits in one section: a map is a plain item of "
                            "the origin list, which it replaces",
                            cmd->cmd->name);
    }
    if (cors_section_star(conf)) {
        return apr_psprintf(cmd->pool,
                            "%s cannot be used with CORSAllowOrigin '*' in "
                            "the same section: '*' already allows every "
                            "origin",
                            cmd->cmd->name);
    }
    if ((err = cors_map_directive(cmd, arg, &map)) != NULL) {
        return err;
    }
    set = cors_section_origins(cmd, conf, 0);
    conf->origin_edit = 0;
    cors_origins_add_map(cmd->pool, set, map, cors_map_find);
    return NULL;
}

static const char *cors_set_map_ttl(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    cors_dir_conf *conf = dconf;
    apr_int64_t seconds = 0;
    const char *s;

    if (cmd->pool == cmd->temp_pool) {
        return apr_psprintf(cmd->pool,
                            "%s cannot be used in .htaccess: put it beside "
                            "the map, in a <CORSPolicy> in the server config",
                            cmd->cmd->name);
    }
    for (s = arg; *s && apr_isdigit(*s) && seconds <= CORS_MAX_AGE_MAX; s++) {
        seconds = seconds * 10 + (*s - '0');
    }
    if (!*arg || *s || seconds > CORS_MAX_AGE_MAX) {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not a number of seconds from 0 to "
                            "2147483647",
                            cmd->cmd->name, arg);
    }
    cors_mark(cmd, conf, CORS_FIELD_MAP_TTL);
    conf->pol.map_ttl = (int)seconds;
    return NULL;
}

/* Per-server configuration: the table of named policies. */
static void *cors_create_server_conf(apr_pool_t *p, server_rec *s)
{
    cors_server_conf *sconf = apr_palloc(p, sizeof(*sconf));

    sconf->policies = apr_hash_make(p);
    sconf->count = NULL;
    return sconf;
}

/* A <CORSPolicy> of s (a virtual host's own first, then the server's). */
static const cors_dir_conf *cors_find_policy(server_rec *s, const char *name)
{
    const cors_server_conf *sconf;
    const cors_dir_conf *policy = NULL;

    if (s) {
        sconf = ap_get_module_config(s->module_config, &cors_module);
        policy = apr_hash_get(sconf->policies, name, APR_HASH_KEY_STRING);
    }
    if (!policy && ap_server_conf && s != ap_server_conf) {
        sconf =
            ap_get_module_config(ap_server_conf->module_config, &cors_module);
        policy = apr_hash_get(sconf->policies, name, APR_HASH_KEY_STRING);
    }
    return policy;
}

/* A policy name: letters, digits, '-', '_' and '.'. */
static const char *cors_check_policy_name(cmd_parms *cmd, const char *what,
                                          const char *name)
{
    const char *c;

    if (!*name) {
        return apr_psprintf(cmd->pool, "%s needs a policy name", what);
    }
    for (c = name; *c; c++) {
        if (!apr_isalnum(*c) && *c != '-' && *c != '_' && *c != '.') {
            return apr_psprintf(cmd->pool,
                                "%s: '%s' is not a policy name: only "
                                "letters, digits, '-', '_' and '.' are "
                                "allowed",
                                what, name);
        }
    }
    return NULL;
}

static const command_rec cors_cmds[];

const void *cors_map_policy_named(server_rec *s, const char *name)
{
    return cors_find_policy(s, name);
}

/* Whether a directive may stand in a <CORSPolicy>: ours, but CORSEngine
 * (a policy says what is allowed, the scope says whether CORS is on) and
 * CORSPolicy itself. */
static int cors_policy_may_hold(const char *directive)
{
    const command_rec *c;

    if (strcasecmp(directive, "CORSEngine") == 0
        || strcasecmp(directive, "CORSPolicy") == 0) {
        return 0;
    }
    for (c = cors_cmds; c->name; c++) {
        if (strcasecmp(directive, c->name) == 0 && c->name[0] != '<') {
            return 1;
        }
    }
    return 0;
}

/*
 * <CORSPolicy NAME>: its lines are read into a section configuration of
 * their own, with the checks of any section, and kept in the server's
 * table.  The directive is RSRC_CONF, so Apache refuses it inside
 * <Directory>, <Location>, <Files>, <If> and .htaccess.
 */
static const char *cors_policy_section(cmd_parms *cmd, void *dummy,
                                       const char *arg)
{
    cors_server_conf *sconf =
        ap_get_module_config(cmd->server->module_config, &cors_module);
    const char *endp = ap_strrchr_c(arg, '>');
    const ap_directive_t *d;
    ap_conf_vector_t *vector;
    cors_dir_conf *policy;
    const char *name, *err;

    if (!endp) {
        return "<CORSPolicy> directive missing closing '>'";
    }
    arg = apr_pstrmemdup(cmd->temp_pool, arg, (apr_size_t)(endp - arg));
    name = ap_getword_conf(cmd->pool, &arg);
    if ((err = cors_check_policy_name(cmd, "<CORSPolicy>", name)) != NULL) {
        return err;
    }
    if (*arg) {
        return apr_psprintf(
            cmd->pool, "<CORSPolicy %s>: one name only, not '%s'", name, arg);
    }
    if (apr_hash_get(sconf->policies, name, APR_HASH_KEY_STRING)) {
        return apr_psprintf(cmd->pool,
                            "<CORSPolicy %s>: a policy of that name is "
                            "already defined here",
                            name);
    }
    for (d = cmd->directive->first_child; d; d = d->next) {
        if (!cors_policy_may_hold(d->directive)) {
            cmd->err_directive = d;
            return apr_psprintf(cmd->pool,
                                "<CORSPolicy %s>: %s cannot be used in a "
                                "policy: it holds CORS directives only, "
                                "not CORSEngine or CORSPolicy",
                                name, d->directive);
        }
    }

    /* cmd->path is NULL here (server config or <VirtualHost>), so the
     * body is no section of its own for internal redirects. */
    vector = ap_create_per_dir_config(cmd->pool);
    policy = ap_set_config_vectors(cmd->server, vector, cmd->path, &cors_module,
                                   cmd->pool);
    policy->policy_name = name;
    if ((err = ap_walk_config(cmd->directive->first_child, cmd, vector))
        != NULL) {
        return err;
    }
    apr_hash_set(sconf->policies, name, APR_HASH_KEY_STRING, policy);
    return NULL;
}

/* The error for a CORSPolicy line whose name is defined nowhere. */
static const char *cors_unknown_policy(apr_pool_t *p,
                                       const cors_policy_use *use)
{
    return apr_psprintf(p,
                        "CORSPolicy: no <CORSPolicy %s> is defined in this "
                        "virtual host or the server config",
                        use->name);
}

static const char *cors_set_policy(cmd_parms *cmd, void *dconf,
                                   const char *name)
{
    cors_dir_conf *conf = dconf;
    cors_policy_use *use;
    const char *err;

    if ((err = cors_check_policy_name(cmd, cmd->cmd->name, name)) != NULL) {
        return err;
    }
    if (conf->use) {
        return apr_psprintf(cmd->pool,
                            "%s: this section already uses the policy '%s'",
                            cmd->cmd->name, conf->use->name);
    }
    use = apr_pcalloc(cmd->pool, sizeof(*use));
    use->name = apr_pstrdup(cmd->pool, name);
    use->server = cmd->server;
    use->file = cmd->directive ? cmd->directive->filename : "?";
    use->line = cmd->directive ? cmd->directive->line_num : 0;
    conf->use = use;

    if (cors_config_read) {
        /* .htaccess: every policy is known by now. */
        if (!(use->policy = cors_find_policy(cmd->server, name))) {
            return cors_unknown_policy(cmd->pool, use);
        }
    }
    else {
        APR_ARRAY_PUSH(cors_policy_uses, cors_dir_conf *) = conf;
    }
    return NULL;
}

/* clang-format off */
static const command_rec cors_cmds[] = {
    AP_INIT_TAKE1("CORSEngine", cors_set_engine, NULL, OR_FILEINFO,
        "On to apply CORS in this scope, Off (default) to leave responses "
        "alone, ReportOnly to decide and log as On would but change nothing"),
    AP_INIT_RAW_ARGS("CORSAllowOrigin", cors_set_allow_origin, NULL,
        OR_FILEINFO,
        "Origins allowed to read responses: scheme://host[:port], null or *; "
        "+ORIGIN/-ORIGIN edit the inherited list"),
    AP_INIT_TAKE1("CORSAllowOriginMatch", cors_set_allow_origin_match, NULL,
        OR_FILEINFO,
        "A regular expression an allowed origin must match in full"),
    AP_INIT_RAW_ARGS("CORSAllowMethods", cors_set_list,
        (void *)CORS_LIST_METHODS, OR_FILEINFO,
        "Methods cross-origin requests may use (GET HEAD POST always), or *; "
        "+METHOD/-METHOD edit the inherited list"),
    AP_INIT_RAW_ARGS("CORSAllowHeaders", cors_set_list,
        (void *)CORS_LIST_ALLOW_HEADERS, OR_FILEINFO,
        "Request headers cross-origin requests may send, or *; "
        "+NAME/-NAME edit the inherited list"),
    AP_INIT_RAW_ARGS("CORSExposeHeaders", cors_set_list,
        (void *)CORS_LIST_EXPOSE_HEADERS, OR_FILEINFO,
        "Response headers scripts may read beyond the safelisted ones, or *; "
        "+NAME/-NAME edit the inherited list"),
    AP_INIT_FLAG("CORSAllowCredentials", cors_set_credentials, NULL,
        OR_FILEINFO,
        "On to send Access-Control-Allow-Credentials: true (never with *)"),
    AP_INIT_TAKE1("CORSMaxAge", cors_set_max_age, NULL, OR_FILEINFO,
        "Seconds browsers may cache a preflight (0 to 2147483647), or Off "
        "(default) to send no Access-Control-Max-Age"),
    AP_INIT_FLAG("CORSAllowPrivateNetwork", cors_set_flag,
        (void *)CORS_FIELD_PRIVATE_NETWORK, OR_FILEINFO,
        "On to answer Access-Control-Request-Private-Network: true"),
    AP_INIT_TAKE1("CORSPreflightStatus", cors_set_preflight_status, NULL,
        OR_FILEINFO,
        "Status of an allowed preflight: 204 (default) or 200"),
    AP_INIT_FLAG("CORSPreflightPassthrough", cors_set_flag,
        (void *)CORS_FIELD_PASSTHROUGH, OR_FILEINFO,
        "On to let the handler answer preflights (the module adds headers "
        "when allowed)"),
    AP_INIT_FLAG("CORSPreflightBypassAuth", cors_set_flag,
        (void *)CORS_FIELD_BYPASS_AUTH, OR_FILEINFO,
        "On (default) to answer preflights without authentication; Require "
        "rules that need no user still apply"),
    AP_INIT_FLAG("CORSRejectDisallowed", cors_set_flag,
        (void *)CORS_FIELD_REJECT, OR_FILEINFO,
        "On to answer cross-origin requests from disallowed origins with 403 "
        "and disallowed methods with 405"),
    AP_INIT_TAKE1("CORSAllowOriginMap", cors_set_allow_origin_map, NULL,
        OR_FILEINFO,
        "Origins, and optionally a policy for each, from txt:PATH, "
        "dbm[=TYPE]:PATH or dbd:QUERY (not in .htaccess)"),
    AP_INIT_TAKE1("CORSAllowOriginMapTTL", cors_set_map_ttl, NULL,
        OR_FILEINFO,
        "Seconds a dbd: map's answer is reused (default 60; not in "
        ".htaccess)"),
    AP_INIT_FLAG("CORSCrossOriginProtection", cors_set_flag,
        (void *)CORS_FIELD_CROSS_ORIGIN, OR_FILEINFO,
        "On to refuse state-changing requests (not GET, HEAD or OPTIONS) "
        "from other sites, by Sec-Fetch-Site or Origin, with 403"),
    AP_INIT_TAKE1("CORSPolicy", cors_set_policy, NULL, OR_FILEINFO,
        "A <CORSPolicy> to start this scope from; the scope's own CORS lines "
        "apply on top of it"),
    AP_INIT_RAW_ARGS("<CORSPolicy", cors_policy_section, NULL, RSRC_CONF,
        "A named set of CORS directives that scopes use with CORSPolicy "
        "NAME (server config and virtual host only)"),
    { NULL }
};
/* clang-format on */

/* -------------------------------------------------------------------- */
/* Request time                                                          */

static const cors_dir_conf *cors_conf(const request_rec *r)
{
    const cors_dir_conf *conf =
        ap_get_module_config(r->per_dir_config, &cors_module);

    /* Only the server's own configuration reaches a request unmerged; its
     * CORSPolicy was applied when the configuration was read. */
    return conf->with_policy ? conf->with_policy : conf;
}

/*
 * The chain r belongs to, or NULL when the module must leave r alone:
 * subrequests (mod_include, DirectoryIndex lookups; only the response that
 * goes to the client is decorated), "OPTIONS *" (the server's), and every
 * request Apache refused before it had read it whole (400, 408, 414, 431,
 * ...: r->method may be NULL there, and the response is Apache's alone).
 */
static cors_chain *cors_chain_of(const request_rec *r)
{
    if (r->main) {
        return NULL;
    }
    while (r->prev) {
        r = r->prev;
    }
    return ap_get_module_config(r->request_config, &cors_module);
}

/* Whether r serves an error document: some earlier request of its chain
 * failed (internal_internal_redirect() copies that status into r). */
static int cors_error_redirect(const request_rec *r)
{
    for (r = r->prev; r; r = r->prev) {
        if (ap_is_HTTP_ERROR(r->status)) {
            return 1;
        }
    }
    return 0;
}

/*
 * The request whose policy governs r's response: the last request of the
 * chain (r included) whose content has CORS configured by a section of its
 * own, else the one the client sent.  So one tenant's .htaccess that
 * rewrites or ErrorDocuments to another's file gets that file's policy,
 * while an unconfigured error page or front controller keeps the policy of
 * the URL asked for (docs/mod_cors.md, "Internal redirects").
 */
static const request_rec *cors_governor(const request_rec *r)
{
    for (; r->prev; r = r->prev) {
        if (cors_scoped(cors_conf(r))) {
            return r;
        }
    }
    return r;
}

/*
 * Origin and the Access-Control-Request-* headers of an OPTIONS request, in
 * one pass over the request headers (four apr_table_get() would make four).
 * httpd (HTTP/1.x and mod_http2 alike) merges repeated request headers into
 * one with ", ", so two Origin headers fail the syntax check, as
 * docs/mod_cors.md ("Checking the request's Origin") says they must; the
 * first entry of each name is the whole value.
 */
#define CORS_REQUEST_HEADER_PREFIX "Access-Control-Request-"
#define CORS_REQUEST_HEADER_PREFIX_LEN (sizeof(CORS_REQUEST_HEADER_PREFIX) - 1)

static void cors_read_preflight_headers(const apr_table_t *in,
                                        cors_request *req)
{
    const apr_array_header_t *arr = apr_table_elts(in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        const char *k = e[i].key;
        if (!k) {
            continue;
        }
        if ((k[0] == 'O' || k[0] == 'o') && strcasecmp(k, "Origin") == 0) {
            if (!req->origin) {
                req->origin = e[i].val;
            }
        }
        else if (cors_starts_access(k)
                 && strncasecmp(k, CORS_REQUEST_HEADER_PREFIX,
                                CORS_REQUEST_HEADER_PREFIX_LEN)
                        == 0) {
            const char *rest = k + CORS_REQUEST_HEADER_PREFIX_LEN;
            const char **slot =
                strcasecmp(rest, "Method") == 0    ? &req->request_method
                : strcasecmp(rest, "Headers") == 0 ? &req->request_headers
                : strcasecmp(rest, "Private-Network") == 0
                    ? &req->request_private
                    : NULL;
            if (slot && !*slot) {
                *slot = e[i].val;
            }
        }
    }
}

/*
 * Whether the request's Origin is allowed through a map of the policy's
 * origin list (docs/mod_cors.md, "Maps"), and with which settings: those
 * of conf, or, where the entry names a <CORSPolicy>, conf with that policy
 * merged on top, conf's origin list kept.
 */
static const cors_dir_conf *
cors_map_origin(request_rec *r, const cors_dir_conf *conf, cors_request *req)
{
    cors_map_ctx ctx;
    const void *named = NULL;
    cors_dir_conf *eff;

    ctx.r = r;
    ctx.ttl = conf->pol.map_ttl;
    if (!cors_origins_map_find(r->pool, conf->pol.origins, req->origin, &ctx,
                               &named)) {
        return conf;
    }
    req->origin_mapped = 1;
    if (!named) {
        return conf;
    }
    eff = apr_pmemdup(r->pool,
                      cors_merge_confs(r->pool, (cors_dir_conf *)conf,
                                       (cors_dir_conf *)named),
                      sizeof(*eff));
    eff->pol.origins = conf->pol.origins;
    return eff;
}

/*
 * The Host header, as apr_table_get(in, "Host") finds it but without its
 * key checksum and strcasecmp(): cross-origin protection reads it for every
 * state-changing request without Fetch Metadata, and Host is nearly always
 * the first header.  ('x' | 0x20 is 'x' lowercase for the letters here.)
 */
static const char *cors_host_header(const apr_table_t *in)
{
    const apr_array_header_t *arr = apr_table_elts(in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        const char *k = e[i].key;
        if (k && (k[0] | 0x20) == 'h' && (k[1] | 0x20) == 'o'
            && (k[2] | 0x20) == 's' && (k[3] | 0x20) == 't' && !k[4]) {
            return e[i].val;
        }
    }
    return NULL;
}

/*
 * The decision for r: made once per governing request and policy, and kept
 * on the chain, so that every request of an internal-redirect chain that
 * one policy governs shares it (a refusal included).  NULL where
 * CORSEngine is Off.
 */
static cors_state *cors_state_of(request_rec *r, cors_chain *ch)
{
    const request_rec *governor = cors_governor(r);
    const cors_dir_conf *conf = cors_conf(governor);
    cors_state *st;
    cors_request req;

    if (conf->pol.engine != CORS_ENGINE_ON
        && conf->pol.engine != CORS_ENGINE_REPORT) {
        return NULL;
    }
    for (st = ch->states; st; st = st->next) {
        if (st->governor == governor && st->key == conf) {
            return st;
        }
    }

    /* cors_decide() fills st->verdict whole; the rest is set here. */
    st = apr_palloc(r->pool, sizeof(*st));
    st->governor = governor;
    st->key = st->conf = conf;
    st->expose = st->vary = NULL;
    st->expose_done = st->written = st->answered = st->refused = 0;
    st->acted = st->would_answer = 0;
    st->report = conf->pol.engine == CORS_ENGINE_REPORT;
    st->shadow = NULL;
    st->next = ch->states;
    ch->states = st;

    /* The facts of the request the client sent: its method (a local
     * ErrorDocument is fetched with GET, but a preflight stays a preflight
     * for the whole chain) and its headers, which the chain shares.  The
     * Access-Control-Request-* headers only matter to a preflight, which
     * is an OPTIONS request. */
    memset(&req, 0, sizeof(req));
    req.method = ch->method;
    if (ch->method_number == M_OPTIONS) {
        cors_read_preflight_headers(r->headers_in, &req);
    }
    else {
        req.origin = apr_table_get(r->headers_in, "Origin");
    }
    if (req.origin && cors_origins_maps(conf->pol.origins)) {
        conf = st->conf = cors_map_origin(r, conf, &req);
    }
    if (conf->pol.reject && req.origin) {
        /* The server's own origin as Apache sees it (scheme, host and port
         * from the request and UseCanonicalName), never X-Forwarded-*. */
        req.self = ap_construct_url(r->pool, "", r);
    }
    if (conf->pol.cross_origin && ch->method_number != M_GET
        && ch->method_number != M_OPTIONS) {
        /* Cross-origin protection's facts, read only for the methods it
         * judges (M_GET is GET and HEAD); Host only where the decision
         * consults it, without Fetch Metadata. */
        req.fetch_site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
        if (!req.fetch_site) {
            req.host = cors_host_header(r->headers_in);
        }
        req.error_document = cors_error_redirect(r);
    }
    cors_decide(r->pool, &conf->pol, &req, &st->verdict);
    st->origin = req.origin;
    st->request_method = req.request_method;
    st->request_headers = req.request_headers;

    if (st->verdict.reason) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "%s denied: %s",
                      st->verdict.preflight ? "preflight" : "request",
                      st->verdict.reason);
    }
    if (st->verdict.credentials_dropped && req.origin) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      "CORSAllowCredentials On is ignored for %s: it meets "
                      "CORSAllowOrigin '*' or a CORSAllowOriginMatch that "
                      "matches an origin nobody owns through merging, so no "
                      "Access-Control-Allow-Credentials is sent",
                      r->uri);
    }
    return st;
}

/* Our value for a response header, or NULL if we do not send it. */
static const char *cors_our_value(const cors_state *st, const char *name)
{
    const cors_verdict *v = &st->verdict;
    const char *n = name + CORS_HEADER_PREFIX_LEN;

    if (strcasecmp(n, "Expose-Headers") == 0) {
        return st->expose;
    }
    if (strcasecmp(n, "Allow-Origin") == 0) {
        return v->allow_origin;
    }
    if (strcasecmp(n, "Allow-Credentials") == 0) {
        return v->allow_credentials;
    }
    if (strcasecmp(n, "Allow-Methods") == 0) {
        return v->allow_methods;
    }
    if (strcasecmp(n, "Allow-Headers") == 0) {
        return v->allow_headers;
    }
    if (strcasecmp(n, "Max-Age") == 0) {
        return v->max_age;
    }
    if (strcasecmp(n, "Allow-Private-Network") == 0) {
        return v->allow_private_network;
    }
    return NULL;
}

/* An Access-Control-* header name.  cors_starts_access() rules out most
 * names before the comparison. */
static APR_INLINE int cors_is_access_control_header(const char *key)
{
    return key && cors_starts_access(key)
           && strncasecmp(key, CORS_HEADER_PREFIX, CORS_HEADER_PREFIX_LEN) == 0;
}

/* Remove every Access-Control-* header from t; a debug line names each one
 * someone else set, for admins retiring their old mod_headers lines. */
static void cors_strip(request_rec *r, apr_table_t *t, const cors_state *st)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    apr_array_header_t *names = NULL;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        const char *ours;
        if (!cors_is_access_control_header(e[i].key)) {
            continue;
        }
        if (!names) {
            names = apr_array_make(r->pool, 4, sizeof(const char *));
        }
        APR_ARRAY_PUSH(names, const char *) = e[i].key;
        ours = cors_our_value(st, e[i].key);
        if (!ours || !e[i].val || strcmp(ours, e[i].val) != 0) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                          "removed '%s: %s' set by the handler, a backend or "
                          "another module: mod_cors writes Access-Control-* "
                          "headers in its scope",
                          e[i].key, e[i].val ? e[i].val : "");
        }
    }
    for (i = 0; names && i < names->nelts; i++) {
        apr_table_unset(t, APR_ARRAY_IDX(names, i, const char *));
    }
}

/* The Vary lines of a response, both tables (apr_table_do visits only the
 * entries of that name). */
typedef struct {
    const char *vals[8];
    int n;
    int overflow;
} cors_vary_lines;

static int cors_vary_collect(void *ctx, const char *key, const char *val)
{
    cors_vary_lines *lines = ctx;

    if (lines->n < (int)(sizeof(lines->vals) / sizeof(lines->vals[0]))) {
        lines->vals[lines->n++] = val;
    }
    else {
        lines->overflow = 1;
    }
    return 1;
}

static void cors_vary_lines_of(request_rec *r, cors_vary_lines *lines)
{
    lines->n = lines->overflow = 0;
    apr_table_do(cors_vary_collect, lines, r->headers_out, "Vary", NULL);
    apr_table_do(cors_vary_collect, lines, r->err_headers_out, "Vary", NULL);
}

/*
 * Merge the tokens of a ", "-separated list into Vary, each once: set it
 * as it is when the response has no Vary yet (the common case), else add
 * only the missing tokens.  (More than 8 Vary lines: merge every token and
 * leave the de-duplication to the HTTP header filter's fixup_vary.)  Returns
 * the first Vary line of headers_out as it now stands, so that CORS_LATE
 * can tell whether anyone replaced it.
 */
static const char *cors_vary_merge(request_rec *r, const char *tokens)
{
    cors_vary_lines lines;
    apr_array_header_t *missing;
    int i;

    if (!apr_table_get(r->headers_out, "Vary")
        && !apr_table_get(r->err_headers_out, "Vary")) {
        apr_table_addn(r->headers_out, "Vary", tokens);
        return tokens;
    }
    cors_vary_lines_of(r, &lines);
    missing = cors_vary_missing(r->pool, lines.vals,
                                lines.overflow ? 0 : lines.n, tokens);
    for (i = 0; i < missing->nelts; i++) {
        apr_table_mergen(r->headers_out, "Vary",
                         APR_ARRAY_IDX(missing, i, const char *));
    }
    return apr_table_get(r->headers_out, "Vary");
}

/*
 * With credentials, CORSExposeHeaders * names the response's own headers:
 * those present now that the expose list lets through, lowercase, once.
 */
static const char *cors_expose_response_names(request_rec *r,
                                              const cors_state *st)
{
    apr_table_t *tables[2];
    apr_hash_t *seen = apr_hash_make(r->pool);
    apr_array_header_t *names =
        apr_array_make(r->pool, 8, sizeof(const char *));
    int t, i;

    /* The listed names first, each once; then the response's others. */
    if (st->verdict.expose_headers) {
        apr_array_header_t *listed =
            cors_list_items(r->pool, st->conf->pol.expose_headers);
        for (i = 0; i < listed->nelts; i++) {
            const char *name = APR_ARRAY_IDX(listed, i, const char *);
            apr_hash_set(seen, name, APR_HASH_KEY_STRING, name);
        }
        APR_ARRAY_PUSH(names, const char *) = st->verdict.expose_headers;
    }
    tables[0] = r->headers_out;
    tables[1] = r->err_headers_out;
    for (t = 0; t < 2; t++) {
        const apr_array_header_t *arr = apr_table_elts(tables[t]);
        const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
        for (i = 0; i < arr->nelts; i++) {
            apr_size_t len;
            char *name;
            if (!e[i].key || cors_is_access_control_header(e[i].key)) {
                continue;
            }
            len = strlen(e[i].key);
            name = cors_lowercase(r->pool, e[i].key, len);
            if (apr_hash_get(seen, name, (apr_ssize_t)len)
                || !cors_list_has(st->conf->pol.expose_headers, name, len)) {
                continue;
            }
            apr_hash_set(seen, name, (apr_ssize_t)len, name);
            APR_ARRAY_PUSH(names, const char *) = name;
        }
    }
    return names->nelts ? cors_join(r->pool, names) : NULL;
}

/* One of our headers, when it has a value.  cors_strip() has just removed
 * every Access-Control-* line, so adding cannot make a duplicate (and is
 * cheaper than setn's search). */
static APR_INLINE void cors_add_header(request_rec *r, cors_state *st,
                                       const char *name, const char *value)
{
    if (value) {
        apr_table_addn(r->headers_out, name, value);
        st->written++;
    }
}

/* Write the verdict into r's response headers: ours replace anyone else's,
 * and Vary is merged.  (CORS_RESULT is set when the request is logged.) */
static void cors_write(request_rec *r, cors_state *st)
{
    const cors_verdict *v = &st->verdict;

    /* Settled once, on the first pass, from the response as it stands:
     * CORS_LATE then writes (and recognises) the same value. */
    if (!st->expose_done) {
        st->expose = v->expose_response_names
                         ? cors_expose_response_names(r, st)
                         : v->expose_headers;
        if (!v->allow_origin) {
            st->expose = NULL;
        }
        st->expose_done = 1;
    }
    cors_strip(r, r->headers_out, st);
    cors_strip(r, r->err_headers_out, st);

    st->written = 0;
    cors_add_header(r, st, "Access-Control-Allow-Origin", v->allow_origin);
    cors_add_header(r, st, "Access-Control-Allow-Credentials",
                    v->allow_credentials);
    cors_add_header(r, st, "Access-Control-Allow-Methods", v->allow_methods);
    cors_add_header(r, st, "Access-Control-Allow-Headers", v->allow_headers);
    cors_add_header(r, st, "Access-Control-Max-Age", v->max_age);
    cors_add_header(r, st, "Access-Control-Allow-Private-Network",
                    v->allow_private_network);
    cors_add_header(r, st, "Access-Control-Expose-Headers", st->expose);
    if (v->vary) {
        st->vary = cors_vary_merge(r, v->vary);
    }
    if (v->allow) {
        /* ap_send_error_response() writes its own Allow (from r->allowed,
         * with TRACE) after the fixups return; this filter runs on that
         * error response, and replaces it. */
        apr_table_setn(r->headers_out, "Allow", v->allow);
    }
}

/*
 * The verdict for the response actually sent: a preflight the module did not
 * answer is settled by what the server did (cors_verdict_served()).  r is
 * the request whose response is sent.
 */
static void cors_settle_preflight(const request_rec *r, cors_state *st)
{
    int answered = st->answered;

    if (!st->verdict.preflight) {
        return;
    }
    /* Under ReportOnly, On would have answered a preflight that reached
     * its fixups or that it would have let past authentication, and one
     * that something else (a mod_rewrite or mod_headers recipe in fixups)
     * answers without an error today: the module's verdict stands.  One the
     * server refuses first is refused under On too. */
    if (st->report) {
        answered = st->would_answer || !ap_is_HTTP_ERROR(r->status);
    }
    cors_verdict_served(r->pool, &st->conf->pol, &st->verdict, answered,
                        r->status, cors_error_redirect(r));
}

/*
 * Whether the response still carries exactly what cors_write() wrote: our
 * Access-Control-* lines (same values, nothing else of that prefix, none in
 * err_headers_out) and our Vary tokens.  One pass over the headers, so that
 * CORS_LATE costs little when, as usual, nobody added anything after us.
 */
static int cors_intact(request_rec *r, const cors_state *st)
{
    const cors_verdict *v = &st->verdict;
    const apr_array_header_t *arr;
    const apr_table_entry_t *e;
    int i, seen = 0;

    /* cors_write() added our values by pointer: anything else under the
     * prefix, or in err_headers_out, was added after it. */
    arr = apr_table_elts(r->headers_out);
    e = (const apr_table_entry_t *)arr->elts;
    for (i = 0; i < arr->nelts; i++) {
        const char *val = e[i].val;
        if (!cors_is_access_control_header(e[i].key)) {
            continue;
        }
        if (!val
            || (val != v->allow_origin && val != v->allow_credentials
                && val != v->allow_methods && val != v->allow_headers
                && val != v->max_age && val != v->allow_private_network
                && val != st->expose)) {
            return 0;
        }
        seen++;
    }
    arr = apr_table_elts(r->err_headers_out);
    e = (const apr_table_entry_t *)arr->elts;
    for (i = 0; i < arr->nelts; i++) {
        if (cors_is_access_control_header(e[i].key)) {
            return 0;
        }
    }
    /* mod_headers may replace Vary ("Header set Vary ...") and drop Origin
     * with it; our line, by pointer, tells it was left alone. */
    return seen == st->written
           && (!v->vary || apr_table_get(r->headers_out, "Vary") == st->vary);
}

/*
 * Whether a filter between CORS and the protocol filters may still touch
 * the response headers (mod_headers' FIXUP_HEADERS_OUT/ERR, mod_lua, any
 * filter we do not know): then CORS_LATE goes in after them.  mod_cache's
 * save filters and the compressors only add their own Vary token.
 */
static int cors_later_writers(ap_filter_t *f)
{
    for (; f && f->frec->ftype < AP_FTYPE_PROTOCOL; f = f->next) {
        const char *name = f->frec->name;
        if (strcasecmp(name, "CACHE_SAVE") != 0
            && strcasecmp(name, "CACHE_SAVE_SUBREQ") != 0
            && strcasecmp(name, "DEFLATE") != 0
            && strcasecmp(name, "BROTLI_COMPRESS") != 0) {
            return 1;
        }
    }
    return 0;
}

/* CORS: write on the first brigade, then step aside. */
static apr_status_t cors_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    cors_state *st = f->ctx;

    cors_settle_preflight(f->r, st);
    cors_write(f->r, st);
    if (cors_later_writers(f->next)) {
        ap_add_output_filter_handle(cors_late_filter_handle, st, f->r,
                                    f->r->connection);
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* CORS_LATE: after every content filter (mod_headers' "Header set
 * Access-Control-..." included), put back what CORS wrote if anything
 * changed it. */
static apr_status_t cors_late_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    cors_state *st = f->ctx;

    if (!cors_intact(f->r, st)) {
        cors_write(f->r, st);
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* -------------------------------------------------------------------- */
/* CORSEngine ReportOnly: what On would send beside what goes out         */

/* The five headers cors_shadow_compare() judges, in its order. */
static const char *const cors_shadow_headers[] = {
    "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers"};

static const char **cors_shadow_slot(cors_shadow_side *side, int i)
{
    switch (i) {
    case 0:
        return &side->allow_origin;
    case 1:
        return &side->allow_credentials;
    case 2:
        return &side->allow_methods;
    case 3:
        return &side->allow_headers;
    default:
        return &side->expose_headers;
    }
}

/*
 * Whether the header name key, len bytes long (8 or more), is pat, a
 * lowercase name of letters and '-': eight bytes at a time, each byte of
 * key ORed with 0x20, which folds an ASCII letter to lowercase and leaves
 * '-' as it is (only a CR, which no header name holds, would pass for it).
 */
static int cors_name_is(const char *key, const char *pat, apr_size_t len)
{
    const apr_uint64_t fold = APR_UINT64_C(0x2020202020202020);
    apr_uint64_t a, b;
    apr_size_t i;

    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&a, key + i, 8);
        memcpy(&b, pat + i, 8);
        if ((a | fold) != b) {
            return 0;
        }
    }
    if (i < len) {
        memcpy(&a, key + len - 8, 8);
        memcpy(&b, pat + len - 8, 8);
        return (a | fold) == b;
    }
    return 1;
}

/* Which of the five a response header is (by its length first), or -1. */
static int cors_shadow_which(const char *key)
{
    apr_size_t len;

    /* "Acce" and then 's' (not Accept-Ranges), byte by byte: most names
     * stop at the first. */
    if (!key || (key[0] | 0x20) != 'a' || (key[1] | 0x20) != 'c'
        || (key[2] | 0x20) != 'c' || (key[3] | 0x20) != 'e'
        || (key[4] | 0x20) != 's') {
        return -1;
    }
    switch (len = strlen(key)) {
    case 27:
        return cors_name_is(key, "access-control-allow-origin", len) ? 0 : -1;
    case 32:
        return cors_name_is(key, "access-control-allow-credentials", len) ? 1
                                                                          : -1;
    case 28:
        return cors_name_is(key, "access-control-allow-methods", len)   ? 2
               : cors_name_is(key, "access-control-allow-headers", len) ? 3
                                                                        : -1;
    case 29:
        return cors_name_is(key, "access-control-expose-headers", len) ? 4 : -1;
    default:
        return -1;
    }
}

/*
 * The response's five headers from one table, each line joined to the ones
 * before it with ", " as a browser combines them.  One pass, and the first
 * byte rules out most names.
 */
static void cors_shadow_read(apr_pool_t *p, const apr_table_t *t,
                             cors_shadow_side *got)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i, k;

    for (i = 0; i < arr->nelts; i++) {
        const char **slot;
        if ((k = cors_shadow_which(e[i].key)) < 0) {
            continue;
        }
        slot = cors_shadow_slot(got, k);
        *slot = !*slot ? (e[i].val ? e[i].val : "")
                       : apr_pstrcat(p, *slot, ", ", e[i].val ? e[i].val : "",
                                     NULL);
    }
}

/* What cors_shadow_compare() asks for when the expose lists differ: every
 * header name of the response r. */
static const apr_array_header_t *cors_shadow_names(void *baton)
{
    request_rec *r = baton;
    const apr_array_header_t *arr = apr_table_elts(r->headers_out);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    apr_array_header_t *names =
        apr_array_make(r->pool, arr->nelts + 1, sizeof(const char *));
    int i;

    for (i = 0; i < arr->nelts; i++) {
        if (e[i].key) {
            APR_ARRAY_PUSH(names, const char *) = e[i].key;
        }
    }
    return names;
}

/*
 * Judge the response r sent against what CORSEngine On would have sent, as
 * a browser would (modules/cors_shadow.c), and keep CORS_SHADOW on the
 * decision.  Called when r is logged: by then r->headers_out holds every
 * header that went out, whoever set it (the handler, a proxied backend,
 * mod_headers' filters, "Header always" included): the HTTP header filter
 * (modules/http/http_filters.c) and mod_http2 merge err_headers_out into it
 * before they write the response.
 */
static void cors_shadow_judge(request_rec *r, cors_state *st)
{
    const cors_verdict *v = &st->verdict;
    cors_shadow_request req;
    cors_shadow_side want, got;
    const char *diff;
    int k;

    /* A preflight answered by someone else: what On would have answered. */
    cors_settle_preflight(r, st);

    req.origin = st->origin;
    req.preflight = v->preflight;
    req.request_method = st->request_method;
    req.request_headers = st->request_headers;
    req.response_names = cors_shadow_names;
    req.baton = r;

    memset(&got, 0, sizeof(got));
    cors_shadow_read(r->pool, r->headers_out, &got);
    got.ok_status = ap_is_HTTP_SUCCESS(r->status);

    want.allow_origin = v->allow_origin;
    want.allow_credentials = v->allow_credentials;
    want.allow_methods = v->allow_methods;
    want.allow_headers = v->allow_headers;
    want.expose_headers = NULL;
    if (v->allow_origin) {
        want.expose_headers = v->expose_response_names
                                  ? cors_expose_response_names(r, st)
                                  : v->expose_headers;
    }
    want.ok_status = v->result == CORS_RESULT_PREFLIGHT_OK;

    if (!(diff = cors_shadow_compare(&req, &want, &got))) {
        st->shadow = cors_shadow_match;
        return;
    }
    st->shadow = diff;
    for (k = 0; k < 4 && strcasecmp(diff + 9, cors_shadow_headers[k]) != 0;
         k++) {
        continue;
    }
    ap_log_rerror(
        APLOG_MARK, APLOG_DEBUG, 0, r,
        "CORSEngine ReportOnly: %s for %s: On would send "
        "%s: '%s'%s, the response (status %d) has '%s'",
        st->shadow, r->uri, cors_shadow_headers[k],
        *cors_shadow_slot(&want, k) ? *cors_shadow_slot(&want, k) : "(none)",
        v->preflight && !want.ok_status ? " (refusing it)" : "", r->status,
        *cors_shadow_slot(&got, k) ? *cors_shadow_slot(&got, k) : "(none)");
}

static void cors_insert_filter(request_rec *r)
{
    cors_chain *ch;
    cors_state *st;

    if (!(ch = cors_chain_of(r)) || !(st = cors_state_of(r, ch))) {
        return;
    }
    /* Under ReportOnly nothing is written: the response is judged when it
     * is logged. */
    if (!st->report) {
        ap_add_output_filter_handle(cors_filter_handle, st, r, r->connection);
    }
}

/* A preflight, or a request cross-origin protection refuses, answered
 * here: the handler never runs. */
static int cors_answer(request_rec *r, cors_state *st)
{
    /* A body sent with the request is read and dropped by Apache when the
     * request is finalized (ap_finalize_request_protocol() in
     * server/protocol.c), so it is never taken for the next request on
     * the connection (t/preflight.t sends one; so does t/cross_origin.t).
     * The status is the answer's by then, so a client waiting for "100
     * Continue" gets none (modules/http/http_filters.c). */
    st->answered = 1;
    cors_write(r, st);

    r->status = st->verdict.status;
    if (st->verdict.body) {
        ap_set_content_type(r, "text/plain");
        ap_set_content_length(r, (apr_off_t)strlen(st->verdict.body));
        ap_rputs(st->verdict.body, r);
    }
    else if (r->status == HTTP_OK) {
        ap_set_content_length(r, 0);
    }
    else {
        apr_table_unset(r->headers_out, "Content-Length");
    }
    return DONE;
}

/*
 * The request's preflight answer, or its refusal by cross-origin
 * protection or CORSRejectDisallowed, before its handler runs, as the
 * verdict of the policy that governs it says.  Once per governing policy
 * of a chain: a later request of the chain that the same policy governs
 * has nothing new to decide.
 */
static int cors_act(request_rec *r, cors_state *st)
{
    if (st->acted) {
        return DECLINED;
    }
    st->acted = 1;
    /* An error document is served as the error it stands for: it is never
     * answered as a preflight, nor refused again. */
    if (!st->verdict.status || cors_error_redirect(r)) {
        return DECLINED;
    }
    if (st->report) {
        /* Whatever answers or serves it today still does; what On would
         * have done is logged. */
        if (st->verdict.preflight) {
            st->would_answer = 1;
        }
        else {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                          "CORSEngine ReportOnly: On would refuse %s with "
                          "%d (not sent): %s",
                          r->uri, st->verdict.status, st->verdict.reason);
        }
        return DECLINED;
    }
    if (st->verdict.preflight) {
        return cors_answer(r, st);
    }
    st->refused = 1;
    if (st->verdict.body) {
        /* Cross-origin protection: the module's own one-line 403, like a
         * refused preflight's; ErrorDocument is not consulted. */
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "CORSCrossOriginProtection: %d for %s: %s",
                      st->verdict.status, r->uri, st->verdict.reason);
        return cors_answer(r, st);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                  "CORSRejectDisallowed: %d for %s: %s", st->verdict.status,
                  r->uri, st->verdict.reason);
    return st->verdict.status;
}

/*
 * Fixups, last of all: by then mod_dir has switched a directory request to
 * its index file (whose configuration the request now has), and a
 * per-directory mod_rewrite rule that rewrites internally has set
 * redirect-handler; the redirected request then decides in its own fixups,
 * by the policy of the content it serves (docs/mod_cors.md, "Internal
 * redirects").
 */
static int cors_fixups(request_rec *r)
{
    cors_chain *ch;
    cors_state *st;

    if (!(ch = cors_chain_of(r)) || !(st = cors_state_of(r, ch))
        || (r->handler && strcmp(r->handler, "redirect-handler") == 0)) {
        return DECLINED;
    }
    return cors_act(r, st);
}

/*
 * Fixups, first of all, for the one answer that cannot wait: a preflight to
 * a directory without its trailing slash, which mod_dir (DirectorySlash,
 * in fixups) would answer with a 301 that fails the preflight in every
 * browser.  The preflight is about the directory URL itself.
 */
static int cors_fixups_first(request_rec *r)
{
    cors_chain *ch;
    cors_state *st;
    apr_size_t len;

    if (r->finfo.filetype != APR_DIR || (r->path_info && *r->path_info)
        || !r->uri || (len = strlen(r->uri)) == 0 || r->uri[len - 1] == '/'
        || !(ch = cors_chain_of(r)) || ch->method_number != M_OPTIONS
        || !(st = cors_state_of(r, ch)) || !st->verdict.preflight) {
        return DECLINED;
    }
    return cors_act(r, st);
}

/*
 * access_checker_ex runs "first wins" and mod_authz_core's userless check
 * comes before us: we are asked only when the outcome would need a user,
 * which a preflight never has.
 */
static int cors_bypass_auth(request_rec *r)
{
    cors_chain *ch;
    cors_state *st;

    /* The decision made here is the one the fixups answer from: whether
     * the request is a preflight is decided in one place, cors_decide(). */
    if (!(ch = cors_chain_of(r)) || ch->method_number != M_OPTIONS
        || cors_error_redirect(r) || !(st = cors_state_of(r, ch))
        || !st->verdict.preflight || !st->conf->pol.bypass_auth
        || st->conf->pol.passthrough) {
        return DECLINED;
    }
    if (st->report) {
        /* On would let it through to be answered: that is its verdict,
         * whatever authentication makes of it now. */
        st->would_answer = 1;
        return DECLINED;
    }
    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "preflight for %s passes without authentication", r->uri);
    return OK;
}

/*
 * The request Apache has read whole: the start of a chain, whose facts the
 * other hooks need.  Last of the post_read_request hooks, so a request
 * another module refuses there stays Apache's; the scheme check
 * ap_post_read_request() makes after the hooks (server/protocol.c) is
 * repeated for the same reason.
 */
static int cors_post_read_request(request_rec *r)
{
    cors_chain *ch;
    const char *scheme = r->parsed_uri.scheme;

    if (r->prev || r->main || !r->method || !r->uri
        || (r->uri[0] == '*' && !r->uri[1])) {
        return DECLINED;
    }
    if (!r->proxyreq && scheme && strcasecmp(scheme, "http") != 0
        && strcasecmp(scheme, "https") != 0) {
        return DECLINED;
    }
    ch = apr_palloc(r->pool, sizeof(*ch));
    ch->method = r->method;
    ch->method_number = r->method_number;
    ch->states = NULL;
    ap_set_module_config(r->request_config, &cors_module, ch);
    return DECLINED;
}

/* -------------------------------------------------------------------- */
/* Counters for mod_status (docs/mod_cors.md, "Counters")                */

/*
 * One row of counters per virtual host (and one for the main server), in
 * one anonymous shared memory segment that every child inherits from the
 * parent, so that all processes and threads add to the same numbers
 * without a lock (an atomic add each).  The segment is noted in the
 * parent's process pool, which outlives restarts, and found again there
 * by name on the next post_config: a graceful restart keeps the counts,
 * and a virtual host keeps its row by its name ("host:port") even when
 * the configuration around it changes.  A row is 64-byte aligned so that
 * two hosts' counters never share a cache line.
 */
#define CORS_COUNT_KEY_LEN 120
#define CORS_COUNT_USERDATA "mod_cors.c:counters"
#define CORS_COUNT_MAGIC 0x43525331u /* layout of cors_count_seg, version */

typedef struct cors_count_row {
    char key[CORS_COUNT_KEY_LEN]; /* "host:port", "" for a free row */
    apr_uint64_t c[CORS_COUNTS];  /* by cors_count_index */
} __attribute__((aligned(64))) cors_count_row;

typedef struct {
    apr_uint32_t magic;    /* CORS_COUNT_MAGIC */
    apr_uint32_t row_size; /* sizeof(cors_count_row): a module built with
                            * other counters makes a segment of its own */
    apr_uint32_t capacity; /* rows */
    apr_uint32_t used;     /* rows handed out, each to one name */
    cors_count_row rows[]; /* capacity of them */
} __attribute__((aligned(64))) cors_count_seg;

/* The current segment (parent and children alike), or NULL. */
static cors_count_seg *cors_counters;

/* Add one to counter i of s's row. */
static APR_INLINE void cors_count(const server_rec *s, int i)
{
    const cors_server_conf *sconf =
        ap_get_module_config(s->module_config, &cors_module);

    if (sconf->count) {
        __atomic_fetch_add(&sconf->count->c[i], 1, __ATOMIC_RELAXED);
    }
}

/*
 * For the origin maps (docs/mod_cors.md, "Counters"): a map of server s was
 * read again after a change (failed 0) or refused (failed 1).
 */
static APR_INLINE void cors_count_map(const server_rec *s, int failed)
{
    cors_count(s, failed ? CORS_COUNT_MAP_ERRORS : CORS_COUNT_MAP_RELOADS);
}

/* The maps' counters, called from mod_cors_map.c. */
void cors_count_map_reload(const server_rec *s)
{
    cors_count_map(s, 0);
}

void cors_count_map_error(const server_rec *s)
{
    cors_count_map(s, 1);
}

/* A server's row name: the main server's is "*", a virtual host's its
 * ServerName and port. */
static const char *cors_count_name(apr_pool_t *p, const server_rec *s)
{
    if (!s->is_virtual) {
        return "*";
    }
    return apr_psprintf(p, "%s:%u",
                        s->server_hostname ? s->server_hostname : "?",
                        s->port    ? (unsigned)s->port
                        : s->addrs ? (unsigned)s->addrs->host_port
                                   : 0u);
}

/*
 * A segment of at least n rows, with old's rows copied over.  It lives in
 * a pool of its own that nothing destroys: a child that exits runs
 * apr_terminate() (registered with atexit()), which destroys every pool
 * under the global one, the process pool included, and would unmap the
 * segment while another thread of the child still counts a request it is
 * finishing.  The memory goes with the process.
 */
static cors_count_seg *cors_count_make(server_rec *s, const cors_count_seg *old,
                                       apr_uint32_t n)
{
    apr_size_t size = sizeof(cors_count_seg) + n * sizeof(cors_count_row);
    cors_count_seg *seg;
    apr_pool_t *keep;
    apr_shm_t *shm;
    apr_status_t rv;

    apr_pool_create_unmanaged_ex(&keep, NULL, NULL);
    /* APR puts its own header in front of an anonymous segment's base, so
     * the base is only 8-byte aligned: 64 bytes more, and the rows start at
     * the next 64-byte boundary. */
    rv = apr_shm_create(&shm, size + 64, NULL, keep);

    if (rv == APR_SUCCESS) {
        seg = apr_shm_baseaddr_get(shm);
        seg = (cors_count_seg *)APR_ALIGN((apr_uintptr_t)seg, 64);
    }
    else {
        /* No anonymous shared memory: each process counts for itself. */
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     "mod_cors: no shared memory for the counters "
                     "mod_status shows: each process counts its own");
        seg = apr_palloc(keep, size + 64);
        seg = (cors_count_seg *)APR_ALIGN((apr_uintptr_t)seg, 64);
    }
    memset(seg, 0, size);
    seg->magic = CORS_COUNT_MAGIC;
    seg->row_size = sizeof(cors_count_row);
    seg->capacity = n;
    if (old && old->magic == CORS_COUNT_MAGIC
        && old->row_size == sizeof(cors_count_row)) {
        /* Children of the previous generation still add to old until they
         * exit: what they count meanwhile is lost, once, when the number
         * of virtual hosts outgrows the segment. */
        memcpy(seg->rows, old->rows, old->used * sizeof(cors_count_row));
        seg->used = old->used;
    }
    return seg;
}

/*
 * post_config (in the parent, at start-up and on every restart): find the
 * segment the previous generation left, or make one, and give every server
 * its row by name.  Two servers of one name (two virtual hosts with the
 * same ServerName and port) get rows of their own, "#2" added.
 */
static void cors_count_init(apr_pool_t *pconf, apr_pool_t *ptemp,
                            server_rec *main_s)
{
    const void *main_sconf =
        ap_get_module_config(main_s->module_config, &cors_module);
    apr_pool_t *keep = main_s->process->pool;
    apr_hash_t *taken = apr_hash_make(ptemp);
    apr_array_header_t *names = apr_array_make(ptemp, 16, sizeof(char *));
    cors_count_seg *seg = NULL;
    apr_uint32_t missing = 0, i;
    server_rec *s;
    int k;

    apr_pool_userdata_get((void **)&seg, CORS_COUNT_USERDATA, keep);
    if (seg
        && (seg->magic != CORS_COUNT_MAGIC
            || seg->row_size != sizeof(cors_count_row))) {
        seg = NULL;
    }
    /* Each server's row name, and how many have no row yet. */
    for (s = main_s; s; s = s->next) {
        const char *name = cors_count_name(ptemp, s);
        int dup = 1;
        while (apr_hash_get(taken, name, APR_HASH_KEY_STRING)) {
            name =
                apr_psprintf(ptemp, "%s #%d", cors_count_name(ptemp, s), ++dup);
        }
        apr_hash_set(taken, name, APR_HASH_KEY_STRING, name);
        APR_ARRAY_PUSH(names, const char *) = name;
        for (i = 0; seg && i < seg->used; i++) {
            if (strncmp(seg->rows[i].key, name, CORS_COUNT_KEY_LEN - 1) == 0) {
                break;
            }
        }
        missing += !seg || i == seg->used;
    }
    if (!seg || seg->capacity - seg->used < missing) {
        apr_uint32_t want = (seg ? seg->used : 0) + missing;
        seg = cors_count_make(main_s, seg, want < 32 ? 64 : 2 * want);
        apr_pool_userdata_set(seg, CORS_COUNT_USERDATA, NULL, keep);
    }
    for (s = main_s, k = 0; s; s = s->next, k++) {
        cors_server_conf *sconf =
            ap_get_module_config(s->module_config, &cors_module);
        const char *name = APR_ARRAY_IDX(names, k, const char *);
        cors_count_row *row = NULL;

        /* httpd hands a virtual host without a line of ours the main
         * server's configuration (server/config.c, merge_server_configs):
         * it gets one of its own for its row, with an empty policy table
         * (lookups fall back to the server's, cors_find_policy). */
        if (s != main_s && sconf == main_sconf) {
            sconf = cors_create_server_conf(pconf, s);
            ap_set_module_config(s->module_config, &cors_module, sconf);
        }
        for (i = 0; i < seg->used && !row; i++) {
            if (strncmp(seg->rows[i].key, name, CORS_COUNT_KEY_LEN - 1) == 0) {
                row = &seg->rows[i];
            }
        }
        if (!row) {
            row = &seg->rows[seg->used++];
            apr_cpystrn(row->key, name, CORS_COUNT_KEY_LEN);
        }
        sconf->count = row;
    }
    cors_counters = seg;
}

/* Every row's counters added up, each read atomically (a tear-free 64-bit
 * read; the rows go on counting meanwhile). */
static void cors_count_row_read(const cors_count_row *row, apr_uint64_t *c)
{
    int i;

    for (i = 0; i < CORS_COUNTS; i++) {
        c[i] = __atomic_load_n(&row->c[i], __ATOMIC_RELAXED);
    }
}

/* How a row is shown: the main server's is "*", which reads badly. */
static const char *cors_count_label(const cors_count_row *row)
{
    return strcmp(row->key, "*") == 0 ? "main server" : row->key;
}

/* One HTML table row of a server's main counters. */
static void cors_status_row(request_rec *r, const char *name,
                            const apr_uint64_t *c, int total)
{
    const char *td = total ? "th" : "td";

    ap_rprintf(
        r,
        "<tr><%s>%s</%s><td>%" APR_UINT64_T_FMT "</td><td>%" APR_UINT64_T_FMT
        "</td><td>%" APR_UINT64_T_FMT "</td><td>%" APR_UINT64_T_FMT
        "</td><td>%" APR_UINT64_T_FMT "</td><td>%" APR_UINT64_T_FMT
        "</td><td>%" APR_UINT64_T_FMT "</td><td>%" APR_UINT64_T_FMT
        "</td><td>%" APR_UINT64_T_FMT "</td></tr>\n",
        td, ap_escape_html(r->pool, name), td, c[CORS_COUNT_PREFLIGHT_OK],
        cors_count_denied(c, 1), c[CORS_COUNT_ACTUAL_OK],
        cors_count_denied(c, 0), c[CORS_COUNT_NONE], c[CORS_COUNT_SHADOW_MATCH],
        c[CORS_COUNT_SHADOW_MISMATCH], c[CORS_COUNT_MAP_RELOADS],
        c[CORS_COUNT_MAP_ERRORS]);
}

/* The denials of one kind of a server, by CORS_REASON. */
static void cors_status_reasons(request_rec *r, const char *name,
                                const char *kind, const apr_uint64_t *c,
                                int base)
{
    int why;

    ap_rprintf(r, "<tr><td>%s</td><td>%s</td>", ap_escape_html(r->pool, name),
               kind);
    for (why = CORS_REASON_NONE + 1; why < CORS_COUNT_REASONS; why++) {
        ap_rprintf(r, "<td>%" APR_UINT64_T_FMT "</td>", c[base + why]);
    }
    ap_rputs("</tr>\n", r);
}

/*
 * mod_status' section: for ?auto the server totals as "Name: N" lines, for
 * people two tables, the verdicts per virtual host and the server's total,
 * then the denials by reason.
 */
static int cors_status_hook(request_rec *r, int flags)
{
    apr_uint64_t total[CORS_COUNTS], c[CORS_COUNTS];
    const cors_count_seg *seg = cors_counters;
    server_rec *s;
    apr_uint32_t i;
    int why;

    if (!seg) {
        return OK;
    }
    memset(total, 0, sizeof(total));
    for (i = 0; i < seg->used; i++) {
        cors_count_row_read(&seg->rows[i], c);
        cors_count_add(total, c);
    }
    if (flags & AP_STATUS_SHORT) {
        ap_rputs(cors_count_auto(r->pool, total), r);
        return OK;
    }
    if (flags & AP_STATUS_NOTABLE) {
        /* ?notable: the server totals as lines, no table. */
        char *lines = apr_pstrdup(r->pool, cors_count_auto(r->pool, total));
        char *line, *last = NULL;
        ap_rputs("<hr />\n<h2 id=\"cors\">CORS (mod_cors)</h2>\n<p>", r);
        for (line = apr_strtok(lines, "\n", &last); line;
             line = apr_strtok(NULL, "\n", &last)) {
            ap_rprintf(r, "%s<br />\n", line);
        }
        ap_rputs("</p>\n", r);
        return OK;
    }

    ap_rputs("<hr />\n<h2 id=\"cors\">CORS (mod_cors)</h2>\n"
             "<p>Requests in CORSEngine On and ReportOnly scopes since "
             "start-up (kept across graceful restarts), by CORS_RESULT; "
             "ReportOnly scopes as On would decide them.</p>\n",
             r);
    ap_rputs("<table class=\"cors\" border=\"1\">\n<tr><th>Virtual host</th>"
             "<th>preflight-ok</th><th>preflight-denied</th>"
             "<th>actual-ok</th><th>actual-denied</th><th>none</th>"
             "<th>shadow match</th><th>shadow mismatch</th>"
             "<th>map reloads</th><th>map errors</th></tr>\n",
             r);
    for (s = ap_server_conf; s; s = s->next) {
        const cors_server_conf *sconf =
            ap_get_module_config(s->module_config, &cors_module);
        if (sconf->count) {
            cors_count_row_read(sconf->count, c);
            cors_status_row(r, cors_count_label(sconf->count), c, 0);
        }
    }
    cors_status_row(r, "Server total", total, 1);
    ap_rputs("</table>\n", r);

    ap_rputs("<h3>Denied, by CORS_REASON</h3>\n<table class=\"cors-reasons\" "
             "border=\"1\">\n<tr><th>Virtual host</th><th>Kind</th>",
             r);
    for (why = CORS_REASON_NONE + 1; why < CORS_COUNT_REASONS; why++) {
        ap_rprintf(r, "<th>%s</th>", cors_reason_name((cors_reason)why));
    }
    ap_rputs("</tr>\n", r);
    for (s = ap_server_conf; s; s = s->next) {
        const cors_server_conf *sconf =
            ap_get_module_config(s->module_config, &cors_module);
        if (!sconf->count) {
            continue;
        }
        cors_count_row_read(sconf->count, c);
        cors_status_reasons(r, cors_count_label(sconf->count), "preflight", c,
                            CORS_COUNT_PREFLIGHT_DENIED);
        cors_status_reasons(r, cors_count_label(sconf->count), "actual", c,
                            CORS_COUNT_ACTUAL_DENIED);
    }
    cors_status_reasons(r, "Server total", "preflight", total,
                        CORS_COUNT_PREFLIGHT_DENIED);
    cors_status_reasons(r, "Server total", "actual", total,
                        CORS_COUNT_ACTUAL_DENIED);
    ap_rputs("</table>\n", r);
    return OK;
}

/*
 * CORS_RESULT and CORS_REASON for mod_log_config, which reads them from the
 * last request of an internal-redirect chain: the decision of the policy
 * that governs that request, or, where none does (an error document with
 * CORSEngine Off of its own), the refusal that led to it.
 */
static int cors_log_transaction(request_rec *r)
{
    cors_chain *ch = cors_chain_of(r);
    request_rec *last;
    cors_state *st;

    if (!ch) {
        return DECLINED;
    }
    for (last = r; last->next; last = last->next) {
        continue;
    }
    if (!(st = cors_state_of(last, ch))) {
        for (st = ch->states; st && !st->refused; st = st->next) {
            continue;
        }
        if (!st) {
            return DECLINED;
        }
    }
    cors_settle_preflight(last, st);
    /* addn, not setn: the module is these variables' only writer, once per
     * request (an internal redirect renames its predecessor's to
     * REDIRECT_*), and setn's search of the table costs more than judging
     * the response. */
    if (st->report) {
        if (!st->shadow) {
            cors_shadow_judge(last, st);
        }
        apr_table_addn(last->subprocess_env, "CORS_SHADOW", st->shadow);
    }
    apr_table_addn(last->subprocess_env, "CORS_RESULT",
                   cors_result_name(st->verdict.result));
    if (st->verdict.why) {
        apr_table_addn(last->subprocess_env, "CORS_REASON",
                       cors_reason_name(st->verdict.why));
    }
    /* Counted here, once per request the client sent. */
    cors_count(last->server,
               cors_count_verdict(st->verdict.result, st->verdict.why));
    if (st->report) {
        cors_count(last->server, st->shadow == cors_shadow_match
                                     ? CORS_COUNT_SHADOW_MATCH
                                     : CORS_COUNT_SHADOW_MISMATCH);
    }
    return DECLINED;
}

/* Before any directive is read: the Public Suffix List the origin parser
 * consults, and the slots that rate-limit the regexes' warnings (made once
 * per process, kept across restarts). */
static int cors_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp)
{
    cors_origin_init(pconf);
    cors_regex_init();
    cors_policy_uses = apr_array_make(pconf, 8, sizeof(cors_dir_conf *));
    cors_config_read = 0;
    cors_map_pre_config(pconf);
    return OK;
}

/*
 * The main configuration is read: every CORSPolicy line must name a policy
 * of its virtual host or of the server config.  An unknown name stops
 * start-up (apachectl -t included) with the file and line of the line.
 * Each section with a CORSPolicy line is resolved here, once, so request
 * time merges only pick pointers.
 */
static int cors_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s)
{
    int i, failed = 0;

    for (i = 0; i < cors_policy_uses->nelts; i++) {
        cors_dir_conf *conf =
            APR_ARRAY_IDX(cors_policy_uses, i, cors_dir_conf *);
        cors_policy_use *use = conf->use;
        if (!use->policy) {
            use->policy = cors_find_policy(use->server, use->name);
        }
        if (!use->policy) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                         "Syntax error on line %d of %s:", use->line,
                         use->file);
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s, "%s",
                         cors_unknown_policy(ptemp, use));
            failed = 1;
            continue;
        }
        cors_with_policy(pconf, conf);
    }
    cors_config_read = 1;
    /* Maps last: their entries may name any <CORSPolicy>. */
    if (!failed && cors_map_check_config(pconf, ptemp, s) != OK) {
        failed = 1;
    }
    return failed ? !OK : OK;
}

static void cors_child_init(apr_pool_t *pchild, server_rec *s)
{
    cors_map_child_init(pchild, s);
}

/* -------------------------------------------------------------------- */
/* The explain page (docs/mod_cors.md, "The explain page")              */

/*
 * SetHandler cors-explain: what the server's configuration gives a request
 * that a visitor describes (URL, Origin, method, request headers), without
 * sending it.  The URL is looked up with a subrequest (ap_sub_req_method_
 * uri), which runs the real walk (virtual host, <Directory>, .htaccess,
 * <Files>, <Location>, <If>) and stops before the handler, which never
 * runs; the policy found is then asked for its verdict, as the module's own
 * hooks would.  Everything echoed is escaped (ap_escape_html2, cors_json_str).
 */
#define CORS_EXPLAIN_URL_MAX 2048
#define CORS_EXPLAIN_ORIGIN_MAX 1024
#define CORS_EXPLAIN_METHOD_MAX 64
#define CORS_EXPLAIN_HEADERS_MAX 2048
#define CORS_EXPLAIN_HOST_MAX 255

/* The form. */
typedef struct {
    const char *url, *origin, *method, *headers, *host, *format;
    int json;
} cors_explain_form;

/* One request the page explains: the lookup, and the verdict. */
typedef struct {
    request_rec *rr;           /* the subrequest that looked the URL up */
    const cors_dir_conf *conf; /* the policy it found */
    cors_verdict verdict;
    int decided; /* the engine is On or ReportOnly there */
} cors_explain_case;

/* A query argument's value checked against its limit: NULL, or why not. */
static const char *cors_explain_check(apr_pool_t *p, const char *name,
                                      const char *v, apr_size_t max)
{
    const unsigned char *c;

    if (strlen(v) > max) {
        return apr_psprintf(p, "%s is longer than %lu bytes", name,
                            (unsigned long)max);
    }
    for (c = (const unsigned char *)v; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            return apr_psprintf(p,
                                "%s has a control character (0x%02x): no "
                                "header value holds one",
                                name, *c);
        }
    }
    return NULL;
}

/* Read the form from the query string: NULL, or the reason for a 400. */
static const char *cors_explain_form_of(request_rec *r, cors_explain_form *f)
{
    char *args = r->args ? apr_pstrdup(r->pool, r->args) : NULL;
    char *pair, *last = NULL;
    const char *accept, *err;

    memset(f, 0, sizeof(*f));
    /* JSON when asked for, by format=json or by Accept (even if the rest
     * of the query is refused). */
    accept = apr_table_get(r->headers_in, "Accept");
    f->json = accept && ap_strcasestr(accept, "application/json") != NULL;
    if (args
        && (strncmp(args, "format=json", 11) == 0
            || ap_strstr_c(args, "&format=json"))) {
        f->json = 1;
    }
    for (pair = args ? apr_strtok(args, "&;", &last) : NULL; pair;
         pair = apr_strtok(NULL, "&;", &last)) {
        char *v = strchr(pair, '=');
        const char **slot;
        if (v) {
            *v++ = '\0';
        }
        else {
            v = "";
        }
        if (ap_unescape_urlencoded(pair) || ap_unescape_urlencoded(v)) {
            return "the query string is not validly %-encoded (or has %00)";
        }
        slot = strcmp(pair, "url") == 0       ? &f->url
               : strcmp(pair, "origin") == 0  ? &f->origin
               : strcmp(pair, "method") == 0  ? &f->method
               : strcmp(pair, "headers") == 0 ? &f->headers
               : strcmp(pair, "host") == 0    ? &f->host
               : strcmp(pair, "format") == 0  ? &f->format
                                              : NULL;
        if (slot && !*slot) {
            *slot = v;
        }
    }
    if (f->format && *f->format) {
        if (strcmp(f->format, "json") != 0 && strcmp(f->format, "html") != 0) {
            return "format must be json or html";
        }
        f->json = strcmp(f->format, "json") == 0;
    }
    if ((f->url
         && (err = cors_explain_check(r->pool, "url", f->url,
                                      CORS_EXPLAIN_URL_MAX)))
        || (f->origin
            && (err = cors_explain_check(r->pool, "origin", f->origin,
                                         CORS_EXPLAIN_ORIGIN_MAX)))
        || (f->method
            && (err = cors_explain_check(r->pool, "method", f->method,
                                         CORS_EXPLAIN_METHOD_MAX)))
        || (f->headers
            && (err = cors_explain_check(r->pool, "headers", f->headers,
                                         CORS_EXPLAIN_HEADERS_MAX)))
        || (f->host
            && (err = cors_explain_check(r->pool, "host", f->host,
                                         CORS_EXPLAIN_HOST_MAX)))) {
        return err;
    }
    if (f->origin && !*f->origin) {
        f->origin = NULL;
    }
    if (f->headers && !*f->headers) {
        f->headers = NULL;
    }
    if (f->host && !*f->host) {
        f->host = NULL;
    }
    if (!f->method || !*f->method) {
        f->method = "GET";
    }
    if (!cors_is_token(f->method, strlen(f->method))) {
        return "method must be a method token, such as GET or PUT";
    }
    if (f->url && *f->url && (f->url[0] != '/' || f->url[1] == '/')) {
        return "url must be a local path starting with a single '/', not a "
               "full URL: the page explains this server's configuration";
    }
    return NULL;
}

/*
 * host=NAME[:PORT]: the virtual host whose ServerName or ServerAlias
 * (wildcards as ServerAlias writes them) is NAME, listening on PORT when it
 * is given; the first in configuration order, as Apache picks among name-
 * based hosts of one address.  NULL, with *err, when there is none.
 */
static server_rec *cors_explain_vhost(request_rec *r, const char *host,
                                      const char **err)
{
    char *name = apr_pstrdup(r->pool, host), *colon = strrchr(name, ':');
    apr_port_t port = 0;
    server_rec *s;
    const char *c;

    if (colon && !strchr(colon, ']')) {
        *colon++ = '\0';
        port = (apr_port_t)atoi(colon);
        if (!*colon || strspn(colon, "0123456789") != strlen(colon)
            || port == 0) {
            *err = "host must be NAME or NAME:PORT";
            return NULL;
        }
    }
    for (c = name; *c; c++) {
        if (!apr_isalnum(*c) && *c != '-' && *c != '.' && *c != '_') {
            *err = "host must be NAME or NAME:PORT";
            return NULL;
        }
    }
    for (s = ap_server_conf; s; s = s->next) {
        int named =
            s->server_hostname && strcasecmp(s->server_hostname, name) == 0;
        int i;
        server_addr_rec *a;

        for (i = 0; !named && s->names && i < s->names->nelts; i++) {
            named = strcasecmp(APR_ARRAY_IDX(s->names, i, char *), name) == 0;
        }
        for (i = 0; !named && s->wild_names && i < s->wild_names->nelts; i++) {
            named = ap_strcasecmp_match(name,
                                        APR_ARRAY_IDX(s->wild_names, i, char *))
                    == 0;
        }
        if (!named) {
            continue;
        }
        if (!port || s->port == port) {
            return s;
        }
        for (a = s->addrs; a; a = a->next) {
            if (a->host_port == port) {
                return s;
            }
        }
    }
    *err = apr_psprintf(r->pool,
                        "no virtual host is named '%s'%s%s (ServerName or "
                        "ServerAlias)",
                        name, port ? " on port " : "", port ? colon : "");
    return NULL;
}

/*
 * Look the URL up as a request with this method and these headers would
 * be, on server s, and decide it as the module's hooks would.  The
 * subrequest copies the explaining request's server and request headers
 * (server/request.c), so both are swapped in for the time of the lookup:
 * <If> sections that test the Origin then see the form's.
 */
static void cors_explain_lookup(request_rec *r, server_rec *s,
                                const cors_explain_form *f, int preflight,
                                cors_explain_case *c)
{
    apr_table_t *in = apr_table_make(r->pool, 6);
    apr_table_t *saved_in = r->headers_in;
    server_rec *saved_s = r->server;
    const char *hosthdr = f->host ? f->host : apr_table_get(saved_in, "Host");
    cors_request req;

    if (hosthdr) {
        apr_table_setn(in, "Host", hosthdr);
    }
    if (f->origin) {
        apr_table_setn(in, "Origin", f->origin);
    }
    if (preflight) {
        apr_table_setn(in, "Access-Control-Request-Method", f->method);
        if (f->headers) {
            apr_table_setn(in, "Access-Control-Request-Headers", f->headers);
        }
    }
    r->headers_in = in;
    r->server = s;
    c->rr = ap_sub_req_method_uri(preflight ? "OPTIONS" : f->method, f->url, r,
                                  NULL);
    r->headers_in = saved_in;
    r->server = saved_s;

    c->conf = cors_conf(c->rr);
    c->decided = c->conf->pol.engine == CORS_ENGINE_ON
                 || c->conf->pol.engine == CORS_ENGINE_REPORT;
    memset(&c->verdict, 0, sizeof(c->verdict));
    if (!c->decided) {
        return;
    }
    memset(&req, 0, sizeof(req));
    req.method = preflight ? "OPTIONS" : f->method;
    req.origin = f->origin;
    if (preflight) {
        req.request_method = f->method;
        req.request_headers = f->headers;
    }
    if (req.origin && cors_origins_maps(c->conf->pol.origins)) {
        /* A map's entry, and the policy it names, as the hooks see them. */
        c->conf = cors_map_origin(c->rr, c->conf, &req);
    }
    if (c->conf->pol.reject && req.origin) {
        req.self = ap_construct_url(c->rr->pool, "", c->rr);
    }
    if (c->conf->pol.cross_origin && !preflight) {
        /* Judged as a client without Fetch Metadata (no Sec-Fetch-Site):
         * an Origin passes when it is allowed or names the Host. */
        req.host = hosthdr;
    }
    cors_decide(r->pool, &c->conf->pol, &req, &c->verdict);
    /* A preflight the server refuses before the module can answer it
     * (Require ip; authentication where CORSPreflightBypassAuth is Off or
     * the handler answers): what the module's hooks make of it. */
    if (c->verdict.preflight && ap_is_HTTP_ERROR(c->rr->status)
        && !(c->rr->status == HTTP_UNAUTHORIZED && c->conf->pol.bypass_auth
             && !c->conf->pol.passthrough)) {
        cors_verdict_served(r->pool, &c->conf->pol, &c->verdict, 0,
                            c->rr->status, 0);
    }
}

/* The Access-Control-* and Vary headers a verdict sends, in order, as
 * name/value pairs. */
static apr_array_header_t *cors_explain_headers(apr_pool_t *p,
                                                const cors_explain_case *c)
{
    const cors_verdict *v = &c->verdict;
    apr_array_header_t *h = apr_array_make(p, 8, sizeof(const char *));
    const char *expose = v->allow_origin ? v->expose_headers : NULL;

#define CORS_EXPLAIN_PAIR(n, val)                                              \
    if (val) {                                                                 \
        APR_ARRAY_PUSH(h, const char *) = (n);                                 \
        APR_ARRAY_PUSH(h, const char *) = (val);                               \
    }
    CORS_EXPLAIN_PAIR("Access-Control-Allow-Origin", v->allow_origin);
    CORS_EXPLAIN_PAIR("Access-Control-Allow-Credentials", v->allow_credentials);
    CORS_EXPLAIN_PAIR("Access-Control-Allow-Methods", v->allow_methods);
    CORS_EXPLAIN_PAIR("Access-Control-Allow-Headers", v->allow_headers);
    CORS_EXPLAIN_PAIR("Access-Control-Max-Age", v->max_age);
    if (v->allow_origin && v->expose_response_names) {
        expose = apr_pstrcat(p, expose ? expose : "", expose ? ", " : "",
                             "(and the response's own header names the list "
                             "allows)",
                             NULL);
    }
    CORS_EXPLAIN_PAIR("Access-Control-Expose-Headers", expose);
    CORS_EXPLAIN_PAIR("Vary", v->vary);
    CORS_EXPLAIN_PAIR("Allow", v->allow);
#undef CORS_EXPLAIN_PAIR
    return h;
}

/* A setting's effective value, as the manual writes it. */
static const char *cors_explain_value(apr_pool_t *p, const cors_policy *pol,
                                      int field)
{
    const cors_field_def *d = &cors_fields[field];
    const void *at = (const char *)pol + d->offset;

    switch (d->kind) {
    case CORS_KIND_INT: {
        int v = *(const int *)at;
        if (field == CORS_FIELD_ENGINE) {
            return v == CORS_ENGINE_ON       ? "On"
                   : v == CORS_ENGINE_REPORT ? "ReportOnly"
                                             : "Off";
        }
        if (field == CORS_FIELD_PREFLIGHT_STATUS) {
            return apr_itoa(p, v);
        }
        return v ? "On" : "Off";
    }
    case CORS_KIND_STRING:
        return *(const char *const *)at ? *(const char *const *)at : "Off";
    case CORS_KIND_LIST: {
        const cors_list *l = *(const cors_list *const *)at;
        apr_array_header_t *items;
        const char *joined;
        if (!l) {
            return "(none)";
        }
        items = cors_list_items(p, l);
        joined = cors_join(p, items);
        if (cors_list_star(l)) {
            joined = *joined ? apr_pstrcat(p, "* (", joined, ")", NULL) : "*";
        }
        return *joined ? joined : "(none)";
    }
    default: {
        const cors_origins *o = *(const cors_origins *const *)at, *cur;
        apr_array_header_t *items = cors_list_items(p, o->list);
        int i;
        if (cors_list_star(o->list)) {
            APR_ARRAY_PUSH(items, const char *) = "*";
        }
        for (cur = o; cur; cur = cur->base) {
            for (i = 0; cur->regexes && i < cur->regexes->nelts; i++) {
                APR_ARRAY_PUSH(items, const char *) = apr_pstrcat(
                    p, "regex ",
                    APR_ARRAY_IDX(cur->regexes, i, cors_origin_regex).source,
                    NULL);
            }
        }
        return items->nelts ? cors_join(p, items) : "(none)";
    }
    }
}

/* The setting a verdict hangs on, for the page to point at, or -1. */
static int cors_explain_decisive(const cors_explain_case *c)
{
    if (!c->decided) {
        return CORS_FIELD_ENGINE;
    }
    switch (c->verdict.why) {
    case CORS_REASON_NONE:
        return c->verdict.result == CORS_RESULT_NONE ? -1 : CORS_FIELD_ORIGINS;
    case CORS_REASON_ORIGIN:
    case CORS_REASON_MALFORMED:
        return CORS_FIELD_ORIGINS;
    case CORS_REASON_METHOD:
        return CORS_FIELD_METHODS;
    case CORS_REASON_HEADERS:
        return CORS_FIELD_ALLOW_HEADERS;
    case CORS_REASON_CROSS_ORIGIN:
        return CORS_FIELD_CROSS_ORIGIN;
    default:
        return -1;
    }
}

/* Whether a browser sends this preflight at all: for a method other than
 * GET, HEAD and POST, or for request headers that need one (which are
 * what Access-Control-Request-Headers lists). */
static int cors_explain_preflight_sent(const cors_explain_case *c)
{
    const char *h =
        apr_table_get(c->rr->headers_in, "Access-Control-Request-Headers");
    const char *m =
        apr_table_get(c->rr->headers_in, "Access-Control-Request-Method");

    return (m && !cors_method_safelisted(m)) || (h && h[strspn(h, " \t,")]);
}

/* The status the module answers with, in words. */
static const char *cors_explain_status(apr_pool_t *p,
                                       const cors_explain_case *c)
{
    if (!c->decided) {
        return "the handler's (the module changes nothing)";
    }
    if (c->verdict.status) {
        return apr_itoa(p, c->verdict.status);
    }
    return "the handler's";
}

static const char *cors_explain_json_case(request_rec *r,
                                          const cors_explain_case *c,
                                          int preflight)
{
    apr_array_header_t *h = cors_explain_headers(r->pool, c);
    const char *out = "{";
    int i;

    out = apr_pstrcat(
        r->pool, out, "\"result\": ",
        c->decided ? cors_json_str(r->pool, cors_result_name(c->verdict.result))
                   : "null",
        ", \"reason\": ",
        cors_json_str(r->pool,
                      c->decided ? cors_reason_name(c->verdict.why) : NULL),
        ", \"detail\": ", cors_json_str(r->pool, c->verdict.reason),
        ", \"lookup_status\": ", apr_itoa(r->pool, c->rr->status), NULL);
    if (preflight) {
        /* Browsers send one for another method than GET, HEAD and POST, or
         * for request headers that need it (which are what Access-Control-
         * Request-Headers lists). */
        out = apr_pstrcat(r->pool, out, ", \"sent_by_browsers\": ",
                          cors_explain_preflight_sent(c) ? "true" : "false",
                          NULL);
        out = apr_pstrcat(r->pool, out, ", \"status\": ",
                          c->decided && c->verdict.status
                              ? apr_itoa(r->pool, c->verdict.status)
                              : "null",
                          NULL);
    }
    out = apr_pstrcat(r->pool, out, ", \"headers\": {", NULL);
    for (i = 0; i + 1 < h->nelts; i += 2) {
        out = apr_pstrcat(
            r->pool, out, i ? ", " : "",
            cors_json_str(r->pool, APR_ARRAY_IDX(h, i, const char *)), ": ",
            cors_json_str(r->pool, APR_ARRAY_IDX(h, i + 1, const char *)),
            NULL);
    }
    return apr_pstrcat(r->pool, out, "}}", NULL);
}

static void cors_explain_json(request_rec *r, const cors_explain_form *f,
                              const cors_explain_case *pf,
                              const cors_explain_case *ac)
{
    const cors_policy *pol = &ac->conf->pol;
    int field, decisive = cors_explain_decisive(ac), first = 1;

    ap_set_content_type(r, "application/json");
    ap_rprintf(
        r, "{\"url\": %s, \"host\": %s, \"origin\": %s, \"method\": %s,\n",
        cors_json_str(r->pool, f->url), cors_json_str(r->pool, f->host),
        cors_json_str(r->pool, f->origin), cors_json_str(r->pool, f->method));
    ap_rprintf(r, " \"engine\": %s, \"applied\": %s,\n",
               cors_json_str(r->pool, cors_explain_value(r->pool, pol,
                                                         CORS_FIELD_ENGINE)),
               pol->engine == CORS_ENGINE_ON ? "true" : "false");
    ap_rprintf(r, " \"preflight\": %s,\n", cors_explain_json_case(r, pf, 1));
    ap_rprintf(r, " \"actual\": %s,\n", cors_explain_json_case(r, ac, 0));
    ap_rputs(" \"settings\": [", r);
    for (field = 0; field < CORS_FIELDS; field++) {
        const cors_where *w = cors_policy_where(pol, (cors_field)field);
        ap_rprintf(
            r,
            "%s\n  {\"directive\": %s, \"value\": %s, \"file\": %s, "
            "\"line\": %s, \"as_written\": %s, \"decisive\": %s}",
            first ? "" : ",",
            cors_json_str(r->pool, cors_fields[field].directive),
            cors_json_str(r->pool, cors_explain_value(r->pool, pol, field)),
            cors_json_str(r->pool, w ? w->file : NULL),
            w ? apr_itoa(r->pool, w->line) : "null",
            w ? cors_json_str(
                r->pool, apr_pstrcat(r->pool, w->directive, " ", w->args, NULL))
              : "null",
            field == decisive ? "true" : "false");
        first = 0;
    }
    ap_rputs("\n ]}\n", r);
}

/* One verdict as a person reads it: allowed or refused, why, the status
 * and the headers. */
static void cors_explain_html_case(request_rec *r, const char *title,
                                   const cors_explain_case *c, int preflight)
{
    apr_array_header_t *h = cors_explain_headers(r->pool, c);
    int ok = c->decided
             && (c->verdict.result == CORS_RESULT_PREFLIGHT_OK
                 || c->verdict.result == CORS_RESULT_ACTUAL_OK);
    const char *cls = !c->decided || c->verdict.result == CORS_RESULT_NONE
                          ? "none"
                      : ok ? "ok"
                           : "refused";
    const char *word = !c->decided ? "not in a CORS scope"
                       : c->verdict.result == CORS_RESULT_NONE
                           ? "no Origin: nothing to decide"
                       : ok ? "allowed"
                            : "refused";
    int i;

    ap_rprintf(r,
               "<section class=\"case %s\" id=\"%s\">\n<h2>%s: <span "
               "class=\"verdict\">%s</span></h2>\n",
               cls, preflight ? "preflight" : "actual", title, word);
    if (preflight) {
        ap_rputs(cors_explain_preflight_sent(c)
                     ? "<p class=\"note\" id=\"preflight-sent\">Browsers send "
                       "this preflight before the request.</p>\n"
                     : "<p class=\"note\" id=\"preflight-sent\">Browsers send "
                       "no preflight for this request (GET, HEAD or POST, "
                       "no request header that needs one): this is what "
                       "one would get.</p>\n",
                 r);
    }
    ap_rputs("<dl>\n", r);
    if (c->decided) {
        ap_rprintf(r, "<dt>CORS_RESULT</dt><dd class=\"result\">%s</dd>\n",
                   cors_result_name(c->verdict.result));
    }
    if (c->decided && c->verdict.why) {
        ap_rprintf(r,
                   "<dt>CORS_REASON</dt><dd class=\"reason\">%s</dd>\n"
                   "<dt>Why</dt><dd class=\"detail\">%s</dd>\n",
                   cors_reason_name(c->verdict.why),
                   ap_escape_html2(
                       r->pool, c->verdict.reason ? c->verdict.reason : "", 0));
    }
    ap_rprintf(r, "<dt>Status</dt><dd class=\"status\">%s</dd>\n</dl>\n",
               ap_escape_html2(r->pool, cors_explain_status(r->pool, c), 0));
    if (h->nelts) {
        ap_rputs("<table class=\"headers\">\n", r);
        for (i = 0; i + 1 < h->nelts; i += 2) {
            ap_rprintf(r, "<tr><th>%s</th><td>%s</td></tr>\n",
                       APR_ARRAY_IDX(h, i, const char *),
                       ap_escape_html2(
                           r->pool, APR_ARRAY_IDX(h, i + 1, const char *), 0));
        }
        ap_rputs("</table>\n", r);
    }
    else {
        ap_rputs(
            "<p class=\"headers\">No Access-Control-* or Vary header.</p>\n",
            r);
    }
    ap_rputs("</section>\n", r);
}

static void cors_explain_html_form(request_rec *r, const cors_explain_form *f)
{
    static const char *const fields[][2] = {
        {"url", "URL (a local path)"},
        {"origin", "Origin"},
        {"method", "Method"},
        {"headers", "Request headers (Access-Control-Request-Headers)"},
        {"host", "Virtual host (host or host:port; empty: this one)"}};
    const char *values[5];
    int i;

    values[0] = f->url;
    values[1] = f->origin;
    values[2] = f->method;
    values[3] = f->headers;
    values[4] = f->host;
    ap_rputs("<form method=\"get\" action=\"\">\n", r);
    for (i = 0; i < 5; i++) {
        ap_rprintf(r,
                   "<label>%s <input type=\"text\" name=\"%s\" id=\"f-%s\" "
                   "value=\"%s\"></label>\n",
                   fields[i][1], fields[i][0], fields[i][0],
                   ap_escape_html2(r->pool, values[i] ? values[i] : "", 0));
    }
    ap_rprintf(r,
               "<button type=\"submit\" id=\"f-submit\">Explain</button> "
               "<a id=\"f-json\" href=\"?%s%sformat=json\">JSON</a>\n"
               "</form>\n",
               r->args ? ap_escape_html2(r->pool, r->args, 0) : "",
               r->args ? "&amp;" : "");
}

static void cors_explain_html(request_rec *r, const cors_explain_form *f,
                              const cors_explain_case *pf,
                              const cors_explain_case *ac, const char *error)
{
    int field, decisive;

    ap_set_content_type(r, "text/html; charset=utf-8");
    ap_rputs(DOCTYPE_HTML_4_01
             "<html><head><title>mod_cors: explain a request</title>\n"
             "<style>body{font-family:sans-serif;margin:1.5em;max-width:70em}"
             "label{display:block;margin:.3em 0}input{width:40em}"
             ".case{border:2px solid #999;padding:.5em 1em;margin:1em 0}"
             ".ok{border-color:#2a2;background:#efe}"
             ".refused{border-color:#c22;background:#fee}"
             ".none{background:#f4f4f4}.error{color:#c22;font-weight:bold}"
             "table{border-collapse:collapse}td,th{border:1px solid #bbb;"
             "padding:.2em .5em;text-align:left;vertical-align:top}"
             "tr.decisive{background:#ffd;font-weight:bold}"
             ".note{color:#555}</style>\n"
             "</head><body>\n<h1>mod_cors: explain a request</h1>\n",
             r);
    if (error) {
        ap_rprintf(r, "<p class=\"error\" id=\"error\">%s</p>\n",
                   ap_escape_html2(r->pool, error, 0));
    }
    cors_explain_html_form(r, f);
    if (!pf) {
        ap_rputs("</body></html>\n", r);
        return;
    }
    ap_rprintf(r,
               "<p class=\"note\">%s %s, Origin %s%s. CORSEngine %s "
               "there%s.</p>\n",
               ap_escape_html2(r->pool, f->method, 0),
               ap_escape_html2(r->pool, f->url, 0),
               f->origin ? ap_escape_html2(r->pool, f->origin, 0) : "(none)",
               f->host ? apr_pstrcat(r->pool, ", on ",
                                     ap_escape_html2(r->pool, f->host, 0), NULL)
                       : "",
               cors_explain_value(r->pool, &ac->conf->pol, CORS_FIELD_ENGINE),
               ac->conf->pol.engine == CORS_ENGINE_REPORT
                   ? ": decided and logged as On would, nothing sent"
                   : "");
    cors_explain_html_case(r, "Preflight", pf, 1);
    cors_explain_html_case(r, "Actual request", ac, 0);

    decisive = cors_explain_decisive(ac);
    ap_rputs("<h2>Effective settings</h2>\n<table class=\"settings\">\n"
             "<tr><th>Directive</th><th>Value</th><th>Set by</th></tr>\n",
             r);
    for (field = 0; field < CORS_FIELDS; field++) {
        const cors_policy *pol = &ac->conf->pol;
        const cors_where *w = cors_policy_where(pol, (cors_field)field);
        ap_rprintf(
            r, "<tr%s><td>%s</td><td>%s</td><td>%s</td></tr>\n",
            field == decisive ? " class=\"decisive\"" : "",
            cors_fields[field].directive,
            ap_escape_html2(r->pool, cors_explain_value(r->pool, pol, field),
                            0),
            w ? ap_escape_html2(r->pool,
                                apr_psprintf(r->pool, "%s:%d: %s %s", w->file,
                                             w->line, w->directive, w->args),
                                0)
              : "default");
    }
    ap_rputs("</table>\n</body></html>\n", r);
}

/* A 400 with its reason, in the format asked for. */
static int cors_explain_refuse(request_rec *r, const cors_explain_form *f,
                               const char *why)
{
    r->status = HTTP_BAD_REQUEST;
    if (f->json) {
        ap_set_content_type(r, "application/json");
        ap_rprintf(r, "{\"error\": %s}\n", cors_json_str(r->pool, why));
    }
    else {
        cors_explain_html(r, f, NULL, NULL, why);
    }
    return OK;
}

static int cors_explain_handler(request_rec *r)
{
    cors_explain_form f;
    cors_explain_case pf, ac;
    server_rec *s = r->server;
    const char *err;

    /* Asked of every request: the first byte settles most. */
    if (!r->handler || r->handler[0] != 'c'
        || strcmp(r->handler, "cors-explain") != 0) {
        return DECLINED;
    }
    r->allowed = (AP_METHOD_BIT << M_GET);
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if ((err = cors_explain_form_of(r, &f)) != NULL) {
        return cors_explain_refuse(r, &f, err);
    }
    if (f.host && !(s = cors_explain_vhost(r, f.host, &err))) {
        return cors_explain_refuse(r, &f, err);
    }
    if (!f.url || !*f.url) {
        if (f.json) {
            return cors_explain_refuse(r, &f, "url is required");
        }
        cors_explain_html(r, &f, NULL, NULL, NULL);
        return OK;
    }
    cors_explain_lookup(r, s, &f, 1, &pf);
    cors_explain_lookup(r, s, &f, 0, &ac);
    if (f.json) {
        cors_explain_json(r, &f, &pf, &ac);
    }
    else {
        cors_explain_html(r, &f, &pf, &ac, NULL);
    }
    ap_destroy_sub_req(pf.rr);
    ap_destroy_sub_req(ac.rr);
    return OK;
}

/* The parent, configuration read, before the children start: the
 * counters' rows (see cors_count_init). */
static int cors_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp, server_rec *s)
{
    cors_count_init(pconf, ptemp, s);
    return OK;
}

static void cors_register_hooks(apr_pool_t *p)
{
    static const char *const after_authz[] = {"mod_authz_core.c", NULL};

    cors_policy_defaults(p, &cors_default_policy, cors_regex_match);

    ap_hook_pre_config(cors_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(cors_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(cors_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(cors_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, cors_status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
    ap_hook_handler(cors_explain_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_access_ex(cors_bypass_auth, after_authz, NULL, APR_HOOK_LAST,
                            AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_post_read_request(cors_post_read_request, NULL, NULL,
                              APR_HOOK_REALLY_LAST);
    ap_hook_fixups(cors_fixups_first, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_fixups(cors_fixups, NULL, NULL, APR_HOOK_REALLY_LAST);
    ap_hook_insert_filter(cors_insert_filter, NULL, NULL, APR_HOOK_LAST);
    ap_hook_insert_error_filter(cors_insert_filter, NULL, NULL, APR_HOOK_LAST);
    ap_hook_log_transaction(cors_log_transaction, NULL, NULL,
                            APR_HOOK_REALLY_FIRST);

    /* CONTENT_SET-2: before mod_cache's CACHE_SAVE (CONTENT_SET-1), so what
     * the cache stores carries our headers and Vary.  CORS_LATE sits after
     * every content filter (mod_headers works at CONTENT_SET) and before the
     * HTTP header filter, and removes what was added after us. */
    cors_filter_handle = ap_register_output_filter(
        "CORS", cors_out_filter, NULL, AP_FTYPE_CONTENT_SET - 2);
    cors_late_filter_handle = ap_register_output_filter(
        "CORS_LATE", cors_late_filter, NULL, AP_FTYPE_PROTOCOL - 1);
}

/* clang-format off */
module AP_MODULE_DECLARE_DATA cors_module = {
    STANDARD20_MODULE_STUFF,
    cors_create_dir_conf,   /* per-directory configuration: create */
    cors_merge_dir_conf,    /* per-directory configuration: merge */
    cors_create_server_conf, /* per-server configuration: named policies,
                             * counters */
    NULL,                   /* per-server merge: none (a virtual host's
                             * lookup falls back to the server's table) */
    cors_cmds,              /* the directives */
    cors_register_hooks     /* hooks and filters */
};
/* clang-format on */
