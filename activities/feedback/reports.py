"""The printed 在职党员社区表现反馈卡: all cards of one organization and period in one A4
document, one card a page (one multi-page document renders far faster than many small ones)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone

from common.documents import DocumentKind
from kit.pdf import render_pdf
from organizations.models import Organization
from organizations.roles import Role

from ..models import FeedbackCard
from . import selectors
from .rules import period_parse

FEEDBACK_CARDS = "feedback_cards"
TITLE = "在职党员社区表现反馈卡"


def feedback_cards_pdf(
    organization: Organization, period_label: str, cards: Sequence[FeedbackCard]
) -> bytes:
    return render_pdf(
        "reports/feedback_cards.html",
        {
            "title": TITLE,
            "organization": organization,
            "period": period_label,
            "cards": cards,
            "printed_on": timezone.localdate(),
        },
    )


def _period_label(document: Any) -> tuple[str, str]:
    code = str((document.params or {}).get("period", ""))
    if not code:
        raise ValueError("请选择期间（如2026H2）。")
    period = period_parse(code, settings.FEEDBACK_PERIOD_MONTHS)
    return period.code, period.label


def render_feedback_document(document: Any, reader: Any, progress: Callable[[int], None]) -> bytes:
    code, label = _period_label(document)
    cards = selectors.document_card_list(document.organization, code, reader=reader)
    if not cards:
        raise ValueError(f"{document.organization.name}{label}没有可打印的反馈卡。")
    progress(20)
    pdf = feedback_cards_pdf(document.organization, label, cards)
    progress(95)
    return pdf


def feedback_filename(document: Any) -> str:
    code = (document.params or {}).get("period", "")
    return f"在职党员社区表现反馈卡-{document.organization.name}-{code}.pdf"


def may_print_cards(user: Any) -> bool:
    """The community rates the cards (the admin's permission); a unit's reviewer prints the
    cards delivered to the unit from the portal, which needs no model permission."""
    return (
        user.has_perm("activities.view_feedbackcard")
        or user.organization_accesses.filter(role=Role.UNIT_REVIEWER).exists()
    )


FEEDBACK_KIND = DocumentKind(
    FEEDBACK_CARDS,
    TITLE,
    render=render_feedback_document,
    filename=feedback_filename,
    permission="activities.view_feedbackcard",
    permitted=may_print_cards,
)
