"""The open data described: for programs, an OpenAPI document (/api/v1/openapi.json) generated
from the models; for people, a page in each language (/<language>/open-data/).

Each fact kind's schema is read from its model by the same choice of fields the API makes
(api.fields_of: translated fields in both languages, bookkeeping left out), so a field added to a
model is described as soon as the API gives it. tests/pages/test_api.py validates every real
answer against this description.
"""

from django.db import models
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from departments.models import FACT_KINDS, Department, Hospital
from departments.models.rules import translated_originals
from departments.pages import api
from departments.pages.cache import cache_public_page
from departments.pages.seo import absolute_url

TRANSLATED = {"$ref": "#/components/schemas/Translated"}


def nullable(schema, null):
    return {"anyOf": [schema, {"type": "null"}]} if null else schema


def field_schema(model_field):
    """A model field's value as the API gives it, in JSON Schema."""
    if model_field.is_relation:  # a fact's or an owner's source, by its name
        return nullable({"type": "string"}, True)
    if isinstance(model_field, models.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(model_field, models.IntegerField):
        schema = {"type": "integer"}
    elif isinstance(model_field, models.DateField):
        schema = {"type": "string", "format": "date"}
    else:
        schema = {"type": "string"}
    if model_field.choices and not model_field.null:
        schema["enum"] = [value for value, _label in model_field.flatchoices]
    if model_field.help_text:
        schema["description"] = str(model_field.help_text)
    return nullable(schema, model_field.null)


def object_schema(model, extra=None, removed=()):
    originals = translated_originals(model)
    properties = {}
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if name in api.LEFT_OUT or name in removed or getattr(model_field, "translated_field", None):
            continue
        properties[name] = TRANSLATED if name in originals else field_schema(model_field)
    properties.update(extra or {})
    return {
        "type": "object",
        "description": str(model._meta.verbose_name),
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


def fact_schema(model):
    extra = {
        "source": nullable(
            {
                "type": "object",
                "properties": {"name": {"type": "string"}, "phrase": {"type": "string"}},
                "required": ["name", "phrase"],
                "additionalProperties": False,
                "description": "The source text or document, and the exact words this fact rests on.",
            },
            True,
        )
    }
    if any(model_field.name == "qualifier" for model_field in model._meta.concrete_fields):
        extra["value"] = {
            "anyOf": [{"type": "integer"}, {"type": "null"}],
            "description": "The number, or null where the text states none (several, hundreds, thousands).",
        }
        extra["as_written"] = {
            **TRANSLATED,
            "description": "The figure as the pages write it, with its qualifier and measure word.",
        }
    return object_schema(model, extra, removed={"source_phrase"})


def owner_schema(model):
    page = {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}
    return object_schema(model, {"page": {**page, "description": "The page in each language."}})


def facts_schema():
    return {
        "type": "object",
        "properties": {
            kind: {"type": "array", "items": {"$ref": f"#/components/schemas/{model.__name__}"}}
            for kind, model in FACT_KINDS.items()
        },
        "required": list(FACT_KINDS),
        "additionalProperties": False,
    }


def answer(properties):
    return {
        "type": "object",
        "properties": {"version": {"const": api.VERSION}, **properties},
        "required": ["version", *properties],
        "additionalProperties": False,
    }


def json_answer(description, schema):
    return {
        "description": description,
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": schema}},
    }


def description(request):
    """The OpenAPI 3.1 document of the open data, with this site's address."""
    source = {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["text", "document"]},
            "title": TRANSLATED,
            "published_on": nullable({"type": "string", "format": "date"}, True),
            "url": {"type": "string"},
        },
        "required": ["kind", "title", "published_on", "url"],
        "additionalProperties": False,
    }
    sources = {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Source"}}
    facts = {"$ref": "#/components/schemas/Facts"}
    listing_item = {
        "type": "object",
        "properties": {
            "slug": {"type": "string"},
            "name": TRANSLATED,
            "summary": TRANSLATED,
            "data": {"type": "string", "format": "uri"},
            "page": {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
        },
        "required": ["slug", "name", "summary", "data", "page"],
        "additionalProperties": False,
    }
    schemas = {
        "Translated": {
            "type": "object",
            "description": "One text in each language of the site.",
            "properties": {code: {"type": "string"} for code in api.LANGUAGES},
            "required": api.LANGUAGES,
            "additionalProperties": False,
        },
        "Source": source,
        "Hospital": owner_schema(Hospital),
        "Department": owner_schema(Department),
        "Facts": facts_schema(),
        **{model.__name__: fact_schema(model) for model in FACT_KINDS.values()},
    }
    # The site's own address, as every absolute URL of the site (not the request's Host and port).
    base = absolute_url(request, reverse("api:hospital")).rsplit("/hospital/", 1)[0]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "The First Hospital of Jilin University: open data",
            "version": api.VERSION,
            "description": (
                "Every department and every fact the site shows, in English and Chinese, each with "
                "its qualifier, unit and the words of the hospital's text it rests on. Read-only."
            ),
        },
        "servers": [{"url": base}],
        "paths": {
            "/hospital/": {
                "get": {
                    "summary": "The hospital, every fact about it, and the sources they rest on",
                    "responses": {
                        "200": json_answer(
                            "The hospital",
                            answer(
                                {
                                    "hospital": {"$ref": "#/components/schemas/Hospital"},
                                    "facts": facts,
                                    "departments": {"type": "string", "format": "uri"},
                                    "sources": sources,
                                }
                            ),
                        )
                    },
                }
            },
            "/departments/": {
                "get": {
                    "summary": "Every department, in directory order",
                    "responses": {
                        "200": json_answer(
                            "The departments",
                            answer({"departments": {"type": "array", "items": listing_item}}),
                        )
                    },
                }
            },
            "/departments/{slug}/": {
                "get": {
                    "summary": "One department, every fact about it, and the sources they rest on",
                    "parameters": [
                        {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": json_answer(
                            "The department",
                            answer(
                                {
                                    "department": {"$ref": "#/components/schemas/Department"},
                                    "facts": facts,
                                    "sources": sources,
                                }
                            ),
                        ),
                        "404": {"description": "No department has this slug."},
                    },
                }
            },
            "/figures.csv": {
                "get": {
                    "summary": "Every figure of the hospital and its departments, one row each",
                    "responses": {
                        "200": {
                            "description": "CSV, UTF-8 with a byte-order mark; columns: "
                            + ", ".join(api.FIGURE_COLUMNS),
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": schemas},
    }


@api.open_data
def openapi(request):
    return api.json(description(request))


@cache_public_page
def documentation(request):
    """The page that tells a journalist or a data aggregator what the open data holds and how to read it."""
    context = {
        "breadcrumbs": [{"name": _("Open data")}],
        "endpoints": [
            (reverse("api:hospital"), _("The hospital, every fact about it, and the sources they rest on.")),
            (
                reverse("api:departments"),
                _("Every department, in directory order, with its data's and pages' addresses."),
            ),
            (
                reverse("api:departments") + "<slug>/",
                _("One department, every fact about it, and the sources they rest on."),
            ),
            (
                reverse("api:figures-csv"),
                _("Every figure of the hospital and its departments, one row each, for spreadsheets."),
            ),
            (reverse("api:openapi"), _("This description, for programs (OpenAPI 3.1).")),
        ],
        "fact_kinds": list(FACT_KINDS),
        "csv_columns": api.FIGURE_COLUMNS,
    }
    return render(request, "departments/open_data.html", context)
