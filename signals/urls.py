from django.urls import path

app_name = "signals"

# Each block is owned by one module of signals/views/.
urlpatterns = [
    # --- register.py: logging, editing, archiving, history ---
    # --- browse.py: list, filters, search, CSV export ---
    # --- taxonomy.py: the organisation's areas, trends and tags (admins) ---
]
