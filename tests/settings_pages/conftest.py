"""Fixtures for the organisation admin's settings pages (areas, trends, tags, members).

Pages are requested in English (the language cookie), so that assertions on messages keep
passing once the lead has translated them to Swedish.
"""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages

from signals.models import Signal, Source


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def admin_client(client_for, members):
    return client_for(members["admin"])


def make_signal(organization, user, *, title="En signal", area=None, trends=(), tags=()):
    """A signal written straight to the database (the register's services are not under test)."""
    signal = Signal.objects.create(
        organization=organization,
        title=title,
        motivation="Därför är detta intressant för oss.",
        level="outer",
        area=area,
        created_by=user,
    )
    Source.objects.create(signal=signal, name="Dagens Samhälle", url="https://example.se/a")
    signal.trends.set(trends)
    signal.tags.set(tags)
    return signal


def messages_of(response) -> list[str]:
    """The messages a redirect left for the next page, as text."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def field_errors(response, field: str, form: str = "form") -> list[str]:
    return response.context[form].errors.get(field, [])
