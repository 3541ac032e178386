"""The visiting and contact places, which the texts leave empty, filled in as an editor would."""

import json
from html import unescape

import pytest
from django.core.management import call_command

from departments.models import Department, Hospital
from tests.support.pages import LANGUAGES

pytestmark = pytest.mark.usefixtures("content")

SPINE = "departments/spine-surgery/"

DEPARTMENT_DETAILS = {
    "location": ("Building 2, 3rd floor", "二号楼三层"),
    "opening_hours": ("Monday to Friday, 8:00–17:00", "周一至周五 8:00–17:00"),
    "booking_information": (
        "Book at the desk.\n\nBring your card & <ID>.",
        "请在服务台预约。\n\n请携带就诊卡。",
    ),
}


def text_of(response):
    return unescape(response.content.decode())


def fill(owner, values):
    for field, (english, chinese) in values.items():
        setattr(owner, f"{field}_en", english)
        setattr(owner, f"{field}_zh_hans", chinese)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_department_with_every_visiting_field_filled_shows_them(client, language):
    department = Department.objects.get(slug="spine-surgery")
    fill(department, DEPARTMENT_DETAILS)
    department.phone = "0431 8878 2222"
    department.save()

    response = client.get(f"/{language}/{SPINE}")

    assert response.status_code == 200
    text = text_of(response)
    shown = 1 if language == "zh-hans" else 0
    for english_and_chinese in DEPARTMENT_DETAILS.values():
        for paragraph in english_and_chinese[shown].split("\n\n"):
            assert paragraph in text
    assert '<a href="tel:043188782222">0431 8878 2222</a>' in response.content.decode()
    assert "have not been published on this site yet" not in text
    label = {"en": "<p>Location: <span>", "zh-hans": "<p>地点：<span>"}[language]
    assert label in response.content.decode()  # no space after a full-width colon
    if language == "en":
        # The booking text keeps its paragraphs, escaped.
        assert "<p>Bring your card &amp; &lt;ID&gt;.</p>" in response.content.decode()


def test_only_one_filled_field_in_english_is_shown_on_the_chinese_page_marked_as_english(client):
    department = Department.objects.get(slug="spine-surgery")
    department.location_en = "Building 2"
    department.save()

    html = client.get(f"/zh-hans/{SPINE}").content.decode()

    assert '<span lang="en">Building 2</span>' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hospital_with_every_visiting_field_filled_shows_them(client, language):
    hospital = Hospital.objects.get()
    fill(
        hospital,
        {"address": ("1 Xinmin Street", "新民大街1号"), "visiting_information": ("Visit.", "探视。")},
    )
    hospital.phone = "+86 431 8878 2222"
    hospital.website = "https://example.org/"
    hospital.save()

    response = client.get(f"/{language}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert ("新民大街1号" if language == "zh-hans" else "1 Xinmin Street") in html
    assert ("探视。" if language == "zh-hans" else "Visit.") in html
    assert '<a href="tel:+8643188782222">+86 431 8878 2222</a>' in html
    assert '<a href="https://example.org/" rel="external">https://example.org/</a>' in html


def test_a_telephone_field_without_a_number_is_shown_as_text_not_a_link(client):
    department = Department.objects.get(slug="spine-surgery")
    department.phone = "ask at the main desk"
    department.save()

    html = client.get(f"/en/{SPINE}").content.decode()

    assert "ask at the main desk" in html and 'href="tel:' not in html


def test_a_fixture_that_fills_the_location_loads_and_renders(client, tmp_path):
    fields = {
        "slug": "spine-surgery",
        "hospital": [Hospital.objects.get().slug],
        "name_en": "Spine Surgery",
        "summary_en": "S.",
        "description_en": "D.",
        "reviewed_on": "2026-01-01",
        "location_en": "Building 2",
        "location_zh_hans": "二号楼",
    }
    fixture = tmp_path / "location.json"
    fixture.write_text(json.dumps([{"model": "departments.department", "fields": fields}]))

    call_command("loaddata", fixture, verbosity=0)

    for language, location in (("en", "Building 2"), ("zh-hans", "二号楼")):
        response = client.get(f"/{language}/{SPINE}")
        assert response.status_code == 200
        assert location in response.content.decode()
