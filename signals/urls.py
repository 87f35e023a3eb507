from django.urls import path

from .views import register, taxonomy
from .views.browse import signal_export, signal_list

app_name = "signals"

# Each block is owned by one module of signals/views/.
urlpatterns = [
    # --- register.py: logging, editing, archiving, history ---
    path("new/", register.signal_create_view, name="create"),
    path("new/source-row/", register.source_row, name="source_row"),
    path("new/suggest-title/", register.suggest_title_view, name="suggest_title"),
    path("<int:pk>/", register.signal_detail, name="detail"),
    path("<int:pk>/edit/", register.signal_edit, name="edit"),
    path("<int:pk>/edit/<slug:field>/", register.signal_edit_field, name="edit_field"),
    path("<int:pk>/show/<slug:field>/", register.signal_field, name="field"),
    path("<int:pk>/archive/", register.signal_archive_view, name="archive"),
    path("<int:pk>/restore/", register.signal_restore_view, name="restore"),
    path("<int:pk>/history/", register.signal_history_view, name="history"),
    # --- browse.py: list, filters, search, CSV export ---
    path("", signal_list, name="list"),
    path("export.csv", signal_export, name="export"),
    # --- taxonomy.py: the organisation's areas, trends, driving forces and tags (admins) ---
    path("settings/areas/", taxonomy.areas, name="areas"),
    path("settings/areas/new/", taxonomy.area_create, name="area_create"),
    path("settings/areas/<int:pk>/", taxonomy.area_edit, name="area_edit"),
    path("settings/areas/<int:pk>/retire/", taxonomy.area_retire, name="area_retire"),
    path("settings/areas/<int:pk>/reactivate/", taxonomy.area_reactivate, name="area_reactivate"),
    path("settings/trends/", taxonomy.trends, name="trends"),
    path("settings/trends/new/", taxonomy.trend_create, name="trend_create"),
    path("settings/trends/restore/", taxonomy.trends_restore, name="trends_restore"),
    path("settings/trends/<int:pk>/", taxonomy.trend_edit, name="trend_edit"),
    path("settings/trends/<int:pk>/retire/", taxonomy.trend_retire, name="trend_retire"),
    path(
        "settings/trends/<int:pk>/reactivate/", taxonomy.trend_reactivate, name="trend_reactivate"
    ),
    path("settings/driving-forces/", taxonomy.driving_forces, name="driving_forces"),
    path(
        "settings/driving-forces/new/",
        taxonomy.driving_force_create,
        name="driving_force_create",
    ),
    path(
        "settings/driving-forces/<int:pk>/",
        taxonomy.driving_force_edit,
        name="driving_force_edit",
    ),
    path(
        "settings/driving-forces/<int:pk>/delete/",
        taxonomy.driving_force_delete,
        name="driving_force_delete",
    ),
    path("settings/tags/", taxonomy.tags, name="tags"),
    path("settings/tags/<int:pk>/", taxonomy.tag_edit, name="tag_edit"),
    path("settings/tags/<int:pk>/merge/", taxonomy.tag_merge, name="tag_merge"),
    path("settings/tags/<int:pk>/delete/", taxonomy.tag_delete, name="tag_delete"),
]
