"""Members added by e-mail are pending until they log in, and until then the organisation sees
only what its admin typed: nothing tells whether the address already had an account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from organizations.demo import seed_people
from organizations.models import Membership
from organizations.roles import CAPABILITIES, ROLE_DESCRIPTIONS, Role

from ..conftest import in_english, make_member
from ..factories import MembershipFactory

User = get_user_model()
PASSWORD = "pw-for-tests"


@pytest.fixture
def kim(other_members):
    """Someone with an account in Varberg, whom Kungsbacka's admin knows only by address."""
    person = other_members["editor"]
    person.first_name, person.last_name = "Kim", "Hemlig"
    person.email = "kim@varberg.se"
    person.save()
    return person


def add(admin_client, email, first_name="", last_name="", role="staff"):
    response = admin_client.post(
        reverse("settings:member_add", args=["kungsbacka"]),  # the `kommun` fixture
        {"email": email, "role": role, "first_name": first_name, "last_name": last_name},
    )
    assert response.status_code == 302
    shown(admin_client, response)
    return response


def shown(client, response) -> list[str]:
    """Follow the redirect and return the messages the next page shows (and so uses up)."""
    followed = client.get(response.url)
    return [str(message) for message in followed.context["messages"]]


def row_of(page: str, email: str) -> str:
    """The members list's row for this address, with the address and ids made neutral."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if email in row]
    assert len(rows) == 1, rows
    return re.sub(r"\d+", "N", rows[0].replace(email, "ADDRESS"))


def english_client() -> Client:
    """A second browser, beside the admin's."""
    return in_english(Client())


def log_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


# --- what the admin sees --------------------------------------------------------------------


def test_an_existing_and_a_new_address_are_listed_alike(admin_client, kommun, kim):
    add(admin_client, "kim@varberg.se")
    add(admin_client, "okand@varberg.se")

    page = admin_client.get(reverse("settings:members", args=[kommun.slug])).content.decode()

    existing, new = row_of(page, "kim@varberg.se"), row_of(page, "okand@varberg.se")
    assert existing == new
    assert "Invited: not yet accepted" in existing
    assert "has not chosen a password" not in existing
    for secret in ["Kim", "Hemlig", kim.username]:
        assert secret not in page


def test_a_pending_member_is_named_as_typed_everywhere(admin_client, kommun, kim):
    add(admin_client, "kim@varberg.se", first_name="Kim", last_name="Berg")
    membership = Membership.objects.get(user=kim, organization=kommun)

    pages = [
        admin_client.get(reverse("settings:members", args=[kommun.slug])),
        admin_client.get(reverse("settings:member_role", args=[kommun.slug, membership.pk])),
        admin_client.get(reverse("settings:member_remove", args=[kommun.slug, membership.pk])),
    ]
    for response in pages:
        html = response.content.decode()
        assert "Kim Berg" in html
        assert "Hemlig" not in html
    changed = admin_client.post(
        reverse("settings:member_role", args=[kommun.slug, membership.pk]), {"role": "editor"}
    )
    assert shown(admin_client, changed) == ["Kim Berg is now Editor."]
    removed = admin_client.post(
        reverse("settings:member_remove", args=[kommun.slug, membership.pk])
    )
    assert shown(admin_client, removed) == ["Kim Berg is no longer a member of Kungsbacka kommun."]


def test_a_pending_member_sorts_by_the_name_shown(admin_client, kommun, members, kim):
    """Kim Hemlig would sort among the K's; as typed, "Örjan" sorts last."""
    add(admin_client, "kim@varberg.se", first_name="Örjan")

    response = admin_client.get(reverse("settings:members", args=[kommun.slug]))

    names = [row["name"] for row in response.context["rows"]]
    assert names[-1] == "Örjan"
    assert names == sorted(names, key=str.casefold)


def test_sending_the_invitation_again_answers_alike(admin_client, kommun, kim):
    add(admin_client, "kim@varberg.se")
    add(admin_client, "okand@varberg.se")
    mail.outbox.clear()

    def again(email):
        membership = Membership.objects.get(organization=kommun, invited_email=email)
        response = admin_client.post(
            reverse("settings:member_invite_again", args=[kommun.slug, membership.pk])
        )
        return response.status_code, [m.replace(email, "…") for m in shown(admin_client, response)]

    assert again("kim@varberg.se") == again("okand@varberg.se")
    assert [m.to for m in mail.outbox] == [["kim@varberg.se"], ["okand@varberg.se"]]
    # The existing account is sent the login notice again, the new one the password link.
    assert "/accounts/login/" in mail.outbox[0].body
    assert "/accounts/reset/" in mail.outbox[1].body


def test_the_other_organisation_sees_nothing_of_the_invitation(
    client_for, kommun, members, other_kommun, other_members, kim
):
    add(client_for(members["admin"]), "kim@varberg.se")

    page = (
        client_for(other_members["admin"])
        .get(
            reverse(
                "settings:members",
                args=[other_members["admin"].memberships.get().organization.slug],
            )
        )
        .content.decode()
    )

    assert "Kungsbacka" not in page
    assert "not yet accepted" not in page
    assert "Kim Hemlig" in page  # accepted there: their own name, as before


# --- accepting by logging in ----------------------------------------------------------------


def test_logging_in_accepts_the_membership_and_gives_access(admin_client, kommun, kim):
    add(admin_client, "kim@varberg.se", first_name="Kim", last_name="Berg")
    membership = Membership.objects.get(user=kim, organization=kommun)
    assert membership.is_pending

    person = english_client()
    assert log_in(person, kim.username).status_code == 302

    membership.refresh_from_db()
    assert not membership.is_pending
    assert "Kungsbacka kommun" in person.get("/kungsbacka/").content.decode()
    # The admin now sees the account's own name, and no note.
    row = row_of(
        admin_client.get(reverse("settings:members", args=[kommun.slug])).content.decode(),
        "kim@varberg.se",
    )
    assert "Kim Hemlig" in row
    assert "Kim Berg" not in row
    assert "Invited" not in row


def test_a_pending_membership_gives_no_access_before_the_next_login(admin_client, kommun, kim):
    person = english_client()
    person.force_login(kim)  # logged in before being added
    add(admin_client, "kim@varberg.se")

    assert person.get("/kungsbacka/").status_code == 404
    assert "Kungsbacka kommun" not in person.get(reverse("home"), follow=True).content.decode()


def test_a_new_person_accepts_by_logging_in_with_the_password_they_chose(
    client, admin_client, kommun
):
    add(admin_client, "ny@kungsbacka.se", first_name="Nora", role="scanner")
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    admin_client.logout()

    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Lång-och-säker-42", "new_password2": "Lång-och-säker-42"},
    )
    membership = Membership.objects.get(invited_email="ny@kungsbacka.se")
    assert membership.is_pending  # choosing a password is not logging in

    assert log_in(client, membership.user.username, "Lång-och-säker-42").status_code == 302
    membership.refresh_from_db()
    assert not membership.is_pending
    assert "Kungsbacka kommun" in client.get(reverse("home"), follow=True).content.decode()


# --- memberships made other ways ------------------------------------------------------------


def test_memberships_made_directly_and_by_seed_demo_are_accepted(kommun):
    assert not Membership.objects.get(user=make_member(kommun, Role.SCANNER)).is_pending
    seed_people()
    assert Membership.objects.exists()
    assert not Membership.objects.filter(accepted_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_memberships_from_before_invitations_count_as_accepted():
    before = [("organizations", "0001_initial")]
    after = [("organizations", "0002_membership_invitation")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    organization = old.get_model("organizations", "Organization").objects.create(
        name="Gamla kommunen", slug="gamla", perspective_name="Gamla"
    )
    user = old.get_model("auth", "User").objects.create(username="gammal")
    old.get_model("organizations", "Membership").objects.create(
        user_id=user.pk, organization=organization, role=Role.SCANNER
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        membership = new.get_model("organizations", "Membership").objects.get(
            user__username="gammal"
        )
        assert membership.accepted_at is not None
        assert membership.invited_email == ""
    finally:
        # The rest of the suite runs on the current schema.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_django_admin_shows_whether_a_membership_is_accepted(client, kommun, members, kim):
    superuser = User.objects.create_superuser("root", "root@example.se", PASSWORD)
    client.force_login(superuser)
    MembershipFactory(user=kim, organization=kommun, role=Role.STAFF, pending=True)

    assert client.get(reverse("admin:organizations_membership_changelist")).status_code == 200
    page = client.get(reverse("admin:auth_user_change", args=[kim.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    # The inline keeps to organisation, role and acceptance; the typed details stay on the
    # membership's own page.
    assert 'name="memberships-0-accepted_at_0"' in html
    assert "invited_email" not in html


def test_the_add_form_says_in_one_line_what_each_role_may_do(admin_client, kommun):
    html = admin_client.get(reverse("settings:member_add", args=[kommun.slug])).content.decode()

    for role in Role:
        option = re.search(
            rf'<input type="radio" name="role" value="{role.value}"[^>]*>\s*'
            rf'<span class="choice__label">([^<]*)</span>\s*'
            rf'<span class="choice__explanation">([^<]*)</span>',
            html,
        )
        assert option, role
        assert option[1] == role.label
        assert option[2] == str(ROLE_DESCRIPTIONS[role])
    # Only the roles that may manage the organisation are described as doing so.
    for role in Role:
        manages = role in CAPABILITIES["manage_organization"]
        assert ("manages the members" in str(ROLE_DESCRIPTIONS[role])) == manages, role
