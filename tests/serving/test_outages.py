"""Outages of the real services under a real gunicorn: what patients get, what /healthz says,
what the log says, and how soon the site recovers by itself.

Redis is a real redis-server of the test's own; the SQLite file is really moved away; PostgreSQL
is really cut off, by closing the TCP connections between the site and the server (a proxy of
the test's own stands between them), as a network fault or a server restart does.
"""

import os
import shutil
import signal
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.support.serving import (
    CuttableProxy,
    Gunicorn,
    RedisServer,
    free_port,
    production_site,
    request,
    temporary_directory,
    wait_for,
)

PROXIED = {"X-Forwarded-Proto": "https"}
SPINE = "/en/departments/spine-surgery/"
SPINE_ZH = "/zh-hans/departments/spine-surgery/"
NEVER_VISITED = "/en/departments/colorectal-anal-surgery/"
STALE_EN = "This page may be out of date"
STALE_ZH = "本页内容可能不是最新的"
REDIS_SERVER = shutil.which("redis-server")
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def get(server, path):
    return request(server.bind, path, headers=PROXIED)


@pytest.fixture
def redis_server_installed():
    """Skipped without redis-server, except in CI, which must have it (.ci/run installs it)."""
    if REDIS_SERVER is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true and no redis-server: .ci/run must install Debian's redis-server package")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")


@pytest.mark.usefixtures("redis_server_installed")
def test_with_redis_stopped_every_page_is_served_and_the_cache_returns_by_itself():
    with RedisServer() as redis, Gunicorn({**production_site(), "REDIS_URL": redis.url}, bind()) as server:
        assert get(server, SPINE).status == 200
        assert any(b"page:" in key for key in redis.stored_keys())

        redis.stop()
        for path in (SPINE, SPINE_ZH, "/en/", "/en/departments/", "/en/search/?q=spine", "/en/admin/login/"):
            assert get(server, path).status == 200, path
        health = get(server, "/healthz")
        assert health.status == 200
        assert health.text == "ok\nshared cache unavailable: pages are rendered without it\n"

        redis.start()
        assert wait_for(lambda: get(server, "/healthz").text == "ok\n", 1.0)
        # A second after its last failure, the site uses the cache again (the fresh Redis is empty).
        # A fixed wait: the window shows nowhere to poll, and a request inside it would put the
        # page in the worker's own memory, from where it would never reach Redis.
        time.sleep(settings.OUTAGE_RETRY_SECONDS)
        assert get(server, NEVER_VISITED).status == 200
        assert any(b"page:" in key for key in redis.stored_keys())
        log = server.output()

    assert "Traceback" not in log
    assert log.count("shared cache unavailable") == 1
    assert log.count("shared cache available again") == 1


@pytest.mark.usefixtures("redis_server_installed")
def test_a_redis_that_hangs_is_waited_for_by_one_page_then_left_alone():
    """The first page waits for a hung Redis at most its socket timeout (0.25 s); the pages after
    it, within the retry window, do not ask Redis at all. The window is a minute here, so that what
    is asserted is what the site asked, not how soon a busy machine answered."""
    with RedisServer() as redis, CuttableProxy(("127.0.0.1", redis.port)) as link:
        site = {
            **production_site(),
            "REDIS_URL": f"redis://127.0.0.1:{link.port}/0",
            "DJANGO_OUTAGE_RETRY_SECONDS": "60",
        }
        with Gunicorn(site, bind()) as server:
            assert get(server, SPINE).status == 200
            redis.process.send_signal(signal.SIGSTOP)  # it accepts connections and answers nothing
            try:
                asked = link.bytes_asked
                started = time.monotonic()
                assert get(server, NEVER_VISITED).status == 200
                first_page_took = time.monotonic() - started
                assert link.bytes_asked > asked  # it asked, and gave up at its timeout
                asked, connections = link.bytes_asked, link.accepted
                for path in (SPINE_ZH, "/en/", "/en/search/?q=spine"):
                    assert get(server, path).status == 200, path
                assert (link.bytes_asked, link.accepted) == (asked, connections)
            finally:
                redis.process.send_signal(signal.SIGCONT)
    # Bounded by the socket timeout, not by gunicorn's (30 s), which would kill the worker.
    assert first_page_took < 5, first_page_took


# --- The database ------------------------------------------------------------------------------


def bind():
    return f"127.0.0.1:{free_port()}"


def check_database_outage(server, cut, restore, while_down=lambda: None):
    """Pages already rendered stay readable, marked; the health check tells; all comes back.

    One worker: a worker serves the pages it rendered itself (without Redis, its memory is the
    only copy that does not live in the database).
    """
    assert get(server, SPINE).status == 200
    assert get(server, SPINE_ZH).status == 200

    cut()
    assert wait_for(lambda: get(server, "/healthz").status == 503, 1.0)
    english, chinese = get(server, SPINE), get(server, SPINE_ZH)
    assert english.status == 200 and STALE_EN in english.text
    assert chinese.status == 200 and STALE_ZH in chinese.text and STALE_EN not in chinese.text
    assert english.headers["Cache-Control"] == "no-store"
    assert english.headers["Content-Security-Policy"]
    assert "<h1>Spine Surgery</h1>" in english.text
    # A page no worker has rendered yet cannot be served: the friendly 503.
    for _ in range(30):
        missing = get(server, NEVER_VISITED)
        assert missing.status == 503 and "Temporarily unavailable" in missing.text
    while_down()

    restore()
    # Within a second (and the time the requests take, on a loaded machine) all is as before.
    assert wait_for(lambda: get(server, "/healthz").status == 200, 1.5)
    assert wait_for(lambda: STALE_EN not in get(server, SPINE).text, 1.5)
    assert get(server, SPINE).status == 200
    assert get(server, NEVER_VISITED).status == 200

    log = server.output()
    # One line when it started, one when it ended: no traceback per request.
    assert "Traceback" not in log
    assert "Service Unavailable" not in log  # nor a line for each poll of the health check
    assert log.count("database unavailable:") == 1, log
    assert log.count("database available again") == 1, log


@pytest.mark.skipif(ON_POSTGRESQL, reason="the site runs on SQLite only when the suite does")
def test_the_sqlite_file_moved_away_and_back():
    site = production_site()
    database = temporary_directory("hospital-outage-") / "db.sqlite3"
    shutil.copy(urlsplit(site["DATABASE_URL"]).path, database)
    moved = database.with_name("moved.sqlite3")

    def no_empty_database_was_made():
        assert not database.exists()

    with Gunicorn({**site, "DATABASE_URL": f"sqlite:///{database}"}, bind()) as server:
        check_database_outage(
            server,
            cut=lambda: database.rename(moved),
            restore=lambda: moved.rename(database),
            while_down=no_empty_database_was_made,
        )


@contextmanager
def site_behind_a_proxy(**env):
    """The production site on PostgreSQL, reached through a proxy the test can cut: (server, proxy)."""
    site = production_site()
    parts = urlsplit(site["DATABASE_URL"])
    with CuttableProxy((parts.hostname, parts.port or 5432)) as proxy:
        through_proxy = parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}").geturl()
        with Gunicorn({**site, "DATABASE_URL": through_proxy, **env}, bind()) as server:
            yield server, proxy


@pytest.mark.skipif(not ON_POSTGRESQL, reason="runs when the suite runs on PostgreSQL")
def test_postgresql_cut_off_and_back():
    with site_behind_a_proxy() as (server, proxy):
        check_database_outage(server, cut=proxy.cut, restore=proxy.restore)


@contextmanager
def copy_of_the_site_code():
    """The code as deployed in its own folder, to be changed as a deploy changes it."""
    from tests.support.serving import ROOT

    copy = temporary_directory("hospital-code-")
    for folder in ("departments", "hospital_site", "templates", "locale", "static"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("manage.py", "gunicorn.conf.py", "requirements.txt"):
        shutil.copy(ROOT / name, copy / name)
    yield copy


def test_after_a_deploy_no_page_is_served_from_the_old_templates():
    marker = '<meta name="deployed" content="new templates">'
    with copy_of_the_site_code() as code, Gunicorn(production_site(), bind(), workers=2, root=code) as server:
        # Rendered by the old templates, and kept in the shared cache (the cache table).
        assert marker not in get(server, SPINE).text
        base = Path(code) / "templates" / "base.html"
        base.write_text(base.read_text().replace("<head>\n", f"<head>\n{marker}\n", 1))

        server.reload()  # as `systemctl reload hospital` does after a deploy
        assert wait_for(lambda: marker in get(server, SPINE).text, 20, step=0.2)
        # Once the old workers have finished and left, every page is the new one.
        assert wait_for(lambda: server.output().count("Worker exiting") >= 2, 30, step=0.2)
        for path in (SPINE, SPINE_ZH, "/en/", "/en/departments/") * 5:
            assert marker in get(server, path).text, path


@pytest.mark.usefixtures("redis_server_installed")
@pytest.mark.skipif(
    ON_POSTGRESQL, reason="the SQLite file is moved here; cutting PostgreSQL off is tested above"
)
def test_with_redis_a_worker_that_never_rendered_a_page_serves_it_during_an_outage():
    """The last rendered page of each address is kept in Redis too: a worker started after the
    database went down (a reload, a recycled worker) still has every page to serve."""
    site = production_site()
    database = temporary_directory("hospital-outage-") / "db.sqlite3"
    shutil.copy(urlsplit(site["DATABASE_URL"]).path, database)
    moved = database.with_name("moved.sqlite3")
    with RedisServer() as redis:
        env = {**site, "REDIS_URL": redis.url, "DATABASE_URL": f"sqlite:///{database}"}
        with Gunicorn(env, bind()) as server:
            assert get(server, SPINE).status == 200  # rendered, and kept in Redis
        database.rename(moved)
        try:
            with Gunicorn(env, bind()) as fresh:  # a new worker: nothing in its memory
                page = get(fresh, SPINE)
                assert page.status == 200 and STALE_EN in page.text
                assert get(fresh, NEVER_VISITED).status == 503
        finally:
            moved.rename(database)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="runs when the suite runs on PostgreSQL")
def test_a_database_that_hangs_costs_one_request_its_timeout_not_every_request():
    # A retry window of a minute: what is asserted is what the site asked, not how fast it answered.
    with site_behind_a_proxy(DJANGO_OUTAGE_RETRY_SECONDS="60") as (server, proxy):
        assert get(server, SPINE).status == 200
        proxy.hang()
        started = time.monotonic()
        # It waits for the connect timeout (5 s), once: longer than a refusal, shorter than forever.
        assert request(server.bind, "/healthz", timeout=30).status == 503
        waited = time.monotonic() - started
        assert 4 < waited < 15, waited
        connections = proxy.accepted
        # Within the window, nothing asks the database again.
        for path in (SPINE, NEVER_VISITED, "/en/search/?q=spine", "/en/admin/login/"):
            response = get(server, path)
            assert response.status in (200, 503), path
            assert response.status == 503 or STALE_EN in response.text, path
        assert proxy.accepted == connections
