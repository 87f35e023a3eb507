"""A person is named by their full name, else their username, and never breaks a page when the
account is gone."""

from django.contrib.auth import get_user_model

from core.lib.people import display_name


def test_the_full_name_comes_first():
    user = get_user_model()(username="anna.a", first_name="Anna", last_name="Andersson")
    assert display_name(user) == "Anna Andersson"


def test_without_a_name_the_username_is_shown():
    assert display_name(get_user_model()(username="anna.a")) == "anna.a"


def test_a_removed_user_has_no_name():
    assert display_name(None) == ""
