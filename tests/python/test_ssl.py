"""The interpreter's ssl module over csocket: _ssl finds csocket's socket type through the
_socket.CAPI capsule and reads the descriptor and timeout from csocket's objects directly."""
import pytest

trustme = pytest.importorskip("trustme")

CHILD = r"""
import sys, threading
import csocket, socket, ssl
assert socket._socket is csocket._csocket
cert_file, key_file, ca_file, timeout = sys.argv[1:5]
timeout = None if timeout == "None" else float(timeout)

server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(cert_file, key_file)
client_ctx = ssl.create_default_context(cafile=ca_file)

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()

served = []

def serve():
    conn, _ = listener.accept()
    with server_ctx.wrap_socket(conn, server_side=True) as tls:
        while True:
            data = tls.recv(65536)
            if not data:
                break
            tls.sendall(data)
            served.append(len(data))
        tls.unwrap()

t = threading.Thread(target=serve)
t.start()
raw = socket.socket()
raw.settimeout(timeout)
raw.connect(listener.getsockname())
with client_ctx.wrap_socket(raw, server_hostname="localhost") as tls:
    assert tls.gettimeout() == timeout
    payload = bytes(range(256)) * 4096   # 1 MiB through TLS records
    tls.sendall(payload)
    got = b""
    while len(got) < len(payload):
        got += tls.recv(65536)
    assert got == payload
    if timeout:
        tls.settimeout(0.2)
        try:
            tls.recv(1)
        except socket.timeout:
            pass
        else:
            raise AssertionError("the read timeout did not fire")
    version = tls.version()
    tls.unwrap()  # a clean TLS close: the server's recv() then sees the end of the stream
t.join()
listener.close()
assert sum(served) == len(payload)
print(version, sum(served))
"""


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_tls_handshake_and_exchange(run_installed, tmp_path, timeout):
    ca = trustme.CA()
    cert = ca.issue_cert("localhost")
    cert_file, key_file, ca_file = (tmp_path / n for n in ("cert.pem", "key.pem", "ca.pem"))
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    proc = run_installed(CHILD, str(cert_file), str(key_file), str(ca_file), str(timeout))
    version, size = proc.stdout.split()
    assert version.startswith("TLSv1.") and int(size) == 1 << 20
