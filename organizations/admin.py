from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organization

User = get_user_model()


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "accepted_at"]
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "perspective_name", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at", "accepted_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fields = ["organization", "role", "accepted_at"]
    extra = 1
    autocomplete_fields = ["organization"]
    verbose_name_plural = _("Organisations and roles")


# Show a user's organisations and roles on the user's own admin page.
admin.site.unregister(User)


@admin.register(User)
class SpaningUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, UserMembershipInline]
    list_filter = [*UserAdmin.list_filter, "memberships__organization", "memberships__role"]
