"""The admin as editors use it: every page, least privilege, validation, audit, changes shown at once."""

import datetime
import json
import re
from html import unescape

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from departments import models
from departments.management.commands.create_editor import GROUP, PASSWORD_VARIABLE
from tests.support.databases import manage_py
from tests.support.editors import (
    EDITOR_PASSWORD,
    admin_url,
    department_change,
    form_data,
    inline_prefix,
    migration_0002,
    migration_0005,
    migration_0008,
    page_text,
)

pytest_plugins = ["tests.support.editor_fixtures"]

# The content an editor manages: every model of the app but the page-cache bookkeeping.
CONTENT_MODELS = [
    models.Hospital,
    models.Department,
    models.StaffStats,
    models.ResearchFigure,
    models.Accreditation,
    models.Leader,
    models.Procedure,
    models.Condition,
    models.Partner,
    models.Milestone,
    models.Facility,
    models.TeachingProgramme,
    models.Source,
]

# --- Every page loads, for a superuser and for an editor -----------------------------------------


def test_every_content_model_is_in_the_admin():
    registered = {model for model in admin.site._registry if model._meta.app_label == "departments"}
    assert registered == set(CONTENT_MODELS)


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("who", ["superuser", "editor"])
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model.__name__)
def test_changelist_add_and_change_pages_load(request, who, model):
    client = request.getfixturevalue(f"{who}_client")
    instance = model.objects.order_by("pk").first()
    # The site's one hospital exists, so nobody may add another (tests/test_editor_saves.py).
    views = ("changelist", "change") if model is models.Hospital else ("changelist", "add", "change")
    for language in ("en", "zh-hans"):
        for view in views:
            url = admin_url(model, view, *([instance.pk] if view == "change" else []), language=language)
            response = client.get(url)
            assert response.status_code == 200, url
    # A search in either language finds records (the search fields cover both).
    response = client.get(admin_url(model, "changelist"), {"q": "zzz-no-such-thing"})
    assert response.status_code == 200


@pytest.mark.usefixtures("content")
def test_search_finds_a_department_by_its_chinese_and_english_name(editor_client):
    department = models.Department.objects.get(slug="spine-surgery")
    for query in (department.name_en, department.name_zh_hans):
        response = editor_client.get(admin_url(models.Department, "changelist"), {"q": query})
        assert list(response.context["cl"].result_list) == [department]


@pytest.mark.usefixtures("content")
def test_view_on_site_leads_to_the_public_page(editor_client):
    department = models.Department.objects.get(slug="spine-surgery")
    figure = department.staffstats_set.first()
    for model, instance in ((models.Department, department), (models.StaffStats, figure)):
        response = editor_client.get(admin_url(model, "change", instance.pk))
        link = re.search(r'href="([^"]+)" class="viewsitelink"', response.content.decode())
        assert link, "no View on site link"
        redirect = editor_client.get(unescape(link.group(1)))
        assert redirect.status_code == 302
        assert redirect["Location"].endswith("/en/departments/spine-surgery/")


@pytest.mark.usefixtures("content")
def test_department_page_edits_its_facts_through_ordered_inlines(editor_client):
    department = models.Department.objects.get(slug="spine-surgery")
    response = department_change(editor_client, department)
    inlines = {inline.formset.model: inline.formset for inline in response.context["inline_admin_formsets"]}
    for model in (
        models.StaffStats,
        models.ResearchFigure,
        models.Leader,
        models.Accreditation,
        models.Procedure,
        models.Condition,
        models.Partner,
    ):
        assert model in inlines
        shown = [form.instance for form in inlines[model].forms]
        assert shown == list(model.objects.filter(department=department)), model
    # Translations side by side: both languages of a translated field on the same page.
    html = response.content.decode()
    assert 'name="summary_en"' in html and 'name="summary_zh_hans"' in html
    assert f'name="{inline_prefix(response, models.Leader)}-0-description_zh_hans"' in html
    # The slug is filled in from the English name while adding.
    assert response.context["adminform"].prepopulated_fields[0]["dependencies"][0].name == "name_en"


@pytest.mark.usefixtures("content")
def test_the_largest_change_forms_post_far_fewer_fields_than_django_accepts(superuser_client, settings):
    """A save with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS is refused, and the edit lost."""
    pages = [admin_url(models.Hospital, "change", models.Hospital.objects.get().pk)] + [
        admin_url(models.Department, "change", department.pk)
        for department in models.Department.objects.all()
    ]
    largest = max(len(form_data(superuser_client.get(url))) for url in pages)
    assert largest * 5 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


@pytest.mark.usefixtures("content")
def test_a_change_form_costs_the_same_queries_however_many_rows_it_shows(editor_client):
    """Each row's label and its list of sources come from what the form already read: a
    department with more facts costs no more queries."""
    spine = models.Department.objects.get(slug="spine-surgery")
    ContentType.objects.get_for_models(*django_apps.get_app_config("departments").get_models())

    def queries_of_the_form():
        with CaptureQueriesContext(connection) as queries:
            department_change(editor_client, spine)
        return len(queries)

    before = queries_of_the_form()
    for number in range(5):
        for model in (models.StaffStats, models.Condition, models.Leader):
            fact = model.objects.filter(department=spine).first()
            fact.pk, fact.slug = None, f"{fact.slug}-copy-{number}"
            fact.save()
    assert queries_of_the_form() == before


# --- No third-party requests ---------------------------------------------------------------------


@pytest.mark.usefixtures("content")
def test_admin_pages_load_nothing_from_another_site(superuser_client):
    department = models.Department.objects.first()
    for url in (
        admin_url(models.Department, "change", department.pk),
        admin_url(models.Hospital, "change", models.Hospital.objects.get().pk),
        admin_url(models.Accreditation, "add"),
        reverse("admin:index"),
    ):
        html = superuser_client.get(url).content.decode()
        for reference in re.findall(r'(?:src|href)="([^"]*)"', html):
            assert not re.match(r"^(https?:)?//", reference), f"{url} refers to {reference}"
    html = superuser_client.get(admin_url(models.Department, "change", department.pk)).content.decode()
    assert "/static/admin-vendor/jquery-ui/jquery-ui.min.js" in html
    assert "/static/modeltranslation/js/tabbed_translation_fields.js" in html
    assert finders.find("admin-vendor/jquery-ui/jquery-ui.min.js")
    assert finders.find("admin-vendor/jquery-ui/LICENSE.txt")


# --- Least privilege ------------------------------------------------------------------------------


def test_content_editors_may_view_add_and_change_content_and_remove_facts_only(editor_group):
    """Removing a fact (a retired director) is undoable from the history; removing a department,
    the hospital, a source, a user or the log is not an editor's."""
    expected = {
        (model._meta.model_name, f"{action}_{model._meta.model_name}")
        for model in CONTENT_MODELS
        for action in ("view", "add", "change")
    } | {(model._meta.model_name, f"delete_{model._meta.model_name}") for model in models.FACT_KINDS.values()}
    granted = {
        (permission.content_type.model, permission.codename)
        for permission in editor_group.permissions.select_related("content_type")
    }
    assert granted == expected
    assert all(
        permission.content_type.app_label == "departments" for permission in editor_group.permissions.all()
    )


def test_the_data_migration_creates_missing_permissions_and_can_run_again(db):
    Group.objects.filter(name=GROUP).delete()
    Permission.objects.filter(content_type__app_label="departments").delete()
    migration_0002.create_content_editors(django_apps)
    migration_0002.create_content_editors(django_apps)
    migration_0005.editors_may_name_sources(django_apps, None)
    migration_0005.editors_may_name_sources(django_apps, None)
    migration_0008.editors_may_remove_facts(django_apps)
    migration_0008.editors_may_remove_facts(django_apps)
    assert Group.objects.get(name=GROUP).permissions.count() == 3 * len(CONTENT_MODELS) + len(
        models.FACT_KINDS
    )


def test_the_group_migration_follows_the_initial_one():
    from django.db.migrations.loader import MigrationLoader

    migration = MigrationLoader(None, ignore_no_migrations=True).disk_migrations[
        ("departments", "0002_content_editors_group")
    ]
    assert ("departments", "0001_initial") in migration.dependencies


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(
    "url",
    [
        "/en/admin/auth/user/",
        "/en/admin/auth/user/add/",
        "/en/admin/auth/group/",
        "/zh-hans/admin/auth/user/",
        "/en/admin/admin/logentry/",
    ],
)
def test_an_editor_is_refused_users_groups_and_the_log(editor_client, url):
    assert editor_client.get(url).status_code == 403


@pytest.mark.usefixtures("content")
def test_an_editor_cannot_delete_a_department_or_the_hospital_but_may_remove_facts(editor_client):
    department = models.Department.objects.first()
    assert editor_client.get(admin_url(models.Department, "delete", department.pk)).status_code == 403
    hospital = models.Hospital.objects.get()
    assert editor_client.get(admin_url(models.Hospital, "delete", hospital.pk)).status_code == 403
    response = department_change(editor_client, department)
    assert all(inline.formset.can_delete for inline in response.context["inline_admin_formsets"])
    index = editor_client.get(reverse("admin:index"))
    assert "/admin/auth/" not in index.content.decode()


def test_create_editor_makes_a_staff_user_with_only_the_group(editor):
    assert editor.is_staff and editor.is_active and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == [GROUP]
    assert not editor.user_permissions.exists()
    assert editor.check_password(EDITOR_PASSWORD)
    assert editor.has_perm("departments.change_department")
    assert not editor.has_perm("departments.delete_department")
    assert not editor.has_perm("auth.view_user")


def test_create_editor_refuses_a_weak_password_a_taken_name_and_a_missing_group(editor, monkeypatch):
    monkeypatch.setenv(PASSWORD_VARIABLE, "short")
    with pytest.raises(CommandError, match="too weak"):
        call_command("create_editor", "someone", "--no-input")
    monkeypatch.setenv(PASSWORD_VARIABLE, EDITOR_PASSWORD)
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_editor", "editor", "--no-input")
    with pytest.raises(CommandError, match="email"):
        call_command("create_editor", "someone", "--email", "not an address", "--no-input")
    monkeypatch.delenv(PASSWORD_VARIABLE)
    with pytest.raises(CommandError, match=PASSWORD_VARIABLE):
        call_command("create_editor", "someone", "--no-input")
    Group.objects.filter(name=GROUP).delete()
    monkeypatch.setenv(PASSWORD_VARIABLE, EDITOR_PASSWORD)
    with pytest.raises(CommandError, match="migrate"):
        call_command("create_editor", "someone", "--no-input")
    assert not django_apps.get_model("auth", "User").objects.filter(username="someone").exists()


def test_create_editor_without_a_terminal_takes_the_password_from_the_environment(
    transactional_db, editor_group, tmp_path, monkeypatch
):
    """As a script or a deployment runs it (stdin is no terminal, so no one can be asked): with
    the variable set, without --no-input; without it, a message rather than a traceback."""
    monkeypatch.setenv(PASSWORD_VARIABLE, EDITOR_PASSWORD)
    command_line = manage_py(tmp_path)
    created = command_line("create_editor scripted < /dev/null")
    assert created.returncode == 0, created.stderr
    assert 'Created the content editor "scripted".' in created.stdout
    users = json.loads(command_line("dumpdata auth.user").stdout)
    [scripted] = [user["fields"] for user in users if user["fields"]["username"] == "scripted"]
    assert scripted["is_staff"] and check_password(EDITOR_PASSWORD, scripted["password"])

    monkeypatch.delenv(PASSWORD_VARIABLE)
    refused = manage_py(tmp_path)("create_editor unscripted < /dev/null")
    assert refused.returncode == 1
    assert PASSWORD_VARIABLE in refused.stderr and "Traceback" not in refused.stderr


# --- Changes show at once, and are audited --------------------------------------------------------


@pytest.mark.usefixtures("content")
def test_an_edited_chinese_summary_shows_on_the_next_request(editor_client, editor):
    department = models.Department.objects.get(slug="spine-surgery")
    public_url = "/zh-hans/departments/spine-surgery/"
    assert department.summary_zh_hans in page_text(editor_client.get(public_url))  # now cached, if it caches

    data = form_data(department_change(editor_client, department))
    data["summary_zh_hans"] = "脊柱外科：编辑刚刚修改的简介。"
    response = editor_client.post(admin_url(models.Department, "change", department.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]

    html = page_text(Client().get(public_url))
    assert "脊柱外科：编辑刚刚修改的简介。" in html
    assert department.summary_zh_hans not in html

    entry = LogEntry.objects.get(object_id=str(department.pk), action_flag=CHANGE)
    assert entry.user == editor
    assert timezone.now() - entry.action_time < datetime.timedelta(minutes=1)
    assert "summary" in entry.get_change_message().lower()
    history = editor_client.get(admin_url(models.Department, "history", department.pk))
    assert history.status_code == 200
    assert "editor" in history.content.decode()


@pytest.mark.usefixtures("content")
def test_an_edited_figure_shows_on_the_next_request_and_is_logged(editor_client, editor, superuser_client):
    department = models.Department.objects.get(slug="spine-surgery")
    public_url = "/en/departments/spine-surgery/"
    editor_client.get(public_url)
    response = department_change(editor_client, department)
    prefix = inline_prefix(response, models.StaffStats)
    data = form_data(response)
    data[f"{prefix}-0-value"] = "98765"
    figure = response.context["inline_admin_formsets"][0].formset.forms[0].instance
    assert editor_client.post(admin_url(models.Department, "change", department.pk), data).status_code == 302

    assert "98,765" in page_text(Client().get(public_url))
    figure.refresh_from_db()
    assert figure.value == 98765
    entry = LogEntry.objects.get(object_id=str(department.pk), action_flag=CHANGE)
    assert entry.user == editor
    assert "value" in entry.get_change_message().lower()
    # The superuser's audit list shows who changed what.
    log = superuser_client.get(reverse("admin:admin_logentry_changelist"))
    assert log.status_code == 200
    assert "editor" in log.content.decode() and department.name in unescape(log.content.decode())


# --- Validation: the database's rules as form errors, never a 500 ---------------------------------


def this_year():
    return timezone.localdate().year


def post_department(client, department, changes, inline_changes=None):
    response = department_change(client, department)
    data = form_data(response)
    data.update(changes)
    for model, row, values in inline_changes or []:
        prefix = inline_prefix(response, model)
        data.update({f"{prefix}-{row}-{name}": value for name, value in values.items()})
    return client.post(admin_url(models.Department, "change", department.pk), data)


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(
    ("changes", "inline_changes", "message"),
    [
        ({"founded_year": "1700"}, [], "Enter a year from 1800 to {year}."),
        ({"founded_year": "{next_year}"}, [], "Enter a year from 1800 to {year}."),
        ({"founded_year": "1999", "founded_month": "13"}, [], "Enter a month from 1 to 12"),
        ({"founded_year": "", "founded_month": "5"}, [], "A month needs a year"),
        ({"founded_year": "abc"}, [], "Enter a whole number."),
        ({}, [(models.StaffStats, 0, {"value": "-5"})], "Enter zero or a positive number."),
        ({}, [(models.StaffStats, 0, {"unit": "percent", "value": "150"})], "cannot be more than 100"),
        ({}, [(models.StaffStats, 0, {"value": "99999999999999999999999"})], "less than or equal to"),
        (
            {},
            [(models.StaffStats, 1, {"slug": "{slug_of_row_0}"})],
            "Another entry of the same owner already has this slug; choose another.",
        ),
        ({}, [(models.StaffStats, 0, {"source": "hospital.txt", "source_phrase": ""})], "Quote the words"),
        ({}, [(models.Accreditation, 0, {"count": "0"})], "Enter 1 or more"),
        ({}, [(models.Accreditation, 0, {"year": "1650"})], "Enter a year from 1800"),
        ({}, [(models.Accreditation, 0, {"kind": "nonsense"})], "Select a valid choice"),
    ],
)
def test_bad_values_are_friendly_form_errors(editor_client, changes, inline_changes, message):
    department = models.Department.objects.get(slug="spine-surgery")
    before = page_text(Client().get("/en/departments/spine-surgery/"))
    response = department_change(editor_client, department)
    slug_of_row_0 = response.context["inline_admin_formsets"][0].formset.forms[0].instance.slug
    fill = {"year": this_year(), "next_year": this_year() + 1, "slug_of_row_0": slug_of_row_0}
    changes = {name: value.format(**fill) for name, value in changes.items()}
    inline_changes = [
        (model, row, {name: value.format(**fill) for name, value in values.items()})
        for model, row, values in inline_changes
    ]
    response = post_department(editor_client, department, changes, inline_changes)
    assert response.status_code == 200
    text = page_text(response)
    assert message.format(**fill) in text
    assert "is violated" not in text
    assert "Please correct the error" in text or "Please correct the errors" in text
    assert page_text(Client().get("/en/departments/spine-surgery/")) == before


@pytest.mark.usefixtures("content")
def test_the_current_year_is_accepted(editor_client):
    department = models.Department.objects.get(slug="spine-surgery")
    response = post_department(
        editor_client, department, {"founded_year": str(this_year()), "founded_month": "1"}
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.founded_year == this_year()


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(
    ("owners", "slug", "message"),
    [
        ({"hospital": True, "department": True}, "new-one", "Choose the hospital or one department"),
        ({}, "new-one", "Choose the hospital or one department"),
        ({"department": True}, "{existing}", "Another entry of the same owner already has this slug"),
    ],
)
def test_a_fact_on_its_own_page_needs_exactly_one_owner_and_a_free_slug(editor_client, owners, slug, message):
    department = models.Department.objects.get(slug="spine-surgery")
    existing = department.accreditation_set.first()
    count = models.Accreditation.objects.count()
    data = {
        "kind": "award",
        "name_en": "An award",
        "name_zh_hans": "一个奖项",
        "position": "0",
        "slug": slug.format(existing=existing.slug),
        "hospital": str(models.Hospital.objects.get().pk) if owners.get("hospital") else "",
        "department": str(department.pk) if owners.get("department") else "",
    }
    response = editor_client.post(admin_url(models.Accreditation, "add"), data)
    assert response.status_code == 200
    assert message in page_text(response)
    assert "is violated" not in page_text(response)
    assert models.Accreditation.objects.count() == count


NASTY = ["-1", "1e3", "99999999999999999999999999", "<script>alert(1)</script>", "１２", "\u0000", "x" * 5000]


@pytest.mark.usefixtures("content")
def test_nothing_typed_into_a_figure_causes_a_server_error(editor_client):
    figure = models.StaffStats.objects.filter(department__isnull=False).first()
    url = admin_url(models.StaffStats, "change", figure.pk)
    data = form_data(editor_client.get(url))
    for name in [name for name in data if name not in ("csrfmiddlewaretoken",)]:
        for value in NASTY:
            response = editor_client.post(url, {**data, name: value})
            assert response.status_code in (200, 302), (name, value)
            if response.status_code == 302:  # a value the form accepted: put the original back
                assert editor_client.post(url, data).status_code == 302
