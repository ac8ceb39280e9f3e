"""make test-dist: what a user does with the sdist, in a virtual environment made for the purpose.

    python tests/dist/smoke.py dist/csocket-X.Y.Z.tar.gz [--runs N] [--keep]

pip installs the sdist (so the extension compiles from source, with the build dependencies pip
fetches), then, from a directory outside the source tree: `python -m csocket info`, an echo over
loopback with CSOCKET=1, `python -m csocket run` of a small script, the start-up hook's cost when
CSOCKET is unset (same environment with and without the hook, runs interleaved, medians), and
`pip uninstall` taking the hook away.  No pytest: every check is an assertion here, and the exit
status says whether all held.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOOK = "csocket-autoinstall.pth"

ECHO = r"""
import socket, threading
payload = bytes(range(256)) * 4096  # 1 MiB
server = socket.create_server(("127.0.0.1", 0))
def serve():
    conn, _ = server.accept()
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
thread = threading.Thread(target=serve)
thread.start()
got = bytearray()
with socket.create_connection(server.getsockname(), timeout=10) as client:
    sender = threading.Thread(target=lambda: (client.sendall(payload), client.shutdown(socket.SHUT_WR)))
    sender.start()
    while True:
        data = client.recv(262144)
        if not data:
            break
        got += data
    sender.join()
thread.join()
server.close()
assert got == payload, (len(got), len(payload))
print(socket._socket.__name__, len(got))
"""

RUN_SCRIPT = "import socket, sys\nprint(socket._socket.__name__, sys.argv[1:])\n"


class Env:
    def __init__(self, root):
        self.root = Path(root)
        self.python = str(self.root / "venv" / "bin" / "python")
        self.work = self.root / "work"  # outside the source tree: imports find the installed copy
        self.work.mkdir()

    def run(self, *args, env=None, check=True, timeout=600):
        full_env = {k: v for k, v in os.environ.items() if k not in ("CSOCKET", "PYTHONPATH")}
        full_env.update(env or {})
        proc = subprocess.run([self.python, *args], cwd=self.work, env=full_env,
                              capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
        return proc

    def site_packages(self):
        return Path(self.run("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                    .stdout.strip())


def say(label, text):
    print(f"test-dist: {label:<11} {text}", flush=True)


def startup_cost(env, runs):
    """Medians of `python -c pass` with the hook in site-packages and without it, runs interleaved:
    {True: (wall ms, cpu ms), False: (...)}.  CPU time (the child's user + system time) is the
    figure held to the budget: it does not count time the machine spent on other processes."""
    hook = env.site_packages() / HOOK
    away = hook.with_name(HOOK + ".away")
    samples = {True: [], False: []}
    cmd = [env.python, "-c", "pass"]
    clean = {k: v for k, v in os.environ.items() if k not in ("CSOCKET", "PYTHONPATH")}
    try:
        for i in range(2 * runs + 10):
            present = i % 2 == 0
            if present and away.exists():
                away.rename(hook)
            elif not present and hook.exists():
                hook.rename(away)
            t0 = time.perf_counter()
            child = subprocess.Popen(cmd, env=clean, cwd=env.work)
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = 0  # reaped here
            wall = time.perf_counter() - t0
            assert status == 0, f"python -c pass exited with status {status}"
            if i >= 10:  # the first runs warm the page cache
                samples[present].append((wall, usage.ru_utime + usage.ru_stime))
    finally:
        if away.exists():
            away.rename(hook)
    return {present: tuple(statistics.median(x[j] for x in values) * 1e3 for j in (0, 1))
            for present, values in samples.items()}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sdist")
    parser.add_argument("--runs", type=int, default=200, help="start-up runs each way (default 200)")
    parser.add_argument("--keep", action="store_true", help="keep the environment, print its path")
    args = parser.parse_args(argv)
    sdist = Path(args.sdist).resolve()
    version = sdist.name[len("csocket-"):-len(".tar.gz")]
    root = tempfile.mkdtemp(prefix="csocket-test-dist-")
    started = time.monotonic()
    try:
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", os.path.join(root, "venv")], check=True)
        env = Env(root)
        proc = env.run("-m", "pip", "install", "--disable-pip-version-check", str(sdist))
        assert "Building wheel for csocket" in proc.stdout, "pip did not build csocket from source"
        say("install", f"{sdist.name} built from source and installed in {time.monotonic() - t0:.1f} s "
                       f"({env.root / 'venv'})")

        site = env.site_packages()
        assert (site / HOOK).is_file(), f"{HOOK} is not in {site}"
        info = json.loads(env.run("-m", "csocket", "info", "--json").stdout)
        assert info["csocket"]["version"] == version, info["csocket"]
        assert info["csocket"]["extension"].startswith(str(site)), info["csocket"]
        assert not info["process"]["csocket_active"] and info["process"]["hook"] == str(site / HOOK)
        print(env.run("-m", "csocket", "info").stdout.rstrip())
        on = json.loads(env.run("-m", "csocket", "info", "--json", env={"CSOCKET": "1"}).stdout)
        assert on["process"]["csocket_active"], on["process"]
        say("info", f"csocket {version}; CSOCKET=1 makes it the process's _socket; "
                    f"{len(info['build']['address_families'])} address families")

        (env.work / "echo.py").write_text(ECHO)
        out = env.run("echo.py", env={"CSOCKET": "1"}).stdout.split()
        assert out == ["csocket._csocket", str(256 * 4096)], out
        out = env.run("echo.py").stdout.split()
        assert out == ["_socket", str(256 * 4096)], out
        say("echo", "1 MiB echoed over 127.0.0.1 under CSOCKET=1 (csocket) and without (built-in)")

        (env.work / "tiny.py").write_text(RUN_SCRIPT)
        out = env.run("-m", "csocket", "run", "tiny.py", "a", "b").stdout.strip()
        assert out == "csocket._csocket ['a', 'b']", out
        say("run", "python -m csocket run tiny.py a b: " + out)

        # Against a .pth file with nothing to execute: reading any .pth imports a module on some
        # interpreters (a codec on 3.13), which is site.py's doing, not the hook's.
        modules = "import sys; print(sorted(sys.modules))"
        hook_text = (site / HOOK).read_text()
        with_hook = env.run("-c", modules).stdout
        (site / HOOK).write_text("# nothing to execute\n")
        without_hook = env.run("-c", modules).stdout
        (site / HOOK).write_text(hook_text)
        assert with_hook == without_hook, "the hook imports modules when CSOCKET is unset"
        importtime = env.run("-X", "importtime", "-c", "pass").stderr
        assert "csocket" not in importtime, importtime
        cost = startup_cost(env, args.runs)
        (on_wall, on_cpu), (off_wall, off_cpu) = cost[True], cost[False]
        say("start-up", f"python -c pass, medians of {args.runs} interleaved runs each way: "
                        f"cpu {on_cpu:.2f} ms with the hook, {off_cpu:.2f} ms without "
                        f"({(on_cpu - off_cpu) * 1e3:+.0f} us); wall {on_wall:.2f} / {off_wall:.2f} ms "
                        f"({(on_wall - off_wall) * 1e3:+.0f} us); same modules imported")
        assert on_cpu - off_cpu < 1.0, "the start-up hook costs a millisecond or more"

        env.run("-m", "pip", "uninstall", "--disable-pip-version-check", "-y", "csocket")
        assert not (site / HOOK).exists(), "pip uninstall left the start-up hook behind"
        say("uninstall", f"pip uninstall removed csocket and {HOOK}")
    finally:
        if args.keep:
            print(f"test-dist: kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    say("done", f"all checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
