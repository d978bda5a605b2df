"""Pure rules of the feedback cards: the period a card covers (002 在职党员社区活动反馈制度).

A period is a half year by default (settings.FEEDBACK_PERIOD_MONTHS = 6, codes `2026H1`,
`2026H2`); one source says quarterly, so 3 gives quarters (`2026Q1` .. `2026Q4`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

HALF_YEAR_MONTHS = 6
QUARTER_MONTHS = 3
# Period length in months -> the letter of its code.
PERIOD_LETTERS = {HALF_YEAR_MONTHS: "H", QUARTER_MONTHS: "Q"}
_CODE = re.compile(r"^(\d{4})([HQ])([1-4])$")


class PeriodError(ValidationError):
    """A period code that does not name a period of the configured length."""


@dataclass(frozen=True)
class Period:
    year: int
    index: int  # 1-based: H1/H2 or Q1..Q4
    months: int

    @property
    def code(self) -> str:
        return f"{self.year}{PERIOD_LETTERS[self.months]}{self.index}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 + (self.index - 1) * self.months, 1)

    @property
    def end(self) -> dt.date:
        return self.following().start - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.months == HALF_YEAR_MONTHS:
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        return f"{self.year}年第{'一二三四'[self.index - 1]}季度"

    def following(self) -> Period:
        if self.index * self.months >= 12:
            return Period(self.year + 1, 1, self.months)
        return Period(self.year, self.index + 1, self.months)

    def preceding(self) -> Period:
        if self.index == 1:
            return Period(self.year - 1, 12 // self.months, self.months)
        return Period(self.year, self.index - 1, self.months)

    def __str__(self) -> str:
        return self.label


def _check_months(months: int) -> None:
    if months not in PERIOD_LETTERS:
        raise PeriodError(
            f"反馈周期只能是{HALF_YEAR_MONTHS}个月（半年）或{QUARTER_MONTHS}个月（季度）。"
        )


def period_parse(code: str, months: int) -> Period:
    """`2026H2` (half years) or `2026Q3` (quarters), as the configured length asks."""
    _check_months(months)
    letter = PERIOD_LETTERS[months]
    found = _CODE.match(code.strip().upper())
    if not found or found.group(2) != letter or int(found.group(3)) > 12 // months:
        example = f"2026{letter}1" + ("或2026H2" if letter == "H" else "至2026Q4")
        raise PeriodError(f"期间“{code}”无法识别，应写作{example}。")
    return Period(int(found.group(1)), int(found.group(3)), months)


def period_of(day: dt.date, months: int) -> Period:
    """The period that contains `day`."""
    _check_months(months)
    return Period(day.year, (day.month - 1) // months + 1, months)


def period_just_ended(day: dt.date, months: int) -> Period:
    """The last period that ended before `day` (the scheduled run on 1 July makes H1's cards)."""
    return period_of(day, months).preceding()


def period_open_error(period: Period, today: dt.date) -> str | None:
    """A period's cards are made once it has ended (its last day past): the card rates the whole
    period, by the community where the member is registered on its last day."""
    if period.end < today:
        return None
    return (
        f"{period.label}（{period.code}）到{period.end:%Y年%m月%d日}才结束，"
        "期间结束后才能生成该期间的反馈卡。"
    )
