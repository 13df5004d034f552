/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License.  You may obtain
 * a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * replay: a main() for a fuzz target without libFuzzer.  Every argument is
 * a file or a directory of files; each file is one input, handed to
 * LLVMFuzzerTestOneInput() as libFuzzer would.  `make test` builds each
 * target with the system compiler and this driver and replays the seed
 * corpora and every regression input, so a finding once fixed stays fixed
 * on machines without clang.  An input that breaks an invariant aborts the
 * run (the file name is printed first); an empty corpus is a failure too.
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long replayed;
static const char *current; /* the input being replayed */

/* A broken invariant aborts: name the input that did it. */
static void replay_abort(int sig)
{
    static const char msg[] = "replay: this input failed: ";

    if (current) {
        (void)!write(2, msg, sizeof(msg) - 1);
        (void)!write(2, current, strlen(current));
        (void)!write(2, "\n", 1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long size;

    if (!f) {
        perror(path);
        return 1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0) {
        perror(path);
        fclose(f);
        return 1;
    }
    /* An exact-size heap copy, as libFuzzer hands its inputs: a read past
     * the end is caught when the driver runs under a sanitizer. */
    buf = malloc(size ? (size_t)size : 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        perror(path);
        free(buf);
        fclose(f);
        return 1;
    }
    fclose(f);
    current = path;
    LLVMFuzzerTestOneInput(buf, (size_t)size);
    current = NULL;
    free(buf);
    replayed++;
    return 0;
}

static int replay_path(const char *path)
{
    struct stat st;
    struct dirent **entries;
    int n, i, rc = 0;

    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        return replay_file(path);
    }
    n = scandir(path, &entries, NULL, alphasort);
    if (n < 0) {
        perror(path);
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (entries[i]->d_name[0] != '.') {
            size_t len = strlen(path) + strlen(entries[i]->d_name) + 2;
            char *child = malloc(len);
            snprintf(child, len, "%s/%s", path, entries[i]->d_name);
            rc |= replay_path(child);
            free(child);
        }
        free(entries[i]);
    }
    free(entries);
    return rc;
}

int main(int argc, char **argv)
{
    int i, rc = 0;

    signal(SIGABRT, replay_abort);
    signal(SIGSEGV, replay_abort);
    for (i = 1; i < argc; i++) {
        rc |= replay_path(argv[i]);
    }
    printf("replay %s: %lu inputs%s\n", argv[0], replayed,
           rc ? ", errors" : "");
    return rc || replayed == 0;
}
