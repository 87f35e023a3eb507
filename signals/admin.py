"""Django admin for signals: a superuser's repair tool, not the product's interface.

Members work in the register's own pages (with their organisation's access rules); here only
superusers may look, across organisations, with the full history of every change. A save here
keeps ``search_document`` and ``version`` right, as the services would.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Signal, Source
from .services import build_search_document, validate_source_url


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class SourceInline(SuperuserOnly, admin.TabularInline):
    model = Source
    extra = 0
    min_num = 1
    fields = ["url", "name", "published_on", "position"]
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https", "validators": [validate_source_url]}
    }


class SignalAdminForm(forms.ModelForm):
    """The superuser sees every organisation here: refuse an area, trend or tag of another
    organisation than the signal's, which no page of the product would ever show. (The admin
    builds the form's fields from ``SignalAdmin.fieldsets``.)"""

    def clean(self):
        cleaned = super().clean()
        organization = cleaned.get("organization")
        if organization is None:
            return cleaned
        area = cleaned.get("area")
        if area is not None and area.organization_id != organization.pk:
            self.add_error("area", self._foreign_message([area], organization))
        for field in ("trends", "tags"):
            foreign = [o for o in cleaned.get(field) or () if o.organization_id != organization.pk]
            if foreign:
                self.add_error(field, self._foreign_message(foreign, organization))
        return cleaned

    @staticmethod
    def _foreign_message(objects, organization):
        names = ", ".join(f"“{o}”" for o in objects)
        return _("Belongs to another organisation than %(organization)s: %(names)s.") % {
            "names": names,
            "organization": organization,
        }


@admin.register(Signal)
class SignalAdmin(SuperuserOnly, SimpleHistoryAdmin):
    form = SignalAdminForm
    list_display = ["title", "organization", "level", "status", "created_by", "created_at"]
    list_filter = ["organization", "status", "level"]
    search_fields = ["title", "search_document"]
    date_hierarchy = "created_at"
    list_select_related = ["organization", "created_by"]
    raw_id_fields = ["area", "created_by"]
    filter_horizontal = ["trends", "tags"]
    readonly_fields = ["version", "updated_at"]
    inlines = [SourceInline]
    fieldsets = [
        (None, {"fields": ["organization", "title", "description", "motivation", "level"]}),
        (None, {"fields": ["area", "trends", "tags"]}),
        (None, {"fields": ["time_horizon", "impact", "certainty", "status"]}),
        (None, {"fields": ["created_by", "created_at", "updated_at", "version"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        signal = form.instance
        Signal.objects.filter(pk=signal.pk).update(
            search_document=build_search_document(signal),
            version=F("version") + (1 if change else 0),
        )
