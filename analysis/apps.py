from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    """The yearly trend analysis: the year's trends assessed, the signals behind them, frozen
    when published."""

    name = "analysis"
    verbose_name = _("Trend analysis")

    def ready(self):
        from . import panels, visibility  # noqa: F401  register the rules and the dashboard's panel
