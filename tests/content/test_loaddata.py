"""`manage.py loaddata fixtures/*.json`: repeatable, and all or nothing with a named problem.

Every broken fixture is loaded over the real content and must leave the whole database (every
table, primary keys included) exactly as it was, with a message naming the file and the record.
"""

import copy
import datetime
import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.core.management.commands.loaddata import Command as DjangoLoadDataCommand
from django.db import IntegrityError, connections, transaction
from modeltranslation.management.commands.loaddata import Command as TranslationLoadDataCommand

from departments.content import fixtures as loading
from departments.management.commands.loaddata import Command as LoadDataCommand
from departments.models import Department, Leader, StaffStats
from tests.support.databases import database_dump, manage_py
from tests.support.project import FIXTURES, ROOT

pytestmark = pytest.mark.django_db
SPINE = ROOT / "fixtures" / "30-spine-surgery.json"
THIS_YEAR = datetime.date.today().year


def content_dump():
    """Every content row, primary keys included (not the content version, which counts writes)."""
    out = io.StringIO()
    labels = [model._meta.label for model in loading.content_models()]
    call_command("dumpdata", *labels, indent=1, stdout=out)
    return out.getvalue()


def spine_records():
    return json.loads(SPINE.read_text())


def record_number(record, records):
    """The number (from 1) of a record in the changed file: given, the last, or by model and slug."""
    if record == LAST:
        return len(records)
    if isinstance(record, int):
        return record
    return index_of(spine_records(), *record) + 1


def index_of(records, model, slug):
    return next(
        i
        for i, r in enumerate(records)
        if r["model"] == f"departments.{model}" and r["fields"]["slug"] == slug
    )


def write(tmp_path, records, name=SPINE.name):
    path = tmp_path / name
    path.write_text(records if isinstance(records, str) else json.dumps(records, ensure_ascii=False))
    return path


def changed(model, slug, /, **fields):
    def change(records):
        records[index_of(records, model, slug)]["fields"].update(fields)
        return records

    return change


def duplicated(records):
    records.append(copy.deepcopy(records[index_of(records, "staffstats", "professors")]))
    return records


def with_primary_key(records):
    records[0]["pk"] = 3
    return records


def without(name):
    def change(records):
        del records[0]["fields"][name]
        return records

    return change


def fact_before_its_new_department(records):
    department = copy.deepcopy(records[0])
    department["fields"].update(slug="hand-surgery", position=9)
    fact = copy.deepcopy(records[index_of(records, "staffstats", "professors")])
    fact["fields"]["department"] = ["hand-surgery"]
    return [fact, department]


def unknown_model(records):
    records.append({"model": "departments.surgeon", "fields": {"slug": "x"}})
    return records


PROFESSORS = ("staffstats", "professors")
LAST = "last"
BROKEN = {
    # name: (change to 30-spine-surgery.json, the record to name (None: the file), words to say)
    "invalid JSON": (lambda records: json.dumps(records)[:-2] + ",]", None, ["not valid JSON", "line 1"]),
    "unknown field": (
        changed("staffstats", "professors", valeu=3),
        PROFESSORS,
        ["no field 'valeu'", "'value'"],
    ),
    "missing department": (
        changed("staffstats", "professors", department=["spine-surgry"]),
        PROFESSORS,
        ["department 'spine-surgry'", "neither in the database nor in these fixtures"],
    ),
    "department by primary key": (
        changed("staffstats", "professors", department=3),
        PROFESSORS,
        ['by its slug, as ["its-slug"], not 3'],
    ),
    "negative figure": (
        changed("staffstats", "professors", value=-5),
        PROFESSORS,
        ["value: Enter zero or a positive number."],
    ),
    "negative count": (
        changed("accreditation", "degree-awarding", count=-2),
        ("accreditation", "degree-awarding"),
        ["count: Enter 1 or more, or leave it empty."],
    ),
    "duplicate slug": (
        duplicated,
        LAST,
        ["repeats record {professors} of", "silently keep only the last copy"],
    ),
    "year in the future": (
        changed("department", "spine-surgery", founded_year=THIS_YEAR + 1),
        1,
        [f"founded_year: Enter a year from 1800 to {THIS_YEAR}."],
    ),
    "year before 1800": (
        changed("department", "spine-surgery", founded_year=1700),
        1,
        [f"founded_year: Enter a year from 1800 to {THIS_YEAR}."],
    ),
    "text too long": (
        changed("department", "spine-surgery", name_en="Spine " * 40),
        1,
        ["name_en: Ensure this value has at most 200 characters (it has 240)"],
    ),
    "empty English name": (
        changed("department", "spine-surgery", name_en=""),
        1,
        ["name_en: This field is required."],
    ),
    "untranslated field": (
        changed("department", "spine-surgery", name="Spine"),
        1,
        ["'name' is translated: give name_en and name_zh_hans"],
    ),
    "value outside its choices": (
        changed("staffstats", "professors", unit="furlongs"),
        PROFESSORS,
        ["unit: Value 'furlongs' is not a valid choice"],
    ),
    "a source that is not there": (
        changed("staffstats", "professors", source=["rumour.txt"]),
        PROFESSORS,
        ["source: refers to source 'rumour.txt', which is neither in the database nor in these fixtures"],
    ),
    "a source by its name alone": (
        changed("staffstats", "professors", source="spine-surgery.txt"),
        PROFESSORS,
        ['source: refer to the source by its name, as ["its-name"], not "spine-surgery.txt"'],
    ),
    "missing required field": (
        without("reviewed_on"),
        1,
        ["reviewed_on: missing, and it has no usable default (This field is required.)"],
    ),
    "primary key": (with_primary_key, 1, ['has a primary key ("pk")']),
    "two owners": (
        changed("staffstats", "professors", hospital=["first-hospital-jilin-university"]),
        PROFESSORS,
        ["Choose the hospital or one department this belongs to, not both."],
    ),
    "reference to a later record": (
        fact_before_its_new_department,
        1,
        ["department 'hand-surgery', which is defined later", "record 2"],
    ),
    "unknown model": (unknown_model, LAST, ["unknown model 'departments.surgeon'"]),
    # Rules across fields (constraints, models/rules.py) are checked before loading too.
    "percentage over 100": (
        changed("staffstats", "professors", unit="percent", value=300),
        PROFESSORS,
        ["value: A percentage cannot be more than 100."],
    ),
    "source without its phrase": (
        changed("leader", "liu-yi", source_phrase=""),
        ("leader", "liu-yi"),
        ["source_phrase: Quote the words of the source text this rests on, or set the source to empty."],
    ),
    # Django's deserializer would store any JSON value as the text or number it turns into.
    "text given as a list": (
        changed("department", "spine-surgery", name_en=["a", "list"]),
        1,
        ['name_en: must be text in quotes, not ["a", "list"]'],
    ),
    "text given as an object": (
        changed("department", "spine-surgery", summary_zh_hans={"zh": "脊柱"}),
        1,
        ['summary_zh_hans: must be text in quotes, not {{"zh": "脊柱"}}'],
    ),
    "text given as a number": (
        changed("leader", "liu-yi", name=42),
        ("leader", "liu-yi"),
        ["name: must be text in quotes, not 42"],
    ),
    "text given as true": (
        changed("department", "spine-surgery", motto_en=True),
        1,
        ["motto_en: must be text in quotes, not true"],
    ),
    "a number given as text": (
        changed("staffstats", "professors", value="12"),
        PROFESSORS,
        ['value: must be a whole number, not "12"'],
    ),
    "a number given as true": (
        changed("staffstats", "professors", value=True),
        PROFESSORS,
        ["value: must be a whole number, not true"],
    ),
    "true or false given as a number": (
        changed("staffstats", "professors", headline=1),
        PROFESSORS,
        ["headline: must be true or false, not 1"],
    ),
    "a NUL character in a text": (
        changed("department", "spine-surgery", name_zh_hans="脊柱\x00外科"),
        1,
        ["name_zh_hans: Null characters are not allowed."],
    ),
    "a NUL character in a source phrase": (
        changed("leader", "liu-yi", source_phrase="Liu\x00Yi"),
        ("leader", "liu-yi"),
        ["source_phrase: Null characters are not allowed."],
    ),
    # A content load touches the content only.
    "a user": (
        lambda records: [
            *records,
            {"model": "auth.user", "fields": {"username": "intruder", "password": "x", "is_superuser": True}},
        ],
        LAST,
        ["(auth.user): is not site content"],
    ),
    "a group's permissions": (
        lambda records: [
            *records,
            {"model": "auth.group", "fields": {"name": "Content editors", "permissions": []}},
        ],
        LAST,
        ["(auth.group): is not site content"],
    ),
    "a second hospital": (
        lambda records: [*records, another_hospital()],
        LAST,
        ["The site describes one hospital, and this would be another: change the existing one instead."],
    ),
}


def another_hospital():
    record = copy.deepcopy(json.loads(FIXTURES[0].read_text())[0])
    assert record["model"] == "departments.hospital"
    record["fields"]["slug"] = "another-hospital"
    return record


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_a_broken_fixture_changes_nothing_and_names_the_file_and_record(case, content, tmp_path):
    change, record, words = BROKEN[case]
    records = change(spine_records())
    path = write(tmp_path, records)
    before = database_dump()

    with pytest.raises(CommandError) as error:
        call_command("loaddata", path, verbosity=0)

    message = str(error.value)
    where = f"{path}, record {record_number(record, records)} (" if record else f"{path}: "
    assert where in message
    professors = record_number(PROFESSORS, records)
    for words_expected in words:
        assert words_expected.format(professors=professors) in message
    assert "the database is unchanged" in message
    assert database_dump() == before


@pytest.mark.parametrize("broken", ["missing department", "percentage over 100"])
def test_good_files_loaded_with_a_broken_one_are_not_applied_either(broken, content, tmp_path):
    hospital = json.loads(FIXTURES[0].read_text())
    hospital[index_of(hospital, "staffstats", "beds")]["fields"]["value"] += 1
    good = write(tmp_path, hospital, name=FIXTURES[0].name)
    bad = write(tmp_path, BROKEN[broken][0](spine_records()))
    before = database_dump()
    with pytest.raises(CommandError):
        call_command("loaddata", good, bad, verbosity=0)
    assert database_dump() == before
    call_command("loaddata", good, verbosity=0)  # and on its own, the good file does change it
    assert database_dump() != before


def test_a_slug_given_again_in_another_file_changes_nothing_and_names_both_records(content, tmp_path):
    """The same department slug in a second file is the same natural key: loaddata would keep the
    last copy (the other file's texts) without a word."""
    again = copy.deepcopy(spine_records()[0])
    again["fields"]["name_en"] = "Another Spine Surgery"
    other = write(tmp_path, [again], name="50-another-department.json")
    before = database_dump()

    with pytest.raises(CommandError) as error:
        call_command("loaddata", SPINE, other, verbosity=0)

    message = str(error.value)
    assert f"{other}, record 1 (departments.department 'spine-surgery'): repeats record 1 of" in message
    assert "30-spine-surgery.json" in message and "silently keep only the last copy" in message
    assert database_dump() == before


def test_no_content_model_has_a_many_to_many_list(db):
    """loaddata replaces a many-to-many set with the fixture's list, silently dropping what editors
    added. No content model has one (relations are foreign keys to the owner), so a fixture giving
    such a list is refused as an unknown field; a model that gains one needs that trap handled."""
    for model in loading.content_models():
        assert not model._meta.local_many_to_many, model


def test_the_rules_checked_before_loading_hold_at_the_database_too(content):
    """A bulk update skips every check in Python; the database still refuses (a source that is
    not there when its foreign key is checked, at the latest when the transaction commits)."""
    for queryset, change in [
        (StaffStats.objects.filter(slug="beds"), {"source": "rumour.txt"}),
        (Department.objects.all(), {"source": "rumour.txt"}),
        (Leader.objects.all(), {"name": ""}),
        (StaffStats.objects.filter(slug="beds"), {"unit": "percent", "value": 300}),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.update(**change)
            connections["default"].check_constraints(table_names=[queryset.model._meta.db_table])


def test_the_record_is_named_by_its_natural_key(content, tmp_path):
    path = write(tmp_path, changed("staffstats", "professors", value=-5)(spine_records()))
    with pytest.raises(CommandError) as error:
        call_command("loaddata", path, verbosity=0)
    number = record_number(PROFESSORS, [])
    assert f"{path}, record {number} (departments.staffstats 'spine-surgery/professors'): value:" in str(
        error.value
    )


def test_every_problem_is_listed_at_once(content, tmp_path):
    records = changed("staffstats", "professors", value=-5)(spine_records())
    records = changed("department", "spine-surgery", founded_year=1700)(records)
    path = write(tmp_path, records)
    with pytest.raises(CommandError) as error:
        call_command("loaddata", path, verbosity=0)
    assert "Fix these problems first" in str(error.value)
    assert "record 1 " in str(error.value)
    assert f"record {record_number(PROFESSORS, [])} " in str(error.value)


def test_loading_twice_leaves_every_row_as_it_was(content):
    before = content_dump()
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert content_dump() == before


def test_statistics_are_refreshed_as_a_large_load_grows(db, monkeypatch):
    """On PostgreSQL, so natural-key lookups stay index lookups while tables grow from empty."""
    monkeypatch.setattr("departments.content.loader.FIRST_STATISTICS_AFTER", 40)
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert StaffStats.objects.count() == sum(
        record["model"] == "departments.staffstats"
        for path in FIXTURES
        for record in json.loads(path.read_text())
    )
    connection = connections["default"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'departments_staffstats'")
            assert cursor.fetchone()[0] >= 1


def test_both_languages_are_loaded_as_the_fixture_gives_them(content):
    department = json.loads(SPINE.read_text())[0]["fields"]
    spine = Department.objects.get(slug="spine-surgery")
    assert spine.name_en == department["name_en"] == "Spine Surgery"
    assert spine.name_zh_hans == department["name_zh_hans"]
    assert spine.description_zh_hans == department["description_zh_hans"]


def test_populate_changes_nothing_for_content_fixtures(content):
    """Our fixtures give every language explicitly (`name_en`, `name_zh_hans`) and never the
    untranslated `name`, which is all modeltranslation's --populate copies from."""
    before = content_dump()
    call_command("loaddata", *FIXTURES, populate="all", verbosity=0)
    assert content_dump() == before


def test_manage_py_runs_this_projects_loaddata():
    """Ours, built on Django's public command API, not a subclass of Django's or modeltranslation's
    loaddata (whose undocumented members it would lean on)."""
    assert get_commands()["loaddata"] == "departments"
    assert not issubclass(LoadDataCommand, DjangoLoadDataCommand)


def test_loading_content_leaves_users_groups_sessions_and_the_admin_log_alone(content, tmp_path):
    user = User.objects.create_user("editor", password="a long passphrase for tests")
    Group.objects.create(name="Reviewers").user_set.add(user)
    session = SessionStore()
    session["note"] = "kept"
    session.create()
    LogEntry.objects.log_actions(user.pk, [Department.objects.first()], action_flag=2, change_message="edit")
    tables = [User, Group, SessionStore.get_model_class(), LogEntry]
    before = {model: list(model.objects.order_by("pk").values()) for model in tables}

    call_command("loaddata", *FIXTURES, verbosity=0)
    call_command("refresh_content", "--apply", "--prune", stdout=io.StringIO())

    assert {model: list(model.objects.order_by("pk").values()) for model in tables} == before


def test_a_raw_save_that_skips_our_loaddata_is_still_refused(content, tmp_path):
    """Even through modeltranslation's own loaddata (no checks before loading), a row with a
    year in the future or, on SQLite, text over max_length is refused and named."""
    path = write(
        tmp_path, changed("department", "spine-surgery", founded_year=THIS_YEAR + 1)(spine_records())
    )
    before = database_dump()
    with pytest.raises(Exception, match=f"founded_year: Enter a year from 1800 to {THIS_YEAR}") as error:
        call_command(TranslationLoadDataCommand(), path, verbosity=0)
    assert f"Problem installing fixture '{path}'" in str(error.value)
    assert "departments.department 'spine-surgery'" in str(error.value)
    assert database_dump() == before

    path = write(tmp_path, changed("staffstats", "professors", slug="p" * 60)(spine_records()))
    with pytest.raises(Exception, match="slug: Ensure this value has at most 50 characters"):
        call_command(TranslationLoadDataCommand(), path, verbosity=0)
    assert database_dump() == before


@pytest.mark.parametrize("command", [DjangoLoadDataCommand, TranslationLoadDataCommand])
def test_a_rule_across_fields_is_refused_in_its_own_words_by_any_loaddata(content, tmp_path, command):
    """The rulebook's constraints too: Django's (or modeltranslation's) loaddata, were it to run
    instead of ours, refuses a percentage over 100 with the rule's message, not the database's."""
    path = write(tmp_path, changed("staffstats", "professors", unit="percent", value=150)(spine_records()))
    before = database_dump()
    with pytest.raises(Exception, match="value: A percentage cannot be more than 100."):
        call_command(command(), path, verbosity=0)
    assert database_dump() == before


# The command line, in another process, as staff run it.


def dumped(run, *labels):
    result = run(
        "dumpdata --indent 1 " + " ".join(labels or [m._meta.label for m in loading.content_models()])
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_readme_command_loads_everything_and_a_second_run_changes_nothing(transactional_db, tmp_path):
    command_line = manage_py(tmp_path)
    first = command_line("loaddata fixtures/*.json")
    assert first.returncode == 0, first.stderr
    records = sum(len(json.loads(path.read_text())) for path in FIXTURES)
    assert f"Installed {records} object(s) from {len(FIXTURES)} fixture(s)" in first.stdout
    after_first = dumped(command_line)
    assert len(json.loads(after_first)) == records

    second = command_line("loaddata fixtures/*.json")
    assert second.returncode == 0, second.stderr
    assert dumped(command_line) == after_first


def test_a_broken_fixture_on_the_command_line_exits_non_zero_and_changes_nothing(transactional_db, tmp_path):
    command_line = manage_py(tmp_path)
    assert command_line("loaddata fixtures/*.json").returncode == 0
    before = dumped(command_line, "--all")
    path = write(tmp_path, changed("staffstats", "professors", department=["spine-surgry"])(spine_records()))

    result = command_line(f"loaddata fixtures/00-hospital.json {path}")

    assert result.returncode == 1
    number = record_number(PROFESSORS, [])
    assert f"{path}, record {number} (departments.staffstats 'spine-surgry/professors')" in result.stderr
    assert (
        "department 'spine-surgry', which is neither in the database nor in these fixtures" in result.stderr
    )
    assert "NOT NULL" not in result.stderr and "Traceback" not in result.stderr
    assert dumped(command_line, "--all") == before


def test_a_user_in_a_fixture_of_another_format_is_refused_too(content, tmp_path):
    """Content fixtures are JSON: a file of another format is refused whole, unread."""
    path = tmp_path / "users.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><django-objects version="1.0">'
        '<object model="auth.user"><field name="username" type="CharField">intruder</field>'
        '<field name="password" type="CharField">x</field>'
        '<field name="is_superuser" type="BooleanField">True</field></object></django-objects>'
    )
    before = database_dump()

    with pytest.raises(CommandError, match="users.xml: not a JSON fixture"):
        call_command("loaddata", path, verbosity=0)

    assert database_dump() == before
    assert not User.objects.filter(username="intruder").exists()


def test_line_breaks_from_a_fixture_edited_on_windows_are_stored_as_line_feeds(content, tmp_path):
    records = spine_records()
    description = records[0]["fields"]["description_en"]
    path = write(
        tmp_path,
        changed("department", "spine-surgery", description_en=description.replace("\n", "\r\n"))(records),
    )

    call_command("loaddata", path, verbosity=0)

    assert Department.objects.get(slug="spine-surgery").description_en == description


def test_a_loaddata_that_is_not_ours_is_a_start_up_error(monkeypatch):
    """Django runs the loaddata of the first app that has one; with modeltranslation first, the
    site would load fixtures without naming every problem at once. The check says so at start-up."""
    from departments import checks

    assert checks.loaddata_is_the_projects() == []
    monkeypatch.setattr(checks, "get_commands", lambda: {"loaddata": "modeltranslation"})
    assert [error.id for error in checks.loaddata_is_the_projects()] == ["departments.E001"]
