"""httpx, sync (cfg mode "sync") or async ("async"), against nginx over TLS: GET and POST of
bodies from 0 B to several MiB, keep-alive reuse, a read timeout that fires, a refused connection.
"""
import asyncio
import ssl
import time

import httpx

from _http import (run_steps, step_addresses, step_get, step_keepalive, step_post,
                   step_stale)
from _integ import describe, main


def _client_kwargs(cfg, **extra):
    ctx = ssl.create_default_context(cafile=cfg["ca"])
    return dict(verify=ctx, timeout=httpx.Timeout(30.0), **extra)


async def arun_steps(cfg, moved, step, send):
    """_http.run_steps for a coroutine `send`."""
    gen = step(cfg, moved)
    response = None
    while True:
        try:
            request = gen.send(response)
        except StopIteration as done:
            return done.value
        if request[0] == "SLEEP":
            response = await asyncio.sleep(request[1])
        else:
            response = await send(*request)


def part_transfer(step):
    def part(cfg, moved, info):
        if cfg["mode"] == "sync":
            with httpx.Client(**_client_kwargs(cfg)) as client:
                send = lambda m, u, b: client.request(m, u, content=b)  # noqa: E731
                return run_steps(cfg, moved, step, send, time.sleep)

        async def go():
            async with httpx.AsyncClient(**_client_kwargs(cfg)) as client:
                async def send(m, u, b):
                    return await client.request(m, u, content=b)
                return await arun_steps(cfg, moved, step, send)
        return asyncio.run(go())
    return part


def _attempt(do):
    """Run a request expected to fail: the exception chain and whether it came within 5 s."""
    started = time.monotonic()
    try:
        do()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return {"raised": describe(e), "within_5s": time.monotonic() - started < 5}
    return {"raised": None}


async def _aattempt(do):
    started = time.monotonic()
    try:
        await do()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return {"raised": describe(e), "within_5s": time.monotonic() - started < 5}
    return {"raised": None}


def part_failure(path, read_timeout):
    """A request that must fail (a read timeout that fires, a connection nginx drops without an
    answer), after which the same client must serve the next request."""
    def part(cfg, moved, info):
        timeout = httpx.Timeout(10.0, read=read_timeout)
        url, after = f"{cfg['base']}{path}", f"{cfg['base']}/data/1400"
        if cfg["mode"] == "sync":
            with httpx.Client(**_client_kwargs(cfg)) as client:
                result = _attempt(lambda: client.get(url, timeout=timeout))
                result["then"] = client.get(after).status_code
                return result

        async def go():
            async with httpx.AsyncClient(**_client_kwargs(cfg)) as client:
                result = await _aattempt(lambda: client.get(url, timeout=timeout))
                result["then"] = (await client.get(after)).status_code
                return result
        return asyncio.run(go())
    return part


def part_refused(cfg, moved, info):
    url = f"https://127.0.0.1:{cfg['refused_port']}/"
    if cfg["mode"] == "sync":
        with httpx.Client(**_client_kwargs(cfg)) as client:
            return _attempt(lambda: client.get(url))

    async def go():
        async with httpx.AsyncClient(**_client_kwargs(cfg)) as client:
            return await _aattempt(lambda: client.get(url))
    return asyncio.run(go())


if __name__ == "__main__":
    main({"get": part_transfer(step_get), "post": part_transfer(step_post),
          "keepalive": part_transfer(step_keepalive), "stale": part_transfer(step_stale),
          "addresses": part_transfer(step_addresses),
          "timeout": part_failure("/slow", 0.5),  # nginx sends /slow at one byte a second
          "dropped": part_failure("/drop", 10.0), "refused": part_refused})
