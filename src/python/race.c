/* Happy Eyeballs from Python: _race(), the private function under csocket.create_connection.
 *
 * Every attempt is a real socket object, made and bound as socket.create_connection makes its
 * own, so the socket.__new__, socket.bind and socket.connect audit events fire per attempt; the
 * core (src/core/race.c) runs and times the connects.  Not here: resolving and ordering addresses,
 * the returned socket's class and timeout (csocket/_eyeballs.py).
 */
#include "binding.h"

typedef struct {
    csk_state *st;
    PyObject *candidates; /* a list or tuple of (family, type, proto, sockaddr) */
    PyObject *source;     /* the source address to bind, or NULL */
    csk_race race;
    csk_race_attempt *attempts;
    struct pollfd *pfds;
    PyObject **socks; /* each started attempt's socket object; NULL once closed */
    PyObject *errors; /* every failed attempt's exception, in the order they failed */
} race_run;

/* Close attempt i's socket, if open.  Cleanup must not disturb an exception on its way out, and
 * nobody is left to hear of a failed close. */
static void close_attempt(race_run *rr, size_t i)
{
    PyObject *sock = rr->socks[i];
    if (sock == NULL) {
        return;
    }
    rr->socks[i] = NULL;
    PyObject *pending = PyErr_Occurred() ? py_err_take() : NULL;
    PyObject *r = sock_close((csk_sock *)sock, NULL);
    if (r == NULL) {
        PyErr_Clear();
    }
    Py_XDECREF(r);
    Py_DECREF(sock);
    if (pending != NULL) {
        py_err_restore(pending);
    }
}

/* Attempt i is over: keep the exception being raised as its error, close its socket. */
static int record_failure(race_run *rr, size_t i)
{
    PyObject *exc = py_err_take();
    int r = exc != NULL ? PyList_Append(rr->errors, exc) : -1;
    Py_XDECREF(exc);
    close_attempt(rr, i);
    rr->attempts[i].state = CSK_ATTEMPT_DONE;
    return r;
}

/* Take the errors of the attempts the core failed (and, when the deadline passed, time out the
 * pending ones).  0, or -1 with an exception. */
static int collect(race_run *rr, int timed_out)
{
    for (size_t i = 0; i < rr->race.started; i++) {
        csk_race_attempt *a = &rr->attempts[i];
        int err = a->state == CSK_ATTEMPT_FAILED                   ? a->error
                  : (timed_out && a->state == CSK_ATTEMPT_PENDING) ? CSK_ETIMEOUT
                                                                   : 0;
        if (err == 0) {
            continue; /* still racing, or failed by us with its error recorded already */
        }
        py_raise(err);
        if (record_failure(rr, i) < 0) {
            return -1;
        }
    }
    return 0;
}

/* The family, type and proto of a candidate (checked by check_candidates). */
static int item_ints(PyObject *item, int *family, int *type, int *proto)
{
    if (py_to_int(PyTuple_GET_ITEM(item, 0), family) < 0 ||
        py_to_int(PyTuple_GET_ITEM(item, 1), type) < 0 ||
        py_to_int(PyTuple_GET_ITEM(item, 2), proto) < 0) {
        return -1;
    }
    return 0;
}

/* A socket for candidate i, made and bound as socket.create_connection does.  Returns it; NULL
 * with an OSError set (the attempt failed) or another exception (the race must end). */
static PyObject *open_attempt(race_run *rr, PyObject *item)
{
    int family, type, proto;
    if (item_ints(item, &family, &type, &proto) < 0) {
        return NULL;
    }
    PyObject *sock =
        PyObject_CallFunction((PyObject *)rr->st->sock_type, "iii", family, type, proto);
    if (sock == NULL) {
        return NULL;
    }
    PyObject *bound = NULL;
    if (py_sock_apply_timeout((csk_sock *)sock, 0) < 0 ||
        (rr->source != NULL && (bound = sock_bind((csk_sock *)sock, rr->source)) == NULL)) {
        PyObject *exc = py_err_take();
        PyObject *r = sock_close((csk_sock *)sock, NULL);
        Py_XDECREF(r);
        PyErr_Clear();
        Py_DECREF(sock);
        py_err_restore(exc);
        return NULL;
    }
    Py_XDECREF(bound);
    return sock;
}

/* Start the next attempt.  0 (pending, or failed with its error recorded), CSK_RACE_WON, or -1
 * with an exception that ends the race (not an OSError: bad input, a refusing audit hook). */
static int start_next(race_run *rr)
{
    size_t i = rr->race.started;
    PyObject *item = PySequence_Fast_GET_ITEM(rr->candidates, i);
    PyObject *sock = open_attempt(rr, item);
    if (sock == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_OSError)) {
            return -1;
        }
        csk_race_skip(&rr->race);
        return record_failure(rr, i);
    }
    rr->socks[i] = sock;
    csk_sock *s = (csk_sock *)sock;
    PyObject *addro = PyTuple_GET_ITEM(item, 3);
    csk_sockaddr addr;
    socklen_t len;
    if (py_address_parse(s, addro, &addr, &len, "connect") < 0 ||
        PySys_Audit("socket.connect", "OO", sock, addro) < 0) {
        if (!PyErr_ExceptionMatches(PyExc_OSError)) {
            return -1;
        }
        csk_race_skip(&rr->race);
        return record_failure(rr, i);
    }
    int r = csk_race_start(&rr->race, &s->sock_fd, &addr.sa, len);
    if (r < 0) {
        py_raise(r);
        return record_failure(rr, i);
    }
    return r;
}

/* One csk_race_wait() with the GIL released; every open attempt's fd is counted in use. */
static int wait_once(race_run *rr)
{
    int r;
    for (size_t i = 0; i < rr->race.started; i++) {
        if (rr->socks[i] != NULL) {
            py_sock_enter((csk_sock *)rr->socks[i]);
        }
    }
    Py_BEGIN_ALLOW_THREADS
    r = csk_race_wait(&rr->race);
    Py_END_ALLOW_THREADS
    for (size_t i = 0; i < rr->race.started; i++) {
        if (rr->socks[i] != NULL) {
            py_sock_leave((csk_sock *)rr->socks[i]);
        }
    }
    return r;
}

/* Run the race to its end.  CSK_RACE_WON, CSK_RACE_LOST (errors hold why), or -1. */
static int run(race_run *rr)
{
    for (;;) {
        int r = wait_once(rr);
        if (r == -EINTR) {
            /* PEP 475: run the handlers, then go on with the time left. */
            if (PyErr_CheckSignals() < 0) {
                return -1;
            }
            continue;
        }
        if (r == CSK_RACE_NEXT) {
            r = start_next(rr);
            if (r == 0) {
                continue;
            }
            return r; /* connected at once, or -1 */
        }
        if (r == CSK_RACE_WON) {
            return r;
        }
        if (r < 0 && r != CSK_ETIMEOUT) {
            py_raise(r); /* poll() itself failed */
            return -1;
        }
        if (collect(rr, r == CSK_ETIMEOUT) < 0) {
            return -1;
        }
        if (r != CSK_RACE_FAILED) {
            return CSK_RACE_LOST;
        }
    }
}

/* Check the candidates' shape before anything starts. */
static int check_candidates(PyObject *seq)
{
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        int family, type, proto;
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 4) {
            PyErr_SetString(PyExc_TypeError,
                            "_race(): each candidate must be a tuple "
                            "(family, type, proto, sockaddr)");
            return -1;
        }
        if (item_ints(item, &family, &type, &proto) < 0) {
            return -1;
        }
    }
    return 0;
}

static PyObject *race_result(race_run *rr, int outcome)
{
    PyObject *winner = Py_None;
    if (outcome == CSK_RACE_WON) {
        winner = rr->socks[rr->race.winner];
        rr->socks[rr->race.winner] = NULL;
    }
    else {
        Py_INCREF(winner);
    }
    if (outcome == CSK_RACE_LOST && PyList_GET_SIZE(rr->errors) == 0) {
        py_raise(CSK_ETIMEOUT); /* the deadline passed before any attempt could fail */
        PyObject *exc = py_err_take();
        if (exc == NULL || PyList_Append(rr->errors, exc) < 0) {
            Py_XDECREF(exc);
            Py_DECREF(winner);
            return NULL;
        }
        Py_DECREF(exc);
    }
    return Py_BuildValue("(NO)", winner, rr->errors);
}

static PyObject *race_candidates(race_run *rr, int64_t delay_ns, int64_t timeout_ns)
{
    size_t n = (size_t)PySequence_Fast_GET_SIZE(rr->candidates);
    rr->attempts = PyMem_Calloc(n, sizeof *rr->attempts);
    rr->pfds = PyMem_Calloc(n, sizeof *rr->pfds);
    rr->socks = PyMem_Calloc(n, sizeof *rr->socks);
    rr->errors = PyList_New(0);
    PyObject *result = NULL;
    if (rr->attempts == NULL || rr->pfds == NULL || rr->socks == NULL) {
        PyErr_NoMemory();
    }
    else if (rr->errors != NULL) {
        csk_race_init(&rr->race, rr->attempts, rr->pfds, n, delay_ns, timeout_ns);
        int outcome = run(rr);
        result = outcome < 0 ? NULL : race_result(rr, outcome);
    }
    for (size_t i = 0; rr->socks != NULL && i < n; i++) {
        close_attempt(rr, i); /* every socket but the winner, on every path */
    }
    Py_XDECREF(rr->errors);
    PyMem_Free(rr->attempts);
    PyMem_Free(rr->pfds);
    PyMem_Free(rr->socks);
    return result;
}

static CSK_DOC(
    mod_race,
    "_race(candidates, delay_ns, timeout_ns, source_address=None, /) -> (socket | None, errors)\n\n"
    "Race connections to candidates, a sequence of (family, type, proto, sockaddr) tried in\n"
    "order (RFC 8305): the next starts delay_ns after the last, or at once when one fails,\n"
    "never two within 10 ms.  timeout_ns < 0 means no deadline; otherwise it bounds the\n"
    "whole race.  Returns the connected socket (non-blocking) and the list of every failed\n"
    "attempt's exception; every other socket is closed.  Private: use\n"
    "csocket.create_connection or csocket.connect_addrinfos.");

static PyObject *mod_race(PyObject *module, PyObject *args)
{
    PyObject *candidates, *source = Py_None;
    long long delay_ns, timeout_ns;
    if (!PyArg_ParseTuple(args, "OLL|O:_race", &candidates, &delay_ns, &timeout_ns, &source)) {
        return NULL;
    }
    if (delay_ns < 0) {
        PyErr_SetString(PyExc_ValueError, "_race(): delay_ns must not be negative");
        return NULL;
    }
    race_run rr;
    memset(&rr, 0, sizeof rr);
    rr.st = py_state_of_module(module);
    rr.source = source == Py_None ? NULL : source;
    rr.candidates = PySequence_Fast(candidates, "_race(): candidates must be a sequence");
    if (rr.candidates == NULL) {
        return NULL;
    }
    PyObject *result = NULL;
    if (check_candidates(rr.candidates) == 0) {
        result = race_candidates(&rr, delay_ns, timeout_ns);
    }
    Py_DECREF(rr.candidates);
    return result;
}

PyMethodDef py_race_functions[] = {
    CSK_METHOD("_race", mod_race, METH_VARARGS),
    {NULL, NULL, 0, NULL},
};
