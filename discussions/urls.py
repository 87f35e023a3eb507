from django.urls import path

from .views import forum, thread

app_name = "discussions"

# Under /<organisation>/discussions/ (config/urls.py).
urlpatterns = [
    # --- forum.py: the overview, opening a discussion, themes, moderating a discussion ---
    path("", forum.forum, name="forum"),
    path("new/", forum.thread_new, name="open"),
    path("<id:pk>/close/", forum.close, name="close"),
    path("<id:pk>/reopen/", forum.reopen, name="reopen"),
    path("<id:pk>/pin/", forum.pin, name="pin"),
    path("<id:pk>/unpin/", forum.unpin, name="unpin"),
    path("themes/<id:pk>/follow/", forum.follow, name="follow"),
    # --- thread.py: a discussion and its comments ---
    path("<id:pk>/", thread.thread_detail, name="thread"),
    path("<id:pk>/comments/", thread.comment_create, name="comment"),
    path("comments/<id:pk>/edit/", thread.comment_change, name="comment_edit"),
    path("comments/<id:pk>/delete/", thread.comment_remove, name="comment_delete"),
    path("comments/<id:pk>/hide/", thread.comment_hide_view, name="comment_hide"),
    path("comments/<id:pk>/unhide/", thread.comment_unhide_view, name="comment_unhide"),
]
