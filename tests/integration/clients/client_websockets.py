"""websockets' sync client and sync server, both in this process on 127.0.0.1 or ::1, plain or
over TLS: text and binary messages both ways, messages the server starts, a ping, and a
clean close seen from both ends.
"""
import socket
import ssl
import threading

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.sync.server import serve

from _integ import describe, digest, main, payload, socket_base

TEXTS = ["", "hello", "héllo wörld ✓ " * 100, "x" * 300000]
BINARIES = [0, 1, 125, 126, 65535, 65536, 1048577]  # across the frame-length encodings
PUSHED = [0, 4096, 2 * 1048576]


def handler(ws, log):
    """Answer text with its size and digest then the text reversed; echo binary then send its
    digest; on "push", send PUSHED binaries and a text saying so."""
    log["server_socket"] = socket_base(ws.socket)
    try:
        for message in ws:
            if isinstance(message, str):
                if message == "push":
                    for size in PUSHED:
                        ws.send(payload(size, seed=5))
                    ws.send(f"pushed {len(PUSHED)}")
                    continue
                ws.send(f"{len(message)}:{digest(message.encode())}")
                ws.send(message[::-1])
            else:
                ws.send(message)
                ws.send(digest(message).encode())
        log["server_end"] = "clean"
    except ConnectionClosed as e:
        log["server_end"] = describe(e)
    finally:
        log["server_close_code"] = ws.close_code
        log["done"].set()


def part_exchange(cfg, moved, info):
    server_ctx = client_ctx = None
    if cfg["tls"]:
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(cfg["cert"], cfg["key"])
        client_ctx = ssl.create_default_context(cafile=cfg["ca"])
    log = {"done": threading.Event()}
    host = cfg.get("host", "127.0.0.1")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # passed to create_server
    with serve(lambda ws: handler(ws, log), host, 0, ssl=server_ctx, max_size=None,
               family=family) as server:
        thread = threading.Thread(target=server.serve_forever)
        thread.start()
        port = server.socket.getsockname()[1]
        scheme = "wss" if cfg["tls"] else "ws"
        try:
            netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            result = _client(f"{scheme}://{netloc}/", client_ctx, moved, info)
            result["server_family"] = server.socket.family.name
            if not log["done"].wait(10):
                raise SystemExit("the server's handler did not finish after the close")
        finally:
            server.shutdown()
            thread.join()
    info["server_socket"] = log["server_socket"]
    result["server_end"] = log["server_end"]
    result["server_close_code"] = log["server_close_code"]
    return result


def _client(url, ctx, moved, info):
    result = {"texts": [], "binaries": [], "pushed": []}
    with connect(url, ssl=ctx, max_size=None, open_timeout=10) as ws:
        info["client_socket"] = socket_base(ws.socket)
        for text in TEXTS:
            ws.send(text)
            moved.bytes_up += len(text.encode())
            summary, reversed_text = ws.recv(timeout=10), ws.recv(timeout=10)
            moved.bytes_down += len(summary) + len(reversed_text.encode())
            result["texts"].append([summary, reversed_text[::-1] == text])
        for size in BINARIES:
            data = payload(size, seed=6)
            ws.send(data)
            moved.bytes_up += size
            echo, sent_digest = ws.recv(timeout=10), ws.recv(timeout=10)
            moved.bytes_down += len(echo) + len(sent_digest)
            result["binaries"].append([size, type(echo).__name__, echo == data,
                                       sent_digest.decode()])
        ws.send("push")
        for _ in PUSHED:
            data = ws.recv(timeout=10)
            moved.bytes_down += len(data)
            result["pushed"].append([len(data), digest(data)])
        result["pushed_text"] = ws.recv(timeout=10)
        result["pong"] = ws.ping().wait(10)
        ws.close()
        result["client_close_code"] = ws.close_code
        try:
            ws.recv(timeout=10)
            result["recv_after_close"] = None
        except ConnectionClosed as e:
            result["recv_after_close"] = describe(e)
    return result


if __name__ == "__main__":
    main({"exchange": part_exchange})
