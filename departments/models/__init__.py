"""The hospital's content: the hospital, its departments, the facts about them and their sources.

One module per concern: choices.py (vocabularies), rules.py (the rulebook every path that writes
content runs), sources.py, owners.py (hospital, department), facts.py (the ten kinds of fact),
versioning.py (the content's version, which the page cache keys on), editorial.py (drafts and
revisions of what editors publish). Read queries live in
departments/selectors.py.
"""

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
from departments.models.editorial import Draft, DraftState, Revision, Via
from departments.models.facts import (
    FACT_KINDS,
    Accreditation,
    Condition,
    Facility,
    Fact,
    Leader,
    Milestone,
    Partner,
    Procedure,
    QualifiedFigure,
    ResearchFigure,
    StaffStats,
    TeachingProgramme,
)
from departments.models.owners import Department, Hospital, visiting_details
from departments.models.rules import EARLIEST_YEAR, LATEST_YEAR_IN_DATABASE, ContentRules, Rule, YearValidator
from departments.models.sources import Source, SourceKind
from departments.models.versioning import ContentVersion

__all__ = [
    "Draft",
    "DraftState",
    "Revision",
    "Via",
    "COMPARED_METRICS",
    "FACT_KINDS",
    "Accreditation",
    "AccreditationKind",
    "Condition",
    "ContentRules",
    "ContentVersion",
    "Department",
    "EARLIEST_YEAR",
    "Facility",
    "Fact",
    "Hospital",
    "LATEST_YEAR_IN_DATABASE",
    "Leader",
    "LeaderRole",
    "Milestone",
    "Partner",
    "PartnerKind",
    "Procedure",
    "QualifiedFigure",
    "Qualifier",
    "ResearchFigure",
    "ResearchMetric",
    "Rule",
    "Source",
    "SourceKind",
    "StaffMetric",
    "StaffStats",
    "TeachingProgramme",
    "Unit",
    "YearValidator",
    "choice_label",
    "visiting_details",
]
