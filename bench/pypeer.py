"""The benchmark's fallback peer, in Python, for an installed csocket without the compiled C peer.

It offers the same services as bench/peer.c (echo, sink, source, accept, udp_echo; one JSON line of
ports on stdout; it exits when stdin closes) on the built-in socket module, in its own process, so
it is still the same peer for every contender.  It is slower than the C peer: ping-pong and stream
workloads then measure the peer as much as the contender, which is why reports label it.
"""
import json
import os
import socket
import struct
import sys
import threading

HOST = "127.0.0.1"


def _serve(conn, handler):
    try:
        handler(conn)
    except OSError:
        pass
    finally:
        conn.close()


def _echo(conn):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        data = conn.recv(262144)
        if not data:
            return
        conn.sendall(data)


def _sink(conn):
    buf = bytearray(262144)
    while conn.recv_into(buf):
        pass


def _source(conn):
    data = b"x" * 65536
    while True:
        conn.sendall(data)


def _close_after_client(conn):
    # Same reasoning as peer.c: wait for the client's FIN, then reset, so no end keeps TIME_WAIT.
    conn.settimeout(1.0)
    try:
        while conn.recv(1):
            pass
    except OSError:
        pass
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _accept_loop(listener, handler, threaded):
    while True:
        conn, _ = listener.accept()
        if threaded:
            threading.Thread(target=_serve, args=(conn, handler), daemon=True).start()
        else:
            _serve(conn, handler)


def _udp_echo(sock):
    while True:
        data, addr = sock.recvfrom(65536)
        sock.sendto(data, addr)


def _listen(handler, threaded=True):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((HOST, 0))
    listener.listen(4096)
    threading.Thread(target=_accept_loop, args=(listener, handler, threaded), daemon=True).start()
    return listener.getsockname()[1]


def main():
    ports = {"kind": "python", "pid": os.getpid()}
    ports["echo"] = _listen(_echo)
    ports["sink"] = _listen(_sink)
    ports["source"] = _listen(_source)
    ports["accept"] = _listen(_close_after_client, threaded=False)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((HOST, 0))
    ports["udp_echo"] = udp.getsockname()[1]
    threading.Thread(target=_udp_echo, args=(udp,), daemon=True).start()
    print(json.dumps(ports), flush=True)
    sys.stdin.buffer.read()  # until the benchmark closes our stdin
    return 0


if __name__ == "__main__":
    sys.exit(main())
