"""Demo meetings (`manage.py demo`, ActivitiesConfig.demo_builders): the twelve months up to today
for every demo branch and group, with realistic gaps: a 主题党日 or a 党小组会 skipped now and
then (逾期), a 支部委员会 with too few present (未达到法定人数), members on leave or excused; a
联席会 and a 大党委会议 every quarter, one 大党委会议 under its 4/5; one planned 党员大会 next
week per community's first branch (to print its sign-in sheet).

Deterministic (a random stream per organization and month, dates counted back from today) and
idempotent: a meeting that exists (organization, kind, day, topic) is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import Member
from members.services.member import member_save
from organizations import services as organization_services
from organizations.models import CommitteeMember, JointCommittee, Organization
from organizations.rules import COMMUNITY_KINDS, OrganizationKind

from .models import Attendance, AttendanceStatus, Meeting
from .rules import MeetingKind as K
from .services import meeting_reminders_send, meeting_save

SEED = 2026
# 和平社区 applies for this year's 示范小区 (members/demo_showcase.py): its branches and groups keep
# every meeting, each with its quorum, so that its evaluation shows the 三会一课 met.
MODEL_COMMUNITY = "CN-HP"
THEMES = (
    "学习贯彻党的二十届三中全会精神", "重温入党誓词", "楼院环境整治志愿服务", "学习新修订的纪律处分条例",
    "走访慰问困难党员", "垃圾分类宣传进楼院", "观看党员教育电视片", "学习身边的优秀共产党员",
    "社区平安巡逻", "重阳节敬老志愿服务", "学习党章", "年终总结与来年计划",
)  # fmt: skip
LECTURES = ("党的创新理论", "党史学习教育", "党纪学习教育", "基层治理与为民服务")
LEAVE_REASONS = ("出差", "病假", "事假", "外出探亲")
PLACES = ("社区党群服务中心", "社区会议室", "党员活动室")


def _months(today: dt.date) -> list[tuple[int, int]]:
    """The twelve months ending with the current one."""
    found = []
    year, month = today.year, today.month
    for _ in range(12):
        found.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(found)


def _marker(rng: random.Random, present_share: float) -> Callable[[list[Attendance]], None]:
    def mark(rows: list[Attendance]) -> None:
        for row in rows:
            if row.status == AttendanceStatus.EXCUSED:
                continue
            draw = rng.random()
            if draw < present_share:
                row.status = AttendanceStatus.PRESENT
            elif draw < present_share + 0.08:
                row.status, row.reason = AttendanceStatus.LEAVE, rng.choice(LEAVE_REASONS)
            else:
                row.status = AttendanceStatus.ABSENT

    return mark


def _record(
    actor: Any,
    organization: Organization,
    kind: K,
    day: dt.date,
    topic: str,
    rng: random.Random,
    present_share: float = 0.86,
) -> None:
    if Meeting.objects.filter(
        organization=organization, kind=kind, held_on=day, topic=topic
    ).exists():
        return
    meeting = Meeting(
        organization=organization, kind=kind, held_on=day, topic=topic,
        starts_at=dt.time(9, 0) if day.weekday() >= 5 else dt.time(15, 0),
        place=rng.choice(PLACES), host="书记", recorder="组织委员",
        agenda=f"一、{topic}；二、交流发言；三、布置近期工作。",
        minutes=f"会议围绕“{topic}”开展学习讨论，与会党员结合实际交流发言。",
    )  # fmt: skip
    if day > timezone.localdate():
        meeting_save(meeting=meeting, actor=actor)
        return
    meeting_save(meeting=meeting, actor=actor, mark=_marker(rng, present_share))
    if meeting.is_quorate and kind in (K.COMMITTEE_MEETING, K.BIG_COMMITTEE_MEETING):
        meeting.decisions = "议定近期重点工作，分工落实。"
        meeting_save(meeting=meeting, actor=actor, update_fields=["decisions"])


def _day(year: int, month: int, day: int, today: dt.date) -> dt.date | None:
    found = dt.date(year, month, min(day, 28))
    return found if found <= today else None


def _first_saturday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(5 - first.weekday()) % 7)


def _branch_year(actor: Any, branch: Organization, today: dt.date, has_committee: bool) -> None:
    for year, month in _months(today):
        rng = random.Random(f"{SEED}-{branch.code}-{year}-{month}")
        theme = THEMES[month - 1]
        saturday = _first_saturday(year, month)
        model = branch.code.startswith(MODEL_COMMUNITY)
        if saturday <= today and (rng.random() > 0.12 or model):  # now and then a month missed
            _record(actor, branch, K.THEME_DAY, saturday, theme, rng)
        if has_committee and (day := _day(year, month, 5, today)):
            too_few = rng.random() < 0.12 and not model  # sometimes too few present
            share = 0.3 if too_few else 1.0 if model else 0.95
            _record(actor, branch, K.COMMITTEE_MEETING, day, f"{month}月支委会", rng, share)
        if month % 3 == 2 and (day := _day(year, month, 18, today)):
            _record(actor, branch, K.GENERAL_MEETING, day, f"第{(month + 1) // 3}季度党员大会", rng)
            lecture = LECTURES[(month // 3) % len(LECTURES)]
            _record(
                actor, branch, K.LECTURE, day + dt.timedelta(days=1), f"专题党课：{lecture}", rng
            )
        if month == 1 and (day := _day(year, month, 20, today)):
            _record(actor, branch, K.ORGANIZATIONAL_LIFE, day, f"{year - 1}年度组织生活会", rng)


def _group_year(actor: Any, group: Organization, today: dt.date) -> None:
    for year, month in _months(today):
        rng = random.Random(f"{SEED}-{group.code}-{year}-{month}")
        kept = rng.random() > 0.18 or group.code.startswith(MODEL_COMMUNITY)
        if kept and (day := _day(year, month, 12, today)):
            _record(actor, group, K.GROUP_MEETING, day, f"{month}月党小组学习", rng)


def _joint_year(actor: Any, committee: JointCommittee, today: dt.date) -> None:
    kind = K.BIG_COMMITTEE_MEETING if committee.is_big_committee else K.JOINT_MEETING
    for index, (year, month) in enumerate(m for m in _months(today) if m[1] % 3 == 0):
        rng = random.Random(f"{SEED}-{committee.pk}-{year}-{month}")
        share = 0.55 if committee.is_big_committee and index == 1 else 1.0  # one under 4/5
        if day := _day(year, month, 25, today):
            topic = f"{year}年第{month // 3}季度{kind.label}：共驻共建项目"
            _record(actor, committee.community, kind, day, topic, rng, share)


def _joint_members(actor: Any, committee: JointCommittee) -> None:
    """A 联席会 the organizations demo set up with units but no named members gets the community
    secretary and one representative (the contact) of each member unit."""
    if committee.members.exists():
        return
    start = committee.established_on or dt.date(timezone.localdate().year - 1, 1, 1)
    end = dt.date(start.year + 3, 1, 1) - dt.timedelta(days=1)
    position = committee.community.positions.filter(title="secretary").first()
    people: list[tuple[str, Any]] = [(position.holder_name, None)] if position else []
    people += [
        (unit.contact_name, unit) for unit in committee.member_units.all() if unit.contact_name
    ]
    for index, (name, unit) in enumerate(people):
        organization_services.committee_member_save(
            member=CommitteeMember(
                committee=committee,
                person_name=name,
                unit=unit,
                role="secretary" if index == 0 and unit is None else "member",
                term_start=start,
                term_end=end,
            ),  # fmt: skip
            actor=actor,
        )


def _place_in_groups(actor: Any, branch: Organization) -> None:
    """Members the members demo left outside any group are placed in their branch's groups in
    turn (支部工作条例: a branch's members are organized into groups), so that groups meet."""
    groups = list(branch.children.filter(kind=OrganizationKind.GROUP).order_by("code"))
    if not groups:
        return
    for index, member in enumerate(
        Member.objects.current().filter(branch=branch, group__isnull=True).order_by("pk")
    ):
        member.group = groups[index % len(groups)]
        member_save(member=member, actor=actor, update_fields=["group"])


def build() -> list[Any]:
    """Create what is missing of the demo meetings; the members demo must have run first."""
    today = timezone.localdate()
    actor = get_user_model().objects.get(username="admin")
    minimum = settings.ACTIVITIES_COMMITTEE_MIN_FULL_MEMBERS
    demo = Organization.objects.filter(code__startswith="CN")
    for branch in demo.filter(kind=OrganizationKind.BRANCH).order_by("code"):
        if not Member.objects.current().filter(branch=branch).exists():
            continue  # a branch without members has no meetings to show
        _place_in_groups(actor, branch)
        full = Member.objects.full_on(today).filter(branch=branch).count()
        _branch_year(actor, branch, today, full >= minimum)
    for group in demo.filter(kind=OrganizationKind.GROUP).order_by("code"):
        if Member.objects.current().filter(group=group).exists():
            _group_year(actor, group, today)
    for committee in JointCommittee.objects.filter(community__in=demo).order_by("pk"):
        _joint_members(actor, committee)
        _joint_year(actor, committee, today)
    for community in demo.filter(kind__in=COMMUNITY_KINDS).order_by("code"):
        branch = community.children.filter(kind=OrganizationKind.BRANCH).order_by("code").first()
        if branch is not None:
            day = today + dt.timedelta(days=5)
            _record(
                actor,
                branch,
                K.GENERAL_MEETING,
                day,
                "学习贯彻全会精神专题党员大会",
                random.Random(SEED),
            )
    meeting_reminders_send(today=today)  # the officers' reminders (each once)
    return []
