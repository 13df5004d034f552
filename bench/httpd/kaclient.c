/*
 * kaclient: send one request N times over one keep-alive connection to an
 * httpd -X on 127.0.0.1, each only once the server is blocked in poll()
 * waiting for it, and read each response whole.
 *
 * Why wait: if a request is already in the socket when Apache reads, it
 * takes a shorter path (no EAGAIN, no poll) than when it has to wait, and
 * the instruction count of the run would depend on the timing of the two
 * processes.  Waiting until the server sleeps in poll() makes every request
 * take the same path, so callgrind's totals depend on N alone.
 *
 *   kaclient PORT SERVER_PID N REQUEST_FILE [FIRST_RESPONSE_OUT]
 *
 * Exit status 0 when N responses arrived, each complete; 1 otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WAIT_LIMIT_S 300

static void die(const char *what)
{
    fprintf(stderr, "kaclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void nap(long usec)
{
    struct timespec ts = {usec / 1000000, (usec % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* The syscall the server's thread is blocked in, or -1 (running, gone). */
static long blocked_in(pid_t pid)
{
    char path[64], buf[256];
    FILE *f;
    long nr = -1;

    snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
    if (!(f = fopen(path, "r"))) {
        fprintf(stderr, "kaclient: the server (pid %d) is gone\n", (int)pid);
        exit(1);
    }
    if (fgets(buf, sizeof(buf), f) && buf[0] >= '0' && buf[0] <= '9') {
        nr = strtol(buf, NULL, 10);
    }
    fclose(f);
    return nr;
}

/* Wait until the server sleeps in one of the syscalls a, b (x86_64 and
 * aarch64 numbers are passed by the caller), seen twice 2 ms apart. */
static void wait_blocked(pid_t pid, long a, long b, const char *what)
{
    time_t limit = time(NULL) + WAIT_LIMIT_S;
    int seen = 0;

    while (seen < 2) {
        long nr = blocked_in(pid);
        if (nr == a || nr == b) {
            seen++;
        }
        else {
            seen = 0;
        }
        if (time(NULL) > limit) {
            fprintf(stderr, "kaclient: the server never blocked in %s\n",
                    what);
            exit(1);
        }
        nap(seen ? 2000 : 500);
    }
}

#if defined(__x86_64__)
#define SYS_POLL_A 7     /* poll */
#define SYS_POLL_B 271   /* ppoll */
#define SYS_ACCEPT_A 43  /* accept */
#define SYS_ACCEPT_B 288 /* accept4 */
#elif defined(__aarch64__)
#define SYS_POLL_A 73 /* ppoll */
#define SYS_POLL_B 73
#define SYS_ACCEPT_A 202 /* accept */
#define SYS_ACCEPT_B 242 /* accept4 */
#else
#error "kaclient: add this architecture's poll and accept syscall numbers"
#endif

/* Read one response whole: headers, then Content-Length bytes of body (none
 * for 204 and 304).  Returns the bytes read into buf. */
static size_t read_response(int fd, char *buf, size_t cap)
{
    size_t have = 0, need = 0;
    char *eoh = NULL;

    for (;;) {
        ssize_t n;
        if (eoh && have >= need) {
            return have;
        }
        if (have == cap) {
            fprintf(stderr, "kaclient: response too large\n");
            exit(1);
        }
        n = read(fd, buf + have, cap - have);
        if (n <= 0) {
            fprintf(stderr, "kaclient: connection closed mid-response\n");
            exit(1);
        }
        have += (size_t)n;
        if (!eoh) {
            buf[have < cap ? have : cap - 1] = '\0';
            eoh = strstr(buf, "\r\n\r\n");
            if (eoh) {
                const char *cl = strcasestr(buf, "\r\nContent-Length:");
                int status = atoi(buf + 9);
                need = (size_t)(eoh + 4 - buf);
                if (cl && cl < eoh && status != 204 && status != 304) {
                    need += (size_t)strtoul(cl + 17, NULL, 10);
                }
                else if (!cl && status != 204 && status != 304) {
                    fprintf(stderr, "kaclient: no Content-Length (status "
                                    "%d): this client reads only sized "
                                    "bodies\n", status);
                    exit(1);
                }
            }
        }
    }
}

int main(int argc, char **argv)
{
    static char req[65536], resp[1 << 20];
    struct sockaddr_in sa;
    pid_t pid;
    long n, i;
    size_t reqlen;
    FILE *f;
    int fd = -1, one = 1;
    time_t limit;

    if (argc < 5) {
        fprintf(stderr, "usage: kaclient PORT SERVER_PID N REQUEST_FILE "
                        "[FIRST_RESPONSE_OUT]\n");
        return 2;
    }
    pid = (pid_t)atoi(argv[2]);
    n = atol(argv[3]);
    if (!(f = fopen(argv[4], "rb"))) {
        die(argv[4]);
    }
    reqlen = fread(req, 1, sizeof(req), f);
    fclose(f);

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[1]));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    /* The server is up once it sleeps in accept(). */
    wait_blocked(pid, SYS_ACCEPT_A, SYS_ACCEPT_B, "accept");
    limit = time(NULL) + WAIT_LIMIT_S;
    for (;;) {
        if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
            die("socket");
        }
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            break;
        }
        close(fd);
        if (time(NULL) > limit) {
            die("connect");
        }
        nap(100000);
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

    for (i = 0; i < n; i++) {
        size_t got, off = 0;
        wait_blocked(pid, SYS_POLL_A, SYS_POLL_B, "poll");
        while (off < reqlen) {
            ssize_t w = write(fd, req + off, reqlen - off);
            if (w <= 0) {
                die("write");
            }
            off += (size_t)w;
        }
        got = read_response(fd, resp, sizeof(resp));
        if (i == 0 && argc > 5) {
            FILE *o = fopen(argv[5], "wb");
            if (!o) {
                die(argv[5]);
            }
            fwrite(resp, 1, got, o);
            fclose(o);
        }
    }
    close(fd);
    /* Back in accept(): the connection's end is behind it too. */
    wait_blocked(pid, SYS_ACCEPT_A, SYS_ACCEPT_B, "accept");
    return 0;
}
