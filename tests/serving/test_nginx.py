"""The deployment recipe, run for real: Debian's nginx with deploy/nginx/hospital.conf in front of
gunicorn on a unix socket, TLS with a self-signed certificate, all on loopback.

Without nginx installed these tests are skipped (and say so); in CI (CI=true) they fail instead,
since .ci/run must install it (`apt-get install -y nginx`).
"""

import json
import os
import re
import socket
import ssl
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from PIL import Image

from departments.content.photos import MAX_UPLOAD_BYTES
from tests.support.headers import HSTS
from tests.support.serving import NGINX, SITE_CONFIG, Gunicorn, Nginx, production_site, request, wait_for

RENDITION = "photos/departments/renditions/spine-1a2b3c4d5e-480.webp"

if NGINX is None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true and nginx is not installed: .ci/run must `apt-get install -y nginx`")
    pytest.skip("nginx is not installed here (apt-get install nginx): deployment tests not run")


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
    socket_path = tmp / "gunicorn.sock"
    # One worker: if any slow client could hold it, the slow-client test would see it blocked.
    with (
        Gunicorn(env, f"unix:{socket_path}", workers=1) as gunicorn,
        Nginx(tmp, [f"unix:{socket_path}"], media_root.parent) as nginx,
    ):
        yield {
            "https": nginx.https,
            "http": nginx.http,
            "static_root": Path(env["DJANGO_STATIC_ROOT"]),
            "gunicorn": gunicorn,
        }


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
    """A photo of this many bytes posted to the admin's add form through nginx, as a browser posts
    it: multipart, with the form's CSRF token, which Django reads the whole body to find. (A request
    Django refuses before reading its body, for want of a token, races nginx, still sending that
    body: a 502 when Django's early answer wins.)"""
    page = get(deployed, "/en/admin/login/")
    cookie = re.search(r"(__Host-csrftoken=[^;]+)", page.headers["Set-Cookie"])[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    boundary = "----photo-upload-boundary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="photo"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    return get(
        deployed,
        "/en/admin/departments/department/add/",
        method="POST",
        body=head + b"x" * size + f"\r\n--{boundary}--\r\n".encode(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": "https://localhost",
            "Cookie": cookie,
        },
        timeout=30,
    )


def test_an_oversized_upload_is_refused_with_413(deployed):
    assert post_upload(deployed, 13 * 1024 * 1024).status == 413


def test_the_body_limit_leaves_room_for_the_largest_photo():
    """A photo may be up to MAX_UPLOAD_BYTES; the form around it needs room too (a megabyte)."""
    limit = re.search(r"^\s*client_max_body_size (\d+)m;", SITE_CONFIG.read_text(), re.MULTILINE)
    assert int(limit[1]) * 1024 * 1024 >= MAX_UPLOAD_BYTES + 1024 * 1024


def test_a_photo_sized_upload_gets_through_to_django(deployed):
    # Django answered, not nginx, having read the whole form: nobody is signed in, so to the login.
    response = post_upload(deployed, MAX_UPLOAD_BYTES + 512 * 1024)
    assert response.status == 302
    assert "/en/admin/login/" in response.headers["Location"]


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
        # A path nginx never answers from its cache: the worker itself must answer.
        response = get(deployed, "/en/search/?q=spine", timeout=5)
        assert response.headers["X-Cache"] in (None, "BYPASS")
        assert response.status == 200
        assert time.monotonic() - started < 5
    finally:
        for connection in slow:
            connection.close()


# --- nginx's cache of public pages ----------------------------------------------------------


def cached_twice(deployed, path, **kwargs):
    """The X-Cache of the second of two requests in a row (nginx keeps a page until its second ends,
    so they are made at the start of a second)."""
    now = time.time()
    time.sleep(1 - (now - int(now)))
    first = get(deployed, path, **kwargs)
    second = get(deployed, path, **kwargs)
    return first, second


@pytest.mark.parametrize("path", ["/en/departments/spine-surgery/", "/zh-hans/", "/api/v1/departments/"])
def test_public_pages_are_answered_by_nginx_itself(deployed, path):
    first, second = cached_twice(deployed, path)
    assert first.status == second.status == 200
    assert second.headers["X-Cache"] == "HIT"
    assert second.body == first.body
    # Browsers revalidate every visit; shared caches keep it a second; nginx's own header stays home.
    assert second.headers["Cache-Control"] == "public, max-age=0, s-maxage=1, stale-if-error=86400"
    assert "X-Accel-Expires" not in second.headers
    assert second.headers["Vary"] == "Accept-Encoding"


def test_each_encoding_is_its_own_entry(deployed):
    plain, gzipped = (
        cached_twice(deployed, "/en/departments/", headers={"Accept-Encoding": encoding})[1]
        for encoding in ("identity", "gzip")
    )
    assert plain.headers["X-Cache"] == gzipped.headers["X-Cache"] == "HIT"
    assert "Content-Encoding" not in plain.headers
    assert gzipped.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/en/admin/login/", {}),
        ("/en/search/?q=spine", {}),
        ("/en/departments/spine-surgery/?utm=x", {}),
        ("/en/departments/spine-surgery/", {"Cookie": "__Host-sessionid=abc"}),
        ("/en/departments/spine-surgery/", {"Cookie": "theme=dark; sessionid=abc"}),
        ("/healthz", {}),
    ],
)
def test_never_from_the_cache(deployed, path, headers):
    """The admin, search, query strings, a signed-in editor, the health check: the app answers."""
    _first, second = cached_twice(deployed, path, headers=headers)
    assert second.headers["X-Cache"] in (None, "MISS", "BYPASS"), path


def test_a_post_is_never_answered_from_the_cache(deployed):
    get(deployed, "/en/departments/spine-surgery/")
    response = get(deployed, "/en/departments/spine-surgery/", method="POST", body=b"x=1")
    # The app's answer (CSRF's 403, before the view's 405), not the cached page.
    assert response.status == 403 and "Spine Surgery" not in response.text
    assert response.headers["X-Cache"] in (None, "MISS", "BYPASS")


def test_after_its_second_nginx_revalidates_with_the_etag(deployed):
    first, _ = cached_twice(deployed, "/en/conditions/")
    assert wait_for(lambda: get(deployed, "/en/conditions/").headers["X-Cache"] == "REVALIDATED", 3)
    again = get(deployed, "/en/conditions/")
    assert again.body == first.body and again.headers["ETag"] == first.headers["ETag"]
    # The app answered that revalidation with a 304, no page.
    assert '"GET /en/conditions/ HTTP/1.1" 304' in deployed["gunicorn"].output()
