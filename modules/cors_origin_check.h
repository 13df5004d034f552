/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * cors_origin_check: the start-up checks of configured origins and regexes:
 * the Public Suffix List, the canary origins nobody owns, the credential
 * risks and the lint of regexes.  What they find is warned about or refused
 * by the module; nothing here runs per request.
 */

#ifndef CORS_ORIGIN_CHECK_H
#define CORS_ORIGIN_CHECK_H

#include "apr_pools.h"
#include "apr_tables.h"

#include "cors_origin.h"

/*
 * Load the Public Suffix List once, at start-up, before any configuration
 * is read: libpsl's (libpsl builds) and the list's data file, which the
 * module indexes itself (CORS_PSL_FILE, Debian's publicsuffix package);
 * both are freed with p.  Returns which check is in force: "libpsl",
 * "file" (the data file alone) or "single-label" (neither).
 */
const char *cors_origin_init(apr_pool_t *p);

/* The same with another data file, or none (NULL). */
const char *cors_origin_init_file(apr_pool_t *p, const char *path);

/* The data file in use, or NULL when none could be read. */
const char *cors_origin_psl_file(void);

/* Non-zero when a wildcard over domain would cover a public suffix. */
int cors_origin_public_suffix(const char *domain);

/*
 * A public-suffix rule of the data file below domain (as it is written
 * there, "s3.amazonaws.com" or "*.compute.amazonaws.com"), or NULL: a
 * wildcard over domain then covers sites that anyone can register.  Always
 * NULL without the data file.
 */
const char *cors_origin_suffix_below(const char *domain);

/* The registrable domain of host (its public suffix and one label more:
 * "example.co.uk" for "a.b.example.co.uk"), a pointer into host, or NULL
 * when host is itself a public suffix. */
const char *cors_origin_registrable(const char *host);

/* The fixed origins nobody owns: https://evil.invalid, http://evil.invalid
 * and null. */
extern const char *const cors_origin_canaries[];

/* The random label (ten lowercase letters, drawn by cors_origin_init) of
 * the canaries below. */
const char *cors_origin_canary_label(void);

/*
 * The origins nobody owns that a CORSAllowOriginMatch regex must not
 * match (const char *): the fixed ones; the random label under each of com,
 * net, org, io, dev, app, co.uk and github.io, over https and http; and for
 * each registrable domain the regex names literally (app\.example\.com
 * names example.com), that domain with the label glued in front
 * (https://LABELexample.com) and with the label and .invalid appended
 * (https://example.com.LABEL.invalid), and each host it names with the
 * same appended (https://app.example.com.LABEL.invalid), over both schemes.
 */
apr_array_header_t *cors_regex_canaries(apr_pool_t *p, const char *regex);

/* The registrable domains a regex names literally: runs of letters,
 * digits, '-' and escaped dots that no quantifier makes optional
 * ("https://(www|api)\.example\.co\.uk" names example.co.uk). */
apr_array_header_t *cors_regex_domains(apr_pool_t *p, const char *regex);

/*
 * Why trusting a configured origin with credentials is risky though legal
 * (null, http://, loopback and private-network hosts, port '*'), or NULL.
 * For start-up warnings.
 */
const char *cors_origin_credential_risk(const cors_origin *o);

/* The first '.' of a regex that matches any character where a literal dot
 * was surely meant (unescaped, outside a bracket expression, between two
 * letters or digits, as in "app.example"), or NULL.  For start-up warnings. */
const char *cors_regex_unescaped_dot(const char *regex);

/*
 * Why a regex does not stand on its own, for CORSAllowOriginMatch's message
 * when PCRE refuses it: a ')' that closes no group (which, once the module
 * wrapped the regex in its anchors, would close the anchor's group instead
 * and leave the rest of the regex unanchored), a '(' or '[' never closed, a
 * trailing single backslash.  NULL when none of these explains it.
 */
const char *cors_regex_unbalanced(const char *regex);
#endif /* CORS_ORIGIN_CHECK_H */
