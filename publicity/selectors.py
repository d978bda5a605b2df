"""Reads of the publicity app: the public site's pages (only what is published and running, only
the public fields) and the printouts of a notice. Each read runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from members.models import Member
from members.participation import Answer
from members.selectors.dual import BoardEntry, supervision_board_list
from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS
from organizations.scope import within

from . import rules
from .models import BoardItem, DevelopmentCase, DevelopmentStep, Notice, Opinion
from .models.development import DevelopmentCaseQuerySet


def _dues_publication_source() -> Callable[[int], list[Any]] | None:
    """党费收缴公示 comes from the finance app, through its selector, when finance provides one
    (issue 11 adds `finance.selectors.dues_publication_list(community_id)`). Until then the
    board simply has no dues section."""
    try:
        module = importlib.import_module("finance.selectors")
    except ImportError:
        return None
    return getattr(module, "dues_publication_list", None)


# --- the public site --------------------------------------------------------------------------------
def probation_approved_on(
    member_ids: Collection[int], start: dt.date | None, end: dt.date
) -> Answer:
    """The PROBATION_APPROVED_ON fact (members/participation.py): the day the 上级党委 approved
    each member as a 预备党员 (step 17), where their development case is recorded. One query."""
    found = DevelopmentStep.objects.filter(
        within("case__member_id", frozenset(member_ids)), number=rules.APPROVAL, date__lte=end
    ).values_list("case__member_id", "date")
    return Answer(dict(found))


def public_community_list(today: dt.date) -> list[Organization]:
    """Every community, each with `notice_count` (its running notices): one query."""
    running = Q(  # Notice.objects.running_on, through the relation
        notices__published_at__isnull=False,
        notices__withdrawn_at__isnull=True,
        notices__case__deferred_on__isnull=True,
        notices__starts_on__lte=today,
        notices__ends_on__gte=today,
    )
    return list(
        Organization.objects.filter(kind__in=COMMUNITY_KINDS)
        .annotate(notice_count=Count("notices", filter=running))
        .only("pk", "name", "code", "kind")
        .order_by("code")
    )


def public_community_get(code: str) -> Organization | None:
    return (
        Organization.objects.filter(kind__in=COMMUNITY_KINDS, code=code)
        .only("pk", "name", "code", "kind")
        .first()
    )


def public_notices(community: Organization, today: dt.date) -> QuerySet[Notice]:
    """The community's running notices, with the public fields only."""
    return (
        Notice.objects.running_on(today)
        .filter(community=community)
        .only("pk", "community_id", "published_at", *Notice.PUBLIC_FIELDS)
        .order_by("ends_on", "pk")
    )


def public_notice_get(pk: int, today: dt.date) -> Notice | None:
    return (
        Notice.objects.running_on(today)
        .select_related("community")
        .only("pk", "published_at", "community__name", "community__code", *Notice.PUBLIC_FIELDS)
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class ClosedNotice:
    """What the public site still says of a notice residents can no longer read."""

    pk: int
    community: Organization
    starts_on: dt.date
    ends_on: dt.date
    withdrawn_on: dt.date | None  # withdrawn before its period was over


def public_closed_notice_get(pk: int, today: dt.date) -> ClosedNotice | None:
    """A published notice that has ended or was withdrawn: its community and period only, never
    its person (shown only during the period) nor the withdrawal's reason (the record book's).
    None for a notice never published, or one that is neither (not yet begun). One query."""
    notice = (
        Notice.objects.filter(pk=pk, published_at__isnull=False, ends_on__isnull=False)
        .select_related("community")
        .only("pk", "starts_on", "ends_on", "withdrawn_at", "community__name", "community__code")
        .first()
    )
    if notice is None or notice.ends_on is None:
        return None
    withdrawn_on = timezone.localdate(notice.withdrawn_at) if notice.withdrawn_at else None
    if withdrawn_on is not None and withdrawn_on > notice.ends_on:
        withdrawn_on = None  # it ran its whole period (a later deferral withdraws it too)
    if withdrawn_on is None and not notice.has_ended(today):
        return None
    return ClosedNotice(notice.pk, notice.community, notice.starts_on, notice.ends_on, withdrawn_on)


@dataclass
class PublicBoard:
    community: Organization
    notices: list[Notice]
    items: list[BoardItem]
    supervision: list[BoardEntry]
    dues: list[Any] = field(default_factory=list)
    has_dues: bool = False


def public_board_get(community: Organization, today: dt.date) -> PublicBoard:
    """A community's board: running notices, the 监督台, 党务公开 items showing today, and the dues
    summary if finance publishes one. Five queries at most."""
    items = list(
        BoardItem.objects.filter(community=community)
        .showing_on(today)
        .only("pk", "kind", "title", "body", "publish_on", "end_on")
        .order_by("-publish_on", "-pk")
    )
    source = _dues_publication_source()
    notices = list(public_notices(community, today))
    for notice in notices:
        notice.left = rules.notice_days_left(notice.ends_on or today, today)  # type: ignore[attr-defined]
    return PublicBoard(
        community=community,
        notices=notices,
        items=items,
        supervision=supervision_board_list(community),
        dues=list(source(community.pk)) if source else [],
        has_dues=source is not None,
    )


# --- the record book ------------------------------------------------------------------------------
@dataclass
class RecordBook:
    notice: Notice
    opinions: list[Opinion]
    open_count: int


def record_book_get(notice: Notice) -> RecordBook:
    opinions = list(notice.opinions.order_by("received_at", "pk"))
    return RecordBook(notice, opinions, sum(1 for o in opinions if not o.is_closed))


# --- 发展党员台账 -------------------------------------------------------------------------------------
@dataclass
class LedgerRow:
    case: DevelopmentCase
    dates: dict[int, dt.date]
    next_step: rules.NextStep | None

    @property
    def key_dates(self) -> list[dt.date | None]:
        return [self.dates.get(number) for number in LEDGER_STEPS]


LEDGER_STEPS = (
    rules.APPLICATION, rules.ACTIVIST, rules.CANDIDATE, rules.ACCEPTANCE_MEETING, rules.APPROVAL,
    rules.FULL_APPROVAL,
)  # fmt: skip


def development_ledger_list(organization: Organization, *, reader: Any) -> list[LedgerRow]:
    """Every case held in `organization` and below that `reader` sees (None: no limit), with
    its key dates: three queries."""
    ids = [o.pk for o in organization.descendants(include_self=True)]
    cases = DevelopmentCase.objects.filter(branch_id__in=ids)
    if reader is not None:
        cases = cases.visible_to(reader)
    cases = (
        cases.select_related("branch").prefetch_related("steps").order_by("branch__code", "name")
    )
    rows = []
    for case in cases:
        steps: list[DevelopmentStep] = list(case.steps.all())
        rows.append(LedgerRow(case, {s.number: s.date for s in steps}, case.next_step()))
    return rows


# --- who approves, and the people a step names --------------------------------------------------
def _person_error(case: DevelopmentCase, name: str, day: dt.date, what: str) -> str | None:
    """`name` ("姓名", or "姓名（所在党组织）" for a member of another organization) is a 正式党员
    on `day`: a member of the system, or recorded with an organization outside it."""
    match = PERSON_PATTERN.match(name)
    person, organization_name = (match.group(1), match.group(2)) if match else (name, "")
    named = Member.objects.filter(name=person)
    if organization_name:
        organization = Organization.objects.filter(name=organization_name).first()
        if organization is None:  # a member of another organization, recorded as such
            return None
        named = named.filter(branch=organization)
    elif named.filter(branch_id=case.branch_id).exists():
        named = named.filter(branch_id=case.branch_id)
    full = named.filter(pk__in=Member.objects.full_on(day).values("pk"))
    if full.count() == 1:
        return None
    if full.count() > 1:
        return f"{what}“{person}”有同名党员，请写作“姓名（所在党组织）”"
    if named.exists():
        return f"{what}“{person}”在{day:%Y-%m-%d}不是正式党员：{what}须由正式党员担任"
    where = f"“{organization_name}”中" if organization_name else ""
    return (
        f"{what}“{person}”不是{where}登记的党员：请填写本系统中的正式党员，"
        "其他党组织的党员请写作“姓名（所在党组织）”"
    )


PERSON_PATTERN = re.compile(r"^\s*([^（(]+?)\s*[（(]\s*(.+?)\s*[）)]\s*$")
_PEOPLE_ROLES = {
    rules.CULTIVATORS: "培养联系人",
    rules.ASSESSMENT: "考察写实人",
    rules.INTRODUCERS: "入党介绍人",
    rules.REVIEW: "政治审查人",
    rules.FURTHER_ASSESSMENT: "考察写实人",
}


def step_people_error(
    case: DevelopmentCase, number: int, day: dt.date, names: list[str]
) -> str | None:
    """培养联系人, 考察写实人, 入党介绍人 and the 政审's people are 正式党员 on the step's date."""
    if number not in rules.MEMBER_PEOPLE_STEPS:
        return None
    what = _PEOPLE_ROLES[number]
    return next((e for name in names if (e := _person_error(case, name, day, what))), None)


# --- the member page's tab ------------------------------------------------------------------------
def member_development_tab(*, member: Member, user: Any) -> Any:
    """The member page's 发展党员 tab (members/selectors/member.py Tab): the steps of the case that
    made the member (date, people, note; no personal field of the case), its stage and next step.
    Two queries."""
    from django.urls import reverse

    from members.selectors.member import Tab

    permission = "publicity.view_developmentcase"
    if not user.has_perm(permission):
        return None
    case = (
        DevelopmentCase.objects.visible_to(user)
        .filter(member=member)
        .prefetch_related("steps")
        .first()
    )
    headers = ("步骤", "日期", "相关人员", "说明")
    if case is None:
        summary = "本系统没有该党员的发展党员记录（入党早于使用本系统，或由其他党组织发展）。"
        return Tab("发展党员", headers, [], "", permission, summary=summary, badge="无记录")
    url = reverse("admin:publicity_developmentcase_change", args=[case.pk])
    steps = sorted(case.steps.all(), key=lambda step: step.number)
    rows = [
        (url, [f"{s.number}. {rules.STEPS[s.number - 1].label}", f"{s.date:%Y-%m-%d}", s.people,
               s.note])
        for s in steps
    ]  # fmt: skip
    return Tab(
        "发展党员", headers, rows, url, permission,
        summary=_case_summary(case, steps), badge=case.get_stage_display(),
        list_label="打开发展党员档案",
    )  # fmt: skip


def _case_summary(case: DevelopmentCase, steps: list[DevelopmentStep]) -> str:
    text = f"阶段：{case.get_stage_display()}；已完成{len(steps)}/{rules.LAST_STEP}步"
    if case.deferred_on:
        return f"{text}；{case.deferred_on:%Y-%m-%d}暂缓发展：{case.deferred_reason}。"
    following = case.next_step()
    if following is None:
        return f"{text}。"
    due = f"，最迟{following.due_on:%Y-%m-%d}" if following.due_on else ""
    return f"{text}；下一步：第{following.number}步“{following.label}”{due}。"


# --- the development registers ---------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterLine:
    """One period of a case's register: what was owed, by when, and what came in."""

    owed: rules.Owed
    entry: Any = None  # the DevelopmentReport or CaseAssessment, if recorded

    @property
    def on(self) -> dt.date | None:
        if self.entry is None:
            return None
        return getattr(self.entry, "received_on", None) or getattr(self.entry, "assessed_on", None)

    def is_overdue(self, today: dt.date) -> bool:
        """Kept in the system, not recorded and past its due date (the due date itself is still
        on time): rules.overdue_count for one line."""
        recorded = {self.owed.period.code} if self.entry is not None else set()
        return rules.overdue_count([self.owed], recorded, today) == 1

    @property
    def on_paper(self) -> bool:
        """Ended before the case's registers were kept in the system, with nothing recorded
        here: “系统启用前（纸质台账）”, neither done nor overdue."""
        return self.entry is None and self.owed.on_paper

    @property
    def is_late(self) -> bool:
        return self.on is not None and rules.is_late(self.owed.due_on, self.on)


@dataclass
class CaseRegister:
    case: DevelopmentCase
    reports: list[RegisterLine]
    assessments: list[RegisterLine]

    def overdue(self, today: dt.date) -> tuple[int, int]:
        return (
            sum(line.is_overdue(today) for line in self.reports),
            sum(line.is_overdue(today) for line in self.assessments),
        )


def _register_dates_of(case: DevelopmentCase, dates: dict[int, dt.date]) -> rules.RegisterDates:
    return rules.RegisterDates(
        activist_on=dates.get(rules.ACTIVIST),
        candidate_on=dates.get(rules.CANDIDATE),
        probationary_on=dates.get(rules.APPROVAL),
        deferred_on=case.deferred_on,
        registers_from=case.registers_from,
    )


def case_register_list(cases: QuerySet[DevelopmentCase], today: dt.date) -> list[CaseRegister]:
    """Each case's register up to `today` (the periods ended by then, with what was recorded):
    four queries whatever the number of cases. A register is derived from the stage dates; a
    period with nothing recorded is shown as missing, never as a fact about the person."""
    from .models import CaseAssessment, DevelopmentReport

    case_list = list(cases.filter(steps__number=rules.ACTIVIST).distinct())
    ids = [case.pk for case in case_list]
    dates: dict[int, dict[int, dt.date]] = {pk: {} for pk in ids}
    for case_id, number, date in DevelopmentStep.objects.filter(
        case_id__in=ids, number__in=(rules.ACTIVIST, rules.CANDIDATE, rules.APPROVAL)
    ).values_list("case_id", "number", "date"):
        dates[case_id][number] = date
    reports = {(r.case_id, r.period): r for r in DevelopmentReport.objects.filter(case_id__in=ids)}
    assessments = {(a.case_id, a.period): a for a in CaseAssessment.objects.filter(case_id__in=ids)}
    registers = []
    for case in case_list:
        owed = _register_dates_of(case, dates[case.pk])
        registers.append(CaseRegister(
            case,
            [RegisterLine(o, reports.get((case.pk, o.period.code)))
             for o in rules.reports_owed(owed, today)],
            [RegisterLine(o, assessments.get((case.pk, o.period.code)))
             for o in rules.assessments_owed(owed, today)],
        ))  # fmt: skip
    return registers


def register_overdue_counts(
    cases: DevelopmentCaseQuerySet, today: dt.date
) -> tuple[int, int, list[int]]:
    """Overdue 思想汇报 and 培养考察 of the activists and candidates (a deferred case, or one
    already a 预备党员, is chased no more), and the ids of the cases owing any: counted by the
    database (DevelopmentCaseQuerySet.with_register_overdue), one query."""
    owing = cases.owing_registers(today).order_by("pk")
    # The counts are annotations (django-stubs knows only the fields).
    rows = list(owing.values_list("pk", "reports_overdue", "assessments_overdue"))  # type: ignore[misc]
    reports = sum(row[1] for row in rows)
    assessments = sum(row[2] for row in rows)
    return reports, assessments, [row[0] for row in rows]


def register_overdue_totals(cases: DevelopmentCaseQuerySet, today: dt.date) -> tuple[int, int]:
    """The 工作台's two counts (overdue 思想汇报, overdue 培养考察 of the cases chased), summed by
    the database: one query whatever the number of cases."""
    totals = (
        cases.chased_for_registers()
        .with_register_overdue(today)
        .aggregate(reports=Sum("reports_overdue"), assessments=Sum("assessments_overdue"))
    )
    return totals["reports"] or 0, totals["assessments"] or 0
