"""CSOCKET=1 (or he): install csocket at interpreter start-up, with no change to the program.

csocket-autoinstall.pth (installed beside the package in site-packages) reads CSOCKET itself and
imports this module only when the variable is set to something other than "" or "0", so a process
without the variable imports nothing of csocket.  What the values mean:

    unset, "" or "0"   off: the process runs on the built-in _socket
    "1"                on: csocket becomes _socket before anything imports socket
    "he"               on, with Happy Eyeballs: install(happy_eyeballs=True), which also makes
                       socket.create_connection csocket.create_connection (imports socket)
    anything else      off, with a one-line warning naming the accepted values

A start-up hook must not stop the program: when csocket cannot be installed because socket was
already imported by something that ran earlier in start-up, it prints one line to stderr and the
process goes on with the built-in module.  (An extension that fails to load is a broken install:
site.py then reports the ImportError against the .pth file, and the process goes on too.)
"""
import os
import sys

VARIABLE = "CSOCKET"

# In a virtual environment site.py processes site-packages twice (3.9 to 3.13 at least), so the
# .pth line calls main() twice: the second call must not warn again.
_done = False


def _warn(message: str) -> None:
    if sys.stderr is not None:  # None in a process started without a stderr
        sys.stderr.write("csocket: " + message + "\n")


def main() -> None:
    """Called by csocket-autoinstall.pth when CSOCKET is set and not "0"."""
    global _done
    if _done:
        return
    _done = True
    value = os.environ.get(VARIABLE, "")
    if value in ("", "0"):
        return
    if value not in ("1", "he"):
        _warn(f"{VARIABLE}={value!r} is not understood (1 turns csocket on, he turns it on with "
              "Happy Eyeballs, 0 or unset leaves it off); running on the built-in socket module")
        return
    import csocket

    try:
        csocket.install(happy_eyeballs=value == "he")
    except csocket.InstallError:
        loaded = ", ".join(name for name in ("socket", "_socket", "ssl", "_ssl") if name in sys.modules)
        _warn(f"{VARIABLE}={value} ignored: {loaded} already imported when csocket's start-up hook ran "
              "(by a .pth file processed before csocket-autoinstall.pth?); running on the built-in "
              "socket module")
