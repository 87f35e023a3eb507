from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("reports/<id:pk>/", views.report_detail, name="report"),
    path(
        "reports/<id:pk>/signals/<id:signal_pk>/actions/new/",
        views.action_new,
        name="action_new",
    ),
    path("reports/<id:pk>/signals/<id:signal_pk>/questions/", views.questions, name="questions"),
    path("reports/<id:pk>/signals/<id:signal_pk>/review/", views.review, name="review"),
    path("actions/<id:pk>/", views.action_detail, name="action"),
    path("actions/<id:pk>/status/", views.action_status, name="action_status"),
    path("actions/<id:pk>/edit/", views.action_edit, name="action_edit"),
]
