/* libFuzzer target: IP address text (inet.c, addr.c, resolve.c's numeric form).  csk_inet_aton,
 * csk_inet_pton and csk_ip_parse_numeric read untrusted text; what they accept must format back
 * (csk_inet_ntop, csk_ip_text) into buffers of any size without writing past them, and parse again
 * to the same bytes.  csk_numeric_sockaddr and csk_getnameinfo are driven only with
 * AI_NUMERICHOST / NI_NUMERICHOST and numeric ports, so no input ever reaches a name service.
 * Input: 1 byte of flags, 1 byte of output capacity, then the text.
 */
#include "fuzz.h"

/* Format `packed` with csk_inet_ntop into exactly `cap` bytes; on success parse it back. */
static void ntop_roundtrip(int family, const unsigned char *packed, size_t plen, size_t cap)
{
    char *text = fuzz_alloc(cap);
    int r = csk_inet_ntop(family, packed, plen, text, cap);
    if (r == 0) {
        CHECK(memchr(text, '\0', cap) != NULL);
        unsigned char again[16];
        CHECK(csk_inet_pton(family, text, again) == (int)plen);
        CHECK(memcmp(again, packed, plen) == 0);
    }
    else {
        CHECK(r == -ENOSPC);
    }
    free(text);
}

static void text_forms(const char *text, size_t cap)
{
    unsigned char packed[16];
    if (csk_inet_aton(text, packed) == 0) {
        ntop_roundtrip(AF_INET, packed, 4, cap);
        ntop_roundtrip(AF_INET, packed, 4, INET_ADDRSTRLEN);
    }
    for (int i = 0; i < 2; i++) {
        int family = i == 0 ? AF_INET : AF_INET6;
        int r = csk_inet_pton(family, text, packed);
        CHECK(r == 0 || r == (family == AF_INET ? 4 : 16));
        if (r > 0) {
            ntop_roundtrip(family, packed, (size_t)r, cap);
            ntop_roundtrip(family, packed, (size_t)r, INET6_ADDRSTRLEN);
            CHECK(csk_inet_ntop(family, packed, (size_t)r - 1, (char *)packed, 16) == -EINVAL);
        }
    }
    const int families[3] = {AF_INET, AF_INET6, AF_UNSPEC};
    for (int i = 0; i < 3; i++) {
        csk_sockaddr addr;
        socklen_t len = csk_ip_parse_numeric(text, families[i], &addr);
        if (len == 0) {
            continue;
        }
        CHECK(len == sizeof addr.in4 || len == sizeof addr.in6);
        char *out = fuzz_alloc(cap);
        if (csk_ip_text(&addr, out, cap) == 0) {
            CHECK(memchr(out, '\0', cap) != NULL);
        }
        free(out);
    }
}

static void numeric_sockaddr(const char *host, unsigned port)
{
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    csk_sockaddr addr;
    socklen_t len = 0;
    int multiple = 0, sys_errno = 0;
    if (csk_numeric_sockaddr(host, service, &addr, &len, &multiple, &sys_errno) != 0) {
        return;
    }
    CHECK(len > 0 && len <= sizeof addr);
    char h[CSK_NI_MAXHOST], s[CSK_NI_MAXSERV];
    int gai = csk_getnameinfo(&addr, len, NI_NUMERICHOST | NI_NUMERICSERV, h, s, &sys_errno);
    if (gai == 0) {
        CHECK(strnlen(h, sizeof h) < sizeof h && strnlen(s, sizeof s) < sizeof s);
        CHECK((unsigned)atoi(s) == port);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned flags = (unsigned)take(&in, 1);
    size_t cap = (size_t)take(&in, 1) % 64;
    unsigned port = (unsigned)take(&in, 2);
    char *text = take_text(&in);
    text_forms(text, cap);
    if (flags & 1) {
        numeric_sockaddr(text, port);
    }
    free(text);
    return 0;
}
