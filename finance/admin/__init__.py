"""Admin of the finance app: dues (dues.py) and party-building funds (funds.py)."""

from . import dues, funds

__all__ = ["dues", "funds"]
