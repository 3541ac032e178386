"""What an editor's save in the admin does to the content: nothing it was not asked to do.

The admin form is posted as a browser posts it: text areas with CRLF line breaks (the HTML
standard's form encoding), every field of every inline as shown.
"""

import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command

from departments import models
from departments.models.rules import translated_originals
from tests.support.editors import admin_url, department_change, form_data, page_text
from tests.support.project import FIXTURES

pytest_plugins = ["tests.support.editor_fixtures"]
pytestmark = pytest.mark.usefixtures("content")


def as_a_browser_posts(data):
    """A text area's line breaks as a browser sends them."""
    return {
        name: value.replace("\n", "\r\n") if isinstance(value, str) else value for name, value in data.items()
    }


def stored_row(model, pk, suffix=""):
    """The row as stored, column by column (modeltranslation's values() would rename them), but
    for the untranslated columns behind translated fields, which only mirror one language."""
    mirrors = translated_originals(model)
    columns = [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname.endswith(suffix) and field.name not in mirrors
    ]
    return dict(zip(columns, model.objects.filter(pk=pk).values_list(*columns).get(), strict=True))


def test_saving_a_department_unchanged_from_a_browser_changes_nothing(editor_client):
    department = models.Department.objects.get(slug="spine-surgery")
    before = stored_row(models.Department, department.pk)
    paragraphs = before["description_en"].count("\n\n") + 1
    assert paragraphs >= 3  # a text of several paragraphs, each of which must stay apart

    response = editor_client.post(
        admin_url(models.Department, "change", department.pk),
        as_a_browser_posts(form_data(department_change(editor_client, department))),
    )

    assert response.status_code == 302, page_text(response)
    assert stored_row(models.Department, department.pk) == before
    entry = LogEntry.objects.filter(object_id=str(department.pk)).latest("action_time")
    assert entry.get_change_message() == "No fields changed."
    assert client_paragraphs(editor_client, "/en/departments/spine-surgery/") == paragraphs


def client_paragraphs(client, path):
    html = client.get(path).content.decode()
    about = html.split('<h2 id="about">', 1)[1].split("</section>", 1)[0]
    return about.count("<p>") + about.count("<p lang=")


def test_a_changed_paragraph_is_stored_with_line_feeds_and_shown_as_paragraphs(editor_client):
    department = models.Department.objects.get(slug="spine-surgery")
    data = form_data(department_change(editor_client, department))
    data["description_en"] = "First paragraph.\r\n\r\nSecond paragraph.\r\nSame paragraph.\r\n\r\nThird."

    response = editor_client.post(admin_url(models.Department, "change", department.pk), data)

    assert response.status_code == 302, page_text(response)
    department.refresh_from_db()
    assert department.description_en == "First paragraph.\n\nSecond paragraph.\nSame paragraph.\n\nThird."
    assert client_paragraphs(editor_client, "/en/departments/spine-surgery/") == 3


def test_a_save_stores_empty_translations_as_empty_text_not_null(editor_client, tmp_path):
    department = models.Department.objects.get(slug="spine-surgery")

    editor_client.post(
        admin_url(models.Department, "change", department.pk),
        as_a_browser_posts(form_data(department_change(editor_client, department))),
    )

    row = stored_row(models.Department, department.pk, suffix="_zh_hans")
    assert None not in row.values(), row
    # And the content still round-trips: the export is the committed fixtures, byte for byte.
    call_command("export_content", "--out", tmp_path, stdout=io.StringIO())
    assert {path.name: path.read_bytes() for path in tmp_path.glob("*.json")} == {
        path.name: path.read_bytes() for path in FIXTURES
    }


def test_a_nul_character_typed_into_a_form_is_refused_with_a_message(editor_client):
    department = models.Department.objects.get(slug="spine-surgery")
    data = form_data(department_change(editor_client, department))
    data["name_zh_hans"] = "脊柱外科\x00"

    response = editor_client.post(admin_url(models.Department, "change", department.pk), data)

    assert response.status_code == 200
    assert "Null characters are not allowed." in page_text(response)
    assert models.Department.objects.get(pk=department.pk).name_zh_hans == "脊柱外科"


@pytest.mark.parametrize("who", ["editor_client", "superuser_client"])
def test_nobody_can_add_a_second_hospital(request, who):
    client = request.getfixturevalue(who)

    assert client.get(admin_url(models.Hospital, "add")).status_code == 403
    changelist = page_text(client.get(admin_url(models.Hospital, "changelist")))
    assert admin_url(models.Hospital, "add") not in changelist
    # The one hospital can still be changed.
    hospital = models.Hospital.objects.get()
    assert client.get(admin_url(models.Hospital, "change", hospital.pk)).status_code == 200


def test_a_nul_character_in_an_admin_filter_is_a_bad_request_not_a_server_error(superuser_client):
    response = superuser_client.get(admin_url(models.Department, "changelist") + "?source__exact=%00")
    assert response.status_code == 400
    response = superuser_client.get(admin_url(models.Leader, "changelist") + "?q=a%00b")
    assert response.status_code == 400
