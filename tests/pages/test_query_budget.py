"""Each public page runs a fixed number of queries, however much content there is."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import translation

from departments.models import Accreditation, Department, Leader, StaffStats
from departments.pages import views
from tests.support.factories import make_hospital

# Queries of the render path (no page cache), the same whatever the number of rows. Issue 7's
# budgets: at most 4 for the overview, the directory and search, 6 for a department page. All the
# facts of a page come in one query (selectors.facts_of).
OVERVIEW = 4  # hospital, its facts (one UNION), its first departments, their summary figures
DIRECTORY = 4  # hospital, the number of departments, a page of them, their headline figures
DEPARTMENT = 3  # department with hospital, its facts (one UNION), the navigation
SEARCH = 3  # the matching facts (one UNION), their departments, the navigation


def render(path, view, **kwargs):
    request = RequestFactory(headers={"host": "localhost"}).get(path)
    with translation.override("en"):
        response = view(request, **kwargs)
        if hasattr(response, "render"):
            response.render()
    assert response.status_code == 200
    return response


def assert_budgets(django_assert_num_queries, slug):
    with django_assert_num_queries(OVERVIEW):
        render("/en/", views.overview)
    with django_assert_num_queries(DIRECTORY):
        render("/en/departments/", views.directory)
    with django_assert_num_queries(DEPARTMENT):
        render(f"/en/departments/{slug}/", views.DepartmentDetailView.as_view(), slug=slug)
    with django_assert_num_queries(SEARCH):
        render("/en/search/?q=surgery", views.search)


@pytest.mark.usefixtures("content")
def test_budgets_on_the_real_content(django_assert_num_queries):
    assert_budgets(django_assert_num_queries, "spine-surgery")


@pytest.mark.django_db
def test_budgets_hold_with_200_departments(django_assert_num_queries):
    hospital = make_hospital()
    departments = Department.objects.bulk_create(
        Department(
            hospital=hospital,
            slug=f"department-{n}",
            position=n,
            name_en=f"Department {n}",
            summary_en="Summary.",
            description_en="Description.",
            reviewed_on=datetime.date(2026, 1, 1),
        )
        for n in range(200)
    )
    for department in departments:
        StaffStats.objects.bulk_create(
            [
                StaffStats(department=department, slug="beds", metric="beds", value=50, headline=True),
                StaffStats(department=department, slug="doctors", metric="doctors", value=10),
            ]
        )
        Leader.objects.create(department=department, slug="director", name="A B", role="director")
        Accreditation.objects.create(department=department, slug="a", kind="award", name_en="Award")
    assert_budgets(django_assert_num_queries, "department-7")
