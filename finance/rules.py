"""Pure rules of 党费 (dues) and 党建经费 (party-building funds): no database, no request.

Dues follow the 2008 rule quoted in 002 (DOMAIN.md "Finance"); every number is a named constant
here or a setting (config/settings.py, "# --- Finance"). Money is Decimal, rounded to the fen
half up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

from members.rules import SELF_LAPSE_MONTHS, Category, Run

# The documents the rules come from, named as users know them (never by the seeds' numbers).
DUES_RULE_NAME = "《关于中国共产党党费收缴、使用和管理的规定》"

FEN = Decimal("0.01")
ONE_DAY = dt.timedelta(days=1)
ZERO = Decimal("0.00")

# --- the table of rates (2008 规定, 002) ---------------------------------------------------------
# (upper bound of the base, inclusive; rate applied to the whole base). None: no upper bound.
IN_SERVICE_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
)
RETIRED_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("5000"), Decimal("0.005")),
    (None, Decimal("0.01")),
)
# Students, the unemployed, members on relief or 低保: a fixed 0.2 yuan a month.
LOW_INCOME_FIXED_AMOUNT = Decimal("0.20")
# Farmers: a fixed amount set per member, from 0.2 to 1.0 yuan a month.
FARMER_MIN_AMOUNT = Decimal("0.20")
FARMER_MAX_AMOUNT = Decimal("1.00")
FIXED_LABEL = "固定"

# --- collection ---------------------------------------------------------------------------------
BACK_PAY_MAX_MONTHS = 6  # back payment reaches at most 6 months
CENTRAL_REMITTANCE_THRESHOLD = Decimal("1000")  # a single voluntary payment this large or more
# An imported payment may be dated at most this many months before its month (advance payment of
# the next month, the 党费交纳 import contract).
IMPORT_ADVANCE_MONTHS = 1
ARREARS_WARN_MONTHS = 5  # 5 months unpaid: the member is warned
# 6 consecutive months unpaid: flagged for 自行脱党 handling (002): the members app's own number.
ARREARS_LAPSE_MONTHS = SELF_LAPSE_MONTHS
QUARTER_MONTHS = 3


class DuesBasis(models.TextChoices):
    """Which rule of the table applies to a member: the rule of their income source."""

    IN_SERVICE = "in_service", "在职（工资收入）"
    RETIRED = "retired", "离退休（养老金）"
    FARMER = "farmer", "农民（固定数额）"
    LOW_INCOME = "low_income", "学生、下岗失业、低保（固定数额）"


# The income source decides: an in-service member who is also floating, retired or a student
# pays by the in-service table; a retiree by the pension table; then the fixed categories.
BASIS_BY_CATEGORY: tuple[tuple[str, DuesBasis], ...] = (
    (Category.IN_SERVICE, DuesBasis.IN_SERVICE),
    (Category.RETIRED, DuesBasis.RETIRED),
    (Category.FARMER, DuesBasis.FARMER),
    (Category.STUDENT, DuesBasis.LOW_INCOME),
    (Category.UNEMPLOYED, DuesBasis.LOW_INCOME),
    (Category.LOW_INCOME, DuesBasis.LOW_INCOME),
)


def to_fen(amount: Decimal) -> Decimal:
    """Rounded to the fen (0.01 yuan), half up."""
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def dues_basis(categories: Collection[str], *, has_income: bool) -> DuesBasis | None:
    """The rule a member with these categories pays by. A member of no paying category (only
    流动 or 年老病重) with a recorded income pays by the in-service table (wages); without an
    income, None: the dues cannot be computed."""
    for category, basis in BASIS_BY_CATEGORY:
        if category in categories:
            return basis
    return DuesBasis.IN_SERVICE if has_income else None


def bracket_rate(base: Decimal, brackets: Sequence[tuple[Decimal | None, Decimal]]) -> Decimal:
    """The rate of the first bracket whose upper bound (inclusive) holds `base`; the last
    bracket (no upper bound in the tables) holds the rest."""
    for upper, rate in brackets:
        if upper is None or base <= upper:
            return rate
    return brackets[-1][1]


def rate_label(rate: Decimal) -> str:
    """0.005 -> `0.5%`, 0.01 -> `1%`: the percentage as the table writes it."""
    percent = (rate * 100).normalize()
    return f"{percent:f}%"


@dataclass(frozen=True)
class Dues:
    """A month's dues: the rate as the ledger writes it (`1.5%` or `固定`) and the amount."""

    rate: str
    amount: Decimal


def dues_error(
    basis: DuesBasis, *, income: Decimal | None = None, fixed_amount: Decimal | None = None
) -> str | None:
    """Why a month's dues cannot be computed by the table (a figure missing or out of range)."""
    if basis == DuesBasis.LOW_INCOME:
        return None
    if basis == DuesBasis.FARMER:
        if fixed_amount is None:
            return "农民党员的交纳数额尚未确定"
        return farmer_amount_error(fixed_amount)
    if income is None:
        return "未登记月收入，无法计算党费"
    if income < 0:
        return "月收入不能为负数"
    return None


def dues_amount(
    basis: DuesBasis, *, income: Decimal | None = None, fixed_amount: Decimal | None = None
) -> Dues | str:
    """Monthly dues by the table: the bracket's rate times the whole base, to the fen half up;
    or the fixed amount. When they cannot be computed: the message of dues_error (Chinese)."""
    if error := dues_error(basis, income=income, fixed_amount=fixed_amount):
        return error
    if basis == DuesBasis.LOW_INCOME:
        return Dues(FIXED_LABEL, LOW_INCOME_FIXED_AMOUNT)
    if basis == DuesBasis.FARMER and fixed_amount is not None:
        return Dues(FIXED_LABEL, to_fen(fixed_amount))
    base = income or ZERO  # present: dues_error said so
    brackets = IN_SERVICE_BRACKETS if basis == DuesBasis.IN_SERVICE else RETIRED_BRACKETS
    rate = bracket_rate(base, brackets)
    return Dues(rate_label(rate), to_fen(base * rate))


def farmer_amount_error(amount: Decimal) -> str | None:
    if not FARMER_MIN_AMOUNT <= amount <= FARMER_MAX_AMOUNT:
        return f"农民党员每月交纳{FARMER_MIN_AMOUNT}元至{FARMER_MAX_AMOUNT}元"
    if amount != to_fen(amount):
        return "金额最多保留两位小数（到分）"
    return None


def relief_amount_error(reduced: Decimal, full: Decimal | None) -> str | None:
    """A reduced amount lies between nothing and the full dues (waived: 0)."""
    if reduced < 0:
        return "减交后的金额不能为负数"
    if reduced != to_fen(reduced):
        return "金额最多保留两位小数（到分）"
    if full is not None and reduced >= full:
        return f"减交后的金额应少于按规定应交的{full}元"
    return None


# --- months ---------------------------------------------------------------------------------------
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def add_months(month: dt.date, months: int) -> dt.date:
    return month_from_index(month_index(month) + months)


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier`'s month to `later`'s (negative if `later` is earlier)."""
    return month_index(later) - month_index(earlier)


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def parse_month(text: str) -> dt.date:
    """`2026-03` -> 2026-03-01; ValueError (Chinese) otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f"月份“{text}”格式错误，应为YYYY-MM，如2026-03") from None


# --- collection -------------------------------------------------------------------------------------
class PaymentMethod(models.TextChoices):
    IN_PERSON = "in_person", "本人按月交纳"
    QUARTERLY = "quarterly", "经支部同意按季度交纳"
    PROXY = "proxy", "委托他人代交"
    TRANSFER = "transfer", "银行转账"


def payment_period_error(period: dt.date, paid_on: dt.date, method: str) -> str | None:
    """Whether dues of month `period` may be paid on `paid_on`: back payment reaches at most
    BACK_PAY_MAX_MONTHS months (a payment in July reaches January); paying ahead only within the
    quarter, and only by quarterly payment with the branch's consent."""
    behind = months_between(period, paid_on)
    if behind > BACK_PAY_MAX_MONTHS:
        return (
            f"补交党费最多补交{BACK_PAY_MAX_MONTHS}个月：{paid_on:%Y-%m-%d}交纳的最早可补交"
            f"{month_label(add_months(month_start(paid_on), -BACK_PAY_MAX_MONTHS))}，"
            f"{month_label(period)}已超过期限"
        )
    if behind >= 0:
        return None
    same_quarter = (period.year, (period.month - 1) // QUARTER_MONTHS) == (
        paid_on.year,
        (paid_on.month - 1) // QUARTER_MONTHS,
    )
    if method == PaymentMethod.QUARTERLY and same_quarter:
        return None
    return f"不能预交{month_label(period)}的党费：只有经支部同意按季度交纳的，可交本季度各月"


def dues_page_span(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The months a member's 党费 page lists for `year`: a past year whole; the current year from
    January (or from the earliest month back payment still reaches, if earlier) to the end of the
    current quarter (a member paying quarterly may pay ahead within it)."""
    if year != today.year:
        return dt.date(year, 1, 1), dt.date(year, 12, 1)
    this = month_start(today)
    quarter_end = add_months(this, QUARTER_MONTHS - 1 - (this.month - 1) % QUARTER_MONTHS)
    return min(dt.date(year, 1, 1), add_months(this, -BACK_PAY_MAX_MONTHS)), quarter_end


def paid_on_error(paid_on: dt.date, today: dt.date) -> str | None:
    """A payment is recorded once it is made: never dated in the future."""
    if paid_on > today:
        return f"交纳日期{paid_on:%Y-%m-%d}晚于今天（{today:%Y-%m-%d}），不能登记未来的交纳"
    return None


def imported_payment_date_error(period: dt.date, paid_on: dt.date, today: dt.date) -> str | None:
    """The 党费交纳 import's dates: not in the future, and not before the first day of the month
    before 所属月份 (advance payment of the next month is allowed)."""
    if error := paid_on_error(paid_on, today):
        return error
    earliest = add_months(month_start(period), -IMPORT_ADVANCE_MONTHS)
    if paid_on < earliest:
        return (
            f"交纳日期{paid_on:%Y-%m-%d}早于{earliest:%Y-%m-%d}："
            f"{month_label(period)}的党费最早可在{month_label(earliest)}预交"
        )
    return None


def voluntary_amount_error(amount: Decimal, cap: Decimal) -> str | None:
    """A voluntary payment: positive, to the fen, and at most the community's cap per payment
    (a typing error of a few extra digits is refused, not remitted)."""
    if amount <= 0 or amount != to_fen(amount):
        return "金额应大于0，最多保留两位小数"
    if amount > cap:
        return f"一次自愿多交党费{to_fen(amount)}元超过上限{to_fen(cap)}元，请核对金额"
    return None


def income_in_effect(
    changes: Iterable[tuple[dt.date, Decimal]], month: dt.date, current: Decimal | None
) -> Decimal | None:
    """The income of `month`: the latest recorded change effective by then; without any, the
    member's current income (the roster's 月收入)."""
    found = [(effective, amount) for effective, amount in changes if effective <= month]
    return max(found)[1] if found else current


ORGANIZATION_SUFFIXES = (
    "党支部",
    "党总支",
    "党委",
    "党组织",
    "党工委",
    "社区",
    "居委会",
    "单位",
    "公司",
)


def proxy_name_error(name: str) -> str | None:
    """A proxy is a person: the organization never pays dues for a member (002)."""
    if name.strip().endswith(ORGANIZATION_SUFFIXES):
        return "党费由党员本人交纳或委托他人代交，党组织和单位不能代党员交纳"
    return None


def is_central_remittance(voluntary_amount: Decimal) -> bool:
    """A single voluntary payment of 1000 yuan or more goes whole to the central committee."""
    return voluntary_amount >= CENTRAL_REMITTANCE_THRESHOLD


def payment_deadline(month: dt.date, *, quarterly: bool) -> dt.date:
    """The first day a month's dues are late: the next month's first day; for a member paying
    quarterly with the branch's consent, the next quarter's (the current quarter is not late)."""
    if not quarterly:
        return add_months(month, 1)
    return add_months(dt.date(month.year, month.month - (month.month - 1) % QUARTER_MONTHS, 1), 3)


@dataclass(frozen=True)
class Arrears:
    """A member's dues as judged on one day: the run that matters (the longest run of consecutive
    owed months unsettled, or one of SELF_LAPSE_MONTHS or more that stood at any time since the
    first month judged: a later payment alone does not clear it) and the late months unsettled."""

    run: Run | None
    unsettled: tuple[dt.date, ...]

    @property
    def months(self) -> int:
        return self.run.months if self.run else 0


def arrears(
    first: dt.date, settled_on: Mapping[dt.date, dt.date], *, as_of: dt.date, quarterly: bool
) -> Arrears:
    """Each owed month from `first` (the 1st) whose deadline has come by `as_of` counts unless a
    payment for that month (`settled_on`: the month -> the day it was settled) settles it; paying
    a later month does not settle an earlier one."""
    months = []
    month = first
    while payment_deadline(month, quarterly=quarterly) <= as_of:
        months.append(month)
        month = add_months(month, 1)
    unsettled = tuple(m for m in months if not settled_on.get(m, as_of + ONE_DAY) <= as_of)
    now = _longest(unsettled)
    standing = None
    for end, last in enumerate(months):
        due = payment_deadline(last, quarterly=quarterly)
        length = 0
        while length <= end and not settled_on.get(months[end - length], due) < due:
            length += 1
        if length and (standing is None or length >= standing.months):  # ties: the latest
            standing = Run(months[end - length + 1], length)
    if standing and standing.months >= SELF_LAPSE_MONTHS:
        return Arrears(standing, tuple(sorted({*unsettled, *_run_months(standing)})))
    return Arrears(now, unsettled)


def _longest(months: tuple[dt.date, ...]) -> Run | None:
    best: Run | None = None
    index = 0
    while index < len(months):
        length = 1
        while index + length < len(months) and months[index + length] == add_months(
            months[index], length
        ):
            length += 1
        if best is None or length >= best.months:  # ties: the latest
            best = Run(months[index], length)
        index += length
    return best


def _run_months(run: Run) -> list[dt.date]:
    return [add_months(run.first, i) for i in range(run.months)]


class ArrearsLevel(models.TextChoices):
    WARNED = "warned", f"连续{ARREARS_WARN_MONTHS}个月未交，应提醒"
    LAPSED = "lapsed", f"连续{ARREARS_LAPSE_MONTHS}个月未交，按自行脱党处理"


def arrears_level(months: int) -> ArrearsLevel | None:
    if months >= ARREARS_LAPSE_MONTHS:
        return ArrearsLevel.LAPSED
    if months >= ARREARS_WARN_MONTHS:
        return ArrearsLevel.WARNED
    return None


# --- what a member owes in a month ----------------------------------------------------------------
@dataclass(frozen=True)
class MonthFacts:
    """What the records say about one member for one month (all plain values)."""

    month: dt.date
    joined_on: dt.date
    categories: frozenset[str]
    income: Decimal | None  # the base in effect that month (the latest change by then)
    income_changed_this_year: bool  # a change effective this year, by this month
    fixed_amount: Decimal | None  # 核定 of the year, if any
    fixed_rate: str = ""
    fixed_income: Decimal | None = None  # the base the 核定 was computed from
    farmer_amount: Decimal | None = None
    relief_amount: Decimal | None = None  # approved reduction (0: waived) covering the month
    relief_reason: str = ""


@dataclass(frozen=True)
class LedgerLine:
    rate: str
    amount: Decimal
    income: Decimal | None
    note: str = ""
    # False: the records do not allow computing the dues (a data error, never "owes nothing").
    computable: bool = True

    @property
    def is_error(self) -> bool:
        return not self.computable


DUES_ERROR_PREFIX = "数据错误："


def dues_error_line(reason: str, income: Decimal | None = None) -> LedgerLine:
    """A month whose dues cannot be computed: the ledger says why and what to fix."""
    return LedgerLine("", ZERO, income, f"{DUES_ERROR_PREFIX}{reason}，请补登后再核定", False)


def month_dues(facts: MonthFacts) -> LedgerLine:
    """What a member owes in a month: nothing before the month the branch meeting accepted them;
    the year's fixed amount (核定) unless the income changed this year; else computed from the
    income in effect; an approved reduction or waiver replaces it."""
    if month_index(facts.month) < month_index(facts.joined_on):
        return LedgerLine("", ZERO, None, f"{facts.joined_on:%Y-%m-%d}入党，本月尚不需交纳")
    basis = dues_basis(facts.categories, has_income=facts.income is not None)
    base = facts.income if basis in (DuesBasis.IN_SERVICE, DuesBasis.RETIRED) else None
    if facts.fixed_amount is not None and not facts.income_changed_this_year:
        shown = facts.fixed_income if facts.fixed_rate != FIXED_LABEL else None
        line = LedgerLine(facts.fixed_rate or FIXED_LABEL, facts.fixed_amount, shown, "")
    elif basis is None:
        return dues_error_line("未登记月收入，无法计算党费")
    else:
        dues = dues_amount(basis, income=facts.income, fixed_amount=facts.farmer_amount)
        if isinstance(dues, str):
            return dues_error_line(dues, base)
        line = LedgerLine(dues.rate, dues.amount, base, "")
    if facts.relief_amount is not None:
        note = f"经批准{'免交' if facts.relief_amount == 0 else '减交'}：{facts.relief_reason}"
        return LedgerLine(line.rate, facts.relief_amount, line.income, note.rstrip("："))
    return line


# --- 党建经费 -----------------------------------------------------------------------------------------
class FundUse(models.TextChoices):
    """The only four uses of 党建经费 (000 item 四)."""

    EDUCATION_MATERIALS = "education_materials", "政治理论教育的报刊资料"
    DAILY_WORK = "daily_work", "党组织日常工作"
    HARDSHIP = "hardship", "困难党员帮扶"
    COMMENDATION = "commendation", "表彰奖励"


def plan_errors(items: Iterable[tuple[str, str, Decimal]], *, remaining: Decimal) -> list[str]:
    """Why a spending plan (items of description, use, amount) may not go forward: an item of no
    permitted use, an amount that is not positive, or a total above the remaining budget."""
    errors, total = [], ZERO
    for number, (description, use, amount) in enumerate(items, start=1):
        if use not in FundUse.values:
            uses = "、".join(str(label) for label in FundUse.labels)
            errors.append(f"第{number}项“{description}”不属于党建经费的用途（只能用于：{uses}）")
        if amount <= 0:
            errors.append(f"第{number}项“{description}”的金额应大于0")
        total += amount
    if total == 0 and not errors:
        errors.append("支出计划没有任何支出项目")
    if total > remaining:
        errors.append(f"支出计划合计{to_fen(total)}元，超过经费余额{to_fen(remaining)}元")
    return errors


def plan_allowance(
    *, yearly: Decimal, month: int, paid_out: Decimal, committed: Decimal
) -> Decimal:
    """量入为出、收支平衡: what a plan of month `month` (1-12) may commit: the budget received by
    then (month/12 of the year's), or what was actually paid out if more, less what the year's
    other plans already commit."""
    received = to_fen(yearly * month / 12)
    return max(received, paid_out) - committed


def allowance_error(total: Decimal, *, allowance: Decimal, month: int, received: Decimal) -> str:
    return (
        f"支出计划合计{to_fen(total)}元，超过本月可支出的{to_fen(max(allowance, ZERO))}元"
        f"（量入为出：截至{month}月累计拨付{to_fen(received)}元，减去本年度其他支出计划已占用的"
        "金额）。请减少支出项目，或改在以后月份支出"
    )


def monthly_installment(yearly: Decimal, months: int = 12) -> Decimal:
    """党建经费 is paid monthly: the yearly budget in twelve parts, to the fen."""
    return to_fen(yearly / months)


# --- the approval chain of a spending plan (000 item 四) ---------------------------------------------
class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    RETURNED = "returned", "已退回修改"
    AT_ORGANIZATION_MEMBER = "at_organization_member", "待街道组织委员审核"
    AT_DEPUTY_SECRETARY = "at_deputy_secretary", "待党工委分管副书记审核"
    AT_DIRECTOR = "at_director", "待街道主任审批"
    APPROVED = "approved", "已批准，待财政所拨付"
    PAID = "paid", "已拨付"


class ChainStep(models.TextChoices):
    """Who acts on a plan, in order: the community party head signs and submits it, the
    sub-district 组织委员 and the 党工委 deputy secretary in charge sign it, the director
    approves it, the finance office pays it."""

    COMMUNITY_HEAD = "community_head", "社区党组织书记"
    ORGANIZATION_MEMBER = "organization_member", "街道组织委员"
    DEPUTY_SECRETARY = "deputy_secretary", "党工委分管副书记"
    DIRECTOR = "director", "街道主任"
    FINANCE_OFFICE = "finance_office", "街道财政所"


# The step that acts on a plan in each status, and the status its approval leads to.
CHAIN: dict[str, tuple[ChainStep, PlanStatus]] = {
    PlanStatus.DRAFT: (ChainStep.COMMUNITY_HEAD, PlanStatus.AT_ORGANIZATION_MEMBER),
    PlanStatus.RETURNED: (ChainStep.COMMUNITY_HEAD, PlanStatus.AT_ORGANIZATION_MEMBER),
    PlanStatus.AT_ORGANIZATION_MEMBER: (
        ChainStep.ORGANIZATION_MEMBER,
        PlanStatus.AT_DEPUTY_SECRETARY,
    ),
    PlanStatus.AT_DEPUTY_SECRETARY: (ChainStep.DEPUTY_SECRETARY, PlanStatus.AT_DIRECTOR),
    PlanStatus.AT_DIRECTOR: (ChainStep.DIRECTOR, PlanStatus.APPROVED),
    PlanStatus.APPROVED: (ChainStep.FINANCE_OFFICE, PlanStatus.PAID),
}
# The four signatures printed on an approved plan.
SIGNING_STEPS = (
    ChainStep.COMMUNITY_HEAD,
    ChainStep.ORGANIZATION_MEMBER,
    ChainStep.DEPUTY_SECRETARY,
    ChainStep.DIRECTOR,
)
# Sub-district steps, held through FundApprover (the community head through its access role).
SUB_DISTRICT_STEPS = (
    ChainStep.ORGANIZATION_MEMBER,
    ChainStep.DEPUTY_SECRETARY,
    ChainStep.DIRECTOR,
    ChainStep.FINANCE_OFFICE,
)
# Plans whose amount is committed against the budget (all but drafts and returned ones).
COMMITTED_STATUSES = (
    PlanStatus.AT_ORGANIZATION_MEMBER,
    PlanStatus.AT_DEPUTY_SECRETARY,
    PlanStatus.AT_DIRECTOR,
    PlanStatus.APPROVED,
    PlanStatus.PAID,
)


def chain_step(status: str) -> ChainStep | None:
    """The step that acts now on a plan in `status` (None: paid, nothing left to do)."""
    entry = CHAIN.get(status)
    return entry[0] if entry else None


def status_after(status: str, *, approved: bool) -> PlanStatus | str:
    """The status a step leads to: the next in the chain, or back to the community (退回); or
    the message why the plan cannot move."""
    entry = CHAIN.get(status)
    if entry is None:
        return "该支出计划已拨付，审批流程已结束"
    step, following = entry
    if approved:
        return following
    if step == ChainStep.COMMUNITY_HEAD:
        return "支出计划尚未提交，不能退回"
    return PlanStatus.RETURNED


# --- the choices of the models' fields (the models import them from here) --------------------
class ReliefKind(models.TextChoices):
    REDUCE = "reduce", "减交"
    WAIVE = "waive", "免交"


class ReliefStatus(models.TextChoices):
    PENDING = "pending", "待上级党委批准"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class PaymentKind(models.TextChoices):
    DUES = "dues", "按月党费"
    VOLUNTARY = "voluntary", "自愿多交党费"


# --- setting up the next year's budget --------------------------------------------------------------
# 党建经费 is paid monthly from January: the sub-district sets up each community's budget for the
# next year before then, reminded on its 工作台 from this day of December on.
BUDGET_REMINDER_FROM = (12, 1)  # (month, day)


def budget_year_to_set_up(today: dt.date) -> int | None:
    """The year whose budgets the sub-district is reminded to set up on `today`: the next one,
    from 1 December; none before."""
    month, day = BUDGET_REMINDER_FROM
    return today.year + 1 if (today.month, today.day) >= (month, day) else None
