"""An owner's facts come in one query (selectors.facts_of) and are exactly what the ORM would give."""

import pytest
from django.db.models import F

from departments.models import FACT_KINDS, Department, Hospital, Milestone
from departments.selectors import facts_of
from tests.support.factories import make_hospital


def through_the_orm(owner, model):
    """The owner's facts of one kind the plain way, in the order facts_of() promises."""
    ordering = [
        F(name).asc(nulls_first=True) if model._meta.get_field(name).null else name
        for name in model._meta.ordering
    ]
    owner_field = "hospital" if isinstance(owner, Hospital) else "department"
    return list(model.objects.filter(**{owner_field: owner}).order_by(*ordering, "pk"))


def assert_same_facts(owner):
    for kind, model in FACT_KINDS.items():
        expected = through_the_orm(owner, model)
        got = facts_of(owner)[kind]
        assert [fact.pk for fact in got] == [fact.pk for fact in expected], kind
        for fact, reference in zip(got, expected, strict=True):
            assert type(fact) is model
            for model_field in model._meta.concrete_fields:
                value = getattr(fact, model_field.attname)
                wanted = getattr(reference, model_field.attname)
                # Same value and same type: a boolean read back from SQLite is True, not 1.
                assert (value, type(value)) == (wanted, type(wanted)), (kind, model_field.attname)


@pytest.mark.usefixtures("content")
def test_every_owners_facts_match_the_orm():
    owners = [Hospital.objects.get(), *Department.objects.all()]
    for owner in owners:
        assert_same_facts(owner)
    # The comparison saw every kind of fact.
    assert {kind for owner in owners for kind, facts in facts_of(owner).items() if facts} == set(FACT_KINDS)


@pytest.mark.usefixtures("content")
def test_all_kinds_in_one_query_and_the_owner_without_another(django_assert_num_queries):
    department = Department.objects.get(slug="spine-surgery")
    with django_assert_num_queries(1):
        facts = facts_of(department)
        assert all(fact.department is department for kind in facts.values() for fact in kind)
        assert {fact.get_absolute_url() for kind in facts.values() for fact in kind} == {
            department.get_absolute_url()
        }


@pytest.mark.usefixtures("content")
def test_milestones_without_a_month_come_first_in_their_year():
    hospital = Hospital.objects.get()
    for month, slug in [(3, "b-march"), (None, "a-year-only"), (1, "c-january")]:
        Milestone.objects.create(hospital=hospital, slug=slug, year=1800, month=month, text_en=slug)
    first = [item.slug for item in facts_of(Hospital.objects.get())["milestones"][:3]]
    assert first == ["a-year-only", "c-january", "b-march"]


@pytest.mark.django_db
def test_an_owner_with_no_facts_has_every_kind_empty(django_assert_num_queries):
    hospital = make_hospital()
    with django_assert_num_queries(1):
        assert facts_of(hospital) == {kind: [] for kind in FACT_KINDS}
