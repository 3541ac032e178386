"""Every data rule holds at the database, whatever path writes the row."""

import pytest
from django.db import IntegrityError, connection, transaction

from departments.models import Accreditation, Department, Leader, Milestone, Source, StaffStats
from tests.support.databases import python_rules_off
from tests.support.factories import make_department, make_figure, make_hospital

pytestmark = pytest.mark.django_db


def rejected(create):
    """The database refuses the row by itself (every writer is also checked in Python first, with
    the rule's message: tests/test_rules.py)."""
    with python_rules_off(), pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def hospital():
    return make_hospital()


@pytest.fixture
def department(hospital):
    return make_department(hospital, slug="spine-surgery")


def test_department_slugs_are_unique(hospital, department):
    rejected(lambda: make_department(hospital, slug="spine-surgery"))


def test_founding_year_is_between_1800_and_the_ceiling(hospital):
    rejected(lambda: make_department(hospital, slug="too-old", founded_year=1799))
    rejected(lambda: make_department(hospital, slug="too-new", founded_year=2101))
    assert make_department(hospital, slug="ok", founded_year=1800).founded_year == 1800


def test_a_founding_month_needs_a_year_and_a_real_month(hospital):
    rejected(lambda: make_department(hospital, slug="no-year", founded_month=11))
    rejected(lambda: make_department(hospital, slug="month-13", founded_year=2005, founded_month=13))


def test_counts_are_never_negative(department):
    rejected(lambda: make_figure(department, value=-1))


def test_percentages_are_at_most_100(department):
    rejected(
        lambda: make_figure(department, slug="share", metric="laparoscopic_share", unit="percent", value=101)
    )
    assert (
        make_figure(department, slug="ok", metric="laparoscopic_share", unit="percent", value=100).value
        == 100
    )


def test_choices_are_enforced_by_the_database(department):
    rejected(lambda: make_figure(department, metric="unicorns"))
    rejected(lambda: make_figure(department, qualifier="roughly"))
    rejected(lambda: Leader.objects.create(department=department, slug="x", name="X", role="emperor"))


def test_a_fact_belongs_to_exactly_one_owner(hospital, department):
    rejected(lambda: StaffStats.objects.create(slug="orphan", metric="beds", value=1))
    rejected(
        lambda: StaffStats.objects.create(
            hospital=hospital, department=department, slug="both", metric="beds", value=1
        )
    )


def test_fact_slugs_are_unique_per_owner(hospital, department):
    make_figure(department, slug="beds")
    rejected(lambda: make_figure(department, slug="beds"))
    make_figure(hospital, slug="beds")
    rejected(lambda: make_figure(hospital, slug="beds"))
    other = make_department(hospital, slug="other")
    assert make_figure(other, slug="beds").slug == "beds"


def test_a_quoted_source_needs_its_phrase(department):
    Source.objects.create(name="spine-surgery.txt", kind="text", title_en="Spine surgery")
    rejected(lambda: make_figure(department, source_id="spine-surgery.txt", source_phrase=""))


def test_a_source_is_one_of_the_sources(department):
    with python_rules_off(), pytest.raises(IntegrityError), transaction.atomic():
        make_figure(department, source_id="rumour.txt", source_phrase="heard somewhere")
        connection.check_constraints()


def test_years_of_facts_are_in_range(hospital, department):
    rejected(
        lambda: Accreditation.objects.create(
            department=department, slug="a", kind="award", name_en="A", year=1700
        )
    )
    rejected(lambda: Milestone.objects.create(hospital=hospital, slug="m", year=2005, month=0, text_en="M"))


def test_a_photo_needs_alt_text(hospital):
    rejected(lambda: make_department(hospital, slug="photo", photo="photos/departments/x.jpg"))


def test_natural_keys_round_trip(hospital, department):
    figure = make_figure(department)
    hospital_figure = make_figure(hospital, slug="employees", metric="employees")
    assert Department.objects.get_by_natural_key(*department.natural_key()) == department
    assert figure.natural_key() == (None, "spine-surgery", "beds")
    assert StaffStats.objects.get_by_natural_key(*figure.natural_key()) == figure
    assert hospital_figure.natural_key() == ("test-hospital", None, "employees")
    assert StaffStats.objects.get_by_natural_key(*hospital_figure.natural_key()) == hospital_figure


def test_str_and_urls(hospital, department):
    figure = make_figure(department, qualifier="more_than", value=5900)
    assert str(department) == "Department spine-surgery"
    assert department.get_absolute_url() == "/en/departments/spine-surgery/"
    assert hospital.get_absolute_url() == "/en/"
    assert figure.get_absolute_url() == department.get_absolute_url()
    assert "5900" in str(figure)
