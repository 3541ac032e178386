"""Open data (departments/pages/api.py): every fact with its qualifier, unit, both languages and
provenance, as JSON and CSV; cached like pages, no cookies, readable from any origin."""

import csv
import io
import json
import re

import pytest
from django.test import Client, RequestFactory
from jsonschema import Draft202012Validator

from departments import selectors
from departments.models import FACT_KINDS, Department, Hospital, Qualifier
from departments.pages import api
from tests.support.pages import DEPARTMENT_SLUGS

pytestmark = pytest.mark.usefixtures("content")


def fetch(path, **headers):
    response = Client().get(path, headers=headers)
    assert response.status_code == 200, path
    return response


def test_a_department_gives_every_fact_with_qualifier_unit_languages_and_provenance():
    data = json.loads(fetch("/api/v1/departments/spine-surgery/").content)
    department = Department.objects.get(slug="spine-surgery")
    assert data["version"] == "v1"
    assert data["department"]["name"] == {"en": department.name_en, "zh-hans": department.name_zh_hans}
    assert data["department"]["page"]["zh-hans"].endswith("/zh-hans/departments/spine-surgery/")
    facts = selectors.facts_of(department)
    assert set(data["facts"]) == set(FACT_KINDS)
    for kind, items in facts.items():
        assert [item["slug"] for item in data["facts"][kind]] == [fact.slug for fact in items]
    operations = next(item for item in data["facts"]["figures"] if item["slug"] == "annual-operations")
    assert (operations["value"], operations["unit"], operations["qualifier"]) == (3000, "count", "more_than")
    assert operations["as_written"] == {"en": "more than 3,000", "zh-hans": "超过3,000例"}
    assert operations["source"] == {
        "name": "spine-surgery.txt",
        "phrase": "more than 3000 cases of spine surgery every year",
    }
    assert data["sources"]["spine-surgery.txt"]["title"]["zh-hans"] == "脊柱外科简介"
    condition = data["facts"]["conditions"][0]
    assert set(condition["name"]) == {"en", "zh-hans"}


def test_the_hospital_and_the_list_of_departments_point_to_each_other():
    hospital = json.loads(fetch("/api/v1/hospital/").content)
    assert hospital["hospital"]["slug"] == Hospital.objects.get().slug
    listing = json.loads(fetch(hospital["departments"].replace("http://testserver", "")).content)
    slugs = [item["slug"] for item in listing["departments"]]
    assert slugs == list(Department.objects.order_by("position", "name").values_list("slug", flat=True))
    for item in listing["departments"]:
        assert (
            json.loads(fetch(item["data"].replace("http://testserver", "")).content)["department"]["slug"]
            == item["slug"]
        )


def test_every_figure_is_in_the_csv_with_its_source():
    response = fetch("/api/v1/figures.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures = sum(
        len(selectors.facts_of(owner)[kind])
        for owner in [Hospital.objects.get(), *Department.objects.all()]
        for kind in ("figures", "research")
    )
    assert len(rows) == figures
    beds = next(
        row for row in rows if row["owner"] == "first-hospital-jilin-university" and row["slug"] == "beds"
    )
    assert (beds["qualifier"], beds["as_written_en"], beds["as_written_zh_hans"]) == (
        "more_than",
        "more than 5,900",
        "超过5,900张",
    )
    assert beds["source"] == "hospital.txt" and beds["source_phrase"]


def test_a_figure_whose_text_states_no_number_is_published_without_one():
    """A figure whose text states no number ("several national projects", "thousands of SCI
    articles") has none in the JSON or the CSV, only its qualifier and its words as written (the
    value the database holds for it is a placeholder)."""
    hospital = json.loads(fetch("/api/v1/hospital/").content)
    research = {item["slug"]: item for item in hospital["facts"]["research"]}
    assert (research["national-projects"]["value"], research["national-projects"]["qualifier"]) == (
        None,
        "several",
    )
    assert research["national-projects"]["as_written"] == {"en": "several", "zh-hans": "多项"}
    assert (research["sci-papers"]["value"], research["sci-papers"]["qualifier"]) == (None, "thousands")
    assert research["funding-rank"]["value"] == 9
    rows = csv.DictReader(io.StringIO(fetch("/api/v1/figures.csv").content.decode("utf-8-sig")))
    unstated = [row for row in rows if row["qualifier"] in ("several", "hundreds", "thousands")]
    assert len(unstated) >= 3 and all(row["value"] == "" for row in unstated)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/hospital/",
        "/api/v1/departments/",
        "/api/v1/departments/spine-surgery/",
        "/api/v1/figures.csv",
    ],
)
def test_data_is_cached_like_pages_sets_no_cookie_and_is_readable_from_any_origin(path):
    first = fetch(path)
    assert first["Access-Control-Allow-Origin"] == "*"
    assert first["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=1, stale-if-error=86400" and first["ETag"]
    assert not first.cookies and "Set-Cookie" not in first
    again = Client().get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    cached = fetch(path)  # from the page cache: the same headers
    assert cached["Access-Control-Allow-Origin"] == "*" and cached.content == first.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/departments/no-such-department/",
        "/api/v1/no-such-data/",
        "/api/v2/hospital/",
        "/api/",
        "/api",
    ],
)
def test_an_unknown_address_of_the_data_is_a_json_404_readable_from_any_origin(path):
    """A program asked: it gets JSON it can read, with the headers of every answer of the API, not the
    site's 404 page."""
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"detail": "Not found."}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert not response.cookies and "Set-Cookie" not in response


@pytest.mark.parametrize("path", ["/apis/", "/en/api/v1/hospital/", "/zh-hans/no-such-page/"])
def test_other_unknown_addresses_are_still_the_sites_404_page(path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Access-Control-Allow-Origin" not in response


def test_pages_point_to_their_data_and_the_overview_declares_the_dataset():
    overview = Client().get("/en/").content.decode()
    assert '<link rel="alternate" type="application/json" href="/api/v1/hospital/">' in overview
    page = Client().get("/zh-hans/departments/spine-surgery/").content.decode()
    assert '<link rel="alternate" type="application/json" href="/api/v1/departments/spine-surgery/">' in page
    blocks = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', overview)
    ]
    hospital = next(block for block in blocks if block.get("@type") == "Hospital")
    formats = {item["encodingFormat"] for item in hospital["subjectOf"]["distribution"]}
    assert hospital["subjectOf"]["@type"] == "Dataset" and formats == {"application/json", "text/csv"}


@pytest.mark.parametrize(
    ("view", "kwargs", "queries"),
    [
        (api.hospital, {}, 3),  # the hospital with its source, its facts, their sources
        (api.departments, {}, 1),
        (
            api.department,
            {"slug": "spine-surgery"},
            3,
        ),  # the department with its source, its facts, their sources
    ],
)
def test_each_answer_costs_a_fixed_number_of_queries(django_assert_num_queries, view, kwargs, queries):
    request = RequestFactory(headers={"host": "localhost"}).get("/api/v1/")
    with django_assert_num_queries(queries):
        assert view(request, **kwargs).status_code == 200


# The description of the data (departments/pages/api_docs.py): for programs and for people.


def openapi_document():
    return json.loads(fetch("/api/v1/openapi.json").content)


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        ("/api/v1/hospital/", "/hospital/"),
        ("/api/v1/departments/", "/departments/"),
        *((f"/api/v1/departments/{slug}/", "/departments/{slug}/") for slug in DEPARTMENT_SLUGS),
    ],
)
def test_every_answer_is_exactly_as_the_openapi_description_says(path, operation):
    """Each real answer validates against its schema, which allows no field it does not name: a
    field the API gives but the description lacks (or the other way round) fails here."""
    document = openapi_document()
    schema = document["paths"][operation]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    errors = sorted(validator.iter_errors(json.loads(fetch(path).content)), key=str)
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors[:10])


def test_the_openapi_description_is_valid_json_schema_and_names_the_sites_address():
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://testserver/api/v1"}]
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert set(document["components"]["schemas"]["Facts"]["properties"]) == set(FACT_KINDS)
    # Described from the models: a figure's qualifier lists the model's own choices.
    qualifier = document["components"]["schemas"]["StaffStats"]["properties"]["qualifier"]
    assert set(qualifier["enum"]) == set(Qualifier.values)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_page_in_each_language_explains_the_data_and_links_every_address(language):
    page = fetch(f"/{language}/open-data/").content.decode()
    for path in ["/api/v1/hospital/", "/api/v1/departments/", "/api/v1/figures.csv", "/api/v1/openapi.json"]:
        assert f'href="{path}"' in page
    assert "/api/v1/departments/&lt;slug&gt;/" in page
    assert '<link rel="alternate" type="application/json" href="/api/v1/openapi.json">' in page
    for column in api.FIGURE_COLUMNS:
        assert f"<code>{column}</code>" in page
    assert ("Open data" if language == "en" else "开放数据") in page


def test_the_openapi_description_names_the_configured_site_address_whatever_the_host(settings):
    """As every absolute URL of the site (seo.absolute_url): not the Host header's port, which would
    make a new cached document for each port a client names."""
    settings.SITE_URL = "https://hospital.example.org"
    document = json.loads(Client().get("/api/v1/openapi.json", headers={"host": "localhost:4444"}).content)
    assert document["servers"] == [{"url": "https://hospital.example.org/api/v1"}]
