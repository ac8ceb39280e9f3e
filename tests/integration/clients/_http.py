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


def step_stale(cfg, moved):
    """A pooled connection that nginx closed while idle: the next request must notice it and go
    out on a new connection, not fail and not hang."""
    first = yield ("GET", f"{cfg['base']}/short/1400", None)
    yield ("SLEEP", 1.0, None)  # nginx closes the connection after 300 ms idle
    second = yield ("GET", f"{cfg['base']}/data/1400", None)
    moved.bytes_down += len(first.content) + len(second.content)
    return {"statuses": [first.status_code, second.status_code],
            "same_connection": _conn(first)[0] == _conn(second)[0],
            "requests_on_new_connection": _conn(second)[1]}


def step_addresses(cfg, moved):
    """The same GET and POST through 127.0.0.1, the name localhost (from /etc/hosts) and ::1:
    what nginx saw as the client's address, and the bodies both ways."""
    rows = []
    for host in ("127.0.0.1", "localhost", "[::1]"):
        base = cfg["base"].replace("127.0.0.1", host)
        got = yield ("GET", f"{base}/data/65537", None)
        stored = yield ("POST", f"{base}/upload", payload(16384, seed=1))
        moved.bytes_down += len(got.content)
        moved.bytes_up += 16384
        rows.append([host, got.status_code, digest(got.content), got.headers["x-remote-addr"],
                     stored.status_code, *_stored(stored)])
    return {"addresses": rows}


def run_steps(cfg, moved, step, send, sleep):
    gen = step(cfg, moved)
    response = None
    while True:
        try:
            request = gen.send(response)
        except StopIteration as done:
            return done.value
        response = sleep(request[1]) if request[0] == "SLEEP" else send(*request)
