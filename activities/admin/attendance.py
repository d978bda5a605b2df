"""The attendance list of the meeting add page: who should attend (应到) is listed as soon as the
organization, kind and date are chosen, "全部出席" marks them all, then the exceptions are marked
(请假 with its reason, 缺席); a pasted list of names marks those present. The meeting and its
attendance are saved together by services.meeting_save (nothing is saved while a mark is wrong).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from unfold.widgets import UnfoldAdminTextareaWidget

from organizations.models import Organization

from .. import services
from ..models import Attendance, AttendanceStatus, Meeting, MeetingSource
from ..rules import MeetingKind, attendance_counts, parse_names

FIELD = "attendance"
CHOICES = [
    (AttendanceStatus.PRESENT, "出席"),
    (AttendanceStatus.LEAVE, "请假"),
    (AttendanceStatus.ABSENT, "缺席"),
]
EXCUSED_CHOICE = (AttendanceStatus.EXCUSED, "免于参加")
NOT_CHOSEN = "选择党组织、会议类型和召开日期后，这里列出应到名单。"


@dataclass
class ExpectedList:
    """The rows listed for a meeting not yet saved, or why none can be listed."""

    rows: list[Attendance]
    message: str = ""


def expected_list(organization: Organization | None, kind: str, held_on: dt.date | None) -> Any:
    """Who should attend a meeting of `organization`, `kind`, `held_on` (pre-filled as the
    service would save them), or the reason the list cannot be made yet."""
    if organization is None or kind not in MeetingKind.values or held_on is None:
        return ExpectedList([], NOT_CHOSEN)
    meeting = Meeting(organization=organization, kind=kind, held_on=held_on)
    errors = services.meeting_errors(meeting)
    if errors:
        return ExpectedList([], "；".join(errors.values()))
    rows = services.attendance_prefill(meeting)[0]
    return ExpectedList(rows, "" if rows else "该党组织在召开日期没有应到人员。")


def _note(attendance: Attendance) -> str:
    if attendance.is_guest:
        return "列席（不计应到，无表决权）"
    if attendance.status == AttendanceStatus.EXCUSED:
        return attendance.reason or "免于参加（不计应到）"
    if attendance.member_id and not attendance.has_vote:
        return "预备党员（无表决权）"
    return ""


def rows_context(listed: ExpectedList, marks: dict[str, Any], name: str = FIELD) -> dict[str, Any]:
    """What the list's template shows: each row with its choices, as marked (or pre-filled)."""
    rows = []
    for attendance in listed.rows:
        key = attendance.list_key
        status, reason = marks.get(key, (attendance.status, ""))
        choices = list(CHOICES)
        if attendance.status == AttendanceStatus.EXCUSED:
            choices.append(EXCUSED_CHOICE)
        rows.append(
            {
                "key": key,
                "name": attendance.name,
                "status": status,
                "reason": reason,
                "choices": choices,
                "note": _note(attendance),
                "excused": attendance.status == AttendanceStatus.EXCUSED,
                "guest": attendance.is_guest,
            }
        )
    return {"name": name, "rows": rows, "message": listed.message}


class AttendanceMarksWidget(forms.Widget):
    """The rows as radio buttons (出席, 请假, 缺席) with a reason; its value is {key: (status,
    reason)} of the rows posted."""

    template_name = "admin/activities/meeting/attendance_marks.html"

    class Media:
        js = ("kit/fetched_list.js", "activities/attendance.js")
        css = {"all": ("activities/attendance.css",)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listed = ExpectedList([], NOT_CHOSEN)

    def _render(self, template_name: str, context: Any, renderer: Any = None) -> str:
        # The project's templates (Django's form renderer looks in the apps' folders only).
        return mark_safe(render_to_string(template_name, context))  # noqa: S308

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, tuple[str, str]]:
        keys = data.getlist(f"{name}-key") if hasattr(data, "getlist") else []
        return {
            key: (data.get(f"{name}-{key}-status", ""), data.get(f"{name}-{key}-reason", ""))
            for key in keys
        }

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        marks = value if isinstance(value, dict) else {}
        context["widget"].update(rows_context(self.listed, marks, name))
        return context


class AttendanceMarksField(forms.Field):
    widget = AttendanceMarksWidget

    def to_python(self, value: Any) -> dict[str, services.Mark]:
        if not isinstance(value, dict):
            return {}
        return {key: services.Mark(status, reason) for key, (status, reason) in value.items()}


def render_rows(listed: ExpectedList) -> str:
    """The list alone (what the page fetches when the organization, kind or date changes)."""
    widget = AttendanceMarksWidget()
    widget.listed = listed
    return widget.render(FIELD, {})


class AttendanceOnAddMixin(forms.ModelForm):  # type: ignore[type-arg]
    """The add form's attendance: the list for the organization, kind and date posted (or
    asked in the address), marked as posted; its errors said on the form."""

    attendance = AttendanceMarksField(label="出席情况", required=False)
    present_names = forms.CharField(
        label="粘贴出席名单",
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
        help_text="可选：粘贴到会人员姓名（每行一个，或以顿号、逗号、空格分隔），保存时标记为出席；"
        "名单中没有或重名的姓名会逐一指出，整条会议不会保存。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and FIELD in self.fields:
            self.fields[FIELD].widget.listed = self._listed()

    def _raw(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(name)
        return self.initial.get(name)

    def _listed(self) -> ExpectedList:
        field = self.fields["organization"]
        organizations = getattr(field, "queryset", None)  # the user's editable ones
        if organizations is None:
            return ExpectedList([], NOT_CHOSEN)
        raw = self._raw("organization")
        try:
            organization = organizations.filter(pk=int(raw)).first() if raw else None
        except (TypeError, ValueError):
            organization = None
        try:
            held_on = self.fields["held_on"].to_python(self._raw("held_on"))
        except ValidationError:
            held_on = None
        return expected_list(organization, str(self._raw("kind") or ""), held_on)

    def attendance_errors(self, instance: Meeting) -> dict[str, str]:
        """What the attendance as posted cannot be (said on its field), and the decisions' quorum
        checked against it."""
        if instance.pk is not None or instance.source != MeetingSource.RECORDED:
            return {}
        marks = self.cleaned_data.get(FIELD) or {}
        names = parse_names(self.cleaned_data.get("present_names") or "")
        prefill, problems = services.attendance_prefill(instance, marks, names)
        if problems:
            return {FIELD: " ".join(problems)}
        counts = attendance_counts((a.status, a.is_guest, a.has_vote) for a in prefill)
        if error := services.decisions_error(instance, counts):
            return {"decisions": error}
        return {}

    def service_arguments(self) -> dict[str, Any]:
        """What the service records with a new meeting."""
        if self.instance.pk is not None:
            return {}
        names = parse_names(self.cleaned_data.get("present_names") or "")
        return {"marks": self.cleaned_data.get(FIELD) or {}, "present_names": names}
