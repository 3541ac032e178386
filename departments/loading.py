"""Content fixtures: checked before they are loaded, compared with the database, written back.

Staff refresh the site by loading the JSON fixtures in fixtures/ (README, "Refreshing content").
Django's loaddata saves rows raw: it runs no validation, reports a reference to a missing
department as an unrelated NOT NULL or CHECK error, keeps the last of two records with the same
natural key without a word, and on SQLite stores text longer than max_length. So every fixture
is read and checked here first, and nothing reaches the database until every record passes.
Problems name the file and the record (its position in the file and its natural key).

The same module describes the database as fixtures would (`snapshot`), which is how
`refresh_content` previews a load, and writes it back in the fixtures' layout (`export_files`).
"""

import difflib
import json
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator
from django.db.models import BooleanField, CharField, DateField, FileField, IntegerField, TextField
from django.utils import timezone
from django.utils.encoding import is_protected_type
from modeltranslation import settings as translation_settings
from modeltranslation.fields import TranslationField
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from departments.models import LATEST_YEAR_IN_DATABASE, Department, Fact, Hospital

HOSPITAL_FILE = "00-hospital.json"
# What export_files writes (and so may remove when a department is gone): "00-hospital.json",
# "10-spine-surgery.json", ...
EXPORTED_FILE = re.compile(r"\d+-[-\w]+\.json")
MOST_PROBLEMS_SHOWN = 100
# Set on a row read from a fixture that FixtureSet.check passed, so signals.py need not check it again.
CHECKED = "_checked_as_content_fixture"


class ContentError(Exception):
    """A content row that breaks a rule the database cannot hold (see signals.py)."""

    def __init__(self, label, problems):
        super().__init__(f"{label}: {'; '.join(problems)}")
        self.problems = problems


def fact_models():
    return [model for model in apps.get_app_config("departments").get_models() if issubclass(model, Fact)]


def content_models():
    """What a content fixture may hold, owners first: the order fixtures load and export writes."""
    return [Hospital, Department, *fact_models()]


def translated_originals(model):
    """The untranslated fields behind modeltranslation's `<field>_en` / `<field>_zh_hans`."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def fixture_fields(model):
    """The fields a fixture record gives, in the order export writes them.

    Translated fields appear once per language (`name_en`, `name_zh_hans`); the untranslated
    `name` column behind them only mirrors one language, so fixtures never carry it.
    """
    originals = translated_originals(model)
    return [f for f in model._meta.local_fields if not f.primary_key and f.name not in originals]


def reference(value):
    """The slug in a natural-key reference such as ["spine-surgery"], or None."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    return None


def natural_key(model, fields):
    """The natural key a record stands for, built from its fields as the model's natural_key()."""
    if issubclass(model, Fact):
        return (reference(fields.get("hospital")), reference(fields.get("department")), fields.get("slug"))
    return (fields.get("slug"),)


def key_label(key):
    return "/".join(str(part) for part in key if part is not None)


def is_year(model_field):
    return any(
        isinstance(v, MaxValueValidator) and v.limit_value == LATEST_YEAR_IN_DATABASE
        for v in model_field.validators
    )


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


def value_problems(model_field, value, given=True):
    """What is wrong with one field's value: the field's own rules (choices, max_length, validators,
    null, blank), English text where the untranslated field is required (the other language falls
    back to it), and years not in the future (the database holds only a fixed ceiling)."""
    problems = []
    if isinstance(value, str) and "\x00" in value:
        # PostgreSQL refuses it in text; SQLite would store it, invisibly.
        problems.append("contains a NUL character (\\x00), which text may not hold")
    try:
        model_field.validate(value, None)
        model_field.run_validators(value)
    except ValidationError as error:
        problems.extend(error.messages)
    if (
        isinstance(model_field, TranslationField)
        and model_field.language == translation_settings.DEFAULT_LANGUAGE
        and not model_field.translated_field.blank
        and value in model_field.empty_values
    ):
        problems.append("the English text is required (other languages fall back to it)")
    this_year = timezone.localdate().year
    if not problems and is_year(model_field) and isinstance(value, int) and value > this_year:
        problems.append(f"{value} is in the future (this year is {this_year})")
    if problems and not given:
        problems = [f"missing, and it has no usable default ({'; '.join(problems)})"]
    return [f"{model_field.name}: {problem}" for problem in problems]


def instance_problems(instance):
    """value_problems for every field of a model instance about to be saved."""
    return [
        problem
        for model_field in fixture_fields(type(instance))
        if not model_field.is_relation
        for problem in value_problems(model_field, getattr(instance, model_field.attname))
    ]


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
        slug = record.fields.get("slug")
        if not (slug and isinstance(slug, str)):
            return self.problem(record, "has no slug, so it cannot be told apart from other records")
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
            Hospital: set(Hospital._base_manager.using(using).values_list("slug", flat=True)),
            Department: set(Department._base_manager.using(using).values_list("slug", flat=True)),
        }
        position = {record: index for index, record in enumerate(self.records)}
        self.check_one_hospital(existing[Hospital])
        for record in self.records:
            if record.key is None:
                continue
            self.check_references(record, existing, position)
            for model_field in fixture_fields(record.model):
                if model_field.is_relation:
                    continue
                given = model_field.name in record.fields
                raw = record.fields[model_field.name] if given else model_field.get_default()
                wrong_type = given and json_type_problem(model_field, raw)
                if wrong_type:
                    self.problem(record, f"{model_field.name}: {wrong_type}")
                    continue
                try:
                    value = model_field.to_python(raw)
                except ValidationError as error:
                    self.problem(record, f"{model_field.name}: {'; '.join(error.messages)}")
                    continue
                if isinstance(model_field, FileField) and isinstance(value, str):
                    # File validators read the name from a file object, as on a model instance.
                    value = model_field.attr_class(None, model_field, value)
                for message in value_problems(model_field, value, given):
                    self.problem(record, message)
        return self.problems

    def check_one_hospital(self, existing):
        """The site describes one hospital: fixtures may change it, not add a second."""
        given = [record for record in self.records if record.model is Hospital and record.key]
        slugs = existing | {record.key[0] for record in given}
        if len(slugs) > 1:
            for record in given:
                if record.key[0] not in existing or len(existing) > 1:
                    self.problem(
                        record,
                        "the site describes one hospital, and this would be another "
                        f"(hospitals: {', '.join(sorted(slugs))}); change the existing one instead",
                    )

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
                    f"{model_field.name}: refer to the {target._meta.verbose_name} by its slug, "
                    f'as ["its-slug"], not {json.dumps(value, ensure_ascii=False)}',
                )
                continue
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
            elif position[defined] > position[record]:
                self.problem(
                    record,
                    f"{model_field.name}: refers to {target._meta.verbose_name} {slug!r}, which is "
                    f"defined later ({defined}); load that file first",
                )
        if issubclass(record.model, Fact) and len(owners) != 1:
            self.problem(
                record,
                "belongs to exactly one owner: give either a hospital or a department, "
                f"not {'both' if owners else 'neither'}",
            )

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


# What each database constraint means, for the staff member who broke it (by name ending).
RULES = {
    "has_one_owner": "an entry belongs to exactly one owner, a hospital or a department",
    "unique_slug_per_hospital": "another entry of the same hospital already has this slug",
    "unique_slug_per_department": "another entry of the same department already has this slug",
    "slug_not_empty": "a slug is required",
    "source_has_phrase": "an entry that names a source file must quote the phrase it rests on",
    "value_not_negative": "a value cannot be negative",
    "percent_at_most_100": "a percentage cannot be more than 100",
    "unit_valid": "the unit must be one of the listed units",
    "qualifier_valid": "the qualifier must be one of the listed qualifiers",
    "metric_valid": "the metric must be one of the listed metrics",
    "kind_valid": "the kind must be one of the listed kinds",
    "role_valid": "the role must be one of the listed roles",
    "year_in_range": "the year must be between 1800 and 2100",
    "founded_month_valid": "the founding month must be 1 to 12, and needs a founding year",
    "month_valid": "the month must be 1 to 12",
    "photo_has_alt_text": "a photo needs alternative text (photo_alt_en)",
    "count_positive": "a count must be at least 1",
    "source_valid": "the source must be one of the five source texts, or empty",
    "name_not_empty": "a name is required",
}


def explain_database_error(model, error):
    """Name the constraint a database error is about, and say what it means."""
    text = str(error)
    for constraint in model._meta.constraints:
        if re.search(rf"\b{re.escape(constraint.name)}\b", text):
            meaning = next((m for end, m in RULES.items() if constraint.name.endswith(end)), "")
            return f"breaks the rule {constraint.name!r}" + (f": {meaning}" if meaning else "")
    return f"the database refused it: {text.splitlines()[-1] if text else type(error).__name__}"


@dataclass
class Row:
    pk: int
    values: dict


def snapshot(using="default"):
    """Every content row as a fixture would give it: {model: {natural key: Row}}."""
    slugs = {
        Hospital: dict(Hospital._base_manager.using(using).values_list("pk", "slug")),
        Department: dict(Department._base_manager.using(using).values_list("pk", "slug")),
    }
    rows = {}
    for model in content_models():
        fields = fixture_fields(model)
        rows[model] = {}
        for pk, *row in model._base_manager.using(using).values_list("pk", *(f.attname for f in fields)):
            values = {}
            for model_field, value in zip(fields, row, strict=True):
                if model_field.is_relation and value is not None:
                    value = [slugs[model_field.related_model][value]]
                values[model_field.name] = value
            rows[model][natural_key(model, values)] = Row(pk, values)
    return rows


@dataclass
class ModelChanges:
    created: list = field(default_factory=list)  # natural keys
    updated: list = field(default_factory=list)  # (natural key, [(field, old, new)])
    unchanged: int = 0
    missing: list = field(default_factory=list)  # in the database, not in the fixtures
    kept: list = field(default_factory=list)  # missing, but fixture records belong to them


def compare(before, after, fixtures):
    """What loading the fixtures changed: before and after are snapshots around the load."""
    referenced = fixtures.referenced()
    changes = {}
    for model in content_models():
        result = changes[model] = ModelChanges()
        keys = fixtures.keys(model)
        for key in keys:
            old, new = before[model].get(key), after[model][key]
            if old is None:
                result.created.append(key)
                continue
            differences = [
                (name, old.values[name], value)
                for name, value in new.values.items()
                if old.values[name] != value
            ]
            if differences:
                result.updated.append((key, differences))
            else:
                result.unchanged += 1
        wanted = set(keys)
        for key in sorted(set(before[model]) - wanted, key=lambda k: tuple(p or "" for p in k)):
            (result.kept if (model, key) in referenced else result.missing).append(key)
    return changes


def export_record(obj):
    """One row as a fixture record: natural keys, no primary key, every fixture field."""
    fields = {}
    for model_field in fixture_fields(type(obj)):
        if model_field.is_relation:
            related = getattr(obj, model_field.name)
            value = list(related.natural_key()) if related is not None else None
        else:
            # As Django's serializers do: plain values as they are, others (files) as text.
            value = model_field.value_from_object(obj)
            if not is_protected_type(value):
                value = model_field.value_to_string(obj)
        fields[model_field.name] = value
    return {"model": obj._meta.label_lower, "fields": fields}


def fixture_text(objects):
    records = [export_record(obj) for obj in objects]
    return json.dumps(records, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n"


def department_file_names(slugs):
    """10-first.json, 20-second.json, ...: numbered in directory order, with room to insert between."""
    width = max(2, len(str(10 * len(slugs))))
    return [f"{10 * number:0{width}d}-{slug}.json" for number, slug in enumerate(slugs, 1)]


def export_files(using="default"):
    """The content as fixture files, {file name: text}: 00-hospital.json with the hospital and
    its facts, then one file per department with its facts, in a stable order."""
    facts = {}
    for model in fact_models():
        queryset = model._base_manager.using(using).select_related("hospital", "department")
        for fact in queryset.order_by("position", "slug"):
            owner = (Department, fact.department_id) if fact.department_id else (Hospital, fact.hospital_id)
            facts.setdefault(owner, []).append(fact)

    files = {}
    hospitals = list(Hospital._base_manager.using(using).order_by("slug"))
    if hospitals:
        files[HOSPITAL_FILE] = fixture_text(
            obj for hospital in hospitals for obj in [hospital, *facts.get((Hospital, hospital.pk), [])]
        )
    departments = list(
        Department._base_manager.using(using).select_related("hospital").order_by("position", "slug")
    )
    names = department_file_names([department.slug for department in departments])
    for name, department in zip(names, departments, strict=True):
        files[name] = fixture_text([department, *facts.get((Department, department.pk), [])])
    return files
