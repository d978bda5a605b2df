"""Issue 9.4 and 9.10: the participation interface that dues and meeting records will feed, the
自行脱党 flags built on it, and the 量化考核 deductions it pre-fills."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import participation
from members.models import AssessmentDeduction, FloatingLifeEntry, LapseDecision, Member
from members.participation import Answer, Fact
from members.rules import LapseCondition, LapseOutcome, Run
from members.selectors.lapse import self_lapse_report
from members.services.records import (
    assessment_prefill,
    floating_life_entry_save,
    lapse_decision_save,
)
from organizations.scope import ScopeError
from tests.members.factories import (
    AssessmentFactory,
    FloatingRecordFactory,
    MemberFactory,
)

TODAY = dt.date(2026, 8, 1)


@pytest.fixture(autouse=True)
def _no_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from a registry with nothing in it, whatever the installed apps provide."""
    monkeypatch.setattr(participation, "_providers", {})


@pytest.fixture
def provide() -> Iterator[Callable[..., None]]:
    """Register a provider for a fact for one test, as a higher app does at ready()."""
    registered: list[Fact] = []

    def register(fact: Fact, values: dict[int, Any], since: dt.date | None = None) -> None:
        def provider(member_ids: Collection[int], start: dt.date | None, end: dt.date) -> Answer:
            list(Member.objects.filter(pk__in=member_ids).values_list("pk"))  # one query
            return Answer({pk: v for pk, v in values.items() if pk in member_ids}, since)

        participation.register(fact, provider)
        registered.append(fact)

    yield register
    for fact in registered:
        participation.unregister(fact)


# --- the interface ---------------------------------------------------------------------------------
def test_an_unregistered_fact_is_not_answered_a_registered_one_is_asked_once() -> None:
    fact = Fact("test_only", "测试", "测试记录")
    assert participation.ask(fact, [1, 2], start=None, end=TODAY) is None
    calls: list[tuple[Any, ...]] = []

    def provider(member_ids: Collection[int], start: dt.date | None, end: dt.date) -> Answer:
        calls.append((sorted(member_ids), start, end))
        return Answer({1: TODAY})

    participation.register(fact, provider)
    assert participation.registered_facts() == ["test_only"]
    assert participation.ask(fact, [2, 1], start=None, end=TODAY) == Answer({1: TODAY})
    assert calls == [([1, 2], None, TODAY)]


def test_a_fact_is_registered_once(provide) -> None:
    provide(participation.DUES_ARREARS, {})
    with pytest.raises(participation.ProviderError, match="已经登记"):
        participation.register(participation.DUES_ARREARS, lambda ids, start, end: Answer({}))


# --- 自行脱党 ---------------------------------------------------------------------------------------
def rows(report: Any) -> list[tuple[str, str, str, str, int]]:
    return [row.cells() for row in report.rows]


def test_without_records_no_condition_can_be_checked_and_the_report_says_so(tree) -> None:
    MemberFactory(branch=tree.branch_a)
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert report.rows == []
    assert report.checked == []
    assert report.summary() == (
        "已核查：无。尚不能核查：连续6个月未交党费（党费收缴记录尚未接入本系统）；"
        "连续6个月未参加组织生活（组织生活签到记录尚未接入本系统）；"
        "连续6个月不做党所分配的工作（党组织分配工作的记录尚未接入本系统）。"
    )


def test_a_run_of_six_unpaid_months_flags_a_member_five_do_not(tree, provide) -> None:
    six = MemberFactory(name="六个月未交", branch=tree.branch_a)
    five = MemberFactory(name="五个月未交", branch=tree.branch_a)
    provide(
        participation.DUES_ARREARS,
        {six.pk: Run(dt.date(2026, 1, 1), 6), five.pk: Run(dt.date(2026, 2, 1), 5)},
    )
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert rows(report) == [("六个月未交", tree.branch_a.code, "未交党费", "2026-01", 6)]
    assert report.checked == ["连续6个月未交党费"]


def _life(provide, days: dict[int, tuple[dt.date, ...]], since: dict[int, dt.date]) -> None:
    def provider(member_ids: Collection[int], start: dt.date | None, end: dt.date) -> Answer:
        return Answer(days, None, since)

    participation.register(participation.ORGANIZATIONAL_LIFE_DAYS, provider)


def test_six_months_without_organizational_life_flag_a_member(tree, provide) -> None:
    member = MemberFactory(name="不过组织生活", branch=tree.branch_a)
    recent = MemberFactory(name="参加组织生活", branch=tree.branch_a)
    since = {m.pk: dt.date(2026, 1, 15) for m in (member, recent)}
    _life(provide, {member.pk: (dt.date(2026, 2, 1),), recent.pk: (dt.date(2026, 2, 2),)}, since)
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert rows(report) == [("不过组织生活", tree.branch_a.code, "未参加组织生活", "2026-02", 6)]


def test_a_branch_without_named_records_has_no_organizational_life_flags(tree, provide) -> None:
    MemberFactory(name="支部只有会议人数", branch=tree.branch_a)
    _life(provide, {}, {})
    assert self_lapse_report(members=Member.objects.all(), today=TODAY).rows == []


def test_life_is_judged_from_the_branch_records_first_day(tree, provide) -> None:
    five = MemberFactory(name="五个月", branch=tree.branch_a, joined_on=dt.date(2010, 1, 1))
    six = MemberFactory(name="六个月", branch=tree.branch_b, joined_on=dt.date(2010, 1, 1))
    _life(provide, {}, {five.pk: dt.date(2026, 3, 2), six.pk: dt.date(2026, 2, 1)})
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert rows(report) == [("六个月", tree.branch_b.code, "未参加组织生活", "2026-02", 6)]


def test_a_call_does_not_clear_either_condition_of_an_outflowing_member(tree, provide) -> None:
    member = MemberFactory(name="外出党员", branch=tree.branch_a)
    FloatingRecordFactory(member=member, since=dt.date(2025, 6, 1), last_contact_on=TODAY)
    _life(provide, {member.pk: (dt.date(2026, 1, 1),)}, {member.pk: dt.date(2025, 1, 1)})
    provide(participation.DUES_ARREARS, {member.pk: Run(dt.date(2026, 1, 1), 7)})
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert [cells[2] for cells in rows(report)] == ["未交党费", "未参加组织生活"]


def test_life_recorded_on_the_certificate_counts_for_an_outflowing_member(
    tree, provide, secretary_a
) -> None:
    away = MemberFactory(name="外出有活动证记载", branch=tree.branch_a)
    silent = MemberFactory(name="外出只打电话", branch=tree.branch_a)
    for member in (away, silent):
        FloatingRecordFactory(member=member, since=dt.date(2025, 6, 1), last_contact_on=TODAY)
    entry = FloatingLifeEntry(
        floating_record=away.floating_records.get(),
        held_on=dt.date(2026, 6, 20),
        organization="深圳市某街道流动党员党支部",
    )
    floating_life_entry_save(entry=entry, actor=secretary_a)
    old = (dt.date(2026, 1, 1),)
    since = {m.pk: dt.date(2025, 12, 1) for m in (away, silent)}
    _life(provide, {away.pk: old, silent.pk: old}, since)
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert rows(report) == [("外出只打电话", tree.branch_a.code, "未参加组织生活", "2026-01", 7)]


def test_a_flag_stands_until_the_branch_records_its_decision(tree, provide, secretary_a) -> None:
    member = MemberFactory(name="待决定", branch=tree.branch_a)
    since = {member.pk: dt.date(2025, 1, 1)}
    _life(provide, {member.pk: (dt.date(2025, 3, 1), dt.date(2026, 7, 20))}, since)
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert rows(report) == [("待决定", tree.branch_a.code, "未参加组织生活", "2025-03", 16)]
    decision = LapseDecision(
        member=member,
        condition=LapseCondition.LIFE,
        decided_on=dt.date(2026, 7, 25),
        decision=LapseOutcome.CORRECT,
    )
    lapse_decision_save(decision=decision, actor=secretary_a)
    assert decision.recorded_by == secretary_a
    assert self_lapse_report(members=Member.objects.all(), today=TODAY).rows == []
    later = self_lapse_report(members=Member.objects.all(), today=dt.date(2027, 1, 26))
    assert rows(later) == [("待决定", tree.branch_a.code, "未参加组织生活", "2026-07", 6)]


def test_a_decision_is_refused_in_the_future_or_out_of_scope(
    tree, secretary_a, secretary_b
) -> None:
    member = MemberFactory(branch=tree.branch_a)
    decision = LapseDecision(
        member=member,
        condition=LapseCondition.DUES,
        decided_on=dt.date(2026, 3, 1),
        decision=LapseOutcome.EXCUSED,
    )
    with pytest.raises(ScopeError):
        lapse_decision_save(decision=decision, actor=secretary_b)
    decision.decided_on = dt.date(2099, 1, 1)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        lapse_decision_save(decision=decision, actor=secretary_a)
    assert not LapseDecision.objects.exists()


def test_a_fixed_number_of_queries_whatever_the_number_of_members(
    tree, provide, django_assert_max_num_queries
) -> None:
    members = MemberFactory.create_batch(20, branch=tree.branch_a)
    provide(participation.DUES_ARREARS, {m.pk: Run(dt.date(2025, 1, 1), 19) for m in members})
    _life(provide, {}, {m.pk: dt.date(2025, 1, 1) for m in members})
    with django_assert_max_num_queries(12):
        report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert len(report.rows) == 40


def test_the_lapse_page_says_what_was_checked_and_is_scoped(client, tree, secretary_b, provide):
    a = MemberFactory(name="甲支部党员", branch=tree.branch_a)
    b = MemberFactory(name="乙支部党员", branch=tree.branch_b)
    runs = {a.pk: Run(dt.date(2020, 1, 1), 70), b.pk: Run(dt.date(2020, 1, 1), 70)}
    provide(participation.DUES_ARREARS, runs)
    client.force_login(secretary_b)
    page = client.get(reverse("admin:members_member_lapse")).content.decode()
    assert "乙支部党员" in page
    assert "甲支部党员" not in page
    assert "已核查：连续6个月未交党费" in page
    assert "组织生活签到记录尚未接入本系统" in page
    assert f"{reverse('admin:members_lapsedecision_add')}?member={b.pk}&amp;condition=dues" in page
    changelist = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert reverse("admin:members_member_lapse") in changelist


# --- 量化考核 pre-fill -------------------------------------------------------------------------------
def test_prefill_without_records_produces_nothing_and_says_so(tree, secretary_a) -> None:
    sheet = AssessmentFactory(member=MemberFactory(branch=tree.branch_a), year=2026)
    result = assessment_prefill(assessments=[sheet], actor=secretary_a)
    assert result.created == []
    assert result.notes == [
        "党费收缴记录、组织生活签到记录、党课签到记录尚未接入本系统，"
        "第3、4项的扣分（逾期不交党费、组织生活低于95%、缺席党课）请手工填写。"
    ]
    assert not AssessmentDeduction.objects.exists()


def test_prefill_from_records_fills_items_3_and_4_once(tree, secretary_a, provide) -> None:
    member = MemberFactory(name="甲党员", branch=tree.branch_a)
    other = MemberFactory(name="乙党员", branch=tree.branch_a)
    sheets = [AssessmentFactory(member=m, year=2026) for m in (member, other)]
    AssessmentDeduction.objects.create(assessment=sheets[1], item=4, points=2, reason="手工")
    provide(participation.DUES_OVERDUE_MONTHS, {member.pk: 2, other.pk: 0})
    provide(participation.ORGANIZATIONAL_LIFE_RATE, {member.pk: Decimal(85), other.pk: Decimal(80)})
    provide(participation.LECTURES_MISSED, {member.pk: 1, other.pk: 0})

    result = assessment_prefill(assessments=sheets, actor=secretary_a)

    found = {(d.assessment.member.name, d.item): (d.points, d.reason) for d in result.created}
    assert found == {
        ("甲党员", 3): (Decimal(10), "逾期不交党费（2个月），扣10分"),
        ("甲党员", 4): (Decimal(5), "参加组织生活85%，低于95%，扣2分；缺席党课1次，扣3分"),
    }
    assert result.notes == ["乙党员：第4项已有扣分，未按系统记录改动。"]
    assert AssessmentDeduction.objects.get(assessment=sheets[1]).reason == "手工"
    assert result.created[0].history.get().history_user == secretary_a
    again = assessment_prefill(assessments=sheets, actor=secretary_a)
    assert again.created == []


def test_the_sheet_lists_the_deduction_rules_and_says_what_prefill_cannot_do(
    client, tree, secretary_a
) -> None:
    sheet = AssessmentFactory(member=MemberFactory(branch=tree.branch_a), year=2026)
    client.force_login(secretary_a)
    page = client.get(reverse("admin:members_assessment_change", args=[sheet.pk])).content.decode()
    assert "逾期不交党费：扣10分" in page
    assert "参加总支大会、党小组会、组织生活会低于95%：每下降5%扣1分" in page
    assert "听党课每少一次：每次扣3分" in page
    assert "尚未接入本系统" in page


def test_the_prefill_action_reports_its_outcome(client, tree, secretary_a) -> None:
    sheet = AssessmentFactory(member=MemberFactory(branch=tree.branch_a), year=2026)
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_assessment_changelist"),
        {"action": "prefill", "_selected_action": [sheet.pk]},
        follow=True,
    )
    assert "尚未接入本系统" in response.content.decode()
