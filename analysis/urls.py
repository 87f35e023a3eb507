from django.urls import path

from . import views

app_name = "analysis"

# Under /<organisation>/analysis/ (config/urls.py).
urlpatterns = [
    path("", views.analysis_list, name="list"),
    path("start/", views.analysis_start_view, name="start"),
    path("<id:pk>/", views.analysis_detail, name="detail"),
    path("<id:pk>/edit/", views.analysis_edit, name="edit"),
    path("<id:pk>/trends/new/", views.entry_add, name="entry_add"),
    path("<id:pk>/trends/merge/", views.entry_merge, name="entry_merge"),
    path("<id:pk>/inputs/new/", views.input_add_view, name="input_add"),
    path("<id:pk>/publish/", views.analysis_publish_view, name="publish"),
    path("<id:pk>/pdf/", views.analysis_pdf_view, name="pdf"),
    path("trends/<id:pk>/", views.entry_edit, name="entry_edit"),
    path("trends/<id:pk>/retire/", views.entry_retire, name="entry_retire"),
    path("inputs/<id:pk>/delete/", views.input_delete_view, name="input_delete"),
]
