"""aiohttp's client and server on one asyncio loop in this process, 127.0.0.1, plain or TLS: a
large response streamed in chunks (chunked and with a length), a file served with the loop's
sendfile, a large streamed upload, concurrent requests over a small connection pool, and a read
timeout.  The loop's sockets are csocket's in the csocket run: the script records whose socket
type both ends' transports hold.
"""
import asyncio
import hashlib
import os
import ssl
import tempfile

import aiohttp
from aiohttp import web

from _integ import describe, main, payload, socket_base

STREAM = 48 * 1048576 + 7
FILE = 24 * 1048576 + 11
UPLOAD = 16 * 1048576 + 3
BLOCK = payload(1048576, seed=7)  # the server repeats it: the stream is cheap to make


def stream_bytes(size):
    """The stream the server sends, as slices of BLOCK (the client rebuilds the same digest)."""
    while size > 0:
        piece = BLOCK[: min(size, len(BLOCK) - 1)]  # odd slices: chunks never line up with 1 MiB
        size -= len(piece)
        yield piece


def expected_stream(size):
    h = hashlib.sha256()
    for piece in stream_bytes(size):
        h.update(piece)
    return h.hexdigest()[:16]


def make_app(state):
    async def stream(request):
        size = int(request.query["size"])
        state["server_socket"] = socket_base(request.transport.get_extra_info("socket"))
        resp = web.StreamResponse()
        if request.query.get("length"):
            resp.content_length = size
        await resp.prepare(request)
        for piece in stream_bytes(size):
            await resp.write(piece)
        await resp.write_eof()
        return resp

    async def upload(request):
        h, n = hashlib.sha256(), 0
        async for chunk in request.content.iter_chunked(65536):
            h.update(chunk)
            n += len(chunk)
        return web.json_response({"length": n, "digest": h.hexdigest()[:16]})

    async def peer(request):
        state.setdefault("peers", set()).add(request.transport.get_extra_info("peername"))
        return web.Response(body=payload(int(request.query["size"]), seed=8))

    async def file(request):
        state["server_socket"] = socket_base(request.transport.get_extra_info("socket"))
        return web.FileResponse(state["file"])

    async def slow(request):
        # Waits until the client has given up (or 10 s), so that no handler outlives the test.
        try:
            await asyncio.wait_for(state["client_gave_up"].wait(), 10)
        except asyncio.TimeoutError:
            pass
        return web.Response(text="late")

    app = web.Application(client_max_size=64 * 1048576)
    app.add_routes([web.get("/stream", stream), web.post("/upload", upload),
                    web.get("/peer", peer), web.get("/slow", slow), web.get("/file", file)])
    return app


def session(cfg, limit=100, timeout=None):
    """A client session that trusts this run's CA when the server speaks TLS."""
    ssl_ctx = ssl.create_default_context(cafile=cfg["ca"]) if cfg.get("tls") else True
    connector = aiohttp.TCPConnector(ssl=ssl_ctx, limit=limit)
    return aiohttp.ClientSession(connector=connector, timeout=timeout or aiohttp.ClientTimeout())


async def with_server(cfg, work, info, **state):
    """Serve the app on 127.0.0.1 (TLS if cfg says so) while `work(base_url, state)` runs."""
    state["client_gave_up"] = asyncio.Event()
    server_ctx = None
    if cfg.get("tls"):
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(cfg["cert"], cfg["key"])
    runner = web.AppRunner(make_app(state))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ctx)
    await site.start()
    port = runner.addresses[0][1]
    scheme = "https" if server_ctx else "http"
    try:
        return await work(f"{scheme}://127.0.0.1:{port}", state)
    finally:
        await runner.cleanup()
        if "server_socket" in state:
            info["server_socket"] = state["server_socket"]


async def read_stream(session, url, moved, info):
    async with session.get(url) as resp:
        info["client_socket"] = socket_base(resp.connection.transport.get_extra_info("socket"))
        h, n, chunks = hashlib.sha256(), 0, 0
        async for chunk in resp.content.iter_chunked(65536):
            h.update(chunk)
            n += len(chunk)
            chunks += 1
        moved.bytes_down += n
        return [resp.status, resp.headers.get("Transfer-Encoding"), n, h.hexdigest()[:16],
                chunks > 1]


def part_stream(cfg, moved, info):
    async def work(base, state):
        async with session(cfg) as client:
            chunked = await read_stream(client, f"{base}/stream?size={STREAM}", moved, info)
            sized = await read_stream(client, f"{base}/stream?size={STREAM}&length=1", moved,
                                      info)
        return {"chunked": chunked, "with_length": sized}
    return asyncio.run(with_server(cfg, work, info))


def part_file(cfg, moved, info):
    """A file served by FileResponse: the loop's sendfile on a plain connection, reads and writes
    through the TLS transport otherwise."""
    with tempfile.TemporaryDirectory(prefix="csocket-integ-aiohttp-") as d:
        path = os.path.join(d, "file")
        with open(path, "wb") as f:
            f.write(payload(FILE, seed=10))

        async def work(base, state):
            async with session(cfg) as client:
                return {"file": await read_stream(client, f"{base}/file", moved, info)}
        return asyncio.run(with_server(cfg, work, info, file=path))


def part_upload(cfg, moved, info):
    async def body():
        data = payload(UPLOAD, seed=9)
        for start in range(0, len(data), 100003):
            yield data[start:start + 100003]

    async def work(base, state):
        async with session(cfg) as client:
            async with client.post(f"{base}/upload", data=body()) as resp:
                moved.bytes_up += UPLOAD
                return {"status": resp.status, "server_saw": await resp.json()}
    return asyncio.run(with_server(cfg, work, info))


def part_concurrent(cfg, moved, info):
    """32 requests at once through a pool of 4 connections: every body intact, and no more
    connections than the pool allows."""
    sizes = [(i * 37_011) % 300_000 for i in range(32)]

    async def work(base, state):
        async with session(cfg, limit=4) as client:
            async def one(size):
                async with client.get(f"{base}/peer?size={size}") as resp:
                    body = await resp.read()
                    moved.bytes_down += len(body)
                    return [resp.status, len(body), body == payload(size, seed=8)]
            bodies = await asyncio.gather(*(one(size) for size in sizes))
        return {"bodies": bodies, "connections_within_pool": 1 <= len(state["peers"]) <= 4}
    return asyncio.run(with_server(cfg, work, info))


def part_timeout(cfg, moved, info):
    async def work(base, state):
        loop = asyncio.get_running_loop()
        async with session(cfg, timeout=aiohttp.ClientTimeout(sock_read=0.5)) as client:
            started = loop.time()
            try:
                async with client.get(f"{base}/slow") as resp:
                    await resp.read()
                result = {"raised": None}
            except Exception as e:  # noqa: BLE001 - the type is the result
                result = {"raised": describe(e), "within_5s": loop.time() - started < 5}
            state["client_gave_up"].set()
            async with client.get(f"{base}/peer?size=10") as resp:
                result["then"] = resp.status
            return result
    return asyncio.run(with_server(cfg, work, info))


if __name__ == "__main__":
    main({"stream": part_stream, "file": part_file, "upload": part_upload,
          "concurrent": part_concurrent, "timeout": part_timeout})
