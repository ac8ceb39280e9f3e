/* The family table's entry type, shared by address.c (IP and AF_UNIX) and address_linux.c (the
 * Linux families), so each family is one parse function and one build function.
 */
#ifndef CSK_ADDRESS_H
#define CSK_ADDRESS_H

#include "binding.h"

/* A Python address for socket `s` into `addr`/`len`; `caller` names the method in messages.
 * 0, or -1 with an exception. */
typedef int (*csk_parse_fn)(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                            const char *caller);

/* The Python form of an address the kernel returned (`len` bytes of it are valid).  `fd` is the
 * socket it came from (-1 if unknown) for interface-name lookups; `proto` picks the CAN form. */
typedef PyObject *(*csk_build_fn)(const csk_sockaddr *addr, socklen_t len, int fd, int proto);

typedef struct {
    int family;
    csk_parse_fn parse;
    csk_build_fn build;
} csk_family;

/* The entry of a Linux-only family (AF_PACKET, AF_NETLINK, AF_CAN, ...), or NULL. */
const csk_family *py_linux_family(int family);

#endif /* CSK_ADDRESS_H */
