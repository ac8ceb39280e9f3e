"""Load: an asyncio echo server and asyncio clients hold 10,000 concurrent loopback connections,
each exchanging messages for a bounded time, first over the built-in module and then over
csocket (server and clients alike), in the same run.

  - no error anywhere, and every message comes back whole and in order (nothing lost);
  - memory per connection over csocket is within 1 KiB of the built-in module's, for the server
    and for the clients: RSS growth from before the first connection to all connections held
    (after a round of messages and a gc.collect()), divided by the connections.
Clients are several processes, each binding its own 127.0.0.x source address, so ephemeral ports
never run short; every process raises its own RLIMIT_NOFILE.  Loopback only.

    python tests/stress/load.py      (CSOCKET_LOAD_CONNECTIONS=10000, CSOCKET_LOAD_SECONDS=20,
                                      CSOCKET_LOAD_CLIENTS=4)
Prints one line per module and a comparison; exits non-zero on any failure.
"""
import asyncio
import gc
import json
import os
import random
import resource
import struct
import subprocess
import sys
import time

CONNECTIONS = int(os.environ.get("CSOCKET_LOAD_CONNECTIONS", "10000"))
SECONDS = float(os.environ.get("CSOCKET_LOAD_SECONDS", "20"))
CLIENTS = int(os.environ.get("CSOCKET_LOAD_CLIENTS", "4"))
HEADER = struct.Struct("!II")  # length of the payload, sequence number


def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def settled_rss():
    gc.collect()
    return rss()


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, max(hard, n)))


def module_name():
    import socket
    return socket._socket.__name__


def say(obj):
    print(json.dumps(obj), flush=True)


# ---- the server ---------------------------------------------------------------------------------

class Echo(asyncio.Protocol):
    stats = {"connections": 0, "open": 0, "bytes": 0, "errors": 0}

    def connection_made(self, transport):
        self.transport = transport
        Echo.stats["connections"] += 1
        Echo.stats["open"] += 1

    def data_received(self, data):
        Echo.stats["bytes"] += len(data)
        self.transport.write(data)

    def connection_lost(self, exc):
        Echo.stats["open"] -= 1
        if exc is not None:
            Echo.stats["errors"] += 1


async def serve():
    raise_nofile(CONNECTIONS + 1000)
    loop = asyncio.get_running_loop()
    base = settled_rss()
    server = await loop.create_server(Echo, "127.0.0.1", 0, backlog=4096)
    say({"port": server.sockets[0].getsockname()[1], "module": module_name(), "rss": base})
    # Commands on stdin: "measure" (report RSS now), "stop".
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = (await reader.readline()).decode().strip()
        if line == "measure":
            say({"rss": settled_rss(), "open": Echo.stats["open"]})
        elif line in ("stop", ""):
            break
    server.close()
    await server.wait_closed()
    say({"stats": Echo.stats})


# ---- a client process ---------------------------------------------------------------------------

class Conn(asyncio.Protocol):
    def __init__(self, client):
        self.client = client
        self.buf = bytearray()
        self.pending = []  # (seq, payload) sent, not yet echoed
        self.seq = 0
        self.waiter = None

    def connection_made(self, transport):
        self.transport = transport

    def send(self, rng):
        payload = rng.randbytes(rng.randint(1, 1024))
        self.seq += 1
        self.pending.append((self.seq, payload))
        self.transport.write(HEADER.pack(len(payload), self.seq) + payload)
        self.client.stats["sent"] += 1

    def data_received(self, data):
        self.buf += data
        while len(self.buf) >= HEADER.size:
            n, seq = HEADER.unpack_from(self.buf)
            if len(self.buf) < HEADER.size + n:
                break
            payload = bytes(self.buf[HEADER.size:HEADER.size + n])
            del self.buf[:HEADER.size + n]
            want = self.pending.pop(0) if self.pending else None
            if want != (seq, payload):
                self.client.stats["mismatches"] += 1
            else:
                self.client.stats["echoed"] += 1
            if not self.pending and self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(None)

    def connection_lost(self, exc):
        if exc is not None or self.client.closing is False:
            self.client.stats["errors"] += 1
            self.client.errors.append(repr(exc))

    async def drained(self):
        if self.pending:
            self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter


class Client:
    def __init__(self, index, port, count):
        self.index, self.port, self.count = index, port, count
        self.stats = {"connected": 0, "sent": 0, "echoed": 0, "mismatches": 0, "errors": 0}
        self.errors = []
        self.conns = []
        self.closing = False

    async def connect_all(self):
        loop = asyncio.get_running_loop()
        source = "127.0.0.%d" % (10 + self.index)
        limit = asyncio.Semaphore(200)

        async def one():
            async with limit:
                _, proto = await loop.create_connection(lambda: Conn(self), "127.0.0.1",
                                                        self.port, local_addr=(source, 0))
                self.conns.append(proto)
                self.stats["connected"] += 1
        await asyncio.gather(*(one() for _ in range(self.count)))

    async def exchange(self, seconds):
        """Every connection sends a message about every second, and a last round at the end."""
        end = time.monotonic() + seconds

        async def talk(conn, rng):
            await asyncio.sleep(rng.uniform(0, 1))
            while time.monotonic() < end:
                conn.send(rng)
                if rng.random() < 0.3:
                    conn.send(rng)  # two in flight now and then
                await asyncio.sleep(rng.uniform(0.5, 1.5))
            await asyncio.wait_for(conn.drained(), 30)
        await asyncio.gather(*(talk(c, random.Random(i)) for i, c in enumerate(self.conns)))

    async def one_round(self):
        rng = random.Random(self.index)
        for c in self.conns:
            c.send(rng)
        await asyncio.wait_for(asyncio.gather(*(c.drained() for c in self.conns)), 60)


async def client_main(index, port, count):
    raise_nofile(count + 1000)
    client = Client(index, port, count)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    base = settled_rss()
    say({"module": module_name(), "rss": base})
    await client.connect_all()
    await client.one_round()
    say({"connected": client.stats["connected"], "rss": settled_rss()})
    await reader.readline()  # "go"
    await client.exchange(SECONDS)
    client.closing = True
    for c in client.conns:
        c.transport.close()
    await asyncio.sleep(0.5)
    say({"stats": client.stats, "errors": client.errors[:5]})


# ---- the run ------------------------------------------------------------------------------------

def spawn(use_csocket, *args):
    python = [sys.executable] + (["-m", "csocket", "run"] if use_csocket else [])
    return subprocess.Popen(python + [os.path.abspath(__file__)] + list(args),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def read(proc):
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("a child process ended early (exit %s)" % proc.wait())
    return json.loads(line)


def run_once(use_csocket):
    t0 = time.monotonic()
    server = spawn(use_csocket, "server")
    hello = read(server)
    per_client = [CONNECTIONS // CLIENTS + (i < CONNECTIONS % CLIENTS) for i in range(CLIENTS)]
    clients = [spawn(use_csocket, "client", str(i), str(hello["port"]), str(n))
               for i, n in enumerate(per_client)]
    client_base = [read(c)["rss"] for c in clients]
    held = [read(c) for c in clients]
    ramp = time.monotonic() - t0
    server.stdin.write("measure\n")
    server.stdin.flush()
    server_held = read(server)
    for c in clients:
        c.stdin.write("go\n")
        c.stdin.flush()
    reports = [read(c) for c in clients]
    for c in clients:
        c.wait(60)
    server.stdin.write("stop\n")
    server.stdin.flush()
    server_stats = read(server)["stats"]
    server.wait(60)
    connected = sum(h["connected"] for h in held)
    totals = {k: sum(r["stats"][k] for r in reports) for k in reports[0]["stats"]}
    return {
        "module": hello["module"],
        "connected": connected,
        "server_open": server_held["open"],
        "server_per_conn": (server_held["rss"] - hello["rss"]) / connected,
        "clients_per_conn": sum(h["rss"] - b for h, b in zip(held, client_base)) / connected,
        "totals": totals,
        "server_errors": server_stats["errors"],
        "errors": [e for r in reports for e in r["errors"]],
        "ramp_s": ramp,
        "total_s": time.monotonic() - t0,
    }


def main():
    results = [run_once(False), run_once(True)]
    failures = []
    for r in results:
        t = r["totals"]
        print("load [%s]: %d connections held (server saw %d open), ramp %.1f s, %d messages sent,"
              " %d echoed, %d mismatched, %d errors (server %d); memory per connection: server "
              "%.0f B, clients %.0f B; %.0f s"
              % (r["module"], r["connected"], r["server_open"], r["ramp_s"], t["sent"], t["echoed"],
                 t["mismatches"], t["errors"], r["server_errors"], r["server_per_conn"],
                 r["clients_per_conn"], r["total_s"]))
        if r["connected"] != CONNECTIONS or r["server_open"] != CONNECTIONS:
            failures.append("%s: not every connection was held" % r["module"])
        if t["sent"] != t["echoed"] or t["mismatches"] or t["errors"] or r["server_errors"]:
            failures.append("%s: lost, mismatched or failed messages %r %r"
                            % (r["module"], t, r["errors"][:3]))
    builtin, csock = results
    for key in ("server_per_conn", "clients_per_conn"):
        diff = csock[key] - builtin[key]
        print("load: %s csocket - built-in = %+.0f B per connection" % (key, diff))
        if diff > 1024:
            failures.append("%s: csocket uses %.0f B more per connection" % (key, diff))
    for f in failures:
        print("load FAILURE:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    role = sys.argv[1] if len(sys.argv) > 1 else "run"
    if role == "server":
        asyncio.run(serve())
    elif role == "client":
        asyncio.run(client_main(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    else:
        sys.exit(main())
