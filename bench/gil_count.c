/* Counts GIL releases: an LD_PRELOAD shim over PyEval_SaveThread (what Py_BEGIN_ALLOW_THREADS
 * calls).  Extension modules such as the built-in _socket and csocket's _csocket reach it through
 * the dynamic linker, so the shim sees each of their releases; bench/gil_releases.py reads the
 * count (csk_gil_releases) with ctypes around one call at a time.  Measurement only: never built
 * into csocket.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

unsigned long csk_gil_releases;

void *PyEval_SaveThread(void)
{
    static void *(*real)(void);
    if (real == NULL) {
        real = (void *(*)(void))dlsym(RTLD_NEXT, "PyEval_SaveThread");
    }
    csk_gil_releases++;
    return real();
}
