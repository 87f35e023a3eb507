from django.urls import path

from . import member_views, views

urlpatterns = [
    path("switch/", views.switch_organization, name="switch_organization"),
    # The organisation admin's members pages (member_views.py).
    path("members/", member_views.members, name="members"),
    path("members/add/", member_views.member_add, name="member_add"),
    path("members/<int:pk>/role/", member_views.member_role, name="member_role"),
    path("members/<int:pk>/remove/", member_views.member_remove, name="member_remove"),
    path(
        "members/<int:pk>/invite-again/",
        member_views.member_invite_again,
        name="member_invite_again",
    ),
]
