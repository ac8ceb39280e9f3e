"""The HTTP steps every HTTP client script runs against nginx, written once: each step is a
generator that yields the requests it wants sent (method, url, body) and receives the responses
(anything with status_code, content, text and headers), so sync and async clients of different
libraries run the very same sequence and report the very same result shape.
"""
import os

from _integ import digest, payload

# The keep-alive sequence: GETs and POSTs mixed on one client, each body read to the end.
KEEPALIVE = [("GET", 1400), ("POST", 65537), ("GET", 0), ("GET", 1048576), ("POST", 0),
             ("GET", 16384)]


def _stored(response):
    """Size and digest of the body nginx stored for a POST (it names the file)."""
    path = response.headers.get("x-body-file")
    with open(path, "rb") as f:
        data = f.read()
    os.unlink(path)
    return len(data), digest(data)


def _conn(response):
    return int(response.headers["x-conn"]), int(response.headers["x-conn-requests"])


# Each step is a generator: it yields the requests it wants sent, receives the responses and
# returns its result, so the sync and the async client run the very same steps.

def step_get(cfg, moved):
    rows = []
    for size in cfg["sizes"]:
        r = yield ("GET", f"{cfg['base']}/data/{size}", None)
        moved.bytes_down += len(r.content)
        rows.append([size, r.status_code, len(r.content), digest(r.content)])
    return {"get": rows}


def step_post(cfg, moved):
    rows = []
    for size in cfg["sizes"]:
        body = payload(size, seed=1)
        r = yield ("POST", f"{cfg['base']}/upload", body)
        moved.bytes_up += size
        rows.append([size, r.status_code, r.text, *_stored(r)])
    return {"post": rows}


def step_keepalive(cfg, moved):
    conns, counts, statuses = set(), [], []
    for method, size in KEEPALIVE:
        if method == "GET":
            r = yield ("GET", f"{cfg['base']}/data/{size}", None)
            moved.bytes_down += len(r.content)
        else:
            r = yield ("POST", f"{cfg['base']}/upload", payload(size, seed=1))
            moved.bytes_up += size
            _stored(r)
        conn, count = _conn(r)
        conns.add(conn)
        counts.append(count)
        statuses.append(r.status_code)
    return {"statuses": statuses, "connections": len(conns), "requests_on_connection": counts}


def run_steps(cfg, moved, step, send):
    gen = step(cfg, moved)
    response = None
    while True:
        try:
            request = gen.send(response)
        except StopIteration as done:
            return done.value
        response = send(*request)
