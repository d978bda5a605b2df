"""Admin: member."""

from __future__ import annotations
