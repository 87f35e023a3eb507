from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organisations and roles")

    def ready(self):
        from . import visibility  # noqa: F401  registers visible_memberships
