"""Error pages: translated, free of tracebacks, and shown without the database."""

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.utils import translation

from hospital_site import errors
from tests.support.serving import Gunicorn, free_port, production_site, request

PROXIED = {"X-Forwarded-Proto": "https"}
LEAKS = ("Traceback", "secret-internal-detail", "OperationalError", "django.", 'File "')


def chinese(message):
    with translation.override("zh-hans"):
        return translation.gettext(message)


def site_name(path):
    name = "The First Hospital of Jilin University"
    return chinese(name) if path.startswith("/zh-hans/") else name


# That these pages need no database is shown below, with the database server gone.
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [
        ("/en/no-such-page/", 'lang="en"', "Page not found"),
        ("/zh-hans/no-such-page/", 'lang="zh-Hans"', chinese("Page not found")),
        ("/no-such-page/", 'lang="en"', "Page not found"),
    ],
)
def test_404_is_translated(client, path, lang, heading):
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert lang in body
    assert f"<h1>{heading}</h1>" in body
    assert f"<title>{heading} · {site_name(path)}</title>" in body  # as every other page is titled
    assert not any(leak in body for leak in LEAKS)


def test_chinese_error_pages_are_in_chinese():
    assert chinese("Page not found") != "Page not found"
    assert chinese("Something went wrong") != "Something went wrong"


@pytest.mark.django_db
@pytest.mark.urls("tests.support.error_urls")
@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [
        ("/en/broken/", 'lang="en"', "Something went wrong"),
        ("/zh-hans/broken/", 'lang="zh-Hans"', chinese("Something went wrong")),
    ],
)
def test_500_is_translated_and_shows_no_traceback(path, lang, heading):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 500
    body = response.content.decode()
    assert lang in body
    assert f"<h1>{heading}</h1>" in body
    assert f"<title>{heading} · {site_name(path)}</title>" in body
    assert "120" in body  # the emergency number, even on an error page
    assert not any(leak in body for leak in LEAKS)


# No django_db mark: any database access in these handlers would raise.
@pytest.mark.parametrize(
    ("raised", "status", "heading"),
    [
        (RuntimeError("secret-internal-detail"), 500, "Something went wrong"),
        (OperationalError("secret-internal-detail"), 503, "Temporarily unavailable"),
    ],
)
def test_the_500_and_503_pages_need_no_database(raised, status, heading):
    try:
        raise raised
    except type(raised):
        response = errors.server_error(RequestFactory().get("/zh-hans/broken/"))
    assert response.status_code == status
    body = response.content.decode()
    assert 'lang="zh-Hans"' in body
    assert f"<h1>{chinese(heading)}</h1>" in body
    assert not any(leak in body for leak in LEAKS)


def test_the_404_page_needs_no_database():
    response = errors.page_not_found(RequestFactory().get("/en/no-such-page/"), None)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_only_answers_reads(client):
    assert client.post("/healthz").status_code == 405


@pytest.fixture(scope="module")
def site_without_database():
    """The production site, its database server gone: DATABASE_URL points at a closed port."""
    env = {**production_site(), "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/hospital"}
    bind = f"127.0.0.1:{free_port()}"
    with Gunicorn(env, bind) as server:
        yield server


@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [
        ("/en/", 'lang="en"', "Temporarily unavailable"),
        ("/en/departments/spine-surgery/", 'lang="en"', "Temporarily unavailable"),
        ("/zh-hans/departments/", 'lang="zh-Hans"', chinese("Temporarily unavailable")),
    ],
)
def test_database_down_gives_a_friendly_503(site_without_database, path, lang, heading):
    response = request(site_without_database.bind, path, headers=PROXIED)
    assert response.status == 503
    assert response.headers["Retry-After"] == "60"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"]  # the security headers too
    assert lang in response.text
    assert f"<h1>{heading}</h1>" in response.text
    assert not any(leak in response.text for leak in LEAKS)


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/en/no-such-page/", "Page not found"), ("/zh-hans/no-such-page/", chinese("Page not found"))],
)
def test_database_down_still_serves_the_404_page(site_without_database, path, heading):
    missing = request(site_without_database.bind, path, headers=PROXIED)
    assert missing.status == 404
    assert f"<h1>{heading}</h1>" in missing.text
    assert not any(leak in missing.text for leak in LEAKS)


def test_database_down_still_serves_static_files(site_without_database):
    stylesheet = request(site_without_database.bind, "/static/css/site.css", headers=PROXIED)
    assert stylesheet.status == 200


def test_database_down_fails_the_health_check(site_without_database):
    # Over plain HTTP: a monitor on the host may ask without TLS.
    response = request(site_without_database.bind, "/healthz")
    assert response.status == 503
    assert response.headers["Retry-After"] == "60"
    assert response.body == b"database unavailable\n"
