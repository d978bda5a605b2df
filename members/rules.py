"""Pure rules about members: no database, no request."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from django.db import models

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


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def join_date_error(birth_date: dt.date, joined_on: dt.date) -> str | None:
    if age_on(birth_date, joined_on) < MIN_JOIN_AGE:
        return f"入党日期早于本人年满{MIN_JOIN_AGE}周岁的日期"
    return None


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
    """Out `months` or more at a fixed place: the membership record should be transferred (001)."""
    return has_fixed_place and since <= months_before(today, months)


def floating_lost_contact(*, last_contact_on: dt.date, today: dt.date, months: int) -> bool:
    """No contact for `months` consecutive months: flagged for 自行脱党 handling (001, 002)."""
    return last_contact_on <= months_before(today, months)


# --- 民主评议 and 量化考核 --------------------------------------------------------------------------
class ReviewGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASICALLY_QUALIFIED = "basically_qualified", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


EXCELLENT_SHARE = (1, 3)  # 优秀 is at most one third of a branch's graded members (001)


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


def assessment_deduction_error(item: int, deduction: Decimal) -> str | None:
    if item not in ASSESSMENT_MAX:
        return f"考核项目只有第1至{len(ASSESSMENT_ITEMS)}项"
    if deduction < 0:
        return "扣分不能为负数"
    if deduction > ASSESSMENT_MAX[item]:
        return f"第{item}项满分{ASSESSMENT_MAX[item]}分，扣分不能超过满分"
    return None
