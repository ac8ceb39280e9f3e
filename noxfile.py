"""make test-matrix: csocket built for every CPython this machine can run, each held to its own
interpreter's socket suites (built-in module vs csocket), check_api and the project's pytest suite.

- 3.9, 3.10, 3.11, 3.12, 3.13: pyenv's ($(pyenv root)/versions/3.X.Y); their bin directories are
  put on PATH here so nox finds `python3.X` whatever the active pyenv version is;
- debian: Debian's own /usr/bin/python3 (built with Bluetooth, as distributions build it);
- 3.14, 3.15: Debian unstable's, in the chroot scripts/bootstrap-newer makes; every command of
  those sessions runs inside it through scripts/in-sid, in a venv under .nox/ made there.

Nothing is pinned to a patch release: each session prints the exact version it ran, and
check_api and run_stdlib name the version beside any name, signature or test that differs.
CSOCKET_MATRIX_SUITES=test_socket narrows the stdlib suites (CI does so for the older versions).
"""
import glob
import os
import subprocess

import nox

PYENV = ["3.9", "3.10", "3.11", "3.12", "3.13"]
SID = ["3.14", "3.15"]
SUITES = ["test_socket", "test_selectors", "test_ssl", "test_asyncio.test_sock_lowlevel",
          "test_httplib", "test_urllib2_localnet"]

nox.options.sessions = ["matrix", "matrix-debian"] + [f"matrix-{v}" for v in SID]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True


def _pyenv_bins():
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return []
    bins = []
    for version in PYENV:
        found = sorted(glob.glob(os.path.join(root, "versions", version + ".*", "bin")),
                       key=lambda p: [int(x) for x in p.split(os.sep)[-2].split(".")])
        bins += found[-1:]  # the newest patch release of each
    return bins


os.environ["PATH"] = os.pathsep.join(_pyenv_bins() + [os.environ.get("PATH", "")])


def _suites():
    return os.environ.get("CSOCKET_MATRIX_SUITES", "").split() or SUITES


def _checks(run, python, workdir):
    """The same checks on every interpreter; `run` runs one command in the session's world."""
    run(python, "-c", "import sys, csocket._csocket as m; "
        "print('matrix:', sys.version.split()[0], sys.executable, m.__file__)")
    run(python, "tests/check_api.py")
    run(python, "tests/stdlib/run_stdlib.py", "--modules", *_suites(),
        "--workdir", os.path.join(workdir, "stdlib"))
    run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/python")


@nox.session(python=PYENV)
def matrix(session):
    """pyenv's CPython: build csocket, check_api, the stdlib suites twice, pytest."""
    session.install("-e", ".[test]", silent=True)
    _checks(session.run, "python", session.create_tmp())


@nox.session(name="matrix-debian", python="/usr/bin/python3")
def matrix_debian(session):
    """Debian's own python3, as distributions build it (Bluetooth on): the same checks."""
    session.install("-e", ".[test]", silent=True)
    _checks(session.run, "python", session.create_tmp())


def _sid_session(version):
    def session_fn(session):
        in_sid = os.path.join("scripts", "in-sid")
        venv = os.path.join(".nox", f"sid-{version}")

        def run(*cmd):
            session.run(in_sid, *cmd, external=True)

        if not os.path.exists(os.path.join(venv, "bin", "python")):
            run(f"python{version}", "-m", "venv", venv)
        # The same editable install as the other sessions, quietly unless it fails.
        run("sh", "-c", f"{venv}/bin/python -m pip install -q --disable-pip-version-check "
            f"-e '.[test]' > {venv}/pip.log 2>&1 || {{ tail -n 30 {venv}/pip.log; exit 1; }}")
        _checks(run, os.path.join(venv, "bin", "python"), os.path.join(venv, "tmp"))

    session_fn.__doc__ = (f"Debian unstable's CPython {version} in the chroot (scripts/in-sid): "
                          "the same checks.")
    return session_fn


for _v in SID:
    nox.session(name=f"matrix-{_v}", python=False)(_sid_session(_v))
del _v
