"""Start-up checks of what the code relies on but cannot state in code."""

from django.apps import apps
from django.core import checks
from django.core.management import get_commands


@checks.register()
def loaddata_is_the_projects(app_configs=None, **kwargs):
    """`manage.py loaddata` must be this project's (departments/management/commands/loaddata.py).

    Django runs the command of the first app in INSTALLED_APPS that has one, and modeltranslation
    has a loaddata too; with it first, fixtures would still load all or nothing and every row would
    still be judged by the rulebook as it is saved, but problems would be named one at a time.
    """
    if get_commands().get("loaddata") == "departments" or not apps.is_installed("departments"):
        return []
    return [
        checks.Error(
            "manage.py loaddata is not this project's: list 'departments' before 'modeltranslation' "
            "(and any other app with a loaddata command) in INSTALLED_APPS.",
            id="departments.E001",
        )
    ]
