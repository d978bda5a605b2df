"""Masking of personal data shown where the full value is not needed."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678; short numbers keep only their last two characters."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 8:
        return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
    return "*" * (len(phone) - 2) + phone[-2:]


def mask_citizen_id(citizen_id: str) -> str:
    """330102199001011234 -> 3301**********1234: region prefix and last four kept."""
    value = (citizen_id or "").strip()
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_address(address: str) -> str:
    """浙江省杭州市上城区春晖路12号3栋 -> 浙江省杭州市****: at most the first third, six characters."""
    value = (address or "").strip()
    if not value:
        return ""
    return f"{value[: min(6, len(value) // 3)]}****"
