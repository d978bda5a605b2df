"""Admin of the members app; one module per part of the domain."""

from . import dual, events, member, records, showcase  # noqa: F401
