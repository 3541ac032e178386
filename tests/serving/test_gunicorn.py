"""gunicorn as deployed: its settings, a graceful reload under load, and the systemd units."""

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.support.serving import (
    ROOT,
    Gunicorn,
    address_of,
    clean_env,
    free_port,
    production_site,
    request,
    wait_for,
)

PROXIED = {"X-Forwarded-Proto": "https"}


def gunicorn_config(**variables):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--print-config"],
        cwd=ROOT,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.MULTILINE))


def test_workers_follow_the_cpu_count_and_the_environment():
    assert gunicorn_config()["workers"] == str(2 * len(os.sched_getaffinity(0)) + 1)
    assert gunicorn_config(WEB_CONCURRENCY="3")["workers"] == "3"


def test_timeouts_access_log_and_app():
    config = gunicorn_config()
    assert config["timeout"] == "30"
    assert config["graceful_timeout"] == "30"
    assert config["accesslog"] == "-"
    assert config["wsgi_app"] == "hospital_site.wsgi:application"
    # HUP must load new code into new workers: the app is not loaded in the master.
    assert config["preload_app"] == "False"


def test_a_reload_under_load_drops_no_request():
    statuses, failures, stop = [], [], threading.Event()

    with Gunicorn(production_site(), f"127.0.0.1:{free_port()}", workers=2) as server:

        def load():
            for _ in range(2000):  # bounded, whatever happens
                if stop.is_set():
                    return
                try:
                    statuses.append(request(server.bind, "/en/departments/", headers=PROXIED).status)
                except OSError as error:
                    failures.append(repr(error))

        clients = [threading.Thread(target=load) for _ in range(4)]
        for client in clients:
            client.start()
        assert wait_for(lambda: len(statuses) >= 50, 30)  # under load
        for _ in range(2):
            # New workers load the site while the old ones finish and leave; meanwhile requests
            # wait in the listening socket's queue. Done when two have booted and two have left.
            booted, exited = server.output().count("Booting worker"), server.output().count("Worker exiting")
            server.reload()
            assert wait_for(
                lambda booted=booted, exited=exited: (
                    server.output().count("Booting worker") >= booted + 2
                    and server.output().count("Worker exiting") >= exited + 2
                ),
                30,
            )
            served = len(statuses)
            assert wait_for(lambda served=served: len(statuses) >= served + 50, 30)  # and serving
        stop.set()
        for client in clients:
            client.join(timeout=30)
        output = server.output()

    assert output.count("Handling signal: hup") == 2
    assert failures == []
    assert len(statuses) > 100
    assert set(statuses) == {200}


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed here")
def test_the_systemd_units_are_valid(tmp_path):
    # Pointed at this checkout instead of /srv/hospital/app, so that ExecStart's program exists.
    for unit in ("hospital.socket", "hospital.service"):
        text = (ROOT / "deploy" / "systemd" / unit).read_text()
        (tmp_path / unit).write_text(text.replace("/srv/hospital/app", str(ROOT)))
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "hospital.socket", "hospital.service"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "hospital" not in result.stderr


def slow_client(bind, stop, sending):
    """A phone on a bad network: it opens a connection and sends its request a byte at a time."""
    family, address = address_of(bind)
    with socket.socket(family) as connection:
        connection.connect(address)
        connection.sendall(b"GET /en/ HTTP/1.1\r\nHost: localhost\r\n")
        sending.append(connection)
        while not stop.wait(0.5):
            connection.sendall(b"X")


def test_the_embedded_default_serves_patients_while_ten_slow_clients_hold_connections():
    # As `make run` serves (threaded workers), with fewer workers than slow clients, whatever the
    # number of CPUs: sync workers would all be held.
    env = {**production_site(), "GUNICORN_WORKER_CLASS": "gthread"}
    with Gunicorn(env, f"127.0.0.1:{free_port()}", workers=2) as server:
        stop, sending = threading.Event(), []
        slow = [threading.Thread(target=slow_client, args=(server.bind, stop, sending)) for _ in range(10)]
        for client in slow:
            client.start()
        assert wait_for(lambda: len(sending) == 10, 10)  # every slow client is connected and sending
        try:
            timings = []
            for _ in range(20):
                started = time.monotonic()
                status = request(server.bind, "/en/departments/", headers=PROXIED, timeout=5).status
                timings.append((status, time.monotonic() - started))
        finally:
            stop.set()
            for client in slow:
                client.join(timeout=10)

    assert [status for status, _ in timings] == [200] * 20
    assert max(took for _, took in timings) < 2, timings
