"""A refused request (403) is one warning line on the console, not two tracebacks."""

import logging
import sys

from django.urls import reverse

from core.lib.log import PermissionDeniedInOneLine


def _console_handlers_reached(name: str) -> int:
    """How many console handlers a record of logger ``name`` passes through on its way up
    (exactly ``StreamHandler``: pytest's capturing handlers are subclasses of it)."""
    logger, count = logging.getLogger(name), 0
    while logger is not None:
        count += sum(1 for handler in logger.handlers if type(handler) is logging.StreamHandler)
        logger = logger.parent if logger.propagate else None
    return count


def test_a_403_is_logged_once_in_one_line(client_for, members, kommun, caplog):
    client = client_for(members["staff"])

    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get(reverse("signals:create", args=[kommun.slug]))

    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", f"Forbidden (Permission denied): /{kommun.slug}/signals/new/")
    ]
    assert records[0].exc_info is None
    assert _console_handlers_reached("django.request") == 1


def test_a_server_error_keeps_its_traceback():
    try:
        raise ValueError("a bug")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", (), None)
        record.exc_info = sys.exc_info()
    assert PermissionDeniedInOneLine().filter(record)
    assert record.exc_info is not None
