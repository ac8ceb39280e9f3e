"""The interpreter's own socket module, bound to csocket, without replacing ``_socket`` process-wide.

This module executes the interpreter's Lib/socket.py (not a copy of it) in its own namespace with
``import _socket`` resolved to csocket, so ``csocket.socket.socket``, ``create_connection``,
``socketpair`` and the rest behave exactly as ``socket``'s do, on csocket.  Other modules, ssl
included, keep using the built-in ``_socket``: to run ssl over csocket use csocket.install().
"""
import builtins as _builtins
import os as _os

from csocket import _csocket


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "_socket" and level == 0:
        return _csocket
    return _builtins.__import__(name, globals, locals, fromlist, level)


def _load():
    path = _os.path.join(_os.path.dirname(_os.__file__), "socket.py")
    with open(path, "rb") as f:
        code = compile(f.read(), path, "exec")
    namespace = globals()
    namespace["__builtins__"] = dict(vars(_builtins), __import__=_import)
    exec(code, namespace)


_load()
del _load
