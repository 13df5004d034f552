/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_list: name sets with '*' and '+'/'-' edits (see cors_list.h).
 */

#include "cors_list.h"
#include "cors_string.h"

#include "apr_strings.h"

#include <string.h>

/* Hash values: addresses of these two objects stand for IN and OUT. */
static const int cors_op_in = CORS_LIST_IN;
static const int cors_op_out = CORS_LIST_OUT;

/* Never written: the chain end of edits made where nothing is inherited. */
const cors_list cors_list_none = {NULL, NULL, NULL, 0, 0, 0, 1};

/*
 * The lists' hash function.  Keys are origins (20-40 bytes) and tokens
 * looked up on every request; APR's default takes a byte per step, this one
 * eight (then the tail as one word), with a multiply-xorshift mix (an FNV-style
 * multiplier) so that keys differing in any byte spread across buckets.
 */
static unsigned int cors_hash(const char *key, apr_ssize_t *klen)
{
    const unsigned char *s = (const unsigned char *)key;
    apr_size_t len, i;
    apr_uint64_t h = 0xcbf29ce484222325ULL;

    if (*klen == APR_HASH_KEY_STRING) {
        *klen = (apr_ssize_t)strlen(key);
    }
    len = (apr_size_t)*klen;
    for (i = 0; i + 8 <= len; i += 8) {
        apr_uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    if (i < len) {
        /* The tail, up to seven bytes, as one more word: the key's last
         * eight bytes when it has eight (one load), else zero-padded; its
         * length in the top byte, so that "a" and "a\0" differ. */
        apr_uint64_t w = 0;
        if (len >= 8) {
            memcpy(&w, s + len - 8, 8);
        }
        else {
            for (; i < len; i++) {
                w |= (apr_uint64_t)s[i] << (8 * i);
            }
        }
        h = (h ^ w ^ ((apr_uint64_t)len << 56)) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    h ^= h >> 32;
    return (unsigned int)h;
}

cors_list *cors_list_make(apr_pool_t *p, int edit, const cors_list *base)
{
    cors_list *l = apr_pcalloc(p, sizeof(*l));

    l->ops = apr_hash_make_custom(p, cors_hash);
    l->order = apr_array_make(p, 4, sizeof(const char *));
    l->edit = edit;
    l->star = edit ? -1 : 0;
    l->base = edit ? (base ? base : &cors_list_none) : NULL;
    return l;
}

void cors_list_add(cors_list *l, const char *name)
{
    const int *prev = apr_hash_get(l->ops, name, APR_HASH_KEY_STRING);

    if (prev == &cors_op_in) {
        return;
    }
    l->joined = NULL;
    apr_hash_set(l->ops, name, APR_HASH_KEY_STRING, &cors_op_in);
    APR_ARRAY_PUSH(l->order, const char *) = name;
}

void cors_list_remove(cors_list *l, const char *name)
{
    int i;

    apr_hash_set(l->ops, name, APR_HASH_KEY_STRING, &cors_op_out);
    l->removes = 1;
    l->joined = NULL;
    /* Keep order to the names this link still adds (configuration time). */
    for (i = 0; i < l->order->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(l->order, i, const char *), name) == 0) {
            memmove(l->order->elts + (apr_size_t)i * sizeof(const char *),
                    l->order->elts + (apr_size_t)(i + 1) * sizeof(const char *),
                    (apr_size_t)(l->order->nelts - i - 1)
                        * sizeof(const char *));
            l->order->nelts--;
            break;
        }
    }
}

void cors_list_set_star(cors_list *l, int on)
{
    l->star = on ? 1 : 0;
}

int cors_list_resolved(const cors_list *l)
{
    while (l && l->edit) {
        l = l->base;
    }
    return l && !l->is_default;
}

cors_list *cors_list_rebase(apr_pool_t *p, cors_list *add,
                            const cors_list *base)
{
    cors_list *copy, *cur;

    if (!base || cors_list_resolved(add)) {
        return add;
    }
    copy = cur = apr_pmemdup(p, add, sizeof(*add));
    while (cur->base->edit) {
        cors_list *next = apr_pmemdup(p, cur->base, sizeof(*next));
        cur->base = next;
        cur = next;
    }
    cur->base = base;
    return copy;
}

cors_list_answer cors_list_lookup(const cors_list *l, const char *name,
                                  apr_size_t len)
{
    for (; l; l = l->base) {
        const int *op =
            l->ops ? apr_hash_get(l->ops, name, (apr_ssize_t)len) : NULL;
        if (op) {
            return (cors_list_answer)*op;
        }
    }
    return CORS_LIST_UNKNOWN;
}

int cors_list_star(const cors_list *l)
{
    for (; l; l = l->base) {
        if (l->star >= 0) {
            return l->star;
        }
    }
    return 0;
}

int cors_list_star_plain(const cors_list *l)
{
    const cors_list *s;

    if (!cors_list_star(l)) {
        return 0;
    }
    /* A removal anywhere in the chain may make it "any but X". */
    for (s = l; s; s = s->base) {
        if (s->removes) {
            return 0;
        }
    }
    return 1;
}

int cors_list_has(const cors_list *l, const char *name, apr_size_t len)
{
    switch (cors_list_lookup(l, name, len)) {
    case CORS_LIST_IN:
        return 1;
    case CORS_LIST_OUT:
        return 0;
    default:
        return cors_list_star(l);
    }
}

apr_array_header_t *cors_list_items(apr_pool_t *p, const cors_list *l)
{
    apr_array_header_t *out, *chain;
    const cors_list *s;
    int i, j;

    /* Flat lists (the common case) need no walk. */
    if (!l->base) {
        return l->order ? l->order : apr_array_make(p, 1, sizeof(const char *));
    }
    out = apr_array_make(p, 8, sizeof(const char *));
    chain = apr_array_make(p, 4, sizeof(const cors_list *));
    for (s = l; s; s = s->base) {
        APR_ARRAY_PUSH(chain, const cors_list *) = s;
    }
    /* Base-most first, so inherited names keep their configured order; a
     * name is listed once, where the whole chain still has it. */
    for (i = chain->nelts - 1; i >= 0; i--) {
        const cors_list *link = APR_ARRAY_IDX(chain, i, const cors_list *);
        for (j = 0; link->order && j < link->order->nelts; j++) {
            const char *name = APR_ARRAY_IDX(link->order, j, const char *);
            int k, seen = 0;
            if (cors_list_lookup(l, name, APR_HASH_KEY_STRING)
                != CORS_LIST_IN) {
                continue;
            }
            for (k = 0; k < out->nelts; k++) {
                if (strcmp(APR_ARRAY_IDX(out, k, const char *), name) == 0) {
                    seen = 1;
                    break;
                }
            }
            if (!seen) {
                APR_ARRAY_PUSH(out, const char *) = name;
            }
        }
    }
    return out;
}

void cors_list_seal(apr_pool_t *p, cors_list *l)
{
    l->joined = cors_join(p, l->order);
}

const char *cors_list_joined(apr_pool_t *p, const cors_list *l)
{
    if (!l->base && l->joined) {
        return l->joined;
    }
    return cors_join(p, cors_list_items(p, l));
}
