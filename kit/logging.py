"""Logging that stays readable: a refused request is one line, not a traceback."""

from __future__ import annotations

import logging

QUIET_STATUS = frozenset({403, 404})


class OneLineDenied(logging.Filter):
    """django.request logs a 403 (PermissionDenied) or 404 with its traceback: keep the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in QUIET_STATUS:
            record.exc_info = None
            record.exc_text = None
        return True
