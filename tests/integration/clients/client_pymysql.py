"""PyMySQL against MariaDB on 127.0.0.1 (or its AF_UNIX socket): connect, create, insert and select a few thousand rows
(batched and one by one, buffered and streamed), a single 8 MiB value both ways, and a query that
outlasts the read timeout.  Each run works in a database of its own, named after its module.
"""
import time

import pymysql
import pymysql.cursors

from _integ import describe, digest, main, payload

ROWS_BATCHED = 5000  # executemany: PyMySQL packs them into a few multi-row INSERTs
ROWS_SINGLE = 300  # one INSERT, one round trip each
BIG = 8 * 1048576 + 5


def _connect(cfg, **kw):
    """A connection over TCP to 127.0.0.1, or over the server's AF_UNIX socket if cfg says so."""
    kw.setdefault("read_timeout", 60)
    where = {"unix_socket": cfg["unix_socket"]} if cfg.get("unix_socket") else {}
    return pymysql.connect(host="127.0.0.1", port=cfg["port"], user="csocket", password="",
                           connect_timeout=10, write_timeout=60, charset="utf8mb4", **where,
                           **kw)


def _database(cur, cfg):
    # 'csk_builtin' and 'csk_csocket' have the same length: the protocol bytes stay comparable.
    name = f"csk_{cfg['backend']}"
    cur.execute(f"DROP DATABASE IF EXISTS {name}")
    cur.execute(f"CREATE DATABASE {name}")
    cur.execute(f"USE {name}")


def _wire(cur, moved):
    """The session's protocol bytes as the server counted them."""
    cur.execute("SHOW SESSION STATUS WHERE Variable_name IN ('Bytes_received', 'Bytes_sent')")
    status = dict(cur.fetchall())
    moved.bytes_up += int(status["Bytes_received"])
    moved.bytes_down += int(status["Bytes_sent"])


def _row(i):
    return (i, f"item-{i}", payload(i % 1500, seed=i), i / 7.0)


def part_rows(cfg, moved, info):
    result = {}
    conn = _connect(cfg)
    with conn:
        result["family"] = conn._sock.family.name
        cur = conn.cursor()
        _database(cur, cfg)
        cur.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(64), payload BLOB,"
                    " ratio DOUBLE) ENGINE=InnoDB")
        result["batched"] = cur.executemany(
            "INSERT INTO items VALUES (%s, %s, %s, %s)", [_row(i) for i in range(ROWS_BATCHED)])
        single = 0
        for i in range(ROWS_BATCHED, ROWS_BATCHED + ROWS_SINGLE):
            single += cur.execute("INSERT INTO items VALUES (%s, %s, %s, %s)", _row(i))
        result["single"] = single
        conn.commit()
        moved.rows_inserted += result["batched"] + single

        cur.execute("SELECT id, name, payload, ratio FROM items ORDER BY id")
        rows = cur.fetchall()
        moved.rows_selected += len(rows)
        result["buffered"] = [len(rows), digest(repr(rows).encode()),
                              rows == tuple(_row(i) for i in range(len(rows)))]

        # Streamed (unbuffered) cursor: rows come off the socket as they are fetched.
        with conn.cursor(pymysql.cursors.SSCursor) as stream:
            stream.execute("SELECT payload FROM items WHERE id % 3 = 0 ORDER BY id")
            count = size = 0
            for (value,) in stream:
                count += 1
                size += len(value)
        moved.rows_selected += count
        result["streamed"] = [count, size]

        result["updated"] = cur.execute("UPDATE items SET ratio = -ratio WHERE id % 7 = 0")
        result["deleted"] = cur.execute(f"DELETE FROM items WHERE id >= {ROWS_BATCHED}")
        conn.commit()
        cur.execute("SELECT COUNT(*), SUM(LENGTH(payload)), SUM(ratio < 0) FROM items")
        result["aggregate"] = [int(v) for v in cur.fetchone()]
        cur.execute(f"DROP DATABASE csk_{cfg['backend']}")
        _wire(cur, moved)
    return result


def part_big_value(cfg, moved, info):
    """One 8 MiB value in one protocol packet each way."""
    conn = _connect(cfg)
    with conn:
        cur = conn.cursor()
        _database(cur, cfg)
        cur.execute("CREATE TABLE blobs (id INT PRIMARY KEY, value LONGBLOB)")
        value = payload(BIG, seed=4)
        inserted = cur.execute("INSERT INTO blobs VALUES (1, %s)", (value,))
        conn.commit()
        moved.rows_inserted += inserted
        cur.execute("SELECT value, LENGTH(value), SHA2(value, 256) FROM blobs WHERE id = 1")
        got, length, sha = cur.fetchone()
        moved.rows_selected += 1
        cur.execute(f"DROP DATABASE csk_{cfg['backend']}")
        _wire(cur, moved)
        return {"inserted": inserted, "length": length, "read_back": [len(got), digest(got)],
                "same": got == value, "server_sha_prefix": sha[:16]}


def part_timeout(cfg, moved, info):
    """SELECT SLEEP(5) with a 0.5 s read timeout: PyMySQL must give up, and a new connection must
    then find the sleeping query and end it."""
    conn = _connect(cfg, read_timeout=0.5)
    started = time.monotonic()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT SLEEP(5) AS csocket_sleep")
        result = {"raised": None}
    except pymysql.MySQLError as e:
        result = {"raised": describe(e), "code": e.args[0],
                  "within_5s": time.monotonic() - started < 5}
    finally:
        if conn.open:
            conn.close()
    result["closed"] = not conn.open
    with _connect(cfg) as admin, admin.cursor() as cur:
        cur.execute("SELECT ID FROM information_schema.PROCESSLIST"
                    " WHERE INFO LIKE 'SELECT SLEEP(5) AS csocket_sleep%'")
        ids = [row[0] for row in cur.fetchall()]
        for thread_id in ids:
            cur.execute(f"KILL QUERY {int(thread_id)}")
        result["sleeping_queries_found"] = len(ids)
    return result


if __name__ == "__main__":
    main({"rows": part_rows, "big_value": part_big_value, "timeout": part_timeout})
