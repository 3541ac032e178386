"""What a load changes: the content as fixtures would give it (`snapshot`), before and after.

refresh_content previews a load by loading inside a transaction it then rolls back, and
compares the snapshots taken around it.
"""

from dataclasses import dataclass, field

from departments.content.fixtures import REFERRED, content_models, fixture_fields, natural_key


@dataclass
class Row:
    pk: int
    values: dict


def snapshot(using="default"):
    """Every content row as a fixture would give it: {model: {natural key: Row}}."""
    keys = {
        model: dict(model._base_manager.using(using).values_list("pk", name))
        for model, name in REFERRED.items()
    }
    rows = {}
    for model in content_models():
        fields = fixture_fields(model)
        rows[model] = {}
        for pk, *row in model._base_manager.using(using).values_list("pk", *(f.attname for f in fields)):
            values = {}
            for model_field, value in zip(fields, row, strict=True):
                if model_field.is_relation and value is not None:
                    related = model_field.related_model
                    # The source's column holds its name already (the foreign key's to_field).
                    value = [
                        value if model_field.target_field.name == REFERRED[related] else keys[related][value]
                    ]
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
