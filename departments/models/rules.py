"""The content's rules, each stated once, with the message an editor or staff member reads.

- A rule about one value is its field's: max_length, choices, blank, or a validator below (a year
  from EARLIEST_YEAR to this year, a month, a count).
- A rule across values is a `Rule`: a CHECK constraint the database holds whoever writes, with
  its message and the field to correct. The database also holds a copy of each field's own rule
  (a `FieldRule`), for writers that skip Python.
- What neither can say is `ContentRules.clean_fields()`: no NUL character in text, and the
  English text wherever the field is required (the other language falls back to it).

Every path that writes content runs them through Django's own validation (`full_clean()`): the
admin's forms, every save (content/signals.py), and loaddata's check of each fixture record
before anything is written (content/fixtures.py). So a bad value is refused with the same
message whichever way it comes.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, ProhibitNullCharactersValidator
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 1800
# The database cannot compare with "this year" (SQLite forbids the current date in a CHECK), so
# it holds this fixed ceiling and YearValidator the exact one.
LATEST_YEAR_IN_DATABASE = 2100

# The message of the database's fixed ceiling; the exact rule (not after this year) is YearValidator.
YEAR_MESSAGE = format_lazy(_("Enter a year from {earliest} to this year."), earliest=EARLIEST_YEAR)
NOT_NEGATIVE = _("Enter zero or a positive number.")
MONTH = _("Enter a month from 1 to 12, or leave it empty.")
REQUIRED = _("This field is required.")
CHOICE = _("Select a valid choice.")


@deconstructible
class YearValidator:
    """A year from EARLIEST_YEAR to this year: the content records what has happened."""

    message = _("Enter a year from %(earliest)s to %(latest)s.")
    code = "year"

    def __call__(self, value):
        latest = timezone.localdate().year
        if value is not None and not EARLIEST_YEAR <= value <= latest:
            raise ValidationError(
                self.message, code=self.code, params={"earliest": EARLIEST_YEAR, "latest": latest}
            )

    def __eq__(self, other):
        return isinstance(other, YearValidator)


def year_field(**options):
    return models.PositiveSmallIntegerField(validators=[YearValidator()], **options)


def month_field(**options):
    return models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1, MONTH), MaxValueValidator(12, MONTH)],
        **options,
    )


def year_in_range(field):
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": EARLIEST_YEAR, f"{field}__lte": LATEST_YEAR_IN_DATABASE}
    )


def month_in_range(field):
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 1, f"{field}__lte": 12})


class Rule(models.CheckConstraint):
    """A CHECK constraint with the message an editor reads, shown on the field to correct.

    Django shows a failed constraint at the top of a form ("Constraint … is violated" unless told
    otherwise); a Rule names its message and the field it is about, so the admin shows the message
    beside that field and loaddata names it as `field: message`.
    """

    def __init__(self, *, condition, name, message, field=None, **options):
        options.pop("violation_error_message", None)  # a clone passes both
        super().__init__(condition=condition, name=name, violation_error_message=message, **options)
        self.field = field

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            if self.field is None:
                raise
            raise ValidationError({self.field: error.error_list}) from None

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["message"] = kwargs.pop("violation_error_message", self.violation_error_message)
        if self.field:
            kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other):
        if isinstance(other, Rule):
            return super().__eq__(other) and self.field == other.field
        return super().__eq__(other)

    __hash__ = models.CheckConstraint.__hash__


class FieldRule(Rule):
    """The database's copy of a rule that one field states already (its choices, its validator),
    for writers that skip Python. Python checks it with the field, in the same words, so it is not
    checked a second time here (checking a constraint in Python costs a query)."""

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        return


def translated_originals(model):
    """The untranslated fields behind modeltranslation's `<field>_en` / `<field>_zh_hans`."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def english_name(field_name):
    from modeltranslation.settings import DEFAULT_LANGUAGE
    from modeltranslation.utils import build_localized_fieldname

    return build_localized_fieldname(field_name, DEFAULT_LANGUAGE)


prohibit_nul = ProhibitNullCharactersValidator()


class ContentRules(models.Model):
    """What no field and no constraint can say, checked with each field's own rules."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # The untranslated column behind a translated field only mirrors one language (which
        # depends on the request); its rules are checked on the English column.
        originals = translated_originals(type(self))
        exclude = {*(exclude or ()), *originals}
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            # Django's model says "cannot be blank" (or null) where its forms say "is required":
            # one message for one rule, on every path.
            for name, field_errors in error.error_dict.items():
                errors[name] = [
                    ValidationError(REQUIRED, code="required") if e.code in ("blank", "null") else e
                    for e in field_errors
                ]
        for name in originals:
            english = english_name(name)
            required = not self._meta.get_field(name).blank and english not in exclude
            if required and getattr(self, english) in (None, ""):
                # Pages in the other language fall back to the English text.
                errors.setdefault(english, []).append(ValidationError(REQUIRED, code="required"))
        for model_field in self._meta.concrete_fields:
            value = getattr(self, model_field.attname)
            if model_field.name in exclude or model_field.name in errors or not isinstance(value, str):
                continue
            try:
                prohibit_nul(value)  # PostgreSQL refuses it in text; SQLite would store it, unseen
            except ValidationError as error:
                errors.setdefault(model_field.name, []).append(error)
        if errors:
            raise ValidationError(errors)
