"""One rulebook (departments/models/rules.py): each rule refuses the same bad value with the same
message on every path that writes content — an editor's form in the admin, a fixture loaded by
`loaddata`, and a save from a script or the shell."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from departments.models import Accreditation, Department, Leader, StaffStats
from tests.support.databases import database_dump
from tests.support.editors import admin_url, department_change, form_data, inline_prefix, page_text
from tests.support.project import FIXTURES

pytestmark = pytest.mark.usefixtures("content")
pytest_plugins = ["tests.support.editor_fixtures"]

THIS_YEAR = timezone.localdate().year
YEAR = f"Enter a year from 1800 to {THIS_YEAR}."
MONTH = "Enter a month from 1 to 12, or leave it empty."
SPINE = next(path for path in FIXTURES if path.name.endswith("spine-surgery.json"))

# (what is wrong, the model whose row is changed, the bad values, the field named, the message)
RULES = [
    ("a year before 1800", Department, {"founded_year": 1700}, "founded_year", YEAR),
    ("a year after this one", Department, {"founded_year": THIS_YEAR + 1}, "founded_year", YEAR),
    ("a month that is not one", Department, {"founded_month": 13}, "founded_month", MONTH),
    (
        "a month without its year",
        Department,
        {"founded_year": None, "founded_month": 5},
        "founded_month",
        "A month needs a year: enter the year as well.",
    ),
    ("no English name", Department, {"name_en": ""}, "name_en", "This field is required."),
    (
        "a NUL character",
        Department,
        {"name_zh_hans": "脊柱\x00外科"},
        "name_zh_hans",
        "Null characters are not allowed.",
    ),
    ("a negative figure", StaffStats, {"value": -5}, "value", "Enter zero or a positive number."),
    (
        "a percentage over 100",
        StaffStats,
        {"unit": "percent", "value": 150},
        "value",
        "A percentage cannot be more than 100.",
    ),
    (
        "a source without its phrase",
        StaffStats,
        {"source_phrase": ""},
        "source_phrase",
        "Quote the words of the source text this rests on, or set the source to empty.",
    ),
    ("a count of nothing", Accreditation, {"count": 0}, "count", "Enter 1 or more, or leave it empty."),
    ("an accreditation from 1650", Accreditation, {"year": 1650}, "year", YEAR),
    ("a leader without a name", Leader, {"name": ""}, "name", "This field is required."),
]
IDS = [rule[0] for rule in RULES]


def spine_row(model):
    """The spine surgery row a rule is tried on: the department, or its first fact of a kind
    (the first row of that kind on its admin page)."""
    department = Department.objects.get(slug="spine-surgery")
    if model is Department:
        return department
    return model.objects.filter(department=department).order_by(*model._meta.ordering, "pk").first()


@pytest.mark.parametrize(("_case", "model", "values", "field", "message"), RULES, ids=IDS)
def test_the_admin_form_refuses_it_beside_the_field(editor_client, _case, model, values, field, message):
    row = spine_row(model)
    department = Department.objects.get(slug="spine-surgery")
    response = department_change(editor_client, department)
    data = form_data(response)
    as_posted = {name: "" if value is None else str(value) for name, value in values.items()}
    index = None
    if model is Department:
        data.update(as_posted)
    else:
        index = next(n for n, form in enumerate(inline_forms(response, model)) if form.instance.pk == row.pk)
        prefix = inline_prefix(response, model)
        data.update({f"{prefix}-{index}-{name}": value for name, value in as_posted.items()})
    before = database_dump()

    response = editor_client.post(admin_url(Department, "change", department.pk), data)

    assert response.status_code == 200
    form = response.context["adminform"].form if index is None else inline_forms(response, model)[index]
    assert message in form.errors.get(field, []), page_text(response)
    assert database_dump() == before


def inline_forms(response, model):
    return next(
        inline.formset.forms
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is model
    )


@pytest.mark.parametrize(("_case", "model", "values", "field", "message"), RULES, ids=IDS)
def test_loaddata_refuses_it_naming_the_record_and_field(tmp_path, _case, model, values, field, message):
    row = spine_row(model)
    records = json.loads(SPINE.read_text())
    label = model._meta.label_lower
    number, record = next(
        (number, record)
        for number, record in enumerate(records, 1)
        if record["model"] == label and record["fields"]["slug"] == row.slug
    )
    record["fields"].update(values)
    path = tmp_path / SPINE.name
    path.write_text(json.dumps(records, ensure_ascii=False))
    before = database_dump()

    with pytest.raises(CommandError) as error:
        call_command("loaddata", path, verbosity=0)

    assert f"{path}, record {number} (" in str(error.value)
    assert f"): {field}: {message}" in str(error.value)
    assert database_dump() == before


@pytest.mark.parametrize(("_case", "model", "values", "field", "message"), RULES, ids=IDS)
def test_a_save_from_the_shell_refuses_it(_case, model, values, field, message):
    row = spine_row(model)
    for name, value in values.items():
        setattr(row, name, value)
    before = database_dump()

    with pytest.raises(ValidationError) as error:
        row.save()

    assert message in error.value.message_dict[field]
    assert database_dump() == before


# Rules about a row among others: the same words from the fixture check and from a shell save.
# (The admin sets a fact's owner itself and offers no second hospital; its own check of the slug
# rule is in tests/admin/test_admin.py, and of photos in tests/content/test_images.py.)
ONE_OWNER = "Choose the hospital or one department this belongs to, not both."
SLUG_TAKEN = "Another entry of the same owner already has this slug; choose another."
ONE_HOSPITAL = "The site describes one hospital, and this would be another: change the existing one instead."
ALT_TEXT = "Describe the photo in English for people who cannot see it: a photo needs this text."
HOSPITAL = "first-hospital-jilin-university"


def loaddata_problems(tmp_path, change):
    """What loaddata says of the spine surgery fixture changed by `change` (and that it wrote nothing)."""
    records = json.loads(SPINE.read_text())
    change(records)
    path = tmp_path / SPINE.name
    path.write_text(json.dumps(records, ensure_ascii=False))
    before = database_dump()
    with pytest.raises(CommandError) as error:
        call_command("loaddata", path, verbosity=0)
    assert database_dump() == before
    return str(error.value)


def first(records, model):
    return next(record for record in records if record["model"] == f"departments.{model}")


def test_a_fact_with_two_owners_is_refused_in_the_same_words(tmp_path):
    problems = loaddata_problems(
        tmp_path, lambda records: first(records, "staffstats")["fields"].update(hospital=[HOSPITAL])
    )
    assert f"): {ONE_OWNER}" in problems

    row = spine_row(StaffStats)
    row.hospital = Department.objects.get(slug="spine-surgery").hospital
    with pytest.raises(ValidationError) as error:
        row.save()
    assert ONE_OWNER in error.value.messages


def test_a_slug_taken_by_another_fact_of_the_same_owner_is_refused_from_the_shell():
    first_row, second_row = StaffStats.objects.filter(department__slug="spine-surgery")[:2]
    second_row.slug = first_row.slug
    with pytest.raises(ValidationError) as error:
        second_row.save()
    assert SLUG_TAKEN in error.value.messages


def test_a_second_hospital_is_refused_in_the_same_words(tmp_path):
    def add_hospital(records):
        hospital = json.loads(FIXTURES[0].read_text())[0]
        assert hospital["model"] == "departments.hospital"
        hospital["fields"]["slug"] = "another-hospital"
        records.insert(0, hospital)

    assert f"): {ONE_HOSPITAL}" in loaddata_problems(tmp_path, add_hospital)

    hospital = Department.objects.get(slug="spine-surgery").hospital
    hospital.pk, hospital.slug = None, "another-hospital"
    with pytest.raises(ValidationError) as error:
        hospital.save()
    assert ONE_HOSPITAL in error.value.messages
    # The one hospital itself can still be changed, its slug included.
    hospital = Department.objects.get(slug="spine-surgery").hospital
    hospital.slug = "jilin-first-hospital"
    hospital.save()


def test_a_photo_without_alt_text_is_refused_in_the_same_words(tmp_path):
    def photo_without_words(records):
        first(records, "department")["fields"].update(photo="photos/departments/spine.jpg", photo_alt_en="")

    assert f"): photo_alt_en: {ALT_TEXT}" in loaddata_problems(tmp_path, photo_without_words)

    department = Department.objects.get(slug="spine-surgery")
    department.photo, department.photo_alt_en = "photos/departments/spine.jpg", ""
    with pytest.raises(ValidationError) as error:
        department.save()
    assert ALT_TEXT in error.value.message_dict["photo_alt_en"]
