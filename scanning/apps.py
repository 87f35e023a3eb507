from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScanningConfig(AppConfig):
    """Feeds polled into the triage queue."""

    name = "scanning"
    verbose_name = _("Scanning")

    def ready(self):
        from . import checks, visibility  # noqa: F401  registers the checks and visible_* rules
