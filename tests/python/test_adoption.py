"""Adopting csocket: the CSOCKET=1 start-up hook in regular and editable installs, `python -m
csocket info`, the type stubs, and what the wheel and the sdist contain.

The wheel is built once for the module (in-tree, so an up-to-date build/ is reused) and installed
into fresh virtual environments made without pip; children run outside the source tree with
CSOCKET and PYTHONPATH removed, so they see only what the environment installed.
"""
import ast
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import csocket
from csocket import _csocket

ROOT = Path(__file__).resolve().parents[2]
HOOK = "csocket-autoinstall.pth"
BUILD_TIMEOUT = 300


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("CSOCKET", "PYTHONPATH")}
    env.update(extra)
    return env


def run(cmd, cwd, timeout=120, **extra_env):
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=clean_env(**extra_env),
                          capture_output=True, text=True, timeout=timeout)


def checked(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


class VirtualEnv:
    """A fresh virtual environment (no pip of its own: the test's pip installs into it)."""

    def __init__(self, root, work):
        self.root, self.work = Path(root), Path(work)
        checked(run([sys.executable, "-m", "venv", "--without-pip", self.root], cwd=self.work))
        self.python = self.root / "bin" / "python"
        self.site = Path(self.py("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                         .stdout.strip())

    def install(self, wheel):
        checked(run([sys.executable, "-m", "pip", "--python", self.python, "install", "--no-index",
                     "--no-deps", "--disable-pip-version-check", "-q", wheel], cwd=self.work))

    def py(self, *args, check=True, **env):
        proc = run([self.python, *args], cwd=self.work, **env)
        return checked(proc) if check else proc

    def socket_module(self, **env):
        return self.py("-c", "import socket; print(socket._socket.__name__)", **env).stdout.strip()


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("adoption")


@pytest.fixture(scope="module")
def wheel(work):
    """csocket's wheel for this interpreter, built the way `pip wheel .` builds it."""
    out = work / "wheel"
    checked(run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
                 "--disable-pip-version-check", "-q", "-w", out, ROOT], cwd=ROOT,
                timeout=BUILD_TIMEOUT))
    (found,) = out.glob("csocket-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(work, wheel):
    env = VirtualEnv(work / "venv-wheel", work)
    env.install(wheel)
    return env


@pytest.fixture(scope="module")
def editable(work):
    """An environment with the editable install `pip install -e .` makes (PEP 660: pip asks the
    backend for an editable wheel and installs it; here the test asks and installs)."""
    out = work / "editable"
    out.mkdir()
    code = ("import sys; from setuptools import build_meta; "
            "print(build_meta.build_editable(sys.argv[1]))")
    name = checked(run([sys.executable, "-c", code, out], cwd=ROOT, timeout=BUILD_TIMEOUT))
    env = VirtualEnv(work / "venv-editable", work)
    env.install(out / name.stdout.strip().splitlines()[-1])
    return env


# ---- the hook file ------------------------------------------------------------------------------

def hook_code_lines(text):
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_hook_is_one_import_line_that_reads_the_variable_before_importing():
    (line,) = hook_code_lines((ROOT / HOOK).read_text())
    assert line.startswith("import os;")  # site.py executes only lines that start with "import"
    check, _, action = line.partition(" and ")
    assert "os.environ.get('CSOCKET'" in check and "__import__" not in check
    assert action.startswith("__import__('csocket._autoinstall')")


def test_wheel_carries_the_hook_stubs_and_license_at_their_places(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert HOOK in names  # the top of a wheel installs into site-packages itself
    for name in ("csocket/_csocket.pyi", "csocket/socket.pyi", "csocket/py.typed",
                 "csocket/_autoinstall.py", "csocket/_info.py"):
        assert name in names
    assert any(re.fullmatch(r"csocket/_csocket\..*\.so", n) for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    record = next(n for n in names if n.endswith(".dist-info/RECORD"))
    assert any(row.startswith(HOOK + ",") for row in zipfile.ZipFile(wheel).read(record)
               .decode().splitlines())  # so that pip uninstall removes it
    assert not [n for n in names if n.startswith(("tests/", "src/", "bench/"))]


def test_wheel_metadata_version_is_the_package_version(wheel):
    assert wheel.name.startswith(f"csocket-{csocket.__version__}-")
    meta = next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert f"\nVersion: {csocket.__version__}\n" in text
    assert "License-Expression: MIT" in text


# ---- CSOCKET in an installed wheel ----------------------------------------------------------------

def test_wheel_install_puts_the_hook_in_site_packages(installed):
    assert (installed.site / HOOK).read_text() == (ROOT / HOOK).read_text()


def test_csocket_1_makes_csocket_the_socket_module(installed):
    assert installed.socket_module(CSOCKET="1") == "csocket._csocket"
    out = installed.py("-c", "import ssl, socket, csocket; print(csocket.installed(), "
                             "socket.socket.__mro__[1] is csocket._csocket.socket, "
                             "issubclass(ssl.SSLSocket, socket.socket))", CSOCKET="1")
    assert (out.stdout.split(), out.stderr) == (["True", "True", "True"], "")


# site.py's own work for any .pth file imports modules on some interpreters (_bootlocale on 3.9,
# encodings.utf_8_sig on 3.13 to decode it), so the hook is compared with a .pth file of the same
# name that site reads but does not execute: the difference is what the hook's line does.
NEUTRAL = "# a .pth file with nothing to execute\n"


class NeutralHook:
    """Within the block, the installed hook is replaced by a .pth file with nothing to execute."""

    def __init__(self, env):
        self.path = env.site / HOOK

    def __enter__(self):
        self.saved = self.path.read_text()
        self.path.write_text(NEUTRAL)

    def __exit__(self, *exc_info):
        self.path.write_text(self.saved)


@pytest.mark.parametrize("value", [None, "", "0"])
def test_unset_empty_or_0_leave_the_built_in_module_and_import_nothing(installed, value):
    env = {} if value is None else {"CSOCKET": value}
    modules = "import sys; print(sorted(sys.modules))"
    with_hook = installed.py("-c", modules, **env)
    assert with_hook.stderr == ""
    with NeutralHook(installed):
        without_hook = installed.py("-c", modules, **env)
    assert with_hook.stdout == without_hook.stdout
    assert "csocket" not in with_hook.stdout
    assert installed.socket_module(**env) == "_socket"


def test_other_values_warn_once_and_leave_the_built_in_module(installed):
    proc = installed.py("-c", "import socket; print(socket._socket.__name__)", CSOCKET="yes")
    assert proc.stdout.strip() == "_socket"
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr  # once, though site reads a venv's site-packages twice
    assert lines[0].startswith("csocket: CSOCKET='yes' is not understood (1 turns csocket on")


def test_socket_imported_earlier_in_start_up_gives_one_warning_line(installed):
    early = installed.site / "a-imports-socket.pth"  # sorted before csocket-autoinstall.pth
    early.write_text("import socket\n")
    try:
        proc = installed.py("-c", "import socket; print(socket._socket.__name__)", CSOCKET="1")
    finally:
        early.unlink()
    assert proc.stdout.strip() == "_socket"
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("csocket: CSOCKET=1 ignored: socket, _socket already imported")


def test_csocket_1_under_python_m_csocket_run_is_harmless(installed):
    (installed.work / "prog.py").write_text("import socket; print(socket._socket.__name__)\n")
    proc = installed.py("-m", "csocket", "run", "prog.py", CSOCKET="1")
    assert (proc.stdout.strip(), proc.stderr) == ("csocket._csocket", "")


def test_hook_line_costs_well_under_a_millisecond_at_start_up(installed, tmp_path):
    """site.py's processing of the hook, timed in a fresh interpreter after it has read one neutral
    .pth file (whose own first-file costs every .pth pays); tests/dist/smoke.py times whole runs."""
    (tmp_path / "neutral.pth").write_text(NEUTRAL)
    code = ("import site, sys, time; site.addpackage(sys.argv[3], 'neutral.pth', set()); "
            "t = time.perf_counter(); site.addpackage(sys.argv[1], sys.argv[2], set()); "
            "print(time.perf_counter() - t, 'csocket' in sys.modules)")
    costs = []
    for _ in range(5):
        out = installed.py("-S", "-c", code, installed.site, HOOK, tmp_path).stdout.split()
        assert out[1] == "False"
        costs.append(float(out[0]))
    assert min(costs) < 0.5e-3, costs  # measured 0.1-0.15 ms on 3.9-3.13; the budget is 1 ms


# ---- CSOCKET in an editable install ----------------------------------------------------------------

def test_editable_install_has_the_hook_and_runs_the_source_tree(editable):
    assert (editable.site / HOOK).is_file()
    out = editable.py("-c", "import socket, csocket; print(socket._socket.__file__)", CSOCKET="1")
    assert Path(out.stdout.strip()).parent == ROOT / "csocket"
    assert editable.socket_module() == "_socket"


# ---- python -m csocket info -------------------------------------------------------------------------

def test_info_json_in_an_installed_environment(installed):
    off = json.loads(installed.py("-m", "csocket", "info", "--json").stdout)
    on = json.loads(installed.py("-m", "csocket", "info", "--json", CSOCKET="1").stdout)
    assert off["csocket"]["version"] == csocket.__version__
    assert off["csocket"]["extension"].startswith(str(installed.site))
    assert off["process"] == {"socket_module": "_socket", "socket_module_file": off["process"]
                              ["socket_module_file"], "csocket_active": False, "CSOCKET": None,
                              "hook": str(installed.site / HOOK)}
    assert on["process"]["csocket_active"] and on["process"]["CSOCKET"] == "1"
    assert on["process"]["socket_module"] == "csocket._csocket"
    assert off["interpreter"]["version"] == ".".join(map(str, sys.version_info[:3]))
    build = off["build"]
    assert {"AF_INET", "AF_INET6", "AF_UNIX"} <= set(build["address_families"])
    assert build["receive_buffer_bytes"] == 256 * 1024
    assert build["batch_io"] == ["sendmmsg", "recvmmsg", "recvmmsg_into", "send_segments",
                                 "recv_segments"]
    assert set(build["udp_offload"]) == {"gso", "gro"}


def test_info_text_says_what_runs_here(installed):
    text = installed.py("-m", "csocket", "info", CSOCKET="1").stdout
    assert text.startswith(f"csocket {csocket.__version__}\n")
    rows = dict(re.match(r"  (\S.*?)\s{2,}(.*)", line).groups() for line in text.splitlines()[1:])
    assert rows["_socket here"].startswith("csocket (")
    assert rows["CSOCKET"] == "'1': csocket installed at start-up"
    assert rows["batch I/O"].startswith("sendmmsg, recvmmsg, recvmmsg_into, send_segments, "
                                        "recv_segments; UDP GSO ")
    assert rows["recv buffer"].startswith("256 KiB per thread")
    text = installed.py("-m", "csocket", "info", CSOCKET="on", check=False).stdout
    assert "'on': not understood, so off" in text


def test_info_without_the_hook_says_csocket_1_has_no_effect(tmp_path):
    # The source tree on PYTHONPATH: csocket importable, but no hook in any site directory.
    proc = subprocess.run([sys.executable, "-S", "-m", "csocket", "info"], cwd=tmp_path,
                          env=clean_env(PYTHONPATH=str(ROOT), CSOCKET="1"),
                          capture_output=True, text=True, timeout=60)
    assert "'1', but the start-up hook is not installed here" in proc.stdout, proc.stdout + proc.stderr


def test_info_usage():
    proc = subprocess.run([sys.executable, "-m", "csocket", "info", "--bogus"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "usage: python -m csocket info [--json]" in proc.stderr


def test_families_are_those_the_address_tables_handle():
    import socket

    families = _csocket._families()
    assert list(families) == sorted(set(families))
    assert {socket.AF_INET, socket.AF_INET6, socket.AF_UNIX} <= set(families)
    # A family whose addresses csocket does not parse is not listed, though its constant exists.
    assert _csocket.AF_APPLETALK not in families


# ---- typing ------------------------------------------------------------------------------------

def test_stub_constants_match_the_constants_table():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "stub_constants.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def stub_functions():
    """(class or None, name, takes keywords?) for each def of _csocket.pyi."""
    tree = ast.parse((ROOT / "csocket" / "_csocket.pyi").read_text())
    out = []

    def visit(body, owner):
        for node in body:
            properties = [d for d in getattr(node, "decorator_list", []) if getattr(d, "id", "") == "property"]
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("__") and not properties:
                # Parameters before "/" are in posonlyargs; those in args may be passed by name.
                by_name = [a.arg for a in node.args.args if a.arg != "self"]
                out.append((owner, node.name, bool(by_name or node.args.kwonlyargs)))
            elif isinstance(node, ast.ClassDef):
                visit(node.body, node.name)
            elif isinstance(node, ast.If):
                visit(node.body, owner)
                visit(node.orelse, owner)

    visit(tree.body, None)
    return out


def keyword_probe(owner, name):
    """Call with one keyword nobody accepts: the message says whether any keyword is accepted."""
    target = getattr(_csocket, owner) if owner else _csocket
    func = getattr(target, name, None)
    if func is None:
        return None
    args = () if owner is None else (_csocket.socket.__new__(_csocket.socket),)
    try:
        func(*args, csocket_probe=1)
    except TypeError as exc:
        return "no keyword arguments" not in str(exc)
    except OSError:  # sendmsg_afalg checks the family first, as the built-in module does
        return None
    raise AssertionError(f"{name} accepted an unknown keyword")


def test_stub_signatures_take_keywords_exactly_where_the_module_does():
    checked_names = 0
    for owner, name, stub_takes_keywords in stub_functions():
        takes_keywords = keyword_probe(owner, name)
        if takes_keywords is None:  # not in this build, or not callable on an unopened socket
            continue
        assert takes_keywords == stub_takes_keywords, f"{owner or '_csocket'}.{name}"
        checked_names += 1
    assert checked_names >= 55  # every def of the stub but those noted above


def test_stub_keyword_names_are_the_modules():
    a, b = _csocket.socketpair()
    try:
        a.send(b"abcd")
        assert b.recv_into(buffer=bytearray(4), nbytes=2, flags=0) == 2
        assert b.recvfrom_into(buffer=bytearray(4), nbytes=2, flags=0)[0] == 2
    finally:
        a.close()
        b.close()
    _csocket.socket(family=_csocket.AF_INET, type=_csocket.SOCK_DGRAM, proto=0, fileno=None).close()
    assert _csocket.getaddrinfo(host="127.0.0.1", port=80, family=_csocket.AF_INET, type=0,
                                proto=0, flags=_csocket.AI_NUMERICHOST)


def test_a_user_program_is_typed_through_the_installed_stubs(installed):
    pytest.importorskip("mypy")
    good = installed.work / "typed_good.py"
    good.write_text(
        "import csocket, socket\nfrom csocket import _csocket\n"
        "csocket.install()\nok: bool = csocket.installed()\nv: str = csocket.__version__\n"
        "a, b = _csocket.socketpair()\nn: int = a.send(b'x')\ndata: bytes = b.recv(10)\n"
        "infos = _csocket.getaddrinfo('127.0.0.1', 80, flags=_csocket.AI_NUMERICHOST)\n"
        "family: int = infos[0][0]\n")
    bad = installed.work / "typed_bad.py"
    bad.write_text("from csocket import _csocket\nx: str = _csocket.htons(1)\n"
                   "_csocket.socketpair()[0].recv('ten')\n_csocket.NOT_A_NAME\n")
    mypy = [sys.executable, "-m", "mypy", "--no-incremental", "--python-executable",
            installed.python]
    proc = run([*mypy, good], cwd=installed.work, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run([*mypy, bad], cwd=installed.work, timeout=300)
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert [e.split(":")[1] for e in errors] == ["2", "3", "4"], proc.stdout


# ---- the sdist ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sdist(work):
    out = work / "sdist"
    checked(run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", out, ROOT],
                cwd=ROOT, timeout=BUILD_TIMEOUT))
    (found,) = out.glob("csocket-*.tar.gz")
    return found


def test_sdist_holds_what_a_build_needs_and_nothing_else(sdist):
    assert sdist.name == f"csocket-{csocket.__version__}.tar.gz"
    prefix = f"csocket-{csocket.__version__}/"
    names = {n[len(prefix):] for n in tarfile.open(sdist).getnames()}
    tracked = set(subprocess.run(["git", "ls-files", "src", "csocket"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.split())
    needed = {n for n in tracked if n.endswith((".c", ".h", ".py", ".pyi", "py.typed"))}
    assert needed <= names, sorted(needed - names)
    for name in ("setup.py", "pyproject.toml", "MANIFEST.in", HOOK, "README.md", "LICENSE",
                 "CHANGELOG.md", "src/python/constants.h"):
        assert name in names
    unwanted = [n for n in names if n.startswith((".venv", "build/", "dist/", ".git", ".nox"))
                or n.endswith((".so", ".o", ".pyc"))]
    assert unwanted == []


def test_changelog_starts_with_this_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    first = re.search(r"^## (\S+)", text, re.M)
    assert first and first.group(1) == csocket.__version__


def test_smoke_script_does_not_need_pytest():
    # make test-dist runs tests/dist/smoke.py with the plain interpreter: it must not need pytest.
    source = (ROOT / "tests" / "dist" / "smoke.py").read_text()
    assert "pytest" not in re.sub(r'""".*?"""', "", source, flags=re.S)
