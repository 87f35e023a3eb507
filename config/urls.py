"""Every product page lives under its organisation: ``/<slug>/signals/…``, ``/<slug>/settings/…``.

``organizations.access.organization_required`` resolves the slug; the fixed paths below come
first and their names are reserved slugs (``organizations.models.RESERVED_SLUGS``).
"""

from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from discussions import notification_views
from organizations import account_views
from organizations import settings_urls as organization_settings
from reports import feed_views as report_feed_views
from signals import settings_urls as signal_settings

# The organisation admin's settings: one home, one menu (templates/settings/layout.html),
# its pages contributed by the apps whose objects they manage.
settings_patterns = (
    [*signal_settings.urlpatterns, *organization_settings.urlpatterns],
    "settings",
)

organization_patterns = [
    path("", core_views.start, name="start"),
    path("signals/", include("signals.urls")),
    path("scanning/", include("scanning.urls")),
    path("reports/", include("reports.urls")),
    path("discussions/", include("discussions.urls")),
    path("overview/", include("overview.urls")),
    path("followup/", include("followup.urls")),
    path("analysis/", include("analysis.urls")),
    path("settings/", include(settings_patterns)),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz/", core_views.healthz, name="healthz"),
    path(
        "accounts/",
        include(
            [
                # Django's own page, which also lifts the login lockout and takes up a new
                # account's invitations (organizations.account_views.PasswordChoiceView).
                path(
                    "reset/<uidb64>/<token>/",
                    account_views.PasswordChoiceView.as_view(),
                    name="password_reset_confirm",
                ),
                path("", include("django.contrib.auth.urls")),
            ]
        ),
    ),
    # The signed-in person's own pages: outside any organisation, as an invitation is to one
    # they have not joined yet.
    path("invitations/", account_views.invitations, name="invitations"),
    path("invitations/<id:pk>/accept/", account_views.invitation_accept, name="invitation_accept"),
    path(
        "invitations/<id:pk>/decline/",
        account_views.invitation_decline,
        name="invitation_decline",
    ),
    path("account/", account_views.account, name="account"),
    path(
        "account/report-feed/", report_feed_views.report_feed_settings, name="report_feed_settings"
    ),
    path(
        "account/report-feed/new/", report_feed_views.report_feed_create, name="report_feed_create"
    ),
    path(
        "account/report-feed/revoke/",
        report_feed_views.report_feed_revoke,
        name="report_feed_revoke",
    ),
    path("account/report-feed/<str:token>.atom", report_feed_views.report_feed, name="report_feed"),
    # The signed-in person's notifications, from every organisation they belong to.
    path("account/notifications/", notification_views.notifications, name="notifications"),
    path(
        "account/notifications/<id:pk>/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "account/notifications/read/",
        notification_views.notifications_read,
        name="notifications_read",
    ),
    path(
        "account/notifications/email/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Addresses from before the organisation was in the URL (bookmarks, old e-mails).
    path("signals/", core_views.moved, {"rest": ""}, name="moved_signals_root"),
    path("signals/<path:rest>", core_views.moved, name="moved_signals"),
    path("organisation/<path:rest>", core_views.moved_settings, name="moved_organisation"),
    path("<slug:organization_slug>/", include(organization_patterns)),
]
