"""Compare the public surface of the built-in _socket with csocket's, for this interpreter.

Every name of the built-in module and of its socket type must exist in csocket with the same kind
(function, class, constant) and, for constants, the same value.  Names csocket adds are listed
for information.  Exit status 1 when anything is missing or different.

    python tests/check_api.py
"""
import sys

import _socket as builtin

from csocket import _csocket

# Module metadata differs by nature (csocket is a loaded extension of another name).
IGNORED = {"__doc__", "__file__", "__loader__", "__name__", "__package__", "__spec__"}


def kind(value):
    if isinstance(value, bool) or not isinstance(value, int):
        return type(value).__name__
    return "int"


def compare(label, theirs, ours, problems):
    extra = sorted(set(dir(ours)) - set(dir(theirs)) - IGNORED)
    for name in sorted(set(dir(theirs)) - IGNORED):
        if not hasattr(ours, name):
            problems.append(f"{label}.{name}: missing")
            continue
        a, b = getattr(theirs, name), getattr(ours, name)
        if kind(a) != kind(b) and not (isinstance(a, type) and isinstance(b, type)):
            problems.append(f"{label}.{name}: {kind(a)} in the built-in module, {kind(b)} here")
        elif kind(a) in ("int", "bool", "str") and a != b:
            problems.append(f"{label}.{name}: {a!r} in the built-in module, {b!r} here")
    return extra


def main():
    problems = []
    extra = compare("_socket", builtin, _csocket, problems)
    extra_methods = compare("_socket.socket", builtin.socket, _csocket.socket, problems)
    if _csocket.error is not builtin.error:
        problems.append("error is not OSError")
    if sys.version_info >= (3, 10) and _csocket.timeout is not builtin.timeout:
        problems.append("timeout is not TimeoutError")
    # before 3.10 each module has its own socket.timeout class: compare what it is
    for exc in ("timeout", "herror", "gaierror"):
        a, b = getattr(builtin, exc), getattr(_csocket, exc)
        if (a.__module__, a.__qualname__, a.__bases__) != (b.__module__, b.__qualname__, b.__bases__):
            problems.append(f"{exc}: {a!r}{a.__bases__} here {b!r}{b.__bases__}")
    names = len(set(dir(builtin)) - IGNORED)
    methods = len(set(dir(builtin.socket)) - IGNORED)
    print(f"check_api: Python {sys.version.split()[0]}: {names} module names, {methods} "
          f"socket attributes compared; csocket adds {extra + extra_methods or 'nothing'}")
    for p in problems:
        print("  " + p)
    print("check_api: " + ("OK" if not problems else f"{len(problems)} difference(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
