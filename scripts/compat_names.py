"""Names and call forms of the built-in _socket that csocket lacks or writes differently, on the
interpreter that runs this (csocket must be importable).  scripts/compat-row uses it for the
compatibility table.

    python scripts/compat_names.py            one line per difference
    python scripts/compat_names.py --counts   "MISSING DIFFERING"

A signature is the one inspect.signature() reads (__text_signature__, which Argument Clinic
writes) where either module has one, else the argument list of the signature lines a docstring
opens with (both modules write them, e.g. "recv_into(buffer, [nbytes[, flags]]) -> nbytes_read"
gives "buffer,[nbytes[,flags]]"): a difference there is a parameter named or bracketed otherwise,
or a signature one module lets inspect read and the other does not.  tests/check_api.py checks
names, kinds and values; CPython's test_socket checks behaviour.
"""
import re
import sys

import _socket as builtin

from csocket import _csocket


def call_forms(obj):
    text = getattr(obj, "__text_signature__", None)
    if text:
        return ["inspect:" + "".join(text.split())]
    doc = getattr(obj, "__doc__", None) or ""
    head = doc.split("\n\n", 1)[0]
    forms = (re.match(r"\s*\w+(\([^()]*\))", line) for line in head.splitlines())
    return ["".join(m.group(1).split()) for m in forms if m]


def pairs():
    """(label, built-in object, csocket object or None) for every public callable of the
    built-in module and of its socket type."""
    for name in sorted(dir(builtin)):
        value = getattr(builtin, name)
        if not name.startswith("_") and callable(value) and not isinstance(value, type):
            yield name, value, getattr(_csocket, name, None)
    for name in sorted(vars(builtin.socket)):
        if not name.startswith("_") and callable(getattr(builtin.socket, name)):
            yield "socket." + name, getattr(builtin.socket, name), getattr(_csocket.socket, name, None)


def differences():
    missing = [n for n in dir(builtin) if not n.startswith("__") and not hasattr(_csocket, n)]
    missing += ["socket." + n for n in dir(builtin.socket)
                if not n.startswith("__") and not hasattr(_csocket.socket, n)]
    differing = [(label, call_forms(theirs), call_forms(ours)) for label, theirs, ours in pairs()
                 if ours is not None and call_forms(theirs) != call_forms(ours)]
    return missing, differing


def main(argv):
    missing, differing = differences()
    if "--counts" in argv:
        print(len(missing), len(differing))
        return 0
    for name in missing:
        print("missing   %s" % name)
    for label, theirs, ours in differing:
        print("differs   %s\n  built-in %s\n  csocket  %s" % (label, " | ".join(theirs), " | ".join(ours)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
