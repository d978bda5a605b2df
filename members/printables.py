"""What the members app prints: the 报到登记卡 (two parts) and the 参与社区活动记录卡 of the
selected rows, the 量化考核表 of one assessment, the 未报到名单 of a campaign, the 民主评议汇总表
and the 自行脱党提示. Personal data is masked for a reader without the permission, and a print
in full is logged."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from kit.masking import mask_address, mask_birth_date, mask_phone
from kit.printables import (
    ANY_ORGANIZATION,
    ORGANIZATION,
    PERIOD,
    YEAR,
    Job,
    PdfRenderer,
    Printable,
    PrintError,
    XlsxRenderer,
    object_param,
    readable,
    rows_param,
)
from organizations.models import Organization

from .models import ActivityRecord, DelegateConference, Member, MemberDeed, Review
from .rules import ReviewGrade
from .selectors import dual as dual_selectors
from .selectors.lapse import LAPSE_REPORT_HEADERS, self_lapse_report
from .selectors.records import ASSESSMENT_FULL_SCORE, assessment_sheet_get, review_summary_list
from .selectors.showcase import evaluation_sheet
from .selectors.statistics import party_statistics_get
from .services import dual as dual_services
from .services import member as member_services
from .services.member import PERSONAL_DATA_PERMISSION

REGISTRATION_CARDS = "registration_cards"
ACTIVITY_CARDS = "activity_cards"
ASSESSMENT_SHEET = "assessment_sheet"
UNREGISTERED = "campaign_unregistered"
REVIEW_SUMMARY = "review_summary"
LAPSE = "lapse_report"
ROSTER = "member_roster"
LOGIN_SLIPS = "member_login_slips"
STATISTICS = "party_statistics"
MEMBER_RECORD = "member_record"
DELEGATE_LIST = "delegate_list"
DELEGATE_LISTS = "delegate_lists"
SHOWCASE_EVALUATION = "showcase_evaluation"


def is_full(reader: Any) -> bool:
    """The reader sees personal data in full (the command line does)."""
    return reader is None or reader.has_perm(PERSONAL_DATA_PERMISSION)


def _single_community(communities: Sequence[Organization]) -> Organization:
    """The header names one community: a document never mixes two."""
    if len({community.pk for community in communities}) != 1:
        raise PrintError("一次只能打印同一社区的卡片，请按社区分别打印。")
    return communities[0]


def _card(registration: Any, full: bool) -> dict[str, Any]:
    """What one card prints; phone, address and birth date (an age) masked unless full."""
    member = registration.member
    if full:
        birth = f"{member.birth_date:%Y年%-m月%-d日}"
        return {"registration": registration, "phone": member.phone,
                "residence": registration.residence, "birth": birth}  # fmt: skip
    return {"registration": registration, "phone": mask_phone(member.phone),
            "residence": mask_address(registration.residence),
            "birth": mask_birth_date(member.birth_date)}  # fmt: skip


def registration_cards_context(job: Job) -> dict[str, Any]:
    """报到登记卡, one A4 page each: 主卡 for the community, then 回执 below the cut line. The
    print is logged, since a card carries personal data."""
    registrations = dual_selectors.registration_card_list(job["registrations"])
    community = _single_community([r.community for r in registrations])
    years = sorted({r.registered_on.year for r in registrations})
    if job.reader is not None:
        dual_services.registration_cards_print(registrations=registrations, actor=job.reader)
    return {
        "title": "在职党员到社区报到登记卡",
        "organization": community,
        "period": f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年",
        "cards": [_card(r, is_full(job.reader)) for r in registrations],
    }


def activity_cards_context(job: Job) -> dict[str, Any]:
    """参与社区活动记录卡: each member's records of the year (of the selected records' members,
    communities and years) with total hours, a page each."""
    keys = dual_selectors.activity_card_keys(
        job["records"].only("member_id", "community_id", "date")
    )
    records = readable(ActivityRecord.objects.all(), job.reader)
    cards = dual_selectors.activity_card_list(queryset=records, keys=keys)
    dual_selectors.activity_card_deeds(cards, readable(MemberDeed.objects.all(), job.reader))
    community = _single_community([card.community for card in cards])
    years = sorted({card.year for card in cards})
    return {
        "title": "在职党员参与社区活动记录卡",
        "organization": community,
        "period": f"{years[0]}年度" if len(years) == 1 else f"{years[0]}—{years[-1]}年度",
        "cards": cards,
        "printed_on": job.today,
    }


def assessment_sheet_context(job: Job) -> dict[str, Any]:
    """One member's score sheet: the ten items, their maximum, deduction, score and reason."""
    assessment = job["assessment"]
    rows = assessment_sheet_get(assessment=assessment)
    deducted = sum((row.deducted for row in rows), start=Decimal("0"))
    return {"title": "党员量化考核表", "organization": assessment.member.branch,
            "period": f"{assessment.year}年度", "assessment": assessment, "rows": rows,
            "full_score": ASSESSMENT_FULL_SCORE, "deducted": deducted,
            "score": ASSESSMENT_FULL_SCORE - deducted, "printed_on": job.today}  # fmt: skip


def showcase_evaluation_context(job: Job) -> dict[str, Any]:
    """社区党建示范小区评审表: the 18 standards in their groups with what the records showed,
    the score and its note, the inspection and the naming, for the file."""
    application = job["application"]
    community = application.compound.community
    return {
        "title": "社区党建示范小区评审表",
        "organization": community,
        "period": f"{application.round.year}年度",
        "application": application,
        "groups": evaluation_sheet(application),
        "printed_on": job.today,
    }


def unregistered_context(job: Job) -> dict[str, Any]:
    """未报到名单 as a call list: phones in full for a reader allowed to see them, and then
    logged (printed or exported)."""
    campaign = job["campaign"]
    groups = dual_selectors.campaign_unregistered_list(campaign=campaign, user=job.reader)
    full = is_full(job.reader)
    members = [m for group in groups for m in group.members]
    if full and members:
        member_services.personal_data_access_bulk_record(
            actor=job.reader, action="export" if job.format == "xlsx" else "print",
            members=members, detail=f"未报到名单（{campaign.name}，含完整联系电话）",
        )  # fmt: skip
    rows = [[group.label, m.name, m.branch.name, m.work_unit, m.phone if full else m.masked_phone]
            for group in groups for m in group.members]  # fmt: skip
    return {
        "title": f"{campaign.name}：截至{campaign.deadline:%Y年%m月%d日}未报到的在职党员",
        "sheet_title": "未报到名单", "campaign": campaign, "groups": groups, "full_phones": full,
        "total": len(members), "organization": campaign.community,
        "period": f"截至{campaign.deadline:%Y年%m月%d日}",
        "headers": ["单位", "姓名", "所在党组织", "工作单位", "联系电话"], "rows": rows,
    }  # fmt: skip


def header_organization(job: Job) -> Any:
    """The organization a printed page's header names: the chosen one, else the reader's own."""
    if job["organization"] is not None or job.reader is None:
        return job["organization"]
    access = job.reader.organization_accesses.select_related("organization").first()
    return access.organization if access is not None else None


def _under(queryset: Any, job: Job, field: str) -> Any:
    """The rows the reader sees, held in the chosen organization or below (all without one)."""
    queryset = readable(queryset, job.reader)
    if job["organization"] is None:
        return queryset
    ids = Organization.objects.descendant_ids([job["organization"].pk])
    return queryset.filter(**{f"{field}__in": ids})


def _review_year(job: Job) -> int:
    """The period's year; last year without one (the reviews are held early in the next)."""
    return job.year() if job.period else job.today.year - 1


def review_summary_context(job: Job) -> dict[str, Any]:
    """民主评议汇总表 of a year: per branch, each grade."""
    year = _review_year(job)
    rows = review_summary_list(reviews=_under(Review.objects.filter(year=year), job, "branch_id"))
    return {"title": "民主评议党员结果汇总表", "rows": rows, "grades": list(ReviewGrade),
            "period": f"{year}年度", "organization": header_organization(job)}  # fmt: skip


def lapse_context(job: Job) -> dict[str, Any]:
    """The 处置提示 (the rows of `manage.py lapse_report`) of the members the reader sees."""
    report = self_lapse_report(members=_under(Member.objects.all(), job, "branch_id"))
    return {"title": "自行脱党提示", "period": f"截至{report.today:%Y-%m-%d}", "report": report,
            "organization": header_organization(job), "headers": LAPSE_REPORT_HEADERS}  # fmt: skip


def may_print_roster(user: Any) -> bool:
    """The roster carries full IDs and phones (the import's columns): as its export."""
    return member_services.may_exchange_roster(user)


def roster_context(job: Job) -> dict[str, Any]:
    """党员花名册 of the organization and below: the current members the reader sees, in the
    import's columns (the resource logs the export of personal data)."""
    from .resources import MemberRosterResource

    resource = MemberRosterResource(user=job.reader)
    dataset = resource.export(queryset=_under(resource.get_queryset(), job, "branch_id"))
    return {"title": "党员花名册", "organization": job["organization"],
            "period": f"截至{job.today:%Y年%m月%d日}", "headers": dataset.headers,
            "rows": list(dataset), "printed_on": job.today}  # fmt: skip


def statistics_context(job: Job) -> dict[str, Any]:
    """党内统计 of the chosen organization (a branch, a community or the sub-district) for the
    year: `指标, 数量` as `manage.py party_statistics` writes them, over the members the reader's
    people scope holds (members/selectors/statistics.py says who is counted)."""
    statistics = party_statistics_get(
        year=job.given_year(), reader=job.reader, organization=job["organization"]
    )
    return {"title": "党内统计", "sheet_title": "党内统计", "organization": job["organization"],
            "period": f"{statistics.year}年（截至{statistics.day:%Y年%-m月%-d日}）",
            "statistics": statistics, "headers": statistics.headers, "rows": statistics.rows(),
            "pairs": _side_by_side(statistics.rows()), "printed_on": job.today}  # fmt: skip


def _side_by_side(rows: list[list[Any]]) -> list[tuple[list[Any], list[Any]]]:
    """The rows in two columns on one A4 page: the first half down the left, the rest right."""
    half = (len(rows) + 1) // 2
    return list(itertools.zip_longest(rows[:half], rows[half:], fillvalue=["", ""]))


def _portal_url(job: Job) -> str:
    from django.conf import settings
    from django.urls import reverse

    given = str(job.values.get("portal_url") or "")
    return given or f"{settings.PUBLICITY_PUBLIC_BASE_URL.rstrip('/')}{reverse('portal:login')}"


def login_slips_context(job: Job) -> dict[str, Any]:
    """党员登录账号通知单, several to an A4 page with cut lines: name, username, the portal's address
    and its QR code, and the initial password only when the logins were just created (the
    action passes them in memory as `credentials`); printed again later, a slip says the
    password was handed out and a new one is set by resetting it."""
    import segno

    credentials: dict[int, tuple[str, str]] = dict(job.values.get("credentials") or {})
    members = job["members"].select_related("branch", "user").order_by("branch__code", "name")
    url = _portal_url(job)
    slips = [
        {"member": member, "username": credentials.get(member.pk, ("", ""))[0]
         or getattr(member.user, "username", ""),
         "password": credentials.get(member.pk, ("", ""))[1]}
        for member in members
        if member.pk in credentials or member.user_id is not None
    ]  # fmt: skip
    if not slips:
        raise PrintError("所选党员都还没有登录账号，请先用“创建党员登录账号”创建。")
    return {"title": "党员登录账号通知单", "organization": slips[0]["member"].branch,
            "period": f"{job.today:%Y年%m月%d日}", "slips": slips, "portal_url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=2)}  # fmt: skip


def member_record_context(job: Job) -> dict[str, Any]:
    """党员写实档案 of one member and year (this year without a period): what the records hold of
    their meetings, life away, community activities, posts, review and score."""
    from .selectors.member_record import member_record_get

    member = job["member"]
    year = job.year()
    record = member_record_get(member=member, year=year, reader=job.reader)
    return {"title": "党员写实档案", "organization": member.branch, "period": f"{year}年度",
            "member": member, "record": record, "printed_on": job.today}  # fmt: skip


def delegate_list_context(job: Job) -> dict[str, Any]:
    """党员代表名单: each group's seats on the day printed, its delegates (name, sex, where held,
    elected on, votes), the vacant seats, and those who left with the record that says so."""
    from .selectors.congress import seat_table

    conference = job["conference"]
    table = seat_table(conference, job.today)
    return {"title": "党员代表名单", "organization": conference.community,
            "period": f"{conference.term_starts_on:%Y年%m月}—{conference.term_ends_on:%Y年%m月}",
            "sheets": [{"conference": conference, "table": table}],
            "printed_on": job.today}  # fmt: skip


def delegate_lists_context(job: Job) -> dict[str, Any]:
    """党员代表名单 from the report center: the conferences of the chosen community (or of the
    communities below the chosen organization) whose term runs in the year, each as of the
    year's last day, or today in the current year, or the term's last day if it ended first."""
    from .selectors.congress import conferences_in_year, seat_tables_in_year

    year = job.given_year()
    conferences = conferences_in_year(
        _under(DelegateConference.objects.all(), job, "community_id"), year
    )
    sheets = [
        {"conference": t.conference, "table": t}
        for t in seat_tables_in_year(conferences, year, job.today)
    ]
    return {"title": "党员代表名单", "organization": job["organization"],
            "period": f"{year}年", "sheets": sheets, "printed_on": job.today,
            "none": f"{job['organization'].name}在{year}年没有任期内的党员代表会议。"}  # fmt: skip


PRINTABLES = [
    Printable(
        ROSTER, "党员花名册", permission="members.view_member", prints_people=True,
        params=(ORGANIZATION,), select=roster_context,
        renderers={"xlsx": XlsxRenderer(), "pdf": PdfRenderer("reports/members/roster.html")},
        filename=lambda job: f"党员花名册-{job['organization'].name}-{job.today:%Y-%m-%d}",
        permitted=may_print_roster,
    ),
    Printable(
        REGISTRATION_CARDS, "报到登记卡（主卡和回执）", permission="members.view_registration",
        prints_people=True,
        params=(rows_param("registrations", "报到登记", "members.Registration"),),
        select=registration_cards_context,
        renderers={"pdf": PdfRenderer("reports/members/registration_card.html")},
        filename=lambda job: "报到登记卡", action="打印报到登记卡（主卡和回执）",
        organization_of=lambda registration: registration.community,
    ),
    Printable(
        ACTIVITY_CARDS, "参与社区活动记录卡", permission="members.view_activityrecord",
        prints_people=True,
        params=(rows_param("records", "社区活动记录", "members.ActivityRecord"),),
        select=activity_cards_context,
        renderers={"pdf": PdfRenderer("reports/members/activity_card.html")},
        filename=lambda job: "参与社区活动记录卡",
        action="打印所选党员的年度参与社区活动记录卡",
        organization_of=lambda record: record.community,
    ),
    Printable(
        ASSESSMENT_SHEET, "党员量化考核表", permission="members.view_assessment",
        prints_people=True,
        params=(object_param("assessment", "量化考核", "members.Assessment"),),
        select=assessment_sheet_context,
        renderers={"pdf": PdfRenderer("reports/members/assessment.html")},
        filename=lambda job: f"量化考核表-{job['assessment'].member.name}-{job['assessment'].year}年",
        organization_of=lambda assessment: assessment.member.branch,
    ),
    Printable(
        SHOWCASE_EVALUATION, "社区党建示范小区评审表", permission="members.view_showcaseapplication",
        prints_people=False,
        params=(object_param("application", "示范小区申报", "members.ShowcaseApplication"),),
        select=showcase_evaluation_context,
        renderers={"pdf": PdfRenderer("reports/members/showcase_evaluation.html")},
        filename=lambda job: (
            f"示范小区评审表-{job['application'].compound.name}-{job['application'].round.year}年"
        ),
        organization_of=lambda application: application.compound.community,
    ),
    Printable(
        UNREGISTERED, "未报到名单", permission="members.view_registrationcampaign",
        prints_people=True,
        params=(object_param("campaign", "报到活动", "members.RegistrationCampaign"),),
        select=unregistered_context,
        renderers={"pdf": PdfRenderer("reports/members/unregistered.html"), "xlsx": XlsxRenderer()},
        filename=lambda job: f"未报到名单-{job['campaign'].name}",
        organization_of=lambda campaign: campaign.community,
    ),
    Printable(
        REVIEW_SUMMARY, "民主评议党员结果汇总表", permission="members.view_review",
        prints_people=False,  # counts per branch and grade, no names
        params=(ANY_ORGANIZATION, PERIOD), select=review_summary_context,
        renderers={"pdf": PdfRenderer("reports/members/review_summary.html")},
        filename=lambda job: f"民主评议汇总表-{_review_year(job)}年度",
    ),
    Printable(
        LAPSE, "自行脱党提示", permission="members.view_member", prints_people=True,
        params=(ANY_ORGANIZATION,), select=lapse_context,
        renderers={"pdf": PdfRenderer("reports/members/lapse.html")},
        filename=lambda job: f"自行脱党提示-{job.today:%Y-%m-%d}",
    ),
    Printable(
        LOGIN_SLIPS, "党员登录账号通知单", permission="members.create_member_login",
        prints_people=True,
        params=(rows_param("members", "党员", "members.Member"),),
        select=login_slips_context,
        renderers={"pdf": PdfRenderer("reports/members/login_slips.html")},
        filename=lambda job: f"党员登录账号通知单-{job.today:%Y-%m-%d}",
        organization_of=lambda member: member.branch,
    ),
    Printable(
        # Counts, no names, yet about the people of the organization: the people scope.
        STATISTICS, "党内统计", permission="members.view_member", prints_people=True,
        params=(ORGANIZATION, YEAR), select=statistics_context,
        renderers={"pdf": PdfRenderer("reports/members/statistics.html"), "xlsx": XlsxRenderer()},
        filename=lambda job: f"党内统计-{job['organization'].name}-{job.period}年",
    ),
    Printable(
        # Meetings, reviews and their handling: for those who keep reviews (not a unit reviewer).
        MEMBER_RECORD, "党员写实档案", permission="members.view_review", prints_people=True,
        params=(object_param("member", "党员", "members.Member"), PERIOD),
        select=member_record_context,
        renderers={"pdf": PdfRenderer("reports/members/member_record.html")},
        filename=lambda job: f"党员写实档案-{job['member'].name}-{job.year()}年",
        organization_of=lambda member: member.branch,
    ),
    Printable(
        # Names, sex and where a delegate is held: no ID, no phone.
        DELEGATE_LIST, "党员代表名单", permission="members.view_delegateconference",
        prints_people=True,
        params=(object_param("conference", "党员代表会议", "members.DelegateConference"),),
        select=delegate_list_context,
        renderers={"pdf": PdfRenderer("reports/members/delegate_list.html")},
        filename=lambda job: f"党员代表名单-{job['conference'].name}",
        organization_of=lambda conference: conference.community,
    ),
    Printable(
        # The same list from the report center: a community (or those below) and a year.
        DELEGATE_LISTS, "党员代表名单", permission="members.view_delegateconference",
        prints_people=True, params=(ORGANIZATION, YEAR), select=delegate_lists_context,
        renderers={"pdf": PdfRenderer("reports/members/delegate_list.html")},
        filename=lambda job: f"党员代表名单-{job['organization'].name}-{job.period}年",
    ),
]  # fmt: skip

from .printables_work import WORK_PRINTABLES  # noqa: E402 (the daily-work registers' printables)

PRINTABLES += WORK_PRINTABLES
