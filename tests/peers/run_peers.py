"""make test-peers: other projects' own test suites, run on the built-in _socket and on csocket.

Each suite comes from its sdist at the version installed in this venv (the `peers` extra, as pip
resolved it), unpacked under build/peers/, and runs with its own pytest settings (gevent with its
own runner's way: one interpreter per file) twice, in one venv: the built-in module, then
CSOCKET=1.  Every run is inside tests/peers/in_netns.sh (a network namespace holding only lo).
The two JUnit XML files are compared test by test; a test that fails, errors or is skipped only
under csocket is run again 3 times each way, and is a csocket-only failure when it goes wrong
again under csocket and never under the built-in module.  Exit status 1 if there is one.

Usage: python tests/peers/run_peers.py [SUITE...]      (anyio gevent httpx aiohttp; default all)
"""
import collections
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(ROOT, "build", "peers")
NETNS = os.path.join(HERE, "in_netns.sh")
PY = sys.executable
RERUNS = 3
BAD = ("failure", "error", "skipped")


class Suite:
    """dist: the PyPI name; paths: what to run, relative to the unpacked sdist; args: added to
    the suite's own pytest settings (only to turn off what would slow both runs alike)."""

    def __init__(self, dist, paths, args=(), timeout=240):
        self.dist, self.paths, self.args, self.timeout = dist, list(paths), list(args), timeout
        self.version = importlib.metadata.version(dist)
        self.dir = os.path.join(WORK, "src", f"{dist}-{self.version}")


# What runs, and why these files: see "Peers' suites" in README.md.  The budget for the whole of
# make test-peers is 8 minutes of CI on 2 cores.
SUITES = {
    # The socket and TLS stream tests, and those of worker threads (whose hand-offs depend on
    # where the socket module lets other threads run), on each backend the suite parametrizes:
    # asyncio, asyncio+uvloop and trio.  The whole suite takes 160 s a run here, 85 s of it in
    # test_lazyimport and test_pytest_plugin, which start interpreters and open no socket.
    "anyio": Suite("anyio", ["tests/test_sockets.py", "tests/streams/test_tls.py",
                             "tests/test_to_thread.py", "tests/test_from_thread.py"]),
    # The whole suite: its clients against a uvicorn server in a thread, on real sockets.
    "httpx": Suite("httpx", ["tests"]),
    # The files whose tests open sockets (servers and clients on loopback); xdist's workers as
    # its pytest.ini asks (auto: 2 here), coverage off.
    "aiohttp": Suite("aiohttp", [
        "tests/test_client_functional.py", "tests/test_web_functional.py",
        "tests/test_client_ws_functional.py", "tests/test_web_websocket_functional.py",
        "tests/test_web_sendfile_functional.py", "tests/test_proxy_functional.py",
        "tests/test_test_utils.py", "tests/test_web_server.py", "tests/test_run_app.py",
    ], args=["--no-cov", "-p", "no:codspeed"]),
    # gevent's own tests of socket, ssl, select and monkey-patching (and the servers built on
    # them), each file in its own interpreter as gevent's runner runs it; then CPython's
    # test_socket, test_ssl, test_select and test_selectors as gevent runs them, after
    # patch_all() (gevent's copies, in its sdist).  Not test__example_*: they look for the
    # examples beside the setup.py above the installed gevent, which here is csocket's.
    "gevent": Suite("gevent", [
        "test__socket.py", "test__socket_close.py", "test__socket_errors.py",
        "test__socket_ex.py", "test__socket_send_memoryview.py", "test__socket_ssl.py",
        "test__socket_timeout.py", "test__socketpair.py", "test__socket_dns6.py",
        "test__makefile_ref.py", "test__ssl.py", "test__select.py", "test__selectors.py",
        "test__server.py", "test__server_pywsgi.py", "test__greenio.py", "test__backdoor.py",
        "test__monkey.py", "test__monkey_builtins_future.py", "test__monkey_hub_in_thread.py",
        "test__monkey_logging.py", "test__monkey_module_run.py",
        "test__monkey_multiple_imports.py", "test__monkey_queue.py", "test__monkey_select.py",
        "test__monkey_selectors.py", "test__monkey_ssl_warning.py",
        "test__monkey_ssl_warning2.py", "test__monkey_ssl_warning3.py",
        "test__monkey_futures_thread_fork.py", "test__monkey_fork_atomic.py",
        "stdlib:test_socket.py", "stdlib:test_ssl.py", "stdlib:test_select.py",
        "stdlib:test_selectors.py",
    ], timeout=120),
}


# --- the sdists ---------------------------------------------------------------------------------

def fetch(suite):
    """Download the sdist of the installed version (once) and unpack it (once)."""
    if os.path.isdir(suite.dir):
        return
    sdists = os.path.join(WORK, "sdist")
    os.makedirs(sdists, exist_ok=True)
    name = f"{suite.dist}=={suite.version}"
    found = [f for f in os.listdir(sdists)
             if f.lower().startswith(f"{suite.dist}-{suite.version}.tar".lower())]
    if not found:
        # The build backends are in the venv (the peers extra): no isolated build env to make.
        proc = subprocess.run([PY, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                               "--no-deps", "--no-binary", ":all:", "--no-build-isolation",
                               "-d", sdists, name],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"run_peers: pip could not download {name}:\n{proc.stdout}")
        found = [f for f in os.listdir(sdists)
                 if f.lower().startswith(f"{suite.dist}-{suite.version}.tar".lower())]
    tmp = suite.dir + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(os.path.join(sdists, found[0])) as tar:
        tar.extractall(tmp, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(tmp)
    (top,) = os.listdir(tmp)
    os.rename(os.path.join(tmp, top), suite.dir)
    os.rmdir(tmp)


# --- running ------------------------------------------------------------------------------------

def env_for(backend):
    env = {k: v for k, v in os.environ.items() if k != "CSOCKET"}
    if backend == "csocket":
        env["CSOCKET"] = "1"
    env["PYTHONPATH"] = HERE  # peers_probe
    env.pop("PYTEST_ADDOPTS", None)
    return env


def run_pytest(suite, backend, xml, targets):
    cmd = [NETNS, PY, "-m", "pytest", "-p", "no:cacheprovider", "-p", "peers_probe",
           f"--junitxml={xml}", *suite.args, *targets]
    try:
        proc = subprocess.run(cmd, cwd=suite.dir, env=env_for(backend), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, errors="replace",
                              timeout=suite.timeout * 4)
        out = proc.stdout
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + "\n[run_peers: timed out]\n"
    lines = [ln for ln in out.splitlines() if ln.strip()]
    summary = lines[-1].strip("= ") if lines else "(no output)"
    return out, summary


def gevent_dir(suite):
    return os.path.join(suite.dir, "src", "gevent", "tests")


def gevent_env(backend):
    """What gevent.testing.testrunner sets for each file it runs (its _setup_environ)."""
    env = env_for(backend)
    env.setdefault("PYTHONWARNINGS", "default,default::DeprecationWarning,"
                   "default::ResourceWarning,ignore:::site:,ignore:::pkgutil:,"
                   "ignore:::importlib._bootstrap:,ignore:::importlib._bootstrap_external:")
    env.setdefault("PYTHONFAULTHANDLER", "true")
    env.setdefault("PYTHONDEVMODE", "1")
    env.pop("PYTHONSAFEPATH", None)
    return env


def run_gevent_file(suite, backend, name, xml):
    cmd = [NETNS, PY, os.path.join(HERE, "gevent_file.py")]
    if name.startswith("stdlib:"):
        name = name[len("stdlib:"):]
        cwd = os.path.join(suite.dir, "src", "greentest", "%d.%d" % sys.version_info[:2])
        cmd += [os.path.join(suite.dir, "src", "gevent", "testing", "monkey_test.py"), xml, name]
    else:
        cwd = gevent_dir(suite)
        cmd += [name, xml]
    began = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=gevent_env(backend),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              errors="replace", timeout=suite.timeout)
        out, rc = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace"), "timeout"
    # The file's exit status is one more test: gevent's runner judges a file by it.
    try:
        tree = ET.parse(xml)
        root = tree.getroot()
    except (OSError, ET.ParseError):
        root = ET.Element("testsuites")
        ET.SubElement(root, "testsuite", name=name[:-3])
        tree = ET.ElementTree(root)
    ts = root.find("testsuite")
    under = ts.get("socket_module", "")
    case = ET.SubElement(ts, "testcase", classname=name[:-3], name="(exit status)",
                         time="%.3f" % (time.monotonic() - began))
    if rc != 0:
        tail = "".join(c if c.isprintable() or c in "\n\t" else "?" for c in out[-3000:])
        ET.SubElement(case, "failure", message=f"exit status {rc}\n{tail}")
    tree.write(xml, encoding="utf-8", xml_declaration=True)
    want = "csocket._csocket" if backend == "csocket" else "_socket"
    if under and under != want:
        raise SystemExit(f"run_peers: {name} ran on {under} where {want} was asked for")
    return out


def run_gevent(suite, backend, xml, names):
    parts = []
    with ThreadPoolExecutor(2) as pool:  # two files at a time: each is one mostly idle process
        # CPython's suites take longest: start them first.
        names = sorted(names, key=lambda n: not n.startswith("stdlib:"))
        jobs = [(n, xml + f".{n.replace(':', '-')}.xml") for n in names]
        outs = list(pool.map(lambda j: run_gevent_file(suite, backend, j[0], j[1]), jobs))
    root = ET.Element("testsuites")
    for (n, part), out in zip(jobs, outs):
        root.extend(ET.parse(part).getroot())
        os.unlink(part)
        parts.append(f"----- {n}\n{out}")
    ET.ElementTree(root).write(xml, encoding="utf-8", xml_declaration=True)
    counts = collections.Counter(read_junit(xml).values())
    summary = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failure", "error", "skipped"))
    return "\n".join(parts), summary


def run(suite, backend, xml, targets=None):
    if suite.dist == "gevent":
        return run_gevent(suite, backend, xml, targets or suite.paths)
    return run_pytest(suite, backend, xml, targets or suite.paths)


# --- comparing ----------------------------------------------------------------------------------

def read_junit(xml):
    """{(classname, name): outcome}; a test reported twice (a teardown error) keeps its worst."""
    rank = {"passed": 0, "skipped": 1, "failure": 2, "error": 3}
    outcomes = {}
    try:
        root = ET.parse(xml).getroot()
    except (OSError, ET.ParseError):
        return outcomes
    for case in root.iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in rank and rank[child.tag] > rank[outcome]:
                outcome = child.tag
        key = (case.get("classname", ""), case.get("name", ""))
        if rank[outcome] >= rank.get(outcomes.get(key, "passed"), 0):
            outcomes[key] = outcome
    return outcomes


def only_under_csocket(builtin, csock):
    """Tests that went wrong only under csocket, or that only the built-in run had."""
    diff = [k for k, v in csock.items() if v in BAD and builtin.get(k) != v]
    diff += [k for k in builtin if k not in csock]
    return sorted(set(diff))


def target_of(suite, key):
    """The pytest node id (or gevent file) that runs the test with this JUnit key."""
    classname, name = key
    if suite.dist == "gevent":
        stem = classname.split(".")[0]
        return stem + ".py" if stem.startswith("test__") else "stdlib:" + stem + ".py"
    parts = classname.split(".")
    for i in range(len(parts), 0, -1):
        path = "/".join(parts[:i]) + ".py"
        if os.path.isfile(os.path.join(suite.dir, path)):
            return "::".join([path, *parts[i:], name])
    return None


def confirm(suite, keys, tag):
    """Run the differing tests again, RERUNS times each way: {key: (bad under csocket, bad
    under the built-in module)}."""
    targets = sorted({t for t in (target_of(suite, k) for k in keys) if t})
    bad = {k: [0, 0] for k in keys}
    for i in range(RERUNS):
        for j, backend in enumerate(("csocket", "builtin")):
            xml = os.path.join(WORK, "junit", f"{tag}-rerun{i}-{backend}.xml")
            out, _ = run(suite, backend, xml, targets)
            got = read_junit(xml)
            for k in keys:
                if got.get(k, "error") in BAD:
                    bad[k][j] += 1
    return bad


def compare(name, suite):
    os.makedirs(os.path.join(WORK, "junit"), exist_ok=True)
    os.makedirs(os.path.join(WORK, "logs"), exist_ok=True)
    results, summaries = {}, {}
    began = time.monotonic()
    for backend in ("builtin", "csocket"):
        xml = os.path.join(WORK, "junit", f"{name}-{backend}.xml")
        t0 = time.monotonic()
        out, summaries[backend] = run(suite, backend, xml)
        with open(os.path.join(WORK, "logs", f"{name}-{backend}.log"), "w") as f:
            f.write(out)
        results[backend] = read_junit(xml)
        print(f"  {name} {suite.version} {backend:8} {summaries[backend]}"
              f"  [{time.monotonic() - t0:.0f}s]", flush=True)
    if not results["builtin"] or not results["csocket"]:
        print(f"  {name}: a run recorded no test (see build/peers/logs/{name}-*.log)")
        return [("(no results)", "")]
    diff = only_under_csocket(results["builtin"], results["csocket"])
    real = []
    if diff:
        print(f"  {name}: {len(diff)} test(s) went wrong only under csocket; "
              f"running them again {RERUNS} times each way", flush=True)
        for key, (c, b) in confirm(suite, diff, name).items():
            verdict = "csocket-only" if c and not b else "not reproduced" if not c else "both"
            print(f"    {verdict:14} csocket {c}/{RERUNS}, built-in {b}/{RERUNS}: "
                  f"{target_of(suite, key) or key}  (first run: {results['csocket'].get(key)}"
                  f" vs {results['builtin'].get(key, 'absent')})")
            if verdict == "csocket-only":
                real.append(key)
    print(f"  {name}: {len(real)} csocket-only failure(s)  [{time.monotonic() - began:.0f}s]",
          flush=True)
    return real


def main(argv):
    names = argv or list(SUITES)
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        raise SystemExit(f"run_peers: no suite {unknown}; there are {list(SUITES)}")
    began = time.monotonic()
    with ThreadPoolExecutor(len(names)) as pool:  # downloads only
        list(pool.map(lambda n: fetch(SUITES[n]), names))
    print(f"test-peers: sdists ready [{time.monotonic() - began:.0f}s]", flush=True)
    failed = {}
    for name in names:
        real = compare(name, SUITES[name])
        if real:
            failed[name] = real
    total = time.monotonic() - began
    if failed:
        print(f"test-peers: csocket-only failures in {', '.join(failed)} [{total:.0f}s]")
        return 1
    print(f"test-peers: 0 csocket-only failures in {len(names)} suite(s) [{total:.0f}s]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
