"""Translation at a glance: every text whose Chinese is missing, or out of date with its English.

Missing: the English is there and the Chinese is empty (pages show the English meanwhile).
Out of date: a revision changed the English after the last revision that changed the Chinese,
read from the owners' histories (content/editions.py), so it is known from the first revision on.
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy

from departments.content import editions
from departments.models import Department, Hospital, Revision
from departments.models.rules import translated_originals

ENGLISH, CHINESE = "en", "zh_hans"
MISSING = gettext_lazy("missing")
OUT_OF_DATE = gettext_lazy("out of date")


@dataclass
class Gap:
    owner: object  # the hospital or a department
    model: type
    key: tuple  # the entry's natural key
    field: str  # the translated field's name ("summary")
    state: str  # MISSING or OUT_OF_DATE
    english: str

    @property
    def label(self):
        return editions.record_label((self.model._meta.label_lower, self.key))

    @property
    def verbose_field(self):
        return self.model._meta.get_field(self.field).verbose_name


def translated(record):
    """(model, translated field names) of a fixture record."""
    model = apps.get_model(record["model"])
    return model, sorted(translated_originals(model))


def changed_last(revisions):
    """For each (record key, field name): the number of the last revision that changed it."""
    last, previous = {}, {}
    for revision in sorted(revisions, key=lambda r: r.number):
        current = {editions.record_key(record): record["fields"] for record in revision.records}
        for key, fields in current.items():
            before = previous.get(key, {})
            for name, value in fields.items():
                if before.get(name) != value:
                    last[(key, name)] = revision.number
        previous = current
    return last


def gaps_of(owner):
    """The owner's texts whose Chinese is missing or out of date."""
    revisions = list(editions.owned(Revision, owner))
    last = changed_last(revisions)
    gaps = []
    for record in editions.records_of(owner):
        model, names = translated(record)
        key = editions.record_key(record)
        for name in names:
            english = record["fields"].get(f"{name}_{ENGLISH}") or ""
            chinese = record["fields"].get(f"{name}_{CHINESE}") or ""
            if not english:
                continue
            if not chinese:
                state = MISSING
            elif last.get((key, f"{name}_{ENGLISH}"), 0) > last.get((key, f"{name}_{CHINESE}"), 0):
                state = OUT_OF_DATE
            else:
                continue
            gaps.append(Gap(owner, model, key[1], name, state, english))
    return gaps


def all_gaps():
    owners = [*Hospital.objects.all(), *Department.objects.order_by("position", "slug")]
    return [gap for owner in owners for gap in gaps_of(owner)]
