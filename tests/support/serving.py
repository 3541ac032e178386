"""The site as it is deployed, for tests that need real processes: a prepared production site
(collected static files, a migrated and loaded database) and gunicorn started from its config.

Plain functions, not fixtures: the prepared site is made once per test process and shared.
"""

import atexit
import functools
import http.client
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
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
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

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
