/* The per-thread receive buffer behind recv(n) and recvfrom(n).
 *
 * Each thread reserves one CSK_SCRATCH_MAX buffer on first use and keeps it, at the same address,
 * until it exits.  Only the pages a receive actually writes become resident, so a thread that
 * never receives more than 4 KiB costs about 4 KiB.  The address never changes, so a Python signal
 * handler that receives on the same thread between two attempts cannot pull it from under a call.
 */
#include "platform.h"
#include "csk.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok;

static _Thread_local void *scratch_buf;

static void scratch_key_create(void)
{
    /* The key exists only so that its destructor frees a thread's buffer at thread exit. */
    scratch_key_ok = pthread_key_create(&scratch_key, free) == 0;
}

void *csk_scratch(size_t len)
{
    if (len > CSK_SCRATCH_MAX) {
        return NULL;
    }
    if (scratch_buf != NULL) {
        return scratch_buf;
    }
    pthread_once(&scratch_once, scratch_key_create);
    if (!scratch_key_ok) {
        return NULL;
    }
    void *buf = malloc(CSK_SCRATCH_MAX);
    if (buf == NULL) {
        return NULL;
    }
    if (pthread_setspecific(scratch_key, buf) != 0) {
        free(buf);
        return NULL;
    }
    scratch_buf = buf;
    return buf;
}

size_t csk_scratch_held(void)
{
    return scratch_buf != NULL ? CSK_SCRATCH_MAX : 0;
}
