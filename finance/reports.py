"""PDF ledgers of the finance app: the spending plan with its four signatures, and the month's
dues ledger of an organization."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kit.pdf import render_pdf
from members.models import Member

from . import rules, selectors
from .models import SpendingPlan
from .rules import SIGNING_STEPS

SPENDING_PLAN = "spending_plan"
DUES_LEDGER = "dues_ledger"


def _signature_rows(plan: SpendingPlan) -> list[dict[str, Any]]:
    """The four signatures of the last round (a return starts a new one), in chain order."""
    signatures = list(plan.signatures.order_by("signed_at", "pk"))
    starts = [i for i, s in enumerate(signatures) if s.step == rules.ChainStep.COMMUNITY_HEAD]
    current = {s.step: s for s in (signatures[starts[-1] :] if starts else []) if s.approved}
    return [{"step": step.label, "signature": current.get(step)} for step in SIGNING_STEPS]


def spending_plan_pdf(plan: SpendingPlan) -> bytes:
    balance = selectors.fund_balance(plan.community_id, plan.month.year)
    paid = plan.signatures.filter(step=rules.ChainStep.FINANCE_OFFICE, approved=True).first()
    return render_pdf(
        "reports/finance_spending_plan.html",
        {
            "title": "党建经费支出计划",
            "organization": plan.community,
            "period": rules.month_label(plan.month),
            "plan": plan,
            "items": plan.items.order_by("pk"),
            "signatures": _signature_rows(plan),
            "paid": paid,
            "balance": balance,
            "printed_on": timezone.localdate(),
        },
    )


def dues_ledger_pdf(organization: Any, month: dt.date, *, reader: Any) -> bytes:
    """党费台账 of a month for the members held in `organization` and below it whose records
    `reader` may see (None: the command line, no limit)."""
    from common.documents import readable
    from organizations.models import Organization

    ids = Organization.objects.descendant_ids([organization.pk])
    members = readable(Member.objects.filter(branch_id__in=ids), reader)
    rows = selectors.dues_ledger(month, members)
    return render_pdf(
        "reports/finance_dues_ledger.html",
        {
            "title": "党费台账",
            "organization": organization,
            "period": rules.month_label(month),
            "headers": selectors.LEDGER_HEADERS,
            "rows": [row.cells() for row in rows],
            "total": sum((row.line.amount for row in rows), rules.ZERO),
            "printed_on": timezone.localdate(),
        },
    )


def _plan(document: Any, reader: Any) -> SpendingPlan:
    """The plan the document was asked for, of its own community, if the reader sees it."""
    from common.documents import readable

    plans = readable(SpendingPlan.objects.select_related("community"), reader)
    return plans.get(pk=document.params["plan"], community_id=document.organization_id)


def _month(document: Any) -> dt.date:
    month = str((document.params or {}).get("month", ""))
    if not month:
        raise ValueError("请填写月份（如2026-11）。")
    return rules.parse_month(month)


def register_documents() -> None:
    """The background documents this app renders (common/documents.py)."""
    from common.documents import DocumentKind, register

    register(
        DocumentKind(
            SPENDING_PLAN,
            "党建经费支出计划（含审批签署）",
            render=lambda document, reader, progress: spending_plan_pdf(_plan(document, reader)),
            filename=lambda document: (
                f"党建经费支出计划-{document.organization.name}-{document.created_at:%Y-%m-%d}.pdf"
            ),
            permission="finance.view_spendingplan",
            people=False,
            params=("plan",),  # made from the plan's page (finance/admin/funds.py) only
        )
    )
    register(
        DocumentKind(
            DUES_LEDGER,
            "党费台账",
            render=lambda document, reader, progress: dues_ledger_pdf(
                document.organization, _month(document), reader=reader
            ),
            filename=lambda document: (
                f"党费台账-{document.organization.name}-{document.params.get('month', '')}.pdf"
            ),
            # Each member's monthly income and dues: the people scope, with the dues permission.
            permission="finance.view_memberdues",
        )
    )
