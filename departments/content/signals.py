"""What every write of content goes through, whoever writes it (the admin, loaddata, a script):

- its text is stored with line feeds alone;
- it is judged by the rulebook (departments/models/rules.py) and refused with the rule's message;
- the content version, which cached pages are keyed on, is bumped (once per load, not per row,
  inside `one_version_bump()`).
"""

import contextlib
import contextvars
import functools

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.text import normalize_newlines

from departments.content.fixtures import ContentError, content_models, error_messages, key_label
from departments.models import ContentVersion


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


def apply_the_rules(sender, instance, raw, **kwargs):
    """Refuse a row that breaks a rule, with the rule's message.

    A raw save (loaddata, a deserializer) is checked field by field, by clean() and, unless our
    loader checked the whole load first (`checked_load()`), by the constraints on its own values:
    so Django's own loaddata, should it ever run instead of ours, refuses a row with the rule's
    words too. Any other save (a script, the shell; the admin's forms have run the same checks
    already) runs Django's whole validation, so it is refused with the words an editor reads.
    """
    relations = [f.name for f in sender._meta.concrete_fields if f.is_relation]
    try:
        if raw:
            instance.clean_fields(exclude=relations)
            instance.clean()
            if not load_checked.get():
                instance.validate_constraints(exclude=relations)
        else:
            instance.full_clean(validate_unique=False)
    except ValidationError as error:
        if not raw:
            raise
        label = f"{sender._meta.label_lower} {key_label(instance.natural_key())!r}"
        raise ContentError(label, error_messages(error)) from None


# Inside checked_load(): every record was checked against the rulebook, constraints included,
# before the first was saved (content/fixtures.py), so the raw saves need not ask again.
load_checked = contextvars.ContextVar("load_checked", default=False)


@contextlib.contextmanager
def checked_load():
    token = load_checked.set(True)
    try:
        yield
    finally:
        load_checked.reset(token)


# Inside one_version_bump(): the databases written to, whose version is bumped once at the end.
deferred_bumps = contextvars.ContextVar("deferred_bumps", default=None)


def content_changed(sender, using=None, **kwargs):
    written = deferred_bumps.get()
    if written is None:
        ContentVersion.bump(using=using)
    else:
        written.add(using)


@contextlib.contextmanager
def one_version_bump():
    """Bump the content version once for all the writes inside, after them, rather than per row.

    For loads and prunes of thousands of rows, which run in one transaction: readers see the new
    version when the new content commits, either way. Nothing is bumped if the block fails.
    """
    if deferred_bumps.get() is not None:
        yield  # inside another: that one bumps
        return
    token = deferred_bumps.set(set())
    try:
        yield
        written = deferred_bumps.get()
    finally:
        deferred_bumps.reset(token)
    for using in written:
        rolled_back = transaction.get_connection(using).in_atomic_block and transaction.get_rollback(using)
        if not rolled_back:  # a preview, rolled back: nothing changed
            ContentVersion.bump(using=using)


def connect_signals():
    for model in content_models():
        label = model._meta.label_lower
        pre_save.connect(store_line_feeds, sender=model, dispatch_uid=f"line-feeds-{label}")
        pre_save.connect(apply_the_rules, sender=model, dispatch_uid=f"rules-{label}")
        post_save.connect(content_changed, sender=model, dispatch_uid=f"content-version-{label}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-version-{label}-delete")
