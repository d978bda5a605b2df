"""A period's code as people read it: 2026H2 is 2026年下半年, and back.

Codes stay what they are wherever they are imported or exported (the feedback cards' `2026H2`,
the compliance export's `2026Q3`, a month `2026-11`: DOMAIN.md's formats); pages, filters and
PDFs show `period_text(code)`, and a field where a person types a period takes either (`period_code`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

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


_TEXTS = (  # the words period_text writes, read back
    (re.compile(r"^(\d{4})年?$"), lambda y, _: y),
    (re.compile(r"^(\d{4})年(\d{1,2})月份?$"), lambda y, m: f"{y}-{int(m):02d}"),
    (re.compile(r"^(\d{4})年([上下])半年$"), lambda y, h: f"{y}H{1 if h == '上' else 2}"),
    (
        re.compile(r"^(\d{4})年第?([一二三四1-4])季度?$"),
        lambda y, q: f"{y}Q{_QUARTERS.index(q) + 1 if q in _QUARTERS else q}",
    ),
)


def period_code(text: object) -> str:
    """What a person typed as the code: 2026年下半年 → 2026H2, 2026年11月 → 2026-11, 2026年第三季度
    → 2026Q3, 2026年 → 2026 (full-width digits and spaces allowed); a code stays itself
    (2026h2 → 2026H2); anything else unchanged, for the caller to refuse."""
    typed = unicodedata.normalize("NFKC", str(text or "")).replace(" ", "").strip()
    if _CODE.match(typed.upper()):
        return typed.upper()
    for pattern, code in _TEXTS:
        if found := pattern.match(typed):
            made = code(*found.groups()) if found.lastindex == 2 else code(found.group(1), "")
            return made if period_text(made) != made else typed
    return typed


def recent_periods(today: dt.date) -> list[str]:
    """The periods a person most often prints, newest first, as they read (for a field's
    suggestions): this and last year, the halves and quarters of the last year, the last
    twelve months."""
    year, month = today.year, today.month
    codes = [str(year), str(year - 1)]
    half = 1 if month <= 6 else 2
    codes += [f"{year}H{half}", f"{year - 1 if half == 1 else year}H{2 if half == 1 else 1}"]
    quarter = (month - 1) // 3 + 1
    for back in range(4):
        q, y = quarter - back, year
        if q < 1:
            q, y = q + 4, year - 1
        codes.append(f"{y}Q{q}")
    for back in range(12):
        m, y = month - back, year
        if m < 1:
            m, y = m + 12, year - 1
        codes.append(f"{y}-{m:02d}")
    return [period_text(code) for code in codes]
