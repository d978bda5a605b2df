"""A period's code as people read it: 2026H2 is 2026年下半年 (display only).

Codes stay what they are wherever they are typed or imported (the feedback cards' `2026H2`, the
compliance export's `2026Q3`, a month `2026-11`: DOMAIN.md's formats); pages, filters and PDFs
show `period_text(code)`.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"^(\d{4})(?:([HQ])([1-4])|-(\d{2}))?$")
_QUARTERS = "一二三四"


def period_text(code: object) -> str:
    """2026H1 → 2026年上半年, 2026Q3 → 2026年第三季度, 2026-11 → 2026年11月, 2026 → 2026年;
    anything else unchanged."""
    text = str(code or "").strip()
    found = _CODE.match(text.upper())
    if not found:
        return text
    year, letter, index, month = found.groups()
    if letter == "H" and index in ("1", "2"):
        return f"{year}年{'上' if index == '1' else '下'}半年"
    if letter == "Q":
        return f"{year}年第{_QUARTERS[int(index) - 1]}季度"
    if month:
        return f"{year}年{int(month)}月" if 1 <= int(month) <= 12 else text
    return text if letter else f"{year}年"
