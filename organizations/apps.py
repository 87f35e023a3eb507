from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


def _accept_memberships(sender, request, user, **kwargs):
    """Logging in accepts the memberships admins added by e-mail since the last login."""
    from .services import memberships_accept

    memberships_accept(user=user)


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organisations and roles")

    def ready(self):
        from . import visibility  # noqa: F401  registers visible_memberships

        user_logged_in.connect(_accept_memberships, dispatch_uid="organizations.accept_on_login")
