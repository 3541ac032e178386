"""The "Content editors" group: view, add and change the hospital's content, nothing else.

No delete (content is corrected, not removed, by editors), and no permission on users,
groups, permissions or anything outside this app.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Content editors"
ACTIONS = ("view", "add", "change")
# The content models, named here so that a later model (such as bookkeeping for the page
# cache) is not given to editors unless a migration says so.
CONTENT_MODELS = (
    "hospital",
    "department",
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


def create_content_editors(apps, schema_editor=None):
    # Permissions are normally created after `migrate` (post_migrate), too late for this
    # migration on a fresh database; create this app's now (it skips existing ones).
    app_config = apps.get_app_config("departments")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True  # a migration's app stub: create_permissions needs it set
    create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in CONTENT_MODELS for action in ACTIONS]
    permissions = Permission.objects.filter(content_type__app_label="departments", codename__in=codenames)
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_content_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_content_editors, remove_content_editors)]
