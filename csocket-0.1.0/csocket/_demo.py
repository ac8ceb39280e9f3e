"""python -m csocket demo: csocket at work under the interpreter's own socket module, on loopback.

Three short acts: an echo exchange with a timeout set (and a timeout firing), a TLS handshake
through the interpreter's ssl module, and a speed comparison with the built-in module, each side
measured in its own fresh process.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

# The loops of the speed comparison, run in a child process per module.  Each pair of calls moves
# 64 bytes through a socketpair with a timeout set, the way servers with timeouts use sockets.
SPEED_CHILD = r"""
import json, sys, time
if sys.argv[1] == "csocket":
    import csocket; csocket.install()
import socket
a, b = socket.socketpair()
a.settimeout(5.0); b.settimeout(5.0)
msg = b"x" * 64
buf = bytearray(64)
def recv_into():
    a.sendall(msg); b.recv_into(buf)
def recv_big():
    a.sendall(msg); b.recv(262144)
def rate(fn, seconds):
    best = 0.0
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while True:
            for _ in range(200):
                fn()
            n += 200
            dt = time.perf_counter() - t0
            if dt >= seconds:
                break
        best = max(best, n / dt)
    return best
print(json.dumps({"impl": socket._socket.__name__,
                  "recv_into": rate(recv_into, float(sys.argv[2])),
                  "recv_big": rate(recv_big, float(sys.argv[2]))}))
"""


def say(text=""):
    print(text, flush=True)


def act_echo(socket):
    say("1. Echo over TCP on 127.0.0.1, with a 2 s timeout on both ends")
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(2.0)

    def serve():
        conn, _ = server.accept()
        with conn:
            conn.settimeout(2.0)
            while True:
                data = conn.recv(262144)
                if not data:
                    break
                conn.sendall(data)

    thread = threading.Thread(target=serve)
    thread.start()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        client.settimeout(2.0)
        client.connect(server.getsockname())
        for text in (b"hello", b"from csocket", b"x" * 100000):
            client.sendall(text)
            got = b""
            while len(got) < len(text):
                got += client.recv(262144)
            shown = text if len(text) < 40 else b"%d bytes" % len(text)
            say(f"   sent and got back {shown!r}: {'ok' if got == text else 'MISMATCH'}")
        client.settimeout(0.25)
        t0 = time.monotonic()
        try:
            client.recv(1)
        except socket.timeout as exc:
            say(f"   recv() on a quiet connection with a 0.25 s timeout: "
                f"{type(exc).__name__}({exc}) after {time.monotonic() - t0:.3f} s")
    thread.join()
    server.close()


def make_certificate(directory):
    """A self-signed certificate for 'localhost', made now with the openssl command."""
    if shutil.which("openssl") is None:
        return None
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    cmd = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
           "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
           "-keyout", key, "-out", cert]
    if subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
        return None
    return cert, key


def act_tls(socket):
    import ssl

    say("2. TLS through the interpreter's ssl module, over csocket")
    with tempfile.TemporaryDirectory() as tmp:
        pair = make_certificate(tmp)
        if pair is None:
            say("   (skipped: the openssl command is not available to make a certificate)")
            return
        cert, key = pair
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(cert, key)
        client_ctx = ssl.create_default_context(cafile=cert)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def serve():
            conn, _ = listener.accept()
            with server_ctx.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(tls.recv(1024).upper())

        thread = threading.Thread(target=serve)
        thread.start()
        raw = socket.socket()
        raw.settimeout(5.0)
        raw.connect(listener.getsockname())
        with client_ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"hello over tls")
            reply = tls.recv(1024)
            say(f"   handshake: {tls.version()}, {tls.cipher()[0]}; certificate verified for "
                f"'localhost'")
            say(f"   sent b'hello over tls', got back {reply!r}")
        thread.join()
        listener.close()


def measure(impl, seconds):
    cmd = [sys.executable, "-c", SPEED_CHILD, impl, str(seconds)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def act_speed(seconds):
    say("3. Speed beside the built-in module (64-byte messages through a socketpair with a")
    say("   timeout set; each side in its own fresh process; best of 3)")
    builtin = measure("builtin", seconds)
    mine = measure("csocket", seconds)
    rows = [("sendall + recv_into(64)", "recv_into"), ("sendall + recv(262144)", "recv_big")]
    say(f"   {'loop':<26}{'built-in':>14}{'csocket':>14}{'ratio':>9}")
    for label, key in rows:
        say(f"   {label:<26}{builtin[key]:>10,.0f} /s{mine[key]:>10,.0f} /s"
            f"{mine[key] / builtin[key]:>8.2f}x")
    say("   (make bench measures many more workloads, against plain C too)")


def main(argv):
    seconds = 0.3 if "--quick" in argv else 0.6
    import csocket

    csocket.install()
    import socket

    say(f"csocket {csocket.__version__} on Python {sys.version.split()[0]}: "
        f"socket._socket is {socket._socket.__name__} ({os.path.basename(socket._socket.__file__)})")
    say()
    act_echo(socket)
    say()
    act_tls(socket)
    say()
    act_speed(seconds)
    return 0
