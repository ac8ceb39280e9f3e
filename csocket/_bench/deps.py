"""Print the requirements of csocket's `bench` extra that this environment lacks, one per line.

`make bench` pipes them to pip, so the benchmark's dependencies are declared in one place only
(pyproject.toml) and installed only when missing.
"""
import importlib.metadata
import re
import sys
from pathlib import Path

_EXTRA = re.compile(r"""extra\s*==\s*["']bench["']""")


def requirements():
    try:
        declared = importlib.metadata.requires("csocket") or []
        found = [r.split(";")[0].strip() for r in declared if _EXTRA.search(r)]
        if found:
            return found
    except importlib.metadata.PackageNotFoundError:
        pass
    # Not installed (a checkout on PYTHONPATH): read the list from pyproject.toml.
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    block = re.search(r"^bench = \[(.*?)\]", pyproject.read_text(), re.S | re.M)
    return re.findall(r'"([^"]+)"', block.group(1)) if block else []


def missing():
    out = []
    for requirement in requirements():
        name = re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0]
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out.append(requirement)
    return out


if __name__ == "__main__":
    print("\n".join(missing()))
    sys.exit(0)
