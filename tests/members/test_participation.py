"""Issue 9.4 and 9.10: the participation interface that dues and meeting records will feed, the
自行脱党 flags built on it, and the 量化考核 deductions it pre-fills."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from members import participation
from members.models import AssessmentDeduction, Member
from members.participation import Answer, Fact
from members.selectors.lapse import self_lapse_report
from members.services.records import assessment_prefill
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


def names(report: Any) -> dict[str, list[str]]:
    return {row.member.name: row.reasons for row in report.rows}


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
    provide(participation.DUES_LAST_PAID, {})
    with pytest.raises(participation.ProviderError, match="已经登记"):
        participation.register(participation.DUES_LAST_PAID, lambda ids, start, end: Answer({}))


# --- 自行脱党 ---------------------------------------------------------------------------------------
def test_without_records_no_condition_can_be_checked_and_the_report_says_so(tree) -> None:
    MemberFactory(branch=tree.branch_a)
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert report.rows == []
    assert report.checked == []
    assert report.summary() == (
        "已核查：无。尚不能核查：连续6个月不交纳党费（党费收缴记录尚未接入本系统）；"
        "连续6个月不参加组织生活（组织生活签到记录尚未接入本系统）；"
        "连续6个月不做党组织分配的工作（党组织分配工作的记录尚未接入本系统）；"
        "流动党员6个月以上不参加组织生活、不与党组织联系（组织生活签到记录尚未接入本系统）。"
    )


def test_six_unpaid_months_flag_a_member_five_do_not(tree, provide) -> None:
    six = MemberFactory(name="六个月未交", branch=tree.branch_a)
    five = MemberFactory(name="五个月未交", branch=tree.branch_a)
    provide(
        participation.DUES_LAST_PAID, {six.pk: dt.date(2026, 1, 1), five.pk: dt.date(2026, 2, 1)}
    )
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert names(report) == {"六个月未交": ["连续6个月未交纳党费（最近交纳：2026年1月）"]}
    assert report.checked == ["连续6个月不交纳党费"]


def test_six_months_without_organizational_life_flag_a_member(tree, provide) -> None:
    member = MemberFactory(name="不过组织生活", branch=tree.branch_a)
    recent = MemberFactory(name="参加组织生活", branch=tree.branch_a)
    provide(
        participation.ORGANIZATIONAL_LIFE_LAST,
        {member.pk: dt.date(2026, 2, 1), recent.pk: dt.date(2026, 2, 2)},
    )
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert names(report) == {"不过组织生活": ["6个月以上未参加组织生活（最近一次：2026-02-01）"]}


def test_no_record_counts_from_when_the_records_begin(tree, provide) -> None:
    MemberFactory(name="老党员", branch=tree.branch_a)
    provide(participation.DUES_LAST_PAID, {}, since=dt.date(2026, 3, 1))
    assert self_lapse_report(members=Member.objects.all(), today=TODAY).rows == []
    report = self_lapse_report(members=Member.objects.all(), today=dt.date(2026, 9, 1))
    assert names(report) == {"老党员": ["连续6个月未交纳党费（2026-03-01以来没有交纳记录）"]}


def test_a_call_does_not_clear_a_lapse_of_a_member_at_home(tree, provide) -> None:
    member = MemberFactory(name="在家党员", branch=tree.branch_a)
    provide(participation.ORGANIZATIONAL_LIFE_LAST, {member.pk: dt.date(2025, 1, 1)})
    provide(participation.DUES_LAST_PAID, {member.pk: dt.date(2025, 1, 1)})
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert len(names(report)["在家党员"]) == 2


def test_a_floating_member_needs_no_life_and_no_contact_for_more_than_six_months(
    tree, provide
) -> None:
    lost = MemberFactory(name="失联流动党员", branch=tree.branch_a)
    FloatingRecordFactory(
        member=lost, since=dt.date(2025, 6, 1), last_contact_on=dt.date(2026, 1, 31)
    )
    called = MemberFactory(name="保持联系", branch=tree.branch_a)
    FloatingRecordFactory(
        member=called, since=dt.date(2025, 6, 1), last_contact_on=dt.date(2026, 7, 1)
    )
    exactly = MemberFactory(name="刚满六个月", branch=tree.branch_a)
    FloatingRecordFactory(
        member=exactly, since=dt.date(2025, 6, 1), last_contact_on=dt.date(2026, 2, 1)
    )
    old = {pk: dt.date(2025, 5, 1) for pk in (lost.pk, called.pk, exactly.pk)}
    provide(participation.ORGANIZATIONAL_LIFE_LAST, old)
    report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert names(report) == {
        "失联流动党员": [
            "外出流动6个月以上不参加组织生活、不与党组织联系（最近联系：2026-01-31）"
        ]
    }  # fmt: skip


def test_one_query_per_provider_whatever_the_number_of_members(
    tree, provide, django_assert_num_queries
) -> None:
    members = MemberFactory.create_batch(20, branch=tree.branch_a)
    last = {m.pk: dt.date(2025, 1, 1) for m in members}
    for fact in (
        participation.DUES_LAST_PAID,
        participation.ORGANIZATIONAL_LIFE_LAST,
        participation.ASSIGNED_WORK_LAST,
    ):
        provide(fact, last)
    with django_assert_num_queries(2 + 3):  # members, floating records, one per provider
        report = self_lapse_report(members=Member.objects.all(), today=TODAY)
    assert len(report.rows) == 20


def test_the_lapse_page_says_what_was_checked_and_is_scoped(client, tree, secretary_b, provide):
    a = MemberFactory(name="甲支部党员", branch=tree.branch_a)
    b = MemberFactory(name="乙支部党员", branch=tree.branch_b)
    provide(participation.DUES_LAST_PAID, {a.pk: dt.date(2020, 1, 1), b.pk: dt.date(2020, 1, 1)})
    client.force_login(secretary_b)
    page = client.get(reverse("admin:members_member_lapse")).content.decode()
    assert "乙支部党员" in page
    assert "甲支部党员" not in page
    assert "已核查：连续6个月不交纳党费" in page
    assert "组织生活签到记录尚未接入本系统" in page
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
