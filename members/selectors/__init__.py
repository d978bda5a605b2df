"""Reads of the members app that cross models or feed pages and reports; one module per part."""
