"""The documented urllib3 adapter for csocket.create_connection (docs/guide/happy-eyeballs.md),
run as written against a local HTTP server: urllib3 (and requests, which uses it) connect through
the race, keep their socket options and their timeouts."""
import http.server
import os
import re
import socket
import threading

import pytest

urllib3 = pytest.importorskip("urllib3")
import urllib3.util.connection  # noqa: E402, F811  (the submodule, after the skip)

GUIDE = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "guide", "happy-eyeballs.md")


def _documented_adapter():
    text = open(GUIDE, encoding="utf-8").read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    code = [b for b in blocks if "def happy_create_connection" in b]
    assert len(code) == 1, "the guide's urllib3 adapter block is gone or doubled"
    return code[0]


class _Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    def do_GET(self):
        body = b"hello from 127.0.0.1"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()
    t.join()


@pytest.fixture
def adapter():
    original = urllib3.util.connection.create_connection
    made = []
    namespace = {}
    exec(compile(_documented_adapter(), GUIDE, "exec"), namespace)
    patched = urllib3.util.connection.create_connection
    assert patched is namespace["happy_create_connection"]

    def recording(*args, **kwargs):
        sock = patched(*args, **kwargs)
        made.append((sock, args, kwargs))
        return sock

    urllib3.util.connection.create_connection = recording
    try:
        yield made
    finally:
        urllib3.util.connection.create_connection = original


def test_urllib3_connects_through_the_race_with_its_options(server, adapter):
    with urllib3.PoolManager(timeout=urllib3.Timeout(connect=3.0, read=5.0)) as pool:
        r = pool.request("GET", f"http://127.0.0.1:{server}/")
        assert (r.status, r.data) == (200, b"hello from 127.0.0.1")
        r = pool.request("GET", f"http://127.0.0.1:{server}/")  # kept alive: no new connection
        assert r.status == 200
        assert len(adapter) == 1
        sock, args, kwargs = adapter[0]
        assert sock.getpeername() == ("127.0.0.1", server)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        assert sock.gettimeout() == 5.0  # urllib3 sets the read timeout after connecting


def test_urllib3_default_timeout_marker_means_the_default(server, adapter):
    with urllib3.PoolManager() as pool:
        assert pool.request("GET", f"http://127.0.0.1:{server}/").status == 200
    sock = adapter[0][0]
    assert sock.gettimeout() == socket.getdefaulttimeout()


def test_urllib3_refused_connection_is_its_usual_error(adapter):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with urllib3.PoolManager(retries=False) as pool:
        with pytest.raises(urllib3.exceptions.NewConnectionError) as info:
            pool.request("GET", f"http://127.0.0.1:{port}/")
    assert isinstance(info.value.__context__, ConnectionRefusedError)
