from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The overview of the register: the signal radar, the dashboard and the blind spots.

    It only reads the signal register (through ``signals.visibility``); no app reads it."""

    name = "overview"
    verbose_name = _("Overview")
