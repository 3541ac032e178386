"""Which fields are translated (django-modeltranslation).

Every human-readable field is; numbers, years, slugs, provenance (quoted from the
English sources) and people's names (kept in the sources' romanization) are not.
"""

from modeltranslation.translator import TranslationOptions, register

from departments import models


@register(models.Source)
class SourceTranslation(TranslationOptions):
    fields = ("title",)


@register(models.Hospital)
class HospitalTranslation(TranslationOptions):
    fields = (
        "name",
        "other_name",
        "city",
        "province",
        "grade",
        "summary",
        "description",
        "motto",
        "address",
        "visiting_information",
        "photo_alt",
    )


@register(models.Department)
class DepartmentTranslation(TranslationOptions):
    fields = (
        "name",
        "other_name",
        "summary",
        "description",
        "motto",
        "location",
        "opening_hours",
        "booking_information",
        "photo_alt",
    )


@register(models.ResearchFigure)
class ResearchFigureTranslation(TranslationOptions):
    fields = ("description",)


@register(models.Accreditation)
class AccreditationTranslation(TranslationOptions):
    fields = ("name", "granting_body")


@register(models.Leader)
class LeaderTranslation(TranslationOptions):
    fields = ("title", "description")


@register(models.Procedure)
class ProcedureTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.Condition)
class ConditionTranslation(TranslationOptions):
    fields = ("name", "examples")


@register(models.Partner)
class PartnerTranslation(TranslationOptions):
    fields = ("name",)


@register(models.Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("text",)


@register(models.Facility)
class FacilityTranslation(TranslationOptions):
    fields = ("name",)


@register(models.TeachingProgramme)
class TeachingProgrammeTranslation(TranslationOptions):
    fields = ("name",)
