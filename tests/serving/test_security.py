"""Security headers, cookies and hosts: what every response says, and what public pages never do."""

import json
import re
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings
from PIL import Image

from departments.models import Department
from tests.support.headers import CSP, EVERY_RESPONSE, HSTS, PERMISSIONS_POLICY, PRODUCTION_EVERY_RESPONSE
from tests.support.serving import Gunicorn, clean_env, free_port, manage, production_site, request

PROXIED = {"X-Forwarded-Proto": "https"}


def public_paths():
    paths = ["/", "/en/no-such-page/"]
    for language in ("en", "zh-hans"):
        paths += [f"/{language}/", f"/{language}/departments/"]
        paths += [
            f"/{language}/departments/{slug}/" for slug in Department.objects.values_list("slug", flat=True)
        ]
    return paths


def assert_headers(response, expected):
    for name, value in expected.items():
        assert response.headers.get(name) == value, name


def test_csp_allows_nothing_inline():
    for directive in CSP.split("; "):
        assert "unsafe" not in directive
        assert "data:" not in directive
        assert "*" not in directive


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("path", ["/en/", "/zh-hans/departments/spine-surgery/", "/en/no-such-page/"])
def test_public_pages_send_every_header(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert_headers(response, EVERY_RESPONSE)
    # Plain HTTP (the embedded default): no HSTS, which browsers ignore over HTTP anyway.
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.django_db
def test_admin_pages_send_every_header(client, admin_client):
    assert_headers(client.get("/en/admin/login/"), EVERY_RESPONSE)
    changelist = admin_client.get("/en/admin/departments/department/")
    assert changelist.status_code == 200
    assert_headers(changelist, EVERY_RESPONSE)


@pytest.mark.usefixtures("content")
def test_public_pages_set_no_cookies_and_do_not_vary_on_them(client):
    for path in public_paths():
        for headers in ({}, {"accept-language": "zh-CN"}):
            response = client.get(path, headers=headers)
            assert not response.cookies, path
            assert "Set-Cookie" not in response.headers, path
            assert "Cookie" not in response.headers.get("Vary", ""), path
            assert b"csrfmiddlewaretoken" not in response.content, path


class InlineCode(HTMLParser):
    """Finds what a strict CSP would block: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            if name.startswith("on") or name == "style" or (value or "").strip().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=...>")
        if tag == "style":
            self.found.append("<style>")
        # JSON-LD is data, not script: browsers neither run it nor check it against script-src.
        self.in_script = (
            tag == "script" and "src" not in attributes and attributes.get("type") != "application/ld+json"
        )

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.found.append("inline <script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False


@pytest.mark.usefixtures("content")
def test_public_pages_have_no_inline_script_or_style(client):
    for path in public_paths():
        response = client.get(path, follow=True)
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert parser.found == [], path


@pytest.mark.django_db
def test_a_foreign_host_is_refused(client):
    response = client.get("/en/", headers={"host": "attacker.example.com"})
    assert response.status_code == 400
    assert b"attacker.example.com" not in response.content


# Static files, from a real collectstatic (hashed, compressed) served by WhiteNoise.
@pytest.fixture
def collected_static():
    static_root = Path(production_site()["DJANGO_STATIC_ROOT"])
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=static_root, STORAGES=storages):
        yield manifest


def test_hashed_static_files_are_compressed_and_cached_for_good(collected_static):
    hashed = collected_static["css/site.css"]
    assert hashed != "css/site.css"
    client = Client()
    for encoding in ("br", "gzip"):
        response = client.get(f"/static/{hashed}", headers={"accept-encoding": f"{encoding}, identity"})
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response["Content-Type"].startswith("text/css")
        assert "Accept-Encoding" in response["Vary"]
        assert_headers(response, EVERY_RESPONSE)


def test_unhashed_static_names_are_cached_briefly(collected_static):
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=3600, public"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/static/css/missing.css", "/static/../manage.py", "/static/staticfiles.json.bak"]
)
def test_nothing_but_collected_files_is_served_as_static(collected_static, path):
    assert Client().get(path).status_code == 404


# Uploaded photos without nginx: only generated renditions, as images, never sniffed.
@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    renditions = tmp_path / "photos" / "departments" / "renditions"
    renditions.mkdir(parents=True)
    image = Image.new("RGB", (48, 32), "teal")
    image.save(renditions / "spine-1a2b3c4d5e-480.webp", "WEBP")
    image.save(renditions / "spine-1a2b3c4d5e-480.jpg", "JPEG")
    image.save(tmp_path / "photos" / "departments" / "spine-1a2b3c4d5e.jpg", "JPEG")
    (renditions / "notes-480.html").write_text("<script>alert(1)</script>")
    (tmp_path / "secret-480.jpg").write_bytes(b"not for the public")
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(("extension", "content_type"), [("webp", "image/webp"), ("jpg", "image/jpeg")])
def test_photo_renditions_are_served_as_images(client, media_root, extension, content_type):
    response = client.get(f"/media/photos/departments/renditions/spine-1a2b3c4d5e-480.{extension}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    body = b"".join(response.streaming_content)
    assert (
        body == (media_root / f"photos/departments/renditions/spine-1a2b3c4d5e-480.{extension}").read_bytes()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "photos/departments/spine-1a2b3c4d5e.jpg",  # the uploaded photo itself
        "photos/departments/renditions/notes-480.html",
        "photos/departments/renditions/missing-480.webp",
        "photos/departments/renditions/../../../secret-480.jpg",
        "photos/departments/renditions/%2e%2e/%2e%2e/%2e%2e/secret-480.jpg",
        "secret-480.jpg",
        "photos/departments/renditions/",
    ],
)
def test_nothing_else_under_media_is_served(client, media_root, path):
    response = client.get(f"/media/{path}")
    assert response.status_code == 404
    assert b"not for the public" not in response.content


# The production configuration, served by gunicorn behind a (simulated) TLS proxy.
@pytest.fixture(scope="module")
def production_server():
    env = production_site()
    created = manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "User.objects.filter(username='editor-hsts').exists() or "
        "User.objects.create_superuser('editor-hsts', 'e@example.org', 'A long passphrase 4 tests')",
        env=clean_env(**env),
    )
    assert created.returncode == 0, created.stderr
    with Gunicorn(env, f"127.0.0.1:{free_port()}") as server:
        yield server


def test_production_pages_send_hsts_and_upgrade_requests(production_server):
    for path in ("/en/", "/zh-hans/departments/spine-surgery/", "/en/admin/login/"):
        response = request(production_server.bind, path, headers=PROXIED)
        assert response.status == 200, path
        assert response.headers["Strict-Transport-Security"] == HSTS
        assert response.headers["Content-Security-Policy"] == CSP + "; upgrade-insecure-requests"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Permissions-Policy"] == PERMISSIONS_POLICY


def test_production_redirects_plain_http_to_https(production_server):
    response = request(production_server.bind, "/en/departments/?a=1")
    assert response.status == 301
    assert response.headers["Location"] == "https://localhost/en/departments/?a=1"
    # Django's SecurityMiddleware answers it itself; every header is still there (found by the fuzz).
    assert_headers(response, PRODUCTION_EVERY_RESPONSE)


def test_production_refuses_a_foreign_host_with_every_header(production_server):
    for headers in ({}, PROXIED):
        response = request(production_server.bind, "/en/", headers={"Host": "attacker.example", **headers})
        assert response.status == 400
        assert_headers(response, PRODUCTION_EVERY_RESPONSE)


def test_no_header_sets_the_script_name_or_the_path(production_server):
    """gunicorn lets a trusted peer (loopback) set them by SCRIPT_NAME and PATH_INFO headers."""
    path_header = request(production_server.bind, "/en/", headers={**PROXIED, "PATH_INFO": "/en/admin/"})
    assert path_header.status == 200 and "<h1>The First Hospital of Jilin University</h1>" in path_header.text
    script_header = request(production_server.bind, "/en/", headers={**PROXIED, "SCRIPT_NAME": "/elsewhere"})
    assert script_header.status == 200


@pytest.mark.parametrize("charset", ["rot13", "base64", "hex", "punycode", "idna", "no-such-charset"])
def test_a_charset_that_is_no_text_encoding_is_ignored_not_a_server_error(production_server, charset):
    headers = {**PROXIED, "Content-Type": f"text/plain; charset={charset}"}
    response = request(production_server.bind, "/en/search/?q=spine", headers=headers)
    assert response.status == 200
    assert_headers(response, PRODUCTION_EVERY_RESPONSE)


def test_production_staff_cookies_are_secure_httponly_strict_and_last_a_working_day(production_server):
    login_page = request(production_server.bind, "/en/admin/login/", headers=PROXIED)
    csrf = SimpleCookie(login_page.headers["Set-Cookie"])["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Strict" and csrf["path"] == "/"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)[1]
    form = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": "editor-hsts",
            "password": "A long passphrase 4 tests",
            "next": "/en/admin/",
        }
    )
    logged_in = request(
        production_server.bind,
        "/en/admin/login/",
        method="POST",
        body=form,
        headers={
            **PROXIED,
            "Origin": "https://localhost",
            "Cookie": f"__Host-csrftoken={csrf.value}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert logged_in.status == 302, logged_in.text
    cookies = SimpleCookie()
    for header in logged_in.headers.get_all("Set-Cookie"):
        cookies.load(header)
    session = cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Strict"
    assert session["path"] == "/"
    assert not session["domain"]
    assert session["max-age"] == str(9 * 60 * 60)


@pytest.mark.django_db
def test_a_form_in_another_encoding_is_a_bad_request_not_a_server_error(client):
    """With a CSRF cookie and a matching Origin, Django's CSRF check reads the form, which must be
    UTF-8: its 400 must not read the form again (Django's own 400 view did, which made a 500)."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.post(
        "/en/admin/login/",
        "username=a",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
        headers={"origin": "http://testserver"},
    )
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_a_path_that_reads_as_another_host_is_a_404_not_a_server_error(production_server):
    # urlsplit() takes "//[::1/" for a host with a broken IPv6 address: the 404 page failed on it.
    for path in ("//[::1/", "//%5B::1/", "/en//[::1/"):
        response = request(production_server.bind, path, headers=PROXIED)
        assert response.status == 404, path
        assert_headers(response, PRODUCTION_EVERY_RESPONSE)


@pytest.mark.django_db
def test_a_session_cookie_django_never_made_is_no_session(client):
    """PostgreSQL refuses NUL in text: looking one up was a 500 on every admin page."""
    for key in ("\x00" * 8, "ABCDEFGHIJKLMNOP", "a" * 500, "x'; DROP TABLE django_session; --"):
        client.cookies["sessionid"] = key
        response = client.get("/en/admin/")
        assert response.status_code == 302, key
        assert response["Location"].startswith("/en/admin/login/")


@pytest.mark.django_db
def test_an_admin_list_filtered_by_a_regular_expression_is_a_bad_request(admin_client):
    for query in ("name_en__regex=(", "name_en__iregex=[", "slug__regex=a"):
        response = admin_client.get(f"/en/admin/departments/procedure/?{query}")
        assert response.status_code == 400, query
    assert admin_client.get("/en/admin/departments/procedure/?q=spine").status_code == 200


def test_head_answers_like_get_without_a_body(production_server):
    # Through gunicorn: Django's test client drops HEAD bodies by itself.
    for path in ("/en/", "/en/departments/spine-surgery/", "/zh-hans/search/?q=spine"):
        get = request(production_server.bind, path, headers=PROXIED)
        head = request(production_server.bind, path, method="HEAD", headers=PROXIED)
        assert head.status == get.status == 200
        assert head.body == b""
        assert head.headers["Content-Type"] == get.headers["Content-Type"]
