/* The resolver: host names to addresses through the system's getaddrinfo().
 *
 * Errors here are getaddrinfo's own EAI_* codes (not errno), because Python reports them as
 * socket.gaierror; EAI_SYSTEM carries an errno alongside.  Thread-safe: no static buffers.
 */
#include "platform.h"
#include "csk.h"

int csk_resolve_host(const char *host, int family, csk_sockaddr *addr, socklen_t *addrlen,
                     int *sys_errno)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    int gai = getaddrinfo(host, NULL, &hints, &res);
    if (gai != 0) {
        *sys_errno = gai == EAI_SYSTEM ? errno : 0;
        return gai;
    }
    size_t len = res->ai_addrlen < sizeof *addr ? res->ai_addrlen : sizeof *addr;
    memset(addr, 0, sizeof *addr);
    memcpy(addr, res->ai_addr, len);
    *addrlen = (socklen_t)len;
    freeaddrinfo(res);
    return 0;
}
