"""Admin: dual."""

from __future__ import annotations
