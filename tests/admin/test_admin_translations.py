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


# -- Translation at a glance (departments/content/translations.py) ------------------------------

pytest_plugins = ["tests.support.editor_fixtures"]


def spine_form(client):
    from departments.models import Department
    from tests.support.editors import department_change, form_data

    department = Department.objects.get(slug="spine-surgery")
    return department, form_data(department_change(client, department))


def test_one_page_lists_missing_and_out_of_date_chinese_and_a_save_says_so(editor_client, content):
    from departments.content import editions
    from departments.models import Department, Leader, Via
    from tests.support.editors import admin_url, page_text

    editions.record_revision(Department.objects.get(slug="spine-surgery"), via=Via.LOADDATA)  # as loaded
    department, data = spine_form(editor_client)
    translations = admin_url(Department, "translations")
    assert "Every text has its Chinese" in page_text(editor_client.get(translations))

    # The English of the summary changes; its Chinese does not.
    data["summary_en"] = "Spine surgery, with a summary rewritten in English."
    saved = editor_client.post(admin_url(Department, "change", department.pk), data, follow=True)
    assert "Chinese to write or bring up to date here: Department: spine-surgery (summary: out of date)" in (
        page_text(saved)
    )
    Leader.objects.filter(department=department, slug="niu-feng").update(title_zh_hans="")

    page = page_text(editor_client.get(translations))
    assert "spine-surgery" in page and "out of date" in page
    assert "niu-feng" in page and "missing" in page
    assert (
        f'href="{admin_url(Department, "change", department.pk)}"'
        in editor_client.get(translations).content.decode()
    )

    # Writing the Chinese brings it up to date.
    department, data = spine_form(editor_client)
    data["summary_zh_hans"] = "脊柱外科：简介已更新。"
    editor_client.post(admin_url(Department, "change", department.pk), data)
    page = page_text(editor_client.get(translations))
    assert "out of date" not in page


def test_the_page_is_in_chinese_in_the_chinese_admin(editor_client, content):
    from departments.models import Department
    from tests.support.editors import admin_url, page_text

    page = page_text(editor_client.get(admin_url(Department, "translations", language="zh-hans")))
    assert "待翻译" in page
