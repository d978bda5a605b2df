"""Demo meetings (`manage.py demo`, ActivitiesConfig.demo_builders): the twelve months up to today
for every demo branch and group, with realistic gaps: a 主题党日 or a 党小组会 skipped now and
then (逾期), a 支部委员会 with too few present (未达到法定人数), members on leave or excused; a
联席会 and a 大党委会议 every quarter, one 大党委会议 under its 4/5; each community's own meetings
(issue 24: 总支委员会, 总支党员大会, 党课, 议事会, 扩大会议, 电化教育, ...) with a missed 议事会
quarter and a late 党课; one planned 党员大会 next week per community's first branch (to print its
sign-in sheet).

Deterministic (a random stream per organization and month, dates counted back from today) and
idempotent: a meeting that exists (organization, kind, day, topic) is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from functools import partial
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
DECIDING_KINDS = (
    K.COMMITTEE_MEETING, K.BIG_COMMITTEE_MEETING, K.COMMUNITY_COMMITTEE_MEETING, K.COUNCIL_MEETING,
)  # fmt: skip
FILMS = (
    ("榜样9", 95), ("时代楷模发布厅", 60), ("党纪学习教育专题片", 45), ("初心使命", 50),
    ("社区治理的好经验", 40), ("廉洁文化微视频", 30),
)  # fmt: skip
SERVICES = ("义诊进社区", "楼院环境整治", "政策宣讲进万家", "关爱空巢老人")


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
    **extra: Any,
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
        minutes=f"会议围绕“{topic}”开展学习讨论，与会党员结合实际交流发言。", **extra,
    )  # fmt: skip
    if day > timezone.localdate():
        meeting_save(meeting=meeting, actor=actor)
        return
    meeting_save(meeting=meeting, actor=actor, mark=_marker(rng, present_share))
    if meeting.is_quorate and kind in DECIDING_KINDS:
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


def _held(
    actor: Any, community: Organization, today: dt.date, when: tuple[int, int],
    rng: random.Random, kind: K, day: int, topic: str, share: float = 0.9, **extra: Any,
) -> None:  # fmt: skip
    if found := _day(*when, day, today):
        _record(actor, community, kind, found, topic, rng, share, **extra)


def _community_year(actor: Any, community: Organization, today: dt.date) -> None:
    """A year of the community's own meetings (issue 24), with gaps: a 总支委员会 and a
    screening now and then missed, the second 议事会 quarter of the twelve months never held,
    the second quarter's 党课 held late (in July, so that quarter is 逾期); this month's screening
    planned for next week (进行中)."""
    with_groups = Organization.objects.filter(
        kind=OrganizationKind.GROUP, parent__parent=community
    ).exists()
    quarters = [m for m in _months(today) if m[1] % 3 == 1]
    skipped_council = quarters[1] if len(quarters) > 1 else None
    for year, month in _months(today):
        rng = random.Random(f"{SEED}-{community.code}-own-{year}-{month}")
        q = (month - 1) // 3 + 1
        held = partial(_held, actor, community, today, (year, month), rng)
        if rng.random() > 0.1:
            held(K.COMMUNITY_COMMITTEE_MEETING, 8, f"{month}月总支委员会")
        if not with_groups or month % 3 == 2:
            held(K.COMMUNITY_GENERAL_MEETING, 22, f"{year}年{month}月总支党员大会")
        if month % 3 == 2 and q != 2:
            held(K.LECTURE, 24, f"总支党课：{LECTURES[q - 1]}", 0.8)
        if month == 7:  # the second quarter's, late
            held(K.LECTURE, 3, f"总支党课：{LECTURES[1]}（第二季度补上）", 0.8)
        if month % 3 == 1 and (year, month) != skipped_council:
            held(K.COUNCIL_MEETING, 10, f"{year}年第{q}季度议事会")
        if month % 3 == 0:
            held(K.YOUTH_LEAGUE_MEETING, 12, f"{year}年第{q}季度党建带团建例会")
            held(K.RESIDENTS_FORUM, 26, f"{year}年第{q}季度居民群众座谈会")
        if month % 3 == 1:
            held(K.VOLUNTEER_SERVICE, 18, SERVICES[q - 1], 0.6)
        if month in (6, 12):
            held(K.ENLARGED_MEETING, 15, f"{year}年{'上' if month == 6 else '下'}半年总支扩大会议")
        if month == 1:
            held(K.DEMOCRATIC_LIFE, 15, f"{year - 1}年度总支委员会民主生活会")
        if month == 12:
            held(K.IN_SERVICE_ASSEMBLY, 20, f"{year}年在职党员大会", 0.6)
        if rng.random() > 0.12 and (year, month) != (today.year, today.month):
            film, minutes = FILMS[month % len(FILMS)]
            held(
                K.SCREENING, 14, f"电教片：{film}", 0.7, film_title=film,
                duration_minutes=minutes, discussion=f"观看《{film}》后，党员结合工作谈体会。",
                feedback="党员反映片子贴近实际，希望多播放身边典型。",
            )  # fmt: skip
    # this month's screening is planned for next week: its row is 进行中 on the compliance page
    film, minutes = FILMS[today.month % len(FILMS)]
    _record(
        actor, community, K.SCREENING, today + dt.timedelta(days=5), f"电教片：{film}",
        random.Random(SEED), film_title=film, duration_minutes=minutes,
    )  # fmt: skip


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
        _community_year(actor, community, today)
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
