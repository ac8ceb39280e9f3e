"""What every client script shares: the run protocol with the test process, the payloads, and the
description of results that must come out the same on both socket modules.

A client script runs in a child interpreter, plain (`python client_x.py CONFIG`) or on csocket
(`python -m csocket run client_x.py CONFIG`).  It prints one line `RESULT {json}` with:
  result  what is compared between the two runs (statuses, lengths, digests, exception types);
  moved   bytes and rows the run moved (compared too, and summed in the run's summary);
  info    what is not compared (elapsed times, which _socket ran, where its sockets came from).
"""
import gc
import hashlib
import json
import os
import random
import socket  # after `python -m csocket run` this is the interpreter's socket.py on csocket
import sys
import time

BACKENDS = {"builtin": "_socket", "csocket": "csocket._csocket"}


def backend():
    """The name of the _socket module this process runs on."""
    return socket._socket.__name__


def socket_base(sock):
    """The _socket module whose socket type `sock` (a socket or asyncio's TransportSocket) is."""
    raw = getattr(sock, "_sock", sock)
    # By class identity: csocket's type is named _socket.socket too, as the built-in's is.
    for name in BACKENDS.values():
        module = sys.modules.get(name)
        if module is not None and isinstance(raw, module.socket):
            return module.__name__
    return f"not a socket: {type(raw)!r}"


def payload(size, seed=0):
    """Deterministic bytes, the same in every process: what the client and the server expect."""
    return random.Random(size * 7919 + seed).randbytes(size)


def digest(data):
    return hashlib.sha256(data).hexdigest()[:16]


def describe(exc):
    """An exception as the types along its cause chain, down to the first built-in
    TimeoutError or OSError that carries an errno (ConnectionRefusedError, ...), with the errno.

    Messages are left out (they name ports); types and errnos are what must match.  What lies
    under the OS error is the library's own incidental context (how a task was cancelled, the
    last SSLWantReadError), which depends on timing, not on the socket module."""
    chain, seen = [], set()
    while exc is not None and id(exc) not in seen and len(chain) < 8:
        seen.add(id(exc))
        entry = f"{type(exc).__module__}.{type(exc).__qualname__}"
        if isinstance(exc, OSError) and exc.errno is not None:
            entry += f"[errno {exc.errno}]"
        chain.append(entry)
        if type(exc).__module__ == "builtins" and (isinstance(exc, TimeoutError) or
                                                   isinstance(exc, OSError) and exc.errno):
            break
        exc = exc.__cause__ or exc.__context__
    return chain


class Moved:
    """What a run moved: payload bytes each way, and rows."""

    def __init__(self):
        self.bytes_up = self.bytes_down = self.rows_inserted = self.rows_selected = 0

    def as_dict(self):
        return dict(vars(self))


def open_sockets():
    """The socket descriptors this process holds."""
    found = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                found.add(int(name))
        except OSError:
            pass
    return found


def main(parts):
    """Run the part named by the config (argv[1], JSON) and print the RESULT line."""
    cfg = json.loads(sys.argv[1])
    expected = BACKENDS[cfg["backend"]]
    if backend() != expected:
        raise SystemExit(f"this run should be on {expected} but socket runs on {backend()}")
    before = open_sockets()
    moved, info = Moved(), {"backend": backend()}
    started = time.monotonic()
    result = parts[cfg["part"]](cfg, moved, info)
    info["elapsed"] = round(time.monotonic() - started, 3)
    gc.collect()
    result["sockets_left_open"] = len(open_sockets() - before)
    print("RESULT " + json.dumps({"result": result, "moved": moved.as_dict(), "info": info}))
