from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Spaning")

    def ready(self):
        from django.urls import register_converter

        from .converters import IdConverter

        # Before any app's URLs are imported: every id in a path is <id:…>.
        register_converter(IdConverter, "id")
