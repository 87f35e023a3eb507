"""The database objects the list's speed depends on, which Django's model state does not know
of (made by hand in migrations): a migration that rebuilds the signal table on SQLite drops
them silently, and only a page grown slow would tell."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "signals_signal"))


def test_the_title_sort_has_its_index():
    assert "signal_org_title" in _indexes()
