"""The hospital's content: the hospital, its departments, and the facts about them.

Every fact that comes from a source text carries its provenance (the source file
and the exact phrase it rests on). Content is loaded with `loaddata`, which runs
no `save()` and no validation, so every rule that matters is a database
constraint, and every model has a natural key so fixtures carry no primary keys.
"""

import datetime
import functools

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# The database cannot compare with "this year" (SQLite forbids the current date in a
# CHECK), so it holds a fixed ceiling and validation adds the exact one (see signals.py).
EARLIEST_YEAR = 1800
LATEST_YEAR_IN_DATABASE = 2100

SOURCE_FILES = [
    ("hospital.txt", "hospital.txt"),
    ("gastrointestinal-surgery.txt", "gastrointestinal-surgery.txt"),
    ("colorectal-anal-surgery.txt", "colorectal-anal-surgery.txt"),
    ("spine-surgery.txt", "spine-surgery.txt"),
    ("plastic-cosmetic-surgery.txt", "plastic-cosmetic-surgery.txt"),
]


def source_is_known():
    """A row names one of the five source texts, or none (written by an editor, not from a source)."""
    return Q(source__in=["", *(name for name, _ in SOURCE_FILES)])


def year_validators():
    return [MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR_IN_DATABASE)]


def year_in_range(field):
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": EARLIEST_YEAR, f"{field}__lte": LATEST_YEAR_IN_DATABASE}
    )


class Qualifier(models.TextChoices):
    """How exact a figure is, as its source text says it."""

    EXACT = "exact", _("exactly")
    MORE_THAN = "more_than", _("more than")
    OVER = "over", _("over")
    NEARLY = "nearly", _("nearly")
    ABOUT = "about", _("about")
    HUNDREDS = "hundreds", _("hundreds")
    THOUSANDS = "thousands", _("thousands")


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("percent")
    YUAN = "yuan", _("yuan")
    SQUARE_METRES = "m2", _("square metres")
    RANK = "rank", _("rank")


def choice_label(choices, value):
    """The label of a choice; Django's get_FOO_display() hashes every label on each call, and a
    page shows dozens of them."""
    try:
        return choices(value).label
    except ValueError:
        return value


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ContentVersion(models.Model):
    """One counter, bumped on every write to the content; cached pages and ETags are keyed on it.

    Reading it is the one query a cached page costs, and since it lives in the database every
    worker and every host sees a change on its very next request.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="contentversion_is_single_row")]

    def __str__(self):
        return f"content version {self.version}"

    @classmethod
    def current(cls, using=None):
        """The content's version; 0 before anything was written.

        Plain SQL: this runs on every public request, and the ORM would cost more than the query.
        """
        with connections[using or DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(f"SELECT version FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def state(cls, using=None):
        """The version and when it was reached, (0, None) before anything was written.

        The page cache keys on this rather than on the number alone: the number starts again
        when a database is restored or rebuilt (a test's flush), and pages rendered for an
        earlier content that had the same number must not be served. Plain SQL, as current().
        """
        with connections[using or DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(f"SELECT version, changed_at FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return tuple(row) if row else (0, None)

    @classmethod
    def changed_at_of(cls, version, using=None):
        """When the content reached this version (None if it has moved on since)."""
        return (
            cls.objects.using(using)
            .filter(id=1, version=version)
            .values_list("changed_at", flat=True)
            .first()
        )

    @classmethod
    def bump(cls, using=None):
        now = timezone.now()
        updated = cls.objects.using(using).filter(id=1).update(version=F("version") + 1, changed_at=now)
        if not updated:
            cls.objects.using(using).get_or_create(id=1, defaults={"version": 1, "changed_at": now})


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


class Hospital(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    other_name = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    province = models.CharField(max_length=100)
    founded_year = models.PositiveSmallIntegerField(validators=year_validators())
    grade = models.CharField(max_length=100, blank=True)
    summary = models.CharField(max_length=300, help_text=_("One sentence for listings and search engines."))
    description = models.TextField(help_text=_("Paragraphs separated by a blank line."))
    motto = models.CharField(max_length=200, blank=True)
    # The source texts give no contact details; these stay empty until the hospital supplies them.
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    website = models.URLField(blank=True)
    visiting_information = models.TextField(blank=True)
    photo = models.ImageField(upload_to="photos/hospital/", blank=True)
    photo_alt = models.CharField(max_length=300, blank=True)
    reviewed_on = models.DateField(help_text=_("When this content was last reviewed."))
    source = models.CharField(max_length=100, choices=SOURCE_FILES, blank=True)

    objects = SlugManager()

    VISITING_FIELDS = (
        ("location", "address"),
        ("phone", "phone"),
        ("website", "website"),
        ("booking", "visiting_information"),
    )
    visiting_details = property(visiting_details)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=year_in_range("founded_year"), name="hospital_founded_year_in_range"
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="hospital_slug_not_empty"),
            models.CheckConstraint(condition=source_is_known(), name="hospital_source_valid"),
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""), name="hospital_photo_has_alt_text"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("departments:overview")

    @cached_property
    def facts(self):
        return facts_of(self, "hospital")

    def natural_key(self):
        return (self.slug,)


class DepartmentQuerySet(models.QuerySet):
    def with_summary_figures(self, figures):
        """Departments with the figures their summaries show, in one query for all of them."""
        return self.prefetch_related(
            models.Prefetch("staffstats_set", queryset=figures, to_attr="summary_figures")
        )

    def for_directory(self):
        """Departments with the headline figures their cards show."""
        return self.with_summary_figures(StaffStats.objects.filter(headline=True))

    def for_overview(self):
        """Departments with their headline figures and the figures the overview compares."""
        return self.with_summary_figures(
            StaffStats.objects.filter(Q(headline=True) | Q(metric__in=StaffStats.COMPARED_METRICS))
        )

    def for_page(self):
        """Departments with their hospital (their facts come with `facts`, in one query)."""
        return self.select_related("hospital")


class DepartmentManager(SlugManager.from_queryset(DepartmentQuerySet)):
    pass


class Department(models.Model):
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="departments")
    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order in the directory."))
    name = models.CharField(max_length=200)
    other_name = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300, help_text=_("One sentence for listings and search engines."))
    description = models.TextField(help_text=_("Paragraphs separated by a blank line."))
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True, validators=year_validators())
    founded_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    motto = models.CharField(max_length=300, blank=True)
    # Not in the source texts; designed places that stay empty until supplied.
    location = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    opening_hours = models.CharField(max_length=300, blank=True)
    booking_information = models.TextField(blank=True)
    photo = models.ImageField(upload_to="photos/departments/", blank=True)
    photo_alt = models.CharField(max_length=300, blank=True)
    reviewed_on = models.DateField(help_text=_("When this content was last reviewed."))
    source = models.CharField(max_length=100, choices=SOURCE_FILES, blank=True)

    objects = DepartmentManager()

    VISITING_FIELDS = (
        ("location", "location"),
        ("opening_hours", "opening_hours"),
        ("phone", "phone"),
        ("booking", "booking_information"),
    )
    visiting_details = property(visiting_details)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=year_in_range("founded_year"), name="department_founded_year_in_range"
            ),
            models.CheckConstraint(
                condition=Q(founded_month__isnull=True)
                | Q(founded_month__gte=1, founded_month__lte=12, founded_year__isnull=False),
                name="department_founded_month_valid",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="department_slug_not_empty"),
            models.CheckConstraint(condition=source_is_known(), name="department_source_valid"),
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""), name="department_photo_has_alt_text"
            ),
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
        return [item for item in self.summary_figures if item.metric in StaffStats.COMPARED_METRICS]

    @property
    def founded_on(self):
        """The founding month as a date, where the source gives the month."""
        if self.founded_year and self.founded_month:
            return datetime.date(self.founded_year, self.founded_month, 1)
        return None

    @cached_property
    def facts(self):
        return facts_of(self, "department")

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["departments.hospital"]


class FactManager(models.Manager):
    def get_by_natural_key(self, hospital_slug, department_slug, slug):
        # Exactly one of the owners is given; None on the other side matches IS NULL.
        return self.get(hospital__slug=hospital_slug, department__slug=department_slug, slug=slug)


class Fact(models.Model):
    """A fact about either the hospital or one department, with its provenance."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, null=True, blank=True)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, null=True, blank=True)
    slug = models.SlugField(help_text=_("Identifies this entry among its owner's, in fixtures."))
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=100, choices=SOURCE_FILES, blank=True)
    source_phrase = models.TextField(
        blank=True, help_text=_("The exact words of the source text this entry rests on.")
    )

    objects = FactManager()

    class Meta:
        abstract = True
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hospital__isnull=True, department__isnull=False)
                | Q(hospital__isnull=False, department__isnull=True),
                name="%(class)s_has_one_owner",
            ),
            models.UniqueConstraint(
                fields=["hospital", "slug"],
                condition=Q(hospital__isnull=False),
                name="%(class)s_unique_slug_per_hospital",
            ),
            models.UniqueConstraint(
                fields=["department", "slug"],
                condition=Q(department__isnull=False),
                name="%(class)s_unique_slug_per_department",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="%(class)s_slug_not_empty"),
            models.CheckConstraint(condition=source_is_known(), name="%(class)s_source_valid"),
            models.CheckConstraint(
                condition=Q(source="") | ~Q(source_phrase=""), name="%(class)s_source_has_phrase"
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

    value = models.PositiveBigIntegerField()
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)

    class Meta(Fact.Meta):
        abstract = True
        constraints = [
            *Fact.Meta.constraints,
            models.CheckConstraint(condition=Q(value__gte=0), name="%(class)s_value_not_negative"),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PERCENT) | Q(value__lte=100), name="%(class)s_percent_at_most_100"
            ),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="%(class)s_unit_valid"),
            models.CheckConstraint(
                condition=Q(qualifier__in=Qualifier.values), name="%(class)s_qualifier_valid"
            ),
        ]


class StaffMetric(models.TextChoices):
    EMPLOYEES = "employees", _("Employees")
    CLINICAL_STAFF = "clinical_staff", _("Clinical staff")
    DOCTORS = "doctors", _("Doctors")
    NURSES = "nurses", _("Nurses")
    PROFESSORS = "professors", _("Professors")
    ASSOCIATE_PROFESSORS = "associate_professors", _("Associate professors")
    CHIEF_PHYSICIANS = "chief_physicians", _("Chief physicians and professors")
    DEPUTY_CHIEF_PHYSICIANS = "deputy_chief_physicians", _("Deputy chief physicians and associate professors")
    ATTENDING_PHYSICIANS = "attending_physicians", _("Attending physicians")
    RESIDENT_PHYSICIANS = "resident_physicians", _("Resident physicians")
    DOCTORAL_SUPERVISORS = "doctoral_supervisors", _("Doctoral supervisors")
    MASTERS_SUPERVISORS = "masters_supervisors", _("Master's supervisors")
    POSTGRADUATE_SUPERVISORS = "postgraduate_supervisors", _("Postgraduate supervisors")
    DOCTORS_WITH_DOCTORATE = "doctors_with_doctorate", _("Doctors with a doctoral degree in medicine")
    STAFF_TRAINED_ABROAD = (
        "staff_trained_abroad",
        _("Staff who have studied at leading centres in China and abroad"),
    )
    BEDS = "beds", _("Beds")
    FLOOR_AREA = "floor_area", _("Total construction area")
    CLINICAL_DEPARTMENTS = "clinical_departments", _("Clinical departments")
    OUTPATIENT_DEPARTMENTS = "outpatient_departments", _("Outpatient departments")
    TECHNICAL_DEPARTMENTS = "technical_departments", _("Medical technology and auxiliary departments")
    OPERATING_ROOMS = "operating_rooms", _("Operating rooms")
    CAMPUSES = "campuses", _("Districts")
    ANNUAL_OUTPATIENTS = "annual_outpatients", _("Outpatient visits a year")
    ANNUAL_OUTPATIENT_AND_EMERGENCY = (
        "annual_outpatient_emergency",
        _("Outpatient and emergency visits a year"),
    )
    ANNUAL_INPATIENTS = "annual_inpatients", _("Inpatients a year")
    ANNUAL_OPERATIONS = "annual_operations", _("Operations a year")
    LAPAROSCOPIC_SHARE = "laparoscopic_share", _("Share of operations done laparoscopically")


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

    # Measured the same way in every department, so the overview can draw them side by side.
    COMPARED_METRICS = (Metric.ANNUAL_OPERATIONS, Metric.BEDS)

    metric = models.CharField(max_length=40, choices=Metric.choices)
    headline = models.BooleanField(
        default=False, help_text=_("Shown with the department in the directory and on the overview.")
    )

    class Meta(QualifiedFigure.Meta):
        verbose_name = _("staff or activity figure")
        verbose_name_plural = _("staff and activity figures")
        constraints = [
            *QualifiedFigure.Meta.constraints,
            models.CheckConstraint(
                condition=Q(metric__in=StaffMetric.values), name="staffstats_metric_valid"
            ),
        ]

    def __str__(self):
        return f"{self.owner}: {self.get_metric_display()} {self.value}"

    def get_metric_display(self):
        return choice_label(self.Metric, self.metric)

    @property
    def is_staff(self):
        return self.metric in self.STAFF_METRICS


class ResearchMetric(models.TextChoices):
    PROJECTS = "projects", _("Research projects")
    FUNDING = "funding", _("Research funding")
    PAPERS = "papers", _("Papers published")
    SCI_PAPERS = "sci_papers", _("Papers in SCI-indexed journals")
    FUNDING_RANK = "funding_rank", _("National rank for research funding")


class ResearchFigure(QualifiedFigure):
    """Research output: projects, funding, papers, rankings."""

    Metric = ResearchMetric

    metric = models.CharField(max_length=20, choices=Metric.choices)
    description = models.CharField(max_length=400, blank=True)

    class Meta(QualifiedFigure.Meta):
        constraints = [
            *QualifiedFigure.Meta.constraints,
            models.CheckConstraint(
                condition=Q(metric__in=ResearchMetric.values), name="researchfigure_metric_valid"
            ),
        ]

    def __str__(self):
        return f"{self.owner}: {self.get_metric_display()} {self.value}"

    def get_metric_display(self):
        return choice_label(self.Metric, self.metric)


class AccreditationKind(models.TextChoices):
    DESIGNATION = "designation", _("Designation")
    BASE = "base", _("Training or demonstration base")
    RESEARCH_CENTRE = "research_centre", _("Research centre or laboratory")
    AWARD = "award", _("Award")
    MEMBERSHIP = "membership", _("Membership or office")
    RANKING = "ranking", _("Ranking")


class Accreditation(Fact):
    """A designation, base, award, membership or ranking granted by a body."""

    Kind = AccreditationKind

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=300)
    granting_body = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=year_validators())
    count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("How many, where the source counts them (e.g. 14 key laboratories)."),
    )

    class Meta(Fact.Meta):
        constraints = [
            *Fact.Meta.constraints,
            models.CheckConstraint(condition=year_in_range("year"), name="accreditation_year_in_range"),
            models.CheckConstraint(
                condition=Q(kind__in=AccreditationKind.values), name="accreditation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(count__gte=1), name="accreditation_count_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)


class LeaderRole(models.TextChoices):
    FOUNDER = "founder", _("Founder and first director")
    DIRECTOR = "director", _("Director")
    DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")


class Leader(Fact):
    Role = LeaderRole

    # People's names keep the source's romanization in every language.
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=100, blank=True, help_text=_("For example: Professor."))
    role = models.CharField(max_length=20, choices=Role.choices)
    description = models.CharField(max_length=400, blank=True)

    class Meta(Fact.Meta):
        constraints = [
            *Fact.Meta.constraints,
            models.CheckConstraint(condition=Q(role__in=LeaderRole.values), name="leader_role_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="leader_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_role_display(self):
        return choice_label(self.Role, self.role)


class Procedure(Fact):
    """A treatment or technique the department offers; some were firsts in the province."""

    name = models.CharField(max_length=300)
    abbreviations = models.CharField(max_length=100, blank=True, help_text=_("For example: PPH, TST, RPH."))
    description = models.CharField(max_length=400, blank=True)
    first_in_province = models.BooleanField(default=False)

    class Meta(Fact.Meta):
        pass

    def __str__(self):
        return self.name


class Condition(Fact):
    name = models.CharField(max_length=300)
    examples = models.CharField(max_length=300, blank=True)

    class Meta(Fact.Meta):
        pass

    def __str__(self):
        return self.name


class PartnerKind(models.TextChoices):
    RESEARCH = "research", _("Research cooperation")
    FURTHER_STUDY = "further_study", _("Further study of staff")


class Partner(Fact):
    Kind = PartnerKind

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=300)

    class Meta(Fact.Meta):
        constraints = [
            *Fact.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=PartnerKind.values), name="partner_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)


class Milestone(Fact):
    year = models.PositiveSmallIntegerField(validators=year_validators())
    month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    text = models.CharField(max_length=400)

    class Meta(Fact.Meta):
        ordering = ["year", "month", "position"]
        constraints = [
            *Fact.Meta.constraints,
            models.CheckConstraint(condition=year_in_range("year"), name="milestone_year_in_range"),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name="milestone_month_valid"
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

    name = models.CharField(max_length=300)

    class Meta(Fact.Meta):
        verbose_name_plural = _("facilities")

    def __str__(self):
        return self.name


class TeachingProgramme(Fact):
    """A group of students or trainees the department teaches."""

    name = models.CharField(max_length=300)

    class Meta(Fact.Meta):
        pass

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


def facts_of(owner, owner_field):
    """Every fact about the hospital or a department, by kind, each kind in its model's order.

    One query, where prefetch_related() would cost one per kind: a UNION ALL of the kinds'
    tables (see facts_query()).
    """
    alias = owner._state.db or DEFAULT_DB_ALIAS
    connection = connections[alias]
    sql, readers = facts_query(alias, owner_field)
    with connection.cursor() as cursor:
        cursor.execute(sql, [owner.pk] * len(FACT_KINDS))
        rows = cursor.fetchall()
    facts = {kind: [] for kind in FACT_KINDS}
    for kind_index, *row in rows:
        kind, model, attnames, positions, converters = readers[kind_index]
        values = [row[position] for position in positions]
        for index, expression, converter in converters:
            values[index] = converter(values[index], expression, connection)
        fact = model.from_db(alias, attnames, values)
        setattr(fact, owner_field, owner)
        facts[kind].append(fact)
    for kind, model in FACT_KINDS.items():
        facts[kind].sort(key=functools.partial(ordering_key, model._meta.ordering))
    return facts


@functools.cache
def facts_query(alias, owner_field):
    """The SQL of facts_of() for one database and kind of owner, and how to read its rows.

    Written once per process rather than built by the ORM on every call: ten SELECTs of some forty
    columns each cost the ORM several milliseconds to compile. Each row holds the kind's index, then
    the columns of every kind, NULL where the kind has no such column. The first SELECT casts its
    NULLs to their types, from which PostgreSQL types the whole UNION.
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    columns = {}
    for model in FACT_KINDS.values():
        for model_field in model._meta.concrete_fields:
            columns.setdefault(model_field.column, model_field)
    positions = {name: position for position, name in enumerate(columns)}
    selects = []
    readers = []
    for index, (kind, model) in enumerate(FACT_KINDS.items()):
        fields = model._meta.concrete_fields
        own = {model_field.column for model_field in fields}
        values = [
            quote(name)
            if name in own
            else (f"CAST(NULL AS {column.cast_db_type(connection)})" if index == 0 else "NULL")
            for name, column in columns.items()
        ]
        table = model._meta.db_table
        owner_column = model._meta.get_field(owner_field).column
        selects.append(
            f"SELECT {index}, {', '.join(values)} FROM {quote(table)} WHERE {quote(owner_column)} = %s"
        )
        converters = []
        for field_index, model_field in enumerate(fields):
            expression = model_field.get_col(table)
            for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            ):
                converters.append((field_index, expression, converter))
        readers.append(
            (
                kind,
                model,
                [model_field.attname for model_field in fields],
                [positions[model_field.column] for model_field in fields],
                converters,
            )
        )
    return " UNION ALL ".join(selects), readers


def ordering_key(ordering, instance):
    """A model's default order, computed in Python: empty values first, ties by primary key."""
    values = [getattr(instance, name) for name in ordering]
    return [*((value is not None, value) for value in values), instance.pk]
