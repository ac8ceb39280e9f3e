/* Core tests for inet.c: IP address text <-> packed bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "platform.h"
#include "csk.h"

static void aton_accepts_classic_forms(void **state)
{
    (void)state;
    unsigned char p[4];
    assert_int_equal(csk_inet_aton("127.0.0.1", p), 0);
    assert_memory_equal(p, "\x7f\x00\x00\x01", 4);
    assert_int_equal(csk_inet_aton("127.1", p), 0);
    assert_memory_equal(p, "\x7f\x00\x00\x01", 4);
    assert_int_equal(csk_inet_aton("0x0a.0.0.255", p), 0);
    assert_memory_equal(p, "\x0a\x00\x00\xff", 4);
    assert_int_equal(csk_inet_aton("256.0.0.1", p), -EINVAL);
    assert_int_equal(csk_inet_aton("", p), -EINVAL);
}

static void pton_is_strict(void **state)
{
    (void)state;
    unsigned char p[16];
    assert_int_equal(csk_inet_pton(AF_INET, "10.1.2.3", p), 4);
    assert_memory_equal(p, "\x0a\x01\x02\x03", 4);
    assert_int_equal(csk_inet_pton(AF_INET, "127.1", p), 0);
    assert_int_equal(csk_inet_pton(AF_INET6, "::1", p), 16);
    assert_memory_equal(p, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
    assert_int_equal(csk_inet_pton(AF_INET6, "1::2::3", p), 0);
    assert_int_equal(csk_inet_pton(AF_UNIX, "1.2.3.4", p), -EAFNOSUPPORT);
}

static void ntop_checks_family_and_length(void **state)
{
    (void)state;
    char text[INET6_ADDRSTRLEN];
    assert_int_equal(csk_inet_ntop(AF_INET, "\xc0\xa8\x00\x01", 4, text, sizeof text), 0);
    assert_string_equal(text, "192.168.0.1");
    assert_int_equal(
        csk_inet_ntop(AF_INET6, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16, text, sizeof text),
        0);
    assert_string_equal(text, "fe80::1");
    assert_int_equal(csk_inet_ntop(AF_INET, "\0\0\0", 3, text, sizeof text), -EINVAL);
    assert_int_equal(csk_inet_ntop(AF_INET6, "\0\0\0\0", 4, text, sizeof text), -EINVAL);
    assert_int_equal(csk_inet_ntop(AF_UNIX, "\0\0\0\0", 4, text, sizeof text), -EAFNOSUPPORT);
    assert_int_equal(csk_inet_ntop(AF_INET, "\1\2\3\4", 4, text, 4), -ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aton_accepts_classic_forms),
        cmocka_unit_test(pton_is_strict),
        cmocka_unit_test(ntop_checks_family_and_length),
    };
    return cmocka_run_group_tests_name("inet", tests, NULL, NULL);
}
