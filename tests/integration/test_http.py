"""httpx (sync and async) and urllib3 against nginx over TLS, on both socket modules."""
import pytest

import _integ
from conftest import SIZES

CLIENTS = [("client_httpx.py", "sync"), ("client_httpx.py", "async"), ("client_urllib3.py", None)]
IDS = ["httpx-sync", "httpx-async", "urllib3"]


@pytest.fixture(params=CLIENTS, ids=IDS)
def client(request, nginx, certs, refused_port):
    script, mode = request.param
    cfg = {"mode": mode, "base": nginx.url(""), "ca": certs["ca"], "sizes": SIZES,
           "refused_port": refused_port}
    return script, cfg


def test_get(client, run_both):
    script, cfg = client
    builtin, _ = run_both(script, dict(cfg, part="get"))
    assert builtin["result"]["get"] == [[size, 200, size, _integ.digest(_integ.payload(size))]
                                        for size in SIZES]


def test_post(client, run_both):
    script, cfg = client
    builtin, _ = run_both(script, dict(cfg, part="post"))
    expected = [[size, 200, "stored\n", size, _integ.digest(_integ.payload(size, seed=1))]
                for size in SIZES]
    assert builtin["result"]["post"] == expected


def test_keepalive(client, run_both):
    script, cfg = client
    builtin, _ = run_both(script, dict(cfg, part="keepalive"))
    result = builtin["result"]
    assert result["statuses"] == [200] * 6
    # One connection served the whole sequence: nginx counted 1, 2, ... 6 requests on it.
    assert result["connections"] == 1
    assert result["requests_on_connection"] == [1, 2, 3, 4, 5, 6]
    assert result.get("pool_connections", 1) == 1


def test_stale_connection(client, run_both):
    script, cfg = client
    builtin, _ = run_both(script, dict(cfg, part="stale"))
    result = builtin["result"]
    assert result["statuses"] == [200, 200]
    # nginx served the second request as the first on another connection.  (urllib3 reopens
    # the same HTTPConnection object, so its pool's count of connections made stays 1.)
    assert not result["same_connection"] and result["requests_on_new_connection"] == 1


def test_addresses(client, run_both):
    script, cfg = client
    builtin, _ = run_both(script, dict(cfg, part="addresses"))
    body, posted = _integ.payload(65537), _integ.payload(16384, seed=1)
    assert builtin["result"]["addresses"] == [
        [host, 200, _integ.digest(body), peer, 200, 16384, _integ.digest(posted)]
        for host, peer in (("127.0.0.1", "127.0.0.1"), ("localhost", "127.0.0.1"),
                           ("[::1]", "::1"))]


def test_read_timeout(client, run_both):
    script, cfg = client
    builtin, _ = run_both(script, dict(cfg, part="timeout"))
    result = builtin["result"]
    assert result["raised"], "the read timeout did not fire"
    assert result["within_5s"]
    assert "Timeout" in result["raised"][0]
    assert result["then"] == 200


def test_dropped(client, run_both):
    script, cfg = client
    builtin, _ = run_both(script, dict(cfg, part="dropped"))
    result = builtin["result"]
    assert result["raised"] and "Protocol" in result["raised"][0], result
    assert result["within_5s"] and result["then"] == 200


def test_refused(client, run_both):
    script, cfg = client
    builtin, _ = run_both(script, dict(cfg, part="refused"))
    result = builtin["result"]
    assert any("ConnectionRefusedError" in entry for entry in result["raised"]), result
    assert result["within_5s"]
