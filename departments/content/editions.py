"""The editorial workflow: drafts, their preview and publication, revisions, compare and restore.

An owner's content (the hospital or a department, with all its facts) is handled as fixture
records (export.py), so a draft or a revision is applied by the loader and its rulebook, like a
fixture. A draft is never written to the content tables until it is published: to show it (the
admin's form, the public page as a preview) it is applied inside a transaction that is then
rolled back, as `refresh_content` previews a load.

Publishing applies what the draft changed since it began (its base) to what is published then,
field by field, so a change someone else published meanwhile is kept; where both changed the same
field differently, publishing is refused and the conflicts are named.
"""

import contextlib
import copy
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from modeltranslation.utils import build_localized_fieldname

from departments.content import fixtures as checks
from departments.content import loader
from departments.content.export import export_record
from departments.content.signals import one_version_bump
from departments.models import Department, Hospital
from departments.models.editorial import Draft, Revision, Via


class Conflict(Exception):
    """A draft changes what someone else changed since the draft began."""

    def __init__(self, conflicts, latest):
        super().__init__("; ".join(f"{c.label}: {c.field}" for c in conflicts))
        self.conflicts = conflicts
        self.latest = latest


def owner_filter(owner):
    return {"hospital": owner} if isinstance(owner, Hospital) else {"department": owner}


def records_of(owner, using=DEFAULT_DB_ALIAS):
    """The owner and all its facts as fixture records, in the order export_content writes them."""
    records = [export_record(owner)]
    for model in checks.fact_models():
        facts = model._base_manager.using(using).filter(**owner_filter(owner)).order_by("position", "slug")
        records.extend(export_record(fact) for fact in facts.select_related("hospital", "department"))
    # As JSON gives them back (dates as text), so that stored and fresh records compare equal.
    return json.loads(json.dumps(records, cls=DjangoJSONEncoder))


def record_key(record):
    model = apps.get_model(record["model"])
    return (record["model"], checks.natural_key(model, record["fields"]))


def record_label(key, fields=None):
    """A record as editors know it: "Staff or activity figure: Annual operations", "Leader: Liu
    Yi"; by its natural key ("…: spine-surgery/annual-operations") where its fields are not at hand."""
    label, natural_key = key
    model = apps.get_model(label)
    title = record_title(model, fields or {})
    return gettext("%(kind)s: %(entry)s") % {
        "kind": capfirst(model._meta.verbose_name),
        "entry": title or checks.key_label(natural_key),
    }


def record_title(model, fields):
    """What names a record in the admin's language (else the default one): its metric, its name
    or its text."""
    if fields.get("metric"):
        return shown_value(model, "metric", fields["metric"])
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    languages = (translation.get_language() or default, default)
    for name in ("name", "text"):
        candidates = [build_localized_fieldname(name, code) for code in languages] + [name]
        found = next((fields[c] for c in candidates if fields.get(c)), None)
        if found:
            return found
    return ""


def field_label(model, name):
    """A field as editors read it: "Summary (简体中文)", not "summary [zh-hans]"."""
    model_field = model._meta.get_field(name)
    label = capfirst(getattr(model_field, "translated_field", model_field).verbose_name)
    language = getattr(model_field, "language", None)
    if not language:
        return str(label)
    return gettext("%(field)s (%(language)s)") % {
        "field": label,
        "language": translation.get_language_info(language)["name_local"],
    }


def shown_value(model, name, value):
    """A stored value as editors read it: a choice by its label, yes or no, a source or an owner by
    its name (a natural key), "—" for nothing."""
    if value is None or value == "" or value == []:
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return "/".join(str(part) for part in value)
    return value


@dataclass
class Change:
    """What differs for one record between two states of an owner."""

    key: tuple
    kind: str  # "added", "removed" or "changed"
    fields: list = field(default_factory=list)  # (name, old, new)
    record: dict = field(default_factory=dict)  # the record's fields (after, or before a removal)

    @property
    def label(self):
        return record_label(self.key, self.record)

    @property
    def labelled_fields(self):
        """(name, the field's label, old, new), as editors read them: ("summary_zh_hans",
        "Summary (简体中文)", "…", "…"), ("role", "Role", "Director", "Deputy director")."""
        model = apps.get_model(self.key[0])
        return [
            (name, field_label(model, name), shown_value(model, name, old), shown_value(model, name, new))
            for name, old, new in self.fields
        ]

    @property
    def field_labels(self):
        model = apps.get_model(self.key[0])
        return [field_label(model, name) for name, _old, _new in self.fields]


def compare(old_records, new_records):
    """Record by record, field by field: what changed from the old records to the new."""
    old = {record_key(record): record for record in old_records}
    new = {record_key(record): record for record in new_records}
    changes = []
    for key, record in new.items():
        if key not in old:
            changes.append(
                Change(key, "added", [(n, None, v) for n, v in record["fields"].items()], record["fields"])
            )
            continue
        before = old[key]["fields"]
        differences = [
            (name, before.get(name), value)
            for name, value in record["fields"].items()
            if before.get(name) != value
        ]
        if differences:
            changes.append(Change(key, "changed", differences, record["fields"]))
    for key, record in old.items():
        if key not in new:
            changes.append(
                Change(key, "removed", [(n, v, None) for n, v in record["fields"].items()], record["fields"])
            )
    return changes


@dataclass
class FieldConflict:
    key: tuple
    field: str
    published: object
    drafted: object

    @property
    def label(self):
        return record_label(self.key)

    @property
    def field_label(self):
        return field_label(apps.get_model(self.key[0]), self.field) if self.field else ""


def merge(base, draft, current):
    """The draft's changes since its base, made to the current records: (records, conflicts)."""
    merged = {record_key(record): copy.deepcopy(record) for record in current}
    base_index = {record_key(record): record for record in base}
    conflicts = []
    for change in compare(base, draft):
        now = merged.get(change.key)
        if change.kind == "added":
            merged[change.key] = {
                "model": change.key[0],
                "fields": {n: new for n, _old, new in change.fields},
            }
        elif change.kind == "removed":
            if now is not None and now != base_index[change.key]:
                conflicts.append(FieldConflict(change.key, "", now["fields"], None))
            merged.pop(change.key, None)
        elif now is None:
            conflicts.append(FieldConflict(change.key, "", None, dict(change.fields)))
        else:
            for name, old, new in change.fields:
                published = now["fields"].get(name)
                if published != old and published != new:
                    conflicts.append(FieldConflict(change.key, name, published, new))
                now["fields"][name] = new
    return list(merged.values()), conflicts


def apply(owner, records, using=DEFAULT_DB_ALIAS):
    """Make the owner's content what the records say: load them (the rulebook judges every one)
    and delete the owner's facts they no longer hold. Raises loader.LoadError, changing nothing."""
    with transaction.atomic(using=using), one_version_bump():
        slug = records[0]["fields"]["slug"]
        if owner.slug != slug:  # renamed: natural keys follow the owner's new slug
            owner.slug = slug
            owner.save(using=using, update_fields=["slug"])
        fixtures = checks.FixtureSet()
        fixtures.add("draft", json.dumps(records))
        loader.check(fixtures, using)
        loader.load(fixtures, using)
        kept = {record_key(record) for record in records}
        for model in checks.fact_models():
            facts = model._base_manager.using(using).filter(**owner_filter(owner))
            for fact in facts.select_related("hospital", "department"):
                if (model._meta.label_lower, fact.natural_key()) not in kept:
                    fact.delete(using=using)


def owner_type(owner):
    return ContentType.objects.get_for_model(type(owner))


def owned(model, owner):
    return model.objects.filter(content_type=owner_type(owner), object_id=owner.pk)


def latest_revision(owner):
    return owned(Revision, owner).order_by("-number").select_related("user").first()


def draft_of(owner):
    return owned(Draft, owner).select_related("updated_by").first()


def record_revision(owner, *, via, user=None, note="", using=DEFAULT_DB_ALIAS):
    """Record the owner's published content as a revision, if it differs from the last one."""
    records = records_of(owner, using)
    last = latest_revision(owner)
    if last and last.records == records:
        return None
    return Revision.objects.create(
        content_type=owner_type(owner),
        object_id=owner.pk,
        owner_label=str(owner),
        number=(last.number + 1) if last else 1,
        user=user,
        via=via,
        note=note,
        records=records,
    )


def record_revisions_of_load(fixtures, via, note, using=DEFAULT_DB_ALIAS):
    """After a load: a revision of each owner the fixtures touched."""
    owners = {(Hospital, key[0]) for key in fixtures.keys(Hospital)}
    owners |= {(Department, key[0]) for key in fixtures.keys(Department)}
    owners |= {(model, key[0]) for model, key in fixtures.referenced() if model in (Hospital, Department)}
    for model, slug in sorted(owners, key=lambda pair: (pair[0] is Department, pair[1])):
        owner = model._base_manager.using(using).filter(slug=slug).first()
        if owner is not None:
            record_revision(owner, via=via, note=note, using=using)


def save_draft(owner, records, user, *, base=None, base_number=None):
    """Keep `records` as the owner's draft; a new draft begins from `base` (the published records)."""
    draft = draft_of(owner)
    if draft is None:
        latest = latest_revision(owner)
        draft = Draft(
            content_type=owner_type(owner),
            object_id=owner.pk,
            base=base if base is not None else records_of(owner),
            base_number=base_number if base_number is not None else (latest.number if latest else 0),
        )
    draft.owner_label = str(owner)
    draft.records = records
    draft.updated_by = user
    draft.save()
    return draft


@contextlib.contextmanager
def draft_applied(owner, draft):
    """The owner's content as the draft would make it, inside a transaction that is rolled back:
    yields the conflicts with what was published since the draft began."""
    with transaction.atomic():
        records, conflicts = merge(draft.base, draft.records, records_of(owner))
        apply(owner, records)
        owner.refresh_from_db()
        yield conflicts
        transaction.set_rollback(True)


def publish(owner, draft, user, note=""):
    """Publish the draft: its changes made to the published content, in one transaction (the
    content version moves once), the review date set, a revision recorded, the draft gone.
    A draft that changes nothing is only discarded: None."""
    with transaction.atomic(), one_version_bump():
        current = records_of(owner)
        records, conflicts = merge(draft.base, draft.records, current)
        if conflicts:
            raise Conflict(conflicts, latest_revision(owner))
        if not compare(current, records):
            draft.delete()
            return None
        apply(owner, records)
        owner.refresh_from_db()
        owner.reviewed_on = timezone.localdate()
        owner.save(update_fields=["reviewed_on"])
        revision = record_revision(owner, via=Via.DRAFT, user=user, note=note)
        draft.delete()
    return revision


def restore(owner, revision, user):
    """An earlier revision as a draft, to preview and publish (nothing public changes yet)."""
    latest = latest_revision(owner)
    current = records_of(owner)
    existing = draft_of(owner)
    if existing:
        existing.delete()
    return save_draft(owner, revision.records, user, base=current, base_number=latest.number if latest else 0)
