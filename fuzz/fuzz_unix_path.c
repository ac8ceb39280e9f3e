/* libFuzzer target: AF_UNIX addresses.  csk_unix_path() reads an address the kernel returned,
 * whose reported length is untrusted (it may be shorter than the struct, or longer than what was
 * written when the name was truncated); csk_unix_address() builds one from a path, and reading
 * the built address back must give that path again.
 * Input: 2 bytes of reported length, then the address bytes (or the path to build).
 */
#include "fuzz.h"

#include <sys/un.h>

static void read_returned(fuzz_in *in)
{
    const size_t start = offsetof(struct sockaddr_un, sun_path);
    socklen_t addrlen = (socklen_t)take(in, 2);
    /* The kernel writes at most the buffer's size: csocket's buffer is a csk_sockaddr. */
    size_t written = addrlen < sizeof(csk_sockaddr) ? addrlen : sizeof(csk_sockaddr);
    unsigned char *buf = take_copy(in, written);
    int abstract = -1;
    size_t len = csk_unix_path((const struct sockaddr_un *)buf, addrlen, &abstract);
    CHECK(abstract == 0 || abstract == 1);
    if (written <= start) {
        CHECK(len == 0 && abstract == 0);
    }
    else {
        size_t room = written - start;
        if (room > sizeof(((struct sockaddr_un *)0)->sun_path)) {
            room = sizeof(((struct sockaddr_un *)0)->sun_path);
        }
        const unsigned char *path = buf + start;
        CHECK(len <= room);
        if (abstract) {
            CHECK(path[0] == '\0' && len == room);
        }
        else {
            /* A path ends at its first NUL, or at the bytes really there. */
            CHECK(memchr(path, '\0', len) == NULL);
            CHECK(len == room || path[len] == '\0');
        }
    }
    free(buf);
}

static void build_and_read_back(fuzz_in *in)
{
    size_t n = (size_t)take(in, 1) % 120; /* around sun_path's 108 bytes */
    unsigned char *path = take_copy(in, n);
    csk_sockaddr addr;
    memset(&addr, 0x5A, sizeof addr);
    int r = csk_unix_address(&addr.un, AF_UNIX, path, n);
    const size_t start = offsetof(struct sockaddr_un, sun_path);
    const size_t cap = sizeof addr.un.sun_path;
    int abstract_in = n == 0 || path[0] == '\0';
    if (r < 0) {
        CHECK(r == -ENAMETOOLONG && (abstract_in ? n > cap : n >= cap));
        free(path);
        return;
    }
    CHECK((size_t)r == start + n + !abstract_in && (size_t)r <= sizeof addr.un);
    int abstract;
    size_t len = csk_unix_path(&addr.un, (socklen_t)r, &abstract);
    if (n == 0) {
        CHECK(len == 0); /* autobind: the kernel picks the name */
    }
    else if (abstract_in) {
        CHECK(abstract && len == n && memcmp(addr.un.sun_path, path, n) == 0);
    }
    else {
        /* A filesystem path reads back up to its first NUL. */
        size_t want = strnlen((const char *)path, n);
        CHECK(!abstract && len == want && memcmp(addr.un.sun_path, path, len) == 0);
    }
    free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    if (take(&in, 1) & 1) {
        build_and_read_back(&in);
    }
    else {
        read_returned(&in);
    }
    return 0;
}
