/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_list: a set of names with '*' and Options-style '+X' / '-X' edits.
 *
 * A plain list (CORSAllowMethods GET PUT) stands alone.  An edit list
 * (CORSAllowMethods +PUT -HEAD) records its operations and points at the
 * list it edits: a default list (flagged as such) while the section is
 * read, the inherited list once the per-directory merge rebases it.
 * Rebasing copies the edit links only, never the names, so a merge costs
 * the same for 3 or 10,000 names, and a lookup walks the chain of edits (one
 * hash probe per editing section) until some link decides.
 *
 * A chain that ends in a default is "unresolved": merged again, it moves
 * onto what it inherits.  One that ends in a real list is resolved and
 * replaces whatever it is merged onto (httpd merges a request's <Location>
 * sections among themselves first, then onto the directory's result).
 *
 * Semantics: a name is in the list when the nearest link that mentions it
 * added it, or when no link mentions it and the nearest link that says
 * anything about '*' turned '*' on.  So '-X' against an inherited '*' means
 * "any but X", and '+*' does not bring back a name removed further down.
 */

#ifndef CORS_LIST_H
#define CORS_LIST_H

#include "apr_pools.h"
#include "apr_hash.h"
#include "apr_tables.h"

typedef enum {
    CORS_LIST_UNKNOWN = 0, /* no link mentions the name */
    CORS_LIST_IN,          /* added by the nearest link that mentions it */
    CORS_LIST_OUT          /* removed by the nearest link that mentions it */
} cors_list_answer;

typedef struct cors_list cors_list;
struct cors_list {
    const cors_list *base;     /* the list an edit list edits, else NULL */
    apr_hash_t *ops;           /* name -> CORS_LIST_IN or CORS_LIST_OUT */
    apr_array_header_t *order; /* names this link added, first-seen order */
    int star;                  /* 1 '*' on, 0 off, -1 not said (edits) */
    int edit;                  /* non-zero for a '+'/'-' list */
    int removes;               /* non-zero once this link removed a name */
    int is_default;            /* a default a section's edits start from */
    const char *joined;        /* ", "-joined names of a flat list, once
                                * sealed; NULL while it is being built */
};

/* A new plain list, or an edit list over base (NULL: the empty default). */
cors_list *cors_list_make(apr_pool_t *p, int edit, const cors_list *base);

/* The empty default list. */
extern const cors_list cors_list_none;

/* Record '+name' (or a plain name), '-name', '+*'/'*' and '-*'.  The name
 * must live as long as the list. */
void cors_list_add(cors_list *l, const char *name);
void cors_list_remove(cors_list *l, const char *name);
void cors_list_set_star(cors_list *l, int on);

/* The merge: an unresolved edit chain moved onto base (its edit links are
 * copied); a plain or resolved list, or a NULL base, returns add itself. */
cors_list *cors_list_rebase(apr_pool_t *p, cors_list *add,
                            const cors_list *base);

/* Whether the chain ends in a real list rather than a default. */
int cors_list_resolved(const cors_list *l);

/* What the chain says about a name, ignoring '*'. */
cors_list_answer cors_list_lookup(const cors_list *l, const char *name,
                                  apr_size_t len);

/* Whether '*' is in effect, and whether it is "plain": no link removes
 * anything, so the literal '*' may be sent to a browser. */
int cors_list_star(const cors_list *l);
int cors_list_star_plain(const cors_list *l);

/* Membership: an explicit answer, else '*'. */
int cors_list_has(const cors_list *l, const char *name, apr_size_t len);

/* Join a flat list's names once, when its configuration line is read, so
 * requests don't (any add or remove unseals it). */
void cors_list_seal(apr_pool_t *p, cors_list *l);

/* The names joined with ", ": sealed flat lists cost nothing. */
const char *cors_list_joined(apr_pool_t *p, const cors_list *l);

/* The names in the list (not counting '*'), base-most first, each once. */
apr_array_header_t *cors_list_items(apr_pool_t *p, const cors_list *l);

#endif /* CORS_LIST_H */
