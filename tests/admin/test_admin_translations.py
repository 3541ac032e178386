"""Editors see at once which translations are missing."""

import pytest

from tests.support.factories import make_department, make_hospital

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    hospital = make_hospital()
    complete = make_department(hospital, slug="complete")
    partial = make_department(hospital, slug="partial", summary_zh_hans="", motto_en="Care", motto_zh_hans="")
    return complete, partial


def test_the_changelist_names_the_fields_that_lack_chinese(admin_client, departments):
    html = admin_client.get("/en/admin/departments/department/").content.decode()
    assert "Chinese missing for" in html
    row = html[html.index("Department partial") :]
    row = row[: row.index("</tr>")]
    assert "summary" in row and "motto" in row


def test_the_filter_lists_missing_or_complete_translations(admin_client, departments):
    complete, partial = departments
    missing = admin_client.get("/en/admin/departments/department/?chinese=missing").content.decode()
    assert "Department partial" in missing and "Department complete" not in missing
    done = admin_client.get("/en/admin/departments/department/?chinese=complete").content.decode()
    assert "Department complete" in done and "Department partial" not in done


def test_the_real_content_has_no_missing_chinese(admin_client, content):
    for model in ("hospital", "department", "accreditation", "condition", "procedure", "leader"):
        html = admin_client.get(f"/en/admin/departments/{model}/?chinese=missing").content.decode()
        assert "0 " in html and 'class="paginator"' in html, model
        assert "result_list" not in html, model
