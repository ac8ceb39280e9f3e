/* Core tests for resolve.c.  Only numeric hosts, "localhost" and /etc/services entries: nothing
 * here may cause a DNS query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "platform.h"
#include "csk.h"

static void getaddrinfo_numeric(void **state)
{
    (void)state;
    struct addrinfo *res;
    int sys_errno;
    assert_int_equal(csk_getaddrinfo("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0, AI_NUMERICHOST,
                                     &res, &sys_errno),
                     0);
    assert_non_null(res);
    assert_int_equal(res->ai_family, AF_INET);
    assert_int_equal(ntohs(((struct sockaddr_in *)(void *)res->ai_addr)->sin_port), 80);
    freeaddrinfo(res);
    assert_int_equal(csk_getaddrinfo("localhost", "80", 0, 0, 0, AI_NUMERICHOST, &res, &sys_errno),
                     EAI_NONAME);
}

static void numeric_sockaddr_and_nameinfo(void **state)
{
    (void)state;
    csk_sockaddr addr;
    socklen_t len;
    int multiple = -1, sys_errno;
    char host[CSK_NI_MAXHOST], serv[CSK_NI_MAXSERV];
    assert_int_equal(csk_numeric_sockaddr("::1", "8080", &addr, &len, &multiple, &sys_errno), 0);
    assert_int_equal(addr.sa.sa_family, AF_INET6);
    assert_int_equal(multiple, 0);
    assert_int_equal(
        csk_getnameinfo(&addr, len, NI_NUMERICHOST | NI_NUMERICSERV, host, serv, &sys_errno), 0);
    assert_string_equal(host, "::1");
    assert_string_equal(serv, "8080");
    assert_int_equal(csk_numeric_sockaddr("localhost", "1", &addr, &len, &multiple, &sys_errno),
                     EAI_NONAME);
}

static void host_entries_from_files(void **state)
{
    (void)state;
    struct hostent ent;
    csk_lookup_buf b = {NULL, 0};
    int herr = 0;
    assert_int_equal(csk_gethostbyname("localhost", &ent, &b, &herr), 0);
    assert_string_equal(ent.h_name, "localhost");
    assert_int_equal(ent.h_addrtype, AF_INET);
    assert_memory_equal(ent.h_addr_list[0], "\x7f\0\0\x01", 4);
    /* The same buffer serves the next lookup. */
    assert_int_equal(csk_gethostbyaddr("\x7f\0\0\x01", 4, AF_INET, &ent, &b, &herr), 0);
    assert_string_equal(ent.h_name, "localhost");
    csk_lookup_free(&b);
    assert_null(b.buf);
}

static void services_and_protocols(void **state)
{
    (void)state;
    int port = 0, proto = 0;
    char name[64];
    assert_int_equal(csk_getservbyname("domain", "udp", &port), 0);
    assert_int_equal(port, 53);
    assert_int_equal(csk_getservbyname("no-such-service-x", NULL, &port), -ENOENT);
    assert_int_equal(csk_getservbyport(80, "tcp", name, sizeof name), 0);
    assert_string_equal(name, "http");
    assert_int_equal(csk_getservbyport(80, "tcp", name, 3), -ENAMETOOLONG);
    assert_int_equal(csk_getservbyport(0, NULL, name, sizeof name), -ENOENT);
    assert_int_equal(csk_getprotobyname("udp", &proto), 0);
    assert_int_equal(proto, IPPROTO_UDP);
    assert_int_equal(csk_getprotobyname("no-such-proto", &proto), -ENOENT);
}

static void interfaces(void **state)
{
    (void)state;
    struct if_nameindex *list;
    char name[IF_NAMESIZE];
    assert_int_equal(csk_if_nameindex(&list), 0);
    assert_true(list[0].if_index != 0);
    assert_int_equal(csk_if_nametoindex(list[0].if_name), list[0].if_index);
    assert_int_equal(csk_if_indextoname(list[0].if_index, name), 0);
    assert_string_equal(name, list[0].if_name);
    csk_if_freenameindex(list);
    assert_int_equal(csk_if_nametoindex("no-such-if"), -ENODEV);
    assert_int_equal(csk_if_indextoname(0, name), -ENXIO);
}

static void hostname(void **state)
{
    (void)state;
    char name[256];
    assert_int_equal(csk_gethostname(name, sizeof name), 0);
    assert_true(strlen(name) > 0 && strlen(name) < sizeof name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(getaddrinfo_numeric),
        cmocka_unit_test(numeric_sockaddr_and_nameinfo),
        cmocka_unit_test(host_entries_from_files),
        cmocka_unit_test(services_and_protocols),
        cmocka_unit_test(interfaces),
        cmocka_unit_test(hostname),
    };
    return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
