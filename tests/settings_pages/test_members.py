"""The members pages: the organisation's memberships, roles, removal and invitations."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from organizations.models import Membership
from organizations.roles import Role
from organizations.services import LastAdminError, membership_change_role, membership_remove

from ..conftest import make_member
from ..factories import MembershipFactory
from .conftest import field_errors, messages_of

User = get_user_model()


def membership_of(user, organization):
    return Membership.objects.get(user=user, organization=organization)


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_this_organisations_members_only(
    admin_client, kommun, members, other_kommun, other_members
):
    members["editor"].email = "editor@kungsbacka.se"
    members["editor"].save()
    other_members["scanner"].email = "hemlig@varberg.se"
    other_members["scanner"].save()
    response = admin_client.get(reverse("settings:members", args=[kommun.slug]))
    assert response.status_code == 200
    listed = {row["membership"].user for row in response.context["rows"]}
    assert listed == set(members.values())
    page = response.content.decode()
    assert "editor@kungsbacka.se" in page
    assert "hemlig@varberg.se" not in page
    assert "Scanner-varberg" not in page
    assert '<label for="role-' in page  # each role select has a label
    assert '<th scope="col">E-mail</th>' in page


def test_the_list_takes_a_constant_number_of_queries(
    admin_client, kommun, members, django_assert_max_num_queries
):
    for number in range(30):
        make_member(kommun, Role.SCANNER, username=f"person{number}")
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("settings:members", args=[kommun.slug]))
    assert len(response.context["rows"]) == 35


# --- roles ----------------------------------------------------------------------------------


def test_changing_a_members_role(admin_client, kommun, members):
    membership = membership_of(members["scanner"], kommun)
    response = admin_client.post(
        reverse("settings:member_role", args=[kommun.slug, membership.pk]), {"role": "editor"}
    )
    assert response.status_code == 302
    assert response.url == reverse("settings:members", args=[kommun.slug])
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR
    assert messages_of(response) == ["Scanner-kungsbacka is now Editor."]


@pytest.mark.parametrize("role", ["superuser", "", "ADMIN"])
def test_a_role_that_does_not_exist_is_a_field_error(admin_client, kommun, members, role):
    membership = membership_of(members["scanner"], kommun)
    response = admin_client.post(
        reverse("settings:member_role", args=[kommun.slug, membership.pk]), {"role": role}
    )
    assert response.status_code == 200
    assert field_errors(response, "role")
    membership.refresh_from_db()
    assert membership.role == Role.SCANNER


def test_the_last_admin_cannot_step_down(admin_client, kommun, members):
    membership = membership_of(members["admin"], kommun)
    response = admin_client.post(
        reverse("settings:member_role", args=[kommun.slug, membership.pk]), {"role": "editor"}
    )
    assert response.status_code == 200
    assert field_errors(response, "role") == [
        "Admin-kungsbacka is the only administrator of Kungsbacka kommun. "
        "Make someone else an administrator first."
    ]
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_an_admin_may_step_down_when_another_admin_remains(admin_client, kommun, members):
    make_member(kommun, Role.ADMIN, username="admin2")
    membership = membership_of(members["admin"], kommun)
    response = admin_client.post(
        reverse("settings:member_role", args=[kommun.slug, membership.pk]), {"role": "editor"}
    )
    # The settings are no longer theirs: back to the start page.
    assert response.status_code == 302
    assert response.url == reverse("home")
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR
    assert admin_client.get(reverse("settings:members", args=[kommun.slug])).status_code == 403


def test_the_role_page_works_without_the_list(admin_client, kommun, members):
    membership = membership_of(members["staff"], kommun)
    response = admin_client.get(reverse("settings:member_role", args=[kommun.slug, membership.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["role"] == Role.STAFF


# --- removing -------------------------------------------------------------------------------


def test_removing_a_member_asks_first_then_removes_the_membership_only(
    admin_client, kommun, members, other_kommun
):
    scanner = members["scanner"]
    MembershipFactory(user=scanner, organization=other_kommun, role=Role.EDITOR)
    membership = membership_of(scanner, kommun)
    url = reverse("settings:member_remove", args=[kommun.slug, membership.pk])

    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert "Remove Scanner-kungsbacka" in confirm.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()

    response = admin_client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("settings:members", args=[kommun.slug])
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=scanner.pk).exists()
    assert membership_of(scanner, other_kommun).role == Role.EDITOR
    assert messages_of(response) == [
        "Scanner-kungsbacka is no longer a member of Kungsbacka kommun."
    ]


def test_the_last_admin_cannot_remove_themselves(admin_client, kommun, members):
    membership = membership_of(members["admin"], kommun)
    response = admin_client.post(
        reverse("settings:member_remove", args=[kommun.slug, membership.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "is the only administrator of Kungsbacka kommun" in page
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_admin_may_leave_when_another_admin_remains(admin_client, kommun, members):
    make_member(kommun, Role.ADMIN, username="admin2")
    membership = membership_of(members["admin"], kommun)
    response = admin_client.post(
        reverse("settings:member_remove", args=[kommun.slug, membership.pk])
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_another_admin_can_be_removed(admin_client, kommun, members):
    second = make_member(kommun, Role.ADMIN, username="admin2")
    membership = membership_of(second, kommun)
    admin_client.post(reverse("settings:member_remove", args=[kommun.slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


# --- adding ---------------------------------------------------------------------------------


def test_adding_an_existing_account_by_email(admin_client, kommun, other_kommun, other_members):
    person = other_members["editor"]
    person.email = "Kim.Berg@Varberg.se"
    person.save()
    users_before = User.objects.count()
    response = admin_client.post(
        reverse("settings:member_add", args=[kommun.slug]),
        {"email": "kim.berg@varberg.se", "role": "scanner"},
    )
    assert response.status_code == 302
    assert membership_of(person, kommun).role == Role.SCANNER
    # Their membership elsewhere and their account are untouched.
    assert membership_of(person, other_kommun).role == Role.EDITOR
    assert User.objects.count() == users_before
    # The answer names only the address as typed: not the person, not their stored address.
    assert messages_of(response) == [
        "An invitation has been sent to kim.berg@varberg.se, who was added as Scanning group."
    ]
    # They are invited by e-mail, with a link to log in to their invitations (they have a
    # password already); until they accept, the membership is pending.
    assert membership_of(person, kommun).is_pending
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Kim.Berg@Varberg.se"]
    assert message.subject == "You are invited to Kungsbacka kommun in Spaning"
    assert "Admin-kungsbacka has invited you to Kungsbacka kommun" in message.body
    assert "http://testserver/accounts/login/?next=%2Finvitations%2F" in message.body
    assert "/accounts/reset/" not in message.body
    person.refresh_from_db()
    assert person.has_usable_password()


def test_the_answer_is_the_same_whether_the_address_has_an_account_or_not(
    admin_client, kommun, other_members
):
    """An admin of one municipality must not learn who has an account through another."""
    person = other_members["editor"]
    person.first_name, person.last_name = "Kim", "Hemlig"
    person.email = "kim@varberg.se"
    person.save()

    def add(email):
        response = admin_client.post(
            reverse("settings:member_add", args=[kommun.slug]),
            {"email": email, "role": "staff", "first_name": "", "last_name": ""},
        )
        followed = admin_client.get(response.url)
        shown = [str(m) for m in followed.context["messages"]]
        return response.status_code, response.url, [m.replace(email, "…") for m in shown]

    existing = add("kim@varberg.se")
    new = add("okand@varberg.se")

    assert existing == new
    assert existing[2] == ["An invitation has been sent to …, who was added as Staff."]
    assert [m.to for m in mail.outbox] == [["kim@varberg.se"], ["okand@varberg.se"]]


def test_the_success_message_never_names_the_person(admin_client, kommun, other_members):
    person = other_members["scanner"]
    person.first_name, person.last_name = "Hemliga", "Personen"
    person.email = "hemlig@varberg.se"
    person.save()
    response = admin_client.post(
        reverse("settings:member_add", args=[kommun.slug]),
        {"email": "hemlig@varberg.se", "role": "scanner"},
    )
    (message,) = messages_of(response)
    assert "Hemliga" not in message
    assert "Personen" not in message
    assert person.username not in message


def test_adding_someone_who_is_already_a_member_is_a_field_error(admin_client, kommun, members):
    members["editor"].email = "anna@kungsbacka.se"
    members["editor"].save()
    response = admin_client.post(
        reverse("settings:member_add", args=[kommun.slug]),
        {"email": "anna@kungsbacka.se", "role": "admin"},
    )
    assert field_errors(response, "email") == [
        "anna@kungsbacka.se is already a member of Kungsbacka kommun."
    ]
    assert membership_of(members["editor"], kommun).role == Role.EDITOR


def test_an_address_shared_by_several_accounts_is_a_field_error(admin_client, kommun):
    User.objects.create_user("a1", email="delad@example.se")
    User.objects.create_user("a2", email="delad@example.se")
    response = admin_client.post(
        reverse("settings:member_add", args=[kommun.slug]),
        {"email": "delad@example.se", "role": "scanner"},
    )
    assert field_errors(response, "email")
    assert not Membership.objects.filter(user__email="delad@example.se").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"email": "ny@kungsbacka.se", "role": "superuser"},
        {"email": "ny@kungsbacka.se"},
        {"email": "inte en adress", "role": "scanner"},
        {"email": "", "role": "scanner"},
    ],
)
def test_bad_input_stores_nothing(admin_client, kommun, data):
    users_before = User.objects.count()
    response = admin_client.post(reverse("settings:member_add", args=[kommun.slug]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    assert User.objects.count() == users_before
    assert mail.outbox == []


def test_inviting_a_new_person_sends_a_link_to_choose_a_password(client, admin_client, kommun):
    response = admin_client.post(
        reverse("settings:member_add", args=[kommun.slug]),
        {
            "email": "nya.kollegan@kungsbacka.se",
            "role": "editor",
            "first_name": "Nora",
            "last_name": "Nyström",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="nya.kollegan@kungsbacka.se")
    # The name typed is the organisation's, not the account's: the person chooses their own.
    assert (person.username, person.get_full_name()) == ("nya.kollegan", "")
    assert membership_of(person, kommun).invited_name == "Nora Nyström"
    assert not person.has_usable_password()
    assert person.is_active
    assert membership_of(person, kommun).role == Role.EDITOR
    assert messages_of(response) == [
        "An invitation has been sent to nya.kollegan@kungsbacka.se, who was added as Editor."
    ]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nya.kollegan@kungsbacka.se"]
    assert "Kungsbacka kommun" in message.subject
    assert "Admin-kungsbacka has given you access" in message.body
    assert "nya.kollegan" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)

    # The invited person follows the link (logged out) and chooses a password.
    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Lång-och-säker-42", "new_password2": "Lång-och-säker-42"}
    )
    assert done.status_code == 302
    assert client.login(username="nya.kollegan", password="Lång-och-säker-42")
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_a_new_username_does_not_collide_with_an_existing_one(admin_client, kommun):
    User.objects.create_user("anna", email="anna@annanstans.se")
    admin_client.post(
        reverse("settings:member_add", args=[kommun.slug]),
        {"email": "anna@kungsbacka.se", "role": "scanner"},
    )
    assert User.objects.get(email="anna@kungsbacka.se").username == "anna2"


def test_adding_an_existing_account_that_never_chose_a_password_sends_the_invitation(
    admin_client, kommun
):
    invited = User.objects.create_user("invited", email="inbjuden@example.se")
    invited.set_unusable_password()
    invited.save()
    admin_client.post(
        reverse("settings:member_add", args=[kommun.slug]),
        {"email": "inbjuden@example.se", "role": "staff"},
    )
    assert membership_of(invited, kommun).role == Role.STAFF
    assert [m.to for m in mail.outbox] == [["inbjuden@example.se"]]


def test_sending_the_link_again(admin_client, kommun):
    admin_client.post(
        reverse("settings:member_add", args=[kommun.slug]),
        {"email": "ny@kungsbacka.se", "role": "scanner"},
    )
    membership = Membership.objects.get(user__email="ny@kungsbacka.se")
    page = admin_client.get(reverse("settings:members", args=[kommun.slug])).content.decode()
    # Pending until they log in, and noted alike whether or not the address had an account:
    # "has not chosen a password yet" would tell (see test_member_invitations.py).
    assert "Invited: not yet accepted" in page
    assert "Invited: has not chosen a password yet" not in page
    response = admin_client.post(
        reverse("settings:member_invite_again", args=[kommun.slug, membership.pk])
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["ny@kungsbacka.se"]
    assert messages_of(response) == ["The invitation was sent again to ny@kungsbacka.se."]


def test_a_member_who_never_chose_a_password_is_noted_and_can_get_the_link_again(
    admin_client, kommun
):
    """A membership made in the Django admin for an account without a password: accepted,
    but its owner cannot log in until they choose one."""
    person = make_member(kommun, Role.STAFF, username="utan")
    person.email = "utan@kungsbacka.se"
    person.set_unusable_password()
    person.save()
    page = admin_client.get(reverse("settings:members", args=[kommun.slug])).content.decode()
    assert "Invited: has not chosen a password yet" in page
    assert "Invited: not yet accepted" not in page
    response = admin_client.post(
        reverse(
            "settings:member_invite_again", args=[kommun.slug, membership_of(person, kommun).pk]
        )
    )
    assert [m.to for m in mail.outbox] == [["utan@kungsbacka.se"]]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert messages_of(response) == [
        "A new link to choose a password was sent to utan@kungsbacka.se."
    ]


def test_no_link_is_sent_to_someone_who_has_a_password(admin_client, kommun, members):
    members["scanner"].email = "scanner@kungsbacka.se"
    members["scanner"].save()
    membership = membership_of(members["scanner"], kommun)
    response = admin_client.post(
        reverse("settings:member_invite_again", args=[kommun.slug, membership.pk])
    )
    assert response.status_code == 302
    assert mail.outbox == []
    assert messages_of(response) == ["Scanner-kungsbacka has already chosen a password."]


# --- the rule itself ------------------------------------------------------------------------


def test_the_stored_role_decides_not_the_instance_in_hand(kommun, members):
    """A form may have changed the instance already; the guard reads the database."""
    membership = membership_of(members["admin"], kommun)
    membership.role = Role.EDITOR
    with pytest.raises(LastAdminError):
        membership_change_role(membership=membership, role=Role.EDITOR)
    with pytest.raises(LastAdminError):
        membership_remove(membership=membership)
    assert membership_of(members["admin"], kommun).role == Role.ADMIN


def test_the_guard_counts_admins_of_this_organisation_only(kommun, members, other_members):
    membership = membership_of(members["admin"], kommun)
    with pytest.raises(LastAdminError):
        membership_remove(membership=membership)
