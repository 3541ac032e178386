"""The sections of a department's page, in the order a patient reads them: one list, from which
the page draws both its "On this page" links and the sections themselves."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from departments.pages import charts


@dataclass
class Section:
    id: str  # the heading's id, which "On this page" links to
    heading: str
    link: str  # its name in "On this page"; empty: not listed there
    content: object  # what it shows; a section with nothing to show is left out
    template: str  # templates/departments/sections/<id>.html: the section's body, given `content`


# (id, heading, link): every section a department's page can have.
SECTIONS = [
    ("about", _("About the department"), _("About")),
    ("figures", _("Key figures"), _("Key figures")),
    ("conditions", _("Conditions treated"), _("Conditions treated")),
    ("procedures", _("Procedures"), _("Procedures")),
    ("leaders", _("Leadership"), _("Leadership")),
    ("team", _("Team"), _("Team")),
    ("accreditations", _("Recognition"), _("Recognition")),
    ("research", _("Research"), _("Research")),
    ("teaching", _("Teaching"), _("Teaching")),
    ("partners", _("Partners and further study"), _("Partners and further study")),
    ("milestones", _("Milestones"), ""),
    ("visiting", _("Visiting and appointments"), _("Visiting")),
]


def of_department(department, facts):
    """The sections the department's page shows: those with something to show."""
    staff = [item for item in facts["figures"] if item.is_staff]
    content = {
        "about": department,
        "figures": [item for item in facts["figures"] if not item.is_staff],
        "team": charts.staff_chart(staff) if staff else None,
        "visiting": department,  # it says so when nothing is published yet
        **{kind: facts[kind] for kind in ("conditions", "procedures", "leaders", "accreditations")},
        **{kind: facts[kind] for kind in ("research", "teaching", "partners", "milestones")},
    }
    return [
        Section(name, heading, link, content[name], f"departments/sections/{name}.html")
        for name, heading, link in SECTIONS
        if content[name]
    ]
