"""websockets' sync client and server exchanging messages, on both socket modules."""
import pytest

import _integ
from client_websockets import BINARIES, PUSHED, TEXTS


@pytest.mark.parametrize("tls, host", [(False, "127.0.0.1"), (True, "127.0.0.1"), (False, "::1"),
                                       (True, "::1")], ids=["ws", "wss", "ws-ipv6", "wss-ipv6"])
def test_exchange(tls, host, certs, run_both):
    builtin, _ = run_both("client_websockets.py",
                          {"part": "exchange", "tls": tls, "host": host, **certs})
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
