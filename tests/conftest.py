import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.support.project import FIXTURES

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language, as a new process does: a page request
    activates its page's language in the test's thread (LocaleMiddleware never deactivates it),
    and a later management command would then speak Chinese."""
    from django.utils import translation

    translation.activate(translation.get_supported_language_variant("en"))
    yield
    translation.deactivate()


@pytest.fixture
def content(db):
    """The real site content, loaded the way staff load it.

    The first test that asks for it runs `loaddata`; the rows it wrote are kept and copied back
    into the database for later tests, which is the same content in a fraction of the time.
    Loading itself is tested in test_loaddata.py.
    """
    from departments.models import Revision

    if not CONTENT_ROWS:
        call_command("loaddata", *FIXTURES, verbosity=0)
        # The content only: the revisions the load recorded are not copied (they refer to
        # content types and users by id), so every test starts without a history.
        Revision.objects.all().delete()
        CONTENT_ROWS.extend(read_rows())
    else:
        write_rows(CONTENT_ROWS)


CONTENT_ROWS = []


def content_models():
    from django.apps import apps

    from departments.models import Draft, Revision

    # Parents before children: the order in which the app's models are declared.
    return [
        model for model in apps.get_app_config("departments").get_models() if model not in (Draft, Revision)
    ]


def read_rows():
    from django.db import connection

    rows = []
    with connection.cursor() as cursor:
        for table in (model._meta.db_table for model in content_models()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            rows.append((table, columns, cursor.fetchall()))
    return rows


def write_rows(rows):
    from django.core.management.color import no_style
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, columns, values in rows:
            if not values:
                continue
            names = ", ".join(quote(column) for column in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", values)
        for statement in connection.ops.sequence_reset_sql(no_style(), content_models()):
            cursor.execute(statement)
    # As loaddata does: check the deferred foreign keys now (on PostgreSQL this also clears the
    # pending trigger events that would make a later TRUNCATE in the same transaction fail).
    connection.check_constraints(table_names=[table for table, _columns, _values in rows])


def chromium_available():
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium: skipped (and said so) without it, a failure in CI."""
    if chromium_available():
        return
    in_ci = os.environ.get("CI", "").lower() == "true"
    reason = f"no Chromium at {CHROMIUM}: browser tests not run (install Debian's chromium package)"
    for item in items:
        if "browser" in item.keywords:
            if in_ci:
                item.add_marker(pytest.mark.usefixtures("browser_is_missing"))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def browser_is_missing():
    pytest.fail(f"CI=true and no Chromium at {CHROMIUM}: .ci/run must install Debian's chromium package")


# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# there unless told that this (single-threaded) use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
