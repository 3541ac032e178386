"""`manage.py export_content`: the live content written back as fixtures, in their layout.

Export, flush, load, export again: the same bytes. That is what makes an export safe to review
as a diff of fixtures/ and to load back.
"""

import importlib.util
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from departments.content.export import department_file_names
from departments.content.fixtures import fact_models
from departments.models import Department, Fact, StaffStats
from tests.support.project import FIXTURES, ROOT

pytestmark = pytest.mark.django_db


def export(directory):
    out = io.StringIO()
    call_command("export_content", "--out", directory, stdout=out)
    return out.getvalue()


def files(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.json"))}


def load_module(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_export_writes_the_layout_and_format_of_the_fixtures(content, tmp_path):
    export(tmp_path)
    exported = files(tmp_path)
    assert list(exported) == [path.name for path in FIXTURES]

    for name, data in exported.items():
        text = data.decode("utf-8")
        assert text.endswith("}\n]\n") and text.startswith('[\n  {\n    "model": ')
        records = json.loads(text)
        assert text == json.dumps(records, indent=2, ensure_ascii=False) + "\n"
        assert all("pk" not in record for record in records)
        owner = records[0]["model"]
        assert owner == ("departments.hospital" if name == "00-hospital.json" else "departments.department")
        assert all(record["model"] != owner for record in records[1:])
    spine = exported["30-spine-surgery.json"].decode("utf-8")
    assert "脊柱外科" in spine and "\\u" not in spine  # Chinese as written, not escaped


def test_every_field_of_the_fixtures_is_exported_with_the_same_value(content, tmp_path):
    """Provenance (source, source_phrase, reviewed_on) included; the untranslated mirror
    columns (`name` behind `name_en` / `name_zh_hans`) never."""
    export(tmp_path)
    for path in FIXTURES:
        given = {json.dumps([r["model"], r["fields"]], sort_keys=True) for r in json.loads(path.read_text())}
        written = json.loads((tmp_path / path.name).read_text())
        for record in written:
            # A leader's name keeps its romanization, a source's is its file or document name.
            assert "name" not in record["fields"] or record["model"] in (
                "departments.leader",
                "departments.source",
            )
            if record["model"] not in (
                "departments.hospital",
                "departments.department",
                "departments.source",
            ):
                assert {"source", "source_phrase"} <= set(record["fields"])
        assert {json.dumps([r["model"], r["fields"]], sort_keys=True) for r in written} == given


def test_export_flush_load_export_is_byte_identical(content, tmp_path):
    first = tmp_path / "first"
    export(first)

    call_command("flush", interactive=False, verbosity=0)
    assert not Department.objects.exists()
    call_command("loaddata", *sorted(first.glob("*.json")), verbosity=0)
    second = tmp_path / "second"
    export(second)

    assert files(second) == files(first)


def test_an_export_reloads_as_nothing_to_do(content, tmp_path):
    export(tmp_path)
    out = io.StringIO()
    call_command("refresh_content", tmp_path, stdout=out)
    assert "Nothing to do" in out.getvalue()


def test_the_committed_fixtures_are_what_export_writes(content, tmp_path):
    export(tmp_path)
    assert files(tmp_path) == {path.name: path.read_bytes() for path in FIXTURES}


def test_export_follows_the_directory_order_and_removes_files_of_departments_gone(content, tmp_path):
    (tmp_path / "90-closed-department.json").write_text("[]\n")
    (tmp_path / "notes.txt").write_text("kept")
    (tmp_path / "sources").mkdir()
    Department.objects.filter(slug="gastrointestinal-surgery").update(position=9)
    Department.objects.get(slug="plastic-cosmetic-surgery").delete()

    output = export(tmp_path)

    assert list(files(tmp_path)) == [
        "00-hospital.json",
        "10-colorectal-anal-surgery.json",
        "20-spine-surgery.json",
        "30-gastrointestinal-surgery.json",
    ]
    assert "removed 90-closed-department.json" in output
    assert (tmp_path / "notes.txt").read_text() == "kept" and (tmp_path / "sources").is_dir()


def test_export_refuses_a_file_for_a_directory(content, tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(CommandError) as error:
        export(tmp_path / "file")
    assert error.value.returncode == 2


def test_department_file_numbers_leave_room_and_sort(db):
    assert department_file_names(["a", "b"]) == ["10-a.json", "20-b.json"]
    names = department_file_names([f"d{n}" for n in range(1000)])
    assert names[0] == "00010-d0.json" and names[-1] == "10000-d999.json"
    assert sorted(["00-hospital.json", *names]) == ["00-hospital.json", *names]


def test_the_benchmark_generator_writes_fixtures_export_gives_back_unchanged(db, tmp_path):
    generator = load_module(ROOT / "bench" / "generate_fixtures.py")
    paths = generator.write_fixtures(3, tmp_path / "generated")
    assert [path.name for path in paths] == [
        "00-hospital.json",
        "10-department-0001.json",
        "20-department-0002.json",
        "30-department-0003.json",
    ]
    call_command("loaddata", *paths, verbosity=0)
    assert Department.objects.count() == 3
    assert sum(model.objects.count() for model in fact_models()) == 2 + 3 * 10
    assert StaffStats.objects.get(department__slug="department-0002", slug="beds").value == 42
    export(tmp_path / "exported")
    assert files(tmp_path / "exported") == files(tmp_path / "generated")
    assert all(issubclass(model, Fact) for model in fact_models())
