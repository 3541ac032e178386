"""Page throughput against a static file of the same size, through nginx and through gunicorn.

    make bench                       # the real content (4 departments)
    make bench BENCH_ARGS="--departments 1000"

Starts gunicorn (2 workers, production settings, SQLite in a temporary folder) on loopback and
Debian's nginx in front of it with the shipped deploy/nginx/hospital.conf (TLS, its page cache),
plus a second nginx server block, same TLS, that serves a static file of the department page's
size from disk. Warms up, then measures with wrk, in alternation and over several rounds: the
static file and the department page through nginx; the overview, a department page, a Chinese
department page, a search (cached: one query over and over; cold: every request a query not
asked before), a static file of the same size served by whitenoise, and a bare Django view
returning the same bytes, through gunicorn. Prints requests/s, p50 and p99 (medians over the
rounds) and the ratios to nginx's static file and to gunicorn's, then the render path alone
(in-process, cache bypassed, median of 200 renders) of the department page and the overview,
and how long after a publish nginx serves the new page (a patient reloading every 10 ms).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from tests.support.serving import NGINX, Nginx  # noqa: E402  (the tests' own nginx runner)

# Every request a search not asked before: "spine surgery" in another mix of upper and lower case
# (4,096 of them, more than a worker's search cache holds), the two wrk threads interleaved.
COLD_SEARCH_LUA = """
local threads = {}
function setup(thread) thread:set("id", #threads); table.insert(threads, thread) end
function init(args) counter = id end
function request()
  counter = counter + 2
  local word = ""
  local letters = "spinesurgery"
  for i = 1, #letters do
    local c = letters:sub(i, i)
    if math.floor(counter / 2 ^ (i - 1)) % 2 == 1 then c = c:upper() end
    word = word .. c
  end
  return wrk.format(nil, "/en/search/?q=" .. word:sub(1, 5) .. "+" .. word:sub(6))
end
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("Installing wrk (Debian package)…", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def fixtures_for(departments, workdir):
    if not departments:
        return sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
    out = workdir / "fixtures"
    subprocess.run(
        [PYTHON, "bench/generate_fixtures.py", "--departments", str(departments), "--out", str(out)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return sorted(str(p) for p in out.glob("*.json"))


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def wrk(url, seconds, connections, script=None):
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *(["-s", script] if script else []),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failures = (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return rate, latency["50"], latency["99"], failures


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def fetch_any(url):
    """GET over HTTP or HTTPS (nginx's certificate is self-signed)."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with urllib.request.urlopen(url, timeout=30, context=context) as response:
        return response.status, response.read()


def render_times(env, slug, renders):
    """Median milliseconds to render the department page and the overview in-process, no page cache."""
    code = f"""
import json, statistics, time, django
django.setup()
from django.test import RequestFactory
from django.utils import translation
from departments.pages.views import DepartmentDetailView, overview
department = DepartmentDetailView.as_view()
factory = RequestFactory(headers={{"host": "127.0.0.1"}})
pages = {{
    "department": lambda: department(factory.get("/en/departments/{slug}/"), slug="{slug}").render(),
    "overview": lambda: overview(factory.get("/en/")),
}}
medians = {{}}
with translation.override("en"):
    for name, render in pages.items():
        times = []
        for _ in range({renders} + 10):
            start = time.perf_counter()
            render()
            times.append((time.perf_counter() - start) * 1000)
        medians[name] = statistics.median(times[10:])
print(json.dumps(medians))
"""
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip())


def publish_to_visible(env, slug, url, publishes):
    """Seconds from each publish's commit to the first page through nginx that shows it."""
    waits = []
    for number in range(publishes):
        fetch_any(url)  # nginx holds the page as it is
        name = f"Department renamed for the benchmark, {number}"
        code = (
            "import time\n"
            "from departments.models import Department\n"
            f"department = Department.objects.get(slug={slug!r})\n"
            f"department.name_en = {name!r}\n"
            "department.save()\n"
            "print(time.time())\n"
        )
        out = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        published = float(out.stdout.split()[-1])
        deadline = time.monotonic() + 30
        while name.encode() not in fetch_any(url)[1]:
            if time.monotonic() > deadline:
                raise SystemExit(f"nginx still served the old page 30 s after a publish: {url}")
            time.sleep(0.01)
        waits.append(time.time() - published)
    return waits


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--departments", type=int, default=0, help="generated departments (0: the real content)"
    )
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--publishes", type=int, default=5, help="publishes timed until nginx serves them")
    parser.add_argument("--nginx-workers", type=int, default=1, help="nginx worker processes")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    ensure_wrk()
    if NGINX is None:
        raise SystemExit("nginx is not installed (apt-get install nginx)")

    workdir = Path(tempfile.mkdtemp(prefix="hospital-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_PRODUCTION": "true",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DJANGO_HTTPS": "false",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    print(f"Preparing {'the real content' if not args.departments else f'{args.departments} departments'}…")
    manage(env, "migrate", "--no-input")
    manage(env, "createcachetable")
    fixtures = fixtures_for(args.departments, workdir)
    manage(env, "loaddata", *fixtures)
    manage(env, "collectstatic", "--no-input")
    slug = "spine-surgery" if not args.departments else "department-0001"
    search = "/en/search/?q=spine" if not args.departments else "/en/search/?q=Department"

    base = f"http://127.0.0.1:{port}"
    server = None

    def start(bare_file=""):
        return subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--access-logfile",
                "/dev/null",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**env, "BENCH_BARE_FILE": bare_file},
            start_new_session=True,
        )

    def wait_up():
        for _ in range(100):
            try:
                fetch(base + "/healthz")
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def stop(process):
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

    try:
        # The department page's exact bytes, for the static file and the bare view of the same size.
        server = start()
        wait_up()
        _, page = fetch(f"{base}/en/departments/{slug}/")
        stop(server)
        (workdir / "static" / "bench").mkdir(parents=True)
        (workdir / "static" / "bench" / "same-size.html").write_bytes(page)
        (workdir / "bare.html").write_bytes(page)
        server = start(str(workdir / "bare.html"))
        wait_up()
        (workdir / "nginx-static").mkdir()
        (workdir / "nginx-static" / "same-size.html").write_bytes(page)
        (workdir / "nginx").mkdir()
        (workdir / "cold-search.lua").write_text(COLD_SEARCH_LUA)
        static_port = free_port()
        # The same TLS as the site's server block; the file from disk, as nginx serves any file.
        static_server = (
            f"    server {{\n        listen 127.0.0.1:{static_port} ssl http2;\n"
            f"        ssl_certificate {workdir / 'nginx' / 'cert.pem'};\n"
            f"        ssl_certificate_key {workdir / 'nginx' / 'key.pem'};\n"
            "        ssl_protocols TLSv1.2 TLSv1.3;\n"
            f"        location / {{ root {workdir / 'nginx-static'}; }}\n    }}\n"
        )
        nginx = Nginx(
            workdir / "nginx",
            [f"127.0.0.1:{port}"],
            workdir,
            workers=args.nginx_workers,
            access_log=False,
            extra=static_server,
        )
        with nginx:
            via_nginx = f"https://127.0.0.1:{nginx.https_port}"
            nginx_static = f"https://127.0.0.1:{static_port}"
            targets = {
                "nginx: static file, same size": nginx_static + "/same-size.html",
                f"nginx: department /en/departments/{slug}/ (cache)": f"{via_nginx}/en/departments/{slug}/",
                "gunicorn: static file, same size (whitenoise)": base + "/static/bench/same-size.html",
                "gunicorn: overview /en/": base + "/en/",
                f"gunicorn: department /en/departments/{slug}/": f"{base}/en/departments/{slug}/",
                f"gunicorn: department /zh-hans/departments/{slug}/": f"{base}/zh-hans/departments/{slug}/",
                f"gunicorn: search {search} (cached)": base + search,
                "gunicorn: search, a new query each time (cold)": base + "/en/search/",
                "gunicorn: bare Django view, same bytes": base + "/bench/bare/",
            }
            scripts = {"gunicorn: search, a new query each time (cold)": str(workdir / "cold-search.lua")}
            for name, url in list(targets.items()):
                try:
                    if name not in scripts:
                        fetch_any(url)
                except urllib.error.HTTPError as error:
                    print(f"Left out {name}: HTTP {error.code}")
                    del targets[name]
                    continue
                subprocess.run(["wrk", "-t1", "-c4", "-d1s", url], capture_output=True, check=True)
            runs = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, url in targets.items():
                    runs[name].append(wrk(url, args.seconds, args.connections, scripts.get(name)))
            publish_waits = publish_to_visible(
                env, slug, f"{via_nginx}/en/departments/{slug}/", args.publishes
            )
    finally:
        if server:
            stop(server)

    results = {
        name: {
            "rps": statistics.median(r[0] for r in rounds),
            "p50_ms": statistics.median(r[1] for r in rounds),
            "p99_ms": statistics.median(r[2] for r in rounds),
            "failures": sum(r[3] for r in rounds),
        }
        for name, rounds in runs.items()
    }
    nginx_static = results["nginx: static file, same size"]
    static = results["gunicorn: static file, same size (whitenoise)"]
    wrk_args = f"wrk -t2 -c{args.connections} -d{args.seconds}s"
    print(f"\nPage size: {len(page):,} bytes; {wrk_args} × {args.rounds} rounds, in alternation")
    header = ("target", "req/s", "p50 ms", "p99 ms", "÷ nginx static", "÷ gunicorn static")
    print("| {:<62} | {:>8} | {:>7} | {:>7} | {:>14} | {:>17} | non-2xx |".format(*header))
    print(f"|{'-' * 64}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 16}|{'-' * 19}|---------|")
    for name, r in results.items():
        print(
            f"| {name:<62} | {r['rps']:>8.0f} | {r['p50_ms']:>7.2f} | {r['p99_ms']:>7.2f} "
            f"| {r['rps'] / nginx_static['rps']:>14.2f} | {r['rps'] / static['rps']:>17.2f} "
            f"| {r['failures']:>7} |"
        )
    render_ms = render_times(env, slug, args.renders)
    print(f"\nRender path (in-process, no page cache, median of {args.renders}):")
    for name, milliseconds in render_ms.items():
        print(f"  {name}: {milliseconds:.2f} ms")
    print(
        f"\nPublish to page served by nginx ({len(publish_waits)} publishes): median "
        f"{statistics.median(publish_waits):.2f} s, longest {max(publish_waits):.2f} s"
    )
    shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "results": results,
                    "render_ms": render_ms,
                    "page_bytes": len(page),
                    "publish_to_nginx_s": publish_waits,
                },
                indent=2,
            )
        )
    if any(r["failures"] for r in results.values()):
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
