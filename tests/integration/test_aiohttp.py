"""aiohttp's client and server on one asyncio loop, on both socket modules, plain and TLS."""
import pytest

import _integ
from client_aiohttp import FILE, STREAM, UPLOAD, expected_stream


@pytest.fixture(params=[False, True], ids=["http", "https"])
def cfg(request, certs):
    return {"tls": request.param, **certs}


def test_stream(cfg, run_both):
    builtin, csock = run_both("client_aiohttp.py", dict(cfg, part="stream"))
    result = builtin["result"]
    assert result["chunked"] == [200, "chunked", STREAM, expected_stream(STREAM), True]
    assert result["with_length"] == [200, None, STREAM, expected_stream(STREAM), True]
    # The loop's sockets, both ends, are the module's under test.
    for out, module in ((builtin, "_socket"), (csock, "csocket._csocket")):
        assert out["info"]["client_socket"] == out["info"]["server_socket"] == module


def test_file(cfg, run_both):
    builtin, _ = run_both("client_aiohttp.py", dict(cfg, part="file"))
    expected = _integ.digest(_integ.payload(FILE, seed=10))
    assert builtin["result"]["file"] == [200, None, FILE, expected, True]


def test_upload(cfg, run_both):
    builtin, _ = run_both("client_aiohttp.py", dict(cfg, part="upload"))
    assert builtin["result"]["status"] == 200
    assert builtin["result"]["server_saw"] == {
        "length": UPLOAD, "digest": _integ.digest(_integ.payload(UPLOAD, seed=9))}


def test_concurrent(cfg, run_both):
    builtin, _ = run_both("client_aiohttp.py", dict(cfg, part="concurrent"))
    result = builtin["result"]
    assert len(result["bodies"]) == 32
    assert all(status == 200 and intact for status, _size, intact in result["bodies"])
    assert result["connections_within_pool"]


def test_read_timeout(cfg, run_both):
    builtin, _ = run_both("client_aiohttp.py", dict(cfg, part="timeout"))
    result = builtin["result"]
    assert result["raised"] and "Timeout" in result["raised"][0], result
    assert result["within_5s"] and result["then"] == 200
