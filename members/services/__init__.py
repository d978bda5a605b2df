"""Writes of the members app, one module per part of the domain."""
