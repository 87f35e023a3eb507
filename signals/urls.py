from django.urls import path

from .views import register, watching
from .views.browse import signal_export, signal_list

app_name = "signals"

# Under /<organisation>/signals/ (config/urls.py). Each block is owned by one module of
# signals/views/; the settings pages for areas, trends and tags are in settings_urls.py.
urlpatterns = [
    # --- register.py: logging, editing, archiving, history ---
    path("new/", register.signal_create_view, name="create"),
    path("new/source-row/", register.source_row, name="source_row"),
    path("new/suggest-title/", register.suggest_title_view, name="suggest_title"),
    path("new/similar/", register.similar_signals_view, name="similar"),
    path("<id:pk>/", register.signal_detail, name="detail"),
    path("<id:pk>/edit/", register.signal_edit, name="edit"),
    path("<id:pk>/edit/<slug:field>/", register.signal_edit_field, name="edit_field"),
    path("<id:pk>/show/<slug:field>/", register.signal_field, name="field"),
    path("<id:pk>/archive/", register.signal_archive_view, name="archive"),
    path("<id:pk>/restore/", register.signal_restore_view, name="restore"),
    path("<id:pk>/history/", register.signal_history_view, name="history"),
    # --- browse.py: list, filters, search, CSV export ---
    path("", signal_list, name="list"),
    path("export.csv", signal_export, name="export"),
    # --- watching.py: the areas the member watches ---
    path("my-areas/", watching.my_areas, name="my_areas"),
]
