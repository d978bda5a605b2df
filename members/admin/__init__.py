"""Admin of the members app; one module per part of the domain."""

from . import congress, dual, events, floating, member, records, showcase, work  # noqa: F401
