"""The benchmark's three asyncio programs: a 64 B echo through Protocol transports, through streams
(start_server/open_connection), and through DatagramProtocol, with client and server both in the
measured process on the default event loop.

The sockets are made with the module under test and handed to asyncio (``sock=...``), so no name is
resolved; from then on asyncio's own transports do the I/O, calling ``sock.recv(256 KiB)`` (datagram
transports ``recvfrom(256 KiB)``) on every readable event, which is what these programs measure.
"""
import asyncio
from time import perf_counter

MSG = b"x" * 64
HOST = "127.0.0.1"


def make(name, socket):
    """Set up the program `name` on module `socket`; return a function timing `loops` round trips."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    rounds = loop.run_until_complete(_SETUPS[name](socket))

    def run(loops):
        t0 = perf_counter()
        loop.run_until_complete(rounds(loops))
        return perf_counter() - t0

    return run


def _stream_ends(socket):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((HOST, 0))
    listener.listen(8)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.connect(listener.getsockname())
    return listener, client


def _datagram_ends(socket):
    ends = []
    for _ in range(2):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((HOST, 0))
        ends.append(s)
    return ends


# ---- Protocol transports -----------------------------------------------------------------------


class _EchoServer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


class _PingClient(asyncio.Protocol):
    """Sends 64 B, waits for the whole echo, sends again: `left` round trips, then resolves `done`."""

    def connection_made(self, transport):
        self.transport = transport
        self.loop = asyncio.get_running_loop()

    def start(self, loops):
        self.left, self.got = loops, 0
        self.done = self.loop.create_future()
        self.transport.write(MSG)
        return self.done

    def data_received(self, data):
        self.got += len(data)
        if self.got < len(MSG):
            return
        self.got = 0
        self.left -= 1
        if self.left:
            self.transport.write(MSG)
        else:
            self.done.set_result(None)


async def _protocol(socket):
    loop = asyncio.get_running_loop()
    listener, client = _stream_ends(socket)
    server = await loop.create_server(_EchoServer, sock=listener)
    _, proto = await loop.create_connection(_PingClient, sock=client)
    proto.server = server
    return proto.start


# ---- streams -----------------------------------------------------------------------------------


async def _echo_handler(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


async def _streams(socket):
    listener, client = _stream_ends(socket)
    server = await asyncio.start_server(_echo_handler, sock=listener)
    reader, writer = await asyncio.open_connection(sock=client)

    async def rounds(loops, server=server):
        for _ in range(loops):
            writer.write(MSG)
            await writer.drain()
            await reader.readexactly(len(MSG))

    return rounds


# ---- DatagramProtocol --------------------------------------------------------------------------


class _DatagramEcho(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data, addr)


class _DatagramPing(asyncio.DatagramProtocol):
    def __init__(self, server_addr):
        self.server_addr = server_addr

    def connection_made(self, transport):
        self.transport = transport
        self.loop = asyncio.get_running_loop()

    def start(self, loops):
        self.left = loops
        self.done = self.loop.create_future()
        self.transport.sendto(MSG, self.server_addr)
        return self.done

    def datagram_received(self, data, addr):
        self.left -= 1
        if self.left:
            self.transport.sendto(MSG, self.server_addr)
        else:
            self.done.set_result(None)


async def _datagram(socket):
    loop = asyncio.get_running_loop()
    server_sock, client_sock = _datagram_ends(socket)
    server_addr = server_sock.getsockname()
    await loop.create_datagram_endpoint(_DatagramEcho, sock=server_sock)
    _, proto = await loop.create_datagram_endpoint(
        lambda: _DatagramPing(server_addr), sock=client_sock
    )
    return proto.start


_SETUPS = {
    "asyncio_protocol_echo": _protocol,
    "asyncio_streams_echo": _streams,
    "asyncio_datagram_echo": _datagram,
}
