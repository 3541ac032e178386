"""Open data: the content as JSON, read-only and versioned (/api/v1/), and every figure as CSV.

Every fact comes with its qualifier and unit, both languages, and its provenance (the source and
the phrase it rests on). Responses go through the page cache like pages (ETag, Cache-Control),
set no cookie, and may be read from any site (CORS), since this is public data.
"""

import csv
import io

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from departments import selectors
from departments.models import FACT_KINDS, Department, Hospital, Source
from departments.models.rules import translated_originals
from departments.pages.cache import cache_public_page
from departments.pages.formatting import format_figure, published_value
from departments.pages.seo import absolute_url
from departments.pages.views import the_hospital

VERSION = "v1"
# Where the data is (hospital_site/urls.py): every address under it answers a program, an unknown one too.
PATH_PREFIX = "/api/"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Not data: bookkeeping of the database and the owner a fact is listed under.
LEFT_OUT = {"id", "hospital", "department", "photo"}


def in_languages(obj, name):
    """A translated field as {"en": …, "zh-hans": …}."""
    return {code: getattr(obj, build_localized_fieldname(name, code)) or "" for code in LANGUAGES}


def fields_of(obj):
    """Every field a reader of the data needs, translated ones in both languages."""
    originals = translated_originals(type(obj))
    data = {}
    for model_field in type(obj)._meta.concrete_fields:
        name = model_field.name
        if name in LEFT_OUT or getattr(model_field, "translated_field", None) is not None:
            continue  # a translation column: given under its field's name
        if name in originals:
            data[name] = in_languages(obj, name)
        elif model_field.is_relation:
            data[name] = getattr(obj, model_field.attname)  # a source's name
        else:
            value = model_field.value_from_object(obj)
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def fact_data(fact):
    data = fields_of(fact)
    data["source"] = {"name": fact.source_id, "phrase": fact.source_phrase} if fact.source_id else None
    del data["source_phrase"]
    if hasattr(fact, "qualifier"):
        data["value"] = published_value(fact)  # None where the text states no number ("several")
        data["as_written"] = as_written(fact)
    return data


def as_written(figure):
    """A figure as each language's pages write it: {"en": "more than 3,000", "zh-hans": "超过3,000例"}."""
    written = {}
    for code in LANGUAGES:
        with translation.override(code):
            written[code] = format_figure(figure)
    return written


def owner_data(owner, request):
    data = fields_of(owner)
    data["page"] = {code: absolute_url(request, page_url(owner, code)) for code in LANGUAGES}
    return data


def page_url(owner, language):
    with translation.override(language):
        return owner.get_absolute_url()


def sources_data(names):
    return {
        source.name: {
            "kind": source.kind,
            "title": in_languages(source, "title"),
            "published_on": source.published_on.isoformat() if source.published_on else None,
            "url": source.url,
        }
        for source in Source.objects.filter(name__in=names)
    }


def facts_data(owner):
    facts = selectors.facts_of(owner)
    kinds = {kind: [fact_data(fact) for fact in facts[kind]] for kind in FACT_KINDS}
    names = {owner.source_id} | {fact.source_id for items in facts.values() for fact in items}
    return kinds, names - {None}


def open_data(view):
    """A data view: cached like a page, readable from any origin."""

    @cache_public_page
    def wrapped(request, *args, **kwargs):
        return readable_from_any_origin(view(request, *args, **kwargs))

    wrapped.__name__ = wrapped.__qualname__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def readable_from_any_origin(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"  # the pages' same-origin would stop it
    return response


def json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 1})


def is_data_path(path):
    """Whether a path (without the script prefix) is the API's, known or not: /api itself too."""
    return path.startswith(PATH_PREFIX) or path == PATH_PREFIX.rstrip("/")


def not_found():
    """The API's 404 (hospital_site.errors.page_not_found): JSON a program can read, not the
    site's HTML page, with the headers of its other answers."""
    return readable_from_any_origin(json({"detail": "Not found."}, status=404))


@open_data
def hospital(request):
    """The hospital, every fact about it, and the sources they rest on."""
    owner = the_hospital(Hospital.objects.select_related("source"))
    facts, names = facts_data(owner)
    return json(
        {
            "version": VERSION,
            "hospital": owner_data(owner, request),
            "facts": facts,
            "departments": absolute_url(request, reverse("api:departments")),
            "sources": sources_data(names),
        }
    )


@open_data
def departments(request):
    """Every department, in directory order, with where its data and pages are."""
    items = [
        {
            "slug": department.slug,
            "name": in_languages(department, "name"),
            "summary": in_languages(department, "summary"),
            "data": absolute_url(request, reverse("api:department", kwargs={"slug": department.slug})),
            "page": {code: absolute_url(request, page_url(department, code)) for code in LANGUAGES},
        }
        for department in Department.objects.order_by("position", "name")
    ]
    return json({"version": VERSION, "departments": items})


@open_data
def department(request, slug):
    """One department, every fact about it, and the sources they rest on."""
    owner = get_object_or_404(Department.objects.select_related("source"), slug=slug)
    facts, names = facts_data(owner)
    return json(
        {
            "version": VERSION,
            "department": owner_data(owner, request),
            "facts": facts,
            "sources": sources_data(names),
        }
    )


FIGURE_COLUMNS = [
    "owner",
    "kind",
    "slug",
    "metric",
    "value",
    "unit",
    "qualifier",
    "as_written_en",
    "as_written_zh_hans",
    "source",
    "source_phrase",
]


@open_data
def figures_csv(request):
    """Every figure of the hospital and its departments, one row each, with its source."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIGURE_COLUMNS)
    owners = [*Hospital.objects.all(), *Department.objects.order_by("position", "name")]
    for owner in owners:
        facts = selectors.facts_of(owner)
        for kind in ("figures", "research"):
            for fact in facts[kind]:
                written = as_written(fact)
                writer.writerow(
                    [
                        owner.slug,
                        kind,
                        fact.slug,
                        fact.metric,
                        published_value(fact),
                        fact.unit,
                        fact.qualifier,
                        written["en"],
                        written["zh-hans"],
                        fact.source_id or "",
                        fact.source_phrase,
                    ]
                )
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="figures.csv"'
    return response
