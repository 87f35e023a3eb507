"""The members pages (member_views.py), mounted by config/urls.py under
/<organisation>/settings/ in the ``settings`` namespace."""

from django.urls import path

from . import member_views

urlpatterns = [
    path("members/", member_views.members, name="members"),
    path("members/add/", member_views.member_add, name="member_add"),
    path("members/<id:pk>/role/", member_views.member_role, name="member_role"),
    path("members/<id:pk>/remove/", member_views.member_remove, name="member_remove"),
    path(
        "members/<id:pk>/invite-again/",
        member_views.member_invite_again,
        name="member_invite_again",
    ),
]
