"""python -m csocket info [--json]: what this process runs on and what this build of csocket can do.

It answers the questions of someone turning csocket on: is csocket the `_socket` of a process
started this way (CSOCKET, the start-up hook), which csocket, on which interpreter and system, and
what the build supports (address families, the per-thread receive buffer, batch I/O).
"""
import json
import os
import platform
import site
import sys
import threading

import csocket
from csocket import _autoinstall, _csocket

HOOK = "csocket-autoinstall.pth"

# csocket's additions beyond the built-in module, probed by name: batch datagram I/O (Linux).
BATCH_METHODS = ("sendmmsg", "recvmmsg", "recvmmsg_into", "send_segments", "recv_segments")


def hook_path():
    """The start-up hook's file in one of this interpreter's site directories, or None (also
    when this process reads no site directory at all: `python -S`)."""
    if sys.flags.no_site:
        return None
    dirs = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    for directory in dirs:
        path = os.path.join(directory, HOOK)
        if os.path.isfile(path):
            return path
    return None


def receive_buffer_bytes():
    """The size of the receive buffer a thread reserves on its first recv(): one receive in a
    short-lived thread, whose buffer is freed when it ends."""
    held = []

    def probe():
        a, b = _csocket.socketpair()
        try:
            a.send(b"x")
            b.recv(1)
            held.append(_csocket._scratch_held())
        finally:
            a.close()
            b.close()

    thread = threading.Thread(target=probe, name="csocket-info-probe")
    thread.start()
    thread.join()
    return held[0] if held else 0


def udp_offload():
    """Whether this kernel does UDP GSO and GRO, tried on loopback: two 100-byte segments sent as
    one GSO message to a socket with GRO on.  GSO: the receiver got 100-byte datagrams (a kernel
    without it refuses the control message, or ignores it and sends one 200-byte datagram).  GRO:
    the receiver accepted the option (and here the kernel reports the segment size).
    Returns {"gso": bool, "gro": bool}, both False where the build has no batch I/O."""
    found = {"gso": False, "gro": False}
    if not hasattr(_csocket, "UDP_SEGMENT"):
        return found
    rx = _csocket.socket(_csocket.AF_INET, _csocket.SOCK_DGRAM)
    tx = _csocket.socket(_csocket.AF_INET, _csocket.SOCK_DGRAM)
    try:
        rx.bind(("127.0.0.1", 0))
        rx.settimeout(1.0)
        try:
            rx.setsockopt(_csocket.SOL_UDP, _csocket.UDP_GRO, 1)
            found["gro"] = True
        except OSError:
            pass
        segment = (100).to_bytes(2, sys.byteorder)
        try:
            tx.sendmsg([b"x" * 200], [(_csocket.SOL_UDP, _csocket.UDP_SEGMENT, segment)], 0,
                       rx.getsockname())
            found["gso"] = rx.recv_segments(65535)[0][0] == b"x" * 100
        except OSError:
            pass
    finally:
        rx.close()
        tx.close()
    return found


def family_names(socket, numbers):
    names = []
    for number in numbers:
        try:
            names.append(socket.AddressFamily(number).name)  # AF_NETLINK rather than AF_ROUTE
        except ValueError:
            names.append(str(number))
    return names


def collect():
    import socket  # what a program started like this one gets

    active = socket._socket
    variable = os.environ.get(_autoinstall.VARIABLE)
    return {
        "csocket": {"version": csocket.__version__, "extension": _csocket.__file__},
        "process": {
            "socket_module": active.__name__,
            "socket_module_file": getattr(active, "__file__", None),
            "csocket_active": active is _csocket,
            "CSOCKET": variable,
            "hook": hook_path(),
        },
        "interpreter": {
            "implementation": platform.python_implementation(),
            "version": platform.python_version(),
            "executable": sys.executable,
            "platform": platform.platform(),
        },
        "build": {
            "address_families": family_names(socket, _csocket._families()),
            "receive_buffer_bytes": receive_buffer_bytes(),
            "batch_io": [m for m in BATCH_METHODS if hasattr(_csocket.socket, m)],
            "udp_offload": udp_offload(),
        },
    }


def describe_variable(info):
    value, active = info["process"]["CSOCKET"], info["process"]["csocket_active"]
    if value is None:
        return "not set"
    if value in ("", "0"):
        return f"{value!r}: off"
    if value != "1":
        return f"{value!r}: not understood, so off (1 turns csocket on)"
    if active:
        return "'1': csocket installed at start-up"
    if info["process"]["hook"] is None:
        return "'1', but the start-up hook is not installed here, so it has no effect"
    return "'1', but csocket could not be installed at start-up (see the warning above)"


def batch_text(build):
    if not build["batch_io"]:
        return "not in this build (no recvmmsg on this platform)"
    offload = build["udp_offload"]
    return "%s; UDP GSO %s, GRO %s (probed on loopback)" % (
        ", ".join(build["batch_io"]), "yes" if offload["gso"] else "no (send_segments uses sendmmsg)",
        "yes" if offload["gro"] else "no")


def render(info):
    proc, interp, build = info["process"], info["interpreter"], info["build"]
    if proc["csocket_active"]:
        active = f"csocket ({proc['socket_module_file']})"
    else:
        active = f"the built-in module ({proc['socket_module_file'] or proc['socket_module']})"
    buffer = build["receive_buffer_bytes"]
    families = build["address_families"]
    rows = [
        ("_socket here", active),
        ("CSOCKET", describe_variable(info)),
        ("start-up hook", proc["hook"] or f"{HOOK} not found in site-packages"),
        ("interpreter", f"{interp['implementation']} {interp['version']} ({interp['executable']})"),
        ("platform", interp["platform"]),
        ("extension", info["csocket"]["extension"]),
        ("families", f"{len(families)}: " + " ".join(families)),
        ("recv buffer", f"{buffer // 1024} KiB per thread, taken on its first recv()/recvfrom(); "
                        "receives up to that size allocate nothing" if buffer else "none"),
        ("batch I/O", batch_text(build)),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"csocket {info['csocket']['version']}"]
    lines += [f"  {label:<{width}}  {text}" for label, text in rows]
    return "\n".join(lines)


USAGE = "usage: python -m csocket info [--json]"


def main(argv):
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv not in ([], ["--json"]):
        print(USAGE, file=sys.stderr)
        return 2
    info = collect()
    print(json.dumps(info, indent=2) if argv else render(info))
    return 0
