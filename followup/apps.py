from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """What the organisation does about the signals its reports name, and what came of it."""

    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from . import panels, visibility  # noqa: F401  register the rules and the report's panel
