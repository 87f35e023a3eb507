"""Every settings page × every role × own and other organisation.

Only the organisation's admin gets in; other roles get 403, anonymous visitors the login page,
and an admin of another organisation a 404 for this organisation's objects.
"""

import pytest
from django.urls import resolve, reverse

from organizations.models import Membership
from organizations.roles import Role
from signals.models import Area, DrivingForce, Tag, Trend

# (method, URL name, kind of object the URL names, or None)
VIEWS = [
    ("get", "settings:areas", None),
    ("get", "settings:area_create", None),
    ("post", "settings:area_create", None),
    ("get", "settings:area_edit", "area"),
    ("post", "settings:area_edit", "area"),
    ("post", "settings:area_retire", "area"),
    ("post", "settings:area_reactivate", "area"),
    ("get", "settings:trends", None),
    ("get", "settings:trend_create", None),
    ("post", "settings:trend_create", None),
    ("get", "settings:trend_edit", "trend"),
    ("post", "settings:trend_edit", "trend"),
    ("post", "settings:trend_retire", "trend"),
    ("post", "settings:trend_reactivate", "trend"),
    ("post", "settings:trends_restore", None),
    ("get", "settings:driving_forces", None),
    ("get", "settings:driving_force_create", None),
    ("post", "settings:driving_force_create", None),
    ("get", "settings:driving_force_edit", "driving_force"),
    ("post", "settings:driving_force_edit", "driving_force"),
    ("post", "settings:driving_force_delete", "driving_force"),
    ("get", "settings:tags", None),
    ("get", "settings:tag_edit", "tag"),
    ("post", "settings:tag_edit", "tag"),
    ("post", "settings:tag_merge", "tag"),
    ("post", "settings:tag_delete", "tag"),
    ("get", "settings:members", None),
    ("get", "settings:member_add", None),
    ("post", "settings:member_add", None),
    ("get", "settings:member_role", "membership"),
    ("post", "settings:member_role", "membership"),
    ("get", "settings:member_remove", "membership"),
    ("post", "settings:member_remove", "membership"),
    ("post", "settings:member_invite_again", "membership"),
]
POST_ONLY = [
    "settings:area_retire",
    "settings:area_reactivate",
    "settings:trend_retire",
    "settings:trend_reactivate",
    "settings:trends_restore",
    "settings:driving_force_delete",
    "settings:tag_merge",
    "settings:tag_delete",
    "settings:member_invite_again",
]
OBJECT_VIEWS = [view for view in VIEWS if view[2]]
NOT_ADMIN = [role for role in Role.values if role != Role.ADMIN]


def view_id(view):
    return f"{view[0]} {view[1]}"


def objects_of(organization):
    return {
        "area": Area.objects.filter(organization=organization).first(),
        "trend": Trend.objects.filter(organization=organization).first(),
        "driving_force": DrivingForce.objects.get(organization=organization, name="Demografi"),
        "tag": Tag.objects.get_or_create(organization=organization, name="skola")[0],
        "membership": Membership.objects.filter(
            organization=organization, role=Role.SCANNER
        ).first(),
    }


def url_for(view, organization):
    _method, name, kind = view
    args = [organization.slug, objects_of(organization)[kind].pk] if kind else [organization.slug]
    return reverse(name, args=args)


def request(client, view, url):
    return getattr(client, view[0])(url)


def test_every_settings_view_requires_manage_organization():
    for _method, name, kind in VIEWS:
        url = reverse(name, args=["kungsbacka", 1] if kind else ["kungsbacka"])
        assert resolve(url).func.required_capability == "manage_organization", name


@pytest.mark.parametrize("view", VIEWS, ids=view_id)
def test_anonymous_visitors_are_sent_to_login(client, kommun, members, view):
    url = url_for(view, kommun)
    response = request(client, view, url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", NOT_ADMIN)
@pytest.mark.parametrize("view", VIEWS, ids=view_id)
def test_other_roles_are_refused(client_for, kommun, members, role, view):
    client = client_for(members[role])
    assert request(client, view, url_for(view, kommun)).status_code == 403


@pytest.mark.parametrize("view", VIEWS, ids=view_id)
def test_the_admin_gets_in(client_for, kommun, members, view):
    client = client_for(members["admin"])
    response = request(client, view, url_for(view, kommun))
    # GET shows a page; POST without data shows the form again or acts and redirects.
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("view", OBJECT_VIEWS, ids=view_id)
def test_another_organisations_objects_are_not_found(
    client_for, kommun, members, other_kommun, other_members, view
):
    client = client_for(members["admin"])
    assert request(client, view, url_for(view, other_kommun)).status_code == 404


@pytest.mark.parametrize("name", POST_ONLY)
def test_changes_are_post_only(client_for, kommun, members, name):
    view = next(view for view in VIEWS if view[1] == name)
    client = client_for(members["admin"])
    assert client.get(url_for(view, kommun)).status_code == 405


def test_the_admin_of_another_organisation_is_refused_here(
    client_for, kommun, members, other_kommun, other_members
):
    """Admin elsewhere is nobody here: the other organisation's admin works in their own."""
    client = client_for(other_members["admin"])
    area = Area.objects.filter(organization=kommun).first()
    assert (
        client.post(reverse("settings:area_retire", args=[kommun.slug, area.pk])).status_code == 404
    )
    area.refresh_from_db()
    assert area.is_active


def test_the_settings_link_is_shown_to_admins_only(client_for, kommun, members):
    settings_url = reverse("settings:areas", args=[kommun.slug])
    for role in Role.values:
        page = client_for(members[role]).get(reverse("home"), follow=True).content.decode()
        assert (f'href="{settings_url}"' in page) == (role == Role.ADMIN), role
