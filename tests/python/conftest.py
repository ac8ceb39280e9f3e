"""Shared fixtures: every test must leave no file descriptor and no thread behind.

Tests use `csocket.socket`, the interpreter's own Lib/socket.py bound to csocket, so the pytest
process itself keeps the built-in module; a test that needs csocket installed process-wide (ssl,
strace) runs a child interpreter with `python -m csocket run`.
"""
import gc
import json
import os
import sys
import threading
import time

import pytest

FD_DIR = "/proc/self/fd"
# The checkout's top folder, last on the path: its bench/ package (the benchmark harness, which
# the installed package does not ship) for test_bench.py and the Happy Eyeballs row's fixture.
# Last, so that the csocket under test stays whichever one the interpreter finds first.
sys.path.append(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DEBUG_BUILD = hasattr(sys, "gettotalrefcount")


def _open_fds():
    fds = {}
    for name in os.listdir(FD_DIR):
        try:
            fds[int(name)] = os.readlink(os.path.join(FD_DIR, name))
        except OSError:
            pass  # the descriptor listdir itself used, already closed
    return fds


def _leaks(fds_before, threads_before):
    threads = [t.name for t in set(threading.enumerate()) - threads_before if t.is_alive()]
    fds = {fd: target for fd, target in _open_fds().items()
           if fd not in fds_before or fds_before[fd] != target}
    return threads, fds


@pytest.fixture(autouse=True)
def no_leaks(request):
    """Fail a test that leaves a descriptor open or a thread running."""
    if request.node.get_closest_marker("allow_leaks"):
        yield
        return
    fds_before = _open_fds()
    threads_before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5.0
    for t in set(threading.enumerate()) - threads_before:
        t.join(max(0.0, deadline - time.monotonic()))
    leaked_threads, leaked_fds = _leaks(fds_before, threads_before)
    if leaked_threads or leaked_fds or DEBUG_BUILD:
        # A socket kept only by a reference cycle is closed by the collector, not leaked.  A full
        # collection costs tens of milliseconds in this process (three quarters of the suite's
        # time when run after every test), so it runs only when something looks left behind,
        # and always on a debug interpreter, whose reference-leak runs (tests/hardening) were
        # measured with the heap as a collection here leaves it.
        gc.collect()
        leaked_threads, leaked_fds = _leaks(fds_before, threads_before)
    assert not leaked_threads, f"threads left running: {leaked_threads}"
    assert not leaked_fds, f"file descriptors left open: {leaked_fds}"


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_leaks: the test manages descriptors itself")


@pytest.fixture
def run_installed(tmp_path):
    """Run Python code in a child interpreter with csocket installed; return CompletedProcess."""
    import subprocess

    def run(code, *args, timeout=60, check=True):
        script = tmp_path / "child.py"
        script.write_text(code)
        proc = subprocess.run([sys.executable, "-m", "csocket", "run", str(script), *args],
                              capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"child failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    return run


TORTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "torture")
CHILD_PRELUDE = """
import ctypes, errno, json, os, sys
import csocket.socket as S
from csocket import _csocket
RESULTS = {}

def record(label, fn, arm, disarm):
    \"\"\"RESULTS[label] = [outcome, value or errno, failures injected] of fn() with arm() before
    and disarm() (which returns how many failures it injected) after.\"\"\"
    arm()
    try:
        RESULTS[label] = ["ok", fn()]
    except Exception as e:
        RESULTS[label] = [type(e).__name__, getattr(e, "errno", None)]
    finally:
        RESULTS[label].append(disarm())
"""
SHIM_PRELUDE = """
_shim = ctypes.CDLL(None)
_shim.syscallfail_injected.restype = ctypes.c_long
_shim.syscallfail_calls.restype = ctypes.c_long
if _shim.syscallfail_watch(os.path.realpath(_csocket.__file__).encode()) != 0:
    sys.exit("csocket's extension is not loaded")

def _arm(name, nth, err):
    if _shim.syscallfail_arm(name and name.encode(), ctypes.c_long(nth), err) != 0:
        sys.exit(f"the shim does not know {name}")

def _disarm():
    _shim.syscallfail_disarm()
    return _shim.syscallfail_injected()

def failing(label, name, nth, err, fn):
    \"\"\"fn() with the nth call csocket makes to libc's `name` failing with err (nth 0: none).\"\"\"
    record(label, fn, lambda: _arm(name, nth, err), _disarm)

def calls(name, fn):
    \"\"\"How many calls of libc's `name` csocket makes in fn(), none failing.\"\"\"
    _arm(None, 0, 0)
    try:
        fn()
    finally:
        _shim.syscallfail_disarm()
    return _shim.syscallfail_calls(name.encode())
"""
ALLOC_PRELUDE = """
import _allocfail
_allocfail.watch(os.path.realpath(_csocket.__file__))

def failing(label, nth, fn):
    \"\"\"fn() with the nth allocation csocket makes (Python's allocators) failing (0: none).\"\"\"
    record(label, fn, lambda: _allocfail.arm(nth), lambda: _allocfail.disarm()[1])

def allocations(fn):
    \"\"\"How many allocations csocket makes in fn(), none failing.\"\"\"
    _allocfail.arm(0)
    try:
        fn()
    finally:
        counted = _allocfail.disarm()[0]
    return counted
"""


def _build_or_skip(tmp_path_factory, what, source, out, *flags):
    """Compile one of make test-torture's helpers for this machine, or skip the test."""
    import shutil
    import subprocess

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None or not os.path.exists(source):
        pytest.skip(f"{what} cannot be built here (no C compiler or no source)")
    path = str(tmp_path_factory.mktemp("torture") / out)
    built = subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", path, source, *flags],
                           capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip(f"{what} does not build: {built.stderr.strip()[:300]}")
    return path


def _child_runner(prelude, env):
    import subprocess

    def run(code, timeout=60):
        script = CHILD_PRELUDE + prelude + code + "\nprint(json.dumps(RESULTS))\n"
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=timeout, env=env)
        if proc.returncode != 0:
            raise AssertionError(f"child failed ({proc.returncode}):\n{proc.stdout}\n"
                                 f"{proc.stderr}")
        return json.loads(proc.stdout.splitlines()[-1])

    return run


@pytest.fixture(scope="session")
def syscall_shim(tmp_path_factory):
    """Run code in a child interpreter with make test-torture's LD_PRELOAD shim
    (tests/torture/syscallfail.c), which fails the nth libc call of one kind that csocket makes.
    The code calls failing(label, name, nth, errno, fn) (and calls(name, fn) to count them);
    run(code) returns {label: [outcome, value or errno, calls failed]}."""
    so = _build_or_skip(tmp_path_factory, "the system-call shim",
                        os.path.join(TORTURE, "syscallfail.c"), "syscallfail.so", "-ldl")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    # Before anything already preloaded (make test-asan's ASan runtime, which then must not
    # insist on coming first), so that its functions are the ones csocket calls.
    env["LD_PRELOAD"] = ":".join(filter(None, [so, os.environ.get("LD_PRELOAD")]))
    if "asan" in os.environ.get("LD_PRELOAD", ""):
        env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    return _child_runner(SHIM_PRELUDE, env)


@pytest.fixture(scope="session")
def alloc_hook(tmp_path_factory):
    """Run code in a child interpreter with make test-torture's allocation hook
    (tests/torture/allocfail.c, an extension built for this interpreter), which fails the nth
    allocation csocket makes.  The code calls failing(label, nth, fn) (and allocations(fn) to
    count them); run(code) returns {label: [outcome, value, allocations failed]}."""
    import sysconfig

    so = _build_or_skip(tmp_path_factory, "the allocation hook",
                        os.path.join(TORTURE, "allocfail.c"),
                        "_allocfail" + sysconfig.get_config_var("EXT_SUFFIX"),
                        "-I" + sysconfig.get_paths()["include"])
    path = os.pathsep.join([os.path.dirname(so)] + sys.path)
    return _child_runner(ALLOC_PRELUDE, dict(os.environ, PYTHONPATH=path))


@pytest.fixture(params=["builtin", "csocket"])
def S(request):
    """The socket module under test: the interpreter's own, on the built-in _socket or on csocket.

    Tests written against S prove that csocket behaves as the built-in module does.
    """
    if request.param == "builtin":
        import socket

        return socket
    import csocket.socket

    return csocket.socket


@pytest.fixture
def C():
    """The socket module bound to csocket (for csocket-only behaviour)."""
    import csocket.socket

    return csocket.socket
