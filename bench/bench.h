/* Small loopback helpers shared by the benchmark's C peer (peer.c) and C-limit client (client.c).
 *
 * Plain POSIX sockets on 127.0.0.1 only; every failure here is fatal (the benchmark cannot go on
 * without its sockets), so helpers print the failing call and exit instead of returning errors.
 */
#ifndef CSK_BENCH_H
#define CSK_BENCH_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static inline void bench_die(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    exit(2);
}

static inline struct sockaddr_in bench_loopback(int port)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sa;
}

/* A socket bound to 127.0.0.1 on a port the kernel picks; *port receives that port. */
static inline int bench_bound(int type, int *port)
{
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        bench_die("socket");
    }
    struct sockaddr_in sa = bench_loopback(0);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        bench_die("bind");
    }
    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        bench_die("getsockname");
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

static inline int bench_listener(int *port)
{
    int fd = bench_bound(SOCK_STREAM, port);
    /* A deep backlog: connect+close runs tens of thousands of handshakes a second. */
    if (listen(fd, 4096) < 0) {
        bench_die("listen");
    }
    return fd;
}

static inline int bench_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        bench_die("socket");
    }
    struct sockaddr_in sa = bench_loopback(port);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        bench_die("connect");
    }
    return fd;
}

static inline void bench_nodelay(int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
        bench_die("setsockopt(TCP_NODELAY)");
    }
}

#endif
