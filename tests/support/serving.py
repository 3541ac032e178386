"""The site as it is deployed, for tests that need real processes: a prepared production site
(collected static files, a migrated and loaded database) and gunicorn started from its config.

Plain functions, not fixtures: the prepared site is made once per test process and shared.
"""

import atexit
import collections
import contextlib
import functools
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.support import project
from tests.support.project import ROOT

FIXTURES = [str(path) for path in project.FIXTURES]
SECRET_KEY = secrets.token_urlsafe(50)
# Variables of ours that must not leak from the test run (e.g. a PostgreSQL DATABASE_URL).
OWN_VARIABLES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY", "GUNICORN_")


def clean_env(**variables):
    """The environment of a fresh shell: none of the site's settings but those given."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(OWN_VARIABLES)}
    env["DJANGO_SETTINGS_MODULE"] = "hospital_site.settings"
    env["PYTHONUNBUFFERED"] = "1"
    env.update({key: str(value) for key, value in variables.items()})
    return env


def manage(*args, env, timeout=180):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def end(process, timeout):
    """Stop a server process: asked to, then killed if it has not stopped within the timeout."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(check, seconds, step=0.05):
    """Whether check() comes true within this many seconds (it is asked until then): a readiness
    check, where a fixed sleep would be too long on a quiet machine and too short on a busy one."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(step)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def temporary_directory(prefix):
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def site_database(base):
    """The deployed site's DATABASE_URL: SQLite in its directory, or PostgreSQL like the suite's.

    When the suite runs on PostgreSQL (DATABASE_URL), the deployed site does too, on a database
    of its own named after the suite's ("<name>_site"), made empty now and dropped at exit. Under
    pytest-xdist each worker prepares a site of its own, so the name ends in the worker's id too
    ("<name>_site_gw0"): otherwise one worker would drop the database another's site is serving.
    """
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{base / 'db.sqlite3'}"
    import psycopg
    from psycopg import sql

    parts = urlsplit(suite_url)
    name = f"{parts.path.lstrip('/') or 'hospital'}_site"
    if worker := os.environ.get("PYTEST_XDIST_WORKER"):
        name = f"{name}_{worker}"
    server = parts._replace(path="/postgres").geturl()

    def run(statement):
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql.SQL(statement).format(sql.Identifier(name)))

    # WITH (FORCE): gunicorn workers from an earlier, interrupted run may still be connected.
    run("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    run("CREATE DATABASE {}")
    atexit.register(run, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    return parts._replace(path=f"/{name}").geturl()


@functools.cache
def production_site():
    """Environment of a production site, prepared with the README's deployment steps."""
    base = temporary_directory("hospital-site-")
    (base / "media").mkdir()
    env = {
        "DJANGO_PRODUCTION": "true",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SITE_URL": "https://localhost",
        "DATABASE_URL": site_database(base),
        "DJANGO_STATIC_ROOT": str(base / "static"),
        "DJANGO_MEDIA_ROOT": str(base / "media"),
    }
    steps = (
        ["collectstatic", "--noinput"],
        ["migrate", "--noinput"],
        ["createcachetable"],
        ["loaddata", *FIXTURES],
    )
    for step in steps:
        result = manage(*step, env=clean_env(**env))
        assert result.returncode == 0, f"manage.py {step[0]} failed:\n{result.stdout}\n{result.stderr}"
    env["SITE_BASE"] = str(base)
    return env


class Gunicorn:
    """gunicorn started from gunicorn.conf.py, as systemd starts it; stopped on exit."""

    def __init__(self, env, bind, workers=1, extra_args=(), root=ROOT):
        """workers=None: as many as gunicorn.conf.py chooses. root: the checkout to serve (a copy,
        for tests that change its code)."""
        workers = {} if workers is None else {"WEB_CONCURRENCY": workers}
        self.env = clean_env(**env, GUNICORN_BIND=bind, **workers)
        self.bind = bind
        self.root = root
        self.extra_args = list(extra_args)
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *self.extra_args],
            cwd=self.root,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while not self.accepting():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start:\n{self.output()}")
            time.sleep(0.1)
        return self

    def accepting(self):
        """Whether a worker has loaded the site and answers (any status: the database may be down)."""
        try:
            request(self.bind, "/healthz", timeout=5, tls="--certfile" in self.extra_args)
        except OSError:
            return False
        return True

    def output(self):
        return Path(self.log.name).read_text(errors="replace")

    def reload(self):
        self.process.send_signal(signal.SIGHUP)

    def stop(self):
        end(self.process, timeout=30)  # the graceful timeout: workers finish their requests

    def __exit__(self, *exc_info):
        self.stop()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def address_of(bind):
    if bind.startswith("unix:"):
        return socket.AF_UNIX, bind.removeprefix("unix:")
    host, port = bind.rsplit(":", 1)
    return socket.AF_INET, (host, int(port))


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def request(bind, path, method="GET", headers=None, body=None, tls=False, timeout=10):
    """One HTTP request to a bind address ("host:port" or "unix:/path"); Host: localhost."""
    family, address = address_of(bind)
    if family == socket.AF_UNIX:
        connection = UnixHTTPConnection(address, timeout=timeout)
    elif tls:
        # The tests' certificate is self-signed.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(*address, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(*address, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


# --- Several hosts: code copies, nginx in front, Redis, a database link that can be cut ---------

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
REDIS_SERVER = shutil.which("redis-server")
SITE_CONFIG = ROOT / "deploy" / "nginx" / "hospital.conf"


def copy_of_site_code():
    """The code as deployed, in a folder of its own: one app host's working copy, which a test
    may change as a deploy changes it. Removed at exit."""
    copy = temporary_directory("hospital-code-")
    for folder in ("departments", "hospital_site", "templates", "locale", "static", "fixtures"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("manage.py", "gunicorn.conf.py", "requirements.txt"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def port_open(port, host="127.0.0.1"):
    try:
        socket.create_connection((host, port), timeout=0.5).close()
    except OSError:
        return False
    return True


def nginx_site_config(tmp, upstreams, http_port, https_port, media_parent):
    """deploy/nginx/hospital.conf with its `# TEST:` lines pointed at this run's files and ports,
    and its upstream at these gunicorn binds ("host:port" or "unix:/path")."""
    servers = "\n".join(f"    server {bind} max_fails=1 fail_timeout=5s;" for bind in upstreams)
    replacements = {
        "socket": servers,
        "cache": f"proxy_cache_path {tmp / 'cache'} levels=1:2 keys_zone=hospital_pages:10m "
        "max_size=256m inactive=1d use_temp_path=off;",
        "http": f"    listen 127.0.0.1:{http_port};",
        "https": f"    listen 127.0.0.1:{https_port} ssl http2;",
        "drop": None,  # the IPv6 listeners
        "name": "    server_name localhost;",
        "cert": f"    ssl_certificate {tmp / 'cert.pem'};",
        "key": f"    ssl_certificate_key {tmp / 'key.pem'};",
        "media": f"        root {media_parent};",
    }
    used, lines = set(), []
    for line in SITE_CONFIG.read_text().splitlines():
        tag = re.search(r"# TEST: (\w+)$", line)
        if tag:
            used.add(tag[1])
            line = replacements[tag[1]]
        if line is not None:
            lines.append(line)
    # The tests and the recipe must not drift apart.
    assert used == set(replacements), used
    return "\n".join(lines) + "\n"


def nginx_main_config(tmp, workers=1, access_log=True, extra=""):
    """What Debian's /etc/nginx/nginx.conf provides, reduced to this run's own directories."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    log = f"access_log {tmp / 'access.log'};" if access_log else "access_log off;"
    return (
        f"{user}daemon off;\nworker_processes {workers};\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'};\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    {log}\n{temp_paths}{extra}"
        f"    include {tmp / 'hospital.conf'};\n"
        "}\n"
    )


@functools.cache
def insecure_tls():
    """A client TLS context that accepts the tests' self-signed certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Nginx:
    """Debian's nginx running deploy/nginx/hospital.conf in front of these upstreams, on loopback,
    TLS with a self-signed certificate; stopped on exit."""

    def __init__(self, tmp, upstreams, media_parent, workers=1, access_log=True, extra=""):
        self.tmp = Path(tmp)
        self.http_port, self.https_port = free_port(), free_port()
        self.https = f"127.0.0.1:{self.https_port}"
        self.http = f"127.0.0.1:{self.http_port}"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            + ["-keyout", self.tmp / "key.pem", "-out", self.tmp / "cert.pem", "-days", "2"]
            + ["-subj", "/CN=localhost"],
            check=True,
            capture_output=True,
        )
        site = nginx_site_config(self.tmp, upstreams, self.http_port, self.https_port, media_parent)
        (self.tmp / "hospital.conf").write_text(site)
        (self.tmp / "nginx.conf").write_text(nginx_main_config(self.tmp, workers, access_log, extra))
        self.command = [NGINX, "-p", str(self.tmp), "-c", str(self.tmp / "nginx.conf")]
        self.command += ["-e", str(self.tmp / "error.log")]

    def check(self):
        return subprocess.run([*self.command, "-t"], capture_output=True, text=True)

    def __enter__(self):
        checked = self.check()
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while not port_open(self.https_port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not start:\n{self.error_log()}")
            time.sleep(0.1)
        return self

    def error_log(self):
        path = self.tmp / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def get(self, path, method="GET", headers=None, body=None, timeout=10):
        """One request over TLS, as request() makes it, with one TLS context for all (making one
        reads the system's certificates: a tenth of a second, too slow for a load)."""
        host, port = self.https.rsplit(":", 1)
        connection = http.client.HTTPSConnection(host, int(port), timeout=timeout, context=insecure_tls())
        try:
            connection.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def stop(self):
        end(self.process, timeout=15)

    def __exit__(self, *exc_info):
        self.stop()


class RedisServer:
    """A redis-server of the test's own on a free port, which the test stops and starts."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        assert wait_for(lambda: port_open(self.port), 10), f"redis-server did not listen on {self.port}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def stored_keys(self):
        import redis

        return redis.Redis(port=self.port, socket_timeout=2).keys("*")

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.stop()


class CuttableProxy:
    """A TCP proxy to a server, whose connections the test can cut and restore."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.connections = []
        self.listener = None
        self.hanging = False
        self.lock = threading.Lock()
        # What the site asked of the server, so a test can tell it did not ask: connections it
        # opened (those accepted while hanging too) and bytes it sent through.
        self.accepted = 0
        self.bytes_asked = 0

    def restore(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        """As a network fault: the listener refuses, every open connection is reset."""
        # shutdown() first: close() alone leaves a socket that a thread is accepting on listening.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    # Linger 0: closing resets the connection, as a network fault does.
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    connection.close()
            self.connections.clear()

    def hang(self):
        """As a server that stops answering: open connections are reset, new ones are accepted
        and never answered (so the site waits for its connect timeout)."""
        self.hanging = True
        self.cut()
        self.restore()

    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
            if self.hanging:
                with self.lock:
                    self.connections.append(client)
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, server]
            for source, sink, asking in ((client, server, True), (server, client, False)):
                threading.Thread(target=self.pipe, args=(source, sink, asking), daemon=True).start()

    def pipe(self, source, sink, asking):
        try:
            while data := source.recv(65536):
                if asking:
                    with self.lock:
                        self.bytes_asked += len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()

    def __enter__(self):
        self.restore()
        return self

    def __exit__(self, *exc_info):
        self.cut()


# --- Redis -----------------------------------------------------------------------------------


class Load:
    """Clients requesting paths in a loop in threads until stopped; every status counted.

    Bounded: it stops by itself after `seconds` even if the test forgets to.
    """

    def __init__(self, get, paths, clients=4, seconds=60):
        self.get, self.paths, self.clients, self.seconds = get, list(paths), clients, seconds
        self.statuses = collections.Counter()
        self.failures = []
        self.done = threading.Event()
        self.lock = threading.Lock()

    def run(self, offset):
        deadline = time.monotonic() + self.seconds
        index = offset
        while not self.done.is_set() and time.monotonic() < deadline:
            path = self.paths[index % len(self.paths)]
            index += 1
            try:
                status = self.get(path).status
            except OSError as error:
                status = type(error).__name__
            with self.lock:
                self.statuses[status] += 1
                if status != 200:
                    self.failures.append((path, status))

    def __enter__(self):
        self.threads = [
            threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(self.clients)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def total(self):
        with self.lock:
            return sum(self.statuses.values())

    def __exit__(self, *exc_info):
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=30)
