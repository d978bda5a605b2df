"""The member page's record tabs: each kind of record about one member, read through the user's
scope, one query a tab."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from kit.apps import declared_paths, resolve

from ..models import (
    ActivityRecord,
    Assessment,
    FloatingRecord,
    Member,
    MembershipTransfer,
    PostClaim,
    Registration,
    Review,
)
from ..rules import age_on

TAB_ROWS = 20  # the latest rows of a tab; the tab links to the full list


@dataclass
class Tab:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, list[Any]]] = field(default_factory=list)  # (url, cells)
    list_url: str = ""
    model_label: str = ""  # the view permission a user needs to see the tab
    summary: str = ""  # a line above the rows (a rate, a total)
    badge: str = ""  # what the tab's title shows (default: the number of rows)
    list_label: str = ""  # the link's text (default: 查看全部<title>)


def _admin_url(obj: Any) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _list_url(model: Any, member: Member) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?q={member.name}"


def _tab(title: str, headers: tuple[str, ...], model: Any, member: Member, rows: Any) -> Tab:
    opts = model._meta
    permission = f"{opts.app_label}.view_{opts.model_name}"
    found = [(_admin_url(obj), cells) for obj, cells in rows]
    return Tab(title, headers, found, _list_url(model, member), permission)


def work_tabs(*, member: Member, user: Any) -> list[Tab]:
    """设岗定责 and 为社区办实事 (the daily-work registers, members/selectors/work.py)."""
    from .work import member_deed_tab, member_duty_tab

    return [member_duty_tab(member=member, user=user), member_deed_tab(member=member, user=user)]


def member_record_tabs(*, member: Member, user: Any) -> list[Tab]:
    """报到登记, 岗位认领, 社区活动, 民主评议, 量化考核, 流动, 组织关系接转: the rows the user may see,
    in the tabs of the record kinds the user may view."""
    mine = {"member": member}
    registrations = (
        Registration.objects.visible_to(user).filter(**mine).select_related("community", "unit")
    )
    claims = PostClaim.objects.visible_to(user).filter(**mine).select_related("kind")
    activities = ActivityRecord.objects.visible_to(user).filter(**mine).order_by("-date")
    reviews = Review.objects.visible_to(user).filter(**mine).order_by("-year")
    assessments = Assessment.objects.visible_to(user).filter(**mine).order_by("-year")
    floating = FloatingRecord.objects.visible_to(user).filter(**mine).order_by("-since")
    transfers = MembershipTransfer.objects.visible_to(user).filter(**mine).order_by("-issued_on")
    tabs = [
        _tab("报到登记", ("社区", "工作单位", "报到日期"), Registration, member,
             ((r, [r.community, r.unit, r.registered_on]) for r in registrations[:TAB_ROWS])),
        _tab("服务岗位", ("岗位", "状态", "认领日期"), PostClaim, member,
             ((c, [c.kind, c.get_status_display(), c.claimed_on]) for c in claims[:TAB_ROWS])),
        _tab("社区活动", ("日期", "活动内容", "时长"), ActivityRecord, member,
             ((a, [a.date, a.title, a.hours]) for a in activities[:TAB_ROWS])),
        _tab("民主评议", ("年度", "等次", "组织意见"), Review, member,
             ((r, [r.year, r.get_grade_display() or "不定等次", r.note]) for r in reviews)),
        _tab("量化考核", ("年度",), Assessment, member, ((a, [a.year]) for a in assessments)),
        _tab("流动党员", ("方向", "地点", "开始日期", "结束日期"), FloatingRecord, member,
             ((f, [f.get_direction_display(), f.place, f.since, f.ended_on or "—"])
              for f in floating)),
        _tab("组织关系接转", ("方向", "对方党组织", "开具日期", "状态"), MembershipTransfer, member,
             ((t, [t.get_direction_display(), t.other_organization, t.issued_on,
                   t.get_state_display()]) for t in transfers)),
    ]  # fmt: skip
    tabs += work_tabs(member=member, user=user)
    return [tab for tab in tabs if tab.model_label and user.has_perm(tab.model_label)]


def app_record_tabs(*, member: Member, user: Any) -> list[Tab]:
    """The tabs the apps above declare (`member_tabs` on their AppConfig: 党费, 会议出席,
    发展党员), each only for a user with its view permission."""
    tabs = []
    for path in declared_paths("member_tabs"):
        tab = resolve(path)(member=member, user=user)
        if tab is not None and user.has_perm(tab.model_label):
            tabs.append(tab)
    return tabs


def party_standing(member: Member, today: dt.date) -> dict[str, str]:
    """年龄 and 党龄 (counted from 转正, as the Party counts it) as the member page shows them."""
    age = f"{age_on(member.birth_date, today)}岁" if member.birth_date else "—"
    if member.full_member_on:
        years = age_on(member.full_member_on, today)
        standing = f"{years}年（自{member.full_member_on:%Y年%m月%d日}转正起）"
    elif member.joined_on:
        standing = f"预备期（自{member.joined_on:%Y年%m月%d日}入党起）"
    else:
        standing = "—"
    return {"age": age, "party_standing": standing}
