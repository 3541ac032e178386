"""Editors may remove a fact (a retired director, a figure, a partner) from a page.

Every publication is a revision now (drafts and revisions, 0007), so a removal can be seen in the
history and restored. Editors still delete no department, no hospital, no source, no user and
nothing of the log: only administrators delete for good.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FACT_MODELS = (
    "staffstats",
    "researchfigure",
    "accreditation",
    "leader",
    "procedure",
    "condition",
    "partner",
    "milestone",
    "facility",
    "teachingprogramme",
)


def editors_may_remove_facts(apps, schema_editor=None):
    app_config = apps.get_app_config("departments")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True  # a migration's app stub: create_permissions needs it set
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="departments", codename__in=[f"delete_{model}" for model in FACT_MODELS]
    )
    for group in Group.objects.filter(name="Content editors"):
        group.permissions.add(*permissions)


def editors_may_not_remove_facts(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="departments", codename__in=[f"delete_{model}" for model in FACT_MODELS]
    )
    for group in Group.objects.filter(name="Content editors"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("departments", "0007_drafts_and_revisions")]

    operations = [migrations.RunPython(editors_may_remove_facts, editors_may_not_remove_facts)]
