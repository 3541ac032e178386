"""Loading content fixtures: what `manage.py loaddata` and `refresh_content --apply` both run.

Each file is read once and checked whole (fixtures.py) before anything is written; then every
record is saved through Django's public serializer API, in one transaction, with the content
version bumped once. A row the database still refuses is named by file, record and natural key.
"""

import bz2
import gzip
import lzma
import os
import re
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import DatabaseError, connections, transaction

from departments.content import fixtures as checks
from departments.content.signals import checked_load, one_version_bump
from departments.models import Source

NOTHING_LOADED = "Nothing was loaded; the database is unchanged."
OPENERS = {".json": open, ".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
# PostgreSQL plans each natural-key lookup from the tables' statistics. Tables that grew inside
# this one transaction still look as they were (empty, on a first load), and the planner then
# reads every row that shares a slug ("beds" is in every department) for each lookup: a load
# that slows quadratically. So the statistics are refreshed each time the rows loaded double.
FIRST_STATISTICS_AFTER = 1000


class LoadError(Exception):
    """Fixtures that cannot be loaded; the message says why, and that nothing changed."""


def fixture_directories():
    """Where a bare fixture name is looked for, as Django's loaddata looks: each app's fixtures/
    directory, then FIXTURE_DIRS."""
    found = [Path(config.path) / "fixtures" for config in apps.get_app_configs()]
    return [path for path in [*found, *map(Path, settings.FIXTURE_DIRS)] if path.is_dir()]


def find(label):
    """The files a command-line label names: a path, or a name (with or without .json) in the
    fixture directories. "-" is standard input."""
    if label == "-":
        return ["-"]
    path = Path(label)
    candidates = [path] if path.suffix else [path, path.with_suffix(".json")]
    if not path.is_absolute() and path.parent == Path("."):
        candidates += [folder / name for folder in fixture_directories() for name in candidates]
    found = [candidate for candidate in candidates if candidate.is_file()]
    if not found:
        raise LoadError(f"No fixture named {label!r} was found.")
    return found[:1]


def read(labels, **options):
    """Every named file, read once and checked: a FixtureSet (its problems may be empty)."""
    fixtures = checks.FixtureSet(**options)
    for label in labels:
        for path in find(str(label)):
            if path == "-":
                fixtures.add("standard input", sys.stdin.buffer.read())
                continue
            opener = OPENERS.get(path.suffix)
            inner = Path(path.stem).suffix if path.suffix != ".json" else ".json"
            if opener is None or inner != ".json":
                fixtures.problems.append(
                    f"{shown(path)}: not a JSON fixture; content fixtures are JSON files "
                    "(as export_content writes them), possibly compressed (.json.gz)"
                )
                continue
            with opener(path, "rb") as stream:
                fixtures.add(shown(path), stream.read())
    return fixtures


def check(fixtures, using):
    problems = fixtures.check(using)
    if problems:
        raise LoadError(checks.problem_report(problems, NOTHING_LOADED))


def load(fixtures, using):
    """Save every checked record, sources first, in one transaction; the number saved.

    Sources go first wherever a file has them, so that a department's file can carry its own
    text's source after the records that cite it. The rows are saved raw (as Django's loaddata
    saves them); content/signals.py still runs the rulebook on each.
    """
    records = [record for record in fixtures.records if record.key is not None]
    records.sort(key=lambda record: record.model is not Source)
    statistics_after = FIRST_STATISTICS_AFTER
    with transaction.atomic(using=using), one_version_bump(), checked_load():
        objects = serializers.deserialize(
            "python",
            [record.data for record in records],
            using=using,
            ignorenonexistent=fixtures.ignore_unknown,
            handle_forward_references=True,
        )
        deferred = []
        for saved, record in enumerate(records, 1):
            try:
                obj = next(objects)
                obj.save(using=using)
            except (DatabaseError, checks.ContentError, serializers.base.DeserializationError) as error:
                raise LoadError(f"{record}: {reason(record, error)}\n{NOTHING_LOADED}") from error
            if obj.deferred_fields:
                deferred.append((record, obj))
            if saved >= statistics_after:
                statistics_after *= 2
                refresh_statistics(using)
        for record, obj in deferred:
            try:
                obj.save_deferred_fields(using=using)
            except (DatabaseError, serializers.base.DeserializationError) as error:
                raise LoadError(f"{record}: {reason(record, error)}\n{NOTHING_LOADED}") from error
    return len(records)


def reason(record, error):
    if isinstance(error, checks.ContentError):
        return "; ".join(error.problems)
    if isinstance(error, DatabaseError):
        return explain_database_error(record.model, error)
    return str(error)


def refresh_statistics(using):
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in checks.content_models():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def explain_database_error(model, error):
    """Name the rule a database error is about, in the rule's own words (models/rules.py)."""
    text = str(error)
    for constraint in model._meta.constraints:
        if re.search(rf"\b{re.escape(constraint.name)}\b", text):
            return f"breaks the rule {constraint.name!r}: {constraint.get_violation_error_message()}"
    return f"the database refused it: {text.splitlines()[-1] if text else type(error).__name__}"


def shown(path):
    """A fixture's path as staff typed it: relative to the current directory when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative
