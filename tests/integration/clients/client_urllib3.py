"""urllib3 against nginx over TLS: GET and POST of bodies from 0 B to several MiB, keep-alive
reuse (nginx's connection numbers and the pool's own count), a read timeout that fires, a refused
connection.  Retries are off so that each failure is the first one, as raised.
"""
import time

import urllib3

from _http import (run_steps, step_addresses, step_get, step_keepalive, step_post,
                   step_stale)
from _integ import describe, main


def _pool(cfg):
    return urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs=cfg["ca"], retries=False,
                               timeout=urllib3.Timeout(30.0))


class _Response:
    """A urllib3 response seen through the names the shared steps use."""

    def __init__(self, r):
        self.status_code, self.content, self.headers = r.status, r.data, r.headers

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")


def part_transfer(step):
    def part(cfg, moved, info):
        with _pool(cfg) as http:
            send = lambda m, u, b: _Response(http.request(m, u, body=b))  # noqa: E731
            result = run_steps(cfg, moved, step, send, time.sleep)
            result["pool_connections"] = http.connection_from_url(cfg["base"]).num_connections
            return result
    return part


def _attempt(do):
    started = time.monotonic()
    try:
        do()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return {"raised": describe(e), "within_5s": time.monotonic() - started < 5}
    return {"raised": None}


def part_failure(path, read_timeout):
    """A request that must fail (a read timeout that fires, a connection nginx drops without an
    answer), after which the pool must serve the next request."""
    def part(cfg, moved, info):
        with _pool(cfg) as http:
            timeout = urllib3.Timeout(connect=10.0, read=read_timeout)
            result = _attempt(lambda: http.request("GET", f"{cfg['base']}{path}", timeout=timeout))
            result["then"] = http.request("GET", f"{cfg['base']}/data/1400").status
            return result
    return part


def part_refused(cfg, moved, info):
    with _pool(cfg) as http:
        return _attempt(lambda: http.request("GET", f"https://127.0.0.1:{cfg['refused_port']}/"))


if __name__ == "__main__":
    main({"get": part_transfer(step_get), "post": part_transfer(step_post),
          "keepalive": part_transfer(step_keepalive), "stale": part_transfer(step_stale),
          "addresses": part_transfer(step_addresses),
          "timeout": part_failure("/slow", 0.5),  # nginx sends /slow at one byte a second
          "dropped": part_failure("/drop", 10.0), "refused": part_refused})
