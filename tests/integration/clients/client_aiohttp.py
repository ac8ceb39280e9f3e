"""aiohttp's client and server on one asyncio loop in this process, 127.0.0.1: a large response
streamed in chunks (chunked and with a length), a large streamed upload, concurrent requests
over a small connection pool, and a read timeout.  The loop's sockets are csocket's in the
csocket run: the script records whose socket type both ends' transports hold.
"""
import asyncio
import hashlib

import aiohttp
from aiohttp import web

from _integ import describe, digest, main, payload, socket_base

STREAM = 48 * 1048576 + 7
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

    async def slow(request):
        # Waits until the client has given up (or 10 s), so that no handler outlives the test.
        try:
            await asyncio.wait_for(state["client_gave_up"].wait(), 10)
        except asyncio.TimeoutError:
            pass
        return web.Response(text="late")

    app = web.Application(client_max_size=64 * 1048576)
    app.add_routes([web.get("/stream", stream), web.post("/upload", upload),
                    web.get("/peer", peer), web.get("/slow", slow)])
    return app


async def with_server(work, info):
    state = {"client_gave_up": asyncio.Event()}
    runner = web.AppRunner(make_app(state))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        return await work(f"http://127.0.0.1:{port}", state)
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
        async with aiohttp.ClientSession() as session:
            chunked = await read_stream(session, f"{base}/stream?size={STREAM}", moved, info)
            sized = await read_stream(session, f"{base}/stream?size={STREAM}&length=1", moved,
                                      info)
        return {"chunked": chunked, "with_length": sized}
    return asyncio.run(with_server(work, info))


def part_upload(cfg, moved, info):
    async def body():
        data = payload(UPLOAD, seed=9)
        for start in range(0, len(data), 100003):
            yield data[start:start + 100003]

    async def work(base, state):
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base}/upload", data=body()) as resp:
                moved.bytes_up += UPLOAD
                return {"status": resp.status, "server_saw": await resp.json()}
    return asyncio.run(with_server(work, info))


def part_concurrent(cfg, moved, info):
    """32 requests at once through a pool of 4 connections: every body intact, and no more
    connections than the pool allows."""
    sizes = [(i * 37_011) % 300_000 for i in range(32)]

    async def work(base, state):
        connector = aiohttp.TCPConnector(limit=4)
        async with aiohttp.ClientSession(connector=connector) as session:
            async def one(size):
                async with session.get(f"{base}/peer?size={size}") as resp:
                    body = await resp.read()
                    moved.bytes_down += len(body)
                    return [resp.status, len(body), digest(body) ==
                            digest(payload(size, seed=8))]
            bodies = await asyncio.gather(*(one(size) for size in sizes))
        return {"bodies": bodies, "connections_within_pool": 1 <= len(state["peers"]) <= 4}
    return asyncio.run(with_server(work, info))


def part_timeout(cfg, moved, info):
    async def work(base, state):
        timeout = aiohttp.ClientTimeout(total=None, sock_read=0.5)
        loop = asyncio.get_running_loop()
        async with aiohttp.ClientSession(timeout=timeout) as session:
            started = loop.time()
            try:
                async with session.get(f"{base}/slow") as resp:
                    await resp.read()
                result = {"raised": None}
            except Exception as e:  # noqa: BLE001 - the type is the result
                result = {"raised": describe(e), "within_5s": loop.time() - started < 5}
            state["client_gave_up"].set()
            async with session.get(f"{base}/peer?size=10") as resp:
                result["then"] = resp.status
            return result
    return asyncio.run(with_server(work, info))


if __name__ == "__main__":
    main({"stream": part_stream, "upload": part_upload, "concurrent": part_concurrent,
          "timeout": part_timeout})
