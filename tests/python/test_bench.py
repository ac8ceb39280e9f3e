"""The benchmark instrument (bench/*.py, bench/*.c): that it measures what it says it does.

No test here judges a speed: they check that the peers serve, that every workload's loop runs on
both contenders in a fresh process, that the C client speaks its JSON, that processes are timed
out and their peak RSS read, and that the report computes ratios and targets correctly.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import csocket
from csocket import _csocket
from bench import report, runner
from bench.workloads import WORKLOADS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def c_bin(tmp_path_factory):
    """The C peer and client compiled as `make bench` does, or None without a C compiler."""
    cc = shutil.which(os.environ.get("CC", "cc"))
    if cc is None:
        return None
    out = tmp_path_factory.mktemp("bench-bin")
    for name in ("peer", "client"):
        subprocess.run([cc, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(out / name),
                        str(ROOT / "bench" / (name + ".c")), "-lpthread"], check=True)
    return out


@pytest.fixture(scope="module")
def peer(c_bin):
    p = runner.Peer(c_bin)
    yield p
    p.close()


@pytest.fixture
def python_peer():
    p = runner.Peer(None)
    yield p
    p.close()


def _exchange(peer):
    """Use every service of a peer once; return what each gave back."""
    got = {}
    with socket.create_connection(("127.0.0.1", peer.port("echo"))) as s:
        s.sendall(b"ping")
        got["echo"] = s.recv(16)
    with socket.create_connection(("127.0.0.1", peer.port("source"))) as s:
        got["source"] = len(s.recv(64))
    with socket.create_connection(("127.0.0.1", peer.port("sink"))) as s:
        got["sink"] = s.send(b"x" * 1000)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(b"dgram", ("127.0.0.1", peer.port("udp_echo")))
        got["udp_echo"] = s.recvfrom(64)[0]
    with socket.create_connection(("127.0.0.1", peer.port("accept"))) as s:
        s.shutdown(socket.SHUT_WR)  # the accept service closes once the client has
        s.settimeout(5)
        try:
            got["accept"] = s.recv(1)
        except ConnectionResetError:
            got["accept"] = b""
    return got


EXPECTED = {"echo": b"ping", "source": 64, "sink": 1000, "udp_echo": b"dgram", "accept": b""}


def test_python_peer_serves_every_service(python_peer):
    assert python_peer.kind == "python"
    assert _exchange(python_peer) == EXPECTED


def test_c_peer_serves_every_service(c_bin, peer):
    if c_bin is None:
        pytest.skip("no C compiler")
    assert peer.kind == "c"
    assert _exchange(peer) == EXPECTED


def _expect_na(workload, contender):
    return contender == "csocket" and any(not hasattr(_csocket, n) for n in workload.needs)


@pytest.mark.parametrize("contender", ["builtin", "csocket"])
@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_every_loop_runs_in_a_fresh_process(peer, workload, contender):
    argv = runner.python_argv(contender, workload.name, peer.port(workload.service)) + ["--count", "50"]
    outcome = runner.spawn(argv, timeout=60)
    if _expect_na(workload, contender):
        assert outcome.returncode == runner.NOT_AVAILABLE, outcome.err
        assert "_socket has no" in outcome.reason()
        return
    assert outcome.returncode == 0, outcome.err
    assert float(outcome.out.split()[-1]) > 0
    assert outcome.maxrss_kib > 1024  # a Python process, measured by the kernel


def test_worker_refuses_a_contender_it_is_not():
    outcome = runner.spawn([sys.executable, "-m", "bench.worker", "--contender", "csocket",
                            "--workload", "socket_close", "--count", "1"])
    assert outcome.returncode != 0
    assert "not installed" in outcome.err


def test_c_client_prints_pyperf_shaped_json(c_bin, peer):
    if c_bin is None:
        pytest.skip("no C compiler")
    outcome = runner.spawn([str(c_bin / "client"), "recv_into_64", "--port", str(peer.port("source")),
                            "--loops", "100", "--warmups", "1", "--values", "2"])
    assert outcome.returncode == 0, outcome.err
    data = json.loads(outcome.out)
    assert data["loops"] == 100 and len(data["values"]) == 2 and data["warmups"][0][0] == 100
    assert all(v > 0 for v in data["values"])
    na = runner.spawn([str(c_bin / "client"), "settimeout_same"])
    assert na.returncode == runner.NOT_AVAILABLE and na.reason() == "no C equivalent"


def test_spawn_reads_peak_rss_and_kills_on_timeout():
    big = runner.spawn([sys.executable, "-c", "b = bytearray(64 << 20); b[::4096] = b'x' * (16384)"])
    assert big.returncode == 0 and big.maxrss_kib >= 64 * 1024
    slow = runner.spawn([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert slow.returncode == -9


def test_end_to_end_one_workload():
    pytest.importorskip("pyperf")
    settings = {"rounds": 2, "values": 1, "warmups": 0, "min_time": 0.005, "cpus": "same"}
    logged = []
    doc, suites = runner.run(runner.selected("settimeout"), ["builtin", "csocket"], settings, "quick",
                             force_python_peer=True, log=lambda *a, **k: logged.append(a))
    (w,) = doc["workloads"]
    assert w["name"] == "settimeout_same" and doc["peer"] == "python"
    for contender in ("builtin", "csocket"):
        cell = w["results"][contender]
        assert cell["processes"] == 2 and cell["ops_min"] <= cell["ops_median"] <= cell["ops_max"]
        assert cell["peak_rss_kib"] > 0
    assert "na" in w["results"]["c"]
    assert set(suites) == {"builtin", "csocket"}
    assert any("\n".join(report.table(doc)).count(s) for s in ("settimeout",))


def _doc(**ops):
    """A result document with the given csocket/built-in/C medians per workload name."""
    workloads = []
    for name, (bi, cs, c, target) in ops.items():
        results = {}
        for contender, v in (("builtin", bi), ("csocket", cs), ("c", c)):
            results[contender] = ({"ops_median": v, "ops_min": v * 0.9, "ops_max": v * 1.1,
                                   "peak_rss_kib": 20000 + (500 if contender == "csocket" else 0)}
                                  if v else {"na": "missing"})
        workloads.append({"name": name, "title": name, "service": None, "target": target,
                          "results": results})
    return {"schema": 1, "date": "2024-01-01T00:00:00", "mode": "quick", "peer": "c",
            "csocket_version": csocket.__version__,
            "settings": {"rounds": 1, "values": 1, "min_time": 0.1, "cpus": "same"},
            "machine": {"cpu": "cpu", "cpus": 2, "system": "sys", "libc": "glibc", "python": "CPython"},
            "workloads": workloads}


def test_report_ratios_and_targets():
    doc = _doc(recv_into_64_timeout=(1e6, 2e6, 3e6, 2.0), sendall_64=(1e6, 0.98e6, 1e6, 1.0),
               socket_close=(1e6, 0.9e6, 2e6, 1.0), recv_262144=(1e5, 5e5, 6e5, 4.0),
               recv_4096=(4e5, 5.2e5, 6e5, 1.0), inet_pton_ntop=(1e6, None, 2e6, 1.0))
    lines = "\n".join(report.table(doc))
    assert "2.00x" in lines and "0.67x" in lines and "inet_pton_ntop / csocket n/a: missing" in lines
    status = {what: (s, v) for s, what, v, goal in report.targets(doc)}
    assert status["recv_into_64_timeout: csocket/built-in"][0] == "PASS"
    assert status["sendall_64: csocket/built-in"][0] == "NOISE"
    assert status["socket_close: csocket/built-in"][0] == "FAIL"
    assert status["inet_pton_ntop: csocket/built-in"][0] == "n/a"
    assert status["csocket recv_262144 / recv_4096"] == ("PASS", pytest.approx(5e5 / 5.2e5))
    assert status["sendall_64: csocket/C limit"] == ("PASS", pytest.approx(0.98))
    rss = [v for s, what, v, goal in report.targets(doc) if "RSS" in what][0]
    assert rss == pytest.approx(500 / 1024)


def test_report_chart_is_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    # In a child: matplotlib keeps its font files open for the life of the process.
    doc, path = tmp_path / "doc.json", tmp_path / "chart.png"
    doc.write_text(json.dumps(_doc(a=(1e6, 2e6, 3e6, 2.0), b=(1e6, 0.5e6, None, 1.0))))
    code = "import json, sys; from bench import report; " \
           "sys.exit(not report.chart(json.load(open(sys.argv[1])), sys.argv[2]))"
    outcome = runner.spawn([sys.executable, "-c", code, str(doc), str(path)])
    assert outcome.returncode == 0, outcome.err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_selected():
    assert [w.name for w in runner.selected("recvfrom")] == ["recvfrom_262144", "recvfrom_4096"]
    assert len(runner.selected("")) == len(WORKLOADS)
    with pytest.raises(SystemExit):
        runner.selected("no_such_workload")
