from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def analyze_sqlite(sender, using="default", **kwargs):
    """After a migration, statistics for SQLite's planner (core.lib.planner), which the
    signal list's plans depend on."""
    from core.lib.planner import refresh_statistics

    refresh_statistics(using)


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = _("Signals")

    def ready(self):
        from . import visibility  # noqa: F401  registers the register's visible_* rules

        post_migrate.connect(analyze_sqlite, sender=self)
