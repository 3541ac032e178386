"""The test database as a whole: a dump to compare before and after, and `manage.py` run on it
from another process, as staff run it."""

import contextlib
import io
import os
import sqlite3
import subprocess
import sys

from django.core.management import call_command
from django.db import connections

from tests.support.project import ROOT


def database_dump(exclude=()):
    """Every row of every table (but the models or apps excluded), primary keys included, as text."""
    out = io.StringIO()
    labels = [item if isinstance(item, str) else item._meta.label for item in exclude]
    call_command("dumpdata", all=True, indent=1, stdout=out, exclude=labels)
    return out.getvalue()


def manage_py(tmp_path):
    """A runner of `manage.py ...` (a shell command line) in another process, on this test's
    database; the test must use `transactional_db`, so that both processes see the same rows."""
    connection = connections["default"]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # The test database is in this process's memory: the other process gets a copy in a file
        # (and later the copy is where to look).
        path = tmp_path / "db.sqlite3"
        with sqlite3.connect(path) as copy_:
            connection.connection.backup(copy_)
        url = f"sqlite:///{path}"
    else:
        settings = connection.settings_dict
        url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}

    def run(arguments):
        return subprocess.run(
            f"{sys.executable} manage.py {arguments}",
            shell=True,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


@contextlib.contextmanager
def python_rules_off():
    """Saves that skip the rulebook's check in Python (departments/content/signals.py), to prove
    what the database holds by itself, as it must for any writer that skips Python (SQL, a
    bulk update)."""
    from django.db.models.signals import pre_save

    from departments.content import signals
    from departments.content.fixtures import content_models

    for model in content_models():
        pre_save.disconnect(sender=model, dispatch_uid=f"rules-{model._meta.label_lower}")
    try:
        yield
    finally:
        signals.connect_signals()
