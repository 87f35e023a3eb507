from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def analyze_sqlite(sender, using="default", **kwargs):
    """Give SQLite's planner the statistics of the tables after a migration (PostgreSQL's
    autovacuum keeps its own). Without them it takes any index on the organisation for a
    narrow one: the list's rows read by their ids (a deep page, a search) walked every signal
    of the organisation instead of looking up the ids, 10 to 15 ms on 100,000 signals. A
    register filled after the migration is counted by the next migration, or by
    ``manage.py dbshell`` and ``ANALYZE;``."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = _("Signals")

    def ready(self):
        from . import visibility  # noqa: F401  registers the register's visible_* rules

        post_migrate.connect(analyze_sqlite, sender=self)
