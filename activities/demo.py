"""Demo data of the activities app (`python manage.py demo`, settings.DEMO_BUILDERS)."""

from __future__ import annotations

from typing import Any


def build() -> list[Any]:
    """Create what is missing of this app's demo data; the members demo must have run first."""
    return []
