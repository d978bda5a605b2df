"""自行脱党 flags judged from the records the system holds, never from their absence (DOMAIN.md,
"Members"; issue "Rules, round 2"): the dues, meetings and development records of the installed
apps, the arrears list, the 量化考核 figure, the 处置提示 export and page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import tablib
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from activities.rules import MeetingKind
from finance.models import DuesPayment
from finance.rules import PaymentMethod
from members.models import FloatingLifeEntry, LapseDecision, Member
from members.rules import FloatingDirection, LapseCondition, LapseOutcome, MemberStatus
from members.selectors.lapse import self_lapse_report
from members.services.records import (
    assessment_prefill,
    floating_life_entry_save,
    lapse_decision_save,
    membership_transfer_receive,
)
from publicity.models import DevelopmentStep
from publicity.rules import APPROVAL
from tests.activities.factories import AttendanceFactory, MeetingFactory
from tests.members.factories import (
    AssessmentFactory,
    FloatingRecordFactory,
    MemberFactory,
    MembershipTransferFactory,
)
from tests.publicity.factories import DevelopmentCaseFactory

AS_OF = dt.date(2026, 8, 10)
OLD = dt.date(2010, 1, 1)


def _member(branch: Any, name: str, joined_on: dt.date = OLD, **kw: Any) -> Member:
    return MemberFactory(
        name=name, branch=branch, joined_on=joined_on, categories=["student"], **kw
    )


def _pay(member: Member, *periods: dt.date, paid_on: dt.date | None = None, **kw: Any) -> None:
    for period in periods:
        DuesPayment.objects.create(
            member=member,
            period=period,
            amount=Decimal("0.20"),
            paid_on=paid_on or period + dt.timedelta(days=5),
            method=kw.get("method", PaymentMethod.IN_PERSON),
        )


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    found, month = [], first
    while month <= last:
        found.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return found


def _flags(today: dt.date = AS_OF, **kw: Any) -> list[tuple[str, str, str, int]]:
    report = self_lapse_report(members=Member.objects.all(), today=today, **kw)
    return [(row.member.name, row.condition.label, *row.cells()[3:]) for row in report.rows]


@pytest.fixture
def records(tree: SimpleNamespace) -> Member:
    """Branch A has kept its dues in the system since January 2025 (another member's)."""
    keeper = _member(tree.branch_a, "按月交纳")
    _pay(keeper, *_months(dt.date(2025, 1, 1), dt.date(2026, 8, 1)))
    return keeper


# --- 1. arrears: each owed month unsettled counts ---------------------------------------------------
def test_paying_the_current_month_does_not_wipe_out_six_unpaid_ones(tree, records) -> None:
    member = _member(tree.branch_a, "只交了本月")
    _pay(member, *_months(dt.date(2025, 1, 1), dt.date(2026, 1, 1)))
    _pay(member, dt.date(2026, 8, 1))  # February to July unpaid
    assert _flags() == [("只交了本月", "未交党费", "2026-02", 6)]


def test_the_current_month_unpaid_is_not_late(tree, records) -> None:
    member = _member(tree.branch_a, "欠到上月")
    _pay(member, *_months(dt.date(2025, 1, 1), dt.date(2026, 1, 1)))
    assert _flags(dt.date(2026, 7, 31)) == []  # February to June: five; July still open
    assert _flags(dt.date(2026, 8, 1)) == [("欠到上月", "未交党费", "2026-02", 6)]


def test_a_later_month_paid_after_six_unpaid_does_not_clear_them(tree, records) -> None:
    member = _member(tree.branch_a, "补交后月")
    _pay(member, *_months(dt.date(2025, 1, 1), dt.date(2025, 12, 1)))
    _pay(member, dt.date(2026, 7, 1))  # January to June unpaid, July paid
    assert _flags() == [("补交后月", "未交党费", "2026-01", 6)]


def test_a_quarterly_payer_is_not_late_within_the_quarter(tree, records) -> None:
    quarterly = _member(tree.branch_a, "按季交纳")
    monthly = _member(tree.branch_a, "按月交纳欠费")
    for member, method in ((quarterly, PaymentMethod.QUARTERLY), (monthly, "in_person")):
        _pay(member, *_months(dt.date(2025, 1, 1), dt.date(2026, 2, 1)), method=method)
    # On 20 September, March to June are late for both; July and August only for a monthly payer.
    assert _flags(dt.date(2026, 9, 20)) == [("按月交纳欠费", "未交党费", "2026-03", 6)]


# --- 2. dues judged only from records ---------------------------------------------------------------
def test_a_member_who_joined_the_branch_six_months_ago_is_flagged_five_is_not(
    tree, records
) -> None:
    _member(tree.branch_a, "入党六个月", joined_on=dt.date(2026, 2, 10))
    _member(tree.branch_a, "入党五个月", joined_on=dt.date(2026, 3, 1))
    assert _flags() == [("入党六个月", "未交党费", "2026-02", 6)]


def test_a_branch_whose_first_payment_record_is_recent_judges_from_it(tree, records) -> None:
    newcomer_branch_keeper = _member(tree.branch_b, "乙支部交纳")
    _pay(newcomer_branch_keeper, *_months(dt.date(2026, 4, 1), dt.date(2026, 7, 1)))
    _member(tree.branch_b, "乙支部老党员")  # joined 2010, no payment recorded
    assert _flags() == []  # April to July: four months of records, not "since 2010"
    assert _flags(dt.date(2026, 10, 1)) == [("乙支部老党员", "未交党费", "2026-04", 6)]


def test_a_branch_without_any_payment_record_has_no_dues_flags(tree) -> None:
    _member(tree.branch_b, "花名册导入")
    assert _flags() == []


def test_an_imported_member_counts_from_joining_unless_a_transfer_in_says_later(
    tree, records, secretary_a
) -> None:
    _member(tree.branch_a, "导入无转入")
    moved = _member(tree.branch_a, "导入有转入")
    transfer = MembershipTransferFactory(
        member=moved, direction="in", issued_on=dt.date(2026, 3, 1), branch=tree.branch_a
    )
    membership_transfer_receive(
        transfer=transfer, received_on=dt.date(2026, 3, 15), actor=secretary_a
    )
    assert _flags() == [("导入无转入", "未交党费", "2025-01", 19)]
    assert _flags(dt.date(2026, 9, 1)) == [
        ("导入无转入", "未交党费", "2025-01", 20),
        ("导入有转入", "未交党费", "2026-03", 6),
    ]


def test_a_new_probationary_member_owes_from_the_month_after_approval(tree, records) -> None:
    member = _member(
        tree.branch_a,
        "新预备党员",
        joined_on=dt.date(2025, 11, 20),
        status=MemberStatus.PROBATIONARY,
    )
    case = DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_a)
    case.member = member
    case.save()
    DevelopmentStep.objects.create(case=case, number=APPROVAL, date=dt.date(2026, 2, 25))
    assert _flags() == []  # March to July: five
    assert _flags(dt.date(2026, 9, 1)) == [("新预备党员", "未交党费", "2026-03", 6)]


def test_dues_that_cannot_be_computed_are_a_data_error_never_a_lapse(
    tree, records, client, secretary_a
) -> None:
    MemberFactory(name="无收入在职", branch=tree.branch_a, joined_on=OLD, categories=["in_service"])
    report = self_lapse_report(members=Member.objects.all(), today=AS_OF)
    assert report.rows == []
    assert [(m.name, error) for m, error in report.errors] == [
        ("无收入在职", "数据错误：未登记月收入，无法计算党费，请补登后再核定")
    ]
    client.force_login(secretary_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert "名党员无法计算党费" in page


# --- 1. one computation, three readers --------------------------------------------------------------
def test_the_arrears_list_the_report_and_the_assessment_agree(
    tree, records, client, secretary_a
) -> None:
    """January to June 2026 unpaid, every month since paid: six months in each reader."""
    today = timezone.localdate()
    member = _member(tree.branch_a, "欠交六个月")
    _pay(member, *_months(dt.date(2025, 1, 1), dt.date(2025, 12, 1)))
    for month in _months(dt.date(2026, 7, 1), today.replace(day=1)):
        _pay(member, month, paid_on=min(month + dt.timedelta(days=5), today))
    assert [f for f in _flags(today) if f[0] == "欠交六个月"] == [
        ("欠交六个月", "未交党费", "2026-01", 6)
    ]
    client.force_login(secretary_a)
    url = reverse("admin:finance_memberdues_changelist") + "?arrears=lapsed"
    page = client.get(url).content.decode()
    assert "欠交六个月" in page
    assert "6（自2026-01）" in page
    sheet = AssessmentFactory(member=member, year=2026)
    created = assessment_prefill(assessments=[sheet], actor=secretary_a).created
    assert [(d.item, d.points, d.reason) for d in created] == [
        (3, Decimal(10), "逾期不交党费（6个月），扣10分")
    ]


# --- 5. a raised flag stands until the branch decides -----------------------------------------------
def test_paying_back_does_not_clear_a_raised_flag_a_decision_does(
    tree, records, secretary_a
) -> None:
    member = _member(tree.branch_a, "补交欠费")
    _pay(member, *_months(dt.date(2025, 1, 1), dt.date(2025, 12, 1)))
    _pay(member, *_months(dt.date(2026, 1, 1), dt.date(2026, 7, 1)), paid_on=dt.date(2026, 7, 20))
    assert _flags() == [("补交欠费", "未交党费", "2026-01", 6)]
    decision = LapseDecision(
        member=member,
        condition=LapseCondition.DUES,
        decided_on=dt.date(2026, 8, 5),
        decision=LapseOutcome.EXCUSED,
    )
    lapse_decision_save(decision=decision, actor=secretary_a)
    assert _flags() == []


# --- 3. organizational life from the branch's own named records -------------------------------------
def _meeting(branch: Any, day: dt.date, *present: Member) -> None:
    meeting = MeetingFactory(organization=branch, held_on=day, kind=MeetingKind.GENERAL_MEETING)
    for member in present:
        AttendanceFactory(meeting=meeting, member=member)


def test_a_branch_with_count_only_meetings_has_no_life_flags(tree) -> None:
    named = [_member(tree.branch_a, f"甲支部{i}") for i in range(3)]
    _meeting(tree.branch_a, dt.date(2025, 1, 10), *named)  # the district's first attendance row
    for i in range(18):
        _member(tree.branch_b, f"乙支部{i:02d}")
    for month in range(1, 8):
        MeetingFactory(
            organization=tree.branch_b, held_on=dt.date(2026, month, 5), expected_count=18,
            present_count=15,
        )  # fmt: skip
    assert _flags() == [(m.name, "未参加组织生活", "2025-01", 19) for m in named]


def test_life_is_judged_from_the_branch_first_named_meeting(tree) -> None:
    """Branch A's attendance since January 2025 says nothing about branch B, whose named records
    begin on 5 March 2026."""
    present = _member(tree.branch_b, "到会")
    _member(tree.branch_b, "未到会")
    _meeting(tree.branch_a, dt.date(2025, 1, 10), _member(tree.branch_a, "甲支部"))
    _meeting(tree.branch_b, dt.date(2026, 3, 5), present)
    _meeting(tree.branch_b, dt.date(2026, 7, 5), present)
    branch_b = Member.objects.filter(branch=tree.branch_b)

    def life(today: dt.date) -> list[tuple[str, str, int]]:
        report = self_lapse_report(members=branch_b, today=today)
        return [(r.member.name, r.cells()[3], r.run.months) for r in report.rows]

    assert life(dt.date(2026, 9, 4)) == []
    assert life(dt.date(2026, 9, 5)) == [("未到会", "2026-03", 6)]


def test_a_new_probationary_member_is_not_flagged_on_the_day_of_approval(tree) -> None:
    """Approved after an extended approval, six months after the branch meeting: organizational
    life counts from the approval, not from 入党日期."""
    old = _member(tree.branch_a, "老党员")
    _meeting(tree.branch_a, dt.date(2025, 6, 1), old)
    member = _member(
        tree.branch_a, "延长审批", joined_on=dt.date(2026, 1, 5), status=MemberStatus.PROBATIONARY
    )
    case = DevelopmentCaseFactory(branch=tree.branch_a, residence_community=tree.community_a)
    case.member = member
    case.save()
    DevelopmentStep.objects.create(case=case, number=APPROVAL, date=dt.date(2026, 7, 10))
    assert [f[0] for f in _flags(dt.date(2026, 7, 10))] == ["老党员"]
    assert ("延长审批", "未参加组织生活", "2026-07", 6) in _flags(dt.date(2027, 1, 10))


# --- 4. floating members ------------------------------------------------------------------------------
def test_an_outflowing_member_who_phones_but_has_not_attended_for_seven_months_is_flagged(
    tree, secretary_a
) -> None:
    caller = _member(tree.branch_a, "只打电话")
    away = _member(tree.branch_a, "流入地参加")
    for member in (caller, away):
        FloatingRecordFactory(
            member=member, since=dt.date(2025, 10, 1), last_contact_on=dt.date(2026, 8, 1)
        )
    _meeting(tree.branch_a, dt.date(2026, 1, 8), caller, away)
    entry = FloatingLifeEntry(
        floating_record=away.floating_records.get(),
        held_on=dt.date(2026, 6, 15),
        organization="深圳市某社区流动党员党支部",
    )
    floating_life_entry_save(entry=entry, actor=secretary_a)
    life = [f for f in _flags(dt.date(2026, 8, 10)) if f[1] == "未参加组织生活"]
    assert life == [("只打电话", "未参加组织生活", "2026-01", 7)]


def test_an_inflowing_member_at_a_fixed_place_for_14_months_should_transfer_here(
    tree, client, secretary_a
) -> None:
    FloatingRecordFactory(
        member=_member(tree.branch_b, "流入十四个月"),
        direction=FloatingDirection.INFLOW,
        certificate_checked=True,
        placed_in=tree.branch_a,
        has_fixed_place=True,
        since=timezone.localdate() - dt.timedelta(days=14 * 31),
        last_contact_on=timezone.localdate(),
    )
    client.force_login(secretary_a)
    url = reverse("admin:members_floatingrecord_changelist") + "?should_transfer=yes"
    page = client.get(url).content.decode()
    assert "流入十四个月" in page
    assert "应转入" in page


# --- 6. the 处置提示 export and page -------------------------------------------------------------------
def test_lapse_report_writes_the_contract_rows_in_order_and_scoped(
    tree, records, tmp_path: Path, secretary_b
) -> None:
    _member(tree.branch_a, "张二")
    _member(tree.branch_a, "张一")
    b_keeper = _member(tree.branch_b, "乙支部交纳")
    _pay(b_keeper, *_months(dt.date(2025, 1, 1), dt.date(2026, 8, 1)))
    _member(tree.branch_b, "王一", joined_on=dt.date(2026, 1, 20))
    path = tmp_path / "处置提示.xlsx"
    out = StringIO()
    call_command("lapse_report", str(path), "--as-of", "2026-08-10", stdout=out)
    data = tablib.Dataset().load(path.read_bytes(), format="xlsx")
    assert data.headers == ["姓名", "所在党组织", "条件", "起始月份", "月数"]
    assert [tuple(row) for row in data] == [
        ("张一", tree.branch_a.code, "未交党费", "2025-01", 19),
        ("张二", tree.branch_a.code, "未交党费", "2025-01", 19),
        ("王一", tree.branch_b.code, "未交党费", "2026-01", 7),
    ]
    assert "3名党员3条处置提示" in out.getvalue()
    assert out.getvalue().count("\n") == 1
    call_command(
        "lapse_report", str(path), "--as-of", "2026-08-10", "--user", secretary_b.username,
        stdout=StringIO(),
    )  # fmt: skip
    scoped = tablib.Dataset().load(path.read_bytes(), format="xlsx")
    assert [row[0] for row in scoped] == ["王一"]


def test_lapse_report_refuses_a_bad_date_and_an_unknown_user(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match="格式错误"):
        call_command("lapse_report", str(path), "--as-of", "2026-13-01")
    with pytest.raises(CommandError, match="不存在"):
        call_command("lapse_report", str(path), "--user", "nobody")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        call_command("lapse_report", str(tmp_path / "x.txt"))


def test_the_lapse_page_shows_the_rows_and_prints(tree, records, client, secretary_a) -> None:
    _member(tree.branch_a, "欠费党员")
    client.force_login(secretary_a)
    url = reverse("admin:members_member_lapse")
    page = client.get(url).content.decode()
    assert "欠费党员" in page
    assert "未交党费" in page
    assert "打印（PDF）" in page
    from common.printables import print_url
    from tests.printing import pdf_pages

    assert print_url("lapse_report") in page
    pdf = client.get(print_url("lapse_report"))
    assert pdf["Content-Type"] == "application/pdf"
    assert "欠费党员" in pdf_pages(pdf.content)[1]
