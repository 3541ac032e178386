from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Hospital content")

    def ready(self):
        from departments import checks  # noqa: F401 (registers the start-up checks)
        from departments.content import signals

        signals.connect_signals()
