"""The content written back as fixture files, in the layout of fixtures/ (export_content).

One file for the hospital and its facts (00-hospital.json), then one per department with its
facts (10-<slug>.json, 20-<slug>.json, ... in directory order). Each source goes in the first
file that cites it, after that file's records (sources load first wherever they are, so a new
department's file carries its own text's source); sources nothing cites go in the hospital's.
"""

import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.encoding import is_protected_type

from departments.content.fixtures import REFERRED, fact_models, fixture_fields
from departments.models import Department, Hospital, Source

HOSPITAL_FILE = "00-hospital.json"
# What export_files writes (and so may remove when a department is gone): "00-hospital.json",
# "10-spine-surgery.json", ...
EXPORTED_FILE = re.compile(r"\d+-[-\w]+\.json")


def export_record(obj):
    """One row as a fixture record: natural keys, no primary key, every fixture field."""
    fields = {}
    for model_field in fixture_fields(type(obj)):
        if model_field.is_relation:
            if model_field.target_field.name == REFERRED[model_field.related_model]:
                key = model_field.value_from_object(obj)  # the column holds the natural key
                value = [key] if key is not None else None
            else:
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
    """The content as fixture files, {file name: text}, in a stable order."""
    facts = {}
    for model in fact_models():
        queryset = model._base_manager.using(using).select_related("hospital", "department")
        for fact in queryset.order_by("position", "slug"):
            owner = (Department, fact.department_id) if fact.department_id else (Hospital, fact.hospital_id)
            facts.setdefault(owner, []).append(fact)

    groups = []  # (file name, the file's records)
    hospitals = list(Hospital._base_manager.using(using).order_by("slug"))
    if hospitals:
        groups.append(
            (HOSPITAL_FILE, [obj for h in hospitals for obj in [h, *facts.get((Hospital, h.pk), [])]])
        )
    departments = list(
        Department._base_manager.using(using).select_related("hospital").order_by("position", "slug")
    )
    names = department_file_names([department.slug for department in departments])
    for name, department in zip(names, departments, strict=True):
        groups.append((name, [department, *facts.get((Department, department.pk), [])]))

    sources = {source.name: source for source in Source._base_manager.using(using).order_by("name")}
    placed = set()
    files = {}
    for index, (name, objects) in enumerate(groups):
        cited = sorted({obj.source_id for obj in objects if obj.source_id} - placed)
        placed.update(cited)
        if index == 0 and name == HOSPITAL_FILE:
            cited += sorted(set(sources) - placed - cited_anywhere(groups))
            placed.update(cited)
        files[name] = fixture_text([*objects, *(sources[key] for key in cited if key in sources)])
    if not groups and sources:
        files[HOSPITAL_FILE] = fixture_text(sources.values())
    return files


def cited_anywhere(groups):
    return {obj.source_id for _name, objects in groups for obj in objects if obj.source_id}
