/* The C layout of a socket object: the one thing outside csocket that reads csocket's memory.
 *
 * Why it looks like this: CPython's _ssl module gets the socket type from the capsule
 * "_socket.CAPI" and then reads two fields of socket objects directly, `sock_fd` and
 * `sock_timeout`, with the struct layout compiled into _ssl from CPython's socketmodule.h.  So the
 * object begins exactly like CPython's PySocketSockObject of the version csocket is built for.
 * Anything csocket adds comes after that prefix.  Version guards for that layout live only here.
 */
#ifndef CSK_SOCKOBJECT_H
#define CSK_SOCKOBJECT_H

#include <Python.h>
#include <stddef.h>
#include <stdint.h>

typedef struct csk_state csk_state;

typedef struct {
    PyObject_HEAD int sock_fd; /* SOCKET_T on POSIX; -1 once closed or detached */
    int sock_family;
    int sock_type; /* without SOCK_NONBLOCK / SOCK_CLOEXEC */
    int sock_proto;
    PyObject *(*errorhandler)(void); /* CPython's error hook; kept for the layout */
    int64_t sock_timeout;            /* _PyTime_t / PyTime_t nanoseconds: < 0 blocking,
                                      * 0 non-blocking, > 0 timeout; the fd is O_NONBLOCK
                                      * whenever >= 0 (_ssl relies on it for its own poll) */
    csk_state *state;                /* 3.12+: CPython's module-state slot; csocket keeps its
                                      * own module state here on every version */
#if defined(MS_WINDOWS) && PY_VERSION_HEX >= 0x030E0000
    int quickack; /* 3.14 on Windows */
#endif
    /* ---- csocket's own fields: nothing outside csocket reads below this line ---- */
    int nonblocking; /* O_NONBLOCK as csocket last set it; -1 unknown */
    int inflight;    /* calls using sock_fd with the GIL released (call.c) */
    int close_fd;    /* what close() left for the last of them to close; or -1 */
    int gso_segs;    /* send_segments: UDP GSO segments per message known to
                      * work; 0 untried, -1 GSO unusable here (batch.c) */
    int gso_refused; /* the fewest segments per message the kernel refused; 0 none */
} csk_sock;

/* What _ssl reads, at the offsets it was compiled with: on 64-bit default (GIL) builds, 16 and 40.
 */
#if !defined(Py_GIL_DISABLED) && UINTPTR_MAX == UINT64_MAX
_Static_assert(offsetof(csk_sock, sock_fd) == 16, "sock_fd must sit where _ssl reads it");
_Static_assert(offsetof(csk_sock, sock_timeout) == 40, "sock_timeout must sit where _ssl reads it");
#endif

/* The fd is read and written with relaxed atomics (a plain load or store on every platform
 * csocket builds for): the I/O engine reads it again, with the GIL released, before each system
 * call of a running operation (see csk_fd_load in csk.h), while another thread may close the
 * socket.  3.14 does the same for its free-threaded build. */
static inline int py_sock_fd(const csk_sock *s)
{
    return __atomic_load_n(&s->sock_fd, __ATOMIC_RELAXED);
}
static inline void py_sock_set_fd(csk_sock *s, int fd)
{
    __atomic_store_n(&s->sock_fd, fd, __ATOMIC_RELAXED);
}

/* The capsule _ssl imports, with the same three fields as CPython's PySocketModule_APIObject. */
typedef struct {
    PyTypeObject *Sock_Type;
    PyObject *error;
    PyObject *timeout_error;
} csk_capi;

#define CSK_CAPSULE_NAME "_socket.CAPI"

#endif /* CSK_SOCKOBJECT_H */
