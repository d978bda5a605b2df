"""代表选举 (the delegates of a 党员代表会议 with their elections) in and out, as the secretary
keeps them in a spreadsheet today: one row per nominee, with the election it stood in.

Columns, in order: 党员代表会议, 席位类别, 选举日期, 补选, 参加投票人数, 姓名, 公民身份号码, 得票数. The
conference is named as in the system, among those the importing user sees; an election is found
by (conference, 席位类别, 选举日期), created by the file's first row of it, and every later row of it
must give the same 补选 and 参加投票人数. The key of a row is the election and the citizen ID:
re-importing the same file changes nothing. Every row goes through the services
(delegate_election_save, delegate_nominee_save): the seat's group on the day, more than half of
the votes, no more elected than the vacant seats. The ID is shown masked in the preview and the
export to a user who may not see it in full (an export in full is logged).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from import_export import fields, widgets

from kit.imports import (
    CountWidget,
    DateWidget,
    LabelWidget,
    RowNumberedResource,
    cell_text,
    column,
)
from kit.masking import mask_citizen_id

from .models import (
    DelegateConference,
    DelegateElection,
    DelegateNominee,
    Member,
    PersonalDataAccess,
)
from .rules import DelegateGroup, normalize_citizen_id, votes_error
from .services import congress as services
from .services.member import PERSONAL_DATA_PERMISSION, personal_data_access_record

DELEGATE_HEADERS: tuple[str, ...] = (
    "党员代表会议", "席位类别", "选举日期", "补选", "参加投票人数", "姓名", "公民身份号码", "得票数",
)  # fmt: skip
YES, NO = "是", "否"
# The election's columns: the resource's attribute → the election's field.
ELECTION_FIELDS = {
    "election__conference__name": "conference",
    "election__group": "group",
    "election__held_on": "held_on",
    "election__is_by_election": "is_by_election",
    "election__voters": "voters",
}


class YesNoWidget(widgets.Widget):
    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def template_help(self) -> dict[str, Any]:
        return {"format": "是或否（空为否）", "values": (YES, NO)}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        text = cell_text(value)
        if text not in ("", YES, NO):
            raise ValueError(f"{self.column}“{text}”无效，应为是或否")
        return text == YES

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return YES if value else NO


class DelegateResource(RowNumberedResource):
    """代表选举. Pass user= to import and export within that user's scope."""

    HEADERS = DELEGATE_HEADERS
    unit = "名候选人"
    title = "代表选举"

    conference = column("election__conference__name", "党员代表会议")
    group = column("election__group", "席位类别", LabelWidget(DelegateGroup, "席位类别"))
    held_on = column("election__held_on", "选举日期", DateWidget("选举日期"))
    is_by_election = column("election__is_by_election", "补选", YesNoWidget("补选"))
    voters = column("election__voters", "参加投票人数", CountWidget("参加投票人数"))
    name = column("member__name", "姓名")
    citizen_id = column("member__citizen_id", "公民身份号码")
    votes = column("votes", "得票数", CountWidget("得票数"))

    class Meta:
        model = DelegateNominee
        fields = (
            "conference", "group", "held_on", "is_by_election", "voters",
            "name", "citizen_id", "votes",
        )  # fmt: skip
        import_id_fields = ("conference", "group", "held_on", "citizen_id")

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "党员代表会议": {
            "required": True,
            "example": "春晖社区第一届党员代表会议",
            "note": "系统中登记的党员代表会议名称（须在您的管理范围内）",
        },
        "席位类别": {"example": DelegateGroup.DIRECT.label},
        "选举日期": {"example": "2025-06-20"},
        "补选": {"example": NO, "note": "补选填“是”：补选填补因离任空缺的席位"},
        "参加投票人数": {
            "example": "50",
            "note": "实到会有选举权的人数；同一次选举的各行须相同",
        },
        "姓名": {"required": True, "example": "张丽华", "note": "须与公民身份号码登记的姓名一致"},
        "公民身份号码": {
            "required": True,
            "text": True,
            "format": "18位公民身份号码（末位可为X）",
            "example": "110105198506120026",
            "note": "候选人须是您管理范围内已登记的党员",
        },
        "得票数": {
            "example": "30",
            "note": "超过参加投票人数的一半始得当选，恰好半数不当选",
        },
    }

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._elections: dict[tuple[int, str, Any], DelegateElection] = {}
        self._conferences: dict[str, list[DelegateConference]] | None = None
        self._members: dict[str, Member] = {}

    # --- lookups within the user's scope ------------------------------------------------------
    def _visible(self, queryset: Any) -> Any:
        return queryset if self.user is None else queryset.visible_to(self.user)

    def _conference(self, text: str) -> DelegateConference:
        if self._conferences is None:
            self._conferences = {}
            for found in self._visible(DelegateConference.objects.select_related("community")):
                self._conferences.setdefault(found.name, []).append(found)
        if not text:
            raise ValueError("党员代表会议不能为空")
        found = self._conferences.get(text, [])
        if len(found) > 1:
            raise ValueError(f"党员代表会议“{text}”有重名，请先在系统中修改名称")
        if not found:
            raise ValueError(f"党员代表会议“{text}”不存在或不在您的管理范围内")
        return found[0]

    def _member(self, text: str, name: str) -> Member:
        if not text:
            raise ValueError("公民身份号码不能为空")
        key = normalize_citizen_id(text)
        if key not in self._members:
            found = self._visible(Member.objects.select_related("branch")).filter(citizen_id=key)
            member = found.first()
            if member is None:
                raise ValueError("没有该公民身份号码的党员，或其不在您的管理范围内")
            self._members[key] = member
        member = self._members[key]
        if name and name != member.name:
            raise ValueError(f"姓名“{name}”与该公民身份号码登记的姓名“{member.name}”不符")
        return member

    def get_instance(self, instance_loader: Any, row: Any) -> DelegateNominee | None:
        """The nominee of the row's key, if it exists (a bad key cell is reported later)."""
        try:
            conference = self._conference(cell_text(row.get("党员代表会议")))
            group = self.fields["group"].clean(row)
            held_on = self.fields["held_on"].clean(row)
            member = self._member(cell_text(row.get("公民身份号码")), "")
        except ValueError:
            return None
        return (
            DelegateNominee.objects.filter(
                election__conference=conference,
                election__group=group,
                election__held_on=held_on,
                member=member,
            )
            .select_related("election__conference", "member")
            .first()
        )

    # --- reading a row ------------------------------------------------------------------------
    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        """The election's columns and the person's are read together, then the election is the
        one already recorded (or made by an earlier row) or a new one."""
        instance._row = {}
        errors: dict[str, str] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = {k: v[0] for k, v in error.message_dict.items()}
        values = instance._row
        if "member__citizen_id" not in errors and "member__name" not in errors:
            try:
                instance.member = self._member(values["citizen_id"], values["name"])
            except ValueError as error:
                errors["member__citizen_id"] = str(error)
        if not set(errors) & set(ELECTION_FIELDS):
            errors.update(self._election(instance, values))
        if errors:
            raise ValidationError(errors)

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        raw = row[field.column_name]
        if field.attribute == "member__name":
            if not (name := cell_text(raw)):
                raise ValueError("姓名不能为空")
            instance._row["name"] = name
        elif field.attribute == "member__citizen_id":
            instance._row["citizen_id"] = cell_text(raw)
        elif field.attribute == "election__conference__name":
            instance._row["conference"] = self._conference(cell_text(raw))
        elif field.attribute in ELECTION_FIELDS:
            instance._row[ELECTION_FIELDS[field.attribute]] = field.clean(row)
        else:
            super().read_column(field, instance, row)

    def _election(self, instance: Any, values: dict[str, Any]) -> dict[str, str]:
        conference = values["conference"]
        key = (conference.pk, values["group"], values["held_on"])
        election = self._elections.get(key)
        if election is None:
            election = DelegateElection.objects.filter(
                conference=conference, group=values["group"], held_on=values["held_on"]
            ).first() or DelegateElection(
                conference=conference,
                group=values["group"],
                held_on=values["held_on"],
                is_by_election=values["is_by_election"],
                voters=values["voters"],
            )
            self._elections[key] = election
        instance.election = election
        errors = {}
        if election.voters != values["voters"]:
            errors["election__voters"] = (
                f"参加投票人数{values['voters']}与同一次选举登记的{election.voters}人不一致"
            )
        if election.is_by_election != values["is_by_election"]:
            said = YES if election.is_by_election else NO
            errors["election__is_by_election"] = f"补选与同一次选举登记的“{said}”不一致"
        return errors

    # --- checks and writing -------------------------------------------------------------------
    def validate_instance(
        self, instance: Any, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        """A new election is checked on its own (its fields' messages under its columns); the
        nominee's votes against its voters."""
        errors = dict(import_validation_errors or {})
        try:
            election = instance.election
        except ObjectDoesNotExist:
            election = None
        new_election = election is not None and election.pk is None
        if new_election and not errors:
            try:
                election.full_clean()
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    column = next((a for a, f in ELECTION_FIELDS.items() if f == key), None)
                    errors.setdefault(column or NON_FIELD_ERRORS, messages[0])
            if instance.votes is not None and (
                too_many := votes_error(instance.votes, election.voters)
            ):
                errors.setdefault("votes", too_many)
        exclude = set(errors) | ({"election"} if new_election or election is None else set())
        if "member__citizen_id" in errors or "member__name" in errors:
            exclude.add("member")
        try:
            instance.full_clean(exclude=exclude, validate_unique=not new_election)
        except ValidationError as error:
            for key, items in error.update_error_dict({}).items():
                errors.setdefault(key, items)
        if errors:
            raise ValidationError(self.row_messages(ValidationError(errors)))

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        election = instance.election
        if election.pk is None:
            services.delegate_election_save(election=election, actor=self.user)
            instance.election = election
        services.delegate_nominee_save(
            nominee=instance, actor=self.user, update_fields=update_fields
        )

    def changed_fields(self, instance: Any) -> list[str]:
        return [f for f in super().changed_fields(instance) if f == "votes"]

    # --- the export ---------------------------------------------------------------------------
    def get_queryset(self) -> Any:
        return (
            self._visible(DelegateNominee.objects.all())
            .select_related("election__conference", "member")
            .order_by(
                "election__conference__name", "election__held_on", "election__group", "-votes"
            )
        )

    def is_full(self) -> bool:
        return self.user is None or self.user.has_perm(PERSONAL_DATA_PERMISSION)

    def dehydrate_citizen_id(self, nominee: DelegateNominee) -> str:
        value = nominee.member.citizen_id
        return value if self.is_full() else mask_citizen_id(value)

    def export(self, queryset: Any = None, **kwargs: Any) -> Any:
        dataset = super().export(queryset=self.get_queryset() if queryset is None else queryset)
        if self.is_full() and len(dataset):
            personal_data_access_record(
                actor=self.user,
                action=PersonalDataAccess.Action.EXPORT,
                detail=f"导出代表选举（含公民身份号码）：{len(dataset)}名候选人",
            )
        return dataset
