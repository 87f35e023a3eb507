"""Fixtures for the organisation admin's settings pages (areas, trends, tags, members).

Pages are requested in English (the language cookie), so that assertions on messages keep
passing once the lead has translated them to Swedish.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse


@pytest.fixture(autouse=True)
def _english(english):
    """Every page here is requested in English (the shared english fixture)."""


@pytest.fixture
def admin_client(client_for, members, kommun):
    """The admin of `kommun`, logged in and working there (the session knows the
    organisation, so query counts are those of a page opened in the middle of work)."""
    client = client_for(members["admin"])
    client.get(reverse("start", args=[kommun.slug]))
    return client


def messages_of(response) -> list[str]:
    """The messages a redirect left for the next page, as text."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def field_errors(response, field: str, form: str = "form") -> list[str]:
    return response.context[form].errors.get(field, [])
