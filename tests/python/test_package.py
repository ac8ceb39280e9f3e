"""The package: install() and its refusal, `python -m csocket run`, the csocket.socket view, and the
built extension's imports (public C API only)."""
import os
import shutil
import subprocess
import sys

import pytest

import csocket
from csocket import _csocket


def python(*args, **kw):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60, **kw)


def test_install_before_socket_makes_it_the_process_socket():
    proc = python("-c", "import csocket; csocket.install(); csocket.install(); import socket, ssl;"
                        "print(socket._socket.__name__, csocket.installed())")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["csocket._csocket", "True"]


def test_install_after_socket_refuses_and_says_what_to_do():
    proc = python("-c", "import socket, csocket; csocket.install()")
    assert proc.returncode != 0
    assert "InstallError" in proc.stderr
    assert "before the socket module is imported" in proc.stderr
    assert "python -m csocket run" in proc.stderr


def test_run_script_and_module(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("import sys, socket\nprint(socket._socket.__name__, sys.argv[1:], __name__)\n")
    proc = python("-m", "csocket", "run", str(script), "a", "b")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "csocket._csocket ['a', 'b'] __main__"
    (tmp_path / "progmod.py").write_text(script.read_text())
    proc = python("-m", "csocket", "run", "-m", "progmod", "x", cwd=tmp_path,
                  env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "csocket._csocket ['x'] __main__"


def test_run_with_happy_eyeballs(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("import socket, csocket\n"
                      "print(socket.create_connection is csocket.create_connection,\n"
                      "      csocket.installed(happy_eyeballs=True))\n")
    proc = python("-m", "csocket", "run", "--happy-eyeballs", str(script))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True"]
    proc = python("-m", "csocket", "run", str(script))
    assert proc.stdout.split() == ["False", "False"]


def test_usage_errors():
    assert python("-m", "csocket").returncode == 2
    assert python("-m", "csocket", "run").returncode == 2
    assert python("-m", "csocket", "run", "-m").returncode == 2
    assert python("-m", "csocket", "run", "--happy-eyeballs").returncode == 2
    assert python("-m", "csocket", "run", "--happy-eyeballs", "-m").returncode == 2
    assert python("-m", "csocket", "--help").returncode == 0


def test_bench_says_where_the_benchmark_lives():
    proc = python("-m", "csocket", "bench", "--quick")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "not part of the installed package" in proc.stderr and "make bench" in proc.stderr
    assert not os.path.exists(os.path.join(os.path.dirname(csocket.__file__), "_bench"))


def test_view_leaves_the_process_alone():
    proc = python("-c", "import sys, csocket.socket as s; "
                        "print('_socket' in sys.modules, 'socket' in sys.modules, s._socket.__name__)")
    assert proc.stdout.split() == ["False", "False", "csocket._csocket"]


def test_view_is_the_interpreters_socket_module():
    import csocket.socket as view
    import socket

    assert view.socket.__mro__[1] is _csocket.socket
    assert set(socket.__all__) <= set(dir(view))
    assert view.AddressFamily.AF_INET == socket.AF_INET


# The underscore names CPython's public macros expand to (Py_DECREF, Py_None, ...), for the
# interpreters that ship no Lib/test/test_stable_abi_ctypes.py (3.9, 3.10): stable ABI since
# PEP 384, and listed as such by every later interpreter's own list.
MACRO_SYMBOLS = {"_Py_Dealloc", "_Py_NoneStruct", "_Py_TrueStruct", "_Py_FalseStruct",
                 "_Py_NotImplementedStruct", "_Py_EllipsisObject", "_Py_IncRef", "_Py_DecRef"}


def stable_abi_symbols():
    """SYMBOL_NAMES of the interpreter's own list, read without importing it (its import loads
    ctypes, which on 3.14 keeps a descriptor of libffi open)."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec("test.test_stable_abi_ctypes")
    if spec is None or spec.origin is None:
        return MACRO_SYMBOLS
    with open(spec.origin) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SYMBOL_NAMES"
                                                for t in node.targets):
            return set(ast.literal_eval(node.value))
    return MACRO_SYMBOLS


@pytest.mark.skipif(shutil.which("nm") is None, reason="binutils' nm is not installed")
def test_extension_uses_only_the_public_c_api():
    out = subprocess.run(["nm", "-D", "--undefined-only", _csocket.__file__],
                         capture_output=True, text=True, check=True).stdout
    names = [line.split()[-1].split("@")[0] for line in out.splitlines()]
    private = [n for n in names if n.startswith("_Py") and n not in stable_abi_symbols()]
    assert private == []
    assert "PyModuleDef_Init" in names  # the check does see Python symbols
    assert "_Py_Dealloc" in names or hasattr(sys, "gettotalrefcount")  # ... and the macros'


def test_version_has_one_home():
    from csocket import _version

    assert csocket.__version__ == _version.__version__
