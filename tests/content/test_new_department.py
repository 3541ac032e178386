"""A new department is data: its source text in fixtures/sources/ and its fixture file in
fixtures/, loaded with `loaddata fixtures/*.json` — no code change, no migration."""

import json
import shutil

import pytest
from django.core.management import call_command
from django.test import Client

from departments.models import Department, Source, StaffStats
from tests.support.project import ROOT
from tests.support.provenance import provenance_problems, source_records, source_texts
from tests.support.reading import visible_text

# A made-up department for this test only; nothing of it reaches the site's fixtures.
TEXT = (
    "The Department of Dermatology of the test hospital was established in 1990. "
    "The department has 40 beds and more than 20 doctors."
)


def dermatology_records():
    department = {
        "model": "departments.department",
        "fields": {
            "hospital": ["first-hospital-jilin-university"],
            "slug": "dermatology",
            "position": 50,
            "name_en": "Dermatology",
            "name_zh_hans": "皮肤科",
            "summary_en": "A department for diseases of the skin.",
            "summary_zh_hans": "诊治皮肤疾病的科室。",
            "description_en": "The Department of Dermatology was established in 1990.",
            "description_zh_hans": "皮肤科成立于1990年。",
            "founded_year": 1990,
            "reviewed_on": "2026-12-01",
            "source": ["dermatology.txt"],
        },
    }
    figures = [
        {
            "model": "departments.staffstats",
            "fields": {
                "department": ["dermatology"],
                "hospital": None,
                "slug": slug,
                "position": position,
                "metric": metric,
                "value": value,
                "qualifier": qualifier,
                "headline": True,
                "source": [source],
                "source_phrase": phrase,
            },
        }
        for position, (slug, metric, value, qualifier, source, phrase) in enumerate(
            [
                ("beds", "beds", 40, "exact", "dermatology.txt", "The department has 40 beds"),
                ("doctors", "doctors", 20, "more_than", "dermatology.txt", "more than 20 doctors"),
                # An editor's figure from a document that is not one of the texts.
                ("nurses", "nurses", 31, "exact", "annual-report-2025", "31 nurses"),
            ],
            1,
        )
    ]
    sources = [
        {
            "model": "departments.source",
            "fields": {
                "name": "dermatology.txt",
                "kind": "text",
                "title_en": "Dermatology: introduction",
                "title_zh_hans": "皮肤科简介",
                "published_on": None,
                "url": "",
            },
        },
        {
            "model": "departments.source",
            "fields": {
                "name": "annual-report-2025",
                "kind": "document",
                "title_en": "Annual report 2025",
                "title_zh_hans": "2025年年度报告",
                "published_on": "2026-03-31",
                "url": "",
            },
        },
    ]
    return [department, *figures, *sources]


@pytest.fixture
def fixtures_with_a_sixth_department(tmp_path):
    folder = tmp_path / "fixtures"
    shutil.copytree(ROOT / "fixtures", folder)
    (folder / "sources" / "dermatology.txt").write_text(TEXT)
    (folder / "50-dermatology.json").write_text(
        json.dumps(dermatology_records(), ensure_ascii=False, indent=2)
    )
    return folder


def test_its_provenance_holds_like_every_other(fixtures_with_a_sixth_department):
    folder = fixtures_with_a_sixth_department
    records = [record for path in sorted(folder.glob("*.json")) for record in json.loads(path.read_text())]
    texts, sources = source_texts(folder), source_records(records)
    assert "dermatology.txt" in texts and "annual-report-2025" in sources
    assert [problem for record in records for problem in provenance_problems(record, texts, sources)] == []


@pytest.mark.django_db
def test_it_loads_and_is_shown_in_both_languages(fixtures_with_a_sixth_department):
    call_command("loaddata", *sorted(fixtures_with_a_sixth_department.glob("*.json")), verbosity=0)

    department = Department.objects.get(slug="dermatology")
    assert department.source_id == "dermatology.txt"
    assert StaffStats.objects.get(department=department, slug="nurses").source_id == "annual-report-2025"
    report = Source.objects.get(name="annual-report-2025")
    assert (report.kind, report.title_en, str(report.published_on)) == (
        "document",
        "Annual report 2025",
        "2026-03-31",
    )
    client = Client()
    response = client.get("/en/departments/dermatology/")
    assert response.status_code == 200
    english = visible_text(response.content.decode())
    assert "Dermatology" in english and "40" in english and "more than 20" in english
    chinese = visible_text(client.get("/zh-hans/departments/dermatology/").content.decode())
    assert "皮肤科" in chinese
    assert "Dermatology" in visible_text(client.get("/en/departments/").content.decode())


@pytest.mark.django_db
def test_no_code_or_migration_is_needed():
    """The models say nothing about which departments or texts there are."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
