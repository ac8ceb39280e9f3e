"""Compare the public surface of the built-in _socket with csocket's, for this interpreter.

Every name of the built-in module and of its socket type must exist in csocket with the same kind
(function, class, constant), for constants the same value, and for functions and methods the same
`inspect.signature` (what `help()` shows; None where the built-in module has none).  Names csocket
adds where this interpreter's built-in module has none are listed as additions.  Exit status 1
when anything is missing or different.

    python tests/check_api.py
"""
import inspect
import sys

import _socket as builtin

from csocket import _csocket

# Module metadata differs by nature (csocket is a loaded extension of another name).
IGNORED = {"__doc__", "__file__", "__loader__", "__name__", "__package__", "__spec__"}


def kind(value):
    if isinstance(value, bool) or not isinstance(value, int):
        return type(value).__name__
    return "int"


def signature(obj):
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return None


def compare(label, theirs, ours, problems):
    """Names, kinds, values and signatures; returns (names compared, signatures compared, extra)."""
    names = sorted(set(dir(theirs)) - IGNORED)
    signatures = 0
    for name in names:
        if not hasattr(ours, name):
            problems.append(f"{label}.{name}: missing")
            continue
        a, b = getattr(theirs, name), getattr(ours, name)
        if kind(a) != kind(b) and not (isinstance(a, type) and isinstance(b, type)):
            problems.append(f"{label}.{name}: {kind(a)} in the built-in module, {kind(b)} here")
        elif kind(a) in ("int", "bool", "str") and a != b:
            problems.append(f"{label}.{name}: {a!r} in the built-in module, {b!r} here")
        elif callable(a) and not isinstance(a, type) and not name.startswith("__"):
            signatures += 1
            if signature(a) != signature(b):
                problems.append(f"{label}.{name}: signature {signature(a)} in the built-in "
                                f"module, {signature(b)} here")
    extra = sorted(set(dir(ours)) - set(dir(theirs)) - IGNORED)
    return len(names), signatures, extra


def main():
    problems = []
    names, sigs, extra = compare("_socket", builtin, _csocket, problems)
    methods, msigs, extra_methods = compare("_socket.socket", builtin.socket, _csocket.socket,
                                            problems)
    if _csocket.error is not builtin.error:
        problems.append("error is not OSError")
    if sys.version_info >= (3, 10) and _csocket.timeout is not builtin.timeout:
        problems.append("timeout is not TimeoutError")
    # before 3.10 each module has its own socket.timeout class: compare what it is
    for exc in ("timeout", "herror", "gaierror"):
        a, b = getattr(builtin, exc), getattr(_csocket, exc)
        if (a.__module__, a.__qualname__, a.__bases__) != (b.__module__, b.__qualname__, b.__bases__):
            problems.append(f"{exc}: {a!r}{a.__bases__} here {b!r}{b.__bases__}")
    missing = sum(p.endswith(": missing") for p in problems)
    differing = sum(": signature " in p for p in problems)
    print(f"check_api: Python {sys.version.split()[0]} ({sys.executable}): {names} module names "
          f"and {methods} socket attributes compared, {sigs + msigs} signatures among them")
    print(f"check_api: csocket adds {len(extra)} module names and {len(extra_methods)} socket "
          f"attributes: {' '.join(extra + ['socket.' + m for m in extra_methods]) or 'none'}")
    for p in problems:
        print("  " + p)
    print(f"check_api: {missing} names missing, {differing} signatures differing, "
          f"{len(problems) - missing - differing} other differences: "
          + ("OK" if not problems else "FAILED"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
