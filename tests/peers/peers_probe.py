"""A pytest plugin loaded into every run of make test-peers: it refuses to run unless the socket
module under test is the one asked for (CSOCKET=1: csocket; otherwise the built-in module), so a
comparison can never be of one module against itself."""
import os
import sys

import pytest


def pytest_configure(config):
    import socket  # noqa: F401  (makes sure _socket is imported)

    want = os.environ.get("CSOCKET", "0") not in ("", "0")
    name = sys.modules["_socket"].__name__
    if (name == "csocket._csocket") != want:
        raise pytest.UsageError(f"peers_probe: CSOCKET={os.environ.get('CSOCKET')} but _socket is {name}")


def pytest_report_header(config):
    return "socket module under test: " + sys.modules["_socket"].__name__
