"""`manage.py refresh_content`: see what a load changes, then apply it, pruning only on request."""

import io
import json
import re
import shutil

import pytest
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from departments.content.changes import snapshot
from departments.content.fixtures import FixtureSet, key_label
from departments.management.commands.refresh_content import Command as RefreshContentCommand
from departments.models import ContentVersion, Department, StaffStats
from tests.support.databases import database_dump, manage_py, python_rules_off
from tests.support.project import FIXTURES, ROOT

pytestmark = pytest.mark.django_db


def refresh(*arguments):
    out = io.StringIO()
    call_command("refresh_content", *map(str, arguments), stdout=out)
    return out.getvalue()


def refused(*arguments):
    with pytest.raises(CommandError) as error:
        refresh(*arguments)
    return error.value


@pytest.fixture
def fixtures(tmp_path):
    """A copy of fixtures/ to change."""
    directory = tmp_path / "fixtures"
    directory.mkdir()
    for path in FIXTURES:
        shutil.copy(path, directory)
    return directory


def edit(path, change):
    records = json.loads(path.read_text())
    path.write_text(json.dumps(change(records), ensure_ascii=False, indent=2))


def find(records, model, slug):
    return next(r for r in records if r["model"] == f"departments.{model}" and r["fields"]["slug"] == slug)


def set_value(model, slug, **fields):
    def change(records):
        find(records, model, slug)["fields"].update(fields)
        return records

    return change


def drop(model, slug):
    def change(records):
        records.remove(find(records, model, slug))
        return records

    return change


def new_department(directory):
    records = json.loads((directory / "30-spine-surgery.json").read_text())
    department = find(records, "department", "spine-surgery")
    department["fields"].update(slug="hand-surgery", position=5, name_en="Hand Surgery")
    figure = find(records, "staffstats", "professors")
    figure["fields"]["department"] = ["hand-surgery"]
    (directory / "50-hand-surgery.json").write_text(json.dumps([department, figure], ensure_ascii=False))


def listed(output, what):
    """The natural keys the preview lists after `what:` ("new", "changed", "missing", "delete")."""
    return set(re.findall(rf"^  {what}: +(\S+)$", output, flags=re.MULTILINE))


def test_fixtures_already_loaded_are_nothing_to_do(content):
    before = database_dump()
    output = refresh()
    assert "Departments: 4 unchanged" in output
    assert "Nothing to do: the database already matches the fixtures." in output
    assert not listed(output, "new") and not listed(output, "changed") and not listed(output, "missing")
    assert database_dump() == before


def test_a_changed_figure_is_previewed_as_a_change_with_its_field_and_values(content, fixtures):
    professors = StaffStats.objects.get(department__slug="spine-surgery", slug="professors")
    edit(
        fixtures / "30-spine-surgery.json", set_value("staffstats", "professors", value=professors.value + 1)
    )
    before = database_dump()

    output = refresh(fixtures)

    figures = StaffStats.objects.count()
    assert f"Staff and activity figures: 1 changed, {figures - 1} unchanged" in output
    assert listed(output, "changed") == {"spine-surgery/professors"}
    assert f"value: {professors.value} -> {professors.value + 1}" in output
    assert "This was a preview: nothing was changed." in output
    assert database_dump() == before


def test_a_new_department_is_previewed_as_new(content, fixtures):
    new_department(fixtures)
    before = database_dump()
    output = refresh(fixtures)
    assert "Departments: 1 new, 4 unchanged" in output
    assert listed(output, "new") == {"hand-surgery", "hand-surgery/professors"}
    assert database_dump() == before


def test_apply_makes_exactly_the_previewed_changes_then_there_is_nothing_to_do(content, fixtures):
    edit(fixtures / "30-spine-surgery.json", set_value("staffstats", "professors", value=99))
    new_department(fixtures)
    preview = refresh(fixtures)
    before = {model: set(rows) for model, rows in snapshot().items()}

    applied = refresh(fixtures, "--apply")

    assert applied.replace("Applied: 2 new, 1 changed, 0 deleted.", "") == preview.replace(
        "This was a preview: nothing was changed. Run again with --apply to make these changes.", ""
    )
    assert StaffStats.objects.get(department__slug="spine-surgery", slug="professors").value == 99
    assert Department.objects.get(slug="hand-surgery").name_en == "Hand Surgery"
    after = {model: set(rows) for model, rows in snapshot().items()}
    assert after[Department] - before[Department] == {("hand-surgery",)}
    assert after[StaffStats] - before[StaffStats] == {(None, "hand-surgery", "professors")}
    assert "Nothing to do" in refresh(fixtures)


def test_what_the_fixtures_leave_out_is_listed_and_kept_without_prune(content, fixtures):
    edit(fixtures / "30-spine-surgery.json", drop("condition", "osteoporosis"))
    (fixtures / "40-plastic-cosmetic-surgery.json").unlink()
    plastic = Department.objects.get(slug="plastic-cosmetic-surgery")

    output = refresh(fixtures, "--apply")

    missing = listed(output, "missing")
    assert "spine-surgery/osteoporosis" in missing and "plastic-cosmetic-surgery" in missing
    assert "--prune deletes them" in output
    assert Department.objects.filter(pk=plastic.pk).exists()
    assert "Nothing to do" in output


def test_prune_deletes_exactly_what_the_preview_listed(content, fixtures):
    edit(fixtures / "30-spine-surgery.json", drop("condition", "osteoporosis"))
    (fixtures / "40-plastic-cosmetic-surgery.json").unlink()
    before, dump = snapshot(), database_dump()

    preview = refresh(fixtures, "--prune")
    assert database_dump() == dump
    listed_for_deletion = listed(preview, "delete")
    assert "plastic-cosmetic-surgery" in listed_for_deletion

    applied = refresh(fixtures, "--prune", "--apply")

    after = snapshot()
    deleted = {key_label(key) for model in before for key in set(before[model]) - set(after[model])}
    assert deleted == listed_for_deletion == listed(applied, "delete")
    assert f"Applied: 0 new, 0 changed, {len(deleted)} deleted." in applied
    assert "Nothing to do" in refresh(fixtures, "--prune")


def test_apply_is_one_transaction_with_the_load_and_the_prune(content, fixtures, monkeypatch):
    """A failure after the load (here, while pruning) undoes the whole refresh, load included."""
    edit(fixtures / "30-spine-surgery.json", set_value("staffstats", "professors", value=99))
    (fixtures / "40-plastic-cosmetic-surgery.json").unlink()
    before = database_dump()

    def prune_then_fail(self, changes, snapshot, using):
        prune(self, changes, snapshot, using)
        assert not Department.objects.filter(slug="plastic-cosmetic-surgery").exists()
        raise DatabaseError("the connection was lost")

    prune = RefreshContentCommand.prune
    monkeypatch.setattr(RefreshContentCommand, "prune", prune_then_fail)
    with pytest.raises(DatabaseError):
        refresh(fixtures, "--prune", "--apply")

    assert database_dump() == before


def test_prune_keeps_a_department_the_fixtures_still_give_entries_of(content, fixtures):
    edit(fixtures / "30-spine-surgery.json", drop("department", "spine-surgery"))
    output = refresh(fixtures, "--prune", "--apply")
    assert "  missing:  spine-surgery (kept: fixture records belong to it)" in output
    assert "spine-surgery" not in listed(output, "delete")
    assert Department.objects.filter(slug="spine-surgery").exists()


@pytest.mark.parametrize("apply", [[], ["--apply"], ["--apply", "--prune"]], ids=str)
def test_invalid_fixtures_exit_1_name_the_record_and_change_nothing(content, fixtures, apply):
    edit(fixtures / "30-spine-surgery.json", set_value("staffstats", "professors", value=-1))
    before = database_dump()
    error = refused(fixtures, *apply)
    assert error.returncode == 1
    assert "fixtures/30-spine-surgery.json, record" in str(error)
    assert (
        "(departments.staffstats 'spine-surgery/professors'): value: Enter zero or a positive number."
        in str(error)
    )
    assert "Nothing was changed." in str(error)
    assert database_dump() == before


def test_a_row_the_database_refuses_during_the_load_exits_1_and_changes_nothing(
    content, fixtures, monkeypatch
):
    """The checks in Python see every rule first; were one to slip past them, the database's
    refusal is named by record and rule, and nothing changes."""
    monkeypatch.setattr(FixtureSet, "check_values", lambda self, record, using: None)
    edit(fixtures / "00-hospital.json", set_value("staffstats", "beds", value=1))
    edit(fixtures / "30-spine-surgery.json", set_value("staffstats", "professors", unit="percent", value=101))
    before = database_dump()
    with python_rules_off():
        error = refused(fixtures, "--apply")
    assert error.returncode == 1
    assert (
        "(departments.staffstats 'spine-surgery/professors'): "
        "breaks the rule 'staffstats_percent_at_most_100'" in str(error)
    )
    assert "A percentage cannot be more than 100." in str(error)
    assert database_dump() == before


def test_the_models_own_validation_runs_on_every_record(content, fixtures, monkeypatch):
    def clean(self):
        if self.slug == "spine-surgery":
            raise ValidationError({"motto_en": "A rule only Python knows."})

    monkeypatch.setattr(Department, "clean", clean)
    before = database_dump()
    error = refused(fixtures, "--apply")
    assert error.returncode == 1
    assert "(departments.department 'spine-surgery'): motto_en: A rule only Python knows." in str(error)
    assert database_dump() == before


def test_content_fixtures_may_not_hold_users(content, fixtures):
    (fixtures / "99-users.json").write_text(
        json.dumps([{"model": "auth.user", "pk": 1, "fields": {"username": "intruder", "password": "x"}}])
    )
    error = refused(fixtures, "--apply")
    assert error.returncode == 1
    assert "99-users.json, record 1 (auth.user): is not site content" in str(error)
    assert not User.objects.exists()


def test_usage_errors_exit_2(content, tmp_path):
    (tmp_path / "notes.txt").write_text("not a fixture")
    (tmp_path / "empty").mkdir()
    for arguments, message in [
        ([tmp_path / "nope.json"], "does not exist"),
        ([tmp_path / "notes.txt"], "is not a JSON fixture file"),
        ([tmp_path / "empty"], "No fixture files"),
    ]:
        error = refused(*arguments)
        assert error.returncode == 2 and message in str(error)


def test_an_edit_in_the_admin_shows_as_a_change_and_can_be_exported_first(content, admin_user, tmp_path):
    """A reload overwrites what editors changed in the admin (Django's documented behaviour): the
    preview shows it as a change, and export_content saves it first."""
    figure = StaffStats.objects.get(department__slug="spine-surgery", slug="professors")
    fixture_value = figure.value
    client = Client()
    login = client.post(reverse("admin:login"), {"username": admin_user.username, "password": "password"})
    assert login.status_code == 302
    url = reverse("admin:departments_staffstats_change", args=[figure.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    data["value"] = str(fixture_value + 7)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    output = refresh()
    assert listed(output, "changed") == {"spine-surgery/professors"}
    assert f"value: {fixture_value + 7} -> {fixture_value}" in output

    call_command("export_content", "--out", tmp_path / "export", stdout=io.StringIO())
    exported = json.loads((tmp_path / "export" / "30-spine-surgery.json").read_text())
    assert find(exported, "staffstats", "professors")["fields"]["value"] == fixture_value + 7


def test_only_an_applied_change_moves_the_content_version_that_caches_follow(content, fixtures):
    """Cached pages are keyed on ContentVersion, which every content save bumps (content/signals.py).
    A preview is rolled back, bump included; so is an --apply with nothing to do."""

    def version():
        return list(ContentVersion.objects.values())

    before = version()
    edit(fixtures / "30-spine-surgery.json", set_value("staffstats", "professors", value=42))
    refresh(fixtures)
    refresh(ROOT / "fixtures", "--apply")
    assert version() == before
    refresh(fixtures, "--apply")
    assert version() != before


def test_a_load_with_a_prune_moves_the_content_version_once(content, fixtures):
    edit(fixtures / "30-spine-surgery.json", set_value("staffstats", "professors", value=42))
    (fixtures / "40-plastic-cosmetic-surgery.json").unlink()
    before = ContentVersion.objects.get().version

    output = refresh(fixtures, "--prune", "--apply")

    assert "1 changed" in output and "deleted" in output
    assert not Department.objects.filter(slug="plastic-cosmetic-surgery").exists()
    assert ContentVersion.objects.get().version == before + 1


def test_exit_status_on_the_command_line(transactional_db, tmp_path):
    command_line = manage_py(tmp_path)
    assert command_line("loaddata fixtures/*.json").returncode == 0

    nothing = command_line("refresh_content")
    assert nothing.returncode == 0 and "Nothing to do" in nothing.stdout

    broken = tmp_path / "30-spine-surgery.json"
    broken.write_text((ROOT / "fixtures" / "30-spine-surgery.json").read_text()[:-3])
    invalid = command_line(f"refresh_content --apply {broken}")
    assert invalid.returncode == 1 and "not valid JSON" in invalid.stderr

    assert command_line(f"refresh_content {tmp_path / 'missing.json'}").returncode == 2
    assert command_line("refresh_content --no-such-option").returncode == 2
