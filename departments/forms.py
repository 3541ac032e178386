"""Admin forms: the database's rules, checked first with messages an editor understands.

The constraints in models.py would refuse bad data anyway, but an IntegrityError is a
500 and Django's generic "Constraint … is violated" means nothing to an editor. Each
rule below mirrors one constraint (or a stricter editorial rule, such as "not in the
future") and attaches its message to the field to fix. An error on a field also
keeps Django from repeating the generic constraint message for it.
"""

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _

from departments import images
from departments.models import EARLIEST_YEAR, Unit

YEAR_FIELDS = ("founded_year", "year")
MONTH_FIELDS = ("founded_month", "month")


class PhotoField(forms.FileField):
    """An upload that is kept only as a clean re-encoded JPEG, PNG or WebP (see images.py)."""

    def __init__(self, *args, **kwargs):
        kwargs["help_text"] = _(
            "A JPEG, PNG or WebP photo of at most %(size)s MB and %(pixels)s megapixels. "
            "It is re-encoded without its metadata (such as where it was taken), "
            "and resized copies are made for phones and large screens."
        ) % {"size": images.MAX_UPLOAD_BYTES // (1024 * 1024), "pixels": images.MAX_PIXELS // 1_000_000}
        kwargs.pop("max_length", None)  # the stored name is ours, always short
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": "image/jpeg,image/png,image/webp"}

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return images.clean_upload(upload)


class TextareaWidget(AdminTextareaWidget):
    """A text area whose line breaks arrive as they are stored: LF.

    Browsers send a text area's line breaks as CRLF (the HTML standard's form encoding). Read
    here, the value is normalised before the field sees it, so an unchanged text is unchanged
    (no phantom "changed" in the history) and paragraphs stay apart.
    """

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return normalize_newlines(value) if isinstance(value, str) else value


class ContentForm(forms.ModelForm):
    """The form of every content model and inline in the admin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # modeltranslation makes every translation column nullable, and Django's form field
            # for a nullable CharField then saves an empty input as NULL. The content stores
            # empty text as "" (as fixtures and export_content do), so a save changes nothing
            # an editor did not change.
            if isinstance(field, forms.CharField) and field.empty_value is None:
                field.empty_value = ""
            # Replace Django's "Ensure this value is greater than or equal to 0." for counts.
            if isinstance(field, forms.IntegerField) and field.min_value == 0:
                field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)]
                field.validators.append(MinValueValidator(0, _("Enter zero or a positive number.")))

    def clean(self):
        cleaned_data = super().clean()
        self._check_years()
        self._check_months()
        self._check_percentage()
        self._check_count()
        self._check_source()
        self._check_owner()
        self._check_photo_alt()
        return cleaned_data

    def _value(self, name):
        """The cleaned value of a field this form has and that passed its own checks."""
        if name in self.fields and name in self.cleaned_data:
            return self.cleaned_data[name]
        return None

    def _check_years(self):
        this_year = timezone.localdate().year
        for name in YEAR_FIELDS:
            year = self._value(name)
            if year is not None and not EARLIEST_YEAR <= year <= this_year:
                self.add_error(
                    name,
                    _("Enter a year from %(earliest)s to %(latest)s.")
                    % {"earliest": EARLIEST_YEAR, "latest": this_year},
                )

    def _check_months(self):
        for name in MONTH_FIELDS:
            month = self._value(name)
            if month is not None and not 1 <= month <= 12:
                self.add_error(name, _("Enter a month from 1 to 12, or leave it empty."))
        if (
            self._value("founded_month") is not None
            and "founded_year" in self.fields
            and self._value("founded_year") is None
            and "founded_year" not in self.errors
        ):
            self.add_error("founded_month", _("A month needs a year: enter the year as well."))

    def _check_percentage(self):
        value = self._value("value")
        if value is not None and self._value("unit") == Unit.PERCENT and value > 100:
            self.add_error("value", _("A percentage cannot be more than 100."))

    def _check_count(self):
        if self._value("count") == 0:
            self.add_error("count", _("Enter 1 or more, or leave it empty."))

    def _check_source(self):
        if self._value("source") and "source_phrase" in self.fields and not self._value("source_phrase"):
            self.add_error(
                "source_phrase",
                _("Quote the words of the source text this rests on, or set the source to empty."),
            )

    def _check_owner(self):
        """Facts edited on their own page belong to the hospital or to one department."""
        if not {"hospital", "department"} <= set(self.fields):
            return  # an inline: its owner is the page's record
        if "hospital" in self.errors or "department" in self.errors:
            return
        hospital, department = self._value("hospital"), self._value("department")
        if bool(hospital) == bool(department):
            message = (
                _("Choose either the hospital or a department, not both.")
                if hospital
                else _("Choose the hospital or the department this belongs to.")
            )
            self.add_error("department", message)
            return
        slug = self._value("slug")
        if slug:
            owner = {"hospital": hospital} if hospital else {"department": department}
            others = self._meta.model.objects.filter(slug=slug, **owner).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "slug",
                    _("%(owner)s already has an entry with this slug; choose another.")
                    % {"owner": hospital or department},
                )

    def _check_photo_alt(self):
        if "photo" not in self.fields or "photo_alt_en" not in self.fields or "photo" in self.errors:
            return
        # The new upload, the stored photo when unchanged, or False when cleared.
        photo = self.cleaned_data.get("photo")
        if photo and not self._value("photo_alt_en") and "photo_alt_en" not in self.errors:
            self.add_error(
                "photo_alt_en",
                _("Describe the photo in English for people who cannot see it: a photo needs this text."),
            )


class FactInlineFormSet(forms.BaseInlineFormSet):
    """Inline rows of one owner: their slugs must differ (a database constraint)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            slug = form.cleaned_data.get("slug")
            if not slug:
                continue
            if slug in seen:
                form.add_error("slug", _("Another row here already uses this slug; choose another."))
            seen.add(slug)
