"""The member's own page (/portal/me/): their dues and attendance, read only for themselves; the
same name in the header and on the page; claiming a service post and signing up for an activity
of their community, through the services, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.rules import AttendanceStatus
from members.models import EventSignup, PostClaim, PostKind
from members.rules import PostClaimStatus
from tests.activities.factories import AttendanceFactory, MeetingFactory
from tests.finance.factories import DuesAssessmentFactory, DuesPaymentFactory
from tests.members.factories import CommunityEventFactory, MemberFactory
from tests.organizations.factories import UserFactory

ME = reverse("portal:me")


@pytest.fixture
def people(tree: SimpleNamespace) -> SimpleNamespace:
    """甲一 (with a login, first name 张三 on the account) and 甲二 of branch A (community A)."""
    today = timezone.localdate()
    user = UserFactory(username="jiayi", first_name="张三", is_staff=False)
    own = MemberFactory(name="甲一", branch=tree.branch_a, user=user)
    other = MemberFactory(name="甲二", branch=tree.branch_a)
    DuesAssessmentFactory(member=own, year=today.year, monthly_amount=Decimal("12.34"))
    DuesAssessmentFactory(member=other, year=today.year, monthly_amount=Decimal("56.78"))
    DuesPaymentFactory(member=own, period=dt.date(today.year, 2, 1), amount=Decimal("12.34"))
    DuesPaymentFactory(member=other, period=dt.date(today.year, 3, 1), amount=Decimal("56.78"))
    shared = MeetingFactory(organization=tree.branch_a, held_on=dt.date(today.year, 4, 8))
    AttendanceFactory(meeting=shared, member=own, status=AttendanceStatus.LEAVE)
    AttendanceFactory(meeting=shared, member=other, status=AttendanceStatus.PRESENT)
    alone = MeetingFactory(
        organization=tree.branch_a, held_on=dt.date(today.year, 5, 19), kind="lecture"
    )
    AttendanceFactory(meeting=alone, member=other)
    return SimpleNamespace(own=own, other=other, user=user)


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_member_sees_their_own_dues_and_attendance_only(people: SimpleNamespace) -> None:
    text = client_of(people.user).get(ME).content.decode()
    assert "党费模块上线后" not in text
    assert "每月12.34元" in text
    assert "2月" in text  # the month paid
    assert "56.78" not in text  # 甲二's
    assert "请假" in text  # 甲一 was on leave on 8 April
    year = timezone.localdate().year
    assert f"{year}-04-08" in text
    assert f"{year}-05-19" not in text  # a meeting only 甲二 attended
    assert "甲二" not in text


def test_the_header_and_the_page_name_the_member(people: SimpleNamespace) -> None:
    text = client_of(people.user).get(ME).content.decode()
    assert '<span class="who">甲一</span>' in text
    assert '<dd class="member-name">甲一</dd>' in text
    assert "张三" not in text  # the account's own name is not the member's


def test_the_member_claims_an_open_post_of_their_community(
    people: SimpleNamespace, tree: SimpleNamespace
) -> None:
    kind = PostKind.objects.filter(community__isnull=True).order_by("pk").first()
    assert kind is not None
    client = client_of(people.user)
    key = f"{tree.community_a.pk}-{kind.pk}"
    assert f'value="{key}"' in client.get(ME).content.decode()
    response = client.post(reverse("portal:me_claim"), {"post": key, "commitment": "每月巡查"})
    assert response.status_code == 302
    claim = PostClaim.objects.get(member=people.own)
    assert (claim.kind, claim.community, claim.status) == (
        kind,
        tree.community_a,
        PostClaimStatus.PENDING,
    )
    assert claim.history.get().history_user == people.user  # audited: who claimed
    page = client.get(ME).content.decode()
    assert f"{kind.name}（{tree.community_a.name}）" in page
    assert f'value="{key}"' not in page  # claimed: no longer offered


def test_a_post_of_another_community_cannot_be_claimed(
    people: SimpleNamespace, tree: SimpleNamespace
) -> None:
    kind = PostKind.objects.filter(community__isnull=True).order_by("pk").first()
    assert kind is not None
    response = client_of(people.user).post(
        reverse("portal:me_claim"),
        {"post": f"{tree.community_b.pk}-{kind.pk}", "commitment": "每月巡查"},
    )
    assert response.status_code == 400
    assert "该岗位不能认领" in response.content.decode()
    assert not PostClaim.objects.exists()


def test_the_member_signs_up_within_the_places(
    people: SimpleNamespace, tree: SimpleNamespace
) -> None:
    event = CommunityEventFactory(community=tree.community_a, title="楼道清扫", capacity=2)
    client = client_of(people.user)
    assert "楼道清扫" in client.get(ME).content.decode()
    signup = reverse("portal:me_signup", args=[event.pk])
    assert client.post(signup).status_code == 302
    signed = EventSignup.objects.get(event=event)
    assert signed.member == people.own
    assert signed.history.get().history_user == people.user
    again = client.post(signup, follow=True).content.decode()
    assert "您已报名" in again
    assert "已报名" in again
    assert EventSignup.objects.filter(event=event).count() == 1


def test_a_full_or_closed_activity_refuses_the_sign_up(
    people: SimpleNamespace, tree: SimpleNamespace
) -> None:
    full = CommunityEventFactory(community=tree.community_a, title="满员活动", capacity=1)
    EventSignup.objects.create(event=full, member=people.other)
    today = timezone.localdate()
    closed = CommunityEventFactory(
        community=tree.community_a, held_on=today + dt.timedelta(days=3), signup_deadline=today
    )
    closed.signup_deadline = today - dt.timedelta(days=1)
    closed.save()
    client = client_of(people.user)
    page = client.get(ME).content.decode()
    assert "名额已满" in page
    assert "报名已截止" in page
    text = client.post(reverse("portal:me_signup", args=[full.pk]), follow=True)
    assert "名额已满（共1人）" in text.content.decode()
    text = client.post(reverse("portal:me_signup", args=[closed.pk]), follow=True)
    assert "报名已于" in text.content.decode()
    assert not EventSignup.objects.filter(member=people.own).exists()


def test_an_activity_of_another_community_is_404(
    people: SimpleNamespace, tree: SimpleNamespace
) -> None:
    elsewhere = CommunityEventFactory(community=tree.community_b, title="乙社区活动")
    client = client_of(people.user)
    assert "乙社区活动" not in client.get(ME).content.decode()
    assert client.post(reverse("portal:me_signup", args=[elsewhere.pk])).status_code == 404
    assert not EventSignup.objects.exists()


def test_the_member_cancels_their_sign_up_up_to_the_day_before_and_the_place_frees(
    people: SimpleNamespace, tree: SimpleNamespace
) -> None:
    """Issue 22: a member cancels a sign-up on their page until the day before the activity
    (audited); on the day itself the page says to call the community and keeps it."""
    today = timezone.localdate()
    tomorrow = CommunityEventFactory(
        community=tree.community_a, title="明日义诊", capacity=1,
        held_on=today + dt.timedelta(days=1), signup_deadline=today,
    )  # fmt: skip
    client = client_of(people.user)
    client.post(reverse("portal:me_signup", args=[tomorrow.pk]))
    assert "取消报名" in client.get(ME).content.decode()
    page = client.post(reverse("portal:me_signup_cancel", args=[tomorrow.pk]), follow=True)
    assert "已取消“明日义诊”" in page.content.decode()
    assert not EventSignup.objects.filter(event=tomorrow).exists()
    assert EventSignup.history.filter(history_type="-").get().history_user == people.user
    people.other.user = UserFactory(username="jiaer", is_staff=False)
    people.other.save()
    other = client_of(people.other.user)
    other.post(reverse("portal:me_signup", args=[tomorrow.pk]))  # the freed place is taken
    assert EventSignup.objects.get(event=tomorrow).member == people.other

    today_event = CommunityEventFactory(
        community=tree.community_a, title="今日活动", held_on=today, signup_deadline=today
    )
    EventSignup.objects.create(event=today_event, member=people.own)
    assert "取消报名" not in client.get(ME).content.decode().split("今日活动", 1)[1][:400]
    page = client.post(reverse("portal:me_signup_cancel", args=[today_event.pk]), follow=True)
    assert "当天及之后不能在网上取消报名" in page.content.decode()
    assert EventSignup.objects.filter(event=today_event, member=people.own).exists()


def test_a_member_cannot_cancel_another_members_sign_up(
    people: SimpleNamespace, tree: SimpleNamespace
) -> None:
    event = CommunityEventFactory(community=tree.community_a, title="别人的报名")
    EventSignup.objects.create(event=event, member=people.other)
    client = client_of(people.user)
    assert client.post(reverse("portal:me_signup_cancel", args=[event.pk])).status_code == 404
    assert EventSignup.objects.filter(event=event, member=people.other).exists()
    assert client.get(reverse("portal:me_signup_cancel", args=[event.pk])).status_code == 405


def test_the_portal_owes_only_the_months_unpaid_as_the_dues_page_does(tree: Any) -> None:
    """Eight months unpaid after the branch's first payment, the last two then paid late: the
    member's page says six months are owed (the admin's 党费 page's computation), not eight, and
    lists neither month paid late among them."""
    import re

    from finance import selectors as dues_selectors

    def back(months: int) -> dt.date:
        first = timezone.localdate().replace(day=1)
        index = first.year * 12 + first.month - 1 - months
        return dt.date(index // 12, index % 12 + 1, 1)

    user = UserFactory(username="yiyi", is_staff=False)
    member = MemberFactory(
        name="乙一", branch=tree.branch_a, user=user, joined_on=dt.date(2010, 7, 1),
        categories=["in_service"], monthly_income=Decimal("4000"),
    )  # fmt: skip
    DuesPaymentFactory(member=member, period=back(9), paid_on=back(9) + dt.timedelta(days=4))
    late = [back(2), back(1)]
    for period in late:
        DuesPaymentFactory(member=member, period=period, paid_on=timezone.localdate())
    page = dues_selectors.member_dues_page(
        member, year=timezone.localdate().year, today=timezone.localdate()
    )
    assert page.arrears_months == tuple(back(k) for k in range(8, 2, -1))  # the six unpaid
    text = client_of(user).get(ME).content.decode()
    owed = re.search(r"<dt>欠缴</dt><dd>(.*?)</dd>", text, re.S)
    assert owed is not None
    assert "6个月未交" in owed.group(1)
    for period in late:
        assert f"{period.year}年{period.month}月" not in owed.group(1)
    assert f"{back(3).year}年{back(3).month}月" in owed.group(1)
