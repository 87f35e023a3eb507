from django.urls import path

from . import views

app_name = "overview"

# Under /<organisation>/overview/ (config/urls.py).
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("radar/", views.radar_view, name="radar"),
    path("radar.svg", views.radar_download, name="radar_svg"),
    path("radar.png", views.radar_png, name="radar_png"),
]
