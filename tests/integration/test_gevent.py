"""gevent after monkey.patch_all(), on both socket modules: its sockets subclass _socket.socket
and call its methods from greenlets; everything they report must come out the same."""
import pytest

pytest.importorskip("gevent")


def test_timeouts(run_both):
    builtin, _ = run_both("client_gevent.py", {"part": "timeouts"})
    r = builtin["result"]
    assert r["patched"] and r["gettimeout"] == 0.2
    assert r["recv"][-1] == "builtins.TimeoutError"
    assert r["nonblocking_recv"][-1].startswith("builtins.BlockingIOError")
    assert r["refused"][-1].startswith("builtins.ConnectionRefusedError")


def test_makefile(run_both):
    builtin, _ = run_both("client_gevent.py", {"part": "makefile"})
    r = builtin["result"]
    assert all(same for _, same in r["lines"]) and r["upload"] == r["expected"]


def test_ssl(certs, run_both):
    builtin, _ = run_both("client_gevent.py", {"part": "ssl", **certs})
    assert builtin["result"] == {"upload": True, "download": True, "server_version": True,
                                 "patched": True, "sockets_left_open": 0}


def test_sendall_cooperative(run_both):
    builtin, _ = run_both("client_gevent.py", {"part": "sendall"})
    assert builtin["result"] == {"digest": True, "others_ran": True, "sockets_left_open": 0}


def test_create_connection(run_both):
    builtin, _ = run_both("client_gevent.py", {"part": "create_connection"})
    r = builtin["result"]
    assert r["127.0.0.1"][0] == "AF_INET" and r["::1"][0] == "AF_INET6"
    assert r["localhost"][2] == 5.0
