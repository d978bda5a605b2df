"""Writes of the 社区党建示范小区: the sub-district's round, a community's application of a 小区, the
scores of its evaluation (pre-filled from the records, then by hand), the district's inspection
and the naming.

Scope: a round is written by its sub-district; an application and its scores by the compound's
community (and the sub-district above it); the inspection and the naming are recorded by whoever
may write the round (the sub-district), never by the applying community alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kit.services import model_save
from organizations.scope import ScopeError, require_editable

from ..models import ShowcaseApplication, ShowcaseRound, ShowcaseScore
from ..rules import (
    SHOWCASE_STANDARDS,
    ShowcaseResult,
    parse_month_day,
    showcase_count_error,
)
from ..selectors.showcase import evaluation_day, prefill_list

# Fields of the district's inspection and naming: written with the round's rights.
INSPECTION_FIELDS = (
    "inspected_on",
    "inspectors",
    "finding",
    "naming",
    "named_on",
    "naming_document",
)


def default_application_deadline(year: int) -> dt.date:
    return parse_month_day(settings.SHOWCASE_APPLICATION_DEADLINE, year)


def application_deadline(showcase_round: ShowcaseRound) -> dt.date:
    return showcase_round.application_deadline or default_application_deadline(showcase_round.year)


# --- the round -------------------------------------------------------------------------------------
def showcase_round_errors(showcase_round: ShowcaseRound) -> dict[str, str]:
    error = showcase_count_error(
        showcase_round.planned, settings.SHOWCASE_MIN_PER_YEAR, settings.SHOWCASE_MAX_PER_YEAR
    )
    return {"planned": error} if error else {}


@transaction.atomic
def showcase_round_save(
    *, showcase_round: ShowcaseRound, actor: Any, update_fields: list[str] | None = None
) -> ShowcaseRound:
    require_editable(actor, showcase_round, "组织该街道的示范小区创建")
    if errors := showcase_round_errors(showcase_round):
        raise ValidationError(errors)
    if showcase_round.application_deadline is None and showcase_round.year:
        showcase_round.application_deadline = default_application_deadline(showcase_round.year)
        if update_fields is not None:
            update_fields = [*update_fields, "application_deadline"]
    return model_save(showcase_round, actor=actor, update_fields=update_fields)


# --- the application -------------------------------------------------------------------------------
def showcase_application_errors(application: ShowcaseApplication) -> dict[str, str]:
    """Checks needing other rows: the compound lies under the round's sub-district; it is
    applied in the round's year by the deadline (年初申报)."""
    errors: dict[str, str] = {}
    if not (application.round_id and application.compound_id):
        return errors
    showcase_round = application.round
    community = application.compound.community
    if community.parent_id != showcase_round.sub_district_id:
        errors["compound"] = (
            f"{community}不属于{showcase_round.sub_district}，不能申报该街道的创建。"
        )
    if application.applied_on and application.pk is None:
        deadline = application_deadline(showcase_round)
        if application.applied_on.year != showcase_round.year:
            errors["applied_on"] = f"申报日期应在{showcase_round.year}年内。"
        elif application.applied_on > deadline:
            errors["applied_on"] = f"本年度申报已于{deadline:%Y年%m月%d日}截止。"
    return errors


def _inspection_changed(application: ShowcaseApplication) -> bool:
    if application.pk is None:
        return any(getattr(application, name) for name in INSPECTION_FIELDS)
    stored = ShowcaseApplication.objects.filter(pk=application.pk).values(*INSPECTION_FIELDS)[0]
    return any(stored[name] != getattr(application, name) for name in INSPECTION_FIELDS)


@transaction.atomic
def showcase_application_save(
    *, application: ShowcaseApplication, actor: Any, update_fields: list[str] | None = None
) -> ShowcaseApplication:
    """Apply a 小区 (with its 18 standards to score) or change the application; the inspection
    and the naming need the right to write the round (the sub-district)."""
    require_editable(actor, application, "为该社区的小区申报或评审示范小区")
    if errors := showcase_application_errors(application):
        raise ValidationError(errors)
    if _inspection_changed(application):
        try:
            require_editable(actor, application.round, "登记检查验收和命名")
        except ScopeError as error:
            raise ValidationError({"inspected_on": str(error.args[0])}) from error
    is_new = application.pk is None
    model_save(application, actor=actor, update_fields=update_fields)
    if is_new:
        for number in SHOWCASE_STANDARDS:
            model_save(ShowcaseScore(application=application, number=number), actor=actor)
    return application


@transaction.atomic
def showcase_score_save(
    *, score: ShowcaseScore, actor: Any, update_fields: list[str] | None = None
) -> ShowcaseScore:
    require_editable(actor, score, "为该小区评分")
    return model_save(score, actor=actor, update_fields=update_fields)


# --- the pre-fill ----------------------------------------------------------------------------------
@dataclass
class PrefillResult:
    filled: int = 0
    notes: list[str] = field(default_factory=list)


@transaction.atomic
def showcase_evaluation_prefill(
    *, applications: Iterable[ShowcaseApplication], actor: Any
) -> PrefillResult:
    """预填: each standard the records answer, with what they show and the address of the rows,
    as of each evaluation's day (its date, else today within its year, which it then keeps). A
    standard's own score is set from the records only while none is given; a standard without
    records shows 无数据，请人工评分."""
    chosen = list(applications)
    for application in chosen:
        require_editable(actor, application, "预填该小区的评审")
    result = PrefillResult()
    today = timezone.localdate()
    for application in chosen:
        if application.evaluated_on is None:
            application.evaluated_on = evaluation_day(application, today)
            model_save(application, actor=actor, update_fields=["evaluated_on"])
    found = prefill_list(chosen)
    scores = ShowcaseScore.objects.filter(application__in=chosen, number__in=list(_numbers(found)))
    for score in scores:
        prefill = found[score.application_id][score.number]
        score.prefill, score.evidence, score.evidence_url = (
            prefill.result,
            prefill.evidence,
            prefill.url,
        )
        changed = ["prefill", "evidence", "evidence_url"]
        if not score.result and prefill.result in (ShowcaseResult.MET, ShowcaseResult.NOT_MET):
            score.result = prefill.result
            changed.append("result")
        elif score.result and prefill.result not in (score.result, ShowcaseResult.NO_DATA):
            result.notes.append(
                f"{score.application}：标准{score.number}已评为{score.get_result_display()}，"
                f"与系统记录（{prefill.result.label}）不同，未改动。"
            )
        model_save(score, actor=actor, update_fields=changed)
        result.filled += 1
    return result


def _numbers(found: dict[int, dict[int, Any]]) -> set[int]:
    return {number for standards in found.values() for number in standards}
