"""Grade the production configuration with Mozilla's HTTP Observatory, run locally.

    sudo .venv/bin/python bench/observatory.py          # prints the grade, score and every test

A manual step, not part of `make test` (it needs root and the npm registry): it installs the scanner from npm
(`npm install --ignore-scripts @mdn/mdn-http-observatory`) into a temporary directory, and the
scanner only knows ports 80 and 443, so it needs root to bind them on loopback. It serves the
site with the production settings from gunicorn: HTTPS on 443 with a self-signed certificate
for "localhost" (which the scanner is told to trust, as a browser would trust a real
certificate), plain HTTP on 80 (which redirects), then scans "localhost".
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.serving import Gunicorn, production_site  # noqa: E402

SCANNER = "@mdn/mdn-http-observatory"


def main():
    if os.geteuid() != 0:
        sys.exit("The scanner only scans ports 80 and 443: run this as root.")
    work = Path(tempfile.mkdtemp(prefix="observatory-"))
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", work / "key.pem", "-out", work / "cert.pem", "-days", "2", "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost"],
        check=True,
        capture_output=True,
    )
    print("Installing the scanner from npm ...", flush=True)
    subprocess.run(["npm", "init", "-y"], cwd=work, check=True, capture_output=True)
    subprocess.run(
        ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", SCANNER],
        cwd=work,
        check=True,
        capture_output=True,
    )
    # The install script we skipped would download Chromium's HSTS preload list (the scanner
    # only looks names up in it, and "localhost" is never on it): an empty list does the same.
    (work / "node_modules" / SCANNER / "conf" / "hsts-preload.json").write_text("{}")
    print("Preparing the production site ...", flush=True)
    env = production_site()
    https = ["--certfile", str(work / "cert.pem"), "--keyfile", str(work / "key.pem")]
    # Plain HTTP first: the helper waits until it answers, and then so does the HTTPS one soon.
    with (
        Gunicorn(env, "127.0.0.1:80", workers=1),
        Gunicorn(env, "127.0.0.1:443", workers=2, extra_args=https),
    ):
        scanner = work / "node_modules" / SCANNER / "src" / "scan.js"
        result = subprocess.run(
            ["node", scanner, "localhost"],
            env={**os.environ, "NODE_EXTRA_CA_CERTS": str(work / "cert.pem")},
            capture_output=True,
            text=True,
            timeout=120,
        )
    report = json.loads(result.stdout)
    if "error" in report:
        sys.exit(f"Scan failed: {report['error']}")
    scan = report["scan"]
    passed = f"{scan['testsPassed']}/{scan['testsQuantity']}"
    print(f"\nHTTP Observatory grade {scan['grade']} (score {scan['score']}), tests passed {passed}")
    for name, test in sorted(report["tests"].items()):
        print(
            f"  {'pass' if test['pass'] else 'FAIL'}  {test['scoreModifier']:+4d}  {name}: {test['result']}"
        )


if __name__ == "__main__":
    main()
