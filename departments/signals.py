"""A last check on content rows saved raw, as loaddata saves them: without any validation.

This project's loaddata and refresh_content check every fixture before loading anything
(departments.loading). This catches any other raw save (modeltranslation's or Django's own
loaddata, a deserializer in a script) of a row that breaks a rule the database cannot hold: a
year in the future, text longer than max_length (SQLite stores it), a value outside its
choices, an empty English name. The row is refused, named by its natural key, and the load's
transaction rolls back.
"""

from django.db.models.signals import pre_save

from departments import loading


def refuse_invalid_raw_row(sender, instance, raw, **kwargs):
    if not raw:
        return  # The admin's forms validate before they save.
    if getattr(instance, loading.CHECKED, False):
        return  # Read from a fixture that departments.loading has checked whole.
    problems = loading.instance_problems(instance)
    if problems:
        label = f"{instance._meta.label_lower} {loading.key_label(instance.natural_key())!r}"
        raise loading.ContentError(label, problems)


def connect_signals():
    for model in loading.content_models():
        pre_save.connect(
            refuse_invalid_raw_row, sender=model, dispatch_uid=f"raw-check-{model._meta.label_lower}"
        )
