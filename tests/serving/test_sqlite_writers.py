"""Two writers at once on the embedded SQLite database: the second waits its turn, never a 500.

Found by the fuzz test (a failed admin login is written by django-axes inside a transaction that
reads first, then updates): in SQLite's default "deferred" transactions a connection that has read
and then wants to write while another connection is writing is refused at once ("database is
locked"), without the busy timeout, since waiting could deadlock. The settings open SQLite
transactions as IMMEDIATE, which take the write lock when they begin, so a second writer waits for
the first within the timeout instead.

The case runs in a fresh process with the site's real settings and a database file of its own.
"""

import subprocess
import sys

from tests.support.serving import ROOT, clean_env

TWO_WRITERS = """
import threading, django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE attempt (failures integer)")
    cursor.execute("INSERT INTO attempt VALUES (0)")
connection.close()

first_has_read, second_has_written = threading.Event(), threading.Event()
problems = []

def reads_then_writes():  # as django-axes records a failed login
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT failures FROM attempt")
            first_has_read.set()
            second_has_written.wait(1)  # with IMMEDIATE the second is still waiting for us
            cursor.execute("UPDATE attempt SET failures = failures + 1")
    except Exception as error:
        problems.append(repr(error))
    finally:
        connection.close()

def writes():
    try:
        first_has_read.wait(5)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE attempt SET failures = failures + 1")
            second_has_written.set()
    except Exception as error:
        problems.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=reads_then_writes), threading.Thread(target=writes)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT failures FROM attempt")
    print(problems or cursor.fetchone()[0])
"""


def test_two_writers_at_once_both_succeed(tmp_path):
    database = tmp_path / "db.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", TWO_WRITERS],
        cwd=ROOT,
        env=clean_env(DATABASE_URL=f"sqlite:///{database}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2", done.stdout
