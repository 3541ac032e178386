"""Helpers for admin tests (their fixtures are in tests/editor_fixtures.py)."""

import importlib
from html import unescape

from django import forms
from django.urls import reverse

from departments import models

EDITOR_PASSWORD = "a long editor passphrase 42"

migration_0002 = importlib.import_module("departments.migrations.0002_content_editors_group")
migration_0005 = importlib.import_module("departments.migrations.0005_rulebook_and_sources")
migration_0008 = importlib.import_module("departments.migrations.0008_editors_remove_facts")


def admin_url(model, view, *args, language="en"):
    from django.utils import translation

    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    """The POST data of an admin change form exactly as shown (all inlines included)."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            bound = form[name]
            if isinstance(field, forms.FileField):
                continue
            value = bound.value()
            if isinstance(field.widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
                continue
            if value is None:
                value = ""
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def page_text(response):
    return unescape(response.content.decode())


def department_change(client, department):
    response = client.get(admin_url(models.Department, "change", department.pk))
    assert response.status_code == 200
    return response


def inline_prefix(response, model):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no inline for {model.__name__}")
