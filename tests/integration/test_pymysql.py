"""PyMySQL against a MariaDB server in a temporary data directory, on both socket modules."""
import pytest

import _integ
from client_pymysql import BIG, ROWS_BATCHED, ROWS_SINGLE


@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_rows(transport, mariadb, run_both):
    unix_socket = mariadb.unix_socket if transport == "unix" else None
    builtin, _ = run_both("client_pymysql.py", {"part": "rows", "port": mariadb.port,
                                                "unix_socket": unix_socket})
    result = builtin["result"]
    assert result["family"] == ("AF_UNIX" if unix_socket else "AF_INET")
    total = ROWS_BATCHED + ROWS_SINGLE
    assert result["batched"] == ROWS_BATCHED and result["single"] == ROWS_SINGLE
    count, _digest, same = result["buffered"]
    assert count == total and same, "the rows read back are not the rows written"
    assert result["streamed"][0] == len(range(0, total, 3))
    assert result["deleted"] == ROWS_SINGLE
    assert result["aggregate"][0] == ROWS_BATCHED
    assert builtin["moved"]["rows_inserted"] == total


def test_big_value(mariadb, run_both):
    builtin, _ = run_both("client_pymysql.py", {"part": "big_value", "port": mariadb.port})
    result = builtin["result"]
    value = _integ.payload(BIG, seed=4)
    assert result["same"] and result["length"] == BIG
    assert result["read_back"] == [BIG, _integ.digest(value)]


def test_read_timeout(mariadb, run_both):
    builtin, _ = run_both("client_pymysql.py", {"part": "timeout", "port": mariadb.port})
    result = builtin["result"]
    assert result["raised"] and result["raised"][0] == "pymysql.err.OperationalError", result
    assert result["code"] == 2013  # CR_SERVER_LOST: "Lost connection ... (timed out)"
    assert result["within_5s"] and result["closed"]
    assert result["sleeping_queries_found"] == 1
