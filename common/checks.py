"""System checks of the rule settings (issue "Rules, round 2" 15): a number the rules rely on
that lies outside what the seeds allow stops the start (`manage.py check`, runserver, migrate,
the worker) with a Chinese message naming the setting, instead of quietly changing a rule.

The ranges: 公示 lasts 5 to 10 days (000: 公示时间一般为七至十天; some places use 5 working days); a
meeting's quorum is at least "more than half" (002) and the 大党委's at least 4/5 (004 四(二));
a required meeting is held at least once in its period (month, quarter or year); the
attendance targets are percentages. The meeting settings' format is the one activities/rules.py
reads (`"1/quarter"`, `">1/2"`, `">=4/5"`); it is parsed here again so that common imports no app.

One warning (issue 21, item 7): the working-day calendar (the chinesecalendar package, read by
publicity.rules.is_working_day when 公示 counts working days) knows only the years whose holidays the
State Council had published when it was released; for any other year it falls back to Monday to
Friday, and 元旦, 春节 or a 调休 Saturday would count wrongly without anybody noticing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning  # not the builtin Warning
from django.utils import timezone

from .sources import cite

NOTICE_DAYS_RANGE = (5, 10)
MORE_THAN_HALF = (">", Fraction(1, 2))
# 004 四(二): 必须有五分之四以上委员到会方能举行
STRICTER_QUORUMS = {"big_committee_meeting": (">=", Fraction(4, 5))}
PERIOD_UNITS = ("month", "quarter", "year")
PERCENT_SETTINGS = ("ACTIVITIES_ATTENDANCE_TARGET", "ACTIVITIES_IN_SERVICE_TARGET")
REQUIREMENT_SETTINGS = (
    "ACTIVITIES_BRANCH_REQUIREMENTS",
    "ACTIVITIES_GROUP_REQUIREMENTS",
    "ACTIVITIES_COMMUNITY_REQUIREMENTS",
)
_QUORUM = re.compile(r"^(>=|>)\s*(\d+)\s*/\s*(\d+)$")
_REQUIREMENT = re.compile(r"^(\d+)\s*/\s*(\w+)$")
# A notice of at most 10 working days that starts today ends within this many days, even across
# 春节 (the longest holiday): in December the next year's calendar is needed already.
CALENDAR_LOOKAHEAD_DAYS = 31


@register("settings")
def rule_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    errors += _notice_days_errors()
    errors += _quorum_errors(getattr(settings, "ACTIVITIES_QUORUMS", {}))
    for name in REQUIREMENT_SETTINGS:
        errors += _requirement_errors(name, getattr(settings, name, {}))
    errors += _number_errors()
    return errors


def _error(setting: str, text: str, hint: str, number: int) -> Error:
    return Error(f"设置 {setting} {text}", hint=hint, id=f"common.E{number:03d}")


def _notice_days_errors() -> list[CheckMessage]:
    days = getattr(settings, "PUBLICITY_NOTICE_DAYS", None)
    low, high = NOTICE_DAYS_RANGE
    if isinstance(days, int) and low <= days <= high:
        return []
    return [
        _error(
            "PUBLICITY_NOTICE_DAYS",
            f"为 {days!r}，公示期应为{low}至{high}天。",
            f"把环境变量 PUBLICITY_NOTICE_DAYS 设为{low}至{high}之间的整数"
            f"（{cite('000', '八')}：公示时间一般为七至十天；部分地方为5个工作日）。",
            1,
        )
    ]


def parse_quorum(spec: str) -> tuple[str, Fraction] | None:
    """`">1/2"` → (">", 1/2); None when it is not of that form."""
    match = _QUORUM.match(str(spec).strip())
    if not match or int(match[3]) == 0:
        return None
    return match[1], Fraction(int(match[2]), int(match[3]))


def is_at_least_as_strict(quorum: tuple[str, Fraction], floor: tuple[str, Fraction]) -> bool:
    """Whether every attendance that meets `quorum` meets `floor` too."""
    (comparison, share), (floor_comparison, floor_share) = quorum, floor
    if share != floor_share:
        return share > floor_share
    return comparison == ">" or floor_comparison == ">="


def _quorum_errors(quorums: Mapping[str, Any]) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for kind, spec in quorums.items():
        floor = STRICTER_QUORUMS.get(kind, MORE_THAN_HALF)
        floor_text = "".join((floor[0], str(floor[1])))
        quorum = parse_quorum(spec) if spec else None
        if quorum is None:
            text = f"中“{kind}”的法定人数“{spec}”格式错误，应如“>1/2”或“>=4/5”。"
        elif quorum[1] > 1 or quorum == (">", Fraction(1)):
            text = f"中“{kind}”的法定人数“{spec}”超过应到人数，会议永远无法召开。"
        elif not is_at_least_as_strict(quorum, floor):
            text = f"中“{kind}”的法定人数“{spec}”低于规定的“{floor_text}”。"
        else:
            continue
        hint = (
            f"设为不低于“{floor_text}”且不超过应到人数的值"
            f"（{cite('002')}：超过半数；{cite('004')}：大党委五分之四以上）。"
        )
        errors.append(_error("ACTIVITIES_QUORUMS", text, hint, 2))
    return errors


def _requirement_errors(name: str, requirements: Mapping[str, Any]) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for kind, spec in requirements.items():
        match = _REQUIREMENT.match(str(spec).strip())
        if match and match[2] in PERIOD_UNITS and int(match[1]) >= 1:
            continue
        errors.append(
            _error(
                name,
                f"中“{kind}”的次数要求“{spec}”无效：应为每个期间至少1次，如“1/month”“1/quarter”。",
                f"期间为 {'、'.join(PERIOD_UNITS)} 之一，次数为不小于1的整数。",
                3,
            )
        )
    return errors


def _number_errors() -> Iterable[CheckMessage]:
    for name in PERCENT_SETTINGS:
        value = getattr(settings, name, None)
        if not (isinstance(value, int) and 0 <= value <= 100):
            yield _error(name, f"为 {value!r}，应为0至100之间的百分数。", "例如80表示80%。", 4)
    minimum = getattr(settings, "ACTIVITIES_COMMITTEE_MIN_FULL_MEMBERS", None)
    if not (isinstance(minimum, int) and minimum >= 1):
        yield _error(
            "ACTIVITIES_COMMITTEE_MIN_FULL_MEMBERS",
            f"为 {minimum!r}，应为不小于1的整数。",
            "支部工作条例：正式党员7人以上的支部设立支部委员会。",
            5,
        )


@register("settings")
def working_calendar_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not getattr(settings, "PUBLICITY_NOTICE_WORKING_DAYS", False):
        return []  # the calendar is read only when 公示 counts working days
    return working_calendar_warnings(timezone.localdate())


def working_calendar_warnings(today: dt.date) -> list[CheckMessage]:
    """A warning naming each year from today to CALENDAR_LOOKAHEAD_DAYS ahead that the installed
    chinesecalendar has no holidays for."""
    ahead = today + dt.timedelta(days=CALENDAR_LOOKAHEAD_DAYS)
    missing = [year for year in range(today.year, ahead.year + 1) if not calendar_knows(year)]
    if not missing:
        return []
    years = "、".join(f"{year}年" for year in missing)
    return [
        CheckWarning(
            f"工作日历（chinesecalendar {_calendar_version()}）没有{years}的节假日安排："
            "公示期按工作日计算时，这些年份只能按周一至周五计算，法定节假日和调休上班日都会算错。",
            hint="升级 chinesecalendar（uv lock --upgrade-package chinesecalendar）到包含该年份的版本；"
            "国务院办公厅一般在上一年11月前后公布放假安排。",
            id="common.W001",
        )
    ]


def calendar_knows(year: int) -> bool:
    """Whether the installed chinesecalendar has the holidays of `year`."""
    try:
        import chinese_calendar

        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except (ImportError, NotImplementedError):
        return False
    return True


def _calendar_version() -> str:
    try:
        import chinese_calendar
    except ImportError:
        return "未安装"
    return str(getattr(chinese_calendar, "__version__", "版本未知"))
