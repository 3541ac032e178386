"""The owners of the content: the hospital and its departments.

Both have a natural key (their slug), so fixtures carry no primary keys, and both name the
source text they rest on (sources.py).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from departments.models.choices import COMPARED_METRICS
from departments.models.rules import (
    MONTH,
    REQUIRED,
    YEAR_MESSAGE,
    ContentRules,
    FieldRule,
    Rule,
    month_field,
    month_in_range,
    year_field,
    year_in_range,
)
from departments.models.sources import source_field

ONE_HOSPITAL = _(
    "The site describes one hospital, and this would be another: change the existing one instead."
)


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def photo_has_alt_text(prefix):
    return Rule(
        condition=Q(photo="") | (Q(photo_alt_en__isnull=False) & ~Q(photo_alt_en="")),
        name=f"{prefix}_photo_has_alt_text",
        message=_("Describe the photo in English for people who cannot see it: a photo needs this text."),
        field="photo_alt_en",
    )


def slug_not_empty(prefix):
    return FieldRule(condition=~Q(slug=""), name=f"{prefix}_slug_not_empty", message=REQUIRED, field="slug")


def visiting_details(owner):
    """The visiting and contact details an owner has filled in, in the order a patient reads them:
    (kind, field name, value), kind being one of location, opening_hours, phone, website, booking.

    The hospital and its departments name these fields differently (an address and visiting
    information; a location and booking information); pages read them here alike.
    """
    details = []
    for kind, name in owner.VISITING_FIELDS:
        value = getattr(owner, name)
        if value:
            details.append({"kind": kind, "field": name, "value": value})
    return details


class Hospital(ContentRules):
    slug = models.SlugField(_("slug"), unique=True, help_text=_("The hospital's name in its web address."))
    name = models.CharField(_("name"), max_length=200)
    other_name = models.CharField(_("other name"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=100)
    founded_year = year_field(verbose_name=pgettext_lazy("hospital", "founded year"))
    grade = models.CharField(_("grade"), max_length=100, blank=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One sentence for listings and search engines.")
    )
    description = models.TextField(_("description"), help_text=_("Paragraphs separated by a blank line."))
    motto = models.CharField(pgettext_lazy("hospital", "motto"), max_length=200, blank=True)
    # The source texts give no contact details; these stay empty until the hospital supplies them.
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    visiting_information = models.TextField(_("visiting information"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="photos/hospital/", blank=True)
    photo_alt = models.CharField(
        _("photo alt"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    reviewed_on = models.DateField(_("reviewed on"), help_text=_("When this content was last reviewed."))
    source = source_field()

    objects = SlugManager()

    VISITING_FIELDS = (
        ("location", "address"),
        ("phone", "phone"),
        ("website", "website"),
        ("booking", "visiting_information"),
    )
    visiting_details = property(visiting_details)

    class Meta:
        verbose_name = _("hospital")
        verbose_name_plural = _("hospitals")
        ordering = ["slug"]
        constraints = [
            FieldRule(
                condition=year_in_range("founded_year"),
                name="hospital_founded_year_in_range",
                message=YEAR_MESSAGE,
                field="founded_year",
            ),
            slug_not_empty("hospital"),
            photo_has_alt_text("hospital"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """One hospital: editors and fixtures change it; nobody adds a second."""
        super().clean()
        hospitals = Hospital.objects.using(self._state.db)
        # A row not saved yet (a fixture record being checked) is the existing one by its slug.
        others = hospitals.exclude(pk=self.pk) if self.pk else hospitals.exclude(slug=self.slug)
        if others.exists():
            raise ValidationError(ONE_HOSPITAL, code="one_hospital")

    def get_absolute_url(self):
        return reverse("departments:overview")

    def natural_key(self):
        return (self.slug,)


class Department(ContentRules):
    hospital = models.ForeignKey(
        Hospital, verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="departments"
    )
    slug = models.SlugField(_("slug"), unique=True, help_text=_("The department's name in its web address."))
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the directory.")
    )
    name = models.CharField(_("name"), max_length=200)
    other_name = models.CharField(_("other name"), max_length=200, blank=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One sentence for listings and search engines.")
    )
    description = models.TextField(_("description"), help_text=_("Paragraphs separated by a blank line."))
    founded_year = year_field(verbose_name=pgettext_lazy("department", "founded year"), null=True, blank=True)
    founded_month = month_field(verbose_name=pgettext_lazy("department", "founded month"))
    motto = models.CharField(pgettext_lazy("department", "motto"), max_length=300, blank=True)
    # Not in the source texts; designed places that stay empty until supplied.
    location = models.CharField(_("location"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    booking_information = models.TextField(_("booking information"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="photos/departments/", blank=True)
    photo_alt = models.CharField(
        _("photo alt"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    reviewed_on = models.DateField(_("reviewed on"), help_text=_("When this content was last reviewed."))
    source = source_field()

    objects = SlugManager()

    VISITING_FIELDS = (
        ("location", "location"),
        ("opening_hours", "opening_hours"),
        ("phone", "phone"),
        ("booking", "booking_information"),
    )
    visiting_details = property(visiting_details)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["position", "name"]
        constraints = [
            FieldRule(
                condition=year_in_range("founded_year"),
                name="department_founded_year_in_range",
                message=YEAR_MESSAGE,
                field="founded_year",
            ),
            FieldRule(
                condition=month_in_range("founded_month"),
                name="department_founded_month_in_range",
                message=MONTH,
                field="founded_month",
            ),
            Rule(
                condition=Q(founded_month__isnull=True) | Q(founded_year__isnull=False),
                name="department_founded_month_needs_year",
                message=_("A month needs a year: enter the year as well."),
                field="founded_month",
            ),
            slug_not_empty("department"),
            photo_has_alt_text("department"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("departments:detail", kwargs={"slug": self.slug})

    @property
    def headline_figures(self):
        """The figures a department's card shows (from for_directory() or for_overview())."""
        return [item for item in self.summary_figures if item.headline]

    @property
    def compared_figures(self):
        """The figures the overview compares across departments (from for_overview())."""
        return [item for item in self.summary_figures if item.metric in COMPARED_METRICS]

    @property
    def founded_on(self):
        """The founding month as a date, where the source gives the month."""
        if self.founded_year and self.founded_month:
            return datetime.date(self.founded_year, self.founded_month, 1)
        return None

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["departments.hospital"]
