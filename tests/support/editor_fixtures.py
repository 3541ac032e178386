"""Fixtures for admin tests: a pytest plugin, loaded by `pytest_plugins` in the modules that use it."""

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from departments.management.commands.create_editor import GROUP, PASSWORD_VARIABLE
from tests.support.editors import EDITOR_PASSWORD, migration_0002, migration_0005, migration_0008


@pytest.fixture
def editor_group(db):
    """The group the migrations made (0002, 0005, 0008); made again if a transactional test flushed it."""
    if not Group.objects.filter(name=GROUP).exists():
        migration_0002.create_content_editors(django_apps)
        migration_0005.editors_may_name_sources(django_apps, None)
        migration_0008.editors_may_remove_facts(django_apps)
    return Group.objects.get(name=GROUP)


@pytest.fixture
def editor(editor_group, monkeypatch):
    monkeypatch.setenv(PASSWORD_VARIABLE, EDITOR_PASSWORD)
    call_command("create_editor", "editor", "--email", "editor@example.org", "--no-input", stdout=None)
    return django_apps.get_model("auth", "User").objects.get(username="editor")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def superuser_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client
