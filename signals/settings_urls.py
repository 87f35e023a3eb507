"""The settings pages for the organisation's areas, trends, driving forces and tags
(views/taxonomy.py), and the areas each member watches (views/watching.py, linked from the
members list). config/urls.py mounts them under /<organisation>/settings/, in the
``settings`` namespace, beside the other apps' settings pages."""

from django.urls import path

from .views import taxonomy, watching

urlpatterns = [
    path("areas/", taxonomy.areas, name="areas"),
    path("areas/new/", taxonomy.area_create, name="area_create"),
    path("areas/<id:pk>/", taxonomy.area_edit, name="area_edit"),
    path("areas/<id:pk>/retire/", taxonomy.area_retire, name="area_retire"),
    path("areas/<id:pk>/reactivate/", taxonomy.area_reactivate, name="area_reactivate"),
    path("trends/", taxonomy.trends, name="trends"),
    path("trends/new/", taxonomy.trend_create, name="trend_create"),
    path("trends/restore/", taxonomy.trends_restore, name="trends_restore"),
    path("trends/<id:pk>/", taxonomy.trend_edit, name="trend_edit"),
    path("trends/<id:pk>/retire/", taxonomy.trend_retire, name="trend_retire"),
    path("trends/<id:pk>/reactivate/", taxonomy.trend_reactivate, name="trend_reactivate"),
    path("driving-forces/", taxonomy.driving_forces, name="driving_forces"),
    path("driving-forces/new/", taxonomy.driving_force_create, name="driving_force_create"),
    path("driving-forces/<id:pk>/", taxonomy.driving_force_edit, name="driving_force_edit"),
    path(
        "driving-forces/<id:pk>/delete/",
        taxonomy.driving_force_delete,
        name="driving_force_delete",
    ),
    path("members/<id:pk>/areas/", watching.member_areas, name="member_areas"),
    path("tags/", taxonomy.tags, name="tags"),
    path("tags/<id:pk>/", taxonomy.tag_edit, name="tag_edit"),
    path("tags/<id:pk>/merge/", taxonomy.tag_merge, name="tag_merge"),
    path("tags/<id:pk>/delete/", taxonomy.tag_delete, name="tag_delete"),
]
