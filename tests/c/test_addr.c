/* Addresses: AF_UNIX building and (untrusted-length) reading, IP text and numeric parsing. */
#include "harness.h"

static void test_unix_path_fits_with_terminator(void **state)
{
    (void)state;
    struct sockaddr_un un;
    char path[sizeof un.sun_path];
    memset(path, 'a', sizeof path);
    int longest = (int)sizeof un.sun_path - 1;
    assert_int_equal(csk_unix_address(&un, AF_UNIX, path, (size_t)longest),
                     (int)offsetof(struct sockaddr_un, sun_path) + longest + 1);
    assert_int_equal(un.sun_path[longest], '\0');
    assert_int_equal(csk_unix_address(&un, AF_UNIX, path, sizeof path), -ENAMETOOLONG);
}

static void test_unix_abstract_uses_every_byte(void **state)
{
    (void)state;
    struct sockaddr_un un;
    char name[sizeof un.sun_path + 1];
    memset(name, 'x', sizeof name);
    name[0] = '\0';
    assert_int_equal(csk_unix_address(&un, AF_UNIX, name, sizeof un.sun_path),
                     (int)sizeof(struct sockaddr_un));
    assert_int_equal(csk_unix_address(&un, AF_UNIX, name, sizeof name), -ENAMETOOLONG);
    /* empty: autobind */
    assert_int_equal(csk_unix_address(&un, AF_UNIX, "", 0),
                     (int)offsetof(struct sockaddr_un, sun_path));
}

static void test_unix_path_reading_is_bounded(void **state)
{
    (void)state;
    struct sockaddr_un un;
    int abstract;
    memset(&un, 'p', sizeof un);
    un.sun_family = AF_UNIX;
    const socklen_t start = offsetof(struct sockaddr_un, sun_path);
    /* unnamed */
    assert_int_equal(csk_unix_path(&un, start, &abstract), 0);
    assert_int_equal(csk_unix_path(&un, 0, &abstract), 0);
    /* a full, unterminated path: exactly sun_path, never past it */
    assert_int_equal(csk_unix_path(&un, sizeof un, &abstract), sizeof un.sun_path);
    assert_false(abstract);
    /* a length claiming more than the structure holds is clamped */
    assert_int_equal(csk_unix_path(&un, sizeof un + 64, &abstract), sizeof un.sun_path);
    /* a terminated path stops at its NUL */
    memcpy(un.sun_path, "/tmp/s", 7);
    assert_int_equal(csk_unix_path(&un, start + 7, &abstract), 6);
    /* abstract: every byte counts, NULs included */
    memcpy(un.sun_path, "\0ab\0c", 5);
    assert_int_equal(csk_unix_path(&un, start + 5, &abstract), 5);
    assert_true(abstract);
}

static void test_ip_text(void **state)
{
    (void)state;
    csk_sockaddr a;
    char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
    assert_int_equal(csk_ip_parse_numeric("192.0.2.7", AF_INET, &a), sizeof a.in4);
    assert_int_equal(csk_ip_text(&a, text, sizeof text), 0);
    assert_string_equal(text, "192.0.2.7");
    assert_int_equal(csk_ip_parse_numeric("2001:db8::1", AF_UNSPEC, &a), sizeof a.in6);
    assert_int_equal(a.sa.sa_family, AF_INET6);
    assert_int_equal(csk_ip_text(&a, text, sizeof text), 0);
    assert_string_equal(text, "2001:db8::1");
    /* a scoped link-local address: the scope is the tuple's own field, never "%lo" in the text */
    assert_int_equal(csk_ip_parse_numeric("fe80::1", AF_INET6, &a), sizeof a.in6);
    a.in6.sin6_scope_id = if_nametoindex("lo");
    assert_int_equal(csk_ip_text(&a, text, sizeof text), 0);
    assert_string_equal(text, "fe80::1");
    a.sa.sa_family = AF_UNIX;
    assert_int_equal(csk_ip_text(&a, text, sizeof text), -EAFNOSUPPORT);
}

static void test_numeric_parse_respects_family(void **state)
{
    (void)state;
    csk_sockaddr a;
    assert_int_equal(csk_ip_parse_numeric("127.0.0.1", AF_INET6, &a), 0);
    assert_int_equal(csk_ip_parse_numeric("::1", AF_INET, &a), 0);
    assert_int_equal(csk_ip_parse_numeric("localhost", AF_UNSPEC, &a), 0);
    assert_int_equal(csk_ip_parse_numeric("1.2.3", AF_INET, &a), 0); /* inet_pton is strict */
    assert_int_equal(csk_ip_parse_numeric("fe80::1%lo", AF_INET6, &a), 0);
}

static void test_resolve_localhost(void **state)
{
    (void)state;
    csk_sockaddr a;
    socklen_t len = 0;
    int sys_errno = 0;
    /* /etc/hosts answers this one: no query leaves the machine. */
    assert_int_equal(csk_resolve_host("localhost", AF_INET, &a, &len, &sys_errno), 0);
    assert_int_equal(a.sa.sa_family, AF_INET);
    assert_int_equal(len, sizeof a.in4);
    assert_int_equal(a.in4.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CSK_TEST(test_unix_path_fits_with_terminator), CSK_TEST(test_unix_abstract_uses_every_byte),
        CSK_TEST(test_unix_path_reading_is_bounded),   CSK_TEST(test_ip_text),
        CSK_TEST(test_numeric_parse_respects_family),  CSK_TEST(test_resolve_localhost),
    };
    return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
