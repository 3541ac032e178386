"""Screenshots of the site for the README: `python docs/make_screenshots.py` (or `make screenshots`).

Serves the real content with gunicorn from a throw-away SQLite database, then photographs the
overview and a department page, desktop and phone, English and Chinese, the conditions A–Z, and a
page with the largest text and in high contrast, with the same Chromium setup as the browser tests
(tests/conftest.py). The PNGs go to docs/screenshots/.

`python docs/make_screenshots.py --serve` only serves the site (for Lighthouse, say) until Ctrl-C.
"""

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PAGES = {"overview": "", "department": "departments/spine-surgery/"}
LANGUAGES = {"en": "en", "zh": "zh-hans"}
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True},
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve_site():
    """The site with its real content at a local address, served as in production (DEBUG off)."""
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="hospital-screens-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/site.sqlite3",
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "DJANGO_DEBUG": "false",
            "DJANGO_PRODUCTION": "false",
        }
        env.pop("REDIS_URL", None)
        for command in (
            ["migrate", "--no-input", "--verbosity", "0"],
            ["createcachetable"],
            [
                "loaddata",
                *sorted(str(path) for path in (ROOT / "fixtures").glob("*.json")),
                "--verbosity",
                "0",
            ],
            ["collectstatic", "--no-input", "--verbosity", "0"],
        ):
            subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
        port = free_port()
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "hospital_site.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{url}/en/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError("the site did not start")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


# Views of reading needs, one each: (file name, path, device, text size, contrast).
READING = [
    ("conditions-zh-phone", "zh-hans/conditions/", "phone", "standard", "no-preference"),
    ("conditions-en-desktop", "en/conditions/", "desktop", "standard", "no-preference"),
    (
        "department-zh-phone-largest-text",
        "zh-hans/departments/spine-surgery/",
        "phone",
        "largest",
        "no-preference",
    ),
    ("department-en-phone-high-contrast", "en/departments/spine-surgery/", "phone", "large", "more"),
]


def take_screenshots(url):
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for device, options in DEVICES.items():
            context = browser.new_context(**options, color_scheme="light", reduced_motion="reduce")
            page = context.new_page()
            for name, path in PAGES.items():
                for short, language in LANGUAGES.items():
                    page.goto(f"{url}/{language}/{path}", wait_until="networkidle")
                    target = OUT / f"{name}-{short}-{device}.png"
                    page.screenshot(path=target)
                    written.append(target)
            context.close()
        for name, path, device, size, contrast in READING:
            context = browser.new_context(
                **DEVICES[device], color_scheme="light", reduced_motion="reduce", contrast=contrast
            )
            # As the text-size control remembers a reader's choice (static/js/text-size.js).
            context.add_init_script(f"localStorage.setItem('text-size', '{size}')")
            page = context.new_page()
            page.goto(f"{url}/{path}", wait_until="networkidle")
            target = OUT / f"{name}.png"
            page.screenshot(path=target)
            written.append(target)
            context.close()
        browser.close()
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help="only serve the site until Ctrl-C")
    options = parser.parse_args()
    with serve_site() as url:
        if options.serve:
            print(f"Serving {url}/ (Ctrl-C to stop)", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
            return
        for path in take_screenshots(url):
            print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
