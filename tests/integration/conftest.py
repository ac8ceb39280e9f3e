"""Fixtures for the integration run: certificates made now, the servers (started once for the
session, stopped and their directories removed at its end), and `run_both`, which runs one client
script twice -- in a child interpreter on the built-in _socket, then in one on csocket -- and
fails unless both give the same results.  What each run moved is printed in a summary at the end.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

import servers

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "clients")
sys.path.insert(0, CLIENTS)
import _integ  # noqa: E402  (the payloads the clients expect, made the same way here)

# Bodies from nothing to several MiB, across the sizes where framing and buffering change.
SIZES = [0, 1, 1400, 16384, 65537, 1048576, 6291459]
CHILD_TIMEOUT = 120

MOVED = []  # one entry per child run: (scenario, backend, moved, elapsed)
TRAFFIC = {}  # what the servers saw, filled in as they stop


# --- certificates and servers -------------------------------------------------------------------

@pytest.fixture(scope="session")
def certs():
    """A CA and a server certificate for 127.0.0.1, ::1 and localhost, made for this run."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "::1", "localhost")
    d = tempfile.mkdtemp(prefix="csocket-integ-certs-")
    paths = {"ca": os.path.join(d, "ca.pem"), "cert": os.path.join(d, "server.pem"),
             "key": os.path.join(d, "server.key")}
    ca.cert_pem.write_to_path(paths["ca"])
    cert.cert_chain_pems[0].write_to_path(paths["cert"])
    for pem in cert.cert_chain_pems[1:]:
        pem.write_to_path(paths["cert"], append=True)
    cert.private_key_pem.write_to_path(paths["key"])
    yield paths
    shutil.rmtree(d)


def _stopped(server):
    server.stop()
    assert not os.path.exists(server.dir), f"{server.name}: {server.dir} was left behind"


@pytest.fixture(scope="session")
def nginx(certs):
    files = {str(size): _integ.payload(size) for size in SIZES}
    server = servers.Nginx(certs["cert"], certs["key"], files)
    try:
        server.start()
        yield server
        TRAFFIC["nginx"] = server.traffic()
    finally:
        _stopped(server)


@pytest.fixture(scope="session")
def mariadb():
    server = servers.MariaDB()
    try:
        server.start()
        yield server
    finally:
        _stopped(server)


@pytest.fixture(scope="session")
def refused_port():
    """A port bound on 127.0.0.1 but not listening: a connection to it is refused, and no other
    program can take it during the run."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    yield s.getsockname()[1]
    s.close()


# --- running a client on both modules -----------------------------------------------------------

def _run_child(script, cfg, backend):
    cfg = dict(cfg, backend=backend)
    path = os.path.join(CLIENTS, script)
    argv = [sys.executable, path, json.dumps(cfg)]
    if backend == "csocket":
        argv[1:1] = ["-m", "csocket", "run"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=CHILD_TIMEOUT,
                          stdin=subprocess.DEVNULL)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise AssertionError(f"{script} {cfg.get('part')} on {backend} failed "
                             f"(exit {proc.returncode}):\n{proc.stdout[-4000:]}\n"
                             f"{proc.stderr[-6000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def _differences(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            out += _differences(a.get(key, "<missing>"), b.get(key, "<missing>"), f"{path}.{key}")
        return out
    return [] if a == b else [f"{path or '.'}: built-in {a!r} != csocket {b!r}"]


@pytest.fixture
def run_both(request):
    """run_both(script, cfg) -> (builtin, csocket) outputs, asserted equal in result and moved."""

    def run(script, cfg):
        area = request.module.__name__.rsplit(".", 1)[-1].replace("test_", "", 1)
        scenario = f"{area} {request.node.name.replace('test_', '', 1)}"
        outs = {}
        for backend in ("builtin", "csocket"):
            out = outs[backend] = _run_child(script, cfg, backend)
            # The run was on the module it should be, down to the sockets its ends held.
            for key, value in out["info"].items():
                if key == "backend" or key.endswith("_socket"):
                    assert value == _integ.BACKENDS[backend], (backend, key, value)
            MOVED.append((scenario, backend, out["moved"], out["info"]["elapsed"]))
        diffs = _differences({"result": outs["builtin"]["result"], "moved": outs["builtin"]["moved"]},
                             {"result": outs["csocket"]["result"], "moved": outs["csocket"]["moved"]})
        assert not diffs, "csocket differs from the built-in module:\n" + "\n".join(diffs)
        return outs["builtin"], outs["csocket"]

    return run


# --- nothing left behind --------------------------------------------------------------------------

def _children():
    me, found = os.getpid(), set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me and fields[0] != "Z":
                found.add(int(pid))
    return found


@pytest.fixture(autouse=True)
def no_leaks():
    """Fail a test that leaves a descriptor, a thread or a child process behind in this process
    (session servers are started before this snapshot, so they do not count)."""
    fds = set(os.listdir("/proc/self/fd"))
    threads = set(threading.enumerate())
    children = _children()
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (_children() - children):
        time.sleep(0.05)
    left_fds = set(os.listdir("/proc/self/fd")) - fds
    left_fds = {fd for fd in left_fds if os.path.exists(f"/proc/self/fd/{fd}")}
    assert not left_fds, f"descriptors left open: {left_fds}"
    assert not set(threading.enumerate()) - threads, "threads left running"
    assert not _children() - children, f"child processes left: {_children() - children}"


# --- the summary ----------------------------------------------------------------------------------

def _mib(n):
    return f"{n / 1048576:9.2f}"


def pytest_terminal_summary(terminalreporter):
    if not MOVED:
        return
    tr = terminalreporter
    tr.section("csocket integration: what each run moved (payload bytes; rows)")
    tr.write_line(f"{'scenario':40} {'module':8} {'MiB up':>9} {'MiB down':>9} {'rows in':>8} "
                  f"{'rows out':>8} {'s':>6}")
    totals = {}
    for scenario, backend, moved, elapsed in MOVED:
        tr.write_line(f"{scenario:40} {backend:8} {_mib(moved['bytes_up'])} "
                      f"{_mib(moved['bytes_down'])} {moved['rows_inserted']:8} "
                      f"{moved['rows_selected']:8} {elapsed:6.2f}")
        t = totals.setdefault(backend, dict.fromkeys(moved, 0))
        for key, value in moved.items():
            t[key] += value
    for backend, t in totals.items():
        tr.write_line(f"{'TOTAL':40} {backend:8} {_mib(t['bytes_up'])} {_mib(t['bytes_down'])} "
                      f"{t['rows_inserted']:8} {t['rows_selected']:8}")
    if "nginx" in TRAFFIC:
        requests, received, sent = TRAFFIC["nginx"]
        tr.write_line(f"nginx served {requests} requests: {received / 1048576:.2f} MiB in, "
                      f"{sent / 1048576:.2f} MiB out (HTTP bytes, before TLS)")
    out = os.path.join(HERE, "..", "..", "build", "integration-summary.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"runs": [dict(scenario=s, module=b, elapsed=e, **m) for s, b, m, e in MOVED],
                   "totals": totals, "servers": TRAFFIC}, f, indent=1)
    tr.write_line(f"(also in {os.path.normpath(out)})")
