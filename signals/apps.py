from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = _("Signals")

    def ready(self):
        from . import visibility  # noqa: F401  registers the register's visible_* rules
