"""Issue 24 points 4 and 5: 无职党员设岗定责 and its yearly review, 党员联系户 and 五必谈五必访, the
实事 of 驻区单位 and in-service members, and what the records prove about 不做党所分配的工作."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from members import participation
from members.models import DutyPost, Household, Member, MemberDeed, Registration, UnitPledge
from members.rules import (
    DutyGrade,
    Run,
    deed_reminder_year,
    longest_unperformed_run,
    owes_deeds,
)
from members.selectors.lapse import self_lapse_report
from members.selectors.work import (
    assigned_work,
    deeds_due,
    duty_reviews_due,
    member_deed_counts,
    unit_deed_counts,
)
from members.services import work as services
from organizations.scope import ScopeError
from tests.members.factories import MemberFactory, RegistrationFactory
from tests.members.factories_work import (
    DutyPostFactory,
    DutyReviewFactory,
    HouseholdFactory,
    MemberDeedFactory,
    UnitDeedFactory,
    UnitPledgeFactory,
    VisitFactory,
)
from tests.organizations.factories import PositionFactory, UnitFactory

YEAR = 2026
CUTOFF = dt.date(YEAR, settings.DEED_REMINDER_MONTH, settings.DEED_REMINDER_DAY)
DAY = dt.timedelta(days=1)


# --- rules ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "owes"),
    [
        (CUTOFF - DAY, None, True),
        (CUTOFF, None, True),  # registered or pledged on the cut-off day: owes the year's
        (CUTOFF + DAY, None, False),  # after it: nothing that year
        (dt.date(YEAR, 6, 15), None, True),  # linked mid-year: the whole minimum
        (dt.date(YEAR, 1, 1), CUTOFF, False),  # moved away on the cut-off day
        (dt.date(YEAR, 1, 1), CUTOFF + DAY, True),
    ],
)
def test_who_owes_a_years_deeds_is_decided_on_the_cut_off_day(start, end, owes) -> None:
    assert owes_deeds(start, end, CUTOFF) is owes


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (CUTOFF - DAY, None),
        (CUTOFF, YEAR),
        (dt.date(YEAR, 12, 31), YEAR),
        (dt.date(YEAR + 1, 1, 31), YEAR),  # January: last year's, overdue
        (dt.date(YEAR + 1, 2, 1), None),
    ],
)
def test_deeds_are_reminded_from_the_cut_off_day_to_the_end_of_january(today, year) -> None:
    month, day = settings.DEED_REMINDER_MONTH, settings.DEED_REMINDER_DAY
    assert deed_reminder_year(today, month, day) == year


def test_a_year_graded_not_performed_is_a_run_of_twelve_months() -> None:
    span = [(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
    run = longest_unperformed_run(span, [], start=dt.date(2025, 1, 1), today=dt.date(2026, 3, 1))
    assert run == Run(dt.date(2025, 1, 1), 12)


def test_a_deed_done_inside_the_span_cuts_the_run() -> None:
    span = [(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
    done = [dt.date(2025, 5, 15)]
    run = longest_unperformed_run(span, done, start=dt.date(2025, 1, 1), today=dt.date(2026, 3, 1))
    assert run == Run(dt.date(2025, 5, 1), 7)  # 16 May to 31 December


def test_no_span_proves_nothing() -> None:
    assert longest_unperformed_run([], [], start=dt.date(2020, 1, 1), today=YEAR_END) is None


YEAR_END = dt.date(YEAR, 12, 31)


# --- 无职党员设岗定责 -------------------------------------------------------------------------------
def test_a_member_holding_a_position_is_not_without_office(tree, secretary_a) -> None:
    member = MemberFactory(name="王书记", branch=tree.branch_a)
    PositionFactory(
        organization=tree.community_a, holder_name="王书记", start_date=dt.date(2024, 1, 1)
    )
    post = DutyPost(member=member, title="法制宣传岗", duties="宣传", starts_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="不是无职党员"):
        services.duty_post_save(post=post, actor=secretary_a)


def test_a_position_ended_the_day_before_leaves_the_member_without_office(
    tree, secretary_a
) -> None:
    member = MemberFactory(name="李委员", branch=tree.branch_a)
    PositionFactory(
        organization=tree.branch_a,
        title="organization",
        holder_name="李委员",
        start_date=dt.date(2023, 1, 1),
        end_date=dt.date(2026, 2, 28),
    )
    held = DutyPost(
        member=member, title="文体活动岗", duties="组织", starts_on=dt.date(2026, 2, 28)
    )
    assert "member" in services.duty_post_errors(held)
    post = DutyPost(member=member, title="文体活动岗", duties="组织", starts_on=dt.date(2026, 3, 1))
    services.duty_post_save(post=post, actor=secretary_a)
    assert DutyPost.objects.get().member == member


def test_a_post_of_another_communitys_member_is_refused(tree, secretary_b) -> None:
    post = DutyPost(
        member=MemberFactory(branch=tree.branch_a), title="岗", duties="职责",
        starts_on=dt.date(2026, 3, 1),
    )  # fmt: skip
    with pytest.raises(ScopeError):
        services.duty_post_save(post=post, actor=secretary_b)


def test_a_post_held_last_year_without_its_review_is_owed(tree, secretary_a, secretary_b) -> None:
    reviewed = DutyReviewFactory(post__member=MemberFactory(branch=tree.branch_a), year=2025)
    DutyPostFactory(member=MemberFactory(branch=tree.branch_a), starts_on=dt.date(2025, 12, 31))
    DutyPostFactory(member=MemberFactory(branch=tree.branch_a), starts_on=dt.date(2026, 1, 1))
    DutyPostFactory(
        member=MemberFactory(branch=tree.branch_a),
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 12, 31),
    )
    assert reviewed.post.reviews.count() == 1
    assert duty_reviews_due(secretary_a, dt.date(2026, 1, 1)) == (2025, 1)
    assert duty_reviews_due(secretary_b, dt.date(2026, 1, 1)) == (2025, 0)


def test_a_review_of_a_year_the_member_did_not_hold_the_post_is_refused(tree) -> None:
    review = DutyReviewFactory.build(post=DutyPostFactory(starts_on=dt.date(2026, 3, 1)), year=2025)
    with pytest.raises(ValidationError, match="不在此岗位"):
        review.full_clean()


# --- 不做党所分配的工作 -----------------------------------------------------------------------------
@pytest.fixture
def work_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(participation, "_providers", {})
    participation.register(participation.ASSIGNED_WORK_LAST, assigned_work)


def _work_rows(today: dt.date) -> list[tuple[str, ...]]:
    report = self_lapse_report(members=Member.objects.all(), today=today)
    assert "连续6个月不做党所分配的工作" in report.checked
    return [row.cells() for row in report.rows if row.condition == "work"]


def test_only_a_review_graded_not_performed_flags_a_member(tree, work_registered) -> None:
    idle = MemberFactory(name="未履职", branch=tree.branch_a)
    DutyReviewFactory(
        post__member=idle, post__starts_on=dt.date(2025, 1, 1), year=2025,
        grade=DutyGrade.NOT_PERFORMED,
    )  # fmt: skip
    DutyReviewFactory(post__member=MemberFactory(branch=tree.branch_a), year=2025)
    DutyPostFactory(member=MemberFactory(branch=tree.branch_a), starts_on=dt.date(2024, 1, 1))
    MemberFactory(branch=tree.branch_a)  # no post: owes no assigned work
    assert _work_rows(dt.date(2026, 2, 1)) == [
        ("未履职", tree.branch_a.code, "不做党所分配的工作", "2025-01", 12)
    ]


def test_a_post_held_five_months_graded_not_performed_is_no_flag(tree, work_registered) -> None:
    DutyReviewFactory(
        post__member=MemberFactory(branch=tree.branch_a), post__starts_on=dt.date(2025, 8, 1),
        year=2025, grade=DutyGrade.NOT_PERFORMED,
    )  # fmt: skip
    assert _work_rows(dt.date(2026, 2, 1)) == []


# --- 实事 -----------------------------------------------------------------------------------------
def test_a_unit_with_one_deed_is_short_with_two_it_is_not(tree, secretary_a) -> None:
    one = UnitFactory(community=tree.community_a, name="一件单位")
    two = UnitFactory(community=tree.community_a, name="两件单位")
    for unit in (one, two):
        UnitPledgeFactory(community=tree.community_a, unit=unit, starts_on=dt.date(YEAR, 6, 15))
    UnitDeedFactory(community=tree.community_a, unit=one, done_on=dt.date(YEAR, 7, 1))
    UnitDeedFactory(community=tree.community_a, unit=one, done_on=dt.date(YEAR - 1, 7, 1))
    UnitDeedFactory(community=tree.community_b, unit=one, done_on=dt.date(YEAR, 7, 1))
    for day in (dt.date(YEAR, 1, 1), YEAR_END):
        UnitDeedFactory(community=tree.community_a, unit=two, done_on=day)
    counts = unit_deed_counts(UnitPledge.objects.all(), YEAR)
    assert [(c.name, c.done, c.short) for c in counts] == [("一件单位", 1, 1), ("两件单位", 2, 0)]
    assert deeds_due(secretary_a, CUTOFF).units == 1  # type: ignore[union-attr]


def test_a_unit_pledged_after_the_cut_off_owes_nothing_that_year(tree, secretary_a) -> None:
    UnitPledgeFactory(community=tree.community_a, unit=tree.unit_a, starts_on=CUTOFF + DAY)
    assert unit_deed_counts(UnitPledge.objects.all(), YEAR) == []
    assert deeds_due(secretary_a, dt.date(YEAR, 12, 1)).units == 0  # type: ignore[union-attr]
    assert len(unit_deed_counts(UnitPledge.objects.all(), YEAR + 1)) == 1


def test_a_member_registered_on_the_cut_off_day_owes_the_day_after_does_not(tree) -> None:
    on = RegistrationFactory(community=tree.community_a, unit=tree.unit_a, registered_on=CUTOFF)
    RegistrationFactory(community=tree.community_a, unit=tree.unit_a, registered_on=CUTOFF + DAY)
    gone = RegistrationFactory(community=tree.community_a, unit=tree.unit_a)
    Member.objects.filter(pk=gone.member_id).update(transferred_out_on=dt.date(YEAR, 10, 1))
    counts = member_deed_counts(Registration.objects.all(), YEAR)
    assert [(c.member_id, c.done, c.short) for c in counts] == [(on.member_id, 0, 1)]
    MemberDeedFactory(member=on.member, community=tree.community_a, done_on=YEAR_END)
    assert member_deed_counts(Registration.objects.all(), YEAR)[0].short == 0


def test_deeds_are_not_reminded_before_the_cut_off_and_are_counted_in_two_queries(
    tree, secretary_a, django_assert_num_queries
) -> None:
    assert deeds_due(secretary_a, CUTOFF - DAY) is None
    for i in range(3):
        RegistrationFactory(community=tree.community_a, unit=tree.unit_a)
        unit = UnitFactory(community=tree.community_a, name=f"单位{i}")
        UnitPledgeFactory(community=tree.community_a, unit=unit)
    secretary_a.has_perm("members.view_member")  # the scope, cached apart
    Member.objects.visible_to(secretary_a).count()
    with django_assert_num_queries(2):  # one count each, the communities a subquery
        due = deeds_due(secretary_a, CUTOFF)
    assert (due.units, due.members, due.overdue) == (3, 3, False)  # type: ignore[union-attr]


def test_a_members_deed_is_for_the_community_where_they_are_registered(tree, secretary_a) -> None:
    member = MemberFactory(
        branch=tree.unit_a.party_organization, residence_community=tree.community_a,
        categories=["in_service"],
    )  # fmt: skip
    registration = RegistrationFactory(
        member=member, community=tree.community_a, unit=tree.unit_a,
        registered_on=dt.date(YEAR, 3, 1),
    )  # fmt: skip
    early = MemberDeed(
        member=registration.member, community=tree.community_a, done_on=dt.date(YEAR, 2, 28),
        title="修灯",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="未在"):
        services.member_deed_save(deed=early, actor=secretary_a)
    early.done_on = dt.date(YEAR, 3, 1)
    services.member_deed_save(deed=early, actor=secretary_a)
    assert MemberDeed.objects.count() == 1


def test_another_communitys_unit_deeds_are_neither_seen_nor_written(tree, secretary_b) -> None:
    deed = UnitDeedFactory(community=tree.community_a, unit=tree.unit_a)
    from members.models import UnitDeed

    assert not UnitDeed.objects.visible_to(secretary_b).exists()
    with pytest.raises(ScopeError):
        services.unit_deed_save(deed=deed, actor=secretary_b)


# --- 联系户, 谈心走访 -----------------------------------------------------------------------------
def test_a_household_not_visited_for_a_month_is_due(tree) -> None:
    today = dt.date(YEAR, 6, 15)
    visited = HouseholdFactory(member=MemberFactory(branch=tree.branch_a), head_name="走访过")
    VisitFactory(household=visited, visited_on=dt.date(YEAR, 5, 16))
    late = HouseholdFactory(member=MemberFactory(branch=tree.branch_a), head_name="未走访")
    VisitFactory(household=late, visited_on=dt.date(YEAR, 5, 15))
    HouseholdFactory(head_name="新联系", starts_on=dt.date(YEAR, 5, 16))
    names = Household.objects.unvisited(today).values_list("head_name", flat=True)
    assert list(names) == ["未走访"]


def test_a_visit_outside_the_households_contact_is_refused(tree, secretary_a) -> None:
    household = HouseholdFactory(
        member=MemberFactory(branch=tree.branch_a), starts_on=dt.date(YEAR, 3, 1)
    )
    visit = VisitFactory.build(household=household, visited_on=dt.date(YEAR, 2, 1))
    with pytest.raises(ValidationError, match="联系期间"):
        services.visit_save(visit=visit, actor=secretary_a)


def test_a_household_address_is_masked_without_the_permission(
    tree, secretary_a, branch_officer_a
) -> None:
    """The list masks the address for everyone (as the member list masks the ID: a column may
    not be sorted by a personal field); the household's page shows it in full only to a user
    with the personal-data permission."""
    household = HouseholdFactory(
        member=MemberFactory(branch=tree.branch_a), address="浙江省杭州市上城区春晖路12号3栋"
    )
    url = reverse("admin:members_household_changelist")
    page_url = reverse("admin:members_household_change", args=[household.pk])
    pages, own = {}, {}
    for user in (secretary_a, branch_officer_a):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get(url).content.decode()
        own[user.username] = client.get(page_url).content.decode()
    for username in ("secretary_a", "branch_a"):
        assert "春晖路12号3栋" not in pages[username]
        assert "浙江省杭州****" in pages[username]
    assert "春晖路12号3栋" in own["secretary_a"]
    assert "春晖路12号3栋" not in own["branch_a"]


def test_the_work_panel_lists_the_to_dos(tree, secretary_a, rf: Any) -> None:
    from members.dashboard_work import work_panel

    DutyPostFactory(member=MemberFactory(branch=tree.branch_a), starts_on=dt.date(2020, 1, 1))
    request = rf.get("/")
    request.user = secretary_a
    panel = work_panel(request)
    assert panel is not None
    labels = {todo.label: todo.count for todo in panel.todos}
    assert any("履职考核" in label and count == 1 for label, count in labels.items())


# --- printables -----------------------------------------------------------------------------------
def test_the_household_register_masks_for_a_reader_without_the_permission(
    tree, secretary_a, branch_officer_a
) -> None:
    from kit.printables import Job
    from members.models import PersonalDataAccess
    from members.printables_work import household_register_context

    household = HouseholdFactory(
        member=MemberFactory(branch=tree.branch_a), address="浙江省杭州市上城区春晖路12号3栋"
    )
    VisitFactory(household=household, visited_on=dt.date(YEAR, 5, 1))
    VisitFactory(household=household, visited_on=dt.date(YEAR - 1, 5, 1))
    HouseholdFactory(member=MemberFactory(branch=tree.branch_b))
    values = {"organization": None, "period": str(YEAR)}
    full = household_register_context(Job(values, reader=secretary_a))["rows"]
    masked = household_register_context(Job(values, reader=branch_officer_a))["rows"]
    assert [(r[2], r[6], r[7]) for r in full] == [
        ("浙江省杭州市上城区春晖路12号3栋", 1, f"{YEAR}-05-01")
    ]
    assert masked[0][2] == "浙江省杭州****"
    assert PersonalDataAccess.objects.filter(user=secretary_a, action="print").count() == 1
    assert not PersonalDataAccess.objects.filter(user=branch_officer_a).exists()


def test_the_deed_counts_list_who_owes_with_their_shortfall(tree, secretary_a) -> None:
    from kit.printables import Job
    from members.printables_work import deed_counts_context

    UnitPledgeFactory(community=tree.community_a, unit=tree.unit_a)
    UnitDeedFactory(community=tree.community_a, unit=tree.unit_a, done_on=dt.date(YEAR, 3, 1))
    UnitPledgeFactory(community=tree.community_b, unit=tree.unit_b)
    rows = deed_counts_context(Job({"organization": None, "period": str(YEAR)}, secretary_a))
    assert rows["rows"] == [("驻区单位", tree.community_a.name, "甲小学", 1, 2, 1)]


def test_each_role_sees_the_registers_of_its_own_scope(
    tree, secretary_a, branch_officer_a, reviewer_b
) -> None:
    from members.models import DutyPost, UnitDeed

    in_a = DutyPostFactory(member=MemberFactory(branch=tree.branch_a))
    DutyPostFactory(member=MemberFactory(branch=tree.branch_b))
    assert list(DutyPost.objects.visible_to(branch_officer_a)) == [in_a]
    assert list(DutyPost.objects.visible_to(secretary_a)) == [in_a]
    nurse = MemberFactory(branch=tree.unit_b.party_organization, categories=["in_service"])
    deed = MemberDeedFactory(member=nurse, community=tree.community_a)
    MemberDeedFactory(member=MemberFactory(branch=tree.branch_a), community=tree.community_a)
    UnitDeedFactory(community=tree.community_a, unit=tree.unit_b)
    # The unit's reviewer sees its own members' 实事, not the community's other registers.
    assert list(MemberDeed.objects.visible_to(reviewer_b)) == [deed]
    assert not UnitDeed.objects.visible_to(reviewer_b).exists()
    assert not DutyPost.objects.visible_to(reviewer_b).exists()
    assert MemberDeed.objects.visible_to(secretary_a).count() == 2
    with pytest.raises(ScopeError):
        services.member_deed_delete(deed=deed, actor=reviewer_b)


def test_the_member_page_shows_the_posts_with_their_last_review_and_the_deeds(
    tree, secretary_a, reviewer_b
) -> None:
    from members.selectors.work import member_deed_tab, member_duty_tab

    member = MemberFactory(branch=tree.branch_a)
    DutyReviewFactory(post__member=member, year=2025, grade=DutyGrade.EXCELLENT)
    tab = member_duty_tab(member=member, user=secretary_a)
    assert [cells[3] for _, cells in tab.rows] == ["2025年优秀"]
    assert member_duty_tab(member=member, user=reviewer_b).rows == []
    MemberDeedFactory(member=member, community=tree.community_a, title="修灯")
    assert [cells[2] for _, cells in member_deed_tab(member=member, user=secretary_a).rows] == [
        "修灯"
    ]
