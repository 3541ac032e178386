"""Content fixtures: checked before they are loaded, compared with the database, written back.

Staff refresh the site by loading the JSON fixtures in fixtures/ (README, "Refreshing content").
Django's loaddata saves rows raw: it runs no validation, reports a reference to a missing
department as an unrelated NOT NULL or CHECK error, keeps the last of two records with the same
natural key without a word, and on SQLite stores text longer than max_length. So every fixture
is read and checked here first, and nothing reaches the database until every record passes.
Problems name the file and the record (its position in the file and its natural key).

The values themselves are judged by the models' rulebook (departments/models/rules.py), the
same that judges an editor's form and every save; this module adds what only a file can get
wrong (its JSON, its types, its references and repeated records). loader.py loads what passes.
"""

import difflib
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import BooleanField, CharField, DateField, FileField, IntegerField, TextField
from modeltranslation import settings as translation_settings
from modeltranslation.utils import build_localized_fieldname

from departments.models import Department, Fact, Hospital, Source
from departments.models.facts import ONE_OWNER
from departments.models.owners import ONE_HOSPITAL
from departments.models.rules import translated_originals

MOST_PROBLEMS_SHOWN = 100
# The owners and sources that records refer to, each by its natural key's one field.
REFERRED = {Source: "name", Hospital: "slug", Department: "slug"}


class ContentError(ValueError):
    """A content row that breaks the rules (see content/signals.py); a ValueError, so that Django's
    loaddata, if it runs instead of ours, names the row it could not load."""

    def __init__(self, label, problems):
        super().__init__(f"{label}: {'; '.join(problems)}")
        self.problems = problems


def error_messages(error):
    """A ValidationError as `field: message` lines."""
    return [
        message if name == NON_FIELD_ERRORS else f"{name}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def fact_models():
    return [model for model in apps.get_app_config("departments").get_models() if issubclass(model, Fact)]


def content_models():
    """What a content fixture may hold, what others refer to first: the order fixtures load and
    export writes."""
    return [Source, Hospital, Department, *fact_models()]


def fixture_fields(model):
    """The fields a fixture record gives, in the order export writes them.

    Translated fields appear once per language (`name_en`, `name_zh_hans`); the untranslated
    `name` column behind them only mirrors one language, so fixtures never carry it.
    """
    originals = translated_originals(model)
    return [f for f in model._meta.local_fields if not f.primary_key and f.name not in originals]


def reference(value):
    """The slug or name in a natural-key reference such as ["spine-surgery"], or None."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    return None


def natural_key(model, fields):
    """The natural key a record stands for, built from its fields as the model's natural_key()."""
    if issubclass(model, Fact):
        return (reference(fields.get("hospital")), reference(fields.get("department")), fields.get("slug"))
    return (fields.get(REFERRED[model]),)


def key_label(key):
    return "/".join(str(part) for part in key if part is not None)


def json_type_problem(model_field, raw):
    """What is wrong with the JSON type of a fixture value, or None.

    Django's deserializer turns anything into a text column's value (["a", "list"] is stored as
    the text "['a', 'list']") and true into the number 1; a fixture means what it says or is refused.
    """
    if raw is None:
        return None if model_field.null else "cannot be null"
    if isinstance(model_field, BooleanField):
        wanted, ok = "true or false", isinstance(raw, bool)
    elif isinstance(model_field, IntegerField):
        wanted, ok = "a whole number", isinstance(raw, int) and not isinstance(raw, bool)
    elif isinstance(model_field, CharField | TextField | FileField | DateField):
        wanted, ok = "text in quotes", isinstance(raw, str)
    else:
        return None
    return None if ok else f"must be {wanted}, not {json.dumps(raw, ensure_ascii=False)[:60]}"


@dataclass(eq=False)
class Record:
    """One record of a fixture file, as written."""

    source: str
    number: int  # its position in the file, from 1
    data: object
    model: type | None = None
    key: tuple | None = None

    @property
    def fields(self):
        return self.data["fields"]

    def __str__(self):
        where = f"{self.source}, record {self.number}"
        if self.key:
            return f"{where} ({self.model._meta.label_lower} {key_label(self.key)!r})"
        if isinstance(self.data, dict) and isinstance(self.data.get("model"), str):
            return f"{where} ({self.data['model']})"
        return where


@dataclass
class FixtureSet:
    """Fixture files read in load order, with everything wrong with them.

    content_only: refuse records of other apps (users, groups, sessions...), as loaddata and
    refresh_content do.
    """

    content_only: bool = True
    ignore_unknown: bool = False  # loaddata --ignorenonexistent
    excluded: object = None  # a predicate on models: loaddata --exclude
    records: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    by_key: dict = field(default_factory=dict)  # (model, natural key) -> Record

    def add(self, source, content):
        """Read one file's text (or bytes); check each record on its own."""
        if isinstance(content, bytes):
            try:
                content = content.decode("utf-8")
            except UnicodeDecodeError as error:
                self.problems.append(f"{source}: not UTF-8 text ({error.reason} at byte {error.start})")
                return
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            self.problems.append(
                f"{source}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
            )
            return
        if not isinstance(data, list):
            self.problems.append(f"{source}: a fixture is a JSON list of records: [{{...}}, {{...}}]")
            return
        for number, item in enumerate(data, 1):
            record = Record(source, number, item)
            self.records.append(record)
            self.read(record)

    def problem(self, record, message):
        self.problems.append(f"{record}: {message}")

    def read(self, record):
        data = record.data
        if not (isinstance(data, dict) and isinstance(data.get("model"), str)):
            return self.problem(record, 'a record is {"model": "departments.<model>", "fields": {...}}')
        try:
            model = apps.get_model(data["model"])
        except (LookupError, ValueError):
            if not self.ignore_unknown:
                self.problem(record, f"unknown model {data['model']!r}")
            return
        if self.excluded and self.excluded(model):
            return
        if model not in content_models():
            if self.content_only:
                self.problem(record, "is not site content; content fixtures hold only departments.* records")
            return
        if not isinstance(data.get("fields"), dict):
            return self.problem(record, 'a record is {"model": "departments.<model>", "fields": {...}}')
        record.model = model
        key_field = REFERRED.get(model, "slug")
        slug = record.fields.get(key_field)
        if not (slug and isinstance(slug, str)):
            return self.problem(record, f"has no {key_field}, so it cannot be told apart from other records")
        record.key = natural_key(model, record.fields)
        if "pk" in data:
            self.problem(record, 'has a primary key ("pk"); content fixtures name rows by natural key only')
        self.check_field_names(record)
        first = self.by_key.get((model, record.key))
        if first:
            return self.problem(
                record,
                f"repeats record {first.number} of {first.source} (same natural key); "
                "loaddata would silently keep only the last copy",
            )
        self.by_key[(model, record.key)] = record

    def check_field_names(self, record):
        names = {f.name for f in fixture_fields(record.model)}
        originals = translated_originals(record.model)
        for name in record.fields:
            if name in names or self.ignore_unknown:
                continue
            if name in originals:
                languages = " and ".join(
                    build_localized_fieldname(name, language)
                    for language in translation_settings.AVAILABLE_LANGUAGES
                )
                self.problem(
                    record,
                    f"{name!r} is translated: give {languages} instead "
                    "(the untranslated column only mirrors one language)",
                )
                continue
            guess = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            self.problem(record, f"{record.model._meta.label_lower} has no field {name!r}{hint}")

    def check(self, using="default"):
        """Check references (against the database and earlier records) and every value."""
        existing = {
            model: set(model._base_manager.using(using).values_list(name, flat=True))
            for model, name in REFERRED.items()
        }
        position = {record: index for index, record in enumerate(self.records)}
        self.check_one_hospital(existing[Hospital])
        for record in self.records:
            if record.key is not None:
                self.check_references(record, existing, position)
                self.check_values(record, using)
        return self.problems

    def check_values(self, record, using):
        """The record's values, by the models' rulebook (departments/models/rules.py), in the steps
        of Django's full_clean(): each field's own rules, then clean(), then the constraints on the
        fields that passed. Owners are left out (check_references checks them, against the database
        and these files); the source is given by its name, so its rules (a source needs its
        phrase) are checked here too."""
        values, failed, relations = {}, set(), set()
        for model_field in fixture_fields(record.model):
            given = model_field.name in record.fields
            raw = record.fields[model_field.name] if given else model_field.get_default()
            if model_field.is_relation:
                relations.add(model_field.name)
                if model_field.related_model is Source and reference(raw):
                    values[model_field.attname] = reference(raw)
                continue
            wrong_type = given and json_type_problem(model_field, raw)
            try:
                if wrong_type:
                    raise ValidationError(wrong_type)
                values[model_field.attname] = model_field.to_python(raw)
            except ValidationError as error:
                self.problem(record, f"{model_field.name}: {'; '.join(error.messages)}")
                failed.add(model_field.name)
        instance = record.model(**values)
        errors = {}
        try:
            instance.clean_fields(exclude=failed | relations)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        owners = {name for name in relations if name in ("hospital", "department")}
        try:
            instance.validate_constraints(exclude=failed | owners | set(errors) - {NON_FIELD_ERRORS})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, messages in ValidationError(errors).message_dict.items() if errors else ():
            for message in messages:
                if name == NON_FIELD_ERRORS:
                    self.problem(record, message)
                elif name in record.fields or name not in values:
                    self.problem(record, f"{name}: {message}")
                else:
                    self.problem(record, f"{name}: missing, and it has no usable default ({message})")

    def check_one_hospital(self, existing):
        """The rule of one hospital among these files' own records, when the database has none yet
        (Hospital.clean() compares each record with the database, in check_values)."""
        if existing:
            return
        given = [record for record in self.records if record.model is Hospital and record.key]
        for record in given:
            if record.key != given[0].key:
                self.problem(record, str(ONE_HOSPITAL))

    def check_references(self, record, existing, position):
        owners = []
        for model_field in fixture_fields(record.model):
            if not model_field.is_relation:
                continue
            target = model_field.related_model
            value = record.fields.get(model_field.name)
            if value is None:
                if not model_field.null:
                    self.problem(record, f"{model_field.name}: needs a {target._meta.verbose_name}")
                continue
            slug = reference(value)
            if slug is None:
                self.problem(
                    record,
                    f"{model_field.name}: refer to the {target._meta.verbose_name} by its "
                    f'{REFERRED[target]}, as ["its-{REFERRED[target]}"], '
                    f"not {json.dumps(value, ensure_ascii=False)}",
                )
                continue
            if target is not Source:
                owners.append(model_field.name)
            if slug in existing[target]:
                continue
            defined = self.by_key.get((target, (slug,)))
            if defined is None:
                self.problem(
                    record,
                    f"{model_field.name}: refers to {target._meta.verbose_name} {slug!r}, which is "
                    "neither in the database nor in these fixtures",
                )
            elif position[defined] > position[record] and target is not Source:
                # Sources load before everything else (loader.py), wherever a file has them.
                self.problem(
                    record,
                    f"{model_field.name}: refers to {target._meta.verbose_name} {slug!r}, which is "
                    f"defined later ({defined}); load that file first",
                )
        if issubclass(record.model, Fact) and len(owners) != 1:
            # The rulebook's words (the owners are references here, so the rule is checked here).
            self.problem(record, str(ONE_OWNER))

    def referenced(self):
        """Owners that fixture records belong to: (model, natural key) pairs."""
        pairs = set()
        for record in self.records:
            if record.key is None:
                continue
            for model_field in fixture_fields(record.model):
                slug = model_field.is_relation and reference(record.fields.get(model_field.name))
                if slug:
                    pairs.add((model_field.related_model, (slug,)))
        return pairs

    def keys(self, model):
        return [record.key for record in self.records if record.model is model and record.key]


def problem_report(problems, done="Nothing was loaded; the database is unchanged."):
    shown = problems[:MOST_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    lines = [f"{done} Fix {'this problem' if len(problems) == 1 else 'these problems'} first:"]
    lines += [f"  {problem}" for problem in shown]
    if more:
        lines.append(f"  ... and {more} more")
    return "\n".join(lines)
