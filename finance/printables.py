"""What the finance app prints: the spending plan with its four signatures (from the plan's
page), and the month's 党费台账 of an organization (PDF or Excel, by the worker)."""

from __future__ import annotations

from typing import Any

from kit.printables import (
    MONTH,
    ORGANIZATION,
    Job,
    PdfRenderer,
    Printable,
    XlsxRenderer,
    object_param,
    readable,
)
from members.models import Member
from organizations.models import Organization

from . import rules, selectors
from .models import SpendingPlan
from .resources import LEDGER_TITLE
from .rules import SIGNING_STEPS

SPENDING_PLAN = "spending_plan"
DUES_LEDGER = "dues_ledger"


def _signature_rows(plan: SpendingPlan) -> list[dict[str, Any]]:
    """The four signatures of the last round (a return starts a new one), in chain order."""
    signatures = list(plan.signatures.order_by("signed_at", "pk"))
    starts = [i for i, s in enumerate(signatures) if s.step == rules.ChainStep.COMMUNITY_HEAD]
    current = {s.step: s for s in (signatures[starts[-1] :] if starts else []) if s.approved}
    return [{"step": step.label, "signature": current.get(step)} for step in SIGNING_STEPS]


def spending_plan_context(job: Job) -> dict[str, Any]:
    plan: SpendingPlan = job["plan"]
    paid = plan.signatures.filter(step=rules.ChainStep.FINANCE_OFFICE, approved=True).first()
    return {
        "title": "党建经费支出计划",
        "organization": plan.community,
        "period": rules.month_label(plan.month),
        "plan": plan,
        "items": plan.items.order_by("pk"),
        "signatures": _signature_rows(plan),
        "paid": paid,
        "balance": selectors.fund_balance(plan.community_id, plan.month.year),
        "printed_on": job.today,
    }


def dues_ledger_context(job: Job) -> dict[str, Any]:
    """党费台账 of a month for the members held in the organization and below it whose records
    the reader may see."""
    organization, month = job["organization"], rules.month_start(job.month())
    ids = Organization.objects.descendant_ids([organization.pk])
    rows = selectors.dues_ledger(
        month, readable(Member.objects.filter(branch_id__in=ids), job.reader)
    )
    return {
        "title": "党费台账",
        "sheet_title": f"{LEDGER_TITLE}{month:%Y-%m}",
        "organization": organization,
        "period": rules.month_label(month),
        "headers": selectors.LEDGER_HEADERS,
        "rows": [row.cells() for row in rows],
        "total": sum((row.line.amount for row in rows), rules.ZERO),
        "printed_on": job.today,
    }


PRINTABLES = [
    Printable(
        SPENDING_PLAN, "党建经费支出计划（含审批签署）", permission="finance.view_spendingplan",
        prints_people=False, params=(object_param("plan", "支出计划", "finance.SpendingPlan"),),
        select=spending_plan_context,
        renderers={"pdf": PdfRenderer("reports/finance_spending_plan.html")},
        filename=lambda job: f"党建经费支出计划-{job['plan'].community.name}-{job.today:%Y-%m-%d}",
        runs_in_request=False, action="打印所选支出计划（PDF，含审批签署）",
        organization_of=lambda plan: plan.community,
    ),
    Printable(
        # Each member's monthly income and dues: the people scope, with the dues permission.
        DUES_LEDGER, "党费台账", permission="finance.view_memberdues", prints_people=True,
        params=(ORGANIZATION, MONTH), select=dues_ledger_context,
        renderers={"pdf": PdfRenderer("reports/finance_dues_ledger.html"), "xlsx": XlsxRenderer()},
        filename=lambda job: f"党费台账-{job['organization'].name}-{job.period}",
        runs_in_request=False,
    ),
]  # fmt: skip
