"""Admin forms: the models' rulebook (departments/models/rules.py) speaks through them.

A ModelForm already runs the model's validation (each field's rules, clean(), the constraints);
these forms only make sure it is the rulebook's message an editor reads, beside the field to fix,
rather than a form field's own copy of a rule.
"""

from dataclasses import dataclass

from django import forms
from django.contrib.admin.widgets import AdminFileWidget, AdminTextareaWidget
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models.fields.files import FieldFile
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _

from departments.content import photos
from departments.models.facts import SLUG_TAKEN


@dataclass(frozen=True)
class StoredPhoto:
    """A stored photo as the admin's "Currently:" link shows it: its name, opening `url`."""

    name: str
    url: str

    def __str__(self):
        return self.name


class PhotoInput(AdminFileWidget):
    """The upload, with the stored photo shown small above it (its smallest rendition), so that an
    editor sees which photo the page has before replacing it; its name opens the largest."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        renditions = photos.renditions_for(value) if context["widget"]["is_initial"] else None
        if renditions:
            # The site never serves the uploaded file (hospital_site/media.py, nginx): Django's link
            # to it would be a 404.
            context["widget"]["value"] = StoredPhoto(value.name, renditions.src)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not (isinstance(value, FieldFile) and value):  # nothing stored yet (or an upload being refused)
            return html
        renditions = photos.renditions_for(value)
        source = renditions.srcset.split(" ", 1)[0] if renditions else value.url
        # Empty alt: the photo's description is the form's own field, right beside it.
        return format_html('<img class="photo-thumbnail" src="{}" alt="" width="160">', source) + html


class PhotoField(forms.FileField):
    """An upload that is kept only as a clean re-encoded JPEG, PNG or WebP (see content/photos.py).
    The admin shows it with PhotoInput (admin.py)."""

    def __init__(self, *args, **kwargs):
        kwargs["help_text"] = _(
            "A JPEG, PNG or WebP photo of at most %(size)s MB and %(pixels)s megapixels. "
            "It is re-encoded without its metadata (such as where it was taken), "
            "and resized copies are made for phones and large screens."
        ) % {"size": photos.MAX_UPLOAD_BYTES // (1024 * 1024), "pixels": photos.MAX_PIXELS // 1_000_000}
        kwargs.pop("max_length", None)  # the stored name is ours, always short
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": "image/jpeg,image/png,image/webp"}

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return photos.clean_upload(upload)


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
            # A number field's form copy of the model's limits (min_value 0 for a count) would
            # refuse first with Django's generic words; the model's validators say it for the rule.
            if isinstance(field, forms.IntegerField):
                field.validators = [
                    v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
                ]


class FactInlineFormSet(forms.BaseInlineFormSet):
    """Inline rows of one owner: their slugs must differ (a database constraint)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Each row's label ("Spine Surgery: Beds 51") names its owner, this formset's: no query
        # per row for it.
        if form.instance.pk is not None:
            self.fk.set_cached_value(form.instance, self.instance)
        # The sources are read once for the formset, not once for each row's list of them.
        if "source" in form.fields:
            form.fields["source"].choices = self.source_choices

    @cached_property
    def source_choices(self):
        # Through iter(): list() of a model choice iterator first asks its length, a query of its own.
        return list(iter(self.form.base_fields["source"].choices))

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            slug = form.cleaned_data.get("slug")
            if not slug:
                continue
            if slug in seen:
                form.add_error("slug", SLUG_TAKEN)
            seen.add(slug)
