"""The facts about the hospital and its departments: figures, research, recognitions, people,
treatments, partners, milestones, facilities and teaching.

Each fact belongs to exactly one owner, names its source and quotes the phrase it rests on.
"""

import datetime

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from departments.models.choices import (
    COMPARED_METRICS,
    AccreditationKind,
    LeaderRole,
    PartnerKind,
    Qualifier,
    ResearchMetric,
    StaffMetric,
    Unit,
    choice_label,
)
from departments.models.owners import Department, Hospital
from departments.models.rules import (
    CHOICE,
    MONTH,
    NOT_NEGATIVE,
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

SLUG_TAKEN = _("Another entry of the same owner already has this slug; choose another.")
ONE_OWNER = _("Choose the hospital or one department this belongs to, not both.")
AT_LEAST_ONE = _("Enter 1 or more, or leave it empty.")


def one_of(field, choices, name):
    """The database's copy of a choice list (a fixture or a script could store anything)."""
    return FieldRule(condition=Q(**{f"{field}__in": choices.values}), name=name, message=CHOICE, field=field)


class FactManager(models.Manager):
    def get_by_natural_key(self, hospital_slug, department_slug, slug):
        # Exactly one of the owners is given; None on the other side matches IS NULL.
        return self.get(hospital__slug=hospital_slug, department__slug=department_slug, slug=slug)


class Fact(ContentRules):
    """A fact about either the hospital or one department, with its provenance."""

    hospital = models.ForeignKey(
        Hospital, verbose_name=_("hospital"), on_delete=models.CASCADE, null=True, blank=True
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, null=True, blank=True
    )
    slug = models.SlugField(_("slug"), help_text=_("Identifies this entry among its owner's, in fixtures."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = source_field()
    source_phrase = models.TextField(
        _("source phrase"), blank=True, help_text=_("The exact words of the source text this entry rests on.")
    )

    objects = FactManager()

    class Meta:
        abstract = True
        ordering = ["position", "slug"]
        constraints = [
            Rule(
                condition=Q(hospital__isnull=True, department__isnull=False)
                | Q(hospital__isnull=False, department__isnull=True),
                name="%(class)s_has_one_owner",
                message=ONE_OWNER,
            ),
            models.UniqueConstraint(
                fields=["hospital", "slug"],
                condition=Q(hospital__isnull=False),
                name="%(class)s_unique_slug_per_hospital",
                violation_error_message=SLUG_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["department", "slug"],
                condition=Q(department__isnull=False),
                name="%(class)s_unique_slug_per_department",
                violation_error_message=SLUG_TAKEN,
            ),
            FieldRule(condition=~Q(slug=""), name="%(class)s_slug_not_empty", message=REQUIRED, field="slug"),
            Rule(
                condition=Q(source__isnull=True) | ~Q(source_phrase=""),
                name="%(class)s_source_has_phrase",
                message=_("Quote the words of the source text this rests on, or set the source to empty."),
                field="source_phrase",
            ),
        ]

    def get_absolute_url(self):
        return self.owner.get_absolute_url()

    @property
    def owner(self):
        return self.department or self.hospital

    def natural_key(self):
        return (
            self.hospital.slug if self.hospital_id else None,
            self.department.slug if self.department_id else None,
            self.slug,
        )

    natural_key.dependencies = ["departments.hospital", "departments.department"]


class QualifiedFigure(Fact):
    """A number as the source states it: a value, a unit, and how exact it is."""

    value = models.PositiveBigIntegerField(_("value"), validators=[MinValueValidator(0, NOT_NEGATIVE)])
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    qualifier = models.CharField(
        _("qualifier"),
        max_length=10,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        help_text=_("How exact the figure is, as the source states it."),
    )

    class Meta(Fact.Meta):
        abstract = True
        constraints = [
            *Fact.Meta.constraints,
            FieldRule(
                condition=Q(value__gte=0),
                name="%(class)s_value_not_negative",
                message=NOT_NEGATIVE,
                field="value",
            ),
            Rule(
                condition=~Q(unit=Unit.PERCENT) | Q(value__lte=100),
                name="%(class)s_percent_at_most_100",
                message=_("A percentage cannot be more than 100."),
                field="value",
            ),
            one_of("unit", Unit, "%(class)s_unit_valid"),
            one_of("qualifier", Qualifier, "%(class)s_qualifier_valid"),
        ]


class StaffStats(QualifiedFigure):
    """One figure of staff composition, capacity or clinical activity."""

    Metric = StaffMetric

    STAFF_METRICS = {
        Metric.EMPLOYEES,
        Metric.CLINICAL_STAFF,
        Metric.DOCTORS,
        Metric.NURSES,
        Metric.PROFESSORS,
        Metric.ASSOCIATE_PROFESSORS,
        Metric.CHIEF_PHYSICIANS,
        Metric.DEPUTY_CHIEF_PHYSICIANS,
        Metric.ATTENDING_PHYSICIANS,
        Metric.RESIDENT_PHYSICIANS,
        Metric.DOCTORAL_SUPERVISORS,
        Metric.MASTERS_SUPERVISORS,
        Metric.POSTGRADUATE_SUPERVISORS,
        Metric.DOCTORS_WITH_DOCTORATE,
        Metric.STAFF_TRAINED_ABROAD,
    }

    COMPARED_METRICS = COMPARED_METRICS

    metric = models.CharField(_("metric"), max_length=40, choices=Metric.choices)
    headline = models.BooleanField(
        _("headline"),
        default=False,
        help_text=_("Shown with the department in the directory and on the overview."),
    )

    class Meta(QualifiedFigure.Meta):
        verbose_name = _("staff or activity figure")
        verbose_name_plural = _("staff and activity figures")
        constraints = [
            *QualifiedFigure.Meta.constraints,
            one_of("metric", StaffMetric, "staffstats_metric_valid"),
        ]

    def __str__(self):
        return f"{self.owner}: {self.get_metric_display()} {self.value}"

    def get_metric_display(self):
        return choice_label(self.Metric, self.metric)

    @property
    def is_staff(self):
        return self.metric in self.STAFF_METRICS


class ResearchFigure(QualifiedFigure):
    """Research output: projects, funding, papers, rankings."""

    Metric = ResearchMetric

    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    description = models.CharField(_("description"), max_length=400, blank=True)

    class Meta(QualifiedFigure.Meta):
        verbose_name = _("research figure")
        verbose_name_plural = _("research figures")
        constraints = [
            *QualifiedFigure.Meta.constraints,
            one_of("metric", ResearchMetric, "researchfigure_metric_valid"),
        ]

    def __str__(self):
        return f"{self.owner}: {self.get_metric_display()} {self.value}"

    def get_metric_display(self):
        return choice_label(self.Metric, self.metric)


class Accreditation(Fact):
    """A designation, base, award, membership or ranking granted by a body."""

    Kind = AccreditationKind

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    granting_body = models.CharField(_("granting body"), max_length=300, blank=True)
    year = year_field(verbose_name=_("year"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(
        _("count"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, AT_LEAST_ONE)],
        help_text=_("How many, where the source counts them (e.g. 14 key laboratories)."),
    )

    class Meta(Fact.Meta):
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        constraints = [
            *Fact.Meta.constraints,
            FieldRule(
                condition=year_in_range("year"),
                name="accreditation_year_in_range",
                message=YEAR_MESSAGE,
                field="year",
            ),
            one_of("kind", AccreditationKind, "accreditation_kind_valid"),
            FieldRule(
                condition=Q(count__isnull=True) | Q(count__gte=1),
                name="accreditation_count_positive",
                message=AT_LEAST_ONE,
                field="count",
            ),
        ]

    def __str__(self):
        return self.name

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)


class Leader(Fact):
    Role = LeaderRole

    # People's names keep the source's romanization in every language.
    name = models.CharField(pgettext_lazy("a person's", "name"), max_length=200)
    title = models.CharField(
        pgettext_lazy("a person's", "title"),
        max_length=100,
        blank=True,
        help_text=_("For example: Professor."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    description = models.CharField(_("description"), max_length=400, blank=True)

    class Meta(Fact.Meta):
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")
        constraints = [
            *Fact.Meta.constraints,
            one_of("role", LeaderRole, "leader_role_valid"),
            FieldRule(condition=~Q(name=""), name="leader_name_not_empty", message=REQUIRED, field="name"),
        ]

    def __str__(self):
        return self.name

    def get_role_display(self):
        return choice_label(self.Role, self.role)


class Procedure(Fact):
    """A treatment or technique the department offers; some were firsts in the province."""

    name = models.CharField(_("name"), max_length=300)
    abbreviations = models.CharField(
        _("abbreviations"), max_length=100, blank=True, help_text=_("For example: PPH, TST, RPH.")
    )
    description = models.CharField(_("description"), max_length=400, blank=True)
    first_in_province = models.BooleanField(
        _("first in province"), default=False, help_text=_("The first in Jilin Province, as the source says.")
    )

    class Meta(Fact.Meta):
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self):
        return self.name

    @property
    def abbreviations_after_name(self):
        """The abbreviations to show in brackets after the name: none where the name already
        spells them ("Stapled transanal rectal resection (STARR) for …")."""
        return "" if self.abbreviations in self.name else self.abbreviations


class Condition(Fact):
    name = models.CharField(_("name"), max_length=300)
    examples = models.CharField(_("examples"), max_length=300, blank=True)

    class Meta(Fact.Meta):
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self):
        return self.name


class Partner(Fact):
    Kind = PartnerKind

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)

    class Meta(Fact.Meta):
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            *Fact.Meta.constraints,
            one_of("kind", PartnerKind, "partner_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)


class Milestone(Fact):
    year = year_field(verbose_name=_("year"))
    month = month_field(verbose_name=_("month"))
    text = models.CharField(_("text"), max_length=400)

    class Meta(Fact.Meta):
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["year", "month", "position"]
        constraints = [
            *Fact.Meta.constraints,
            FieldRule(
                condition=year_in_range("year"),
                name="milestone_year_in_range",
                message=YEAR_MESSAGE,
                field="year",
            ),
            FieldRule(
                condition=month_in_range("month"), name="milestone_month_valid", message=MONTH, field="month"
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.text}"

    @property
    def month_date(self):
        """The month as a date, where the source gives the month."""
        return datetime.date(self.year, self.month, 1) if self.month else None


class Facility(Fact):
    """A centre, ward or service the hospital runs."""

    name = models.CharField(_("name"), max_length=300)

    class Meta(Fact.Meta):
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self):
        return self.name


class TeachingProgramme(Fact):
    """A group of students or trainees the department teaches."""

    name = models.CharField(_("name"), max_length=300)

    class Meta(Fact.Meta):
        verbose_name = _("teaching programme")
        verbose_name_plural = _("teaching programmes")

    def __str__(self):
        return self.name


# Every kind of fact, by the name pages use for it.
FACT_KINDS = {
    "figures": StaffStats,
    "research": ResearchFigure,
    "accreditations": Accreditation,
    "leaders": Leader,
    "procedures": Procedure,
    "conditions": Condition,
    "partners": Partner,
    "milestones": Milestone,
    "facilities": Facility,
    "teaching": TeachingProgramme,
}
