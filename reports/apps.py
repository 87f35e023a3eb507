from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The monthly report cycle."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import visibility  # noqa: F401  registers the cycle's visible_* rules
