"""The members app's side of personal-data admin: its permission and its access log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from common.admin import PersonalFieldsMixin

from ..models import Member, PersonalDataAccess
from ..services.member import PERSONAL_DATA_PERMISSION, personal_data_access_record


def member_of(obj: Any) -> Member | None:
    """The member a record is about: the record itself or its `member`."""
    return obj if isinstance(obj, Member) else getattr(obj, "member", None)


class PersonalDataAdminMixin(PersonalFieldsMixin):
    """Masks a model's PERSONAL_FIELDS without members.view_personal_data; logs full views."""

    personal_data_permission = PERSONAL_DATA_PERMISSION

    def record_personal_view(self, request: HttpRequest, obj: Any, detail: str) -> None:
        personal_data_access_record(
            actor=request.user,
            action=PersonalDataAccess.Action.VIEW,
            member=member_of(obj),
            detail=detail,
        )
