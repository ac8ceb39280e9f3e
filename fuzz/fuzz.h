/* What the libFuzzer targets share: reading fields off the front of the input, and a check that
 * stops the run with a message when a property of the core does not hold (a crash to libFuzzer,
 * so the input is saved as a reproducer).
 */
#ifndef CSK_FUZZ_H
#define CSK_FUZZ_H

#include "platform.h"
#include "csk.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* n bytes (at least one) on the heap; a failed allocation ends the run, as a property would. */
static inline void *fuzz_alloc(size_t n)
{
    void *p = malloc(n > 0 ? n : 1);
    CHECK(p != NULL);
    return p;
}

/* The input, consumed from the front; reading past its end gives zeros. */
typedef struct {
    const uint8_t *p;
    size_t left;
} fuzz_in;

static inline uint64_t take(fuzz_in *in, size_t nbytes)
{
    uint64_t v = 0;
    for (size_t i = 0; i < nbytes; i++) {
        v = (v << 8) | (in->left > 0 ? (in->left--, *in->p++) : 0);
    }
    return v;
}

/* A private copy of exactly n bytes of the input (fewer when it runs out: the rest is 0xA5), on
 * the heap with nothing after it, so ASan reports any read past n. */
static inline unsigned char *take_copy(fuzz_in *in, size_t n)
{
    unsigned char *buf = fuzz_alloc(n);
    size_t have = in->left < n ? in->left : n;
    memcpy(buf, in->p, have);
    memset(buf + have, 0xA5, n - have);
    in->p += have;
    in->left -= have;
    return buf;
}

/* The rest of the input as a NUL-terminated string (cut at its first NUL). */
static inline char *take_text(fuzz_in *in)
{
    size_t n = strnlen((const char *)in->p, in->left);
    char *s = fuzz_alloc(n + 1);
    memcpy(s, in->p, n);
    s[n] = '\0';
    size_t used = n < in->left ? n + 1 : n;
    in->p += used;
    in->left -= used;
    return s;
}

#endif
