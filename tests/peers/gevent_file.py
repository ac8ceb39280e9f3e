"""Run one test file of gevent's own suite as gevent's runner does: a fresh interpreter for the
file, executed as __main__ so that its own start-up code (monkey-patching first, before anything
imports socket) runs as written, ending in gevent.testing's `main`, which is unittest's.  What
this adds is a record: every test's outcome, written as JUnit XML to OUT for the comparison.

Usage: python gevent_file.py TEST_FILE OUT.xml
       python gevent_file.py .../gevent/testing/monkey_test.py OUT.xml test_socket.py
The second form is how gevent runs CPython's own tests (its copies under src/greentest/X.Y, with
the tests it knows to fail there disabled) after patch_all(), from that directory.
This imports only what unittest imports before the file runs (no socket, no ssl, no gevent).
"""
import os
import sys
import time
import types
import unittest
import xml.etree.ElementTree as ET

PATH, OUT, ARGS = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3:]
STEM = os.path.splitext(os.path.basename(ARGS[0] if ARGS else PATH))[0]
CASES = []  # (classname, name, outcome, seconds, message)


def _xml_text(text):
    """Text that XML 1.0 can hold (test output may carry control characters)."""
    return "".join(c if c in "\t\n\r" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd"
                   else "?" for c in text)


def _write():
    suite = ET.Element("testsuite", name=STEM, tests=str(len(CASES)))
    for classname, name, outcome, seconds, message in CASES:
        case = ET.SubElement(suite, "testcase", classname=classname, name=name,
                             time="%.3f" % seconds)
        if outcome != "passed":
            ET.SubElement(case, outcome, message=_xml_text(message[:2000]))
    # Which _socket the file ran on (read at the end: importing it first would change the run).
    under = sys.modules.get("_socket")
    suite.set("socket_module", under.__name__ if under else "")
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(OUT, encoding="utf-8", xml_declaration=True)


class Recorder(unittest.TextTestResult):
    def startTest(self, test):
        self._began = time.monotonic()
        super().startTest(test)

    def _note(self, test, outcome, message=""):
        cls = type(test)
        # Errors in setUpClass/setUpModule come as a _ErrorHolder without a method name.
        name = getattr(test, "_testMethodName", None) or str(test)
        classname = STEM + "." + cls.__name__ if name != str(test) else STEM
        began = getattr(self, "_began", time.monotonic())
        CASES.append((classname, name, outcome, time.monotonic() - began, message))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._note(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._note(test, "failure", self.failures[-1][1])

    def addError(self, test, err):
        super().addError(test, err)
        self._note(test, "error", self.errors[-1][1])

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._note(test, "skipped", reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._note(test, "passed")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._note(test, "failure", "unexpected success")


class Runner(unittest.TextTestRunner):
    resultclass = Recorder

    def run(self, test):
        try:
            return super().run(test)
        finally:
            _write()


def _main(*args, **kwargs):
    kwargs.setdefault("testRunner", Runner(verbosity=2))
    return _TestProgram(*args, **kwargs)


_TestProgram = unittest.main
unittest.main = _main  # gevent.testing's `main` is this attribute, read when the file imports it

module = types.ModuleType("__main__")
module.__file__ = PATH
# Its relative imports find the installed helpers (gevent.tests or gevent.testing).
module.__package__ = "gevent." + os.path.basename(os.path.dirname(PATH))
sys.modules["__main__"] = module
sys.argv = [PATH, *ARGS]
sys.path.insert(0, os.path.dirname(PATH))
with open(PATH, "rb") as f:
    code = compile(f.read(), PATH, "exec")
_write()  # a file that is a plain script records no test; its exit status is its result
exec(code, module.__dict__)
