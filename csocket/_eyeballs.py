"""Happy Eyeballs (RFC 8305) for synchronous code: create_connection and connect_addrinfos.

Resolving and ordering addresses happen here; the race itself (non-blocking connects under one
poll(), no threads) is _csocket._race in C.  The socket returned is the ``socket.socket`` of the
process's socket module (csocket's once csocket.install() ran, the built-in one otherwise), with
the timeout socket.create_connection would have given it.  Not here: install() (csocket/__init__.py).
"""
import itertools
import sys
import time

from csocket import _csocket

__all__ = ["create_connection", "connect_addrinfos"]

# socket.create_connection as it was before patch(), while patched.
_original = None


class _Default:
    """The default timeout: the socket module's default (socket.getdefaulttimeout())."""

    def __repr__(self):
        return "<default timeout>"


_GLOBAL_DEFAULT_TIMEOUT = _Default()

_NS = 1_000_000_000


def _socket_module():
    # Imported at call time: csocket.install() must be able to run before anything imports socket.
    import socket

    return socket


def _is_default(timeout, sock_mod):
    if timeout is _GLOBAL_DEFAULT_TIMEOUT or timeout is sock_mod._GLOBAL_DEFAULT_TIMEOUT:
        return True
    view = sys.modules.get("csocket.socket")  # the socket-module view has a sentinel of its own
    return view is not None and timeout is view._GLOBAL_DEFAULT_TIMEOUT


def _interleave(infos, first_family_count):
    """RFC 8305 section 4: alternate address families, starting with `first_family_count`
    addresses of the family of the first answer.  0 keeps the resolver's order."""
    if first_family_count == 0:
        return list(infos)
    by_family = {}
    for info in infos:
        by_family.setdefault(info[0], []).append(info)
    groups = list(by_family.values())
    head = groups[0][: first_family_count - 1]
    groups[0] = groups[0][first_family_count - 1 :]
    rest = (i for i in itertools.chain.from_iterable(itertools.zip_longest(*groups)) if i is not None)
    return head + list(rest)


def _raise_failure(errors, all_errors):
    """What socket.create_connection raises: the last error, or every error in a group."""
    if not all_errors:
        raise errors[-1]
    if sys.version_info >= (3, 11):
        raise ExceptionGroup("create_connection failed", list(errors))  # noqa: F821
    # No ExceptionGroup before 3.11: the last error, carrying all of them.
    last = errors[-1]
    last.exceptions = tuple(errors)
    raise last


def _sequential(infos, timeout, explicit, source_address, all_errors, sock_mod):
    """socket.create_connection's own loop, over already resolved addresses."""
    exceptions = []
    for family, type_, proto, _, sockaddr in infos:
        sock = None
        try:
            sock = sock_mod.socket(family, type_, proto)
            if explicit:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            if not all_errors:
                exceptions.clear()
            exceptions.append(exc)
            if sock is not None:
                sock.close()
    _raise_failure(exceptions, all_errors)


def _check_options(happy_eyeballs_delay, interleave):
    if happy_eyeballs_delay is not None:
        if isinstance(happy_eyeballs_delay, bool) or not isinstance(happy_eyeballs_delay, (int, float)):
            raise TypeError("happy_eyeballs_delay must be a number of seconds or None")
        if not happy_eyeballs_delay >= 0:  # NaN too
            raise ValueError("happy_eyeballs_delay must not be negative")
    if isinstance(interleave, bool) or not isinstance(interleave, int):
        raise TypeError("interleave must be an int")
    if interleave < 0:
        raise ValueError("interleave must not be negative")


def _timeout_error(sock_mod):
    return sock_mod.timeout("timed out")


def _adopt(raw, timeout, explicit, sock_mod):
    """The winning _csocket socket as a socket.socket of the process's socket module."""
    fd = raw.detach()
    try:
        sock = sock_mod.socket(raw.family, raw.type, raw.proto, fd)
    except BaseException:
        _csocket.close(fd)
        raise
    if explicit:
        sock.settimeout(timeout)
    return sock


def _connect(infos, timeout, source_address, all_errors, delay, interleave, started):
    sock_mod = _socket_module()
    _check_options(delay, interleave)
    infos = list(infos)
    explicit = not _is_default(timeout, sock_mod)
    budget = timeout if explicit else sock_mod.getdefaulttimeout()
    if not infos:
        raise OSError("getaddrinfo returns an empty list")
    if delay is None or budget == 0:
        # The built-in behaviour: one address after another, each with the whole timeout (and a
        # timeout of 0 makes every connect non-blocking, as there).
        return _sequential(infos, timeout, explicit, source_address, all_errors, sock_mod)
    timeout_ns = -1
    if budget is not None:
        timeout_ns = int(budget * _NS) - (time.monotonic_ns() - started)
        if timeout_ns <= 0:
            raise _timeout_error(sock_mod)  # resolving alone used the whole budget
    candidates = [(i[0], i[1], i[2], i[4]) for i in _interleave(infos, interleave)]
    raw, errors = _csocket._race(candidates, int(delay * _NS), timeout_ns, source_address or None)
    if raw is None:
        if _csocket.timeout is not sock_mod.timeout:  # 3.9 without install(): two timeout classes
            errors = [_timeout_error(sock_mod) if type(e) is _csocket.timeout else e for e in errors]
        _raise_failure(errors, all_errors)
    return _adopt(raw, timeout, explicit, sock_mod)


def connect_addrinfos(addr_infos, timeout=_GLOBAL_DEFAULT_TIMEOUT, source_address=None, *,
                      all_errors=False, happy_eyeballs_delay=0.25, interleave=1):
    """Connect to the first of `addr_infos` (getaddrinfo() results) that answers, racing them.

    For clients that resolve names themselves; create_connection() resolves, then calls this.
    Attempts start in interleaved family order (`interleave` addresses of the first family, then
    alternating; 0 keeps the given order), the next one `happy_eyeballs_delay` seconds after the
    last or as soon as an attempt fails, never two within 10 ms.  The first to connect wins and
    every other socket is closed.  `timeout` bounds the whole call (the built-in create_connection
    gives each address the whole timeout); the returned socket gets it as its timeout, like the
    built-in's.  On failure: the last error, or with all_errors=True an ExceptionGroup of every
    attempt's error (before 3.11: the last error, with all of them in its `exceptions` attribute).
    Attempts still pending at the deadline fail with TimeoutError.  happy_eyeballs_delay=None
    connects one address after another exactly as socket.create_connection does.
    """
    return _connect(addr_infos, timeout, source_address, all_errors, happy_eyeballs_delay,
                    interleave, time.monotonic_ns())


def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT, source_address=None, *,
                      all_errors=False, happy_eyeballs_delay=0.25, interleave=1):
    """socket.create_connection with Happy Eyeballs (RFC 8305).

    Resolves `address` (host, port) once for both families, then races the answers as
    connect_addrinfos() does; `timeout` bounds the whole call, name resolution included (which
    cannot be interrupted, but whose time counts).  happy_eyeballs_delay=None gives the built-in
    sequential behaviour.
    """
    started = time.monotonic_ns()
    sock_mod = _socket_module()
    host, port = address
    infos = sock_mod.getaddrinfo(host, port, 0, sock_mod.SOCK_STREAM)
    return _connect(infos, timeout, source_address, all_errors, happy_eyeballs_delay, interleave,
                    started)


def patch():
    """Make socket.create_connection this module's create_connection (install(happy_eyeballs=True))."""
    global _original
    sock_mod = _socket_module()
    if sock_mod.create_connection is not create_connection:
        _original = sock_mod.create_connection
        sock_mod.create_connection = create_connection


def unpatch():
    """Undo patch(); harmless when not patched."""
    global _original
    sock_mod = sys.modules.get("socket")
    if sock_mod is not None and _original is not None and sock_mod.create_connection is create_connection:
        sock_mod.create_connection = _original
    _original = None


def patched():
    sock_mod = sys.modules.get("socket")
    return sock_mod is not None and sock_mod.create_connection is create_connection
