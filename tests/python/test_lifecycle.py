"""The socket object's life: creation, adopting a descriptor, close, detach, dup, repr, finalizer."""
import errno
import fcntl
import gc
import os
import sys
import tempfile
import warnings

import pytest

from csocket import _csocket


def test_new_socket_defaults(S):
    with S.socket() as s:
        assert (s.family, s.type, s.proto) == (S.AF_INET, S.SOCK_STREAM, 0)
        assert s.fileno() >= 0
        assert s.gettimeout() is None and s.getblocking()
        assert not os.get_inheritable(s.fileno())  # PEP 446


def test_type_flags_are_masked_and_nonblock_means_timeout_zero(S):
    with S.socket(S.AF_INET, S.SOCK_STREAM | S.SOCK_NONBLOCK | S.SOCK_CLOEXEC) as s:
        assert s.type == S.SOCK_STREAM
        assert s.gettimeout() == 0.0
        assert fcntl.fcntl(s.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK


@pytest.mark.parametrize("family,kind", [("AF_INET", "SOCK_DGRAM"), ("AF_INET6", "SOCK_STREAM"),
                                         ("AF_UNIX", "SOCK_DGRAM")])
def test_adopting_a_descriptor_detects_family_type_proto(S, family, kind):
    with S.socket(getattr(S, family), getattr(S, kind)) as original:
        fd = os.dup(original.fileno())
        with S.socket(fileno=fd) as adopted:
            assert adopted.family == original.family
            assert adopted.type == original.type
            # the kernel's own protocol number, asked with SO_PROTOCOL (original said 0)
            expected = {"SOCK_DGRAM": 17, "SOCK_STREAM": 6}[kind] if family != "AF_UNIX" else 0
            assert adopted.proto == expected
            assert adopted.fileno() == fd


def test_adopting_keeps_given_values(S):
    with S.socket(S.AF_INET, S.SOCK_DGRAM) as original:
        fd = os.dup(original.fileno())
        with S.socket(S.AF_INET, S.SOCK_DGRAM, 17, fileno=fd) as adopted:
            assert adopted.proto == 17


@pytest.mark.parametrize("bad,exc", [(-1, ValueError), (-42, ValueError), (42.5, TypeError),
                                     ("3", TypeError)])
def test_bad_fileno_is_rejected(S, bad, exc):
    with pytest.raises(exc):
        S.socket(S.AF_INET, S.SOCK_STREAM, fileno=bad)


def test_fileno_must_be_an_open_socket(S):
    r, w = os.pipe()
    os.close(w)
    with pytest.raises(OSError) as info:
        S.socket(fileno=r)
    assert info.value.errno == errno.ENOTSOCK
    os.close(r)
    with pytest.raises(OSError) as info:
        S.socket(fileno=r)  # now closed
    assert info.value.errno == errno.EBADF
    with tempfile.TemporaryFile() as f:
        with pytest.raises(OSError) as info:
            S.socket(S.AF_INET, S.SOCK_STREAM, fileno=f.fileno())
        assert info.value.errno == errno.ENOTSOCK


def test_close_is_idempotent_and_forgets_the_fd(S):
    s = S.socket()
    s.close()
    assert s.fileno() == -1
    s.close()
    with pytest.raises(OSError) as info:
        s.getsockname()
    assert info.value.errno == errno.EBADF


def test_raw_close_of_a_closed_fd_reports_ebadf(S):
    raw = S._socket.socket()
    fd = raw.fileno()
    os.close(fd)
    with pytest.raises(OSError) as info:
        raw.close()
    assert info.value.errno == errno.EBADF
    assert raw.fileno() == -1


def test_detach_returns_the_fd_and_leaves_it_open(S):
    s = S.socket()
    fd = s.detach()
    assert s.fileno() == -1
    assert os.fstat(fd)  # still open
    os.close(fd)


def test_dup_module_function_and_method(S):
    with S.socket(S.AF_INET, S.SOCK_DGRAM) as s:
        fd = S._socket.dup(s.fileno())
        assert fd != s.fileno() and not os.get_inheritable(fd)
        S._socket.close(fd)
        with s.dup() as copy:
            assert copy.family == s.family and copy.type == s.type
    with pytest.raises(OSError):
        S._socket.dup(-1)
    with pytest.raises(OSError):
        S._socket.close(-1)


def test_socketpair_defaults_and_exchange(S):
    a, b = S.socketpair()
    with a, b:
        assert a.family == S.AF_UNIX and a.type == S.SOCK_STREAM
        a.sendall(b"ping")
        assert b.recv(10) == b"ping"
        assert not os.get_inheritable(a.fileno())


def test_raw_repr(S):
    raw = S._socket.socket(S.AF_INET, S.SOCK_DGRAM)
    try:
        assert repr(raw) == f"<socket object, fd={raw.fileno()}, family=2, type=2, proto=0>"
    finally:
        raw.close()
    assert "fd=-1" in repr(raw)


def test_unclosed_socket_warns_and_closes(S):
    s = S._socket.socket()
    fd = s.fileno()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del s
        gc.collect()
    assert any(issubclass(w.category, ResourceWarning) and "unclosed" in str(w.message)
               for w in caught)
    with pytest.raises(OSError):
        os.fstat(fd)


def test_socket_resurrected_by_its_warning_stays_tracked(S):
    # catch_warnings(record=True) keeps the ResourceWarning's source, the socket being
    # deallocated: it comes back to life, and must still be tracked by the collector (the debug
    # interpreter asserts it; a release one would never collect cycles through it).
    s = S._socket.socket()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del s
        gc.collect()
    sources = [w.source for w in caught if issubclass(w.category, ResourceWarning)]
    assert len(sources) == 1 and sources[0].fileno() == -1
    if type(sources[0]).__flags__ & (1 << 14):  # Py_TPFLAGS_HAVE_GC (the built-in's since 3.12)
        assert gc.is_tracked(sources[0])
    del caught, sources  # dies again, without a second warning
    gc.collect()


def test_attributes_are_read_only(S):
    s = S._socket.socket()
    try:
        for name in ("family", "type", "proto", "timeout"):
            with pytest.raises(AttributeError):
                setattr(s, name, 1)
    finally:
        s.close()


def test_type_layout_matches_what_ssl_and_socket_py_need(S):
    t = S._socket.socket
    assert t is S._socket.SocketType
    assert t.__name__ == "socket" and t.__module__ == "_socket"
    assert "__weakref__" not in t.__dict__ and "__dict__" not in t.__dict__
    assert S.socket.__mro__[1] is t  # Lib/socket.py subclasses it
    if sys.version_info >= (3, 10):  # 3.9 has no immutable heap types (a known difference)
        with pytest.raises(TypeError):
            t.family = 3


def test_capsule_is_named_as_ssl_expects():
    assert type(_csocket.CAPI).__name__ == "PyCapsule"
    assert repr(_csocket.CAPI).startswith('<capsule object "_socket.CAPI"')


def test_exceptions(S):
    assert S._socket.error is OSError
    if sys.version_info >= (3, 10):
        assert S._socket.timeout is TimeoutError
    else:  # a class of its own before 3.10
        assert issubclass(S._socket.timeout, OSError) and S._socket.timeout.__module__ == "socket"
    for name in ("herror", "gaierror"):
        exc = getattr(S._socket, name)
        assert issubclass(exc, OSError) and exc.__module__ == "socket"
    assert S._socket.has_ipv6 is True


def test_subclass_with_weakref_slot(S):
    import weakref

    with S.socket() as s:
        assert weakref.ref(s)() is s


def test_pickling_is_refused(S):
    import pickle

    with S.socket() as s, pytest.raises(TypeError):
        pickle.dumps(s)
    raw = S._socket.socket()
    try:
        with pytest.raises(TypeError):
            pickle.dumps(raw)
    finally:
        raw.close()
