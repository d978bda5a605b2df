"""Reads of the 社区党建示范小区 evaluation: what the records show of each standard (the pre-fill),
and the evaluation sheet as it prints.

The secretary's education and age come from this app's own records (the member record of whoever
holds the community's 书记 position on the evaluation day, matched by name among the members held
in the community's organizations); the rest from the evidence higher apps declare
(members/showcase.py). Every check answers 达标, 未达标 or, where the records are missing, None:
the standard then shows 无数据，请人工评分.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from organizations.models import Position
from organizations.rules import PositionTitle
from organizations.scope import subtrees

from .. import showcase
from ..models import Member, ShowcaseApplication, ShowcaseScore
from ..rules import (
    SECRETARY_AGE,
    SECRETARY_EDUCATION,
    SHOWCASE_CHECKS,
    SHOWCASE_GROUPS,
    Education,
    ShowcaseResult,
    age_at_most,
    age_on,
    education_at_least,
    share_met,
    standard_result,
)


@dataclass(frozen=True)
class Finding:
    """One check of a standard: met (True), not met (False) or no records (None)."""

    label: str
    met: bool | None
    text: str
    url: str = ""


@dataclass
class Prefill:
    """A standard as the records show it."""

    number: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def result(self) -> ShowcaseResult:
        return standard_result([finding.met for finding in self.findings])

    @property
    def evidence(self) -> str:
        return "\n".join(f"{f.label}：{f.text}" for f in self.findings)

    @property
    def url(self) -> str:
        return next((f.url for f in self.findings if f.url), "")


def evaluation_day(application: ShowcaseApplication, today: dt.date | None = None) -> dt.date:
    """The day the records are read to: the evaluation's date, else today within its year."""
    if application.evaluated_on:
        return application.evaluated_on
    year = application.round.year
    return min(today or timezone.localdate(), dt.date(year, 12, 31))


# --- the secretary ---------------------------------------------------------------------------------
def secretaries(community_ids: Iterable[int], day: dt.date) -> dict[int, tuple[Any, str]]:
    """Each community's 书记 on `day`: (their member record or None, what was found). Three
    queries whatever the number of communities."""
    ids = list(community_ids)
    holders = dict(
        Position.objects.current(on=day)
        .filter(organization_id__in=ids, title=PositionTitle.SECRETARY)
        .values_list("organization_id", "holder_name")
    )
    trees, _ = subtrees({str(pk): [pk] for pk in ids})
    owner = {org: int(key) for key, orgs in trees.items() for org in orgs}
    candidates: dict[tuple[int, str], list[Member]] = defaultdict(list)
    for member in Member.objects.on_roster(day).filter(
        branch_id__in=list(owner), name__in=set(holders.values())
    ):
        candidates[(owner[member.branch_id], member.name)].append(member)
    found: dict[int, tuple[Any, str]] = {}
    for community in ids:
        name = holders.get(community)
        if name is None:
            found[community] = (None, f"班子成员中没有{day:%Y-%m-%d}在任的书记")
            continue
        matches = candidates.get((community, name), [])
        if len(matches) != 1:
            where = "没有" if not matches else f"有{len(matches)}名"
            found[community] = (None, f"书记{name}：本社区党组织的党员中{where}同名党员档案")
            continue
        found[community] = (matches[0], f"书记{name}")
    return found


def _secretary_findings(member: Any, note: str, day: dt.date) -> list[Finding]:
    if member is None:
        return [
            Finding("学历", None, note),
            Finding("年龄", None, note),
        ]
    url = reverse("admin:members_member_change", args=[member.pk])
    minimum = Education(settings.SHOWCASE_SECRETARY_MIN_EDUCATION).label
    education = Education(member.education).label if member.education else "未登记"
    maximum = settings.SHOWCASE_SECRETARY_MAX_AGE
    age = f"{age_on(member.birth_date, day)}周岁" if member.birth_date else "出生日期未登记"
    return [
        Finding(
            f"学历（{minimum}以上）",
            education_at_least(member.education, settings.SHOWCASE_SECRETARY_MIN_EDUCATION),
            f"{note}，学历{education}",
            url,
        ),
        Finding(
            f"年龄（一般{maximum}周岁以下）",
            age_at_most(member.birth_date, day, maximum),
            f"{note}，{day:%Y-%m-%d}时{age}",
            url,
        ),
    ]


# --- the pre-fill ----------------------------------------------------------------------------------
def _finding(check: Any, figure: showcase.Figure | None, answered: bool) -> Finding:
    if not answered:
        return Finding(check.label, None, f"系统未提供{showcase.EVIDENCE[check.code]}")
    if figure is None:
        return Finding(check.label, None, f"本年度没有{showcase.EVIDENCE[check.code]}")
    target = getattr(settings, check.target) if check.target else None
    met = share_met(figure.count, figure.of, target)
    text = figure.text
    if target is not None and figure.of:
        text += f"，{figure.count * 100 // figure.of}%（要求{target}%以上）"
    return Finding(check.label, met, text, figure.url)


def prefill_list(applications: list[ShowcaseApplication]) -> dict[int, dict[int, Prefill]]:
    """For each application (by pk), each pre-fillable standard as the records show it. The
    providers are asked once per evaluation day for all the communities evaluated that day."""
    by_day: dict[dt.date, list[ShowcaseApplication]] = defaultdict(list)
    for application in applications:
        by_day[evaluation_day(application)].append(application)
    codes = [c.code for checks in SHOWCASE_CHECKS.values() for c in checks]
    codes = [code for code in codes if code not in (SECRETARY_EDUCATION, SECRETARY_AGE)]
    found: dict[int, dict[int, Prefill]] = {}
    for day, group in by_day.items():
        communities = {a.compound.community_id for a in group}
        start = dt.date(day.year, 1, 1)
        answers = showcase.ask(codes, communities, start, day)
        heads = secretaries(communities, day)
        for application in group:
            community = application.compound.community_id
            standards: dict[int, Prefill] = {}
            for number, checks in SHOWCASE_CHECKS.items():
                prefill = Prefill(number)
                for check in checks:
                    if check.code == SECRETARY_EDUCATION:
                        prefill.findings += _secretary_findings(*heads[community], day)
                        continue
                    if check.code == SECRETARY_AGE:
                        continue  # given with the education, from the same record
                    answer = answers[check.code]
                    figure = answer.get(community) if answer is not None else None
                    prefill.findings.append(_finding(check, figure, answer is not None))
                standards[number] = prefill
            found[application.pk] = standards
    return found


# --- lists and the sheet ---------------------------------------------------------------------------
def applications_counted(queryset: QuerySet[ShowcaseApplication]) -> QuerySet[ShowcaseApplication]:
    """With the standards met, not met and not yet scored, and the party members living in the
    compound (current members whose record names it), in the list's own query."""
    residents = (
        Member.objects.current()
        .filter(compound_id=OuterRef("compound_id"))
        .order_by()
        .values("compound_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        met=Count("scores", filter=Q(scores__result=ShowcaseResult.MET), distinct=True),
        not_met=Count("scores", filter=Q(scores__result=ShowcaseResult.NOT_MET), distinct=True),
        residents=Coalesce(Subquery(residents, output_field=IntegerField()), 0),
    )


@dataclass(frozen=True)
class SheetRow:
    number: int
    text: str
    score: ShowcaseScore | None


def evaluation_sheet(application: ShowcaseApplication) -> list[tuple[str, list[SheetRow]]]:
    """The 18 standards in their groups, each with its score row (one query)."""
    scores = {score.number: score for score in application.scores.all()}
    return [
        (title, [SheetRow(n, text, scores.get(n)) for n, text in standards])
        for title, standards in SHOWCASE_GROUPS
    ]


def compound_residents(compound_id: int) -> int:
    return Member.objects.current().filter(compound_id=compound_id).count()
