"""Every public page answers and shows the facts of its source text."""

import pytest
from django.urls import reverse
from django.utils import translation

from departments.models import Department, Hospital
from departments.pages.formatting import format_figure

pytestmark = pytest.mark.usefixtures("content")

DEPARTMENT_SLUGS = [
    "gastrointestinal-surgery",
    "colorectal-anal-surgery",
    "spine-surgery",
    "plastic-cosmetic-surgery",
]


def text_of(response):
    from html import unescape

    return unescape(response.content.decode())


def test_root_redirects_to_english_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("header", ["zh-CN,zh;q=0.9", "zh", "zh-Hans", "zh-SG", "zh-hans-CN"])
def test_root_redirects_chinese_readers_to_chinese(client, header):
    response = client.get("/", headers={"accept-language": header})
    assert response["Location"] == "/zh-hans/"


@pytest.mark.parametrize("header", ["fr-FR,fr;q=0.9", "de", "en-GB", "*"])
def test_root_redirects_everyone_else_to_english(client, header):
    assert client.get("/", headers={"accept-language": header})["Location"] == "/en/"


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/zh/", "/zh-hans/"),
        ("/zh-cn/", "/zh-hans/"),
        ("/zh-sg/", "/zh-hans/"),
        ("/zh-cn/departments/spine-surgery/", "/zh-hans/departments/spine-surgery/"),
        ("/ZH-CN/departments/", "/zh-hans/departments/"),
        ("/Zh-Sg/search/?q=%E8%84%8A%E6%9F%B1&page=2", "/zh-hans/search/?q=%E8%84%8A%E6%9F%B1&page=2"),
        ("/zh/?utm_source=link", "/zh-hans/?utm_source=link"),
    ],
)
def test_other_names_of_simplified_chinese_redirect_permanently_to_its_pages(client, path, location):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == location


@pytest.mark.parametrize("path", ["/zh-tw/", "/zh-hk/departments/spine-surgery/", "/zh-hant/", "/ZH-TW/"])
def test_traditional_chinese_addresses_are_not_pages(client, path):
    """The site has no Traditional Chinese: sending its readers to Simplified would be a guess."""
    assert client.get(path).status_code == 404


def test_overview_shows_the_hospital_and_every_department(client):
    hospital = Hospital.objects.get()
    html = text_of(client.get(reverse("departments:overview")))
    for fact in [
        hospital.name,
        hospital.other_name,
        "1949",
        "Changchun",
        "Jilin Province",
        "Grade A tertiary hospital",
        "more than 5,900",
        "9,600",
        "549,500 m²",
        hospital.motto,
    ]:
        assert fact in html
    for item in hospital.accreditation_set.all():
        assert item.name in html
    for item in hospital.milestone_set.all():
        assert item.text in html
    for item in hospital.facility_set.all():
        assert item.name in html
    for department in Department.objects.all():
        assert department.name in html
        assert department.summary in html
        assert department.get_absolute_url() in html
        headline = department.staffstats_set.get(headline=True)
        assert format_figure(headline) in html


def test_directory_lists_every_department(client):
    html = text_of(client.get(reverse("departments:directory")))
    for department in Department.objects.all():
        assert department.get_absolute_url() in html
        assert department.summary in html


@pytest.mark.parametrize("slug", DEPARTMENT_SLUGS)
def test_department_page_shows_every_fact_of_its_source(client, slug):
    department = Department.objects.get(slug=slug)
    response = client.get(department.get_absolute_url())
    assert response.status_code == 200
    html = text_of(response)
    assert department.name in html
    for paragraph in department.description.split("\n\n"):
        assert paragraph in html
    if department.founded_year:
        assert str(department.founded_year) in html
    for item in [*department.staffstats_set.all(), *department.researchfigure_set.all()]:
        assert format_figure(item) in html, item
        assert str(item.get_metric_display()) in html
    for item in department.leader_set.all():
        assert item.name in html and str(item.get_role_display()) in html
    for item in department.accreditation_set.all():
        assert item.name in html
        assert item.granting_body in html
    for related in ("procedure_set", "condition_set", "partner_set", "teachingprogramme_set"):
        for item in getattr(department, related).all():
            assert item.name in html, item


def test_department_sections_appear_only_with_content(client):
    html = text_of(client.get(reverse("departments:detail", args=["colorectal-anal-surgery"])))
    assert 'id="procedures"' in html and 'id="conditions"' in html
    assert 'id="leaders"' not in html and 'id="research"' not in html and 'id="teaching"' not in html


def test_every_page_names_its_language_and_alternates(client):
    for url in ["/en/", "/en/departments/", "/en/departments/spine-surgery/"]:
        html = text_of(client.get(url))
        assert '<html lang="en">' in html
        assert f'<link rel="canonical" href="http://testserver{url}">' in html
        assert 'hreflang="zh-Hans"' in html and 'hreflang="x-default"' in html


@pytest.mark.parametrize(
    "url", ["/en/departments/no-such-department/", "/en/no-such-page/", "/fr/", "/en/departments/%00/"]
)
def test_unknown_addresses_are_the_sites_own_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert "<title>Page not found · The First Hospital of Jilin University</title>" in text_of(response)


def test_the_chinese_404_is_titled_with_the_site_name_as_every_other_page_is(client):
    response = client.get("/zh-hans/no-such-page/")
    assert response.status_code == 404
    assert "<title>找不到该页面 · 吉林大学第一医院</title>" in text_of(response)
    # The way a department's page is titled.
    assert "<title>脊柱外科 · 吉林大学第一医院</title>" in text_of(
        client.get("/zh-hans/departments/spine-surgery/")
    )


def test_a_404_names_no_canonical_address_nor_translations_of_itself(client):
    """Search engines are told of no page here, in any language."""
    html = client.get("/zh-hans/departments/no-such-department/").content.decode()
    assert 'rel="canonical"' not in html and "hreflang=" not in html.split("</head>")[0]
    assert '<meta name="robots" content="noindex">' in html


def test_department_urls_are_the_agreed_slugs():
    with translation.override("en"):
        assert [d.get_absolute_url() for d in Department.objects.all()] == [
            f"/en/departments/{slug}/" for slug in DEPARTMENT_SLUGS
        ]


PUBLIC_PATHS = ["/en/", "/zh-hans/departments/", "/en/departments/spine-surgery/", "/en/search/?q=spine"]


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", [*PUBLIC_PATHS, "/", "/robots.txt", "/sitemap.xml"])
def test_public_pages_answer_only_reads(client, method, path):
    """Pages are read, never posted to: anything but GET and HEAD is 405, not a rendered page."""
    response = client.generic(method, path)
    assert response.status_code in (403, 405)  # 403: a POST without a CSRF token stops there first
    if response.status_code == 405:
        assert response["Allow"] == "GET, HEAD"
    assert b"<h1" not in response.content
