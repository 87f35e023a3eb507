"""Who may open what: organization_required and get_visible_or_404, role by role.

The matrix below is written out by hand from the product's roles (see shared/domain.md), not
read from organizations/roles.py: a change to who may do what must change this test too.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext

from config.urls import urlpatterns as site_urlpatterns
from organizations.access import get_visible_or_404, organization_required
from organizations.roles import CAPABILITIES, Role
from signals.models import Area

SCANNER, EDITOR, MANAGEMENT, STAFF, ADMIN = (
    Role.SCANNER,
    Role.EDITOR,
    Role.MANAGEMENT,
    Role.STAFF,
    Role.ADMIN,
)
EVERYONE = {SCANNER, EDITOR, MANAGEMENT, STAFF, ADMIN}
MAY = {
    "member": EVERYONE,
    "log_signals": {SCANNER, EDITOR, ADMIN},
    "view_signals": EVERYONE,
    "watch_areas": {SCANNER, EDITOR, ADMIN},
    "triage": {SCANNER, EDITOR, ADMIN},
    "manage_feeds": {SCANNER, EDITOR, ADMIN},
    "compose_reports": {EDITOR, ADMIN},
    "read_reports": EVERYONE,
    "score_reports": {SCANNER, EDITOR, ADMIN},
    "discuss": EVERYONE,
    "open_threads": {SCANNER, EDITOR, ADMIN},
    "moderate_discussions": {EDITOR, ADMIN},
    "follow_up": EVERYONE,
    "plan_actions": {EDITOR, ADMIN, MANAGEMENT},
    "write_trend_analysis": {SCANNER, EDITOR, ADMIN},
    "publish_trend_analysis": {EDITOR, ADMIN},
    "read_trend_analyses": EVERYONE,
    "manage_organization": {ADMIN},
}


def _protected(capability):
    @organization_required(capability)
    def view(request):
        return HttpResponse(f"{capability} in {request.organization.name}")

    return view


@organization_required("view_signals")
def area_detail(request, pk):
    area = get_visible_or_404(Area, request.membership, pk=pk)
    return HttpResponse(area.name)


# A tiny URLconf for this module: one page per capability, one object page, and the site's
# own URLs (the 403/404 pages and the menu link to them).
urlpatterns = [
    *(path(f"<slug:organization_slug>/test/{name}/", _protected(name)) for name in MAY),
    path("<slug:organization_slug>/test/areas/<id:pk>/", area_detail),
    *site_urlpatterns,
]

pytestmark = pytest.mark.urls(__name__)


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def test_the_matrix_covers_every_capability():
    assert set(MAY) == set(CAPABILITIES)


@pytest.mark.parametrize("capability", MAY)
def test_anonymous_visitors_are_sent_to_the_login_page_and_back(client, db, capability):
    response = client.get(f"/kungsbacka/test/{capability}/?page=2")

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next=/kungsbacka/test/{capability}/%3Fpage%3D2"


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("capability", MAY)
def test_each_role_may_open_exactly_what_its_capabilities_allow(
    client_for, members, capability, role
):
    response = client_for(members[role]).get(f"/kungsbacka/test/{capability}/")

    if role in MAY[capability]:
        assert response.status_code == 200
        assert response.content.decode() == f"{capability} in Kungsbacka kommun"
    else:
        assert response.status_code == 403
        assert sv("You do not have access to this page") in response.content.decode()


@pytest.mark.parametrize("capability", MAY)
def test_someone_outside_the_organisation_is_told_the_page_does_not_exist(
    client_for, kommun, other_members, capability
):
    """Not a member: 404, the same as for an organisation that does not exist, so nobody
    learns which organisations use the installation."""
    outsider = get_user_model().objects.create_user("outsider", password="pw-for-tests")

    for user in (outsider, other_members[Role.ADMIN]):
        response = client_for(user).get(f"/kungsbacka/test/{capability}/")
        assert response.status_code == 404
    assert client_for(outsider).get(f"/nowhere/test/{capability}/").status_code == 404


def test_an_id_past_64_bits_is_a_plain_404(client_for, members):
    response = client_for(members["admin"]).get("/kungsbacka/test/areas/99999999999999999999/")

    assert response.status_code == 404


def test_a_user_without_membership_cannot_open_the_start_page(client_for, db):
    outsider = get_user_model().objects.create_user("outsider", password="pw-for-tests")

    assert client_for(outsider).get("/").status_code == 403


@pytest.mark.parametrize("role", Role.values)
def test_objects_of_the_own_organisation_are_shown(client_for, members, kommun, role):
    area = Area.objects.filter(organization=kommun).first()

    response = client_for(members[role]).get(f"/kungsbacka/test/areas/{area.pk}/")

    assert response.status_code == 200
    assert response.content.decode() == area.name


@pytest.mark.parametrize("role", Role.values)
def test_objects_of_another_organisation_look_like_they_do_not_exist(
    client_for, members, other_kommun, role
):
    area = Area.objects.filter(organization=other_kommun).first()

    response = client_for(members[role]).get(f"/kungsbacka/test/areas/{area.pk}/")

    assert response.status_code == 404
    assert sv("The page could not be found") in response.content.decode()
    assert area.name not in response.content.decode()


def test_a_missing_object_and_another_organisations_object_answer_alike(
    client_for, members, other_kommun
):
    client = client_for(members["admin"])
    area = Area.objects.filter(organization=other_kommun).first()

    foreign = client.get(f"/kungsbacka/test/areas/{area.pk}/")
    missing = client.get("/kungsbacka/test/areas/999999/")

    assert foreign.status_code == missing.status_code == 404
    assert _page(foreign) == _page(missing)


def _page(response) -> str:
    """The page without what differs on every request: its own address and the CSRF token."""
    html = response.content.decode().replace(response.wsgi_request.path, "")
    return re.sub(r"[A-Za-z0-9]{64}", "", html)


def test_an_unknown_capability_is_refused_when_the_view_is_declared():
    with pytest.raises(ValueError, match="no_such_thing"):
        organization_required("no_such_thing")
