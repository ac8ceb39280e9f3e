# csocket.socket runs the interpreter's own Lib/socket.py with `_socket` resolved to csocket, so
# its names and types are those of `socket` (typeshed's stub).
from socket import *
from socket import __all__ as __all__

import sys

# csocket's extras, which Lib/socket.py exports from _socket like every other constant (batch
# datagram I/O; the methods are on the socket type, see _csocket.pyi).
if sys.platform == "linux":
    MSG_WAITFORONE: int
    UDP_SEGMENT: int
    UDP_GRO: int
    __all__ += ["MSG_WAITFORONE", "UDP_SEGMENT", "UDP_GRO"]
