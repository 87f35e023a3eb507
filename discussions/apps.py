from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    """Open discussion forums for staff."""

    name = "discussions"
    verbose_name = _("Discussions")

    def ready(self):
        from . import panels, visibility  # noqa: F401  register the rules and the page panels
