/* The benchmark's peer: the far end of every loopback workload, identical for every contender.
 *
 * Services (each on a port the kernel picks, printed as one JSON line on stdout):
 *   echo     TCP, sends back what it receives          sink     TCP, reads and discards
 *   source   TCP, writes without pause                  accept   TCP, accepts and resets at once
 *   udp_echo UDP, sends each datagram back to its sender
 * One blocking thread per connection keeps the peer's own cost per message at one system call.
 * It runs until its standard input closes, so it never outlives the benchmark that started it.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <pthread.h>
#include <signal.h>

#define PEER_BUF (256 * 1024)

typedef void *(*peer_service)(void *);

static void *peer_echo(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[PEER_BUF];
    bench_nodelay(fd);
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = send(fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
            if (w <= 0) {
                goto out;
            }
            off += w;
        }
    }
out:
    close(fd);
    return NULL;
}

static void *peer_sink(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[PEER_BUF];
    while (recv(fd, buf, sizeof buf, 0) > 0) {
    }
    close(fd);
    return NULL;
}

static void *peer_source(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[64 * 1024];
    memset(buf, 'x', sizeof buf);
    while (send(fd, buf, sizeof buf, MSG_NOSIGNAL) > 0) {
    }
    close(fd);
    return NULL;
}

static void peer_spawn(peer_service fn, int fd)
{
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, fn, (void *)(intptr_t)fd) != 0) {
        close(fd);
    }
    pthread_attr_destroy(&attr);
}

/* The accept service closes each connection once the client has closed its end, and with a reset:
 * the client's socket (in FIN_WAIT_2) then goes away at once, so connect+close at tens of thousands
 * a second never runs out of ports to TIME_WAIT.  Resetting earlier would race with the client's
 * connect(), which reports a reset that arrives before it has returned (ECONNRESET). */
static void peer_close_after_client(int fd)
{
    struct timeval tv = {1, 0};
    char c;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (recv(fd, &c, 1, 0) > 0) {
    }
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

struct peer_listener {
    int fd;
    peer_service serve; /* NULL: accept-and-close */
};

static void *peer_accept_loop(void *arg)
{
    struct peer_listener *l = arg;
    for (;;) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        if (l->serve != NULL) {
            peer_spawn(l->serve, fd);
            continue;
        }
        peer_close_after_client(fd);
    }
    return NULL;
}

static void *peer_udp_echo(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[65536];
    for (;;) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n >= 0) {
            sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
        }
    }
    return NULL;
}

static int peer_listen(struct peer_listener *l, peer_service serve)
{
    int port;
    l->fd = bench_listener(&port);
    l->serve = serve;
    pthread_t t;
    if (pthread_create(&t, NULL, peer_accept_loop, l) != 0) {
        bench_die("pthread_create");
    }
    return port;
}

int main(void)
{
    static struct peer_listener echo, sink, source, acceptor;
    signal(SIGPIPE, SIG_IGN);
    int p_echo = peer_listen(&echo, peer_echo);
    int p_sink = peer_listen(&sink, peer_sink);
    int p_source = peer_listen(&source, peer_source);
    int p_accept = peer_listen(&acceptor, NULL);
    int p_udp;
    int udp = bench_bound(SOCK_DGRAM, &p_udp);
    peer_spawn(peer_udp_echo, udp);

    printf(
        "{\"kind\": \"c\", \"pid\": %d, \"echo\": %d, \"sink\": %d, \"source\": %d, "
        "\"accept\": %d, \"udp_echo\": %d}\n",
        (int)getpid(), p_echo, p_sink, p_source, p_accept, p_udp);
    fflush(stdout);

    for (;;) {
        char c;
        ssize_t r = read(0, &c, 1);
        if (r == 0 || (r < 0 && errno != EINTR)) {
            return 0;
        }
    }
}
