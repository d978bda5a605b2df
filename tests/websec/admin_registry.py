"""The two-factor devices' rows of the registry-driven admin tests (tests/registries.py).

django-otp's TOTPDevice admin is replaced by a restricted one (common/twofactor.py): superusers
see and delete devices, nobody adds or edits one there.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

ACCESS: dict[str, tuple[str, ...]] = {
    #                              superuser sub_district secretary branch  unit  member  district
    "otp_totp.totpdevice":         ("vd",   "",    "",    "",    "",   "", ""),
}  # fmt: skip


def _holder(username: str) -> Any:
    """A user of no role: a device makes its holder's admin ask for a code (common/twofactor.py),
    and the users the tests log in as must not be asked."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    return user


def _device(t: SimpleNamespace, i: int) -> Any:
    return TOTPDevice.objects.create(user=_holder(f"otp_{i}"), name="手机验证器", confirmed=True)


MAKERS = {"otp_totp.totpdevice": _device}


def objects_the_demo_lacks() -> None:
    TOTPDevice.objects.create(user=_holder("otp_holder"), name="手机验证器", confirmed=True)
