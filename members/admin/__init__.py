"""Admin of the members app; one module per part of the domain."""

from . import dual, member, records  # noqa: F401
