"""make test-matrix: csocket built for every CPython this machine has (3.9 to 3.13), each held to
its own interpreter's test_socket (built-in module vs csocket) and to the project's pytest suite.

The interpreters come from pyenv ($(pyenv root)/versions/3.X.Y); their bin directories are put on
PATH here so nox finds `python3.X` whatever the active pyenv version is.
"""
import glob
import os
import subprocess

import nox

SUPPORTED = ["3.9", "3.10", "3.11", "3.12", "3.13"]

nox.options.sessions = ["matrix"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True


def _pyenv_bins():
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return []
    bins = []
    for version in SUPPORTED:
        found = sorted(glob.glob(os.path.join(root, "versions", version + ".*", "bin")),
                       key=lambda p: [int(x) for x in p.split(os.sep)[-2].split(".")])
        bins += found[-1:]  # the newest patch release of each
    return bins


os.environ["PATH"] = os.pathsep.join(_pyenv_bins() + [os.environ.get("PATH", "")])


@nox.session(python=SUPPORTED)
def matrix(session):
    """Build csocket for this interpreter; its own test_socket twice (built-in vs csocket); pytest."""
    session.install("-e", ".[test]", silent=True)
    session.run("python", "-c", "import sys, csocket._csocket as m; "
                "print('matrix:', sys.version.split()[0], m.__file__)")
    session.run("python", "tests/check_api.py")
    session.run("python", "tests/stdlib/run_stdlib.py", "--modules", "test_socket",
                "--workdir", os.path.join(session.create_tmp(), "stdlib"))
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/python")
