/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Unit tests for cors_list: plain lists, '*', '+X' / '-X' edits, the
 * per-directory merge (rebase) and item order (docs/mod_cors.md,
 * "Lists and merging").
 *
 * A section is written as a string:
 *   "P:GET PUT *"   a plain list (CORSAllowMethods GET PUT *)
 *   "E:+PUT -HEAD"  an edit list made where nothing is inherited (base NULL)
 *   "ED:+PUT"       an edit list made over the default GET HEAD POST
 *                   (a plain list flagged is_default, as the module does)
 *   "-"             the section does not set the directive
 * and a merge is what the module's merge does: add ? rebase(add, base) : base.
 */

#include "cors_list.h"
#include "cors_string.h"
#include "unit.h"
#include "fixtures.h"

#include "apr_general.h"
#include "apr_strings.h"

static cors_list *default_methods;

static cors_list *section(apr_pool_t *p, const char *spec)
{
    return list_section_over(p, spec, default_methods);
}

/* The module's merge of one list directive. */
static cors_list *merge(apr_pool_t *p, cors_list *base, cors_list *add)
{
    return add ? cors_list_rebase(p, add, base) : base;
}

/* Whether every space-separated name in names has membership want. */
static void check_members(const cors_list *l, const char *names, int want,
                          apr_pool_t *p)
{
    char *copy = apr_pstrdup(p, names), *tok, *state = NULL;

    for (tok = apr_strtok(copy, " ", &state); tok;
         tok = apr_strtok(NULL, " ", &state)) {
        char saved[sizeof(unit_row_text)];
        memcpy(saved, unit_row_text, sizeof(saved));
        UNIT_ROW("%.400s; has(%s)", saved, tok);
        CHECK_INT(cors_list_has(l, tok, strlen(tok)), want);
        memcpy(unit_row_text, saved, sizeof(saved));
    }
}

/* ------------------------------------------------------------------ */
/* Chains: sections parent first, folded with the module's merge.       */

struct chain_case {
    const char *sections[4]; /* parent first; NULL ends */
    const char *in;          /* names that must be members */
    const char *out;         /* names that must not be */
    int star;
    int star_plain;
    const char *items; /* cors_join(cors_list_items()) */
    int resolved;
};

static const struct chain_case chain_cases[] = {
    /* plain lists */
    {{"P:GET PUT"}, "GET PUT", "DELETE get PATCH", 0, 0, "GET, PUT", 1},
    {{"P:GET GET PUT GET"}, "GET PUT", "HEAD", 0, 0, "GET, PUT", 1},
    {{"P:*"}, "GET X-Anything", "", 1, 1, "", 1},
    {{"P:GET *"}, "GET DELETE", "", 1, 1, "GET", 1},
    {{"P:x-a x-b"}, "x-a x-b", "x-c X-A", 0, 0, "x-a, x-b", 1},
    /* edits where nothing is inherited: over the empty default */
    {{"E:+PUT"}, "PUT", "GET", 0, 0, "PUT", 0},
    {{"E:-X"}, "", "X Y", 0, 0, "", 0},
    {{"E:+*"}, "ANY", "", 1, 1, "", 0},
    {{"E:+A -A"}, "", "A", 0, 0, "", 0},
    /* edits over the GET HEAD POST default (flagged is_default) */
    {{"ED:+PUT"},
     "GET HEAD POST PUT",
     "DELETE",
     0,
     0,
     "GET, HEAD, POST, PUT",
     0},
    {{"ED:-HEAD"}, "GET POST", "HEAD PUT", 0, 0, "GET, POST", 0},
    {{"ED:+PUT -POST +DELETE"},
     "GET HEAD PUT DELETE",
     "POST",
     0,
     0,
     "GET, HEAD, PUT, DELETE",
     0},
    /* an edit merged onto an inherited plain list */
    {{"P:GET PUT", "E:+DELETE"},
     "GET PUT DELETE",
     "PATCH",
     0,
     0,
     "GET, PUT, DELETE",
     1},
    {{"P:GET PUT", "E:-PUT"}, "GET", "PUT", 0, 0, "GET", 1},
    {{"P:GET PUT", "ED:+DELETE"},
     "GET PUT DELETE",
     "HEAD POST",
     0,
     0,
     "GET, PUT, DELETE",
     1},
    {{"P:GET PATCH", "ED:+PUT"},
     "GET PATCH PUT",
     "HEAD POST",
     0,
     0,
     "GET, PATCH, PUT",
     1},
    {{"P:A B", "E:+B +C"}, "A B C", "D", 0, 0, "A, B, C", 1},
    {{"P:x-a x-b", "E:-x-a +x-c"}, "x-b x-c", "x-a", 0, 0, "x-b, x-c", 1},
    /* '*' and edits: "-X against an inherited * means any but X" */
    {{"P:*", "E:-DELETE"}, "GET PUT X", "DELETE", 1, 0, "", 1},
    {{"P:*", "E:+X"}, "X Y", "", 1, 1, "X", 1},
    {{"P:*", "E:-*"}, "", "X Y", 0, 0, "", 1},
    {{"P:GET", "E:+*"}, "GET X", "", 1, 1, "GET", 1},
    {{"P:GET", "E:-GET +*"}, "X", "GET", 1, 0, "", 1},
    /* '+*' never brings back a name removed further down */
    {{"P:*", "E:-X", "E:+*"}, "Y", "X", 1, 0, "", 1},
    {{"P:*", "E:-X", "E:+X"}, "X Y", "", 1, 0, "X", 1},
    /* chains of edits */
    {{"P:GET PUT", "E:-PUT", "E:+PUT"},
     "GET PUT",
     "DELETE",
     0,
     0,
     "GET, PUT",
     1},
    {{"P:A B C", "E:-B +D", "E:+B"}, "A B C D", "E", 0, 0, "A, B, C, D", 1},
    {{"P:A B C", "E:+D", "E:-A -D"}, "B C", "A D", 0, 0, "B, C", 1},
    {{"E:+A", "E:+B"}, "A B", "C", 0, 0, "A, B", 0},
    {{"ED:+PUT", "E:-GET"}, "HEAD POST PUT", "GET", 0, 0, "HEAD, POST, PUT", 0},
    /* a plain list replaces, whatever it inherits */
    {{"P:GET PUT", "P:DELETE"}, "DELETE", "GET PUT", 0, 0, "DELETE", 1},
    {{"P:GET", "E:+PUT", "P:PATCH"}, "PATCH", "GET PUT", 0, 0, "PATCH", 1},
    {{"P:*", "P:GET"}, "GET", "PUT", 0, 0, "GET", 1},
    {{"P:*", "E:-X", "P:GET"}, "GET", "X Y", 0, 0, "GET", 1},
    /* unset in the child: inherited */
    {{"P:GET PUT", "-"}, "GET PUT", "DELETE", 0, 0, "GET, PUT", 1},
    {{"P:GET PUT", "-", "E:+DELETE", "-"},
     "GET PUT DELETE",
     "PATCH",
     0,
     0,
     "GET, PUT, DELETE",
     1},
};

static void test_chains(apr_pool_t *p)
{
    apr_size_t i;
    int k;

    for (i = 0; i < UNIT_COUNT(chain_cases); i++) {
        const struct chain_case *t = &chain_cases[i];
        cors_list *acc = NULL;

        for (k = 0; k < 4 && t->sections[k]; k++) {
            acc = k == 0 ? section(p, t->sections[k])
                         : merge(p, acc, section(p, t->sections[k]));
        }
        UNIT_ROW("chain %lu: %s | %s | %s | %s", (unsigned long)i,
                 t->sections[0], t->sections[1] ? t->sections[1] : "",
                 t->sections[2] ? t->sections[2] : "",
                 t->sections[3] ? t->sections[3] : "");
        if (!CHECK_NOT_NULL(acc)) {
            continue;
        }
        check_members(acc, t->in, 1, p);
        check_members(acc, t->out, 0, p);
        CHECK_INT(cors_list_star(acc), t->star);
        CHECK_INT(cors_list_star_plain(acc), t->star_plain);
        CHECK_STR(cors_join(p, cors_list_items(p, acc)), t->items);
        CHECK_INT(cors_list_resolved(acc) != 0, t->resolved);
    }
}

/* ------------------------------------------------------------------ */
/* cors_list_lookup answers                                             */

struct lookup_case {
    const char *sections[3];
    const char *name;
    cors_list_answer want;
};

static const struct lookup_case lookup_cases[] = {
    {{"P:GET"}, "GET", CORS_LIST_IN},
    {{"P:GET"}, "PUT", CORS_LIST_UNKNOWN},
    {{"P:*"}, "PUT", CORS_LIST_UNKNOWN}, /* lookup ignores '*' */
    {{"P:GET", "E:-GET"}, "GET", CORS_LIST_OUT},
    {{"P:GET", "E:-GET", "E:+GET"}, "GET", CORS_LIST_IN},
    {{"P:*", "E:-X"}, "X", CORS_LIST_OUT},
    {{"P:*", "E:-X"}, "Y", CORS_LIST_UNKNOWN},
    {{"E:-X"}, "X", CORS_LIST_OUT},
    {{"ED:+PUT"}, "HEAD", CORS_LIST_IN},
};

static void test_lookup(apr_pool_t *p)
{
    apr_size_t i;
    int k;

    for (i = 0; i < UNIT_COUNT(lookup_cases); i++) {
        const struct lookup_case *t = &lookup_cases[i];
        cors_list *acc = NULL;

        for (k = 0; k < 3 && t->sections[k]; k++) {
            acc = k == 0 ? section(p, t->sections[k])
                         : merge(p, acc, section(p, t->sections[k]));
        }
        UNIT_ROW("lookup %lu: %s in %s...", (unsigned long)i, t->name,
                 t->sections[0]);
        CHECK_INT(cors_list_lookup(acc, t->name, strlen(t->name)), t->want);
        /* the length is honoured: "GETX" cut to 3 is "GET" */
        if (strcmp(t->name, "GET") == 0) {
            CHECK_INT(cors_list_lookup(acc, "GETX", 3), t->want);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Merge order: httpd merges <Location> sections among themselves first  */
/* and then onto the directory's result.  Both orders must agree.        */

struct assoc_case {
    const char *dir, *loc1, *loc2;
    const char *in, *out;
    int star, star_plain;
    const char *items;
};

static const struct assoc_case assoc_cases[] = {
    {"P:GET PUT", "P:DELETE", "E:+PATCH", "DELETE PATCH", "GET PUT", 0, 0,
     "DELETE, PATCH"},
    {"P:GET PUT", "E:+DELETE", "E:-PUT", "GET DELETE", "PUT", 0, 0,
     "GET, DELETE"},
    {"P:GET PUT", "E:+DELETE", "P:PATCH", "PATCH", "GET PUT DELETE", 0, 0,
     "PATCH"},
    {"P:*", "E:-DELETE", "E:+X", "GET X", "DELETE", 1, 0, "X"},
    {"P:*", "P:GET", "E:-GET", "", "GET PUT", 0, 0, ""},
    {"P:GET", "E:+A", "E:+B", "GET A B", "C", 0, 0, "GET, A, B"},
    {"P:GET PATCH", "ED:+PUT", "E:-GET", "PATCH PUT", "GET HEAD POST", 0, 0,
     "PATCH, PUT"},
    {"P:GET", "E:+*", "E:-PUT", "GET X", "PUT", 1, 0, "GET"},
    {"P:GET", "-", "E:+PUT", "GET PUT", "X", 0, 0, "GET, PUT"},
    {"P:GET", "E:+PUT", "-", "GET PUT", "X", 0, 0, "GET, PUT"},
};

static void check_same(apr_pool_t *p, const struct assoc_case *t,
                       const cors_list *l, const char *how)
{
    UNIT_ROW("merge %s: dir %s, loc1 %s, loc2 %s", how, t->dir, t->loc1,
             t->loc2);
    if (!CHECK_NOT_NULL(l)) {
        return;
    }
    check_members(l, t->in, 1, p);
    check_members(l, t->out, 0, p);
    CHECK_INT(cors_list_star(l), t->star);
    CHECK_INT(cors_list_star_plain(l), t->star_plain);
    CHECK_STR(cors_join(p, cors_list_items(p, l)), t->items);
    CHECK(cors_list_resolved(l));
}

static void test_merge_order(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < UNIT_COUNT(assoc_cases); i++) {
        const struct assoc_case *t = &assoc_cases[i];
        /* fresh sections for each order: the merge must not need them to
         * be shared, and must not change them either */
        cors_list *left =
            merge(p, merge(p, section(p, t->dir), section(p, t->loc1)),
                  section(p, t->loc2));
        cors_list *right =
            merge(p, section(p, t->dir),
                  merge(p, section(p, t->loc1), section(p, t->loc2)));
        /* and the same sections reused by both orders */
        cors_list *dir = section(p, t->dir), *l1 = section(p, t->loc1),
                  *l2 = section(p, t->loc2);
        cors_list *left2 = merge(p, merge(p, dir, l1), l2);
        cors_list *right2 = merge(p, dir, merge(p, l1, l2));
        cors_list *left3 = merge(p, merge(p, dir, l1), l2);

        check_same(p, t, left, "(dir+loc1)+loc2");
        check_same(p, t, right, "dir+(loc1+loc2)");
        check_same(p, t, left2, "(dir+loc1)+loc2 shared");
        check_same(p, t, right2, "dir+(loc1+loc2) shared");
        check_same(p, t, left3, "(dir+loc1)+loc2 again");
    }
}

/* ------------------------------------------------------------------ */
/* Rebase itself                                                        */

static void test_rebase(apr_pool_t *p)
{
    cors_list *plain = section(p, "P:GET PUT");
    cors_list *other = section(p, "P:DELETE");
    cors_list *edit = section(p, "E:+PATCH");
    cors_list *dedit = section(p, "ED:-POST");
    cors_list *r1, *r2, *r3, *two;

    UNIT_ROW("rebase of a plain list returns it unchanged");
    CHECK(cors_list_rebase(p, plain, other) == plain);
    CHECK(cors_list_rebase(p, plain, NULL) == plain);

    UNIT_ROW("rebase onto NULL returns the edit unchanged");
    CHECK(cors_list_rebase(p, edit, NULL) == edit);

    UNIT_ROW("unresolved edit made with base NULL ends in cors_list_none");
    CHECK(edit->base == &cors_list_none);
    CHECK(!cors_list_resolved(edit));
    CHECK(!cors_list_resolved(&cors_list_none));
    CHECK(cors_list_none.is_default);

    UNIT_ROW("rebase of an unresolved edit onto a real list");
    r1 = cors_list_rebase(p, edit, plain);
    CHECK(r1 != edit);
    CHECK(cors_list_resolved(r1));
    check_members(r1, "GET PUT PATCH", 1, p);
    check_members(r1, "DELETE", 0, p);

    UNIT_ROW("the section itself is not changed by the rebase");
    CHECK(edit->base == &cors_list_none);
    CHECK(!cors_list_resolved(edit));
    check_members(edit, "PATCH", 1, p);
    check_members(edit, "GET", 0, p);

    UNIT_ROW("the same edit section rebased onto another list");
    r2 = cors_list_rebase(p, edit, other);
    check_members(r2, "DELETE PATCH", 1, p);
    check_members(r2, "GET PUT", 0, p);
    check_members(r1, "GET PUT PATCH", 1, p); /* r1 untouched */
    check_members(r1, "DELETE", 0, p);

    UNIT_ROW("rebase of a resolved chain returns it unchanged");
    CHECK(cors_list_rebase(p, r1, other) == r1);
    check_members(r1, "GET PUT PATCH", 1, p);

    UNIT_ROW("edit over an is_default list moves onto a real list");
    CHECK(!cors_list_resolved(dedit));
    check_members(dedit, "GET HEAD", 1, p);
    check_members(dedit, "POST", 0, p);
    r3 = cors_list_rebase(p, dedit, plain);
    CHECK(cors_list_resolved(r3));
    check_members(r3, "GET PUT", 1, p);
    check_members(r3, "HEAD POST", 0, p);
    CHECK_STR(cors_join(p, cors_list_items(p, r3)), "GET, PUT");

    UNIT_ROW("two edits merged together, then onto a base");
    two = cors_list_rebase(p, section(p, "E:-PUT +B"), section(p, "E:+A"));
    CHECK(!cors_list_resolved(two));
    check_members(two, "A B", 1, p);
    check_members(two, "PUT GET", 0, p);
    two = cors_list_rebase(p, two, plain);
    CHECK(cors_list_resolved(two));
    check_members(two, "GET A B", 1, p);
    check_members(two, "PUT", 0, p);
    CHECK_STR(cors_join(p, cors_list_items(p, two)), "GET, A, B");

    UNIT_ROW("-X against a base *: any but X");
    {
        cors_list *star = section(p, "P:*");
        cors_list *r = cors_list_rebase(p, section(p, "E:-X"), star);
        CHECK_INT(cors_list_has(r, "X", 1), 0);
        CHECK_INT(cors_list_has(r, "Y", 1), 1);
        CHECK_INT(cors_list_star(r), 1);
        CHECK_INT(cors_list_star_plain(r), 0);
        CHECK_INT(cors_list_star_plain(star), 1); /* base untouched */
        CHECK_INT(cors_list_has(star, "X", 1), 1);
    }
}

/* ------------------------------------------------------------------ */
/* Direct use of the API, and a large list                              */

static void test_api(apr_pool_t *p)
{
    cors_list *l = cors_list_make(p, 0, NULL);
    cors_list *e;
    apr_array_header_t *items;
    int k;

    UNIT_ROW("a new plain list is empty");
    CHECK_INT(l->edit, 0);
    CHECK_NULL(l->base);
    CHECK_INT(cors_list_star(l), 0);
    CHECK_INT(cors_list_has(l, "GET", 3), 0);
    CHECK_INT(cors_list_items(p, l)->nelts, 0);
    CHECK(cors_list_resolved(l));

    UNIT_ROW("a new edit list says nothing about '*'");
    e = cors_list_make(p, 1, NULL);
    CHECK_INT(e->edit, 1);
    CHECK_INT(e->star, -1);
    CHECK_INT(cors_list_star(e), 0);

    UNIT_ROW("set_star on and off");
    cors_list_set_star(l, 1);
    CHECK_INT(cors_list_star(l), 1);
    CHECK_INT(cors_list_star_plain(l), 1);
    cors_list_set_star(l, 0);
    CHECK_INT(cors_list_star(l), 0);
    CHECK_INT(cors_list_star_plain(l), 0);

    UNIT_ROW("10,000 names");
    l = cors_list_make(p, 0, NULL);
    for (k = 0; k < 10000; k++) {
        cors_list_add(l, apr_psprintf(p, "x-h%d", k));
    }
    e = cors_list_rebase(p, section(p, "E:-x-h5 +x-new"), l);
    items = cors_list_items(p, e);
    CHECK_INT(items->nelts, 10000);
    CHECK_STR(APR_ARRAY_IDX(items, 0, const char *), "x-h0");
    CHECK_STR(APR_ARRAY_IDX(items, 5, const char *), "x-h6");
    CHECK_STR(APR_ARRAY_IDX(items, 9999, const char *), "x-new");
    CHECK_INT(cors_list_has(e, "x-h9999", 7), 1);
    CHECK_INT(cors_list_has(e, "x-h5", 4), 0);
    CHECK_INT(cors_list_has(l, "x-h5", 4), 1);
}

int main(void)
{
    apr_pool_t *p;

    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        fprintf(stderr, "apr init failed\n");
        return 2;
    }
    default_methods = cors_list_make(p, 0, NULL);
    cors_list_add(default_methods, "GET");
    cors_list_add(default_methods, "HEAD");
    cors_list_add(default_methods, "POST");
    default_methods->is_default = 1;

    test_chains(p);
    test_lookup(p);
    test_merge_order(p);
    test_rebase(p);
    test_api(p);
    apr_pool_destroy(p);
    apr_terminate();
    return unit_done("test_list");
}
