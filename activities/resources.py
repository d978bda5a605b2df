"""会议台账 (三会一课 ledger) in and out, and the 会议落实情况 (compliance) export (DOMAIN.md).

Ledger columns, in order: 党组织代码, 会议类型, 召开日期, 主题, 应到人数, 实到人数, 请假人数. The key is
(党组织代码, 会议类型, 召开日期, 主题): re-importing the same file changes nothing. A meeting whose
实到人数 is not more than half of 应到人数 (大党委会议: less than 4/5) is kept but marked 未达到法定人数
and does not count as held. Rows are written through activities.services.meeting_save.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields

from kit.imports import (
    CountWidget,
    DateWidget,
    LabelWidget,
    OrganizationIndex,
    OrganizationWidget,
    RowNumberedResource,
    TemplateColumn,
    cell_text,
    column,
)
from organizations.models import Organization

from .models import Meeting, MeetingSource
from .rules import IMPORT_KINDS, MeetingKind
from .selectors.compliance import HEADERS as COMPLIANCE_HEADERS
from .selectors.compliance import ComplianceRow
from .services import meeting_save

LEDGER_HEADERS: tuple[str, ...] = (
    "党组织代码", "会议类型", "召开日期", "主题", "应到人数", "实到人数", "请假人数",
)  # fmt: skip


class ImportKind(models.TextChoices):
    """The kinds the ledger names (DOMAIN.md 会议台账), a community's own meetings with them: not
    the collective services or screenings (kept with their own records)."""

    GENERAL_MEETING = MeetingKind.GENERAL_MEETING.value, MeetingKind.GENERAL_MEETING.label
    COMMITTEE_MEETING = MeetingKind.COMMITTEE_MEETING.value, MeetingKind.COMMITTEE_MEETING.label
    GROUP_MEETING = MeetingKind.GROUP_MEETING.value, MeetingKind.GROUP_MEETING.label
    LECTURE = MeetingKind.LECTURE.value, MeetingKind.LECTURE.label
    THEME_DAY = MeetingKind.THEME_DAY.value, MeetingKind.THEME_DAY.label
    ORGANIZATIONAL_LIFE = (
        MeetingKind.ORGANIZATIONAL_LIFE.value,
        MeetingKind.ORGANIZATIONAL_LIFE.label,
    )
    JOINT_MEETING = MeetingKind.JOINT_MEETING.value, MeetingKind.JOINT_MEETING.label
    BIG_COMMITTEE_MEETING = (
        MeetingKind.BIG_COMMITTEE_MEETING.value,
        MeetingKind.BIG_COMMITTEE_MEETING.label,
    )
    # a community's own meetings (issue 24)
    COMMUNITY_GENERAL_MEETING = (
        MeetingKind.COMMUNITY_GENERAL_MEETING.value,
        MeetingKind.COMMUNITY_GENERAL_MEETING.label,
    )
    COMMUNITY_COMMITTEE_MEETING = (
        MeetingKind.COMMUNITY_COMMITTEE_MEETING.value,
        MeetingKind.COMMUNITY_COMMITTEE_MEETING.label,
    )
    DEMOCRATIC_LIFE = MeetingKind.DEMOCRATIC_LIFE.value, MeetingKind.DEMOCRATIC_LIFE.label
    ENLARGED_MEETING = MeetingKind.ENLARGED_MEETING.value, MeetingKind.ENLARGED_MEETING.label
    COUNCIL_MEETING = MeetingKind.COUNCIL_MEETING.value, MeetingKind.COUNCIL_MEETING.label
    YOUTH_LEAGUE_MEETING = (
        MeetingKind.YOUTH_LEAGUE_MEETING.value,
        MeetingKind.YOUTH_LEAGUE_MEETING.label,
    )
    RESIDENTS_FORUM = MeetingKind.RESIDENTS_FORUM.value, MeetingKind.RESIDENTS_FORUM.label
    IN_SERVICE_ASSEMBLY = (
        MeetingKind.IN_SERVICE_ASSEMBLY.value,
        MeetingKind.IN_SERVICE_ASSEMBLY.label,
    )


assert set(ImportKind.values) == set(IMPORT_KINDS)  # noqa: S101 (the two lists agree)


class MeetingLedgerResource(RowNumberedResource):
    """会议台账. Pass user= to import and export within that user's scope."""

    HEADERS = LEDGER_HEADERS
    unit = "次会议"
    title = "会议台账"

    organization = column("organization", "党组织代码", OrganizationWidget("党组织代码"))
    kind = column("kind", "会议类型", LabelWidget(ImportKind, "会议类型"))
    held_on = column("held_on", "召开日期", DateWidget("召开日期"))
    topic = column("topic", "主题")
    expected_count = column("expected_count", "应到人数", CountWidget("应到人数"))
    present_count = column("present_count", "实到人数", CountWidget("实到人数"))
    leave_count = column("leave_count", "请假人数", CountWidget("请假人数"))

    class Meta:
        model = Meeting
        fields = (
            "organization", "kind", "held_on", "topic",
            "expected_count", "present_count", "leave_count",
        )  # fmt: skip
        import_id_fields = ("organization", "kind", "held_on", "topic")

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "党组织代码": {"note": "召开会议的党组织（党支部、党小组、社区党组织等）"},
        "会议类型": {"example": "支部党员大会"},
        "召开日期": {"example": "2025-03-20"},
        "主题": {"required": True, "example": "学习贯彻全会精神"},
        "应到人数": {"example": "25"},
        "实到人数": {
            "example": "21",
            "note": "实到不超过应到的一半（大党委会议：不足4/5）的会议记为未达到法定人数",
        },
        "请假人数": {"example": "3", "note": "实到人数与请假人数之和不能超过应到人数"},
    }

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._organizations: OrganizationIndex | None = None

    def organization_index(self) -> OrganizationIndex:
        """The organizations the user sees, by code and by name, loaded once."""
        if self._organizations is None:
            visible = Organization.objects.all()
            if self.user is not None:
                visible = visible.visible_to(self.user)
            self._organizations = OrganizationIndex(visible.order_by("code"))
        return self._organizations

    def template_columns(self) -> list[TemplateColumn]:
        organizations = self.template_organizations()
        example = next((code for code, _name, kind in organizations if kind == "党支部"), "")
        return [
            dataclasses.replace(column, example=example or column.example)
            if column.header == "党组织代码"
            else column
            for column in super().template_columns()
        ]

    def template_organizations(self) -> list[tuple[str, str, str]]:
        return [
            (o.code, o.name, o.get_kind_display())
            for o in self.organization_index().by_code.values()
        ]

    def get_queryset(self) -> models.QuerySet[Meeting]:
        queryset = Meeting.objects.all()
        if self.user is not None:
            queryset = queryset.visible_to(self.user)
        return queryset.select_related("organization").order_by(
            "organization__code", "held_on", "kind"
        )

    def export(self, queryset: Any = None, **kwargs: Any) -> Any:
        base = self.get_queryset() if queryset is None else queryset
        ledger = base.filter(kind__in=IMPORT_KINDS).select_related("organization")
        return super().export(queryset=ledger, **kwargs)

    def get_instance(self, instance_loader: Any, row: Any) -> Meeting | None:
        """The meeting of the row's key, if it exists (a bad key cell is reported later)."""
        try:
            organization = self._organization(row.get("党组织代码"))
            kind = self.fields["kind"].clean(row)
            held_on = self.fields["held_on"].clean(row)
        except ValueError:
            return None
        topic = cell_text(row.get("主题"))
        return Meeting.objects.filter(
            organization=organization, kind=kind, held_on=held_on, topic=topic
        ).first()

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        value = row[field.column_name]
        if field.attribute == "organization":
            instance.organization = self._organization(value)
        elif field.attribute == "topic":
            if not (topic := cell_text(value)):
                raise ValueError("主题不能为空")
            instance.topic = topic
        else:
            super().read_column(field, instance, row)

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        if instance.pk and instance.source != MeetingSource.IMPORTED:
            raise ValidationError({"topic": "该会议已在系统中登记（含出席名单），不能用台账覆盖"})
        instance.source = MeetingSource.IMPORTED
        super().import_instance(instance, row, **kwargs)

    def _organization(self, value: Any) -> Organization:
        """By code or exact name, among the organizations the user sees."""
        widget = self.fields["organization"].widget
        return widget.find(cell_text(value), self.organization_index())  # type: ignore[no-any-return]

    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        meeting_save(meeting=instance, actor=self.user, update_fields=update_fields)


# --- 会议落实情况 ---------------------------------------------------------------------------------
def compliance_dataset(rows: list[ComplianceRow], year: int) -> tablib.Dataset:
    """The compliance export (DOMAIN.md): one row per organization, kind and period begun."""
    dataset = tablib.Dataset(headers=list(COMPLIANCE_HEADERS), title=f"会议落实情况{year}")
    for row in rows:
        dataset.append(row.as_export_row())
    return dataset
