/* _allocfail: a test-only extension that makes one chosen allocation fail (make test-torture).
 *
 * It wraps the raw, mem and object allocators (PyMem_SetAllocator) and counts the allocations
 * that (1) the thread that armed it makes and (2) whose call stack passes through csocket's
 * extension (so the interpreter's own bytecode, the driver and other threads are never failed:
 * the question is csocket's error paths, not CPython's).  Armed with n > 0, the n-th such
 * allocation returns NULL; every other one goes through.  Not part of csocket.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "code_range.h"

#define STACK_DEPTH 40

static PyMemAllocatorEx wrapped[3]; /* raw, mem, obj: what was installed before us */
static int installed;
static uintptr_t text_lo, text_hi; /* csocket's executable segments (one range covers them) */
static uintptr_t eval_lo, eval_hi; /* the bytecode interpreter's frame function */
static pthread_t armed_thread;
static int armed;       /* read by every thread; written by the armed one */
static long fail_nth;   /* 0: count only */
static long counted;    /* allocations through csocket in the armed thread */
static long injected;   /* failures returned */
static int in_hook;
static uintptr_t text_base;              /* csocket's load address, for offsets */
static uintptr_t where[8];               /* csocket's frames of the failed allocation */
static int where_n;     /* backtrace() may allocate: never count ourselves (armed thread only) */

/* Is this allocation csocket's, and the one to fail? */
static int should_fail(void)
{
    if (!__atomic_load_n(&armed, __ATOMIC_RELAXED) || !pthread_equal(pthread_self(), armed_thread)
        || in_hook) {
        return 0;
    }
    in_hook = 1;
    void *frames[STACK_DEPTH];
    int n = backtrace(frames, STACK_DEPTH);
    int ours = 0;
    for (int i = 1; i < n && !ours; i++) {
        uintptr_t pc = (uintptr_t)frames[i];
        if (pc >= eval_lo && pc < eval_hi) {
            break; /* Python code csocket called (a codec, an import): the interpreter's own */
        }
        ours = pc >= text_lo && pc < text_hi;
    }
    in_hook = 0;
    if (!ours) {
        return 0;
    }
    if (++counted == fail_nth) {
        injected++;
        where_n = 0;
        for (int i = 1; i < n && where_n < 8; i++) {
            uintptr_t pc = (uintptr_t)frames[i];
            if (pc >= text_lo && pc < text_hi) {
                where[where_n++] = pc - text_base;
            }
        }
        return 1;
    }
    return 0;
}

static void *hook_malloc(void *ctx, size_t size)
{
    PyMemAllocatorEx *a = ctx;
    return should_fail() ? NULL : a->malloc(a->ctx, size);
}

static void *hook_calloc(void *ctx, size_t nelem, size_t elsize)
{
    PyMemAllocatorEx *a = ctx;
    return should_fail() ? NULL : a->calloc(a->ctx, nelem, elsize);
}

static void *hook_realloc(void *ctx, void *ptr, size_t size)
{
    PyMemAllocatorEx *a = ctx;
    return should_fail() ? NULL : a->realloc(a->ctx, ptr, size);
}

static void hook_free(void *ctx, void *ptr)
{
    PyMemAllocatorEx *a = ctx;
    a->free(a->ctx, ptr);
}

static void install(void)
{
    static const PyMemAllocatorDomain domains[3] = {PYMEM_DOMAIN_RAW, PYMEM_DOMAIN_MEM,
                                                    PYMEM_DOMAIN_OBJ};
    void *warm[4];
    backtrace(warm, 4); /* loads the unwinder now, not inside a hook */
    for (int i = 0; i < 3; i++) {
        PyMem_GetAllocator(domains[i], &wrapped[i]);
        PyMemAllocatorEx hook = {&wrapped[i], hook_malloc, hook_calloc, hook_realloc, hook_free};
        PyMem_SetAllocator(domains[i], &hook);
    }
    installed = 1;
}

/* watch(path): count allocations made under the shared object loaded from path (csocket's). */
static PyObject *af_watch(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *path = PyUnicode_AsUTF8(arg);
    if (path == NULL) {
        return NULL;
    }
    struct code_range q;
    if (code_range_of(path, &q) < 0) {
        PyErr_Format(PyExc_ValueError, "%s is not loaded", path);
        return NULL;
    }
    text_lo = q.lo;
    text_hi = q.hi;
    text_base = q.base;
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    void *eval = dlsym(RTLD_DEFAULT, "_PyEval_EvalFrameDefault");
    if (eval != NULL && dladdr1(eval, &info, (void **)&sym, RTLD_DL_SYMENT) && sym != NULL) {
        eval_lo = (uintptr_t)eval;
        eval_hi = eval_lo + sym->st_size;
    }
    if (!installed) {
        install();
    }
    Py_RETURN_NONE;
}

/* arm(n): from now on count csocket's allocations in this thread; fail the n-th (0: none). */
static PyObject *af_arm(PyObject *self, PyObject *arg)
{
    (void)self;
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (text_lo == 0) {
        PyErr_SetString(PyExc_RuntimeError, "watch() first");
        return NULL;
    }
    fail_nth = n;
    counted = injected = 0;
    armed_thread = pthread_self();
    __atomic_store_n(&armed, 1, __ATOMIC_RELAXED);
    Py_RETURN_NONE;
}

/* disarm() -> (counted, injected) */
static PyObject *af_disarm(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    __atomic_store_n(&armed, 0, __ATOMIC_RELAXED);
    return Py_BuildValue("(ll)", counted, injected);
}

/* where() -> offsets in csocket's shared object of the last failed allocation's frames */
static PyObject *af_where(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    PyObject *out = PyList_New(0);
    for (int i = 0; out != NULL && i < where_n; i++) {
        PyObject *pc = PyLong_FromSize_t(where[i] - 1); /* the call, not the return address */
        if (pc == NULL || PyList_Append(out, pc) < 0) {
            Py_XDECREF(pc);
            Py_CLEAR(out);
            break;
        }
        Py_DECREF(pc);
    }
    return out;
}

static PyMethodDef af_methods[] = {
    {"where", af_where, METH_NOARGS, "where() -> csocket offsets of the failed allocation"},
    {"watch", af_watch, METH_O, "watch(path): the shared object whose allocations count"},
    {"arm", af_arm, METH_O, "arm(n): count csocket's allocations here; fail the n-th (0: none)"},
    {"disarm", af_disarm, METH_NOARGS, "disarm() -> (counted, injected)"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef af_module = {PyModuleDef_HEAD_INIT, "_allocfail",
                                       "Fail the n-th allocation csocket makes (tests only).", -1,
                                       af_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__allocfail(void)
{
    return PyModule_Create(&af_module);
}
