"""Found by search engines and shared well: titles, Open Graph, JSON-LD, sitemap, robots.txt.

Also the page structure every visitor relies on (one h1, headings in order), the charts' text
equivalents, the accessibility statement and the footer's ICP filing line.
"""

import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils import translation

from departments.models import Department, Hospital
from departments.pages.formatting import format_figure
from tests.support.pages import LANGUAGES, PUBLIC_PAGES
from tests.support.project import ROOT
from tests.support.reading import LATIN_ALLOWED_IN_CHINESE, people_names, visible_text

pytestmark = pytest.mark.usefixtures("content")

PAGES = PUBLIC_PAGES
SEARCH_PAGES = ["search/", "search/?q=surgery", "search/?q=外科", "search/?q=nothing-matches-this"]
VOCABULARY = json.loads((ROOT / "tests" / "data" / "schemaorg-vocabulary.json").read_text())
DATA_TYPES = {"Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Float", "Boolean"}


class Page(HTMLParser):
    """What a crawler reads from a page: meta tags, links, JSON-LD blocks, headings."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld, self.headings = {}, [], [], []
        self.title, self._in = "", None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
            self.json_ld.append("")
        elif tag == "title":
            self._in = "title"
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag):
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data):
        if self._in == "json":
            self.json_ld[-1] += data
        elif self._in == "title":
            self.title += data

    def structured(self):
        return [json.loads(block) for block in self.json_ld]

    def of_type(self, type_name):
        return [item for item in self.structured() if item.get("@type") == type_name]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response.content.decode())


# -- schema.org validation ------------------------------------------------------------------------


def ancestors(type_name):
    seen, todo = set(), [type_name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(VOCABULARY["types"].get(current, []))
    return seen


def is_a(type_name, allowed):
    return bool(ancestors(type_name) & set(allowed))


def check_value(prop, value, ranges, path, errors):
    if isinstance(value, list):
        for item in value:
            check_value(prop, item, ranges, path, errors)
    elif isinstance(value, dict):
        types = value.get("@type")
        if not any(is_a(name, ranges) for name in ([types] if isinstance(types, str) else types or [])):
            errors.append(f"{path}.{prop}: a {types} where schema.org expects {ranges}")
        check_node(value, f"{path}.{prop}", errors)
    elif isinstance(value, bool):
        if not is_a("Boolean", ranges):
            errors.append(f"{path}.{prop}: a boolean where schema.org expects {ranges}")
    elif isinstance(value, int | float):
        if not set(ranges) & {"Number", "Integer", "Float"}:
            errors.append(f"{path}.{prop}: a number where schema.org expects {ranges}")
    elif isinstance(value, str):
        member = (
            value.removeprefix("https://schema.org/") if value.startswith("https://schema.org/") else None
        )
        if member and member in VOCABULARY["types"]:
            # An enumeration member (e.g. a MedicalSpecialty), named by its URL.
            if not is_a(member, ranges):
                errors.append(f"{path}.{prop}: {member} is not one of {ranges}")
        elif not set(ranges) & DATA_TYPES and not re.match(r"https?://", value):
            # A thing may be named by its URL (a node reference); other text is not a thing.
            errors.append(f"{path}.{prop}: text where schema.org expects {ranges}")
        elif not value.strip():
            errors.append(f"{path}.{prop}: empty")


def check_node(node, path, errors):
    types = node.get("@type")
    types = [types] if isinstance(types, str) else types or []
    if not types:
        errors.append(f"{path}: no @type")
    for name in types:
        if name not in VOCABULARY["types"]:
            errors.append(f"{path}: unknown type {name}")
    for prop, value in node.items():
        if prop.startswith("@"):
            continue
        if prop not in VOCABULARY["properties"]:
            errors.append(f"{path}: unknown property {prop}")
            continue
        domains, ranges = VOCABULARY["properties"][prop]
        if not any(is_a(name, domains) for name in types):
            errors.append(f"{path}: {prop} is not a property of {types}")
        check_value(prop, value, ranges, path, errors)


def schema_errors(data):
    errors = []
    assert data.get("@context") == "https://schema.org"
    check_node(data, data.get("@type", "?"), errors)
    return errors


def test_the_validator_catches_what_schema_org_forbids():
    assert schema_errors({"@context": "https://schema.org", "@type": "Hospital", "name": "A"}) == []
    assert schema_errors({"@context": "https://schema.org", "@type": "Hospitl", "name": "A"})
    assert schema_errors({"@context": "https://schema.org", "@type": "Hospital", "colour": "A"})
    # medicalSpecialty takes a MedicalSpecialty, not any type's name; jobTitle is a Person's.
    bad_specialty = {"@type": "MedicalClinic", "medicalSpecialty": "https://schema.org/Hospital"}
    assert schema_errors({"@context": "https://schema.org", **bad_specialty})
    assert schema_errors({"@context": "https://schema.org", "@type": "Hospital", "jobTitle": "Director"})
    assert schema_errors({"@context": "https://schema.org", "@type": "Hospital", "department": "Spine"})


# -- JSON-LD ----------------------------------------------------------------------------------------


def every_url():
    return [f"/{language}/{path}" for language in LANGUAGES for path in PAGES + SEARCH_PAGES]


def test_every_block_of_structured_data_parses_and_is_valid_schema_org(client):
    errors = {}
    for url in every_url():
        for data in page(client, url).structured():
            if found := schema_errors(data):
                errors[url] = found
    assert not errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_overview_describes_the_hospital_and_its_departments(client, language):
    hospital = Hospital.objects.get()
    (data,) = page(client, f"/{language}/").of_type("Hospital")
    with translation.override(language):
        assert data["name"] == hospital.name
        assert data["alternateName"] == hospital.other_name
        assert data["description"] == hospital.summary
        assert data["url"] == f"http://testserver/{language}/"
        assert data["foundingDate"] == "1949"
        assert data["address"] == {
            "@type": "PostalAddress",
            "addressLocality": hospital.city,
            "addressRegion": hospital.province,
        }
        assert data["numberOfEmployees"] == {"@type": "QuantitativeValue", "value": 9600}
        departments = Department.objects.all()
        assert [item["name"] for item in data["department"]] == [item.name for item in departments]
        assert [item["url"] for item in data["department"]] == [
            f"http://testserver{item.get_absolute_url()}" for item in departments
        ]
    assert all(item["@type"] == "MedicalClinic" and item["medicalSpecialty"] for item in data["department"])
    # The overview is the trail's start: it has no breadcrumbs.
    assert page(client, f"/{language}/").of_type("BreadcrumbList") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_department_page_describes_the_clinic_from_its_records(client, language):
    department = Department.objects.get(slug="spine-surgery")
    with translation.override(language):
        url = department.get_absolute_url()
        (data,) = page(client, url).of_type("MedicalClinic")
        assert data["name"] == department.name
        assert data["description"] == department.summary
        assert data["url"] == f"http://testserver{url}"
        assert data["foundingDate"] == "2005"
        assert data["parentOrganization"]["@type"] == "Hospital"
        assert data["parentOrganization"]["url"] == f"http://testserver/{language}/"
        assert {item["name"] for item in data["knowsAbout"]} == {
            c.name for c in department.condition_set.all()
        }
        assert [item["name"] for item in data["founder"]] == ["Liu Yi"]
        assert {item["name"] for item in data["employee"]} == {"Zhang Shaokun", "Niu Feng", "Fu Changfeng"}
        assert data["employee"][0]["jobTitle"] == str(
            department.leader_set.get(name="Zhang Shaokun").get_role_display()
        )
    assert "https://schema.org/Musculoskeletal" in data["medicalSpecialty"]


def test_procedures_are_the_services_of_a_department(client):
    department = Department.objects.get(slug="colorectal-anal-surgery")
    (data,) = page(client, department.get_absolute_url()).of_type("MedicalClinic")
    assert [item["name"] for item in data["availableService"]] == [
        p.name for p in department.procedure_set.all()
    ]
    assert "Gastroenterologic" in " ".join(data["medicalSpecialty"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_inner_pages_give_their_breadcrumbs_as_a_breadcrumb_list(client, language):
    trail = page(client, f"/{language}/departments/spine-surgery/").of_type("BreadcrumbList")
    (crumbs,) = trail
    items = crumbs["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3]
    assert [item["item"] for item in items] == [
        f"http://testserver/{language}/",
        f"http://testserver/{language}/departments/",
        f"http://testserver/{language}/departments/spine-surgery/",
    ]
    with translation.override(language):
        assert items[2]["name"] == Department.objects.get(slug="spine-surgery").name
    for path in ["departments/", "accessibility/", "search/"]:
        (crumbs,) = page(client, f"/{language}/{path}").of_type("BreadcrumbList")
        assert crumbs["itemListElement"][-1]["item"] == f"http://testserver/{language}/{path}"


def test_json_ld_cannot_close_its_script_element(client):
    hospital = Hospital.objects.get()
    hospital.summary_en = "Safe </script><script>alert(1)</script>"
    hospital.save()
    caches["default"].clear()
    html = client.get("/en/").content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(block)["description"] == hospital.summary_en


# -- titles, descriptions, Open Graph -------------------------------------------------------------


def test_every_page_has_its_own_title_description_and_open_graph_in_each_language(client):
    for path in PAGES:
        seen = {}
        for language, locale, other in [("en", "en_GB", "zh_CN"), ("zh-hans", "zh_CN", "en_GB")]:
            found = page(client, f"/{language}/{path}")
            (description,) = found.meta["description"]
            assert found.title.strip() and description.strip()
            assert found.meta["og:title"][0] and found.meta["og:description"] == [description]
            assert found.meta["og:url"] == [f"http://testserver/{language}/{path}"]
            assert found.meta["og:locale"] == [locale] and found.meta["og:locale:alternate"] == [other]
            assert found.meta["og:type"] == ["website"] and found.meta["og:site_name"][0]
            assert "robots" not in found.meta
            seen[language] = (found.title, description)
        assert seen["en"] != seen["zh-hans"], path
        assert re.search(r"[\u4e00-\u9fff]", seen["zh-hans"][0] + seen["zh-hans"][1]), path


def test_titles_differ_from_page_to_page(client):
    titles = [page(client, f"/en/{path}").title for path in PAGES]
    assert len(set(titles)) == len(titles)
    assert (
        page(client, "/en/departments/spine-surgery/").title
        == "Spine Surgery · The First Hospital of Jilin University"
    )
    assert page(client, "/zh-hans/departments/spine-surgery/").title == "脊柱外科 · 吉林大学第一医院"


def test_search_results_are_not_for_search_engines(client):
    for url in ["/en/search/", "/en/search/?q=spine", "/zh-hans/search/?q=脊柱"]:
        assert page(client, url).meta["robots"] == ["noindex"]


# -- sitemap.xml and robots.txt -------------------------------------------------------------------

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_the_sitemap_lists_every_public_page_in_both_languages_with_alternates(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    entries = {}
    for url in root.findall(f"{SITEMAP}url"):
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        entries[url.find(f"{SITEMAP}loc").text] = alternates
    expected = {f"http://testserver/{language}/{path}" for language in LANGUAGES for path in PAGES}
    assert set(entries) == expected
    for loc, alternates in entries.items():
        path = loc.split("/", 4)[4]
        assert alternates == {
            "en": f"http://testserver/en/{path}",
            "zh-hans": f"http://testserver/zh-hans/{path}",
        }


def test_the_sitemap_dates_each_department_by_its_review(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    department = Department.objects.get(slug="spine-surgery")
    for url in root.findall(f"{SITEMAP}url"):
        if url.find(f"{SITEMAP}loc").text.endswith("/departments/spine-surgery/"):
            assert url.find(f"{SITEMAP}lastmod").text == department.reviewed_on.isoformat()


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_search_results(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /en/search/" in lines and "Disallow: /zh-hans/search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


# -- structure every page shares ----------------------------------------------------------------


def test_every_page_has_one_h1_and_headings_in_order(client):
    for url in every_url():
        headings = page(client, url).headings
        assert headings[0] == 1 and headings.count(1) == 1, (url, headings)
        for before, after in zip(headings, headings[1:], strict=False):
            assert after <= before + 1, f"h{before} then h{after} on {url}"


def test_every_page_has_landmarks_a_skip_link_and_breadcrumbs_inside(client):
    for url in every_url():
        html = client.get(url).content.decode()
        assert html.index('<a class="skip-link" href="#main">') < html.index("<header"), url
        assert '<main id="main" tabindex="-1">' in html and "<footer" in html, url
        assert ('aria-label="Breadcrumb"' in html or 'aria-label="导航路径"' in html) == (url.count("/") > 2)


def test_the_emergency_notice_is_prominent_once_and_short_in_the_footer(client):
    html = client.get("/en/departments/spine-surgery/").content.decode()
    assert html.count('class="emergency"') == 1
    assert html.count("In a medical emergency, call 120.") == 2
    assert '<p class="site-footer__emergency">In a medical emergency, call 120.</p>' in html


def test_public_pages_set_no_cookie_and_forms_carry_no_csrf_token(client):
    for url in [f"/en/{path}" for path in PAGES] + ["/en/search/?q=spine"]:
        response = client.get(url)
        assert not response.cookies, url
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert (
            html.count('role="search"') == html.count('role="search" action="/en/search/" method="get"') == 1
        )


# -- charts ----------------------------------------------------------------------------------------


def chart_rows(html):
    rows = re.findall(
        r'<li class="chart__row"><span class="chart__label"[^>]*>([^<]*)</span> '
        r'<span class="chart__value">([^<]*)(?:<wbr>)?(?:<sup class="cite">.*?</sup>)?</span>'
        r'(?:<svg class="chart__track"[^>]*aria-hidden="true"[^>]*><rect class="chart__rail"[^>]*/>'
        r'<rect class="chart__bar" width="([\d.]+)" height="10"/></svg>)?</li>',
        html,
    )
    return [(unescape(label), unescape(text), float(width) if width else None) for label, text, width in rows]


def test_the_overview_draws_operations_and_beds_per_department_with_their_text(client):
    html = client.get("/en/").content.decode()
    assert "Operations a year" in html and "Beds" in html
    rows = chart_rows(html.split('id="compared"', 1)[1])
    assert rows == [
        ("Gastrointestinal Surgery", "over 5,000", 62.5),
        ("Spine Surgery", "more than 3,000", 37.5),
        ("Plastic and Cosmetic Surgery", "nearly 8,000", 100.0),
        # Colorectal's text gives the beds of one treatment area, not a total to compare: its
        # description says so, and the chart leaves it out.
        ("Gastrointestinal Surgery", "155", 100.0),
    ]


def test_a_department_page_draws_its_staff_with_every_figure_as_text(client):
    department = Department.objects.get(slug="plastic-cosmetic-surgery")
    html = client.get(department.get_absolute_url()).content.decode()
    rows = chart_rows(html.split('id="team"', 1)[1])
    staff = [item for item in department.staffstats_set.all() if item.is_staff]
    assert [(label, text) for label, text, _width in rows] == [
        (str(item.get_metric_display()), format_figure(item)) for item in staff
    ]
    assert max(width for *_rest, width in rows) == 100.0
    # The chart's SVG is decoration only: its figures are the text beside it.
    assert "<text" not in html


def test_charts_read_in_chinese(client):
    html = unescape(client.get("/zh-hans/").content.decode())
    rows = chart_rows(html.split('id="compared"', 1)[1])
    assert rows[0][:2] == (
        "胃肠外科",
        format_figure_in("zh-hans", "gastrointestinal-surgery", "annual_operations"),
    )


def format_figure_in(language, slug, metric):
    with translation.override(language):
        return format_figure(Department.objects.get(slug=slug).staffstats_set.get(metric=metric))


# -- accessibility statement and footer settings ---------------------------------------------------


def test_the_accessibility_statement_names_the_standard_and_the_testing_in_both_languages(client):
    english = visible_text(client.get("/en/accessibility/").content.decode())
    assert "WCAG" in english and "2.2" in english and "level AA" in english
    assert "axe-core" in english and "375" in english and "1,280" in english and "Tab key" in english
    chinese = visible_text(client.get("/zh-hans/accessibility/").content.decode())
    assert "无障碍声明" in chinese and "WCAG" in chinese and "AA级" in chinese


def test_every_page_links_to_the_accessibility_statement(client):
    for path in PAGES + ["search/"]:
        assert 'href="/zh-hans/accessibility/"' in client.get(f"/zh-hans/{path}").content.decode()


# Product and standard names that Chinese text keeps as they are.
NAMES_KEPT_IN_CHINESE = {
    "WCAG",
    "AA",
    "A",
    "Web",
    "Chromium",
    "axe-core",
    "axe",
    "Lighthouse",
    "JavaScript",
    "Tab",
    "Cookie",
    "Windows",
}


def test_the_new_chinese_pages_show_no_english(client):
    allowed = LATIN_ALLOWED_IN_CHINESE | people_names() | NAMES_KEPT_IN_CHINESE
    for path in ["accessibility/", "search/", "search/?q=外科", "search/?q=脊柱", "search/?q=无"]:
        text = visible_text(client.get(f"/zh-hans/{path}").content.decode())
        assert not set(re.findall(r"[A-Za-z][A-Za-z'’-]*", text)) - allowed, path


def test_no_icp_filing_line_unless_configured(client):
    assert "beian.miit.gov.cn" not in client.get("/zh-hans/").content.decode()


@override_settings(ICP_FILING="吉ICP备12345678号-1")
def test_a_configured_icp_filing_number_is_shown_and_linked_to_the_register(client):
    caches["default"].clear()
    for url in ["/zh-hans/", "/en/departments/spine-surgery/", "/en/search/?q=spine"]:
        html = client.get(url).content.decode()
        link = '<a href="https://beian.miit.gov.cn/" rel="noopener noreferrer" lang="zh-Hans">'
        assert f"{link}吉ICP备12345678号-1</a>" in html


def absolute_links(html):
    """Every absolute URL of this site that a page gives (canonical, alternates, Open Graph, JSON-LD)."""
    return set(re.findall(r"https?://(?:localhost|127\.0\.0\.1|hospital\.example\.org)[^\"'<> ]*", html))


@pytest.mark.parametrize("path", ["/en/", "/en/departments/spine-surgery/"])
def test_a_request_for_another_host_does_not_change_the_links_everyone_else_gets(client, path):
    """The embedded default takes absolute URLs from the request's host: one host's copy of a
    page is never served to another."""
    for_localhost = client.get(path, headers={"host": "localhost"}).content.decode()
    for_everyone = client.get(path, headers={"host": "127.0.0.1"}).content.decode()

    assert absolute_links(for_localhost) and all(
        "//localhost" in url for url in absolute_links(for_localhost)
    )
    assert absolute_links(for_everyone) and all("//127.0.0.1" in url for url in absolute_links(for_everyone))


@pytest.mark.parametrize("path", ["/en/", "/zh-hans/departments/spine-surgery/"])
def test_the_configured_site_address_makes_every_absolute_url_whatever_the_host(client, settings, path):
    settings.SITE_URL = "https://hospital.example.org"
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "hospital.example.org"]

    for host in ("localhost", "127.0.0.1"):
        html = client.get(path, headers={"host": host}).content.decode()
        links = absolute_links(html)
        assert links and all(url.startswith("https://hospital.example.org/") for url in links), links
        assert f'<link rel="canonical" href="https://hospital.example.org{path}">' in html


def test_the_sitemap_uses_the_configured_site_address(client, settings):
    settings.SITE_URL = "https://hospital.example.org"
    sitemap = client.get("/sitemap.xml", headers={"host": "localhost"}).content.decode()
    assert "<loc>https://hospital.example.org/en/departments/spine-surgery/</loc>" in sitemap
    assert "localhost" not in sitemap


def test_a_port_in_the_host_header_makes_no_new_page(client, django_assert_num_queries):
    """ALLOWED_HOSTS ignores ports: links come from the port this server listens on, so a client
    naming port after port gets the one cached page, not a render (and a cache entry) for each."""
    first = client.get("/en/", headers={"host": "localhost:4242"}).content.decode()
    assert '<link rel="canonical" href="http://localhost/en/">' in first
    with django_assert_num_queries(1):  # the content version: served from the cache
        again = client.get("/en/", headers={"host": "localhost:5353"})
    assert again.content.decode() == first
