"""Pure rules about members: no database, no request."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db import models

from organizations.rules import OrganizationKind

# --- 公民身份号码 (GB 11643-1999) -------------------------------------------------------------
CITIZEN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CITIZEN_ID_CHECK_CHARACTERS = "10X98765432"  # indexed by (weighted sum mod 11)


def citizen_id_check_character(first17: str) -> str:
    """The 18th character that GB 11643 computes from the first 17 digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, CITIZEN_ID_WEIGHTS, strict=True)
    )
    return CITIZEN_ID_CHECK_CHARACTERS[total % 11]


def citizen_id_error(value: str) -> str | None:
    """Why `value` is not a valid 18-character citizen ID, or None. Lower-case x is refused."""
    if len(value) != 18:
        return f"公民身份号码应为18位，现为{len(value)}位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "公民身份号码前17位应为数字，最后一位为数字或大写X"
    try:
        birth_date_from_citizen_id(value)
    except ValueError:
        return "公民身份号码中的出生日期不存在"
    if citizen_id_check_character(value[:17]) != value[17]:
        return "公民身份号码校验位错误"
    return None


def birth_date_from_citizen_id(value: str) -> dt.date:
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


def gender_from_citizen_id(value: str) -> str:
    """The 17th digit is odd for men, even for women."""
    return Gender.MALE if int(value[16]) % 2 else Gender.FEMALE


def normalize_citizen_id(value: str) -> str:
    """As typed or pasted: full-width digits and Ｘ (an input method's) become ASCII (NFKC), so a
    correct ID passes its check and one person cannot be stored twice in two widths."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


# --- Membership ---------------------------------------------------------------------------------
class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"


MIN_JOIN_AGE = 18  # 发展党员工作细则: an applicant is at least 18 years old
# 党章 and 发展党员工作细则: probation lasts one year from the branch meeting (入党日期); it may be
# extended once, by at least six months and at most one year.
PROBATION_MONTHS = 12
PROBATION_EXTENSION_MIN_MONTHS = 6
PROBATION_EXTENSION_MAX_MONTHS = 12


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def join_date_error(birth_date: dt.date, joined_on: dt.date) -> str | None:
    if age_on(birth_date, joined_on) < MIN_JOIN_AGE:
        return f"入党日期早于本人年满{MIN_JOIN_AGE}周岁的日期"
    return None


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where the day does not exist)."""
    return months_before(day, -months)


def probation_end(joined_on: dt.date) -> dt.date:
    """The day a probation without extension ends: one year after 入党日期 (29 Feb: 28 Feb)."""
    return months_after(joined_on, PROBATION_MONTHS)


def _extended_ends(joined_on: dt.date) -> tuple[dt.date, dt.date]:
    """The earliest and latest end of a probation extended once (by 6 to 12 months)."""
    return (
        months_after(joined_on, PROBATION_MONTHS + PROBATION_EXTENSION_MIN_MONTHS),
        months_after(joined_on, PROBATION_MONTHS + PROBATION_EXTENSION_MAX_MONTHS),
    )


def full_member_date_error(joined_on: dt.date, full_member_on: dt.date) -> str | None:
    """转正日期 is the day probation ended: one year after 入党日期, or after one extension."""
    one_year = probation_end(joined_on)
    earliest, latest = _extended_ends(joined_on)
    if full_member_on == one_year or earliest <= full_member_on <= latest:
        return None
    return (
        f"转正日期应为预备期满之日：入党满一年的{one_year:%Y-%m-%d}，或延长预备期"
        f"{PROBATION_EXTENSION_MIN_MONTHS}至{PROBATION_EXTENSION_MAX_MONTHS}个月后的"
        f"{earliest:%Y-%m-%d}至{latest:%Y-%m-%d}之间"
    )


def membership_date_errors(
    *, birth_date: dt.date, joined_on: dt.date, full_member_on: dt.date | None, today: dt.date
) -> dict[str, str]:
    """What is wrong with a member's 入党日期 and 转正日期, by field."""
    errors: dict[str, str] = {}
    if joined_on > today:
        errors["joined_on"] = "入党日期不能晚于今天"
    elif error := join_date_error(birth_date, joined_on):
        errors["joined_on"] = error
    if full_member_on is None:
        return errors
    if full_member_on > today:
        errors["full_member_on"] = "转正日期不能晚于今天"
    elif full_member_on < joined_on:
        errors["full_member_on"] = "转正日期不能早于入党日期"
    elif error := full_member_date_error(joined_on, full_member_on):
        errors["full_member_on"] = error
    return errors


def probation_overdue(joined_on: dt.date, today: dt.date, extension_months: int = 0) -> bool:
    """A 预备党员 whose probation (one year plus the extension on the record) is over: the
    branch owes a decision (转正, or 延长 once)."""
    return today > months_after(joined_on, PROBATION_MONTHS + extension_months)


def probation_overdue_message(joined_on: dt.date, today: dt.date, extension_months: int = 0) -> str:
    if extension_months:
        end = months_after(joined_on, PROBATION_MONTHS + extension_months)
        return f"预备期经延长{extension_months}个月已于{end:%Y-%m-%d}届满，未见转正决定：请办理转正"
    one_year = probation_end(joined_on)
    _, latest = _extended_ends(joined_on)
    if today > latest:
        return (
            f"预备期已于{one_year:%Y-%m-%d}满一年，最长延长期也已于{latest:%Y-%m-%d}届满，仍未转正"
        )
    return (
        f"预备期已于{one_year:%Y-%m-%d}满一年，未见转正决定：请办理转正，"
        f"延长预备期的最迟于{latest:%Y-%m-%d}转正"
    )


def latest_join_date_ended_by(day: dt.date, extension_months: int = 0) -> dt.date:
    """The latest 入党日期 whose probation of one year plus `extension_months` has ended by
    `day`."""
    months = PROBATION_MONTHS + extension_months
    cutoff = months_before(day, months)
    following = cutoff + dt.timedelta(days=1)
    return following if months_after(following, months) <= day else cutoff


def latest_join_date_full_by(day: dt.date) -> dt.date:
    """The latest 入党日期 whose probation without extension has ended by `day` (the SQL twin of
    is_full_member_on for a 正式党员 with no 转正日期 on file)."""
    cutoff = months_before(day, PROBATION_MONTHS)
    following = cutoff + dt.timedelta(days=1)
    return following if probation_end(following) <= day else cutoff


def holder_error(*, name: str, kind: str, parent_name: str, has_branch_below: bool) -> str | None:
    """Why an organization of `kind` may not hold members' records, or None: only a 党支部, or a
    单位党组织 with no 党支部 below it (which works as one), holds members; a 党小组 is a part
    of its branch that members are placed in."""
    if kind == OrganizationKind.BRANCH:
        return None
    if kind == OrganizationKind.UNIT_ORG:
        return f"{name}下设党支部，党员的组织关系应在其下的党支部。" if has_branch_below else None
    if kind == OrganizationKind.GROUP:
        return (
            f"党小组不是组织关系所在的党组织：请把所在党组织选为“{parent_name}”，"
            f"再把党员编入党小组“{name}”。"
        )
    return (
        f"{name}是{OrganizationKind(kind).label}，不直接管理党员："
        "党员的组织关系只能在党支部（或下设无党支部的单位党组织）。"
    )


def review_year_end(year: int) -> dt.date:
    """The day whose roster a year's 民主评议 grades: 31 December of that year."""
    return dt.date(year, 12, 31)


def is_full_member_on(
    day: dt.date, status: str, joined_on: dt.date, full_member_on: dt.date | None
) -> bool:
    """Whether a member was a 正式党员 on `day`. A 正式党员 with no 转正日期 on file counts from
    the end of a probation without extension."""
    if status != MemberStatus.FULL:
        return False
    return (full_member_on or probation_end(joined_on)) <= day


class Category(models.TextChoices):
    """人员类别 (several may apply to one member)."""

    IN_SERVICE = "in_service", "在职"
    RETIRED = "retired", "离退休"
    FLOATING = "floating", "流动"
    UNEMPLOYED = "unemployed", "下岗失业"
    STUDENT = "student", "学生"
    FARMER = "farmer", "农民"
    LOW_INCOME = "low_income", "低保"
    AGED_OR_ILL = "aged_or_ill", "年老病重"


CATEGORY_SEPARATOR = "、"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR_HIGH = "junior_high", "初中"
    PRIMARY = "primary", "小学及以下"


# --- 双联双管 -------------------------------------------------------------------------------------
# 设岗定责 (001): the ten kinds of service post every community offers; a community may add more.
DEFAULT_POST_KINDS = (
    "党建联络岗",
    "政策宣传岗",
    "建言献策岗",
    "文明示范岗",
    "扶贫帮困岗",
    "民事调解岗",
    "文化传播岗",
    "治安防范岗",
    "环境维护岗",
    "妇女维权岗",
)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day where the day does not exist)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month + 1, candidate)
        except ValueError:
            continue
    return dt.date(year, month + 1, min(day.day, 28))


# --- 流动党员 -------------------------------------------------------------------------------------
class FloatingDirection(models.TextChoices):
    OUTFLOW = "out", "外出流动"
    INFLOW = "in", "流入"


def floating_should_transfer(
    *, since: dt.date, has_fixed_place: bool, today: dt.date, months: int
) -> bool:
    """`months` or more at a fixed place: out (001), the membership record should be transferred
    there; in (002 流动党员管理制度 十二), it should be transferred here (应转入组织关系)."""
    return has_fixed_place and since <= months_before(today, months)


def floating_lost_contact(*, last_contact_on: dt.date, today: dt.date, months: int) -> bool:
    """No contact for `months` months (失联): the branch should reach the member. Contact
    decides nothing about 自行脱党: a phone call is not organizational life."""
    return last_contact_on <= months_before(today, months)


def floating_certificate_problem(
    *,
    direction: str,
    is_current: bool,
    certificate_number: str,
    expires_on: dt.date | None,
    today: dt.date,
    is_short_stay: bool = False,
) -> str | None:
    """An outflowing member who keeps membership here carries a 流动党员活动证 (001, 002); one
    out for three months or less takes part here and gets none (002 六)."""
    if direction != FloatingDirection.OUTFLOW or not is_current:
        return None
    if is_short_stay:
        return "短期外出，在本支部参加组织生活" if certificate_number else None
    if not certificate_number:
        return "未发《流动党员活动证》"
    if expires_on is not None and expires_on < today:
        return "活动证已过期"
    return None


# --- 自行脱党 (002 社区党员管理制度 8; 党费收缴规定 第十三条) -------------------------------------------
# Six consecutive months without paying dues, OR without organizational life, OR without doing
# the work the Party assigned, without good reason: the branch meeting decides.
SELF_LAPSE_MONTHS = 6


class LapseCondition(models.TextChoices):
    """The three conditions of 自行脱党, each alone sufficient, as the 处置提示 export names them."""

    DUES = "dues", "未交党费"
    LIFE = "life", "未参加组织生活"
    WORK = "work", "不做党所分配的工作"


class LapseOutcome(models.TextChoices):
    """What the branch meeting decided on a flag (002 社区党员管理制度 8: 进行组织处理)."""

    EXCUSED = "excused", "有正当理由，不作处理"
    CORRECT = "correct", "批评教育，限期改正"
    REMOVED = "removed", "按自行脱党予以除名"


@dataclass(frozen=True)
class Run:
    """A run of consecutive months a condition was met: its first month (the 1st) and length."""

    first: dt.date
    months: int


def whole_months(since: dt.date, until: dt.date) -> int:
    """Whole months from `since` to `until`: the largest k with `since` on or before the day k
    months before `until` (as absent_for counts them)."""
    count = (until.year - since.year) * 12 + until.month - since.month
    while count > 0 and since > months_before(until, count):
        count -= 1
    return max(count, 0)


def longest_absence(days: list[dt.date], *, start: dt.date, today: dt.date) -> Run | None:
    """The longest stretch from `start` to `today` without organizational life on any of `days`
    (those before `start` do not count): a stretch begins on `start` or the day after one of
    `days`, lasts until the next (or today), and its first month is the month it begins in."""
    taken = sorted(d for d in days if start <= d <= today)
    gaps = [(start, start)] + [(day + dt.timedelta(days=1), day) for day in taken]
    ends = [*taken, today]
    best: Run | None = None
    for (first_day, since), until in zip(gaps, ends, strict=True):
        months = whole_months(since, until)
        if best is None or months > best.months:
            best = Run(dt.date(first_day.year, first_day.month, 1), months)
    return best if best and best.months else None


def absent_for(last_on: dt.date, *, today: dt.date, months: int) -> bool:
    """Nothing since `last_on` for `months` consecutive months: the day exactly `months` months
    ago counts as outside the period (as for 失联 and in-service members)."""
    return last_on <= months_before(today, months)


# --- 民主评议 and 量化考核 --------------------------------------------------------------------------
class ReviewGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASICALLY_QUALIFIED = "basically_qualified", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


# 优秀 is at most one third of a branch's graded members: common practice, not in the seeds (001
# and 002 name the four grades and the yearly review, no share; DOMAIN.md "Members").
EXCELLENT_SHARE = (1, 3)


def excellent_quota(graded_members: int) -> int:
    """How many of `graded_members` may be graded 优秀: at most one third, rounded down."""
    numerator, denominator = EXCELLENT_SHARE
    return graded_members * numerator // denominator


# 党员量化考核 (002): ten items, 100 points.
ASSESSMENT_ITEMS: tuple[tuple[int, str, int], ...] = (
    (1, "学习理论和业务知识", 8),
    (2, "与党中央保持一致", 7),
    (3, "履行党员义务、遵守纪律、按期交纳党费", 17),
    (4, "坚持过组织生活", 15),
    (5, "接受群众监督、开展批评和自我批评", 7),
    (6, "完成工作任务、出勤", 10),
    (7, "维护社会安定、遵纪守法", 7),
    (8, "廉洁奉公", 14),
    (9, "安全生产", 7),
    (10, "计划生育、移风易俗", 8),
)
ASSESSMENT_MAX = {number: points for number, _, points in ASSESSMENT_ITEMS}


@dataclass(frozen=True)
class DeductionRule:
    """One deduction of 002's score sheet: on `item`, `points` (None: the item scores nothing)
    for `condition`, once or `per` occurrence or step."""

    code: str
    item: int
    condition: str
    points: Decimal | None
    per: str = ""

    def describe(self) -> str:
        if self.points is None:
            return f"{self.condition}：该项不得分"
        return f"{self.condition}：{self.per}扣{self.points}分"


ORGANIZATIONAL_LIFE_TARGET = Decimal(95)  # 002 item 4: 参加组织生活在95%以上的记15分
ORGANIZATIONAL_LIFE_STEP = Decimal(5)  # … 每下降5%扣1分

ASSESSMENT_DEDUCTIONS: tuple[DeductionRule, ...] = (
    DeductionRule("study_absent", 1, "在岗无故不参加学习", None),
    DeductionRule("against_the_line", 2, "有危害党的路线、方针、政策和不利于团结的言行", None),
    DeductionRule("dues_overdue", 3, "逾期不交党费", Decimal(10)),
    DeductionRule("not_obeying", 3, "不服从组织分配", None),
    DeductionRule("no_exemplary_role", 3, "不发挥党员作用", Decimal(3)),
    DeductionRule("no_thought_report", 3, "不交汇报思想材料", Decimal(2)),
    DeductionRule(
        "organizational_life_below_target",
        4,
        "参加总支大会、党小组会、组织生活会低于95%",
        Decimal(1),
        "每下降5%",
    ),
    DeductionRule("lecture_missed", 4, "听党课每少一次", Decimal(3), "每次"),
    DeductionRule("no_self_criticism", 5, "不能接受批评和自我批评", Decimal(4)),
    DeductionRule("tasks_50_to_80", 6, "完成全年工作任务50%以上80%以下", Decimal(2)),
    DeductionRule("tasks_below_50", 6, "完成全年工作任务50%以下", Decimal(3)),
    DeductionRule("attendance_short", 6, "出勤率达不到规定天数", Decimal(5)),
    DeductionRule("absent_without_leave", 6, "无故旷工", None),
    DeductionRule("late_or_early", 6, "迟到、早退", Decimal(1), "每次"),
    DeductionRule("law_broken", 7, "发现违法行为", None),
    DeductionRule("gambling_superstition", 7, "参加封建迷信和赌博活动", Decimal(4), "每次"),
    DeductionRule("abuse_of_power", 8, "以权谋私、违纪", Decimal(8)),
    DeductionRule("personal_gain", 8, "不能正确对待个人得失", Decimal(4)),
    DeductionRule("accident_direct", 9, "造成重大事故的直接责任者", None),
    DeductionRule("accident_indirect", 9, "造成重大事故的间接责任者", Decimal(5)),
    DeductionRule("family_planning", 10, "有违犯计划生育政策行为", None),
)
DEDUCTION_RULES = {rule.code: rule for rule in ASSESSMENT_DEDUCTIONS}


def _rule_points(code: str) -> Decimal:
    """The points of a deduction counted in points (not one that voids the item)."""
    return DEDUCTION_RULES[code].points or Decimal(0)


def organizational_life_deduction(rate: Decimal) -> Decimal:
    """Points off item 4 for attending `rate` % of organizational life: below the target, one
    step for each 5 % or part of it (94 %: one step; 90 %: one; 89.9 %: two)."""
    if rate >= ORGANIZATIONAL_LIFE_TARGET:
        return Decimal(0)
    steps = ((ORGANIZATIONAL_LIFE_TARGET - rate) / ORGANIZATIONAL_LIFE_STEP).to_integral_value(
        rounding=ROUND_CEILING
    )
    return steps * _rule_points("organizational_life_below_target")


def prefilled_deductions(
    *,
    overdue_dues_months: int | None,
    life_rate: Decimal | None,
    lectures_missed: int | None,
) -> dict[int, tuple[Decimal, str]]:
    """The deductions a year's records give, by item: (points within the item's maximum, the
    reason as the sheet prints it). A figure that is None has no records and gives nothing."""
    found: dict[int, tuple[Decimal, str]] = {}
    if overdue_dues_months:
        points = _rule_points("dues_overdue")
        found[3] = (points, f"逾期不交党费（{overdue_dues_months}个月），扣{points}分")
    parts: list[tuple[Decimal, str]] = []
    if life_rate is not None and (points := organizational_life_deduction(life_rate)):
        target = ORGANIZATIONAL_LIFE_TARGET
        parts.append(
            (points, f"参加组织生活{life_rate.normalize():f}%，低于{target}%，扣{points}分")
        )
    if lectures_missed:
        points = lectures_missed * _rule_points("lecture_missed")
        parts.append((points, f"缺席党课{lectures_missed}次，扣{points}分"))
    if parts:
        total = min(sum((p for p, _ in parts), Decimal(0)), Decimal(ASSESSMENT_MAX[4]))
        found[4] = (total, "；".join(text for _, text in parts))
    return found


def assessment_deduction_error(item: int, deduction: Decimal) -> str | None:
    if item not in ASSESSMENT_MAX:
        return f"考核项目只有第1至{len(ASSESSMENT_ITEMS)}项"
    if deduction < 0:
        return "扣分不能为负数"
    if deduction > ASSESSMENT_MAX[item]:
        return f"第{item}项满分{ASSESSMENT_MAX[item]}分，扣分不能超过满分"
    return None


# 民主评议 is held at the turn of the year: until the end of this month a new review or score
# sheet is for the year just past, afterwards for the current year.
REVIEW_SEASON_LAST_MONTH = 3


def review_year_for(day: dt.date) -> int:
    """The year a review or score sheet started on `day` is most likely for."""
    return day.year - 1 if day.month <= REVIEW_SEASON_LAST_MONTH else day.year


# --- the choices of the models' fields (the models import them from here) --------------------
class TransferDirection(models.TextChoices):
    OUT = "out", "转出"
    IN = "in", "转入"


class TransferState(models.TextChoices):
    SENT = "sent", "已开出介绍信"
    RECEIVED = "received", "已接收"
    CANCELLED = "cancelled", "已作废"


class PostClaimStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"
    ENDED = "ended", "已卸岗"


class ActivityKind(models.TextChoices):
    """The kinds of a 参与社区活动记录. A 为社区办实事 is not one: it is recorded once, as a
    MemberDeed (日常工作登记 → 在职党员实事), which the 1-2 a year count, its to-dos, the feedback
    card and the participation facts read (members migration 0018 moved the old rows there)."""

    ACTIVITY = "activity", "参加社区活动"
    REPORT = "report", "到社区报到"


# --- 党内统计 (DOMAIN.md "Import and export"; 000 九 4, 002 组织委员职责 4) ----------------------
STATISTICS_HEADERS = ("指标", "数量")
# 少数民族 is any 民族 but this one (an empty 民族 is not known, and counted in neither).
MAJORITY_ETHNICITY = "汉族"
# The age bands on the statistics' day (31 December): (row, lowest age, highest age), None open.
AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("30岁及以下", None, 30),
    ("31至35岁", 31, 35),
    ("36至40岁", 36, 40),
    ("41至45岁", 41, 45),
    ("46至50岁", 46, 50),
    ("51至55岁", 51, 55),
    ("56至60岁", 56, 60),
    ("61至70岁", 61, 70),
    ("71至80岁", 71, 80),
    ("81岁及以上", 81, None),
)
# Each education row and the 学历 it counts (初中及以下: 初中 and 小学及以下).
EDUCATION_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("研究生", (Education.POSTGRADUATE,)),
    ("大学本科", (Education.BACHELOR,)),
    ("大学专科", (Education.COLLEGE,)),
    ("中专", (Education.SECONDARY_VOCATIONAL,)),
    ("高中", (Education.HIGH_SCHOOL,)),
    ("初中及以下", (Education.JUNIOR_HIGH, Education.PRIMARY)),
)
# The category rows (a member with several categories is counted once in each of them).
CATEGORY_ROWS: tuple[tuple[str, str], ...] = tuple(
    (str(category.label), category.value)
    for category in (
        Category.IN_SERVICE,
        Category.RETIRED,
        Category.FLOATING,
        Category.UNEMPLOYED,
        Category.STUDENT,
        Category.FARMER,
    )
)
# The rows of the export, in the format's order.
STATISTICS_ROWS: tuple[str, ...] = (
    "党员总数",
    "正式党员",
    "预备党员",
    "女党员",
    "少数民族党员",
    *(label for label, _, _ in AGE_BANDS),
    *(label for label, _ in EDUCATION_ROWS),
    *(label for label, _ in CATEGORY_ROWS),
    "年内发展党员",
    "年内转为正式党员",
    "年内转入",
    "年内转出",
    "党支部",
    "党小组",
)


def statistics_day(year: int) -> dt.date:
    """The day the yearly statistics describe: 31 December of the year."""
    return dt.date(year, 12, 31)


def birth_date_bounds(
    day: dt.date, lowest: int | None, highest: int | None
) -> tuple[dt.date | None, dt.date | None]:
    """(after, on_or_before): the birth dates of those aged `lowest` to `highest` on `day`,
    exclusive below and inclusive above (None: open), as `age_on` counts (one born on 29
    February is a year older on 1 March of a common year)."""
    after = _shifted_back(day, highest + 1) if highest is not None else None
    on_or_before = _shifted_back(day, lowest) if lowest is not None else None
    return after, on_or_before


def _shifted_back(day: dt.date, years: int) -> dt.date:
    """The latest birth date of one aged `years` on `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February of a common year: born on the 28th, not yet the 29th
        return dt.date(day.year - years, 2, 28)


# --- 临时党小组, short stays, 出国出境 (002 流动党员管理制度 五、六、七) ------------------------------
def is_short_stay(*, since: dt.date, planned_return_on: dt.date | None, months: int) -> bool:
    """A stay planned to end within `months` months of its start (三个月以内, the day exactly
    `months` months later included): the member keeps organizational life here (002 六)."""
    return planned_return_on is not None and planned_return_on <= months_after(since, months)


def short_stay_certificate_error(
    *, since: dt.date, planned_return_on: dt.date | None, certificate_number: str, months: int
) -> str | None:
    """No 流动党员活动证 for a short stay: the member takes part in the home branch's life."""
    if certificate_number and is_short_stay(
        since=since, planned_return_on=planned_return_on, months=months
    ):
        return (
            f"外出时间在{months}个月以内的，仍在原党组织参加组织生活，不发《流动党员活动证》"
            "（《流动党员管理制度》第六条）。"
        )
    return None


def temporary_group_size_error(members: int, *, minimum: int) -> str | None:
    if members < minimum:
        return (
            f"临时党小组须由{minimum}名以上同在一地的外出党员组成（《流动党员管理制度》第五条），"
            f"现有{members}人。"
        )
    return None


def temporary_group_stay_error(
    *, name: str, since: dt.date, planned_return_on: dt.date | None, months: int
) -> str | None:
    """Each member is away `months` months or more from the start of their outflow: no planned
    return (long-term), or a planned return on or after the day `months` months later."""
    if planned_return_on is None or planned_return_on >= months_after(since, months):
        return None
    return (
        f"{name}预计{planned_return_on:%Y-%m-%d}返回，自{since:%Y-%m-%d}外出不满{months}个月，"
        "不编入临时党小组（外出时间在六个月以上的才建立临时党小组）。"
    )


class SuspensionReason(models.TextChoices):
    """Why standing is stopped (002 流动党员管理制度 七)."""

    SETTLED = "settled", "出国（境）定居"
    OVERSTAY = "overstay", "出境超过假期一年以上"


def standing_stop_errors(
    *,
    reason: str,
    left_on: dt.date,
    leave_ends_on: dt.date | None,
    decided_on: dt.date,
    approved_on: dt.date | None,
    overstay_months: int,
) -> dict[str, str]:
    """停止党籍: only for a member settled abroad, or out beyond their leave by `overstay_months`
    or more (一年以上: the day exactly a year after the leave's end included)."""
    errors: dict[str, str] = {}
    if decided_on < left_on:
        errors["decided_on"] = "停止党籍的决定日期不能早于出境日期。"
    if reason == SuspensionReason.OVERSTAY:
        if leave_ends_on is None:
            errors["leave_ends_on"] = "出境超过假期的，请填写假期截止日期。"
        elif leave_ends_on < left_on:
            errors["leave_ends_on"] = "假期截止日期不能早于出境日期。"
        elif decided_on < (due := months_after(leave_ends_on, overstay_months)):
            errors["decided_on"] = (
                f"出境超过假期一年以上的才停止党籍：假期截至{leave_ends_on:%Y-%m-%d}，"
                f"{due:%Y-%m-%d}起方可决定。"
            )
    if approved_on is not None and approved_on < decided_on:
        errors["approved_on"] = "批准日期不能早于党组织的决定日期。"
    return errors


def standing_restore_errors(
    *,
    left_on: dt.date,
    approved_on: dt.date | None,
    returned_on: dt.date | None,
    applied_on: dt.date | None,
    restored_on: dt.date | None,
    restore_approved_by: str,
) -> dict[str, str]:
    """恢复党籍: after the member's return and written application, by a decision approved by
    the organization that approved the stop; never before the standing was stopped."""
    errors: dict[str, str] = {}
    if returned_on is not None and returned_on < left_on:
        errors["returned_on"] = "回国（境）日期不能早于出境日期。"
    if applied_on is not None and (returned_on is None or applied_on < returned_on):
        errors["restore_applied_on"] = "回国（境）后才能申请恢复党籍，请先填写回国（境）日期。"
    if restored_on is None:
        return errors
    if approved_on is None:
        errors["restored_on"] = "党籍尚未经批准停止，不能恢复。"
    elif restored_on <= approved_on:
        errors["restored_on"] = "恢复党籍日期须晚于停止党籍的批准日期。"
    if applied_on is None or restored_on < applied_on:
        errors["restored_on"] = "恢复党籍须本人回国（境）后书面申请，恢复日期不能早于申请日期。"
    if not restore_approved_by.strip():
        errors["restore_approved_by"] = "请填写批准恢复党籍的党组织。"
    return errors


# --- 不合格党员的处置 (002 民主评议党员工作制度 五) ----------------------------------------------
class HandlingMeasure(models.TextChoices):
    CORRECT = "correct", "限期改正"
    PERSUADE = "persuade", "劝退"
    REMOVE = "remove", "除名"


class HandlingOutcome(models.TextChoices):
    CORRECTED = "corrected", "已改正"
    LEFT = "left", "劝退后退党"
    REMOVED = "removed", "予以除名"
    WITHDRAWN = "withdrawn", "申辩成立，撤销处置"


def review_handling_errors(
    *,
    measure: str,
    opened_on: dt.date,
    deadline: dt.date,
    outcome: str,
    outcome_on: dt.date | None,
    approved_on: dt.date | None,
) -> dict[str, str]:
    """A case's dates and outcome: the deadline after the opening, an outcome with its date,
    改正 only after 限期改正, 除名 only once the 街道党工委 approved (002 民主评议 五)."""
    errors: dict[str, str] = {}
    if deadline <= opened_on:
        errors["deadline"] = "期限须晚于处置开始日期。"
    if approved_on is not None and approved_on < opened_on:
        errors["approved_on"] = "审批日期不能早于处置开始日期。"
    if outcome and outcome_on is None:
        errors["outcome_on"] = "请填写处置结果的日期。"
    if outcome_on is not None and not outcome:
        errors["outcome"] = "请选择处置结果。"
    if outcome_on is not None and outcome_on < opened_on:
        errors["outcome_on"] = "结果日期不能早于处置开始日期。"
    if outcome == HandlingOutcome.CORRECTED and measure != HandlingMeasure.CORRECT:
        errors["outcome"] = "“已改正”只适用于限期改正。"
    if outcome == HandlingOutcome.REMOVED and approved_on is None:
        errors["outcome"] = "除名须报街道党工委审批，请先填写审批日期。"
    return errors


def review_handling_overdue(*, outcome: str, deadline: dt.date, today: dt.date) -> bool:
    """Still open the day after its deadline (the deadline's own day is not late)."""
    return not outcome and deadline < today


# --- 日常工作登记: 无职党员设岗定责, 党员联系户, 五必谈五必访, 实事 (001, 002) ---------------------------
# 002 社区无职党员设岗定责制度 二: the posts a community may set for members without office.
DEFAULT_DUTY_POSTS = (
    "提供就业信息岗",
    "民事纠纷调解岗",
    "治安防范巡逻岗",
    "环保卫生监督岗",
    "居务公开监督岗",
    "社区文化宣传岗",
    "未成年人教育岗",
    "法制宣传岗",
    "文体活动岗",
)


class DutyGrade(models.TextChoices):
    """The yearly review of a post (002 五: 个人述职、群众测评和支部考评). Only 未履职 says the
    member did not do the post's duties at all: the one grade that proves 不做党所分配的工作."""

    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASICALLY_COMPETENT = "basically_competent", "基本称职"
    INCOMPETENT = "incompetent", "不称职"
    NOT_PERFORMED = "not_performed", "未履职"


class VisitKind(models.TextChoices):
    """The occasions of 002's “五必谈、五必访” and the routine visit of a 联系户 (002 社区党总支
    联系群众制度 2: 每月走访不少于1次)."""

    TALK_POLICY = "talk_policy", "必谈：重大政策出台、重大工作部署时"
    TALK_MOOD = "talk_mood", "必谈：思想有情绪时"
    TALK_POST_CHANGE = "talk_post_change", "必谈：岗位职务变动、退休时"
    TALK_DISCIPLINE = "talk_discipline", "必谈：受到处分时"
    TALK_DISUNITY = "talk_disunity", "必谈：出现不团结现象时"
    VISIT_DISASTER = "visit_disaster", "必访：遭遇天灾人祸时"
    VISIT_BEREAVEMENT = "visit_bereavement", "必访：亲人去世时"
    VISIT_ILLNESS = "visit_illness", "必访：本人或家属重病住院时"
    VISIT_HARDSHIP = "visit_hardship", "必访：家庭生活困难时"
    VISIT_DISPUTE = "visit_dispute", "必访：家庭发生重大矛盾纠纷时"
    ROUTINE = "routine", "联系户定期走访"


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def held_during(start: dt.date, end: dt.date | None, first: dt.date, last: dt.date) -> bool:
    """Whether something from `start` to `end` (None: still on) overlaps `first`..`last`."""
    return start <= last and (end is None or end >= first)


def duty_review_year(today: dt.date) -> int:
    """The year whose post reviews are owed on `today`: the year just ended (a review is held
    with the 民主评议 at the turn of the year; earlier years are not reminded again)."""
    return today.year - 1


def deed_cutoff(year: int, month: int, day: int) -> dt.date:
    """The day of `year` from which a unit or member short of its 实事 is reminded; who owes a
    year's 实事 is decided on this day (owes_deeds)."""
    return dt.date(year, month, day)


def deed_reminder_year(today: dt.date, month: int, day: int) -> int | None:
    """The year whose 实事 are reminded on `today`: the current year from its cut-off day to 31
    December, the year just ended during January (overdue); otherwise none."""
    if today >= deed_cutoff(today.year, month, day):
        return today.year
    if today.month == 1:
        return today.year - 1
    return None


def owes_deeds(start: dt.date, end: dt.date | None, cutoff: dt.date) -> bool:
    """Who owes a year's 实事: a unit pledged to the community, or an in-service member
    registered there, on the year's cut-off day (from `start`; `end` the day it stopped, None:
    still on). Linked or registered later in the year, they owe nothing that year (the seeds ask
    “每年” without proration, and a reminder for a duty begun after it would be unfair); gone
    before it, they owe nothing here."""
    return start <= cutoff and (end is None or end > cutoff)


def deed_shortfall(done: int, minimum: int) -> int:
    return max(minimum - done, 0)


def longest_unperformed_run(
    spans: list[tuple[dt.date, dt.date]], done: list[dt.date], *, start: dt.date, today: dt.date
) -> Run | None:
    """The longest stretch of consecutive days that the records prove a member did not do the
    work assigned (`spans`: the days a review graded 未履职 covers), cut by any day the member
    is recorded doing assigned work (`done`), from `start` to `today`. Days no record covers
    prove nothing and end a stretch."""
    days: set[dt.date] = set()
    for first, last in spans:
        day = max(first, start)
        while day <= min(last, today):
            days.add(day)
            day += dt.timedelta(days=1)
    days -= set(done)
    best: Run | None = None
    for day in sorted(days):
        if day - dt.timedelta(days=1) in days:
            continue
        end = day
        while end + dt.timedelta(days=1) in days:
            end += dt.timedelta(days=1)
        months = whole_months(day, end + dt.timedelta(days=1))
        if best is None or months > best.months:
            best = Run(dt.date(day.year, day.month, 1), months)
    return best if best and best.months else None


# --- 两会一化: the 党员代表会议 and the 区域化党总支 (000 items 七 and 十) ---------------------------
# The seats (settings.MEMBERS_CONGRESS_SEATS, at most MEMBERS_CONGRESS_MAX_SEATS) and the
# 区域化党总支's composition (MEMBERS_REGIONAL_BRANCH_*) are settings; the functions take them.
class DelegateGroup(models.TextChoices):
    """产生范围 (000 七 三.2): the four groups a delegate's seat belongs to."""

    DIRECT = "direct", "社区直管党员"
    REGIONAL_ORG = "regional_org", "区域内党组织"
    IN_SERVICE = "in_service", "居住在辖区的在职党员"
    FLOATING = "floating", "流动党员"


class RegionalRole(models.TextChoices):
    """区域化党总支成员拟构成 (000 十 四.2)."""

    SECRETARY = "secretary", "社区党组织书记"
    DEPUTY_SECRETARY = "deputy_secretary", "社区党组织副书记"
    ORGANIZATION_MEMBER = "organization_member", "社区党组织组织委员"
    KEY_ORGANIZATION = "key_organization", "重点驻区域党组织党员代表"
    IN_SERVICE = "in_service", "在职党员代表"


class DepartureReason(models.TextChoices):
    """Why a delegate left the seat, as the secretary records it on the delegate (the
    departures no other record dates: a directly managed member who moves away keeps their
    branch and has no 报到登记 to end)."""

    MOVED_AWAY = "moved_away", "迁出"
    REASSIGNED = "reassigned", "调离"
    DECEASED = "deceased", "去世"
    RESIGNED = "resigned", "辞去代表职务"


class SeatLeaving(models.TextChoices):
    TRANSFERRED_OUT = "transferred_out", "组织关系转出"
    MOVED_AWAY = "moved_away", "迁出本社区"
    REASSIGNED = DepartureReason.REASSIGNED.value, "调离"
    DECEASED = DepartureReason.DECEASED.value, "去世"
    RESIGNED = DepartureReason.RESIGNED.value, "辞去代表职务"


def seats_error(seats: dict[str, int], maximum: int) -> str | None:
    """代表总数27名以内: the seats of all groups together at most `maximum` (27 is allowed)."""
    if any(n < 0 for n in seats.values()):
        return "席位数不能为负数。"
    total = sum(seats.values())
    if total > maximum:
        return f"代表席位共{total}个，超过了{maximum}名的上限。"
    if total == 0:
        return "请至少设置一个代表席位。"
    return None


def is_elected(votes_for: int, voters: int) -> bool:
    """当选: MORE than half of the votes. The base is the number of those with a vote present at
    the election (实到会有选举权的人数): the seed says only "票选应过半数" (000 十 四.3), and the
    Party's election rule (中国共产党基层组织选举工作条例 第二十七条) counts the votes for a nominee
    against those present with a vote, so a blank or spoilt ballot and an abstention count
    against. Exactly half is not elected; nobody is elected by nobody."""
    return voters > 0 and votes_for * 2 > voters


def votes_error(votes_for: int, voters: int) -> str | None:
    if votes_for > voters:
        return f"得票数（{votes_for}）不能超过参加投票的人数（{voters}）。"
    return None


@dataclass(frozen=True)
class DelegateFacts:
    """What the records say of a nominee on the election day (read by the services)."""

    is_full_member: bool  # 正式党员 on the day: 预备党员 have no right to be elected
    is_on_roster: bool  # not transferred out by then
    held_in_community: bool  # held by a branch of the community (社区直管)
    held_by_area_organization: bool  # held by the party organization of a unit in the community
    is_in_service: bool
    lives_in_community: bool
    is_outflowing: bool  # an outflow (外出) record covering the day


def delegate_group_error(group: str, facts: DelegateFacts) -> str | None:
    """Whether the person fits the seat's group on the election day (000 七 三.2-3)."""
    if not facts.is_on_roster:
        return "该党员在选举日已不在册（组织关系已转出），不能当选代表。"
    if not facts.is_full_member:
        return "预备党员没有选举权和被选举权，不能当选代表。"
    label = DelegateGroup(group).label
    fits = {
        DelegateGroup.DIRECT: facts.held_in_community,
        DelegateGroup.REGIONAL_ORG: facts.held_by_area_organization,
        DelegateGroup.IN_SERVICE: facts.is_in_service and facts.lives_in_community,
        DelegateGroup.FLOATING: facts.is_outflowing and facts.held_in_community,
    }[DelegateGroup(group)]
    if fits:
        return None
    why = {
        DelegateGroup.DIRECT: "组织关系须在本社区的党支部",
        DelegateGroup.REGIONAL_ORG: "须为本社区驻区单位党组织的党员",
        DelegateGroup.IN_SERVICE: "须为在职党员且居住在本社区",
        DelegateGroup.FLOATING: "须为本社区党支部的党员且在选举日有外出流动登记",
    }[DelegateGroup(group)]
    return f"该党员不符合“{label}”席位的条件：{why}。"


def seat_left(
    group: str,
    *,
    elected_on: dt.date,
    transferred_out_on: dt.date | None,
    moved_out_on: dt.date | None,
    departed_on: dt.date | None = None,
    departure_reason: str = "",
) -> tuple[dt.date, str] | None:
    """When and why a delegate left the seat, from the dated records only: the transfer out
    received (any group); for a seat held as a resident (居住在辖区的在职党员), the recorded
    迁出 from the community; and the departure the secretary recorded on the delegate (any
    group: 迁出, 调离, 去世, 辞去, with its date). The earliest counts. A record dated before the
    election does not count (the seat was won after it); no record: the delegate is seated."""
    found = []
    if transferred_out_on is not None and transferred_out_on >= elected_on:
        found.append((transferred_out_on, SeatLeaving.TRANSFERRED_OUT.value))
    resident = group == DelegateGroup.IN_SERVICE
    if resident and moved_out_on is not None and moved_out_on >= elected_on:
        found.append((moved_out_on, SeatLeaving.MOVED_AWAY.value))
    if departed_on is not None and departure_reason and departed_on >= elected_on:
        found.append((departed_on, SeatLeaving(departure_reason).value))
    return min(found) if found else None


def departure_error(
    left_on: dt.date, *, elected_on: dt.date, term_ends_on: dt.date, today: dt.date
) -> str | None:
    """A recorded departure lies between the election and the term's end, and has happened
    (it is recorded after the fact, never ahead)."""
    if left_on < elected_on:
        return f"离任日期不能早于当选日期（{elected_on:%Y-%m-%d}）。"
    if left_on > term_ends_on:
        return f"离任日期晚于本届任期届满日期（{term_ends_on:%Y-%m-%d}），任期届满即卸任，无需登记离任。"
    if left_on > today:
        return "离任日期不能晚于今天：离任在发生后登记。"
    return None


def is_seated_on(day: dt.date, *, elected_on: dt.date, left_on: dt.date | None) -> bool:
    """Seated from the election day until the day before leaving."""
    return elected_on <= day and (left_on is None or day < left_on)


def vacant_seats(seats: int, seated: int) -> int:
    return max(seats - seated, 0)


def election_overflow_error(group: str, *, elected: int, vacant: int) -> str | None:
    """An election fills at most the group's vacant seats on its day (a by-election fills the
    seats left vacant)."""
    if elected <= vacant:
        return None
    label = DelegateGroup(group).label
    return (
        f"“{label}”在选举日只有{vacant}个空缺席位，本次已有{elected}人得票过半数："
        "请按得票多少另行选举，或核对票数。"
    )


def has_delegate_quorum(present: int, seated: int) -> bool:
    """A session, or an election by the conference, needs more than half of the delegates seated
    on its day present."""
    return seated > 0 and present * 2 > seated


def delegate_quorum_error(present: int, seated: int) -> str | None:
    if has_delegate_quorum(present, seated):
        return None
    return f"到会代表{present}人，未超过当日在任代表{seated}人的半数，选举无效。"


def regional_role_error(role: str, *, taken: int, composition: dict[str, int]) -> str | None:
    """One more member of `role` when `taken` already hold it: at most the composition's number."""
    allowed = composition.get(role, 0)
    if taken < allowed:
        return None
    return f"区域化党总支的“{RegionalRole(role).label}”为{allowed}人，已满。"


def regional_composition_gaps(roles: list[str], composition: dict[str, int], size: int) -> str:
    """What the 区域化党总支 still lacks ("" when it has its `size` members of the listed roles)."""
    missing = [
        f"{RegionalRole(role).label}{need - roles.count(role)}人"
        for role, need in composition.items()
        if roles.count(role) < need
    ]
    if not missing and len(roles) >= size:
        return ""
    return f"区域化党总支应有{size}名成员，现有{len(roles)}名" + (
        f"，缺{'、'.join(missing)}。" if missing else "。"
    )


def secretary_reason_error(
    *, chosen: str, community_secretary: str | None, reason: str
) -> str | None:
    """区域化党总支书记原则上由社区党总支书记兼任 (000 十 四.3): another choice records its reason."""
    if community_secretary and chosen.strip() == community_secretary.strip():
        return None
    if reason.strip():
        return None
    who = f"（{community_secretary}）" if community_secretary else "（未登记现任书记）"
    return f"区域化党总支书记不是社区党组织书记{who}时，须填写另选的理由。"


def term_ends_soon(term_ends_on: dt.date, today: dt.date, days: int) -> bool:
    """A term still running that ends within `days` (the 工作台's to-do); the last day counts."""
    return today <= term_ends_on <= today + dt.timedelta(days=days)


# --- 社区党建示范小区 (003) ---------------------------------------------------------------------------
# The 18 standards of 003 三, in their five groups, as the seed words them (standard 7's "“”制度" is
# so in the seed: the name of the 制度 is missing there; the pre-fill reads it as 三会一课).
SHOWCASE_GROUPS: tuple[tuple[str, tuple[tuple[int, str], ...]], ...] = (
    (
        "（一）社区党组织班子坚强有力",
        (
            (1, "认真贯彻执行党的路线、方针、政策和国家的法律法规，执行上级党组织决议，讲学习，讲政治，"
             "讲正气。坚持党的宗旨，尽心竭力为民办实事。积极进取，勇于创新，严于律己，廉洁奉公，"
             "在居民群众中享有较高威信。"),
            (2, "社区党组织领导班子人员齐备，领导核心作用突出。社区党组织负责人素质高，具有大专以上学历，"
             "一般应由45周岁以下干部担任。"),
            (3, "认真贯彻执行民主集中制，各项工作制度健全，班子成员团结配合，凝聚力强，精神状态好。"),
            (4, "加强对社区居委会的领导，支持和保证社区居委会依法履行职责，做好社区工作人员的教育、培养、"
             "考核和监督工作。社区党组织与居委会配合密切，工作协调。"),
            (5, "社区党组织成员，尽可能与居委会实现交叉任职。"),
        ),
    ),
    (
        "（二）社区党员教育管理扎实到位",
        (
            (6, "对社区隶属、非隶属党员底数清、情况明；对流动党员、下岗职工党员、长期卧床病重不能参加"
             "活动的党员实行分类管理，有切实可行的管理措施。"),
            (7, "坚持“”制度，围绕中心工作开展丰富多样、富有特色的组织活动，党员参加活动积极，出勤率在"
             "80%以上。"),
            (8, "积极开展党员责任区、模范岗活动，责任明确，落实到人。"),
            (9, "对座落在社区内的个体、非公有制企业从业人员中的党员要情况清楚，具备条件的，要单独建立"
             "党组织，消灭“空白点”，并纳入管辖范围。"),
            (10, "注意加强党员的思想政治工作，党员先锋模范作用发挥的好。"),
        ),
    ),
    (
        "（三）社区基础设施建设基本齐全",
        (
            (11, "社区党组织有固定的办公场所，并配备微机等现代化办公设备。"),
            (12, "建立了社区党员活动室，面积不小于50平方米，并配备了电视机、放像机等电教设备。室内建设"
             "规范整齐，党建工作氛围浓厚。"),
            (13, "有社区服务站，服务项目比较齐全，社区服务形成网络。"),
            (14, "小区内有比较健全的文教、卫生、体育设施。"),
        ),
    ),
    (
        "（四）社区共驻共建机制运转有效",
        (
            (15, "成立了辖区内各单位党组织参加的社区党建联席会，有活动章程，定期开展活动，共建效果比较"
             "突出。"),
            (16, "成立了社区党员活动站或活动小组，定期开展活动，社区在职党员参加活动的出勤率在50%以上。"),
            (17, "根据社区党员特长，分别建立志愿者服务队、治安巡逻队等各种组织，社区各类党员在社区建设中"
             "发挥作用明显。"),
        ),
    ),
    (
        "（五）社区建设成效显著",
        ((18, "社区被评为区以上“文明小区”和“示范小区”。"),),
    ),
)  # fmt: skip
SHOWCASE_STANDARDS: dict[int, str] = {
    number: text for _, standards in SHOWCASE_GROUPS for number, text in standards
}


@dataclass(frozen=True)
class ShowcaseCheck:
    """What the system's records can show of a standard: `code` names the evidence (the members
    app's own for the secretary, else a provider a higher app declares, members/showcase.py);
    `target` the setting of a percentage to reach, None: every one counted must be met."""

    code: str
    label: str
    target: str | None = None


SECRETARY_EDUCATION = "secretary_education"
SECRETARY_AGE = "secretary_age"
# Which standard each check pre-fills: 2 the secretary (her member record); 3 制度健全: 公示 and
# 党务公开 kept; 6 党员管理: dues collected; 7 三会一课 held and attendance; 15 the 联席会 met every
# quarter; 16 in-service members' attendance.
SHOWCASE_CHECKS: dict[int, tuple[ShowcaseCheck, ...]] = {
    2: (
        ShowcaseCheck(SECRETARY_EDUCATION, "社区党组织书记具有大专以上学历"),
        ShowcaseCheck(SECRETARY_AGE, "社区党组织书记一般45周岁以下"),
    ),
    3: (ShowcaseCheck("openness_kept", "按期公示、党务公开"),),
    6: (ShowcaseCheck("dues_collected", "党费按月收缴"),),
    7: (
        ShowcaseCheck("meetings_held", "各支部“三会一课”按要求召开"),
        ShowcaseCheck("attendance", "党员参加活动出勤率", target="ACTIVITIES_ATTENDANCE_TARGET"),
    ),
    15: (ShowcaseCheck("joint_meeting_quarters", "社区党建联席会每季度开展活动"),),
    16: (
        ShowcaseCheck(
            "in_service_attendance", "在职党员参加活动出勤率", target="ACTIVITIES_IN_SERVICE_TARGET"
        ),
    ),
}


class ShowcaseResult(models.TextChoices):
    MET = "met", "达标"
    NOT_MET = "not_met", "未达标"
    NO_DATA = "no_data", "无数据，请人工评分"
    BY_HAND = "by_hand", "人工评分"


class ShowcaseNaming(models.TextChoices):
    NAMED = "named", "予以命名"
    NOT_NAMED = "not_named", "不予命名"


def education_at_least(education: str, minimum: str) -> bool | None:
    """Whether `education` (an Education code) is `minimum` or higher; None when not recorded."""
    order = list(Education.values)  # highest first
    if education not in order:
        return None
    return order.index(education) <= order.index(minimum)


def age_at_most(birth_date: dt.date | None, day: dt.date, maximum: int) -> bool | None:
    """一般45周岁以下: at most `maximum` full years old on `day` (45 passes, 46 does not)."""
    if birth_date is None:
        return None
    return age_on(birth_date, day) <= maximum


def share_met(count: int, of: int, target_percent: int | None) -> bool | None:
    """`count` of `of` reach `target_percent` (exactly 80% of 80% passes: integers, no rounding);
    with no target every one must; None when nothing was counted (no data, never a failure)."""
    if of <= 0:
        return None
    if target_percent is None:
        return count >= of
    return count * 100 >= target_percent * of


def standard_result(findings: list[bool | None]) -> ShowcaseResult:
    """A pre-filled standard: 未达标 when a check the records answer fails, 无数据 when one has no
    records (it is scored by hand), 达标 when all are met; a standard without checks: 人工评分."""
    if not findings:
        return ShowcaseResult.BY_HAND
    if any(found is False for found in findings):
        return ShowcaseResult.NOT_MET
    if any(found is None for found in findings):
        return ShowcaseResult.NO_DATA
    return ShowcaseResult.MET


def parse_month_day(text: str, year: int) -> dt.date:
    """A setting's "MM-DD" in `year`."""
    try:
        month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError as error:
        raise ValueError(f"“{text}”不是有效的月-日（例如01-31）。") from error


def showcase_count_error(planned: int, minimum: int, maximum: int) -> str | None:
    """每个街道每年至少要创建1-2个示范小区: a round aims at `minimum` to `maximum` compounds."""
    if planned < minimum or planned > maximum:
        return f"每个街道每年创建{minimum}至{maximum}个示范小区。"
    return None
