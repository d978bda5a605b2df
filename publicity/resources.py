"""发展党员 cases begun before the system (DOMAIN.md, "发展党员" import), in and out.

Columns, in order: 姓名, 公民身份号码, 所在党组织, 申请入党日期, 谈话日期, 确定积极分子日期, 培养联系人,
确定发展对象日期, 入党介绍人, 培训学时, 支部大会日期, 上级审批日期. A row fills the columns up to the step
its case reached. Each column becomes the step it names; the steps between (备案, 政治审查, 预审…)
were done on paper and are recorded with the date of the column before them. Every step goes through
services.development_step_record, so the order and every time limit are checked as when recorded one
by one; only the evidence that paper holds (the vote's counts, the 公示) is not asked for. The
citizen ID is the key: a row whose steps are already recorded changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields

from kit.imports import (
    NAME_SEPARATOR,
    AmountWidget,
    DateWidget,
    OrganizationIndex,
    OrganizationWidget,
    RowNumberedResource,
    TemplateColumn,
    cell_text,
    column,
    split_names,
)
from members.person import citizen_id_from_cell
from members.rules import Gender
from members.services.member import member_branch_ids
from organizations.models import Organization
from organizations.rules import OrganizationKind

from . import rules
from .models import DevelopmentCase, DevelopmentStep
from .services import development_case_save, development_step_record

DEVELOPMENT_HEADERS: tuple[str, ...] = (
    "姓名", "公民身份号码", "所在党组织", "申请入党日期", "谈话日期", "确定积极分子日期", "培养联系人",
    "确定发展对象日期", "入党介绍人", "培训学时", "支部大会日期", "上级审批日期",
)  # fmt: skip
# The date columns in order: the step each records, and the last step recorded with its date
# (the cultivators are named when the activist is chosen).
DATE_COLUMNS = (
    ("applied_on", "申请入党日期", rules.APPLICATION, rules.APPLICATION),
    ("talk_on", "谈话日期", rules.TALK, rules.TALK),
    ("activist_on", "确定积极分子日期", rules.ACTIVIST, rules.CULTIVATORS),
    ("candidate_on", "确定发展对象日期", rules.CANDIDATE, rules.CANDIDATE),
    ("meeting_on", "支部大会日期", rules.ACCEPTANCE_MEETING, rules.ACCEPTANCE_MEETING),
    ("approved_on", "上级审批日期", rules.APPROVAL, rules.APPROVAL),
)
LEGACY_NOTE = "系统启用前已完成（导入）"
# An optional last column (in the export too): the day from which the case's 思想汇报 and 培养考察
# are kept in the system; a new case left without it keeps them from the import day.
REGISTERS_FROM_HEADER = "台账起始日期"


@dataclass
class PlannedStep:
    number: int
    date: dt.date
    people: str = ""
    training_hours: int = 0


def planned_steps(row: dict[str, Any]) -> list[PlannedStep]:
    """The steps a row records: each filled date column, and the paper steps before it dated as
    the column before."""
    steps: list[PlannedStep] = []
    for attribute, _, number, through in DATE_COLUMNS:
        day = row.get(attribute)
        if day is None:
            break
        first = steps[-1].number + 1 if steps else 1
        steps += [PlannedStep(n, steps[-1].date) for n in range(first, number)]
        steps += [PlannedStep(n, day) for n in range(number, through + 1)]
    _fill_people(steps, row)
    return steps


def _fill_people(steps: list[PlannedStep], row: dict[str, Any]) -> None:
    for step in steps:
        if step.number == rules.CULTIVATORS:
            step.people = row.get("cultivators", "")
        elif step.number == rules.INTRODUCERS:
            step.people = row.get("introducers", "")
        elif step.number == rules.TRAINING:
            step.training_hours = int(row.get("training_hours") or 0)


class DevelopmentResource(RowNumberedResource):
    """发展党员. Pass user= to import and export within that user's scope."""

    HEADERS = DEVELOPMENT_HEADERS
    unit = "人"
    title = "发展党员"

    name = column("name", "姓名")
    citizen_id = column("citizen_id", "公民身份号码")
    branch = column("branch", "所在党组织", OrganizationWidget("所在党组织", kind="党支部"))
    applied_on = column("applied_on", "申请入党日期", DateWidget("申请入党日期"))
    talk_on = column("talk_on", "谈话日期", DateWidget("谈话日期", required=False))
    activist_on = column("activist_on", "确定积极分子日期", DateWidget("确定积极分子日期", False))
    cultivators = column("cultivators", "培养联系人")
    candidate_on = column("candidate_on", "确定发展对象日期", DateWidget("确定发展对象日期", False))
    introducers = column("introducers", "入党介绍人")
    training_hours = column("training_hours", "培训学时", AmountWidget("培训学时", unit="学时"))
    meeting_on = column("meeting_on", "支部大会日期", DateWidget("支部大会日期", required=False))
    approved_on = column("approved_on", "上级审批日期", DateWidget("上级审批日期", required=False))
    registers_from = column(
        "registers_from", REGISTERS_FROM_HEADER, DateWidget(REGISTERS_FROM_HEADER, required=False)
    )

    class Meta:
        model = DevelopmentCase
        fields = ("name", "citizen_id", "branch", "applied_on", "talk_on", "activist_on",
                  "cultivators", "candidate_on", "introducers", "training_hours", "meeting_on",
                  "approved_on", "registers_from")  # fmt: skip
        import_id_fields = ("citizen_id",)

    TEMPLATE_COLUMNS: dict[str, dict[str, Any]] = {
        "姓名": {"required": True, "example": "王志远"},
        "公民身份号码": {
            "required": True,
            "text": True,
            "format": "18位公民身份号码（末位可为X）",
            "example": "330102199008150034",
            "note": "导入时按此号码查找：已导入的步骤不会重复记录",
        },
        "所在党组织": {"note": "申请人所在的党支部"},
        "申请入党日期": {"example": "2023-03-01", "note": "申请时须年满18周岁"},
        "谈话日期": {"example": "2023-03-20", "note": "申请后1个月内"},
        "确定积极分子日期": {
            "example": "2023-09-01",
            "note": "思想汇报和培养考察从导入当天起在系统中登记，此前的视为纸质台账；要从更早的日期"
            "登记的，可在表末加一列“台账起始日期”（YYYY-MM-DD，不晚于导入当天）",
        },
        "培养联系人": {
            "format": "姓名，用“、”分隔",
            "example": "李明、赵红",
            "note": "1至2名正式党员；填了确定积极分子日期时必填",
        },
        "确定发展对象日期": {"example": "2024-09-10", "note": "确定积极分子满1年后"},
        "入党介绍人": {
            "format": "姓名，用“、”分隔",
            "example": "李明、赵红",
            "note": "2名正式党员；填了确定发展对象日期时必填",
        },
        "培训学时": {"example": "24", "note": "集中培训不少于24学时"},
        "支部大会日期": {"example": "2024-11-20"},
        "上级审批日期": {"note": "支部大会后3个月内；各日期列只填到已进行到的一步，其后留空"},
    }

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._branches: OrganizationIndex | None = None

    def get_queryset(self) -> models.QuerySet[DevelopmentCase]:
        queryset = DevelopmentCase.objects.all()
        if self.user is not None:
            queryset = queryset.visible_to(self.user)
        return queryset.select_related("branch").prefetch_related("steps").order_by("branch__code")

    # --- reading ---------------------------------------------------------------------------------
    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        instance._row = {}
        super().import_instance(instance, row, **kwargs)
        self._check_gaps(instance._row)

    def read_column(self, field: fields.Field, instance: Any, row: Any) -> None:
        raw = row[field.column_name]
        if field.attribute == "branch":
            instance.branch = field.widget.find(cell_text(raw), self.branch_index())
        elif field.attribute == "citizen_id":
            self._read_citizen_id(instance, raw)
        elif field.attribute == "name":
            instance.name = field.clean(row)
        elif field.attribute == "registers_from":
            # Empty: a new case keeps its registers from today, a known one keeps its day.
            if (day := field.clean(row)) is not None:
                instance.registers_from = day
        elif field.attribute in ("cultivators", "introducers"):
            instance._row[field.attribute] = NAME_SEPARATOR.join(split_names(cell_text(raw)))
        else:
            instance._row[field.attribute] = field.clean(row)

    def _read_citizen_id(self, instance: Any, raw: Any) -> None:
        try:
            instance.citizen_id = citizen_id_from_cell(raw)
        except ValueError:
            # The row is refused for its ID alone: the fields read from it are not missing too.
            instance.birth_date, instance.gender = dt.date.min, Gender.MALE
            raise
        instance.fill_from_citizen_id()

    def branch_index(self) -> OrganizationIndex:
        """The organizations the user manages, by code and by name, loaded once."""
        if self._branches is None:
            allowed = member_branch_ids(self.user)
            branches = Organization.objects.order_by("code")
            if allowed is not None:
                branches = branches.filter(pk__in=allowed)
            self._branches = OrganizationIndex(branches)
        return self._branches

    # --- the import template -------------------------------------------------------------------
    def template_organizations(self) -> list[tuple[str, str, str]]:
        branches = self.branch_index().by_code.values()
        return [
            (o.code, o.name, o.get_kind_display())
            for o in branches
            if o.kind in (OrganizationKind.BRANCH, OrganizationKind.UNIT_ORG)
        ]

    def template_columns(self) -> list[TemplateColumn]:
        example = next(iter(self.template_organizations()), ("",))[0]
        return [
            dataclasses.replace(column, example=example)
            if column.header == "所在党组织"
            else column
            for column in super().template_columns()
        ]

    def _check_gaps(self, row: dict[str, Any]) -> None:
        empty = None
        for attribute, header, _, _ in DATE_COLUMNS:
            if row.get(attribute) is None:
                empty = empty or header
            elif empty:
                raise ValidationError({attribute: f"已填写{header}，但之前的{empty}为空"})

    # --- unchanged rows ------------------------------------------------------------------------
    def has_other_changes(self, instance: Any) -> bool:
        return bool(self._new_steps(instance))

    def _new_steps(self, instance: Any) -> list[PlannedStep]:
        recorded = {s.number: s for s in instance.steps.all()} if instance.pk else {}
        planned = planned_steps(instance._row)
        for step in planned:
            old = recorded.get(step.number)
            if old is not None and old.date != step.date and old.note == LEGACY_NOTE:
                raise ValidationError(
                    f"{rules.step_label(step.number)}已记录为{old.date:%Y-%m-%d}，与表中日期不符"
                )
        return [step for step in planned if step.number not in recorded]

    # --- writing -------------------------------------------------------------------------------
    def save_row(self, instance: Any, update_fields: list[str] | None) -> None:
        development_case_save(case=instance, actor=self.user, update_fields=update_fields)
        for planned in self._new_steps(instance):
            step = DevelopmentStep(
                case=instance,
                number=planned.number,
                date=planned.date,
                people=planned.people,
                training_hours=planned.training_hours,
                note=LEGACY_NOTE,
            )
            development_step_record(step=step, actor=self.user, legacy=True)

    # --- export --------------------------------------------------------------------------------
    def _step(self, case: DevelopmentCase, number: int) -> DevelopmentStep | None:
        return next((s for s in case.steps.all() if s.number == number), None)

    def _date(self, case: DevelopmentCase, number: int) -> str:
        step = self._step(case, number)
        return f"{step.date:%Y-%m-%d}" if step else ""

    def dehydrate_applied_on(self, case: DevelopmentCase) -> str:
        return self._date(case, rules.APPLICATION)

    def dehydrate_talk_on(self, case: DevelopmentCase) -> str:
        return self._date(case, rules.TALK)

    def dehydrate_activist_on(self, case: DevelopmentCase) -> str:
        return self._date(case, rules.ACTIVIST)

    def dehydrate_cultivators(self, case: DevelopmentCase) -> str:
        step = self._step(case, rules.CULTIVATORS)
        return step.people if step else ""

    def dehydrate_candidate_on(self, case: DevelopmentCase) -> str:
        return self._date(case, rules.CANDIDATE)

    def dehydrate_introducers(self, case: DevelopmentCase) -> str:
        step = self._step(case, rules.INTRODUCERS)
        return step.people if step else ""

    def dehydrate_training_hours(self, case: DevelopmentCase) -> str:
        step = self._step(case, rules.TRAINING)
        return str(step.training_hours) if step else ""

    def dehydrate_meeting_on(self, case: DevelopmentCase) -> str:
        return self._date(case, rules.ACCEPTANCE_MEETING)

    def dehydrate_approved_on(self, case: DevelopmentCase) -> str:
        return self._date(case, rules.APPROVAL)

    def dehydrate_registers_from(self, case: DevelopmentCase) -> str:
        return f"{case.registers_from:%Y-%m-%d}"
