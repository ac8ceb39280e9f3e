"""The extension's API pages, from its type stub and its docstrings, and a check that nothing drifts.

A C function has no signature Python can inspect; its docstring starts with one written for
people ("recv_into(buffer, [nbytes[, flags]]) -> nbytes_read").  The stub csocket/_csocket.pyi
declares each call form with types (`make stubtest` holds it to the built extension), so the
directive `csocket-api` writes each function and socket method with the stub's signatures (one
line per @overload, for the running interpreter's version) and the docstring the extension
carries, less its own signature lines.

Any public function or socket method of the extension that the stub does not declare, or that
the stub declares but the extension lacks, or that no page documents, is a warning (an error
under `make docs`).
"""
import ast
import inspect
import operator
import os
import sys

from docutils import nodes
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

log = logging.getLogger(__name__)

MODULE = "csocket._csocket"
STUB = os.path.join(os.path.dirname(__file__), "..", "..", "csocket", "_csocket.pyi")
COMPARE = {ast.GtE: operator.ge, ast.Gt: operator.gt, ast.Lt: operator.lt, ast.LtE: operator.le,
           ast.Eq: operator.eq, ast.NotEq: operator.ne}


def _holds(test):
    """The value of a stub's `if` test (sys.version_info or sys.platform against a constant)."""
    if isinstance(test, ast.BoolOp):
        values = [_holds(v) for v in test.values]
        return all(values) if isinstance(test.op, ast.And) else any(values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return not _holds(test.operand)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left = {"sys.version_info": sys.version_info[:2], "sys.platform": sys.platform}[ast.unparse(test.left)]
        return COMPARE[type(test.ops[0])](left, ast.literal_eval(test.comparators[0]))
    raise ValueError("stubsig: cannot evaluate the stub's test %r" % ast.unparse(test))


def _defs(body):
    """The function definitions (and classes) in a stub body that apply to this interpreter."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _defs(node.body if _holds(node.test) else node.orelse)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            yield node


def _signature(fn, method):
    args = fn.args
    if method and (args.posonlyargs or args.args):
        args = ast.arguments(**{**{f: getattr(args, f) for f in args._fields}})
        first = args.posonlyargs or args.args
        del first[0]  # self
    text = "(%s)" % ast.unparse(args)
    return text + (" -> " + ast.unparse(fn.returns) if fn.returns is not None else "")


def read_stub(path=STUB):
    """{dotted name: [signature, ...]} for the module's functions and the socket type's methods."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    found = {}
    for node in _defs(tree.body):
        if isinstance(node, ast.FunctionDef):
            found.setdefault("%s.%s" % (MODULE, node.name), []).append(_signature(node, False))
        elif node.name == "socket":
            for member in _defs(node.body):
                decorators = {ast.unparse(d) for d in getattr(member, "decorator_list", [])}
                if isinstance(member, ast.FunctionDef) and "property" not in decorators:
                    found.setdefault("%s.socket.%s" % (MODULE, member.name), []).append(
                        _signature(member, True))
    return found


def _runtime_names():
    """The public functions of the extension and the public methods of its socket type."""
    import importlib

    mod = importlib.import_module(MODULE)
    names = {"%s.%s" % (MODULE, n) for n, v in vars(mod).items()
             if not n.startswith("_") and callable(v) and not isinstance(v, type)}
    names |= {"%s.socket.%s" % (MODULE, n) for n, v in vars(mod.socket).items()
              if not n.startswith("_") and callable(v)}
    return names


def _setup_stub(app):
    app.env.csocket_stub = read_stub()
    stubbed = {n for n in app.env.csocket_stub if not n.rsplit(".", 1)[1].startswith("_")}
    runtime = _runtime_names()
    for name in sorted(runtime - stubbed):
        log.warning("stubsig: %s exists in the extension but not in csocket/_csocket.pyi", name)
    for name in sorted(stubbed - runtime):
        log.warning("stubsig: csocket/_csocket.pyi declares %s, which the extension lacks", name)
    app.env.csocket_documented = set()


def parse_rst(text, document):
    """reStructuredText parsed into nodes for `document`, whatever the page's own markup (the
    pages are Markdown): as MyST's eval-rst does, a document of its own that shares settings
    (and so Sphinx's environment) and reporter."""
    doc = new_document(document["source"], document.settings)
    doc.reporter = document.reporter
    Parser().parse(text, doc)
    return list(doc.children)


def body_of(name, doc):
    """A docstring without the signature lines it opens with (the page shows the stub's)."""
    lines = inspect.cleandoc(doc or "").splitlines()
    if lines and lines[0].startswith(name + "("):
        end = lines.index("") if "" in lines else len(lines)
        del lines[:end + 1]
    return lines


def _entry(kind, name, sigs, doc, indent):
    pad = " " * indent
    head = "%s.. py:%s:: " % (pad, kind)
    out = [head + name + sigs[0]] + [" " * len(head) + name + sig for sig in sigs[1:]]
    out += [""] + [pad + "   " + line if line else "" for line in body_of(name, doc)] + [""]
    return out


class ApiDirective(SphinxDirective):
    """csocket-api functions | socket: the extension's functions, or its socket type with its
    methods and properties, each with the stub's signatures and the extension's docstring."""

    required_arguments = 1

    def run(self):
        import importlib

        mod = importlib.import_module(MODULE)
        stub = self.env.csocket_stub
        which = self.arguments[0]
        prefix = MODULE + (".socket." if which == "socket" else ".")
        owner = mod.socket if which == "socket" else mod
        lines = [".. py:module:: " + MODULE, "   :no-index:", ""] if which != "socket" else []
        indent = 0
        if which == "socket":
            sigs = [s.split(" -> ")[0] for s in stub.get(prefix + "__init__", ["()"])]
            entry = _entry("class", "socket", sigs, mod.socket.__doc__, 0)
            lines += entry[:len(sigs)] + ["   :module: " + MODULE] + entry[len(sigs):]
            indent = 3
            for prop in ("family", "type", "proto", "timeout"):
                lines += ["   .. py:property:: " + prop, "",
                          "      " + (getattr(mod.socket, prop).__doc__ or ""), ""]
        for full, sigs in stub.items():
            name = full[len(prefix):]
            if not full.startswith(prefix) or "." in name or name.startswith("_"):
                continue
            obj = getattr(owner, name, None)
            if obj is None:
                continue  # _setup_stub has said so
            self.env.csocket_documented.add(full)
            lines += _entry("method" if which == "socket" else "function", name, sigs,
                            obj.__doc__, indent)
        return parse_rst("\n".join(lines), self.state.document)


def _check_documented(app, env):
    for name in sorted(set(env.csocket_stub) - env.csocket_documented):
        if not name.rsplit(".", 1)[1].startswith("_"):
            log.warning("stubsig: no page documents %s (docs/api.md)", name)


def name_differences():
    """(csocket-only names, built-in-only names) of the extension against this interpreter's _socket,
    each sorted; the socket type's attributes count as socket.NAME."""
    import importlib

    import _socket

    ours = importlib.import_module(MODULE)

    def names(mod):
        found = {n for n in dir(mod) if not n.startswith("_")}
        return found | {"socket." + n for n in dir(mod.socket) if not n.startswith("_")}

    mine, theirs = names(ours), names(_socket)
    return sorted(mine - theirs), sorted(theirs - mine)


class NamesDirective(SphinxDirective):
    """csocket-names: two paragraphs of literals, the extension's additions and what it lacks."""

    def run(self):
        extra, missing = name_differences()
        out = []
        for label, found in (("csocket only", extra), ("built-in only", missing)):
            para = nodes.paragraph()
            para += nodes.strong(text="%s (%d): " % (label, len(found)))
            for i, name in enumerate(found):
                para += nodes.literal(text=name)
                if i < len(found) - 1:
                    para += nodes.Text(", ")
            if not found:
                para += nodes.Text("none")
            out.append(para)
        return out


class UsageDirective(SphinxDirective):
    """csocket-usage MODULE: a module's docstring (a command's usage text) as it prints it."""

    required_arguments = 1

    def run(self):
        import importlib

        text = inspect.cleandoc(importlib.import_module(self.arguments[0]).__doc__ or "")
        if not text:
            log.warning("csocket-usage: %s has no docstring", self.arguments[0])
        return [nodes.literal_block(text, text)]


def setup(app):
    app.add_directive("csocket-usage", UsageDirective)
    app.add_directive("csocket-names", NamesDirective)
    app.connect("builder-inited", _setup_stub)
    app.add_directive("csocket-api", ApiDirective)
    app.connect("env-check-consistency", _check_documented)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
