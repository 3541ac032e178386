"""How long loading content fixtures takes, on SQLite and PostgreSQL, at 100 to 5,000 departments.

    python bench/load_benchmark.py                                  # 100, 1000, 5000; both databases
    python bench/load_benchmark.py --sizes 100 1000 --databases sqlite
    python bench/load_benchmark.py --sizes 5000 --phases load       # the first load only

For each size, bench/generate_fixtures.py writes a synthetic set (11 records a department); then,
for each database, a fresh migrated database gets:

- load:     `loaddata` of every file, every row new;
- reload:   the same again, the refresh that changes nothing (every row found and rewritten);
- preview:  `refresh_content` on the same files (load, compare, roll back).

Each is timed in its own process (Django started, database migrated, outside the timing) and
reported in seconds and rows per second. Rows per second that stay flat as the size grows mean the
cost grows linearly. PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/
hospital_bench_load), a database this script drops and creates.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PHASES = ["load", "reload", "preview"]
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/hospital_bench_load")


def fresh_postgres(url):
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def measure(database_url, fixtures, phases):
    """In a child process: migrate, then time the phases (load, reload, preview) in that order."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "hospital_site.settings"}
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [PYTHON, __file__, "--child", str(fixtures), "--phases", *phases],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def child(fixtures, phases):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    files = sorted(str(path) for path in Path(fixtures).glob("*.json"))
    rows = sum(len(json.loads(Path(path).read_text())) for path in files)
    timings = {"rows": rows}
    for name, command, arguments in [
        ("load", "loaddata", files),
        ("reload", "loaddata", files),
        ("preview", "refresh_content", [fixtures]),
    ]:
        if name not in phases:
            continue
        start = time.perf_counter()
        call_command(command, *arguments, verbosity=0, stdout=io.StringIO())
        timings[name] = time.perf_counter() - start
    print(json.dumps(timings))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000], help="departments")
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    parser.add_argument(
        "--phases",
        nargs="+",
        choices=PHASES,
        default=PHASES,
        help="what to time (a later phase needs the rows of the load, which always runs first)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    phases = [phase for phase in PHASES if phase in args.phases or phase == "load"]
    if args.child:
        return child(args.child, phases)

    print(f"{'database':<10} {'departments':>11} {'rows':>7}  " + "  ".join(f"{p:>17}" for p in phases))
    with tempfile.TemporaryDirectory(prefix="load-bench-") as workdir:
        for size in args.sizes:
            fixtures = Path(workdir) / f"fixtures-{size}"
            subprocess.run(
                [PYTHON, "bench/generate_fixtures.py", "--departments", str(size), "--out", str(fixtures)],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            for database in args.databases:
                if database == "sqlite":
                    url = f"sqlite:///{Path(workdir) / f'bench-{size}.sqlite3'}"
                else:
                    url = fresh_postgres(POSTGRES_URL)
                timings = measure(url, fixtures, phases)
                cells = [
                    f"{timings[name]:6.1f} s {timings['rows'] / timings[name]:6.0f}/s" for name in phases
                ]
                print(f"{database:<10} {size:>11,} {timings['rows']:>7,}  " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
