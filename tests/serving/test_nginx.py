"""The deployment recipe, run for real: Debian's nginx with deploy/nginx/hospital.conf in front of
gunicorn on a unix socket, TLS with a self-signed certificate, all on loopback.

Without nginx installed these tests are skipped (and say so); in CI (CI=true) they fail instead,
since .ci/run must install it (`apt-get install -y nginx`).
"""

import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from PIL import Image

from departments.content.photos import MAX_UPLOAD_BYTES
from tests.support.headers import HSTS
from tests.support.serving import ROOT, Gunicorn, free_port, production_site, request

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
SITE_CONFIG = ROOT / "deploy" / "nginx" / "hospital.conf"
RENDITION = "photos/departments/renditions/spine-1a2b3c4d5e-480.webp"

if NGINX is None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true and nginx is not installed: .ci/run must `apt-get install -y nginx`")
    pytest.skip("nginx is not installed here (apt-get install nginx): deployment tests not run")


def site_config(tmp, http_port, https_port, media_parent):
    """deploy/nginx/hospital.conf with its `# TEST:` lines pointed at this test's files and ports."""
    replacements = {
        "socket": f"    server unix:{tmp / 'gunicorn.sock'} fail_timeout=0;",
        "http": f"    listen 127.0.0.1:{http_port};",
        "https": f"    listen 127.0.0.1:{https_port} ssl http2;",
        "drop": None,  # the IPv6 listeners
        "name": "    server_name localhost;",
        "cert": f"    ssl_certificate {tmp / 'cert.pem'};",
        "key": f"    ssl_certificate_key {tmp / 'key.pem'};",
        "media": f"        root {media_parent};",
    }
    used, lines = set(), []
    for line in SITE_CONFIG.read_text().splitlines():
        tag = re.search(r"# TEST: (\w+)$", line)
        if tag:
            used.add(tag[1])
            line = replacements[tag[1]]
        if line is not None:
            lines.append(line)
    # The test and the recipe must not drift apart.
    assert used == set(replacements)
    return "\n".join(lines) + "\n"


def main_config(tmp):
    """What Debian's /etc/nginx/nginx.conf provides, reduced to this test's own directories."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    access_log {tmp / 'access.log'};\n{temp_paths}"
        f"    include {tmp / 'hospital.conf'};\n"
        "}\n"
    )


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    env = {**production_site(), "DJANGO_TRUSTED_PROXIES": "1"}
    media_root = Path(env["DJANGO_MEDIA_ROOT"])
    (media_root / RENDITION).parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (48, 32), "teal").save(media_root / RENDITION, "WEBP")
    (media_root / "photos" / "departments" / "renditions" / "notes.html").write_text(
        "<script>alert(1)</script>"
    )
    (media_root / "photos" / "departments" / "drawing.svg").write_text("<svg onload='alert(1)'></svg>")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", tmp / "key.pem", "-out", tmp / "cert.pem", "-days", "2", "-subj", "/CN=localhost"],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    (tmp / "hospital.conf").write_text(site_config(tmp, http_port, https_port, media_root.parent))
    (tmp / "nginx.conf").write_text(main_config(tmp))
    command = [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr

    # One worker: if any slow client could hold it, the slow-client test would see it blocked.
    with Gunicorn(env, f"unix:{tmp / 'gunicorn.sock'}", workers=1) as gunicorn:
        nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 15
            while not port_open(https_port):
                assert nginx.poll() is None and time.monotonic() < deadline, (tmp / "error.log").read_text()
                time.sleep(0.1)
            yield {
                "https": f"127.0.0.1:{https_port}",
                "http": f"127.0.0.1:{http_port}",
                "static_root": Path(env["DJANGO_STATIC_ROOT"]),
                "gunicorn": gunicorn,
            }
        finally:
            nginx.terminate()
            nginx.wait(timeout=15)


def port_open(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def get(deployed, path, **kwargs):
    return request(deployed["https"], path, tls=True, **kwargs)


def test_a_page_through_nginx_with_every_header_once(deployed):
    response = get(deployed, "/en/departments/spine-surgery/")
    assert response.status == 200
    assert "Spine Surgery" in response.text
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert response.headers["Content-Security-Policy"].endswith("; upgrade-insecure-requests")
    for name in (
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
        "Cross-Origin-Resource-Policy",
    ):
        assert len(response.headers.get_all(name) or []) == 1, name
    assert "Set-Cookie" not in response.headers
    assert response.headers["Server"] == "nginx"  # no version


def test_plain_http_is_redirected_to_https(deployed):
    response = request(deployed["http"], "/en/?x=1")
    assert response.status == 301
    assert response.headers["Location"] == "https://localhost/en/?x=1"


def test_https_is_not_redirected_again_whatever_the_client_claims(deployed):
    # nginx overwrites X-Forwarded-Proto, so a client cannot talk Django into a redirect loop.
    response = get(deployed, "/en/", headers={"X-Forwarded-Proto": "http"})
    assert response.status == 200


def test_a_static_file_compressed_and_cached_for_good(deployed):
    manifest = json.loads((deployed["static_root"] / "staticfiles.json").read_text())["paths"]
    response = get(deployed, f"/static/{manifest['css/site.css']}", headers={"Accept-Encoding": "br"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response.headers["Content-Security-Policy"]


def test_an_uploaded_photo_is_served_by_nginx_as_an_image(deployed):
    response = get(deployed, f"/media/{RENDITION}")
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.body[:4] == b"RIFF"


@pytest.mark.parametrize(
    "path",
    [
        "photos/departments/renditions/notes.html",
        "photos/departments/drawing.svg",
        "photos/",
        "../db.sqlite3",
    ],
)
def test_nothing_but_images_under_media(deployed, path):
    response = get(deployed, f"/media/{path}")
    assert response.status in (400, 404)
    assert b"alert" not in response.body


def post_upload(deployed, size):
    """A request body of this many bytes to the admin's add form, through nginx."""
    return get(
        deployed,
        "/en/admin/departments/department/add/",
        method="POST",
        body=b"x" * size,
        headers={"Content-Type": "application/octet-stream"},
        timeout=30,
    )


def test_an_oversized_upload_is_refused_with_413(deployed):
    assert post_upload(deployed, 13 * 1024 * 1024).status == 413


def test_the_body_limit_leaves_room_for_the_largest_photo():
    """A photo may be up to MAX_UPLOAD_BYTES; the form around it needs room too (a megabyte)."""
    limit = re.search(r"^\s*client_max_body_size (\d+)m;", SITE_CONFIG.read_text(), re.MULTILINE)
    assert int(limit[1]) * 1024 * 1024 >= MAX_UPLOAD_BYTES + 1024 * 1024


def test_a_photo_sized_upload_gets_through_to_django(deployed):
    # Django answered, not nginx: an anonymous POST without a CSRF token is forbidden.
    assert post_upload(deployed, MAX_UPLOAD_BYTES + 512 * 1024).status == 403


def csrf_login(deployed, username, password, forwarded_for):
    page = get(deployed, "/en/admin/login/")
    cookie = re.search(r"(__Host-csrftoken=[^;]+)", page.headers["Set-Cookie"])[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    return get(
        deployed,
        "/en/admin/login/",
        method="POST",
        body=urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password}),
        headers={
            "Origin": "https://localhost",
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": forwarded_for,
        },
    )


def test_lockout_behind_nginx_uses_the_address_nginx_saw(deployed):
    # Every try claims another address; nginx replaces the claim with the real one (127.0.0.1).
    for attempt in range(4):
        response = csrf_login(deployed, "nginx-ghost", f"wrong {attempt}", forwarded_for=f"192.0.2.{attempt}")
        assert response.status == 200
    # The fifth failure locks the pair (this name, 127.0.0.1) at once.
    locked = csrf_login(deployed, "nginx-ghost", "wrong again", forwarded_for="192.0.2.99")
    assert locked.status == 429
    assert "Login temporarily locked" in locked.text


def test_a_slow_client_does_not_block_a_normal_request(deployed):
    """gunicorn has one worker here; nginx, not the worker, waits on the slow clients."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    host, port = deployed["https"].split(":")
    slow = []
    try:
        for partial in (
            b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ",  # headers never finished
            b"POST /en/admin/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4096\r\n\r\nuser",  # body
        ):
            connection = context.wrap_socket(
                socket.create_connection((host, int(port))), server_hostname="localhost"
            )
            connection.sendall(partial)
            slow.append(connection)
        # Nothing outside nginx tells when it has read what the slow clients sent; half a second
        # is ample on loopback, and too short a wait would only make the test pass more easily.
        time.sleep(0.5)
        started = time.monotonic()
        response = get(deployed, "/en/departments/", timeout=5)
        assert response.status == 200
        assert time.monotonic() - started < 5
    finally:
        for connection in slow:
            connection.close()
