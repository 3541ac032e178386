"""The editorial workflow (departments/editing.py, content/editions.py), as editors use it in the
admin: draft, preview, publish, discard; history, compare, restore; no lost update; review."""

import datetime
import json

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from departments import models
from departments.content import editions
from departments.models import ContentVersion, Draft, Revision, Via
from tests.support.databases import database_dump
from tests.support.editors import admin_url, department_change, form_data, inline_prefix, page_text
from tests.support.project import FIXTURES

pytestmark = pytest.mark.usefixtures("content")
pytest_plugins = ["tests.support.editor_fixtures"]

SPINE_PAGE = "/en/departments/spine-surgery/"
# What a draft, a login or a session may change; never the content.
WORKFLOW = [Draft, User, Session, "axes"]
SPINE_PAGE_ZH = "/zh-hans/departments/spine-surgery/"


def spine():
    return models.Department.objects.get(slug="spine-surgery")


def public_text(path):
    """The page as a patient gets it (a fresh client: no session, the page cache as it is)."""
    response = Client().get(path)
    assert response.status_code == 200
    return page_text(response)


def operations_row(response):
    """The index of the annual operations figure among the spine surgery form's figure rows."""
    forms = next(
        inline.formset.forms
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is models.StaffStats
    )
    return next(n for n, form in enumerate(forms) if form.instance.slug == "annual-operations")


def edited(client, changes=(), **owner_fields):
    """The spine surgery form as shown, with the operations figure and owner fields changed."""
    response = department_change(client, spine())
    data = form_data(response)
    prefix = inline_prefix(response, models.StaffStats)
    row = operations_row(response)
    for name, value in dict(changes).items():
        data[f"{prefix}-{row}-{name}"] = value
    data.update(owner_fields)
    return data


def change_url():
    return admin_url(models.Department, "change", spine().pk)


def editorial_url(view, *args):
    return admin_url(models.Department, view, spine().pk, *args)


def save_draft(client, data):
    response = client.post(change_url(), {**data, "_save_draft": "Save draft"})
    assert response.status_code == 302, page_text(response)
    return response


# -- draft, preview, publish, discard -----------------------------------------------------------


def test_a_draft_changes_nothing_patients_see_until_it_is_published(editor_client, editor):
    before = database_dump(exclude=WORKFLOW)
    public_before = public_text(SPINE_PAGE)
    assert "more than 3,000" in public_before

    save_draft(editor_client, edited(editor_client, {"value": "3500"}, summary_en="A changed summary."))

    # Nothing public changed: no content row, no page, no content version.
    assert database_dump(exclude=WORKFLOW) == before
    assert public_text(SPINE_PAGE) == public_before
    draft = Draft.objects.get()
    assert draft.updated_by == editor and draft.owner_label == str(spine())

    # The form opens on the draft (after a logout too), saying so.
    editor_client.logout()
    editor_client.force_login(editor)
    response = department_change(editor_client, spine())
    assert response.context["adminform"].form["summary_en"].value() == "A changed summary."
    forms = response.context["inline_admin_formsets"][0].formset.forms
    assert forms[operations_row(response)]["value"].value() == 3500
    assert "This form shows a draft" in page_text(response)
    assert database_dump(exclude=WORKFLOW) == before


@pytest.mark.parametrize(("language", "words"), [("en", "more than 3,500"), ("zh-hans", "超过3,500例")])
def test_the_preview_is_the_public_page_from_the_draft_and_is_never_cached(editor_client, language, words):
    public_before = public_text(f"/{language}/departments/spine-surgery/")
    save_draft(editor_client, edited(editor_client, {"value": "3500"}))

    preview = editor_client.get(editorial_url("preview", language))

    assert preview.status_code == 200
    text = page_text(preview)
    assert words in text and ("Preview of a draft" in text or "草稿预览" in text)
    assert "private" in preview["Cache-Control"] and "no-store" in preview["Cache-Control"]
    assert preview["X-Robots-Tag"] == "noindex"
    assert public_text(f"/{language}/departments/spine-surgery/") == public_before
    assert Client().get(editorial_url("preview", language)).status_code == 302  # to the login page


def test_publishing_makes_the_draft_public_in_one_step_and_records_a_revision(editor_client, editor):
    version = ContentVersion.objects.get().version
    save_draft(editor_client, edited(editor_client, {"value": "3500"}))

    response = editor_client.post(editorial_url("publish"), {"note": "New annual report"})

    assert response.status_code == 302
    assert "more than 3,500" in public_text(SPINE_PAGE)
    assert "超过3,500例" in public_text(SPINE_PAGE_ZH)
    assert not Draft.objects.exists()
    assert ContentVersion.objects.get().version == version + 1
    department = spine()
    assert department.reviewed_on == timezone.localdate()
    revision = editions.latest_revision(department)
    assert (revision.via, revision.user, revision.note) == (Via.DRAFT, editor, "New annual report")


def test_discarding_a_draft_leaves_the_published_content_as_it_was(editor_client):
    before = database_dump()
    save_draft(editor_client, edited(editor_client, {"value": "3500"}))
    editor_client.post(editorial_url("discard"))
    assert not Draft.objects.exists()
    assert database_dump() == before


def test_a_draft_can_remove_a_fact_and_the_history_restores_it(editor_client, editor):
    editions.record_revision(spine(), via=Via.LOADDATA)  # the content as staff loaded it
    response = department_change(editor_client, spine())
    data = form_data(response)
    prefix = inline_prefix(response, models.Leader)
    leaders = next(
        inline.formset.forms
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is models.Leader
    )
    retiring = next(n for n, form in enumerate(leaders) if form.instance.slug == "zhang-shaokun")
    data[f"{prefix}-{retiring}-DELETE"] = "on"
    save_draft(editor_client, data)
    assert models.Leader.objects.filter(slug="zhang-shaokun").exists()  # still public
    editor_client.post(editorial_url("publish"))
    assert not models.Leader.objects.filter(slug="zhang-shaokun").exists()
    assert "Zhang Shaokun" not in public_text(SPINE_PAGE)

    history = editor_client.get(editorial_url("revisions"))
    assert history.status_code == 200
    assert "Zhang Shaokun" in page_text(history)  # the removed leader's values, shown as removed
    restored = editor_client.post(editorial_url("restore", 1))
    assert restored.status_code == 302
    assert not models.Leader.objects.filter(slug="zhang-shaokun").exists()  # a draft, not public yet
    editor_client.post(editorial_url("publish"))
    assert models.Leader.objects.filter(slug="zhang-shaokun").exists()
    assert "Zhang Shaokun" in public_text(SPINE_PAGE)
    revisions = editions.owned(Revision, spine()).order_by("number")
    assert [revision.via for revision in revisions] == [Via.LOADDATA, Via.DRAFT, Via.DRAFT]


def test_a_row_added_in_a_draft_can_be_edited_in_the_draft_again(editor_client):
    response = department_change(editor_client, spine())
    data = form_data(response)
    prefix = inline_prefix(response, models.Partner)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update(
        {
            f"{prefix}-{index}-kind": models.PartnerKind.values[0],
            f"{prefix}-{index}-name_en": "Australia",
            f"{prefix}-{index}-name_zh_hans": "澳大利亚",
            f"{prefix}-{index}-slug": "australia",
            f"{prefix}-{index}-position": "9",
            f"{prefix}-{index}-department": str(spine().pk),
        }
    )
    save_draft(editor_client, data)
    assert not models.Partner.objects.filter(slug="australia").exists()

    # The form from the draft holds the new row; saving it again (as a draft, then publishing) keeps one.
    again = department_change(editor_client, spine())
    data = form_data(again)
    row = next(
        n
        for n, form in enumerate(
            next(
                i.formset.forms
                for i in again.context["inline_admin_formsets"]
                if i.formset.model is models.Partner
            )
        )
        if form.instance.slug == "australia"
    )
    data[f"{prefix}-{row}-name_en"] = "Australia (Sydney)"
    save_draft(editor_client, data)
    editor_client.post(editorial_url("publish"))
    assert list(models.Partner.objects.filter(slug="australia").values_list("name_en", flat=True)) == [
        "Australia (Sydney)"
    ]


# -- two editors ------------------------------------------------------------------------------


def test_a_form_opened_before_someone_else_published_is_refused_keeping_the_input(
    editor_client, superuser_client, admin_user
):
    mine = edited(editor_client, {"value": "3500"})  # opened now
    theirs = edited(superuser_client, summary_en="Their new summary.")
    assert superuser_client.post(change_url(), theirs).status_code == 302  # published meanwhile

    refused = editor_client.post(change_url(), mine)

    assert refused.status_code == 200
    text = page_text(refused)
    assert f"Since you opened this form, {admin_user.username} published a change" in text
    assert "summary_en" in text
    figures = refused.context["inline_admin_formsets"][0].formset.forms
    assert figures[operations_row(refused)]["value"].value() == "3500"  # what the editor typed
    assert models.StaffStats.objects.get(department=spine(), slug="annual-operations").value == 3000
    assert spine().summary_en == "Their new summary."
    # Having seen it, the editor saves again (the form now knows the latest revision).
    again = form_data(refused)
    assert editor_client.post(change_url(), again).status_code == 302
    assert models.StaffStats.objects.get(department=spine(), slug="annual-operations").value == 3500


def test_a_form_opened_before_someone_else_saved_a_draft_is_refused_keeping_the_input(
    editor_client, superuser_client, admin_user
):
    mine = edited(editor_client, summary_en="My summary.")  # opened now, with no draft
    save_draft(superuser_client, edited(superuser_client, {"value": "3500"}))  # their draft, meanwhile
    theirs = Draft.objects.get().records

    for button in ({"_save_draft": "Save draft"}, {}):  # saving a draft, or publishing with "Save"
        refused = editor_client.post(change_url(), {**mine, **button})
        assert refused.status_code == 200
        assert f"Since you opened this form, {admin_user.username} saved a draft of it" in page_text(refused)
        assert refused.context["adminform"].form["summary_en"].value() == "My summary."  # kept
        assert Draft.objects.get().records == theirs  # their draft is whole
        assert models.StaffStats.objects.get(department=spine(), slug="annual-operations").value == 3000
        assert spine().summary_en != "My summary."  # nothing published

    # Having seen their draft, the editor saves again: the form now knows the draft it was shown.
    save_draft(editor_client, form_data(refused))
    assert spine().summary_en != "My summary."
    response = department_change(editor_client, spine())
    assert response.context["adminform"].form["summary_en"].value() == "My summary."


def test_a_form_showing_a_draft_that_was_discarded_since_is_refused(editor_client, superuser_client):
    save_draft(editor_client, edited(editor_client, {"value": "3500"}))
    mine = edited(editor_client, summary_en="My summary.")  # opened on the draft
    superuser_client.post(editorial_url("discard"))
    assert not Draft.objects.exists()

    refused = editor_client.post(change_url(), {**mine, "_save_draft": "Save draft"})

    assert refused.status_code == 200
    assert "the draft it showed was discarded" in page_text(refused)
    assert not Draft.objects.exists()


def published_elsewhere(tmp_path, **fields):
    """Someone else publishes a change of the spine surgery department: staff load a fixture."""
    path = next(path for path in FIXTURES if path.name.endswith("spine-surgery.json"))
    records = json.loads(path.read_text())
    records[0]["fields"].update(fields)
    changed = tmp_path / path.name
    changed.write_text(json.dumps(records, ensure_ascii=False))
    call_command("loaddata", changed, verbosity=0)


def test_publishing_a_draft_keeps_what_someone_else_published_meanwhile(editor_client, tmp_path):
    save_draft(editor_client, edited(editor_client, {"value": "3500"}))
    published_elsewhere(tmp_path, summary_en="Theirs.")

    editor_client.post(editorial_url("publish"))

    department = spine()
    assert department.summary_en == "Theirs."
    assert models.StaffStats.objects.get(department=department, slug="annual-operations").value == 3500


def test_a_draft_that_changes_what_someone_else_changed_is_not_published(editor_client, tmp_path):
    save_draft(editor_client, edited(editor_client, summary_en="Mine."))
    published_elsewhere(tmp_path, summary_en="Theirs.")

    response = editor_client.post(editorial_url("publish"), follow=True)

    assert "Not published" in page_text(response) and "summary_en" in page_text(response)
    assert spine().summary_en == "Theirs."
    assert Draft.objects.exists()


# -- review by a second person ----------------------------------------------------------------


def test_with_review_required_an_editor_drafts_and_another_publishes(
    editor_client, superuser_client, settings
):
    settings.CONTENT_REVIEW_REQUIRED = True
    data = edited(editor_client, {"value": "3500"})
    assert editor_client.post(change_url(), data).status_code == 403  # no publishing
    save_draft(editor_client, data)
    editor_client.post(editorial_url("ready"))
    assert Draft.objects.get().state == "ready"
    assert editor_client.post(editorial_url("publish")).status_code == 403
    assert "more than 3,000" in public_text(SPINE_PAGE)

    superuser_client.post(editorial_url("publish"))
    assert "more than 3,500" in public_text(SPINE_PAGE)


# -- every publication is a revision ----------------------------------------------------------


def test_loaddata_and_admin_saves_are_revisions_with_their_changes_field_by_field(editor_client, tmp_path):
    call_command("loaddata", *FIXTURES, verbosity=0)
    first = editions.latest_revision(spine())
    assert first.via == Via.LOADDATA and "30-spine-surgery.json" in first.note

    assert editor_client.post(change_url(), edited(editor_client, {"value": "3500"})).status_code == 302
    second = editions.latest_revision(spine())
    assert (second.number, second.via) == (first.number + 1, Via.ADMIN)

    # As editors read them: entries by their names, fields by their labels, choices by theirs.
    history = page_text(editor_client.get(editorial_url("revisions")))
    assert "Staff or activity figure: Operations a year" in history
    assert "3000" in history and "3500" in history
    compared = editor_client.get(editorial_url("revisions"), {"older": first.number, "newer": second.number})
    changes = {change.label: change.labelled_fields for change in compared.context["compared"]["changes"]}
    assert changes["Staff or activity figure: Operations a year"] == [("value", "Value", 3000, 3500)]
    # In the Chinese admin, with Chinese punctuation: "人员或业务数据：年手术量", "简介（简体中文）".
    with translation.override("zh-hans"):
        kind = str(models.StaffStats._meta.verbose_name)
    chinese = page_text(editor_client.get(editorial_url("revisions").replace("/en/", "/zh-hans/", 1)))
    assert f"{kind}：年手术量" in chinese
    with translation.override("en"):
        assert editions.field_label(models.Department, "summary_zh_hans") == "Summary (简体中文)"
    with translation.override("zh-hans"):
        assert editions.field_label(models.Department, "summary_zh_hans").endswith("（简体中文）")
    # Loading the same files again changes nothing, and records nothing.
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert editions.latest_revision(spine()).number == second.number + 1  # back to 3000 from the file
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert editions.latest_revision(spine()).number == second.number + 1


def test_a_form_saved_or_a_draft_published_unchanged_changes_nothing(editor_client):
    """Nothing to publish: no new content version (every cached page stays), no revision, the
    review date as it was."""
    models.Department.objects.filter(pk=spine().pk).update(reviewed_on=datetime.date(2020, 1, 1))
    version, revisions = ContentVersion.objects.get().version, Revision.objects.count()

    response = editor_client.post(change_url(), {**edited(editor_client), "_continue": "Save and continue"})
    assert response.status_code == 302
    save_draft(editor_client, edited(editor_client))
    published = editor_client.post(editorial_url("publish"), follow=True)

    assert "The draft changed nothing, so it is discarded" in page_text(published)
    assert not Draft.objects.exists()
    assert (ContentVersion.objects.get().version, Revision.objects.count()) == (version, revisions)
    assert spine().reviewed_on == datetime.date(2020, 1, 1)


def test_a_draft_published_with_save_is_a_revision_even_with_nothing_typed(editor_client, editor):
    save_draft(editor_client, edited(editor_client, {"value": "3500"}))
    revisions = Revision.objects.count()

    assert editor_client.post(change_url(), edited(editor_client)).status_code == 302  # the draft's form

    assert models.StaffStats.objects.get(department=spine(), slug="annual-operations").value == 3500
    assert not Draft.objects.exists()
    assert Revision.objects.count() == revisions + 1
    assert editions.latest_revision(spine()).user == editor
    assert spine().reviewed_on == timezone.localdate()


def test_the_review_date_is_set_on_publishing(editor_client):
    models.Department.objects.filter(pk=spine().pk).update(reviewed_on=datetime.date(2020, 1, 1))
    assert editor_client.post(change_url(), edited(editor_client, {"value": "3500"})).status_code == 302
    assert spine().reviewed_on == timezone.localdate()
