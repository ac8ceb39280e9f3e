/* The benchmark's C-limit contender: each workload's loop written as the system calls it needs,
 * with nothing in between, so the Python contenders can be read as a fraction of this machine's
 * physical limit.  Timing follows pyperf's scheme (calibrate loops to a minimum time, warm up,
 * then a few values) and prints one JSON line the Python runner turns into a pyperf run.
 *
 *   client WORKLOAD [--port N] [--min-time S] [--values N] [--warmups N] [--loops N]
 *
 * "With a timeout" loops use the cheapest way to keep that meaning: a non-blocking socket, the
 * system call first, poll() only when it would block.  Exit status 3 means "no C equivalent".
 */
#define _GNU_SOURCE
#include "bench.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/udp.h> /* UDP_SEGMENT, UDP_GRO */
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <time.h>

#define MSG 64
#define BIG (256 * 1024)
#define TIMEOUT_MS 5000

struct ctx {
    int port;
    int a, b; /* the socket(s) a workload uses; for pairs a sends and b receives */
    int ep;   /* epoll instance of the event-loop workloads */
    struct sockaddr_in to;
    char msg[MSG];
    char buf[BIG];
};

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        bench_die("fcntl(O_NONBLOCK)");
    }
}

/* Wait for fd when a non-blocking call would block: the "timeout set" path. */
static void wait_fd(int fd, short events)
{
    struct pollfd p = {fd, events, 0};
    if (poll(&p, 1, TIMEOUT_MS) != 1) {
        errno = ETIMEDOUT;
        bench_die("poll");
    }
}

static void send_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN) {
                bench_die("send");
            }
            wait_fd(fd, POLLOUT);
            continue;
        }
        p += n;
        len -= (size_t)n;
    }
}

static size_t recv_some(int fd, char *buf, size_t len)
{
    for (;;) {
        ssize_t n = recv(fd, buf, len, 0);
        if (n > 0) {
            return (size_t)n;
        }
        if (n == 0 || errno != EAGAIN) {
            bench_die("recv");
        }
        wait_fd(fd, POLLIN);
    }
}

/* ---- set-ups --------------------------------------------------------------------------------- */

static void setup_connected(struct ctx *c)
{
    c->a = bench_connect(c->port);
}

static void setup_connected_nb(struct ctx *c)
{
    c->a = bench_connect(c->port);
    set_nonblocking(c->a);
}

static void setup_pingpong(struct ctx *c)
{
    c->a = bench_connect(c->port);
    bench_nodelay(c->a);
}

static void setup_udp_peer(struct ctx *c)
{
    int port;
    c->a = bench_bound(SOCK_DGRAM, &port);
    c->to = bench_loopback(c->port);
}

/* A TCP connection with both ends in this process: a sends, b receives. */
static void setup_tcp_pair(struct ctx *c)
{
    int port;
    int l = bench_listener(&port);
    c->a = bench_connect(port);
    c->b = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (c->b < 0) {
        bench_die("accept");
    }
    close(l);
    bench_nodelay(c->a);
    bench_nodelay(c->b);
}

static void setup_udp_pair(struct ctx *c)
{
    int port_a, port_b;
    c->a = bench_bound(SOCK_DGRAM, &port_a);
    c->b = bench_bound(SOCK_DGRAM, &port_b);
    c->to = bench_loopback(port_b);
}

/* A sender and a UDP socket nobody reads, with the smallest receive buffer (the batch rows). */
static void setup_udp_sink(struct ctx *c)
{
    setup_udp_pair(c);
    int one = 1;
    if (setsockopt(c->b, SOL_SOCKET, SO_RCVBUF, &one, sizeof one) < 0) {
        bench_die("setsockopt(SO_RCVBUF)");
    }
}

static void setup_udp_sink_gro(struct ctx *c)
{
    setup_udp_sink(c);
    int one = 1;
    if (setsockopt(c->b, IPPROTO_UDP, UDP_GRO, &one, sizeof one) < 0) {
        bench_die("setsockopt(UDP_GRO)");
    }
}

static void setup_epoll(struct ctx *c)
{
    c->ep = epoll_create1(EPOLL_CLOEXEC);
    if (c->ep < 0) {
        bench_die("epoll_create1");
    }
    int fds[2] = {c->a, c->b};
    for (int i = 0; i < 2; i++) {
        set_nonblocking(fds[i]);
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fds[i]};
        if (epoll_ctl(c->ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) {
            bench_die("epoll_ctl");
        }
    }
}

static void setup_tcp_loop(struct ctx *c)
{
    setup_tcp_pair(c);
    setup_epoll(c);
}

static void setup_udp_loop(struct ctx *c)
{
    setup_udp_pair(c);
    setup_epoll(c);
}

static void setup_none(struct ctx *c)
{
    (void)c;
}

/* ---- loops ----------------------------------------------------------------------------------- */

static void run_recv_64(struct ctx *c, long loops)
{
    for (long i = 0; i < loops; i++) {
        recv_some(c->a, c->buf, MSG);
    }
}

static void run_sendall_64(struct ctx *c, long loops)
{
    for (long i = 0; i < loops; i++) {
        send_all(c->a, c->msg, MSG);
    }
}

static void run_sendall_64k(struct ctx *c, long loops)
{
    for (long i = 0; i < loops; i++) {
        send_all(c->a, c->buf, 64 * 1024);
    }
}

static void run_pingpong(struct ctx *c, long loops)
{
    for (long i = 0; i < loops; i++) {
        send_all(c->a, c->msg, MSG);
        for (size_t got = 0; got < MSG;) {
            got += recv_some(c->a, c->buf, MSG - got);
        }
    }
}

static void run_udp_pingpong(struct ctx *c, long loops)
{
    for (long i = 0; i < loops; i++) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        if (sendto(c->a, c->msg, MSG, 0, (struct sockaddr *)&c->to, sizeof c->to) != MSG) {
            bench_die("sendto");
        }
        if (recvfrom(c->a, c->buf, 4096, 0, (struct sockaddr *)&from, &len) < 0) {
            bench_die("recvfrom");
        }
    }
}

static void run_connect_close(struct ctx *c, long loops)
{
    for (long i = 0; i < loops; i++) {
        close(bench_connect(c->port));
    }
}

static void run_recv_pair(struct ctx *c, long loops, size_t size)
{
    for (long i = 0; i < loops; i++) {
        send_all(c->a, c->msg, MSG);
        recv_some(c->b, c->buf, size);
    }
}

static void run_recv_262144(struct ctx *c, long loops)
{
    run_recv_pair(c, loops, 262144);
}

static void run_recv_4096(struct ctx *c, long loops)
{
    run_recv_pair(c, loops, 4096);
}

static void run_recvfrom_pair(struct ctx *c, long loops, size_t size)
{
    for (long i = 0; i < loops; i++) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        if (sendto(c->a, c->msg, MSG, 0, (struct sockaddr *)&c->to, sizeof c->to) != MSG) {
            bench_die("sendto");
        }
        if (recvfrom(c->b, c->buf, size, 0, (struct sockaddr *)&from, &len) < 0) {
            bench_die("recvfrom");
        }
    }
}

static void run_recvfrom_262144(struct ctx *c, long loops)
{
    run_recvfrom_pair(c, loops, 262144);
}

static void run_recvfrom_4096(struct ctx *c, long loops)
{
    run_recvfrom_pair(c, loops, 4096);
}

static void run_inet(struct ctx *c, long loops)
{
    for (long i = 0; i < loops; i++) {
        unsigned char bin[16];
        if (inet_pton(AF_INET6, "2001:db8:85a3::8a2e:370:7334", bin) != 1 ||
            inet_ntop(AF_INET6, bin, c->buf, INET6_ADDRSTRLEN) == NULL) {
            bench_die("inet_pton/inet_ntop");
        }
    }
}

static void run_getaddrinfo(struct ctx *c, long loops)
{
    (void)c;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST;
    for (long i = 0; i < loops; i++) {
        struct addrinfo *res;
        if (getaddrinfo("127.0.0.1", "80", &hints, &res) != 0) {
            bench_die("getaddrinfo");
        }
        freeaddrinfo(res);
    }
}

static void run_socket_close(struct ctx *c, long loops)
{
    (void)c;
    for (long i = 0; i < loops; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            bench_die("socket");
        }
        close(fd);
    }
}

/* One event-loop turn as asyncio makes it: wait, then receive into a 256 KiB request. */
static int loop_turn(struct ctx *c, struct epoll_event *ev, int max)
{
    int n = epoll_wait(c->ep, ev, max, -1);
    if (n < 0 && errno != EINTR) {
        bench_die("epoll_wait");
    }
    return n < 0 ? 0 : n;
}

/* Client a and server b in one thread: a sends, b echoes on readable, a reads the echo. */
static void run_tcp_loop(struct ctx *c, long loops)
{
    struct epoll_event ev[2];
    for (long i = 0; i < loops; i++) {
        send_all(c->a, c->msg, MSG);
        for (size_t got = 0; got < MSG;) {
            int n = loop_turn(c, ev, 2);
            for (int k = 0; k < n; k++) {
                ssize_t r = recv(ev[k].data.fd, c->buf, BIG, 0);
                if (r <= 0) {
                    if (r < 0 && errno == EAGAIN) {
                        continue;
                    }
                    bench_die("recv");
                }
                if (ev[k].data.fd == c->b) {
                    send_all(c->b, c->buf, (size_t)r);
                }
                else {
                    got += (size_t)r;
                }
            }
        }
    }
}

static void run_udp_loop(struct ctx *c, long loops)
{
    struct epoll_event ev[2];
    for (long i = 0; i < loops; i++) {
        if (sendto(c->a, c->msg, MSG, 0, (struct sockaddr *)&c->to, sizeof c->to) != MSG) {
            bench_die("sendto");
        }
        for (int done = 0; !done;) {
            int n = loop_turn(c, ev, 2);
            for (int k = 0; k < n; k++) {
                struct sockaddr_storage from;
                socklen_t len = sizeof from;
                int fd = ev[k].data.fd;
                ssize_t r = recvfrom(fd, c->buf, BIG, 0, (struct sockaddr *)&from, &len);
                if (r < 0) {
                    if (errno == EAGAIN) {
                        continue;
                    }
                    bench_die("recvfrom");
                }
                if (fd == c->b) {
                    sendto(c->b, c->buf, (size_t)r, 0, (struct sockaddr *)&from, len);
                }
                else {
                    done = 1;
                }
            }
        }
    }
}

/* ---- batch datagram I/O: what csocket's sendmmsg and send_segments do, without Python ------- */

#define BATCH 32
#define SEGMENT 1200
#define GSO_PAYLOAD 65507 /* an IPv4 datagram less the IP and UDP headers */

static void send_batch(struct ctx *c, struct iovec *iov, unsigned n, void *control, size_t clen)
{
    struct mmsghdr m[BATCH];
    memset(m, 0, sizeof m);
    for (unsigned i = 0; i < n; i++) {
        m[i].msg_hdr.msg_name = &c->to;
        m[i].msg_hdr.msg_namelen = sizeof c->to;
        m[i].msg_hdr.msg_iov = &iov[i];
        m[i].msg_hdr.msg_iovlen = 1;
        m[i].msg_hdr.msg_control = control;
        m[i].msg_hdr.msg_controllen = clen;
    }
    if (sendmmsg(c->a, m, n, 0) != (int)n) {
        bench_die("sendmmsg");
    }
}

union gso_control {
    struct cmsghdr align;
    char bytes[CMSG_SPACE(sizeof(uint16_t))];
};

static void gso_control(union gso_control *control, uint16_t size)
{
    memset(control, 0, sizeof *control);
    struct cmsghdr *h = &control->align;
    h->cmsg_level = SOL_UDP;
    h->cmsg_type = UDP_SEGMENT;
    h->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    memcpy(CMSG_DATA(h), &size, sizeof size);
}

/* What csocket's sendmmsg makes of 32 equal datagrams to one address: one message of 32 GSO
 * segments (one iovec each), in one sendmmsg. */
static void run_sendmmsg_32(struct ctx *c, long loops)
{
    struct iovec iov[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i] = (struct iovec){c->msg, MSG};
    }
    union gso_control control;
    gso_control(&control, MSG);
    struct mmsghdr m;
    memset(&m, 0, sizeof m);
    m.msg_hdr.msg_name = &c->to;
    m.msg_hdr.msg_namelen = sizeof c->to;
    m.msg_hdr.msg_iov = iov;
    m.msg_hdr.msg_iovlen = BATCH;
    m.msg_hdr.msg_control = control.bytes;
    m.msg_hdr.msg_controllen = sizeof control.bytes;
    for (long i = 0; i < loops; i++) {
        if (sendmmsg(c->a, &m, 1, 0) != 1) {
            bench_die("sendmmsg");
        }
    }
}

/* 64 KiB in 1,200-byte segments with UDP GSO: as many whole segments as one message carries,
 * then the rest, in one sendmmsg. */
static void run_gso_64k(struct ctx *c, long loops)
{
    union gso_control control;
    gso_control(&control, SEGMENT);
    size_t per = GSO_PAYLOAD / SEGMENT * SEGMENT, total = 64 * 1024;
    struct iovec iov[2] = {{c->buf, per}, {c->buf + per, total - per}};
    for (long i = 0; i < loops; i++) {
        send_batch(c, iov, 2, control.bytes, sizeof control.bytes);
    }
}

/* ---- registry and timing --------------------------------------------------------------------- */

struct workload {
    const char *name;
    void (*setup)(struct ctx *);
    void (*run)(struct ctx *, long);
};

static const struct workload workloads[] = {
    {"recv_into_64", setup_connected, run_recv_64},
    {"recv_into_64_timeout", setup_connected_nb, run_recv_64},
    {"sendall_64", setup_connected, run_sendall_64},
    {"sendall_64_timeout", setup_connected_nb, run_sendall_64},
    {"tcp_pingpong_64", setup_pingpong, run_pingpong},
    {"sendall_64k", setup_connected, run_sendall_64k},
    {"udp_pingpong_64", setup_udp_peer, run_udp_pingpong},
    {"connect_close", setup_none, run_connect_close},
    {"recv_262144", setup_tcp_pair, run_recv_262144},
    {"recv_4096", setup_tcp_pair, run_recv_4096},
    {"recvfrom_262144", setup_udp_pair, run_recvfrom_262144},
    {"recvfrom_4096", setup_udp_pair, run_recvfrom_4096},
    {"udp_sendmmsg_32x64", setup_udp_sink, run_sendmmsg_32},
    {"udp_gso_64k_gro", setup_udp_sink_gro, run_gso_64k},
    {"udp_gso_64k", setup_udp_sink, run_gso_64k},
    {"inet_pton_ntop", setup_none, run_inet},
    {"getaddrinfo_numeric", setup_none, run_getaddrinfo},
    {"socket_close", setup_none, run_socket_close},
    {"asyncio_protocol_echo", setup_tcp_loop, run_tcp_loop},
    {"asyncio_streams_echo", setup_tcp_loop, run_tcp_loop},
    {"asyncio_datagram_echo", setup_udp_loop, run_udp_loop},
};

static double timed(const struct workload *w, struct ctx *c, long loops)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    w->run(c, loops);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
}

static void measure(const struct workload *w, struct ctx *c, long loops, double min_time,
                    int warmups, int values)
{
    if (loops < 1) {
        /* Calibrate as pyperf does: double the loops until one value takes min_time. */
        for (loops = 1; timed(w, c, loops) < min_time && loops < (1L << 40); loops *= 2) {
        }
    }
    printf("{\"workload\": \"%s\", \"loops\": %ld, \"warmups\": [", w->name, loops);
    for (int i = 0; i < warmups; i++) {
        printf("%s[%ld, %.9g]", i ? ", " : "", loops, timed(w, c, loops) / (double)loops);
    }
    printf("], \"values\": [");
    for (int i = 0; i < values; i++) {
        printf("%s%.9g", i ? ", " : "", timed(w, c, loops) / (double)loops);
    }
    printf("]}\n");
}

int main(int argc, char **argv)
{
    static struct ctx c;
    long loops = 0;
    double min_time = 0.1;
    int warmups = 1, values = 3;
    if (argc < 2) {
        fprintf(stderr,
                "usage: client WORKLOAD [--port N] [--min-time S] [--values N] "
                "[--warmups N] [--loops N]\n");
        return 2;
    }
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0) {
            c.port = atoi(argv[i + 1]);
        }
        else if (strcmp(argv[i], "--min-time") == 0) {
            min_time = atof(argv[i + 1]);
        }
        else if (strcmp(argv[i], "--values") == 0) {
            values = atoi(argv[i + 1]);
        }
        else if (strcmp(argv[i], "--warmups") == 0) {
            warmups = atoi(argv[i + 1]);
        }
        else if (strcmp(argv[i], "--loops") == 0) {
            loops = atol(argv[i + 1]);
        }
    }
    signal(SIGPIPE, SIG_IGN);
    memset(c.msg, 'x', sizeof c.msg);
    memset(c.buf, 'x', sizeof c.buf);
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        if (strcmp(workloads[i].name, argv[1]) == 0) {
            workloads[i].setup(&c);
            measure(&workloads[i], &c, loops, min_time, warmups, values);
            return 0;
        }
    }
    printf("{\"workload\": \"%s\", \"na\": \"no C equivalent\"}\n", argv[1]);
    return 3;
}
