"""csocket: the C layer under Python's socket module (``_socket``), written again.

The interpreter's own ``socket``, ``ssl``, ``asyncio`` and everything built on them run unchanged
on top of it.  Ways to use it:

* ``csocket.install()`` at the very top of a program, before anything imports ``socket``;
* ``python -m csocket run SCRIPT [ARGS]`` (or ``run -m MODULE``) for a whole program;
* ``CSOCKET=1`` in the environment, with no change to the program (csocket-autoinstall.pth, a
  start-up hook installed with the package, calls install() before anything imports ``socket``);
* ``import csocket.socket`` for the interpreter's socket module bound to csocket, leaving the rest
  of the process on the built-in module.

``csocket.create_connection`` and ``csocket.connect_addrinfos`` connect with Happy Eyeballs
(RFC 8305); ``csocket.install(happy_eyeballs=True)`` (or ``CSOCKET=he``) also makes them
``socket.create_connection``, for http.client, urllib.request, smtplib and the rest.
"""
import sys

from csocket import _csocket, _eyeballs
from csocket._eyeballs import connect_addrinfos, create_connection
from csocket._version import __version__

__all__ = [
    "InstallError",
    "connect_addrinfos",
    "create_connection",
    "install",
    "installed",
    "uninstall_happy_eyeballs",
    "__version__",
]

# Modules that hold on to the built-in _socket (or its socket type) once imported.
_HOLDERS = ("socket", "_socket", "_ssl", "ssl")


class InstallError(RuntimeError):
    """csocket.install() was called after the built-in socket module was already in use."""


def installed(happy_eyeballs: bool = False) -> bool:
    """Return True if csocket is this process's ``_socket`` (with happy_eyeballs=True: and
    ``socket.create_connection`` is csocket.create_connection)."""
    if sys.modules.get("_socket") is not _csocket:
        return False
    return not happy_eyeballs or _eyeballs.patched()


def install(happy_eyeballs: bool = False) -> None:
    """Make csocket this process's ``_socket``, so that ``import socket`` runs on it.

    Call it before anything imports ``socket`` (directly or through ssl, asyncio, http.client,
    urllib3, ...).  Calling it again is harmless.  Raises InstallError if the built-in module is
    already loaded, because sockets and exception classes made by it would then mix with
    csocket's.

    happy_eyeballs=True also replaces ``socket.create_connection`` with csocket.create_connection
    (Happy Eyeballs, RFC 8305; the timeout then bounds the whole call rather than each address), so
    http.client, urllib.request, smtplib, ftplib and the rest race IPv6 and IPv4 with no change.
    uninstall_happy_eyeballs() puts the interpreter's own function back.
    """
    if not installed():
        _install_socket()
    if happy_eyeballs:
        _eyeballs.patch()


def uninstall_happy_eyeballs() -> None:
    """Give ``socket.create_connection`` back its own function (after install(happy_eyeballs=True))."""
    _eyeballs.unpatch()


def _install_socket() -> None:
    loaded = [name for name in _HOLDERS if name in sys.modules]
    if loaded:
        raise InstallError(
            "csocket.install() must run before the socket module is imported, but "
            + ", ".join(loaded)
            + (" is" if len(loaded) == 1 else " are")
            + " already loaded. Call csocket.install() at the very top of the program, before "
            "importing socket, ssl, asyncio or any library that uses them, or start the program "
            "with `python -m csocket run SCRIPT` (or `run -m MODULE`)."
        )
    sys.modules["_socket"] = _csocket
