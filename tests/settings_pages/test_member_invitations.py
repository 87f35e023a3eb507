"""Members added by e-mail are pending until they accept (or decline) the invitation, and until
then the organisation sees only what its admin typed: nothing tells whether the address already
had an account. A new account accepts by choosing its password through the invitation link."""

import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organizations.demo import seed_people
from organizations.models import Membership
from organizations.roles import CAPABILITIES, ROLE_DESCRIPTIONS, Role

from ..conftest import in_english, make_member
from ..factories import MembershipFactory, OrganizationFactory

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


# --- accepting or declining ----------------------------------------------------------------


def invitations_page(person) -> str:
    response = person.get(reverse("invitations"))
    assert response.status_code == 200
    return response.content.decode()


def answer(person, membership, action):
    """Press Accept or Decline; the response and the messages of the page it leads to."""
    response = person.post(reverse(f"invitation_{action}", args=[membership.pk]))
    assert response.status_code == 302
    return response, shown(person, response)


def test_logging_in_leaves_an_existing_accounts_invitation_open(admin_client, kommun, kim):
    add(admin_client, "kim@varberg.se", first_name="Kim", last_name="Berg")
    membership = Membership.objects.get(user=kim, organization=kommun)

    person = english_client()
    assert log_in(person, kim.username).status_code == 302

    membership.refresh_from_db()
    assert membership.is_pending
    assert person.get("/kungsbacka/").status_code == 404
    # Their own start page says there is an invitation, and the header links to it.
    start = person.get(reverse("home"), follow=True).content.decode()
    assert "Kungsbacka kommun has invited you to Spaning." in start
    assert 'href="/invitations/"' in start
    assert "1 invitation<" in start
    page = invitations_page(person)
    assert "Kungsbacka kommun" in page
    assert "as Staff" in page


def test_accepting_gives_access_and_shows_the_admin_the_account(admin_client, kommun, kim):
    add(admin_client, "kim@varberg.se", first_name="Kim", last_name="Berg")
    membership = Membership.objects.get(user=kim, organization=kommun)
    person = english_client()
    log_in(person, kim.username)

    response, messages = answer(person, membership, "accept")

    assert response.url == "/kungsbacka/"
    assert messages == ["Welcome to Kungsbacka kommun: you are a member as Staff."]
    membership.refresh_from_db()
    assert not membership.is_pending
    assert "Kungsbacka kommun" in person.get("/kungsbacka/").content.decode()
    assert "You have no invitations waiting" in invitations_page(person)
    # Kim had set their own name: the admin now sees it, and the account's address.
    row = row_of(
        admin_client.get(reverse("settings:members", args=[kommun.slug])).content.decode(),
        "kim@varberg.se",
    )
    assert "Kim Hemlig" in row
    assert "Kim Berg" not in row
    assert "Invited" not in row


def test_declining_deletes_the_invitation_and_the_address_may_be_invited_again(
    admin_client, kommun, other_kommun, kim
):
    add(admin_client, "kim@varberg.se", first_name="Kim", last_name="Berg")
    membership = Membership.objects.get(user=kim, organization=kommun)
    person = english_client()
    log_in(person, kim.username)

    response, messages = answer(person, membership, "decline")

    assert response.url == "/invitations/"
    assert messages == ["You declined the invitation to Kungsbacka kommun."]
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert person.get("/kungsbacka/").status_code == 404
    # The account and its own organisation are untouched.
    assert Membership.objects.get(user=kim, organization=other_kommun).role == Role.EDITOR
    # To the admin the row is gone, as if withdrawn; inviting again is a new invitation.
    page = admin_client.get(reverse("settings:members", args=[kommun.slug])).content.decode()
    assert "kim@varberg.se" not in page
    add(admin_client, "kim@varberg.se")
    assert Membership.objects.get(user=kim, organization=kommun).is_pending


def test_an_invitation_is_answered_only_by_its_person_and_only_once(
    admin_client, kommun, members, kim
):
    add(admin_client, "kim@varberg.se")
    membership = Membership.objects.get(user=kim, organization=kommun)
    gone = ["This invitation is no longer open: it may have been withdrawn, or already answered."]

    # Someone else, even a member of the organisation, cannot answer it for Kim.
    stranger = english_client()
    stranger.force_login(members["staff"])
    for action in ("accept", "decline"):
        assert answer(stranger, membership, action)[1] == gone
    membership.refresh_from_db()
    assert membership.is_pending

    person = english_client()
    person.force_login(kim)
    assert person.get(reverse("invitation_accept", args=[membership.pk])).status_code == 405
    assert person.post(f"/invitations/{'9' * 30}/accept/").status_code == 404
    answer(person, membership, "accept")
    # Pressed again in another tab: said plainly, nothing changes.
    assert answer(person, membership, "accept")[1] == gone
    assert answer(person, membership, "decline")[1] == gone
    assert Membership.objects.filter(pk=membership.pk, accepted_at__isnull=False).exists()


def test_an_invitation_withdrawn_while_the_page_was_open(admin_client, kommun, kim):
    add(admin_client, "kim@varberg.se")
    membership = Membership.objects.get(user=kim, organization=kommun)
    person = english_client()
    person.force_login(kim)
    invitations_page(person)
    admin_client.post(reverse("settings:member_remove", args=[kommun.slug, membership.pk]))

    response, messages = answer(person, membership, "accept")

    assert response.url == "/invitations/"
    assert messages[0].startswith("This invitation is no longer open")
    assert person.get("/kungsbacka/").status_code == 404


def test_the_invitations_page_needs_a_login_and_shows_only_ones_own(
    admin_client, kommun, other_kommun, kim
):
    add(admin_client, "kim@varberg.se")
    add(admin_client, "someone.else@varberg.se")

    assert english_client().get(reverse("invitations")).url.startswith("/accounts/login/")
    person = english_client()
    person.force_login(kim)
    page = invitations_page(person)
    # One invitation (Kim's, to Kungsbacka): accept and decline. Varberg, where Kim is a
    # member, and the other address's invitation are not there.
    assert re.findall(r'<h2 id="invitation-\d+">(.*?)</h2>', page) == ["Kungsbacka kommun"]
    assert page.count('action="/invitations/') == 2


def test_the_invitations_page_takes_a_constant_number_of_queries(
    kim, kommun, other_kommun, django_assert_max_num_queries
):
    for _organization in range(5):
        organization = OrganizationFactory(catalogue=False)
        MembershipFactory(user=kim, organization=organization, pending=True)
    person = english_client()
    person.force_login(kim)
    # Session and user, then the user's memberships (pending ones included) once.
    with django_assert_max_num_queries(4):
        page = invitations_page(person)
    assert page.count("<h2 id=") == 5


def test_someone_invited_but_in_no_organisation_yet_starts_at_the_invitations(
    admin_client, kommun, db
):
    person_account = User.objects.create_user("fristaende", "fri@example.se", PASSWORD)
    add(admin_client, "fri@example.se")
    person = english_client()

    log_in(person, "fristaende")

    assert person.get(reverse("home")).url == "/invitations/"
    assert "Kungsbacka kommun" in invitations_page(person)
    assert Membership.objects.get(user=person_account).is_pending


def test_a_new_person_accepts_by_choosing_a_password_through_the_link(client, admin_client, kommun):
    add(admin_client, "ny@kungsbacka.se", first_name="Nora", role="scanner")
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    admin_client.logout()

    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Lång-och-säker-42", "new_password2": "Lång-och-säker-42"},
    )
    # Following the link sent to the address is accepting: there is nothing else to answer.
    membership = Membership.objects.get(invited_email="ny@kungsbacka.se")
    assert not membership.is_pending

    assert log_in(client, membership.user.username, "Lång-och-säker-42").status_code == 302
    start = client.get(reverse("home"), follow=True).content.decode()
    assert "Kungsbacka kommun" in start
    assert "invitation" not in start


def test_resetting_a_password_accepts_nothing_for_an_account_that_had_one(
    client, admin_client, kommun, kim
):
    """The forgotten-password link is not an answer to an invitation."""
    add(admin_client, "kim@varberg.se")
    admin_client.logout()
    mail.outbox.clear()
    client.post("/accounts/password_reset/", {"email": "kim@varberg.se"})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Lång-och-säker-42", "new_password2": "Lång-och-säker-42"},
    )

    assert Membership.objects.get(user=kim, organization=kommun).is_pending


# --- memberships made other ways ------------------------------------------------------------


def test_memberships_made_directly_and_by_seed_demo_are_accepted(kommun):
    assert not Membership.objects.get(user=make_member(kommun, Role.SCANNER)).is_pending
    seed_people()
    assert Membership.objects.exists()
    assert not Membership.objects.filter(accepted_at__isnull=True).exists()


def test_memberships_from_before_invitations_count_as_accepted():
    """The migration that brought invitations fills `accepted_at` of every existing row with
    the moment it ran: nobody who was a member before has to accept anything. (Checked on the
    operation itself: migrating the test database back to before it would unapply every app's
    migrations, which cost half a minute of every CI run.)"""
    migration = import_module("organizations.migrations.0002_membership_invitation").Migration
    accepted_at = next(op for op in migration.operations if op.name == "accepted_at").field
    assert accepted_at.default is timezone.now


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


@pytest.mark.django_db
def test_names_the_first_invitation_gave_an_account_go_back_to_its_membership():
    """Before, an account created by an invitation took the name its admin typed, for every
    organisation; the migration leaves that name on the membership only. Its data step runs
    here on today's schema, which has every field it reads."""
    return_typed_names = import_module(
        "organizations.migrations.0004_invitations_answered_names_per_organization"
    ).return_typed_names
    first = OrganizationFactory(name="Första", slug="forsta")
    second = OrganizationFactory(name="Andra", slug="andra")
    User = get_user_model()
    invited = User.objects.create(username="nora", first_name="Nora", last_name="Nyström")
    MembershipFactory(
        user=invited,
        organization=first,
        role=Role.SCANNER,
        invited_email="nora@example.se",
        invited_name="Nora Nyström",
    )
    MembershipFactory(
        user=invited, organization=second, role=Role.STAFF, invited_email="nora@example.se"
    )
    # An account that had its name before any invitation keeps it.
    named = User.objects.create(username="kim", first_name="Kim", last_name="Hemlig")
    User.objects.filter(pk=named.pk).update(date_joined=timezone.now() - timedelta(days=30))
    MembershipFactory(user=named, organization=second, role=Role.EDITOR)
    MembershipFactory(
        user=named,
        organization=first,
        role=Role.STAFF,
        invited_email="kim@example.se",
        invited_name="Kim Hemlig",
    )

    return_typed_names(django_apps, None)

    nora = User.objects.get(username="nora")
    assert (nora.first_name, nora.last_name) == ("", "")
    kim = User.objects.get(username="kim")
    assert (kim.first_name, kim.last_name) == ("Kim", "Hemlig")
    typed = Membership.objects.get(user=invited, organization=first)
    assert typed.invited_name == "Nora Nyström"


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
