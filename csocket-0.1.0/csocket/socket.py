"""The interpreter's own socket module, bound to csocket, without replacing ``_socket`` process-wide.

This module executes the interpreter's Lib/socket.py (not a copy of it) in its own namespace with
``import _socket`` resolved to csocket, so ``csocket.socket.socket``, ``create_connection``,
``socketpair`` and the rest behave exactly as ``socket``'s do, on csocket.  Other modules, ssl
included, keep using the built-in ``_socket``: to run ssl over csocket use csocket.install().
"""
from csocket import _view

_view.run_socket_py(globals())
del _view
