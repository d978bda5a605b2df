"""Writes of the finance app: dues (dues.py) and party-building funds (funds.py)."""
