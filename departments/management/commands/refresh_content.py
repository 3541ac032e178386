"""Preview what loading content fixtures would change, then (with --apply) load them.

    python manage.py refresh_content                   # preview fixtures/*.json
    python manage.py refresh_content --apply           # load them, in one transaction
    python manage.py refresh_content --prune --apply   # ... and delete what they no longer hold

The preview is the load itself, inside a transaction that is rolled back: what it reports is
exactly what --apply does, through the same loader as `loaddata` (departments/content/loader.py:
the same checks, the same signals that keep caches current). Each file is read once.
Exit status: 0 nothing to do, previewed or applied; 1 invalid fixtures (nothing changed); 2 usage.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.text import capfirst

from departments.content import changes as content_changes
from departments.content import editions, loader
from departments.content import fixtures as checks
from departments.content.signals import one_version_bump
from departments.models import Via

USAGE = 2
INVALID = 1
LONGEST_VALUE_SHOWN = 70
PRUNE_BATCH = 500


def shown(value):
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= LONGEST_VALUE_SHOWN else text[: LONGEST_VALUE_SHOWN - 1] + "…"


class Command(BaseCommand):
    help = (
        "Show what loading content fixtures would create, change and leave out; "
        "with --apply, load them in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="path",
            help="Fixture files or directories of them (default: the project's fixtures/ directory).",
        )
        parser.add_argument("--apply", action="store_true", help="Load the fixtures (default: only preview).")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Also delete the content that is not in the fixtures (listed in the preview).",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, choices=tuple(connections), help="Database to refresh."
        )

    def handle(self, *args, paths, apply, prune, database, **options):
        files = self.fixture_files(paths or [Path(settings.BASE_DIR) / "fixtures"])
        done = "Nothing was changed."
        fixtures = loader.read(files)
        problems = fixtures.check(database)
        if problems:
            raise CommandError(checks.problem_report(problems, done), returncode=INVALID)

        with transaction.atomic(using=database), one_version_bump():
            before = content_changes.snapshot(database)
            try:
                loader.load(fixtures, database)
            except loader.LoadError as error:
                raise CommandError(
                    str(error).replace(loader.NOTHING_LOADED, done), returncode=INVALID
                ) from error
            after = content_changes.snapshot(database)
            changes = content_changes.compare(before, after, fixtures)
            self.stdout.write(f"Read {len(fixtures.records)} records from {len(files)} fixture files.\n")
            self.report(changes, prune)
            created = sum(len(c.created) for c in changes.values())
            updated = sum(len(c.updated) for c in changes.values())
            missing = sum(len(c.missing) for c in changes.values())
            to_delete = missing if prune else 0
            if not (created or updated or to_delete):
                transaction.set_rollback(True, using=database)
                self.stdout.write("Nothing to do: the database already matches the fixtures.")
            elif not apply:
                transaction.set_rollback(True, using=database)
                self.stdout.write(
                    "This was a preview: nothing was changed. Run again with --apply to make these changes."
                )
            else:
                if prune:
                    self.prune(changes, before, database)
                editions.record_revisions_of_load(
                    fixtures, Via.REFRESH, ", ".join(str(path) for path in files), database
                )
                self.stdout.write(
                    self.style.SUCCESS(f"Applied: {created} new, {updated} changed, {to_delete} deleted.")
                )
            if missing and not prune:
                self.stdout.write(
                    f"{missing} record(s) in the database are not in the fixtures and were left alone; "
                    "--prune deletes them."
                )

    def fixture_files(self, paths):
        files = []
        for path in map(Path, paths):
            if path.is_dir():
                found = sorted(path.glob("*.json"))
                if not found:
                    raise CommandError(f"No fixture files (*.json) in {path}.", returncode=USAGE)
                files.extend(found)
            elif path.is_file() and path.suffix == ".json":
                files.append(path)
            elif path.exists():
                raise CommandError(f"{path} is not a JSON fixture file (*.json).", returncode=USAGE)
            else:
                raise CommandError(f"{path} does not exist.", returncode=USAGE)
        return files

    def report(self, changes, prune):
        for model, change in changes.items():
            counts = [
                (len(change.created), "new"),
                (len(change.updated), "changed"),
                (change.unchanged, "unchanged"),
                (len(change.missing) + len(change.kept), "not in the fixtures"),
            ]
            summary = ", ".join(f"{count} {what}" for count, what in counts if count)
            if not summary:
                continue
            self.stdout.write(f"{capfirst(model._meta.verbose_name_plural)}: {summary}")
            for key in change.created:
                self.stdout.write(f"  new:      {checks.key_label(key)}")
            for key, differences in change.updated:
                self.stdout.write(f"  changed:  {checks.key_label(key)}")
                for name, old, new in differences:
                    self.stdout.write(f"            {name}: {shown(old)} -> {shown(new)}")
            for key in change.missing:
                what = "delete:  " if prune else "missing: "
                self.stdout.write(f"  {what} {checks.key_label(key)}")
            for key in change.kept:
                self.stdout.write(f"  missing:  {checks.key_label(key)} (kept: fixture records belong to it)")
        self.stdout.write("")

    def prune(self, changes, before, using):
        # Entries before their departments, departments before their hospital: nothing that is
        # deleted takes anything with it that was not listed.
        for model in reversed(list(changes)):
            pks = [before[model][key].pk for key in changes[model].missing]
            for start in range(0, len(pks), PRUNE_BATCH):
                model._base_manager.using(using).filter(pk__in=pks[start : start + PRUNE_BATCH]).delete()
