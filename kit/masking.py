"""Masking of personal data shown where the full value is not needed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678; short numbers keep only their last two characters."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 8:
        return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
    return "*" * (len(phone) - 2) + phone[-2:]


# GB 11643: an 18-character ID holds the birth date at [6:14]; the old 15-digit one at [6:12].
BIRTH_DATE_SPANS = {18: (6, 14), 15: (6, 12)}


def mask_citizen_id(citizen_id: str) -> str:
    """330102199001011234 -> 3301**********1234: region prefix and last four kept, and never a
    digit of the birth date (a 15-digit ID keeps its last three only)."""
    value = (citizen_id or "").strip()
    if len(value) <= 8:
        return "*" * len(value)
    _, birth_end = BIRTH_DATE_SPANS.get(len(value), (0, len(value) - 4))
    tail = min(4, len(value) - birth_end)
    return f"{value[:4]}{'*' * (len(value) - 4 - tail)}{value[len(value) - tail :]}"


def mask_birth_date(birth_date: object, today: dt.date | None = None) -> str:
    """1990-01-01 -> 36岁: the age says what a reader needs; the date would give the ID's middle
    digits away (with the region and the check digit, an ID in about ten guesses)."""
    if isinstance(birth_date, dt.datetime):
        birth_date = birth_date.date()
    if not isinstance(birth_date, dt.date):
        try:
            birth_date = dt.date.fromisoformat(str(birth_date or "").strip()[:10])
        except ValueError:
            return ""
    today = today or timezone.localdate()
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return f"{today.year - birth_date.year - before_birthday}岁"


mask_birth_date.label = "年龄"  # type: ignore[attr-defined]


def mask_address(address: str) -> str:
    """浙江省杭州市上城区春晖路12号3栋 -> 浙江省杭州市****: at most the first third, six characters."""
    value = (address or "").strip()
    if not value:
        return ""
    return f"{value[: min(6, len(value) // 3)]}****"
