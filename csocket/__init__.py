"""csocket: the C layer under Python's socket module (``_socket``), written again.

The interpreter's own ``socket``, ``ssl``, ``asyncio`` and everything built on them run unchanged
on top of it.  Ways to use it:

* ``csocket.install()`` at the very top of a program, before anything imports ``socket``;
* ``python -m csocket run SCRIPT [ARGS]`` (or ``run -m MODULE``) for a whole program;
* ``CSOCKET=1`` in the environment, with no change to the program (csocket-autoinstall.pth, a
  start-up hook installed with the package, calls install() before anything imports ``socket``);
* ``import csocket.socket`` for the interpreter's socket module bound to csocket, leaving the rest
  of the process on the built-in module.
"""
import sys

from csocket import _csocket
from csocket._version import __version__

__all__ = ["InstallError", "install", "installed", "__version__"]

# Modules that hold on to the built-in _socket (or its socket type) once imported.
_HOLDERS = ("socket", "_socket", "_ssl", "ssl")


class InstallError(RuntimeError):
    """csocket.install() was called after the built-in socket module was already in use."""


def installed() -> bool:
    """Return True if csocket is this process's ``_socket``."""
    return sys.modules.get("_socket") is _csocket


def install() -> None:
    """Make csocket this process's ``_socket``, so that ``import socket`` runs on it.

    Call it before anything imports ``socket`` (directly or through ssl, asyncio, http.client,
    urllib3, ...).  Calling it again is harmless.  Raises InstallError if the built-in module is
    already loaded, because sockets and exception classes made by it would then mix with
    csocket's.
    """
    if installed():
        return
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
