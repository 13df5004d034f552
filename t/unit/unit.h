/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * unit.h: a tiny assertion helper for the policy-layer unit tests.
 *
 *   UNIT_ROW("fmt", ...)       name the table row being checked; every
 *                              failure below prints it
 *   CHECK(cond)                a condition
 *   CHECK_INT(got, want)       two integers (long)
 *   CHECK_STR(got, want)       two strings, either may be NULL
 *   CHECK_NULL(got)            a pointer is NULL
 *   CHECK_NOT_NULL(got)        a pointer is not NULL
 *   return unit_done("test_xxx");
 *
 * Each check counts a pass or a failure; a failure prints file:line, the
 * row, the expression and both values (escaped, bounded).  unit_done()
 * prints "unit test_xxx: N passed, N failed" and returns the exit status:
 * non-zero on any failure.
 */

#ifndef CORS_UNIT_H
#define CORS_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int unit_passed;
static int unit_failed;
static char unit_row_text[512];

static inline void unit_row(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static inline void unit_row(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(unit_row_text, sizeof(unit_row_text), fmt, ap);
    va_end(ap);
}

#define UNIT_ROW(...) unit_row(__VA_ARGS__)

/* Print s quoted, escaped, at most 160 bytes of it. */
static inline void unit_print_str(const char *s)
{
    size_t i, n;

    if (!s) {
        fputs("NULL", stderr);
        return;
    }
    n = strlen(s);
    fputc('"', stderr);
    for (i = 0; i < n && i < 160; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            fprintf(stderr, "\\x%02x", c);
        }
        else {
            fputc(c, stderr);
        }
    }
    fputc('"', stderr);
    if (n > 160) {
        fprintf(stderr, "... (%lu bytes)", (unsigned long)n);
    }
}

static inline void unit_fail_head(const char *file, int line, const char *what)
{
    unit_failed++;
    fprintf(stderr, "%s:%d: FAIL", file, line);
    if (unit_row_text[0]) {
        fprintf(stderr, " [%s]", unit_row_text);
    }
    fprintf(stderr, ": %s\n", what);
}

static inline int unit_check(int ok, const char *file, int line,
                             const char *expr)
{
    if (ok) {
        unit_passed++;
        return 1;
    }
    unit_fail_head(file, line, expr);
    return 0;
}

static inline int unit_check_int(long got, long want, const char *file,
                                 int line, const char *gexpr)
{
    if (got == want) {
        unit_passed++;
        return 1;
    }
    unit_fail_head(file, line, gexpr);
    fprintf(stderr, "    got:  %ld\n    want: %ld\n", got, want);
    return 0;
}

static inline int unit_check_str(const char *got, const char *want,
                                 const char *file, int line, const char *gexpr)
{
    if ((!got && !want) || (got && want && strcmp(got, want) == 0)) {
        unit_passed++;
        return 1;
    }
    unit_fail_head(file, line, gexpr);
    fputs("    got:  ", stderr);
    unit_print_str(got);
    fputs("\n    want: ", stderr);
    unit_print_str(want);
    fputc('\n', stderr);
    return 0;
}

static inline int unit_done(const char *name)
{
    printf("unit %s: %d passed, %d failed\n", name, unit_passed, unit_failed);
    fflush(stdout);
    return unit_failed ? 1 : 0;
}

#define CHECK(cond) unit_check(!!(cond), __FILE__, __LINE__, "CHECK(" #cond ")")
#define CHECK_INT(got, want)                                                   \
    unit_check_int((long)(got), (long)(want), __FILE__, __LINE__, #got)
#define CHECK_STR(got, want)                                                   \
    unit_check_str((got), (want), __FILE__, __LINE__, #got)
#define CHECK_NULL(got)                                                        \
    unit_check((got) == NULL, __FILE__, __LINE__, "CHECK_NULL(" #got ")")
#define CHECK_NOT_NULL(got)                                                    \
    unit_check((got) != NULL, __FILE__, __LINE__, "CHECK_NOT_NULL(" #got ")")

#define UNIT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif /* CORS_UNIT_H */
