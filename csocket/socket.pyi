# csocket.socket runs the interpreter's own Lib/socket.py with `_socket` resolved to csocket, so
# its names and types are those of `socket` (typeshed's stub).
from socket import *  # noqa: F403
from socket import __all__ as __all__

import sys

# csocket's extras, which Lib/socket.py exports from _socket like every other constant (batch
# datagram I/O; the methods are on the socket type, see _csocket.pyi).
if sys.platform == "linux":
    MSG_WAITFORONE: int
    UDP_SEGMENT: int
    UDP_GRO: int
    __all__ += ["MSG_WAITFORONE", "UDP_SEGMENT", "UDP_GRO"]

# AF_BLUETOOTH and its names: csocket has them on Linux whether or not the interpreter was built
# with BlueZ headers (typeshed's stub follows the interpreter's build).
if sys.platform == "linux":
    AF_BLUETOOTH: int
    BDADDR_ANY: str
    BDADDR_LOCAL: str
    BTPROTO_HCI: int
    BTPROTO_L2CAP: int
    BTPROTO_RFCOMM: int
    BTPROTO_SCO: int
    HCI_DATA_DIR: int
    HCI_FILTER: int
    HCI_TIME_STAMP: int
    SOL_HCI: int
    __all__ += ["AF_BLUETOOTH", "BDADDR_ANY", "BDADDR_LOCAL", "BTPROTO_HCI", "BTPROTO_L2CAP",
                "BTPROTO_RFCOMM", "BTPROTO_SCO", "HCI_DATA_DIR", "HCI_FILTER", "HCI_TIME_STAMP",
                "SOL_HCI"]
