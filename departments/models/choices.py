"""The content's vocabularies: units and qualifiers of figures, metrics, kinds and roles.

Each is a choice list on its field and a CHECK constraint in the database (see facts.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Qualifier(models.TextChoices):
    """How exact a figure is, as its source text says it."""

    EXACT = "exact", _("exactly")
    MORE_THAN = "more_than", _("more than")
    OVER = "over", _("over")
    NEARLY = "nearly", _("nearly")
    ABOUT = "about", _("about")
    SEVERAL = "several", _("several")
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
    CAMPUSES = "campuses", _("Campuses")
    ANNUAL_OUTPATIENTS = "annual_outpatients", _("Outpatient visits a year")
    ANNUAL_OUTPATIENT_AND_EMERGENCY = (
        "annual_outpatient_emergency",
        _("Outpatient and emergency visits a year"),
    )
    ANNUAL_INPATIENTS = "annual_inpatients", _("Inpatients a year")
    ANNUAL_OPERATIONS = "annual_operations", _("Operations a year")
    LAPAROSCOPIC_SHARE = "laparoscopic_share", _("Share of operations done laparoscopically")


# Measured the same way in every department, so the overview can draw them side by side.
COMPARED_METRICS = (StaffMetric.ANNUAL_OPERATIONS, StaffMetric.BEDS)


class ResearchMetric(models.TextChoices):
    PROJECTS = "projects", _("Research projects")
    FUNDING = "funding", _("Research funding")
    PAPERS = "papers", _("Papers published")
    SCI_PAPERS = "sci_papers", _("Papers in SCI-indexed journals")
    FUNDING_RANK = "funding_rank", _("National rank for research funding")


class AccreditationKind(models.TextChoices):
    DESIGNATION = "designation", _("Designation")
    BASE = "base", _("Training or demonstration base")
    RESEARCH_CENTRE = "research_centre", _("Research centre or laboratory")
    AWARD = "award", _("Award")
    MEMBERSHIP = "membership", _("Membership or office")
    RANKING = "ranking", _("Ranking")


class LeaderRole(models.TextChoices):
    FOUNDER = "founder", _("Founder and first director")
    DIRECTOR = "director", _("Director")
    DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")


class PartnerKind(models.TextChoices):
    RESEARCH = "research", _("Research cooperation")
    FURTHER_STUDY = "further_study", _("Further study of staff")
