"""The members app's side of personal-data admin: its permission and its access log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kit.admin import PersonalFieldsMixin

from ..models import Member, PersonalDataAccess
from ..services.member import PERSONAL_DATA_PERMISSION, personal_data_access_record
from ..services.probe import citizen_id_probe_record, citizen_id_probe_refusal

PROBED_FIELD = "citizen_id"


def member_of(obj: Any) -> Member | None:
    """The member a record is about: the record itself or its `member`."""
    return obj if isinstance(obj, Member) else getattr(obj, "member", None)


class PersonalDataAdminMixin(PersonalFieldsMixin):
    """Masks a model's PERSONAL_FIELDS without members.view_personal_data; logs full views."""

    personal_data_permission = PERSONAL_DATA_PERMISSION

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        """A form that checks a citizen ID against the others is an oracle: guarded."""
        form = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]
        if PROBED_FIELD not in form.base_fields:
            return form
        what = f"{'修改' if change else '新增'}{self.model._meta.verbose_name}"  # type: ignore[attr-defined]
        attrs = {"probe_actor": request.user, "probe_what": what, "__module__": __name__}
        return type(form.__name__, (CitizenIdProbeGuard, form), attrs)

    def record_personal_view(self, request: HttpRequest, obj: Any, detail: str) -> None:
        personal_data_access_record(
            actor=request.user,
            action=PersonalDataAccess.Action.VIEW,
            member=member_of(obj),
            detail=detail,
        )


class CitizenIdProbeGuard:
    """Mixed into a ModelForm with a unique `citizen_id`: each "already exists" answer is logged,
    and past the day's limit the ID is not checked at all and the form is refused."""

    probe_actor: Any = None
    probe_what: str = ""
    fields: dict[str, Any]
    changed_data: list[str]
    errors: Any

    def validate_unique(self) -> None:
        if PROBED_FIELD not in self.fields or PROBED_FIELD not in self.changed_data:
            super().validate_unique()  # type: ignore[misc]
            return
        if refusal := citizen_id_probe_refusal(actor=self.probe_actor, what=self.probe_what):
            self.add_error(PROBED_FIELD, refusal)  # type: ignore[attr-defined]
            return
        super().validate_unique()  # type: ignore[misc]
        found = self.errors.as_data().get(PROBED_FIELD, ())
        if any(error.code == "unique" for error in found):
            citizen_id = str(self.data.get(PROBED_FIELD, ""))  # type: ignore[attr-defined]
            citizen_id_probe_record(
                actor=self.probe_actor, citizen_id=citizen_id, what=self.probe_what
            )
