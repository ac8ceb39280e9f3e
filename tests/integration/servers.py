"""The real servers the integration clients talk to: nginx (TLS) and MariaDB, each started by the
test run in a temporary directory of its own, with its own configuration, bound to 127.0.0.1 on
free ports, and stopped (process group gone, directory removed) at the end.  Never the system
services.  Python servers (websockets, aiohttp) live in the client scripts, not here.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

START_TIMEOUT = 30.0


class ServerError(RuntimeError):
    """A server could not be started: the test run fails, it does not skip."""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_exe(name):
    for path in (shutil.which(name), f"/usr/sbin/{name}", f"/usr/bin/{name}"):
        if path and os.access(path, os.X_OK):
            return path
    raise ServerError(f"{name} is not installed: run scripts/bootstrap-integration")


def _tail(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"(no log: {e})"


def _wait_listening(proc, port, log, what, host="127.0.0.1"):
    """Return once host:port accepts connections; raise if the server died or never did."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(f"{what} exited with {proc.returncode} while starting:\n{_tail(log)}")
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise ServerError(f"{what} did not listen on {host} port {port} in {START_TIMEOUT:.0f} s:\n"
                      f"{_tail(log)}")


class _Server:
    """A server process in its own process group and temporary directory."""

    name = "server"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix=f"csocket-integ-{self.name}-")
        self.proc = None

    def _spawn(self, argv, log):
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         cwd=self.dir)

    def stop(self):
        """Stop the server and everything it started, then remove its directory."""
        try:
            if self.proc is not None:
                self._terminate()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _terminate(self):
        pgid = self.proc.pid  # start_new_session: the server leads its own group
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(pgid, signal.SIGKILL)
                self.proc.wait(5)
        # Workers (nginx) must be gone with their master: wait briefly, then insist.
        deadline = time.monotonic() + 5
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
            raise ServerError(f"{self.name}: processes were left after its master stopped")


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Zombies of the group still count for killpg; they are reaped by init, not us.
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


NGINX_CONF = """\
{user}
daemon off;
master_process on;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 512; }}
http {{
    default_type application/octet-stream;
    log_format moved '$status $request_length $bytes_sent $request_uri';
    access_log {dir}/access.log moved;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    keepalive_requests 10000;
    keepalive_timeout 60s;

    server {{
        listen 127.0.0.1:{https_port} ssl;
        listen [::1]:{https_port} ssl;
        ssl_certificate {dir}/server.pem;
        ssl_certificate_key {dir}/server.key;
        root {dir}/html;
        # Which connection served a request and how many it has served: keep-alive made visible.
        add_header X-Conn $connection always;
        add_header X-Conn-Requests $connection_requests always;
        add_header X-Remote-Addr $remote_addr always;

        location /data/ {{ }}

        # The same files, but a connection idle for 300 ms after one of them is closed by nginx:
        # the client's next request finds its pooled connection dead and must open another.
        location /short/ {{
            alias {dir}/html/data/;
            keepalive_timeout 300ms;
        }}

        # Closes the connection without a response.
        location = /drop {{ return 444; }}

        # POST: nginx stores the body in a file it keeps (client_body_in_file_only on) and names
        # it in X-Body-File, so the client can check what the server received byte for byte.
        # proxy_pass is what makes nginx read the body; the upstream sees none of it.
        location = /upload {{
            client_max_body_size 64m;
            client_body_in_file_only on;
            proxy_pass http://127.0.0.1:{plain_port}/stored;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            add_header X-Body-File $request_body_file always;
            add_header X-Conn $connection always;
            add_header X-Conn-Requests $connection_requests always;
        }}

        # One byte a second, headers included: any read timeout under a second fires.
        location = /slow {{
            limit_rate 1;
            limit_rate_after 0;
            alias {dir}/html/data/slow;
        }}
    }}

    server {{
        listen 127.0.0.1:{plain_port};
        location = /stored {{ return 200 "stored\\n"; }}
    }}
}}
"""


class Nginx(_Server):
    """nginx serving TLS on 127.0.0.1 and [::1], https_port: static files, a body sink, a slow
    location, one that drops connections and one that closes them when idle."""

    name = "nginx"

    def __init__(self, cert_pem, key_pem, files):
        super().__init__()
        self.exe = find_exe("nginx")
        for sub in ("html/data", "body"):
            os.makedirs(os.path.join(self.dir, sub))
        shutil.copy(cert_pem, os.path.join(self.dir, "server.pem"))
        shutil.copy(key_pem, os.path.join(self.dir, "server.key"))
        for name, data in files.items():
            with open(os.path.join(self.dir, "html/data", name), "wb") as f:
                f.write(data)
        with open(os.path.join(self.dir, "html/data/slow"), "wb") as f:
            f.write(b"s" * 1000)
        self.access_log = os.path.join(self.dir, "access.log")

    def start(self):
        for attempt in range(3):  # a free port can be taken between the probe and the bind
            self.https_port, self.plain_port = free_port(), free_port()
            conf = os.path.join(self.dir, "nginx.conf")
            with open(conf, "w") as f:
                # As root the workers would drop to 'nobody', who cannot read a 0700 temp dir.
                user = "user root root;" if os.geteuid() == 0 else ""
                f.write(NGINX_CONF.format(user=user, dir=self.dir, https_port=self.https_port,
                                          plain_port=self.plain_port))
            log = os.path.join(self.dir, "error.log")
            self._spawn([self.exe, "-p", self.dir, "-c", conf, "-e", log], log)
            try:
                _wait_listening(self.proc, self.https_port, log, "nginx")
                _wait_listening(self.proc, self.https_port, log, "nginx", host="::1")
                _wait_listening(self.proc, self.plain_port, log, "nginx")
                return self
            except ServerError:
                self._terminate()
                if attempt == 2 or "in use" not in _tail(log):
                    raise

    def url(self, path, host="127.0.0.1"):
        return f"https://{host}:{self.https_port}{path}"

    def traffic(self):
        """(requests, bytes received, bytes sent) over all requests nginx logged."""
        requests = received = sent = 0
        with open(self.access_log) as f:
            for line in f:
                _status, req_len, sent_len, _uri = line.split(" ", 3)
                requests += 1
                received += int(req_len)
                sent += int(sent_len)
        return requests, received, sent


class MariaDB(_Server):
    """mariadbd with a fresh data directory, on 127.0.0.1:port and unix_socket, any user
    accepted."""

    name = "mariadb"

    def __init__(self):
        super().__init__()
        self.exe = find_exe("mariadbd")
        self.install_db = find_exe("mariadb-install-db")
        self.datadir = os.path.join(self.dir, "data")
        self.as_root = ["--user=root"] if os.geteuid() == 0 else []  # mariadbd refuses root otherwise

    def _common(self):
        # Small InnoDB files: the server starts in about a second and writes little.
        return ["--no-defaults", f"--datadir={self.datadir}", *self.as_root,
                "--innodb-log-file-size=8M", "--innodb-buffer-pool-size=64M",
                "--skip-log-bin"]

    def start(self):
        log = os.path.join(self.dir, "server.log")
        init = subprocess.run([self.install_db, *self._common(), "--skip-test-db",
                               "--auth-root-authentication-method=normal"],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=120)
        if init.returncode != 0:
            raise ServerError(f"mariadb-install-db failed ({init.returncode}):\n"
                              f"{init.stdout[-3000:]}\n{init.stderr[-3000:]}")
        for attempt in range(3):
            self.port = free_port()
            # skip-grant-tables: the test user needs no account; skip-name-resolve: the server
            # never asks a resolver who 127.0.0.1 is.
            self.unix_socket = f"{self.dir}/mysqld.sock"
            self._spawn([self.exe, *self._common(), f"--socket={self.unix_socket}",
                         f"--pid-file={self.dir}/mysqld.pid", f"--log-error={log}",
                         f"--port={self.port}", "--bind-address=127.0.0.1",
                         "--skip-grant-tables", "--skip-name-resolve",
                         "--max-allowed-packet=64M"], log)
            try:
                _wait_listening(self.proc, self.port, log, "mariadbd")
                return self
            except ServerError:
                self._terminate()
                if attempt == 2 or "in use" not in _tail(log):
                    raise
