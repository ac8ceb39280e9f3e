# csocket.socket runs the interpreter's own Lib/socket.py with `_socket` resolved to csocket, so
# its names and types are those of `socket` (typeshed's stub).
from socket import *
from socket import __all__ as __all__
