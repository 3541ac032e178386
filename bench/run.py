"""Page throughput against a static file of the same size, through the same gunicorn.

    make bench                       # the real content (4 departments)
    make bench BENCH_ARGS="--departments 1000"

Starts gunicorn (2 workers, production settings, SQLite in a temporary folder) on loopback, warms
up, then measures with wrk, in alternation and over several rounds: the overview, a department
page, a Chinese department page, a search, a static file of the department page's size served
by whitenoise, and a bare Django view returning the same bytes. Prints requests/s, p50 and p99
(medians over the rounds) and the ratios page/static and page/bare, then the render path alone
(in-process, cache bypassed, median of 200 renders) of the department page and the overview.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
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


def wrk(url, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
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
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    ensure_wrk()

    workdir = Path(tempfile.mkdtemp(prefix="hospital-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_PRODUCTION": "true",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DJANGO_HTTPS": "false",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
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

        targets = {
            "overview /en/": "/en/",
            f"department /en/departments/{slug}/": f"/en/departments/{slug}/",
            f"department /zh-hans/departments/{slug}/": f"/zh-hans/departments/{slug}/",
            f"search {search}": search,
            "static file, same size": "/static/bench/same-size.html",
            "bare Django view, same bytes": "/bench/bare/",
        }
        for name, path in list(targets.items()):
            try:
                fetch(base + path)
            except urllib.error.HTTPError as error:
                print(f"Left out {name}: HTTP {error.code}")
                del targets[name]
                continue
            subprocess.run(["wrk", "-t1", "-c4", "-d1s", base + path], capture_output=True, check=True)
        runs = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, path in targets.items():
                runs[name].append(wrk(base + path, args.seconds, args.connections))
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
    static = results["static file, same size"]
    bare = results["bare Django view, same bytes"]
    wrk_args = f"wrk -t2 -c{args.connections} -d{args.seconds}s"
    print(f"\nPage size: {len(page):,} bytes; {wrk_args} × {args.rounds} rounds")
    header = ("target", "req/s", "p50 ms", "p99 ms", "÷ static", "÷ bare")
    print("| {:<48} | {:>8} | {:>7} | {:>7} | {:>8} | {:>7} | non-2xx |".format(*header))
    print(f"|{'-' * 50}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 10}|{'-' * 9}|---------|")
    for name, r in results.items():
        print(
            f"| {name:<48} | {r['rps']:>8.0f} | {r['p50_ms']:>7.2f} | {r['p99_ms']:>7.2f} "
            f"| {r['rps'] / static['rps']:>8.2f} | {r['rps'] / bare['rps']:>7.2f} | {r['failures']:>7} |"
        )
    render_ms = render_times(env, slug, args.renders)
    print(f"\nRender path (in-process, no page cache, median of {args.renders}):")
    for name, milliseconds in render_ms.items():
        print(f"  {name}: {milliseconds:.2f} ms")
    shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"results": results, "render_ms": render_ms, "page_bytes": len(page)}, indent=2)
        )
    if any(r["failures"] for r in results.values()):
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
