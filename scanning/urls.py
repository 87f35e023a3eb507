from django.urls import path

from .views import queue

app_name = "scanning"

# Under /<organisation>/scanning/ (config/urls.py). Each block is owned by one module of
# scanning/views/.
urlpatterns = [
    # --- queue.py: the triage queue, promote, dismiss, undo, the member's shortcut setting ---
    path("", queue.queue, name="queue"),
    path("items/<id:pk>/dismiss/", queue.dismiss, name="dismiss"),
    path("items/<id:pk>/promote/", queue.promote, name="promote"),
    path("items/dismiss/", queue.dismiss_selected, name="dismiss_selected"),
    path("items/undo/", queue.undo, name="undo"),
    path("shortcuts/", queue.shortcuts, name="shortcuts"),
    # --- feeds.py: the organisation's feeds, their health, OPML, keyword rules ---
]
