"""`manage.py loaddata`, which checks content fixtures before any of them reaches the database.

This is modeltranslation's loaddata (Django's, plus `--populate`) with two additions:

- every JSON fixture is read and checked first (departments.loading): unknown models and
  fields, primary keys, missing or misordered references, a natural key given twice, and
  every value against its field's rules. One problem anywhere and nothing is loaded; each
  problem names the file and the record.
- a row the database still refuses (a CHECK constraint across fields) is named the same way,
  instead of as "Could not load departments.StaffStats(pk=None)".

Django runs the command of the first app in INSTALLED_APPS that has one, so `departments`
comes before `modeltranslation` there.
"""

import os

from django.core import serializers
from django.core.management.base import CommandError
from django.core.management.commands.loaddata import READ_STDIN
from django.db import DatabaseError, connections
from modeltranslation.management.commands.loaddata import Command as TranslationLoadDataCommand

from departments import loading
from departments.cache import one_version_bump
from departments.models import Department, Fact, Hospital

# PostgreSQL plans each natural-key lookup from the tables' statistics. Tables that grew inside
# this one transaction still look as they were (empty, on a first load), and the planner then
# reads every row that shares a slug ("beds" is in every department) for each lookup: a load
# that slows quadratically. So the statistics are refreshed each time the rows loaded double.
FIRST_STATISTICS_AFTER = 1000


class Command(TranslationLoadDataCommand):
    help = (
        "Installs the named fixture(s) in the database, all or nothing, after checking every "
        "content record (see README, 'Refreshing content')."
    )

    def loaddata(self, fixture_labels):
        self.serialization_formats = serializers.get_public_serializer_formats()  # find_fixtures needs it
        self.fixtures = loading.FixtureSet(
            # The site's content and nothing else: a fixture that would create a user or change
            # a group's permissions is refused, as refresh_content refuses it.
            content_only=True,
            ignore_unknown=self.ignore,
            excluded=lambda model: (
                model in self.excluded_models or model._meta.app_config in self.excluded_apps
            ),
        )
        # Only JSON files are checked here (content fixtures are JSON); rows from anything else
        # are left to the check in signals.py.
        self.all_checked = True
        for label in fixture_labels:
            if label == READ_STDIN:
                self.all_checked = False  # stdin can be read only once, by Django
                continue
            for path, _, _ in self.find_fixtures(label):
                _, serialization, compression = self.parse_name(os.path.basename(path))
                if serialization != "json":
                    self.all_checked = False
                    continue
                open_method, mode = self.compression_formats[compression]
                with open_method(path, mode) as fixture:
                    self.fixtures.add(self.shown(path), fixture.read())
        problems = self.fixtures.check(self.using)
        if problems:
            raise CommandError(loading.problem_report(problems))
        # To name a row the database refuses without asking the database (a PostgreSQL
        # transaction takes no more queries after an error), owners' slugs are kept at hand.
        self.slugs = {
            model: dict(model._base_manager.using(self.using).values_list("pk", "slug"))
            for model in (Hospital, Department)
        }
        self.saved, self.statistics_after = 0, FIRST_STATISTICS_AFTER
        with one_version_bump():
            super().loaddata(fixture_labels)

    def save_obj(self, obj):
        if type(obj.object) not in loading.content_models():
            # From a fixture that was not checked as JSON (XML, YAML, standard input).
            raise CommandError(
                f"{obj.object._meta.label_lower}: is not site content; content fixtures hold only "
                "departments.* records\nNothing was loaded; the database is unchanged."
            )
        setattr(obj.object, loading.CHECKED, self.all_checked)
        try:
            saved = super().save_obj(obj)
        except (DatabaseError, ValueError, loading.ContentError) as error:
            instance = obj.object
            if type(instance) not in loading.content_models():
                raise
            if isinstance(error, loading.ContentError):
                reason = "; ".join(error.problems)
            else:
                reason = loading.explain_database_error(type(instance), error)
            raise CommandError(
                f"{self.describe(instance)}: {reason}\nNothing was loaded; the database is unchanged."
            ) from error
        if saved and type(obj.object) in self.slugs:
            self.slugs[type(obj.object)][obj.object.pk] = obj.object.slug
        self.saved += saved
        if self.saved >= self.statistics_after:
            self.statistics_after *= 2
            self.refresh_statistics()
        return saved

    def refresh_statistics(self):
        connection = connections[self.using]
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in loading.content_models():
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def describe(self, instance):
        if isinstance(instance, Fact):
            key = (
                self.slugs[Hospital].get(instance.hospital_id),
                self.slugs[Department].get(instance.department_id),
                instance.slug,
            )
        else:
            key = (instance.slug,)
        record = self.fixtures.by_key.get((type(instance), key))
        return str(record) if record else f"{instance._meta.label_lower} {loading.key_label(key)!r}"

    @staticmethod
    def shown(path):
        """A fixture's path as staff typed it: relative to the current directory when inside it."""
        relative = os.path.relpath(path)
        return path if relative.startswith("..") else relative
