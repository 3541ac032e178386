"""Past one machine: two app hosts (two working copies, each its own gunicorn on its own port)
behind one nginx running deploy/nginx/hospital.conf, on one database and one Redis, all on
loopback. One deployment for the module; each test leaves it as it found it.

The database is the suite's (PostgreSQL when DATABASE_URL says so, each host reaching it through a
link the test can cut, as a restart of the server cuts it; else one SQLite file both hosts open).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.support.serving import (
    NGINX,
    REDIS_SERVER,
    CuttableProxy,
    Gunicorn,
    Load,
    Nginx,
    RedisServer,
    clean_env,
    copy_of_site_code,
    free_port,
    production_site,
    request,
    temporary_directory,
    wait_for,
)

# One deployment for the module: its tests go to one pytest-xdist worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("two-hosts")
PROXIED = {"X-Forwarded-Proto": "https"}
SPINE = "/en/departments/spine-surgery/"
STALE_EN = "This page may be out of date"
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
# Pages and searches a visitor asks for; nginx answers the pages, the hosts the searches.
BROWSING = [
    SPINE,
    "/zh-hans/departments/spine-surgery/",
    "/en/",
    "/en/departments/",
    "/en/search/?q=spine",
    f"/zh-hans/search/?q={quote('脊柱')}",
    "/en/conditions/",
]

missing = [name for name, found in (("nginx", NGINX), ("redis-server", REDIS_SERVER)) if found is None]
if missing:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {', '.join(missing)} missing: .ci/run must install them")
    pytest.skip(f"{', '.join(missing)} not installed: two-host tests not run", allow_module_level=True)


def own_database(site):
    """A database of this module's own, as the site's (so that its edits reach no other test):
    (DATABASE_URL, cut, restore)."""
    if not ON_POSTGRESQL:
        database = temporary_directory("hospital-hosts-") / "db.sqlite3"
        shutil.copy(urlsplit(site["DATABASE_URL"]).path, database)
        moved = database.with_name("moved.sqlite3")
        return f"sqlite:///{database}", lambda: database.rename(moved), lambda: moved.rename(database), None
    import psycopg
    from psycopg import sql

    parts = urlsplit(site["DATABASE_URL"])
    template = parts.path.lstrip("/")
    name = f"{template}_hosts"
    server = parts._replace(path="/postgres").geturl()

    def run(statement, *names):
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))

    run("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    run("CREATE DATABASE {} TEMPLATE {}", name, template)
    proxy = CuttableProxy((parts.hostname, parts.port or 5432)).__enter__()
    url = parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}", path=f"/{name}").geturl()

    def drop():
        proxy.__exit__()
        run("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    return url, proxy.cut, proxy.restore, drop


class Host:
    """One app host: its working copy and its gunicorn (two workers), which a test may restart."""

    def __init__(self, env):
        self.code = copy_of_site_code()
        self.env = env
        self.bind = f"127.0.0.1:{free_port()}"
        self.gunicorn = Gunicorn(env, self.bind, workers=2, root=self.code)

    def get(self, path):
        return request(self.bind, path, headers=PROXIED)

    def start(self):
        self.gunicorn.__enter__()

    def restart(self):
        """As `systemctl restart hospital` on that host: stop (finishing requests), start."""
        self.gunicorn.stop()
        self.start()

    def back_in_rotation(self, seconds=10):
        """Whether nginx sends this host requests again within so many seconds (its access log
        names the client nginx forwarded for; the tests' own requests name none)."""
        before = self.gunicorn.output().count("\n127.0.0.1 ")
        return wait_for(lambda: self.gunicorn.output().count("\n127.0.0.1 ") > before, seconds, step=0.1)

    def kill(self):
        """As a host that dies: the master and its workers killed at once."""
        children = subprocess.run(
            ["pgrep", "-P", str(self.gunicorn.process.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in [self.gunicorn.process.pid, *map(int, children)]:
            os.kill(pid, signal.SIGKILL)
        self.gunicorn.process.wait()

    def manage_shell(self, code):
        """Python run by manage.py shell in this host's copy, with its settings (an editor's script)."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=self.code,
            env=clean_env(**self.env),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    site = production_site()
    url, cut, restore, drop = own_database(site)
    try:
        with RedisServer() as redis:
            env = {**site, "DATABASE_URL": url, "REDIS_URL": redis.url, "DJANGO_TRUSTED_PROXIES": "1"}
            a, b = Host(env), Host(env)
            a.start()
            b.start()
            tmp = tmp_path_factory.mktemp("two-hosts")
            try:
                with Nginx(tmp, [a.bind, b.bind], Path(env["DJANGO_MEDIA_ROOT"]).parent) as nginx:
                    yield {"a": a, "b": b, "nginx": nginx, "redis": redis, "cut": cut, "restore": restore}
            finally:
                a.gunicorn.__exit__()
                b.gunicorn.__exit__()
    finally:
        if drop:
            drop()


def through_nginx(deployment):
    return deployment["nginx"].get


def rename_spine(host, name):
    """Publish a new English name for spine surgery from this host; when the save committed."""
    out = host.manage_shell(
        "import time\n"
        "from departments.models import Department\n"
        "department = Department.objects.get(slug='spine-surgery')\n"
        f"department.name_en = {name!r}\n"
        "department.save()\n"
        "print(time.time())\n"
    )
    return float(out.split()[-1])


def test_an_edit_published_on_host_a_is_served_by_host_b_next_and_by_nginx_once_its_second_ends(
    deployment,
):
    """nginx keeps a page until the end of the second it checked it in (X-Accel-Expires), so the
    first request after that second ends gets the edit. Asserted by the clock's second, not by how
    long anything took: a busy machine makes requests slow, never this wrong."""
    a, b, nginx = deployment["a"], deployment["b"], deployment["nginx"]
    try:
        for number in range(2):
            # Both hosts and nginx hold the page as it is.
            assert b.get(SPINE).status == nginx.get(SPINE).status == 200
            assert nginx.get(SPINE).headers["X-Cache"] in ("HIT", "REVALIDATED")
            name = f"<h1>Spine Surgery, edit {number}</h1>"
            published = rename_spine(a, name[4:-5])
            assert name in b.get(SPINE).text
            # nginx's copy was checked in before the publish, so it ends with the publish's second
            # at the latest (nginx counts whole seconds; 50 ms for its clock).
            wait_until(int(published) + 1.05)
            response = nginx.get(SPINE)
            assert name in response.text
            assert response.headers["X-Cache"] in ("EXPIRED", "REVALIDATED", "MISS")
    finally:
        rename_spine(a, "Spine Surgery")


def wait_until(moment):
    time.sleep(max(0.0, moment - time.time()))


def test_a_host_that_dies_under_load_loses_no_request_nginx_could_retry(deployment):
    a = deployment["a"]
    with Load(through_nginx(deployment), BROWSING, clients=4, seconds=60) as load:
        started = time.monotonic()
        assert wait_for(lambda: load.total() > 50, 10)
        a.kill()
        before = load.total()
        assert wait_for(lambda: load.total() > before + 100, 15)
        a.start()
        after = load.total()
        assert wait_for(lambda: load.total() > after + 50, 15)
        print(f"{load.total()} requests in {time.monotonic() - started:.1f} s: {dict(load.statuses)}")
    assert load.failures == [], load.statuses
    # Requests did reach the host that died, before and after.
    assert "GET /en/search/" in a.gunicorn.output()


def test_redis_restarted_under_load_costs_no_request(deployment):
    a, b, redis = deployment["a"], deployment["b"], deployment["redis"]

    def either_host(path, hosts=(a, b)):
        return hosts[hash(path + str(time.monotonic_ns())) % 2].get(path)

    with (
        Load(either_host, BROWSING, clients=3, seconds=60) as direct,
        Load(through_nginx(deployment), BROWSING, clients=2, seconds=60) as proxied,
    ):
        assert wait_for(lambda: direct.total() > 50, 10)
        redis.stop()
        before = direct.total()
        assert wait_for(lambda: direct.total() > before + 50, 15)
        redis.start()
        after = direct.total()
        # A second after its last failure each worker asks Redis again.
        assert wait_for(lambda: direct.total() > after + 50, 15)
        assert wait_for(lambda: a.get("/healthz").text == "ok\n" and b.get("/healthz").text == "ok\n", 3)
    assert direct.failures == [] and proxied.failures == [], (direct.statuses, proxied.statuses)


def test_the_database_restarted_pages_as_the_readme_promises(deployment):
    a, b, nginx = deployment["a"], deployment["b"], deployment["nginx"]
    never_rendered = "/zh-hans/departments/plastic-cosmetic-surgery/"
    for host in (a, b):
        assert host.get(SPINE).status == 200
    deployment["cut"]()
    try:
        for host in (a, b):
            assert wait_for(lambda host=host: host.get("/healthz").status == 503, 2)
            page = host.get(SPINE)
            assert page.status == 200 and STALE_EN in page.text
            assert page.headers["Cache-Control"] == "no-store"
            assert host.get(never_rendered).status == 503
        # Through nginx: the page, whether nginx's last copy or the host's marked one.
        for _ in range(10):
            page = nginx.get(SPINE)
            assert page.status == 200 and "<h1>Spine Surgery</h1>" in page.text
        assert nginx.get(never_rendered).status == 503
    finally:
        deployment["restore"]()
    for host in (a, b):
        assert wait_for(lambda host=host: host.get("/healthz").status == 200, 2)
        # Each worker within a second of its own last look at the database.
        assert wait_for(lambda host=host: STALE_EN not in host.get(SPINE).text, 2)
        assert wait_for(lambda host=host: host.get(never_rendered).status == 200, 2)
    assert wait_for(lambda: nginx.get(never_rendered).status == 200, 2)


def test_a_rolling_deploy_never_serves_old_templates_from_a_restarted_host_nor_a_5xx(deployment):
    a, b, nginx = deployment["a"], deployment["b"], deployment["nginx"]
    marker = f'<meta name="deployed" content="{time.time()}">'
    pages = [path for path in BROWSING if "?" not in path]
    with Load(through_nginx(deployment), BROWSING, clients=3, seconds=60) as load:
        assert wait_for(lambda: load.total() > 50, 10)
        for host in (a, b):
            base = host.code / "templates" / "base.html"
            text = base.read_text()
            assert "<head>\n" in text
            base.write_text(text.replace("<head>\n", f"<head>\n{marker}\n", 1))
            host.restart()
            # Restarted: nothing from the old templates, though Redis holds the old pages.
            for path in pages * 3:
                assert marker in host.get(path).text, path
            # As a deploy script would: the next host only once nginx sends this one requests
            # again (it skips a host that refused for 5 s; with both skipped, it would answer 502).
            assert host.back_in_rotation(), nginx.error_log()[-2000:]
        # Both restarted: nginx's copies from before last until the end of their second.
        time.sleep(1.1)
        for path in pages * 3:
            assert marker in nginx.get(path).text, path
    assert load.failures == [], load.statuses
