"""PDF of the 党员量化考核 score sheet (002)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from kit.pdf import render_pdf

from .models import Assessment
from .selectors.records import ASSESSMENT_FULL_SCORE, assessment_sheet_get


def assessment_sheet_pdf(assessment: Assessment) -> bytes:
    """One member's score sheet: the ten items, their maximum, deduction, score and reason."""
    rows = assessment_sheet_get(assessment=assessment)
    deducted = sum((row.deducted for row in rows), start=Decimal("0"))
    return render_pdf(
        "reports/members/assessment.html",
        {
            "title": "党员量化考核表",
            "organization": assessment.member.branch,
            "period": f"{assessment.year}年度",
            "assessment": assessment,
            "rows": rows,
            "full_score": ASSESSMENT_FULL_SCORE,
            "deducted": deducted,
            "score": ASSESSMENT_FULL_SCORE - deducted,
            "printed_on": timezone.localdate(),
        },
    )
