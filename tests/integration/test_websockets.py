"""websockets' sync client and server exchanging messages, on both socket modules."""
import pytest

import _integ
from client_websockets import BINARIES, PUSHED, TEXTS


# Plain connections only.  websockets' sync connection receives in a thread while the caller
# sends, and CPython's SSLSocket does not support a read and a write at once from two threads:
# over TLS the exchange fails now and then (spurious timeouts, "[SSL] internal error") with the
# built-in module as with csocket.  TLS in threads is covered by httpx and urllib3; TLS on a
# loop by aiohttp.
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"], ids=["ipv4", "ipv6"])
def test_exchange(host, certs, run_both):
    builtin, _ = run_both("client_websockets.py",
                          {"part": "exchange", "tls": False, "host": host, **certs})
    result = builtin["result"]
    assert result["server_family"] == ("AF_INET6" if ":" in host else "AF_INET")
    assert result["texts"] == [[f"{len(t)}:{_integ.digest(t.encode())}", True] for t in TEXTS]
    assert result["binaries"] == [
        [size, "bytes", True, _integ.digest(_integ.payload(size, seed=6))] for size in BINARIES]
    assert result["pushed"] == [[size, _integ.digest(_integ.payload(size, seed=5))]
                                for size in PUSHED]
    assert result["pushed_text"] == f"pushed {len(PUSHED)}" and result["pong"]
    # A clean close: 1000 on both ends, the server's loop ended without an error.
    assert result["client_close_code"] == result["server_close_code"] == 1000
    assert result["server_end"] == "clean"
    assert result["recv_after_close"][0] == "websockets.exceptions.ConnectionClosedOK"
