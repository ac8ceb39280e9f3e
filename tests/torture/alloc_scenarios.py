"""The allocation torture's scenarios: the memcheck workload (tests/hardening/workload.py), each
of its parts one scenario, run on csocket through `csocket.socket` (the interpreter's own
Lib/socket.py bound to csocket) with csocket's private `_race` beside it.  Together they call
every public callable and method of the extension (checked by `covered`)."""
import os
import shutil
import sys
import tempfile
import types

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hardening"))
import workload  # noqa: E402

import csocket.socket as view  # noqa: E402
from csocket import _csocket  # noqa: E402

C = types.ModuleType("csocket_view")
C.__dict__.update(vars(view))
C._race = _csocket._race
workload.C = C


def _unix():
    tmp = tempfile.mkdtemp(prefix="csocket-torture-")
    try:
        workload.unix(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


SCENARIOS = {
    "inet": lambda: workload.inet(C.AF_INET, "127.0.0.1"),
    "inet6": lambda: workload.inet(C.AF_INET6, "::1"),
    "unix": _unix,
    "rights_and_credentials": workload.rights_and_credentials,
    "linux_families": workload.linux_families,
    "module_functions": workload.module_functions,
    "batch": lambda: workload.batch(C.AF_INET, "127.0.0.1"),
    "batch6": lambda: workload.batch(C.AF_INET6, "::1"),
    "race": workload.race,
}
if not C.has_ipv6:
    del SCENARIOS["inet6"], SCENARIOS["batch6"]


def settle():
    """After a run: nothing of it left running (the workload joins its own threads)."""


def covered():
    return workload.covered


def uncovered(covered):
    """The extension's public callables and methods no scenario calls."""
    api = {n for n in dir(_csocket.socket) if not n.startswith("__")}
    api |= {n for n in dir(_csocket) if callable(getattr(_csocket, n)) and not n[0].isupper()
            and not n.startswith("_") and n not in ("error", "herror", "gaierror", "timeout")}
    api |= {"CMSG_LEN", "CMSG_SPACE"}
    return sorted(api - covered - {"sethostname", "socket", "dup"})

# Rough run time of each (the parent starts the longest first).
WEIGHT = {"inet": 10, "inet6": 10, "unix": 5, "batch": 3, "batch6": 3}
