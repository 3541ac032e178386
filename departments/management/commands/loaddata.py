"""`manage.py loaddata`: content fixtures, checked whole, then loaded all or nothing.

Every file is read once and checked (departments/content/fixtures.py: unknown models and
fields, primary keys, references, a natural key given twice, and every value by the models'
rulebook); one problem anywhere and nothing is written, and every problem is named by file,
record and natural key. Then departments/content/loader.py saves the records through Django's
public serializer API in one transaction, bumping the content version once.

This command is the project's own (Django's public BaseCommand), not a subclass of Django's or
modeltranslation's: Django runs the `loaddata` of the first app in INSTALLED_APPS that has one,
which is why `departments` comes first there (checked at start-up, departments/checks.py). Were
another `loaddata` to run, each row would still be judged by the same rules as it is saved
(departments/content/signals.py) and the load would still be all or nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from modeltranslation.utils import auto_populate

from departments.content import editions, loader
from departments.models import Via


class Command(BaseCommand):
    help = (
        "Installs the named content fixture(s) in the database, all or nothing, after checking every "
        "record (see README, 'Refreshing content')."
    )

    def add_arguments(self, parser):
        parser.add_argument("args", metavar="fixture", nargs="+", help="Fixture files or names.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, choices=tuple(connections), help="Database to load into."
        )
        parser.add_argument(
            "--ignorenonexistent",
            "-i",
            action="store_true",
            dest="ignore",
            help="Ignore fields and models in the fixtures that the models do not have.",
        )
        parser.add_argument(
            "--exclude",
            "-e",
            action="append",
            default=[],
            help="A model (departments.Leader) or app not to load. Can be given several times.",
        )
        parser.add_argument(
            "--populate",
            choices=["all", "default", "required"],
            help="modeltranslation's: fill empty translations from the untranslated field "
            "(content fixtures never give it, so this changes nothing for them).",
        )

    def handle(self, *labels, database, ignore, exclude, populate, verbosity, **options):
        excluded = {label.lower() for label in exclude}
        try:
            fixtures = loader.read(
                labels,
                ignore_unknown=ignore,
                excluded=lambda model: (
                    model._meta.label_lower in excluded or model._meta.app_label in excluded
                ),
            )
            loader.check(fixtures, database)
            with transaction.atomic(using=database), auto_populate(populate or False):
                saved = loader.load(fixtures, database)
                # Each owner whose content changed gets a revision in its history (the admin's).
                files = sorted({record.source for record in fixtures.records})
                editions.record_revisions_of_load(fixtures, Via.LOADDATA, ", ".join(files), database)
        except loader.LoadError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            files = len({record.source for record in fixtures.records})
            self.stdout.write(f"Installed {saved} object(s) from {files} fixture(s)")
