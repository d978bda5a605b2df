"""Admins of the activities app: meetings (meetings.py), feedback cards (feedback.py)."""

from . import (  # noqa: F401
    feedback,
    meetings,
)
