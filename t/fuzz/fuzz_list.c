/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * fuzz_list: '+'/'-' list algebra and the per-directory merge, checked
 * against a model.
 *
 * The input is read as sections of list operations.  A byte from 0xe0 up
 * starts a section: bit 0 says whether it edits ('+X'/'-X') or is plain,
 * bits 1-4 steer how the sections are grouped when merged.  Any other byte
 * is one operation: bits 0-2 pick a name from a small table (so that names
 * meet again), bits 3-4 the operation: add, remove, '*' on, '*' off (plain
 * sections only add names and turn '*' on, as their directives can).  The
 * first byte picks the default under the first edits: none (headers) or
 * GET HEAD POST (methods).
 *
 * httpd merges a request's sections in more than one grouping (<Location>
 * sections among themselves first, then onto the <Directory> result), so
 * the sections are merged along a binary tree the input chooses.  Whatever
 * the grouping, the result must answer like the model: apply the sections
 * in order, a plain one starting afresh, an edit changing what it inherits,
 * the last word on a name (or on '*') winning.
 */

#include "cors_list.h"
#include "cors_string.h"
#include "fuzz.h"

#define NNAMES 8
static const char *const names[NNAMES] = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "x-a", "x-b", "authorization"};

#define MAXSECTIONS 32

typedef struct {
    int state[NNAMES]; /* CORS_LIST_UNKNOWN, _IN or _OUT */
    int star;
    int removes; /* a remove anywhere in the chain since the last reset */
    int resolved;
} model;

typedef struct {
    cors_list *list;
    int hint;
} section;

static section sections[MAXSECTIONS];

static cors_list *merge(apr_pool_t *p, int i, int j)
{
    int k;

    if (i == j) {
        return sections[i].list;
    }
    k = i + sections[j].hint % (j - i);
    return cors_list_rebase(p, merge(p, k + 1, j), merge(p, i, k));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    cors_list *deflt = NULL, *l;
    apr_array_header_t *items;
    model m;
    int n = 0, i, edit = 0;
    size_t pos;

    if (size < 1) {
        return 0;
    }
    p = fuzz_pool();
    memset(&m, 0, sizeof(m));
    if (data[0] & 1) {
        /* The module's CORSAllowMethods default: a plain list flagged as a
         * default, so that edits move off it when merged. */
        deflt = cors_list_make(p, 0, NULL);
        for (i = 0; i < 3; i++) {
            cors_list_add(deflt, names[i]);
            m.state[i] = CORS_LIST_IN;
        }
        deflt->is_default = 1;
    }

    for (pos = 1; pos < size; pos++) {
        unsigned char b = data[pos];
        int name = b & 7, op = (b >> 3) & 3;

        if (b >= 0xe0 || n == 0) {
            if (n == MAXSECTIONS) {
                break;
            }
            edit = b >= 0xe0 ? (b & 1) : 1;
            sections[n].list = cors_list_make(p, edit, deflt);
            sections[n].hint = (b >> 1) & 0xf;
            n++;
            if (!edit) {
                memset(m.state, 0, sizeof(m.state));
                m.star = 0;
                m.removes = 0;
                m.resolved = 1;
            }
            if (b >= 0xe0) {
                continue;
            }
        }
        l = sections[n - 1].list;
        if (!edit) {
            op = op & 2; /* add or '*' on */
        }
        switch (op) {
        case 0:
            cors_list_add(l, names[name]);
            m.state[name] = CORS_LIST_IN;
            break;
        case 1:
            cors_list_remove(l, names[name]);
            m.state[name] = CORS_LIST_OUT;
            m.removes = 1;
            break;
        case 2:
            cors_list_set_star(l, 1);
            m.star = 1;
            break;
        default:
            cors_list_set_star(l, 0);
            m.star = 0;
            break;
        }
        if (b & 0x20) {
            cors_list_seal(p, l);
        }
    }
    if (n == 0) {
        apr_pool_destroy(p);
        return 0;
    }

    l = merge(p, 0, n - 1);
    FUZZ_CHECK(cors_list_resolved(l) == m.resolved);
    FUZZ_CHECK(cors_list_star(l) == m.star);
    FUZZ_CHECK(cors_list_star_plain(l) == (m.star && !m.removes));
    for (i = 0; i < NNAMES; i++) {
        int want = m.state[i] == CORS_LIST_IN
                   || (m.state[i] == CORS_LIST_UNKNOWN && m.star);
        FUZZ_CHECK((int)cors_list_lookup(l, names[i], strlen(names[i]))
                   == m.state[i]);
        FUZZ_CHECK(cors_list_has(l, names[i], APR_HASH_KEY_STRING) == want);
    }
    /* Sealed or not, the joined form is the listed names joined. */
    FUZZ_CHECK(strcmp(cors_list_joined(p, l), cors_join(p, cors_list_items(p, l)))
               == 0);
    for (i = 0; i < n; i++) {
        const cors_list *s = sections[i].list;
        FUZZ_CHECK(strcmp(cors_list_joined(p, s),
                          cors_join(p, cors_list_items(p, s)))
                   == 0);
    }
    /* The names listed: exactly those added, each once. */
    items = cors_list_items(p, l);
    {
        int seen[NNAMES] = {0}, count = 0;
        for (i = 0; i < items->nelts; i++) {
            const char *s = APR_ARRAY_IDX(items, i, const char *);
            int j;
            for (j = 0; j < NNAMES; j++) {
                if (strcmp(s, names[j]) == 0) {
                    FUZZ_CHECK(!seen[j]);
                    FUZZ_CHECK(m.state[j] == CORS_LIST_IN);
                    seen[j] = 1;
                }
            }
        }
        for (i = 0; i < NNAMES; i++) {
            count += m.state[i] == CORS_LIST_IN;
        }
        FUZZ_CHECK(items->nelts == count);
    }
    apr_pool_destroy(p);
    return 0;
}
