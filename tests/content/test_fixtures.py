"""The fixtures against the source texts they were built from."""

import json
import re

import pytest
from django.apps import apps

from departments.content.fixtures import content_models
from departments.models import Qualifier, StaffStats, Unit
from tests.support.project import FIXTURES, ROOT
from tests.support.provenance import provenance_problems, source_records, source_texts

SOURCES = source_texts(ROOT / "fixtures")
RECORDS = [
    (path.name, index, record)
    for path in FIXTURES
    for index, record in enumerate(json.loads(path.read_text()))
]
SOURCE_RECORDS = source_records(record for _name, _index, record in RECORDS)
FIGURES = [r for r in RECORDS if r[2]["model"] in ("departments.staffstats", "departments.researchfigure")]
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 10: "ten"}
QUALIFIER_WORDS = {
    Qualifier.MORE_THAN: "more than",
    Qualifier.OVER: "over",
    Qualifier.NEARLY: "nearly",
    Qualifier.SEVERAL: "several",
    Qualifier.HUNDREDS: "hundreds",
    Qualifier.THOUSANDS: "thousands",
}


def record_id(record):
    return f"{record[0]}#{record[1]}"


def spellings(value, unit):
    """The ways a source text writes this number."""
    forms = {str(value), f"{value:,}"}
    if value in NUMBER_WORDS:
        forms.add(NUMBER_WORDS[value])
    if unit in (Unit.YUAN, Unit.COUNT) and value >= 1_000_000 and value % 1_000_000 == 0:
        forms.add(f"{value // 1_000_000} million")
    if unit == Unit.RANK:
        forms.add(f"{value}th")
    return forms


def test_the_source_texts_are_kept_verbatim():
    shared = ROOT.parent / "shared" / "sources"
    assert {"hospital.txt", "spine-surgery.txt"} <= set(SOURCES)
    if shared.exists():
        originals = {path.name: path.read_text() for path in shared.glob("*.txt")}
        assert originals.items() <= SOURCES.items(), "every original text is here, unchanged"


@pytest.mark.parametrize("record", RECORDS, ids=record_id)
def test_every_record_uses_natural_keys(record):
    assert "pk" not in record[2], "fixtures carry no primary keys; natural keys identify rows"


@pytest.mark.parametrize("record", RECORDS, ids=record_id)
def test_every_fact_quotes_its_source_verbatim(record):
    assert provenance_problems(record[2], SOURCES, SOURCE_RECORDS) == []


def test_every_source_text_is_a_source_the_fixtures_describe():
    texts = {name for name, fields in SOURCE_RECORDS.items() if fields["kind"] == "text"}
    assert texts == set(SOURCES)


@pytest.mark.parametrize("record", FIGURES, ids=record_id)
def test_every_figure_number_and_qualifier_is_in_its_phrase(record):
    fields = record[2]["fields"]
    phrase = fields["source_phrase"]
    qualifier = fields.get("qualifier", Qualifier.EXACT)
    if qualifier in (Qualifier.SEVERAL, Qualifier.HUNDREDS, Qualifier.THOUSANDS):
        assert QUALIFIER_WORDS[qualifier] in phrase
        return
    assert any(
        re.search(rf"(?<![\d,]){re.escape(form)}(?![\d,])", phrase)
        for form in spellings(fields["value"], fields.get("unit", Unit.COUNT))
    ), f"{fields['value']} is not in {phrase!r}"
    if qualifier in QUALIFIER_WORDS:
        assert QUALIFIER_WORDS[qualifier] in phrase
    else:
        assert not any(word in phrase for word in ("more than", "over ", "nearly", "about"))


@pytest.mark.parametrize("record", FIGURES, ids=record_id)
def test_a_sum_is_in_yuan_only_where_its_text_says_yuan(record):
    """The spine text gives its funding as "more than 10 million scientific research funds", with no
    currency: the site must not add one."""
    fields = record[2]["fields"]
    assert (fields.get("unit") == Unit.YUAN) == (
        "yuan" in fields["source_phrase"] or "RMB" in fields["source_phrase"]
    )


def test_nobody_is_given_a_gender_the_texts_do_not_give():
    """The texts name people by name and title ("Professor Zhang Duo") and never say he or she; the
    English must not either (the Chinese says 其, which says neither)."""
    pronouns = re.compile(r"\b(he|she|his|her|hers|him|himself|herself)\b", re.I)
    assert not any(pronouns.search(text) for text in SOURCES.values())
    said = [
        (record_id(record), name, value)
        for record in RECORDS
        for name, value in record[2]["fields"].items()
        if name.endswith("_en") and isinstance(value, str) and pronouns.search(value)
    ]
    assert said == []


def test_every_department_has_a_fixture_file_and_its_source():
    """One department per text (but the hospital's), each resting on its own text."""
    departments = [r[2]["fields"] for r in RECORDS if r[2]["model"] == "departments.department"]
    assert sorted(d["slug"] for d in departments) == sorted(
        name.removesuffix(".txt") for name in SOURCES if name != "hospital.txt"
    )
    assert len(departments) >= 4
    for department in departments:
        assert department["source"] == [f"{department['slug']}.txt"]


def test_loading_twice_leaves_the_same_rows(content):
    from django.core.management import call_command

    # The content's rows (a load also records revisions in the history: tests/admin/test_editorial.py).
    models = [m for m in apps.get_app_config("departments").get_models() if m in content_models()]
    before = {model: sorted(model.objects.values_list("pk", flat=True)) for model in models}
    call_command("loaddata", *FIXTURES, verbosity=0)
    after = {model: sorted(model.objects.values_list("pk", flat=True)) for model in models}
    assert before == after
    assert StaffStats.objects.count() == sum(1 for r in RECORDS if r[2]["model"] == "departments.staffstats")
    assert sum(len(pks) for pks in after.values()) == len(RECORDS)
