"""Structured data (schema.org, as JSON-LD) describing the pages to search engines.

Built from the same records the page shows, in the page's language; nothing is added that the
page does not say.
"""

from django.conf import settings
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext

from departments.models import Leader, Qualifier

CONTEXT = "https://schema.org"


def absolute_url(request, path):
    """An address on this site, absolute: from the configured SITE_URL, or where none is set (the
    embedded default) from the request's host, which the page cache then keys on.

    Joined rather than resolved (as build_absolute_uri does): a path is always this site's, even
    one that reads as another host's ("//[::1/" made urlsplit fail, and the 404 page a 500).
    """
    return (settings.SITE_URL or request_origin(request)) + iri_to_uri(path)


def request_origin(request):
    """scheme://host[:port] of this request: its host as ALLOWED_HOSTS accepted it, and the port
    this server listens on, not the one the Host header names (ALLOWED_HOSTS ignores ports, so a
    client could name any of 65,535 and have a page rendered and cached for each)."""
    domain, _port = split_domain_port(request.get_host())
    port = request.get_port()
    default = {"http": "80", "https": "443"}.get(request.scheme)
    return f"{request.scheme}://{domain}" + ("" if port in (default, "") else f":{port}")


# schema.org's MedicalSpecialty values, chosen by the words of a department's English name.
SPECIALTY_WORDS = {
    "surgery": "Surgical",
    "plastic": "PlasticSurgery",
    "gastrointestinal": "Gastroenterologic",
    "colorectal": "Gastroenterologic",
    "spine": "Musculoskeletal",
}


def specialties(department):
    words = department.name_en.lower().split()
    found = [SPECIALTY_WORDS[word] for word in words if word in SPECIALTY_WORDS]
    return [f"{CONTEXT}/{name}" for name in dict.fromkeys(found)]


def quantity(figure):
    """A figure as a QuantitativeValue, keeping what its qualifier says; None where it gives no number."""
    if figure.qualifier == Qualifier.EXACT:
        return {"@type": "QuantitativeValue", "value": figure.value}
    if figure.qualifier in (Qualifier.MORE_THAN, Qualifier.OVER):
        return {"@type": "QuantitativeValue", "minValue": figure.value}
    return None


def hospital_reference(hospital, request):
    return {
        "@type": "Hospital",
        "@id": absolute_url(request, reverse("departments:overview")) + "#hospital",
        "name": hospital.name,
        "url": absolute_url(request, reverse("departments:overview")),
    }


def without_empty(data):
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


def department_reference(department, request):
    return without_empty(
        {
            "@type": "MedicalClinic",
            "name": department.name,
            "url": absolute_url(request, department.get_absolute_url()),
            "medicalSpecialty": specialties(department),
        }
    )


def hospital(hospital, facts, departments, request):
    """The overview: the hospital and the departments it shows."""
    employees = next((item for item in facts["figures"] if item.metric == "employees"), None)
    return without_empty(
        {
            "@context": CONTEXT,
            **hospital_reference(hospital, request),
            "alternateName": hospital.other_name,
            "description": hospital.summary,
            "foundingDate": str(hospital.founded_year),
            "address": {
                "@type": "PostalAddress",
                "addressLocality": hospital.city,
                "addressRegion": hospital.province,
            },
            "slogan": hospital.motto,
            "numberOfEmployees": quantity(employees) if employees else None,
            "department": [department_reference(item, request) for item in departments],
            "subjectOf": dataset(hospital, request),
        }
    )


def department(department, facts, request):
    """A department's page: the clinic, what it treats and does, and who leads it."""
    founded = department.founded_on
    leaders = facts["leaders"]
    return without_empty(
        {
            "@context": CONTEXT,
            **department_reference(department, request),
            "alternateName": department.other_name,
            "description": department.summary,
            "foundingDate": founded.strftime("%Y-%m") if founded else str(department.founded_year or ""),
            "slogan": department.motto,
            "parentOrganization": hospital_reference(department.hospital, request),
            "knowsAbout": [{"@type": "MedicalCondition", "name": item.name} for item in facts["conditions"]],
            "availableService": [
                without_empty(
                    {"@type": "MedicalProcedure", "name": item.name, "alternateName": item.abbreviations}
                )
                for item in facts["procedures"]
            ],
            "founder": [person(item) for item in leaders if item.role == Leader.Role.FOUNDER],
            "employee": [person(item) for item in leaders if item.role != Leader.Role.FOUNDER],
        }
    )


def person(leader):
    return without_empty(
        {
            "@type": "Person",
            "name": leader.name,
            "honorificPrefix": leader.title,
            "jobTitle": str(leader.get_role_display()),
        }
    )


def breadcrumbs(crumbs, request):
    """A BreadcrumbList of the page's trail, from the overview to the page itself."""
    trail = [{"name": gettext("Home"), "url": reverse("departments:overview")}, *crumbs]
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(crumb["name"]),
                "item": absolute_url(request, crumb.get("url") or request.path),
            }
            for position, crumb in enumerate(trail, start=1)
        ],
    }


def conditions_list(letters, request):
    """The A–Z as an ItemList of the conditions and procedures, each with the clinic that offers it."""
    types = {"conditions": "MedicalCondition", "procedures": "MedicalProcedure"}
    entries = [entry for letter in letters for entry in letter.entries]
    return {
        "@context": CONTEXT,
        "@type": "ItemList",
        "name": gettext("Conditions and procedures A–Z"),
        "numberOfItems": len(entries),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "item": {
                    "@type": types[entry.section],
                    "name": entry.fact.name,
                    "url": absolute_url(request, entry.url),
                },
            }
            for position, entry in enumerate(entries, start=1)
        ],
    }


def dataset(hospital, request):
    """The site's content as open data (departments/pages/api.py), declared for data search engines."""
    return {
        "@type": "Dataset",
        "name": gettext("Departments and figures of %(hospital)s") % {"hospital": hospital.name},
        "description": gettext(
            "Every department, figure and recognition on this site, in English and Chinese, each with "
            "the words of the hospital's own text it rests on."
        ),
        "inLanguage": ["en", "zh-Hans"],
        "creator": hospital_reference(hospital, request),
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": absolute_url(request, reverse("api:hospital")),
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv",
                "contentUrl": absolute_url(request, reverse("api:figures-csv")),
            },
        ],
    }
