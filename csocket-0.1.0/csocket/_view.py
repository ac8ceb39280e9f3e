"""Run the interpreter's own Lib/socket.py in a namespace where `import _socket` means csocket.

Kept apart from csocket/socket.py on purpose: Python 3.9 gives exec'd code the builtins of the
calling frame when both share one globals dict, which would hide the __import__ set up here.
"""
import builtins
import os

from csocket import _csocket


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "_socket" and level == 0:
        return _csocket
    return builtins.__import__(name, globals, locals, fromlist, level)


def run_socket_py(namespace):
    """Execute the interpreter's socket.py into `namespace` (a module's __dict__)."""
    path = os.path.join(os.path.dirname(os.__file__), "socket.py")
    with open(path, "rb") as f:
        code = compile(f.read(), path, "exec")
    namespace["__builtins__"] = dict(vars(builtins), __import__=_import)
    exec(code, namespace)
