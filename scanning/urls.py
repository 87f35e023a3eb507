from django.urls import path

from .views import feeds, queue

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
    path("items/dismissed/", queue.dismissed, name="dismissed"),
    path("shortcuts/", queue.shortcuts, name="shortcuts"),
    # --- feeds.py: the organisation's feeds, their health, OPML, keyword rules ---
    path("feeds/", feeds.feeds, name="feeds"),
    path("feeds/add/", feeds.feed_add, name="feed_add"),
    path("feeds/<id:pk>/edit/", feeds.feed_edit, name="feed_edit"),
    path("feeds/<id:pk>/pause/", feeds.feed_pause, name="feed_pause"),
    path("feeds/<id:pk>/resume/", feeds.feed_resume, name="feed_resume"),
    path("feeds/<id:pk>/remove/", feeds.feed_remove, name="feed_remove"),
    path("feeds/<id:pk>/fetch/", feeds.feed_fetch_now, name="feed_fetch_now"),
    path("feeds/<id:pk>/resume-polling/", feeds.feed_resume_polling, name="feed_resume_polling"),
    path("feeds/opml/", feeds.opml_export, name="opml_export"),
    path("feeds/opml/import/", feeds.opml_import, name="opml_import"),
    path("feeds/rules/", feeds.rules, name="rules"),
    path("feeds/rules/<id:pk>/delete/", feeds.rule_delete, name="rule_delete"),
]
