import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def content(db):
    """The real site content, loaded the way staff load it."""
    call_command("loaddata", *FIXTURES, verbosity=0)


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
