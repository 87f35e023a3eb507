"""Logging pieces for config/settings.py's LOGGING."""

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedInOneLine(logging.Filter):
    """A refused request (403) is routine: someone followed a link their role does not open.
    Django logs it with the exception's traceback, which says nothing the line
    "Forbidden (Permission denied): /path" does not; keep the line, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
