"""Pure rules of meetings: kinds, quorum, required frequencies and periods (no database).

The numbers live in settings (config/settings.py, "# --- Activities"); the functions here take
them as arguments so that the tests can use them at their boundaries.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from django.db import models


class MeetingKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", "支部党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支部委员会"
    GROUP_MEETING = "group_meeting", "党小组会"
    LECTURE = "lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    ORGANIZATIONAL_LIFE = "organizational_life", "组织生活会"
    DEMOCRATIC_LIFE = "democratic_life", "民主生活会"
    JOINT_MEETING = "joint_meeting", "联席会"
    BIG_COMMITTEE_MEETING = "big_committee_meeting", "大党委会议"
    VOLUNTEER_SERVICE = "volunteer_service", "党员集体为民服务"
    SCREENING = "screening", "电化教育"
    # A 社区党委/党总支's own meetings (002 "三会一课"制度, 议事会, 扩大会议, 党建带团建, 联系群众;
    # 001 在职党员管理: 年底召开一次在职党员大会). Its 党课 and 民主生活会 are the kinds above.
    COMMUNITY_GENERAL_MEETING = "community_general_meeting", "总支党员大会"
    COMMUNITY_COMMITTEE_MEETING = "community_committee_meeting", "总支委员会"
    ENLARGED_MEETING = "enlarged_meeting", "扩大会议"
    COUNCIL_MEETING = "council_meeting", "议事会"
    YOUTH_LEAGUE_MEETING = "youth_league_meeting", "党建带团建例会"
    RESIDENTS_FORUM = "residents_forum", "居民群众座谈会"
    IN_SERVICE_ASSEMBLY = "in_service_assembly", "在职党员大会"
    CONGRESS_SESSION = "congress_session", "党员代表会议"
    REGIONAL_BRANCH_MEETING = "regional_branch_meeting", "区域化党总支会议"


K = MeetingKind

# 三会一课 and the meetings that are organizational life (自行脱党 "组织生活", 量化考核 item 2:
# 支部大会、党小组会、组织生活会; 党课 is asked separately).
# A community's 总支党员大会 is its members' general meeting (002 "三会一课"制度).
ORGANIZATIONAL_LIFE_KINDS = frozenset(
    {K.GENERAL_MEETING, K.COMMUNITY_GENERAL_MEETING, K.GROUP_MEETING, K.LECTURE, K.THEME_DAY}
    | {K.ORGANIZATIONAL_LIFE}
)
LIFE_RATE_KINDS = frozenset(
    {K.GENERAL_MEETING, K.COMMUNITY_GENERAL_MEETING, K.GROUP_MEETING, K.ORGANIZATIONAL_LIFE}
)

# The kinds of the 会议台账 import (DOMAIN.md), by their Chinese label.
IMPORT_KINDS = (
    K.GENERAL_MEETING,
    K.COMMITTEE_MEETING,
    K.GROUP_MEETING,
    K.LECTURE,
    K.THEME_DAY,
    K.ORGANIZATIONAL_LIFE,
    K.JOINT_MEETING,
    K.BIG_COMMITTEE_MEETING,
    K.COMMUNITY_GENERAL_MEETING,
    K.COMMUNITY_COMMITTEE_MEETING,
    K.DEMOCRATIC_LIFE,
    K.ENLARGED_MEETING,
    K.COUNCIL_MEETING,
    K.YOUTH_LEAGUE_MEETING,
    K.RESIDENTS_FORUM,
    K.IN_SERVICE_ASSEMBLY,
)
KIND_BY_LABEL = {MeetingKind(kind).label: MeetingKind(kind) for kind in MeetingKind.values}


class Attendee(models.TextChoices):
    """Who should attend a meeting of a kind: its organization's members (a community's: all
    members of the branches below it), its committee (the positions held on the day), the
    joint committee's members, the committee with the 共驻共建 units' representatives, the
    in-service members registered with the community, or nobody by right (residents)."""

    MEMBERS = "members", "全体党员"
    COMMITTEE = "committee", "支部委员"
    JOINT_COMMITTEE = "joint_committee", "联席会/大党委成员"
    ENLARGED = "enlarged", "总支委员和共驻共建单位党组织负责人"
    IN_SERVICE = "in_service", "在本社区报到的在职党员"
    NOBODY = "nobody", "居民群众（不计应到）"
    DELEGATES = "delegates", "在任党员代表"
    REGIONAL_BRANCH = "regional_branch", "区域化党总支成员"


ATTENDEES: dict[str, Attendee] = {
    K.COMMITTEE_MEETING: Attendee.COMMITTEE,
    K.DEMOCRATIC_LIFE: Attendee.COMMITTEE,
    K.JOINT_MEETING: Attendee.JOINT_COMMITTEE,
    K.BIG_COMMITTEE_MEETING: Attendee.JOINT_COMMITTEE,
    # 002 总支委员会议事规则 and 议事会制度: the 总支委员 (党代表、居民代表 attend as guests);
    # 党建带团建例会: the 总支委员 study the league's work (its officers attend as guests).
    K.COMMUNITY_COMMITTEE_MEETING: Attendee.COMMITTEE,
    K.COUNCIL_MEETING: Attendee.COMMITTEE,
    K.YOUTH_LEAGUE_MEETING: Attendee.COMMITTEE,
    # 002 扩大会议制度: 由社区党总支召集，“共驻共建”单位党组织负责人参加.
    K.ENLARGED_MEETING: Attendee.ENLARGED,
    # 001 在职党员管理制度 六: 年底召开一次在职党员大会 (those registered with the community).
    K.IN_SERVICE_ASSEMBLY: Attendee.IN_SERVICE,
    # 002 联系群众制度 3: 居民群众座谈会: residents, listed as guests; nobody is 应到.
    K.RESIDENTS_FORUM: Attendee.NOBODY,
    K.CONGRESS_SESSION: Attendee.DELEGATES,
    K.REGIONAL_BRANCH_MEETING: Attendee.REGIONAL_BRANCH,
}


def attendees_of(kind: str) -> Attendee:
    return ATTENDEES.get(kind, Attendee.MEMBERS)


# --- Quorum -----------------------------------------------------------------------------------
# 002: a committee meeting needs more than half of the committee present and decides by majority;
# the 会议台账 import (DOMAIN.md) applies "more than half" to every kind it lists; 004: a 大党委
# meeting needs at least 4/5 of its 委员.
MORE_THAN = "more_than"
AT_LEAST = "at_least"


@dataclass(frozen=True)
class Quorum:
    share: Fraction
    comparison: str  # MORE_THAN or AT_LEAST

    @property
    def label(self) -> str:
        share = (
            "半数"
            if self.share == Fraction(1, 2)
            else f"{self.share.numerator}/{self.share.denominator}"
        )
        return (
            f"超过应到人数的{share}" if self.comparison == MORE_THAN else f"应到人数的{share}以上"
        )


def quorum_of(kind: str, quorums: Mapping[str, str]) -> Quorum | None:
    """The quorum a meeting of `kind` needs, from the setting `{kind: ">1/2" | ">=4/5"}`;
    None for a kind that needs none (a volunteer service, a screening)."""
    spec = quorums.get(kind)
    if not spec:
        return None
    comparison = AT_LEAST if spec.startswith(">=") else MORE_THAN
    return Quorum(Fraction(spec.lstrip(">=")), comparison)


def is_quorate(quorum: Quorum | None, *, expected: int, present: int) -> bool:
    """Whether `present` of `expected` voting attendees is enough. Exactly half is not more than
    half; 4 of 5 is 4/5. A meeting nobody was expected at is not held when it needs a quorum."""
    if quorum is None:
        return present > 0 or expected == 0
    if expected <= 0:
        return False
    share = Fraction(present, expected)
    return share > quorum.share if quorum.comparison == MORE_THAN else share >= quorum.share


# Who is expected (应到) and who votes (DOMAIN.md "Who is expected"; 002 年老病重党员管理制度 一):
# every member of the holding organization is expected. 年老病重 members are excused only from
# these kinds; from 支部党员大会 and 党小组会 they are expected ("原则上必须参加") and the material
# sent to them (送学上门) is recorded apart from the quorum.
AGED_EXCUSED_KINDS = frozenset({K.THEME_DAY})
# A meeting of these kinds votes (or records 决议): its quorum is of those with a vote, 正式党员
# not under 留党察看 (预备党员 attend and are listed without a vote). Any meeting that records a
# decision is judged the same way.
VOTING_KINDS = frozenset({K.GENERAL_MEETING, K.COMMUNITY_GENERAL_MEETING})
MAJORITY = Quorum(Fraction(1, 2), MORE_THAN)


def quorum_message(kind: str, quorum: Quorum, *, expected: int, present: int) -> str:
    label = MeetingKind(kind).label
    return (
        f"{label}应到{expected}人、实到{present}人，未达到法定人数（须{quorum.label}），"
        "会议记为未召开，不能形成决议。"
    )


def voters_message(kind: str, quorum: Quorum, *, voters: int, present: int) -> str:
    label = MeetingKind(kind).label
    share = quorum.label.replace("应到人数", "有表决权的党员")
    return (
        f"{label}有表决权的正式党员{voters}人、到会{present}人，未达到法定人数（须{share}；"
        "预备党员、留党察看期间的党员和列席人员没有表决权，不计入），"
        "会议记为未召开，不能形成决议。"
    )


@dataclass(frozen=True)
class Counts:
    """应到 (expected: not guests, not excused), 实到 (present among them), 请假 (on leave), and
    of them those with a vote (`voters`) and those present (`voters_present`)."""

    expected: int
    present: int
    on_leave: int
    voters: int = 0
    voters_present: int = 0


def attendance_counts(rows: Iterable[tuple[str, bool, bool]]) -> Counts:
    """Counts from (status, is_guest, has_vote) rows. A guest (a floating member placed here,
    someone from another organization) is not expected and has no vote: never counted towards
    the quorum; an excused member (年老病重 at a 主题党日, an outflowing member left out with the
    general meeting's consent) is not expected either."""
    expected = present = on_leave = voters = voters_present = 0
    for status, is_guest, has_vote in rows:
        if is_guest or status == "excused":
            continue
        expected += 1
        present += status == "present"
        on_leave += status == "leave"
        if has_vote:
            voters += 1
            voters_present += status == "present"
    return Counts(expected, present, on_leave, voters, voters_present)


def counts_error(*, expected: int, present: int, on_leave: int) -> str | None:
    if min(expected, present, on_leave) < 0:
        return "人数不能为负数。"
    if present + on_leave > expected:
        return f"实到人数与请假人数之和（{present + on_leave}）超过了应到人数（{expected}）。"
    return None


# --- Periods and required frequencies ------------------------------------------------------------
MONTHLY = "month"
QUARTERLY = "quarter"
HALF_YEARLY = "half_year"
YEARLY = "year"
# Once a year, held at the year's end: the fourth quarter (001 "年底召开一次在职党员大会"); its
# period is the year (期间 YYYY), begun on 1 October.
YEAR_END = "year_end"
PERIOD_LABELS = {
    MONTHLY: "每月",
    QUARTERLY: "每季度",
    HALF_YEARLY: "每半年",
    YEARLY: "每年",
    YEAR_END: "每年年底（第四季度）",
}


@dataclass(frozen=True)
class Period:
    label: str  # YYYY-MM, YYYYQn or YYYY (the compliance export's 期间)
    start: dt.date
    end: dt.date  # inclusive


def periods_of(year: int, unit: str) -> list[Period]:
    """The periods of `unit` in `year`, in order: a list of the caller's own, built once per
    (year, unit) (a sub-district's compliance asks for them 25,000 times: 3 s built afresh)."""
    return list(_periods_of(year, unit))


@functools.lru_cache(maxsize=256)
def _periods_of(year: int, unit: str) -> tuple[Period, ...]:
    if unit == YEARLY:
        return (Period(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31)),)
    if unit == QUARTERLY:
        return tuple(
            Period(f"{year}Q{q}", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
            for q in range(1, 5)
        )
    if unit == MONTHLY:
        return tuple(
            Period(f"{year}-{m:02d}", dt.date(year, m, 1), _month_end(year, m))
            for m in range(1, 13)
        )
    if unit == HALF_YEARLY:
        return (
            Period(f"{year}H1", dt.date(year, 1, 1), dt.date(year, 6, 30)),
            Period(f"{year}H2", dt.date(year, 7, 1), dt.date(year, 12, 31)),
        )
    if unit == YEAR_END:
        return (Period(str(year), dt.date(year, 10, 1), dt.date(year, 12, 31)),)
    raise ValueError(f"unknown period unit {unit!r}")


def _month_end(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def period_of(day: dt.date, unit: str) -> str:
    if unit in (YEARLY, YEAR_END):
        return str(day.year)
    if unit == HALF_YEARLY:
        return f"{day.year}H{1 if day.month <= 6 else 2}"
    if unit == QUARTERLY:
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


class Status(models.TextChoices):
    DONE = "done", "已完成"
    IN_PROGRESS = "in_progress", "进行中"
    OVERDUE = "overdue", "逾期"


def compliance_status(*, required: int, held: int, period_end: dt.date, as_of: dt.date) -> Status:
    """已完成 when enough were held; short: 进行中 while the period runs, 逾期 once it is over."""
    if held >= required:
        return Status.DONE
    return Status.IN_PROGRESS if as_of <= period_end else Status.OVERDUE


def is_due_soon(period_end: dt.date, as_of: dt.date, days: int) -> bool:
    """A period still short within `days` of its end (the reminder's window)."""
    return as_of <= period_end <= as_of + dt.timedelta(days=days)


@dataclass(frozen=True)
class Requirement:
    kind: MeetingKind
    unit: str
    count: int
    condition: str = ""  # WITH_GROUPS / WITHOUT_GROUPS (a community's 总支党员大会)


def parse_requirement(kind: str, spec: str) -> Requirement:
    """`"1/quarter"` → one meeting of `kind` a quarter."""
    count, unit = spec.strip().split("/")
    if unit not in PERIOD_LABELS:
        raise ValueError(f"unknown period unit {unit!r} for {kind}")
    return Requirement(MeetingKind(kind), unit, int(count))


def parse_requirements(kind: str, spec: str) -> list[Requirement]:
    """`"1/quarter,4/year"` → both must hold (002 党课: 每季度一次，一年不少于4次). A list of the
    caller's own, parsed once per (kind, spec): a sub-district's compliance reads the settings
    once per organization (8,000 of them: 1.4 s parsed afresh)."""
    return list(_parsed_requirements(kind, spec))


@functools.lru_cache(maxsize=256)
def _parsed_requirements(kind: str, spec: str) -> tuple[Requirement, ...]:
    return tuple(parse_requirement(kind, part) for part in spec.split(",") if part.strip())


# 002 "三会一课"制度: 设党小组的总支一般每季度召开一次总支党员大会，不设党小组的总支原则上每月召开
# 一次. Each period is judged on its own last day (the as-of date while it runs): a community with
# a 党小组 below it then owes the first, one without owes the second.
WITH_GROUPS = "with_groups"
WITHOUT_GROUPS = "without_groups"


def requirement_applies(requirement: Requirement, *, has_groups: bool) -> bool:
    """Whether `requirement` is owed for a period in which the community has (or has no)
    党小组 below it; one without a condition always is."""
    if requirement.condition == WITH_GROUPS:
        return has_groups
    if requirement.condition == WITHOUT_GROUPS:
        return not has_groups
    return True


def has_committee(full_members: int, minimum: int) -> bool:
    """支部工作条例: a branch with 7 or more full members sets up a committee (支部委员会)."""
    return full_members >= minimum


def rate(part: int, whole: int) -> int | None:
    """A whole percentage, rounded down (80% means 80% reached); None when nothing was due."""
    return None if whole <= 0 else part * 100 // whole


# Which organizations hold a meeting of each kind (by organization kind, organizations.rules).
_BRANCHES = frozenset({"branch", "unit_org"})
_COMMUNITIES = frozenset({"community_committee", "community_general_branch"})
HOLDERS: dict[str, frozenset[str]] = {
    K.GENERAL_MEETING: _BRANCHES,
    K.COMMITTEE_MEETING: _BRANCHES,
    K.GROUP_MEETING: frozenset({"group"}),
    K.LECTURE: _BRANCHES | _COMMUNITIES,
    K.THEME_DAY: _BRANCHES | _COMMUNITIES,
    K.ORGANIZATIONAL_LIFE: _BRANCHES,
    K.DEMOCRATIC_LIFE: _COMMUNITIES | {"sub_district"},
    K.JOINT_MEETING: _COMMUNITIES,
    K.BIG_COMMITTEE_MEETING: _COMMUNITIES,
    K.VOLUNTEER_SERVICE: _BRANCHES | _COMMUNITIES | {"group"},
    K.SCREENING: _BRANCHES | _COMMUNITIES,
    K.COMMUNITY_GENERAL_MEETING: _COMMUNITIES,
    K.COMMUNITY_COMMITTEE_MEETING: _COMMUNITIES,
    K.ENLARGED_MEETING: _COMMUNITIES,
    K.COUNCIL_MEETING: _COMMUNITIES,
    K.YOUTH_LEAGUE_MEETING: _COMMUNITIES,
    K.RESIDENTS_FORUM: _COMMUNITIES,
    K.IN_SERVICE_ASSEMBLY: _COMMUNITIES,
    K.CONGRESS_SESSION: _COMMUNITIES,
    K.REGIONAL_BRANCH_MEETING: _COMMUNITIES,
}
HOLDER_LABELS = {
    "branch": "党支部",
    "unit_org": "单位党组织",
    "group": "党小组",
    "community_committee": "社区党委",
    "community_general_branch": "社区党总支",
    "sub_district": "街道党工委",
}


# A community's meeting of these kinds (a joint 党课 or 主题党日) is held for its branches: it names
# them (default all below it) and counts as held for each (DOMAIN.md "Activities").
FOR_BRANCHES_KINDS = frozenset(
    k for k, holders in HOLDERS.items() if holders >= _COMMUNITIES | _BRANCHES
)


def holder_error(kind: str, organization_kind: str) -> str | None:
    """Why an organization of `organization_kind` does not hold a meeting of `kind`."""
    allowed = HOLDERS[kind]
    if organization_kind in allowed:
        return None
    names = "、".join(HOLDER_LABELS[k] for k in HOLDER_LABELS if k in allowed)
    return f"{MeetingKind(kind).label}由{names}召开，请选择相应的党组织。"


# The joint committee (organizations.models.JointCommitteeKind) a community's meeting is of, or
# the body of 两会一化 (members.models.congress) it is of: the community owes the meeting only
# where it has that body (compliance).
CONGRESS = "congress"
REGIONAL_BRANCH = "regional_branch"
JOINT_COMMITTEE_KINDS = {
    K.JOINT_MEETING: "joint_meeting",
    K.BIG_COMMITTEE_MEETING: "big_committee",
    K.CONGRESS_SESSION: CONGRESS,
    K.REGIONAL_BRANCH_MEETING: REGIONAL_BRANCH,
}


# --- the choices of the models' fields (the models import them from here) --------------------
class FeedbackRating(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    FAIR = "fair", "一般"
    POOR = "poor", "差"


class FeedbackStatus(models.TextChoices):
    DRAFT = "draft", "待评价"
    SENT = "sent", "已送达单位"
    ACKNOWLEDGED = "acknowledged", "单位已签收"


class AssemblyAttendance(models.TextChoices):
    """The feedback card's 在职党员大会 (001: 年底召开一次在职党员大会) line: how the member stood at
    the assembly their community held in the card's period. A card of a period with no assembly
    leaves it blank (not held is not absent); a member the assembly's roll does not list (报到 after
    it) is not absent either."""

    PRESENT = "present", "参加"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"
    EXCUSED = "excused", "免于参加"
    UNLISTED = "unlisted", "未列入会议名单"


def assembly_attendance(held: bool, status: str | None) -> str:
    """The card's 在职党员大会 value: "" when no assembly was held in the period, UNLISTED when one
    was held and the member has no attendance record of it, else the record's status."""
    if not held:
        return ""
    if status is None:
        return AssemblyAttendance.UNLISTED
    return AssemblyAttendance(status)


class MeetingSource(models.TextChoices):
    RECORDED = "recorded", "系统登记"
    IMPORTED = "imported", "台账导入"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"
    # Not expected (应到): a 年老病重 member at a 主题党日, an outflowing member left out with the
    # general meeting's recorded consent; nobody else (DOMAIN.md "Who is expected").
    EXCUSED = "excused", "免于参加（不计应到）"


# --- Attendance marked by a pasted list of names --------------------------------------------------
# One name a line, or separated by 、，,；; or spaces (a half- or full-width one): how a secretary
# copies a sign-in list out of a document or a chat.
NAME_SEPARATORS = re.compile(r"[\s、，,；;\u3000]+")


def parse_names(text: str) -> list[str]:
    """The names of a pasted list, in order, each once; blank pieces dropped."""
    return list(dict.fromkeys(piece for piece in NAME_SEPARATORS.split(text or "") if piece))


@dataclass(frozen=True)
class NameMatch:
    """The rows a list of names marks (their keys) and what could not be matched: a name on no
    row, or on more than one (two members of the same name: mark them in the list instead)."""

    keys: tuple[str, ...]
    unknown: tuple[str, ...]
    ambiguous: tuple[str, ...]

    @property
    def error(self) -> str | None:
        parts = []
        if self.unknown:
            parts.append(f"以下姓名不在应到名单中：{'、'.join(self.unknown)}")
        if self.ambiguous:
            parts.append(
                f"以下姓名在应到名单中有重名，请在名单中逐人勾选：{'、'.join(self.ambiguous)}"
            )
        return "；".join(parts) + "。" if parts else None


def match_names(names: Iterable[str], rows: Iterable[tuple[str, str]]) -> NameMatch:
    """Match `names` against the (key, name) rows of an attendance list, exactly."""
    by_name: dict[str, list[str]] = {}
    for key, name in rows:
        by_name.setdefault(name.strip(), []).append(key)
    keys, unknown, ambiguous = [], [], []
    for name in names:
        found = by_name.get(name, [])
        if not found:
            unknown.append(name)
        elif len(found) > 1:
            ambiguous.append(name)
        else:
            keys.append(found[0])
    return NameMatch(tuple(keys), tuple(unknown), tuple(ambiguous))
