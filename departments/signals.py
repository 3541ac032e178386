"""Content rows as they are stored: line feeds alone, and a last check on rows saved raw (as
loaddata saves them: without any validation).

This project's loaddata and refresh_content check every fixture before loading anything
(departments.loading). This catches any other raw save (modeltranslation's or Django's own
loaddata, a deserializer in a script) of a row that breaks a rule the database cannot hold: a
year in the future, text longer than max_length (SQLite stores it), a value outside its
choices, an empty English name. The row is refused, named by its natural key, and the load's
transaction rolls back.
"""

import functools

from django.db import models
from django.db.models.signals import pre_save
from django.utils.text import normalize_newlines

from departments import loading


@functools.cache
def text_fields(model):
    return [
        f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
    ]


def store_line_feeds(sender, instance, **kwargs):
    """Stored text breaks its lines with LF alone, whoever wrote it: a browser sends CRLF (the
    admin's text areas turn it into LF already), a fixture edited on Windows or a script may too.
    Paragraphs are split at blank lines, and exports and previews compare text by its bytes."""
    for name in text_fields(sender):
        value = getattr(instance, name)
        if isinstance(value, str) and "\r" in value:
            setattr(instance, name, normalize_newlines(value))


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
        pre_save.connect(store_line_feeds, sender=model, dispatch_uid=f"line-feeds-{model._meta.label_lower}")
        pre_save.connect(
            refuse_invalid_raw_row, sender=model, dispatch_uid=f"raw-check-{model._meta.label_lower}"
        )
