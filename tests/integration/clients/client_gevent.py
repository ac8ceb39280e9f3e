"""gevent after monkey.patch_all(): servers and clients as greenlets in this process, on the
patched socket and ssl modules, whose sockets subclass _socket.socket (with __slots__) and call
its methods from greenlets.  Parts: timeouts, makefile, ssl, sendall under cooperative blocking
(a slow reader, and a greenlet that must keep running meanwhile), socket.create_connection.
"""
from gevent import monkey

monkey.patch_all()  # first, as gevent asks: before anything imports socket or ssl

import gevent  # noqa: E402
import gevent.socket  # noqa: E402
import socket  # noqa: E402
import ssl  # noqa: E402

from _integ import describe, digest, main, payload, socket_base  # noqa: E402


def server(handler, family=socket.AF_INET, host="127.0.0.1"):
    """A listening socket and a greenlet that runs handler(conn) for its one connection."""
    lsock = socket.socket(family)
    lsock.bind((host, 0))
    lsock.listen()

    def serve():
        conn, _ = lsock.accept()
        with conn:
            handler(conn)

    return lsock, gevent.spawn(serve)


def part_timeouts(cfg, moved, info):
    result = {}
    lsock, g = server(lambda conn: gevent.sleep(1.0))  # accepts, then says nothing
    with lsock:
        c = socket.create_connection(lsock.getsockname(), timeout=0.2)
        info["client_socket"] = socket_base(c)
        result["patched"] = isinstance(c, gevent.socket.socket)
        result["gettimeout"] = c.gettimeout()
        try:
            c.recv(10)
            result["recv"] = "returned"
        except OSError as e:
            result["recv"] = describe(e)
        c.settimeout(0)
        try:
            c.recv(10)
        except OSError as e:
            result["nonblocking_recv"] = describe(e)
        c.close()
        g.kill()
    refused = socket.socket()
    refused.bind(("127.0.0.1", 0))
    port = refused.getsockname()[1]
    refused.close()
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError as e:
        result["refused"] = describe(e)
    return result


LINES = [b"first line\n", b"x" * 100000 + b"\n", b"\n", b"last, no newline"]


def part_makefile(cfg, moved, info):
    got = {}

    def handler(conn):
        with conn.makefile("rb") as r, conn.makefile("wb") as w:
            w.writelines(LINES)
            w.flush()
            conn.shutdown(socket.SHUT_WR)
            got["upload"] = digest(r.read())

    lsock, g = server(handler)
    with lsock, socket.create_connection(lsock.getsockname(), timeout=10) as c:
        info["client_socket"] = socket_base(c)
        with c.makefile("rb") as r, c.makefile("wb", buffering=0) as w:
            lines = [r.readline() for _ in LINES]
            w.write(payload(200000, seed=21))
            c.shutdown(socket.SHUT_WR)
            g.join(10)
    moved.bytes_down = sum(map(len, lines))
    moved.bytes_up = 200000
    return {"lines": [[len(x), x == y] for x, y in zip(lines, LINES)],
            "upload": got.get("upload"), "expected": digest(payload(200000, seed=21))}


def recv_up_to(sock, size):
    """What the peer sends, up to size bytes or its end of the stream."""
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return bytes(data)


def part_ssl(cfg, moved, info):
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cfg["cert"], cfg["key"])
    client_ctx = ssl.create_default_context(cafile=cfg["ca"])
    size = 1048576
    got = {}

    def handler(conn):
        with server_ctx.wrap_socket(conn, server_side=True) as t:
            got["server_version"] = t.version() is not None
            got["upload"] = digest(recv_up_to(t, size))
            t.sendall(payload(size, seed=22))

    lsock, g = server(handler)
    with lsock, socket.create_connection(lsock.getsockname(), timeout=10) as raw:
        with client_ctx.wrap_socket(raw, server_hostname="localhost") as t:
            info["client_socket"] = socket_base(t)
            t.sendall(payload(size, seed=23))
            data = recv_up_to(t, size)
        g.join(10)
    moved.bytes_up = moved.bytes_down = size
    return {"upload": got.get("upload") == digest(payload(size, seed=23)),
            "download": digest(data) == digest(payload(size, seed=22)),
            "server_version": got.get("server_version"),
            "patched": isinstance(t, gevent.ssl.SSLSocket)}


def part_sendall(cfg, moved, info):
    size = 8 * 1048576
    ticks = []
    got = {}

    def slow_reader(conn):
        data = bytearray()
        while True:
            gevent.sleep(0.001)
            chunk = conn.recv(262144)
            if not chunk:
                break
            data += chunk
        got["digest"] = digest(bytes(data))

    def ticker():
        while True:
            ticks.append(1)
            gevent.sleep(0.005)

    lsock, g = server(slow_reader)
    t = gevent.spawn(ticker)
    with lsock, socket.create_connection(lsock.getsockname(), timeout=30) as c:
        info["client_socket"] = socket_base(c)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        gevent.sleep(0)
        before = len(ticks)
        c.sendall(payload(size, seed=24))  # blocks this greenlet many times, never the others
        during = len(ticks) - before
        c.shutdown(socket.SHUT_WR)
        g.join(30)
    t.kill()
    moved.bytes_up = size
    return {"digest": got.get("digest") == digest(payload(size, seed=24)),
            "others_ran": during > 0}


def part_create_connection(cfg, moved, info):
    result = {}
    for host, family in (("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6),
                         ("localhost", socket.AF_INET)):
        lsock, g = server(lambda conn: conn.sendall(b"hi " + str(conn.family).encode()),
                          family, "127.0.0.1" if host == "localhost" else host)
        with lsock, socket.create_connection((host, lsock.getsockname()[1]), timeout=5) as c:
            info["client_socket"] = socket_base(c)
            result[host] = [c.family.name, c.recv(100).decode(), c.gettimeout()]
        g.join(5)
    return result


if __name__ == "__main__":
    main({"timeouts": part_timeouts, "makefile": part_makefile, "ssl": part_ssl,
          "sendall": part_sendall, "create_connection": part_create_connection})
