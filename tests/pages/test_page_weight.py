"""Pages stay small and readable without JavaScript, however many departments there are."""

import re

import pytest
from django.conf import settings

from departments.pages.context_processors import NAVIGATION_LIMIT
from departments.pages.views import DIRECTORY_PAGE_SIZE, OVERVIEW_DEPARTMENTS
from tests.support.factories import make_department, make_figure, make_hospital
from tests.support.pages import LANGUAGES, PUBLIC_PAGES

pytestmark = pytest.mark.django_db

MAX_HTML_BYTES = 40_000
MAX_CSS_BYTES = 20_000
MAX_SCRIPT_BYTES = 2_048
TEXT_SIZE_SCRIPT = b'<script src="/static/js/text-size.js">'


def public_paths():
    for language in LANGUAGES:
        for page in [*PUBLIC_PAGES, "search/?q=surgery"]:
            yield f"/{language}/{page}"


@pytest.mark.usefixtures("content")
def test_every_public_page_is_at_most_40_kb_and_runs_no_script_but_the_optional_one(client):
    for path in public_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(response.content) <= MAX_HTML_BYTES, (path, len(response.content))
        scripts = re.findall(rb"<script\b[^>]*>", response.content)
        # Structured data for search engines is data, not code; the one script is the optional
        # text-size control's, hidden without it (tests/pages/test_reading_browser.py).
        code = [tag for tag in scripts if b'type="application/ld+json"' not in tag]
        assert code == [TEXT_SIZE_SCRIPT], (path, scripts)


def test_the_one_script_is_under_2_kb():
    assert (settings.BASE_DIR / "static" / "js" / "text-size.js").stat().st_size < MAX_SCRIPT_BYTES


def test_the_stylesheet_is_at_most_20_kb():
    stylesheet = settings.BASE_DIR / "static" / "css" / "site.css"
    assert stylesheet.stat().st_size <= MAX_CSS_BYTES


@pytest.fixture
def many_departments():
    """More departments than the overview, the header and one directory page show."""
    hospital = make_hospital()
    count = DIRECTORY_PAGE_SIZE + 12
    for number in range(1, count + 1):
        department = make_department(hospital, slug=f"department-{number:03}", position=number)
        make_figure(department, headline=True, value=number)
    return count


def department_links(response):
    return re.findall(rb'href="/en/departments/department-\d+/"', response.content)


def test_with_many_departments_the_overview_shows_the_first_and_links_the_directory(client, many_departments):
    response = client.get("/en/")
    assert len(department_links(response)) == OVERVIEW_DEPARTMENTS
    assert b'<a href="/en/departments/">See all departments</a>' in response.content
    assert len(response.content) <= MAX_HTML_BYTES


def test_with_many_departments_the_header_links_the_directory_alone(client, many_departments):
    assert many_departments > NAVIGATION_LIMIT
    response = client.get("/en/departments/department-001/")
    assert response.status_code == 200
    assert department_links(response) == []
    assert b'href="/en/departments/"' in response.content


def test_with_few_departments_the_header_lists_them_all(client):
    hospital = make_hospital()
    for number in range(1, 4):
        make_department(hospital, slug=f"department-{number:03}", position=number)
    response = client.get("/en/departments/department-001/")
    assert len(department_links(response)) == 3


def test_the_directory_is_paged(client, many_departments):
    first = client.get("/en/departments/")
    assert len(department_links(first)) == DIRECTORY_PAGE_SIZE
    assert b'rel="next" href="/en/departments/page/2/"' in first.content
    assert b"Page 1 of 2" in first.content
    assert len(first.content) <= MAX_HTML_BYTES

    second = client.get("/en/departments/page/2/")
    assert len(department_links(second)) == many_departments - DIRECTORY_PAGE_SIZE
    assert b'rel="prev" href="/en/departments/"' in second.content
    assert b'rel="next"' not in second.content

    chinese = client.get("/zh-hans/departments/page/2/")
    assert chinese.status_code == 200
    assert "第2页，共2页".encode() in chinese.content


def test_page_one_has_one_address_and_pages_past_the_end_are_404(client, many_departments):
    assert client.get("/en/departments/page/1/").headers["Location"] == "/en/departments/"
    assert client.get("/en/departments/page/1/").status_code == 301
    assert client.get("/en/departments/page/3/").status_code == 404
    assert client.get("/en/departments/page/0/").status_code == 404
    assert client.get("/en/departments/page/99999999999999999999/").status_code == 404
