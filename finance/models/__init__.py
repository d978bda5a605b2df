"""Models of the finance app: dues (dues.py) and party-building funds (funds.py)."""

from .dues import (
    DuesAssessment,
    DuesPayment,
    DuesPublication,
    DuesPublicationLine,
    DuesRelief,
    IncomeChange,
    MemberDues,
    PaymentKind,
    ReliefKind,
    ReliefStatus,
)
from .funds import FundApprover, FundBudget, PlanSignature, SpendingItem, SpendingPlan

__all__ = [
    "DuesAssessment",
    "DuesPayment",
    "DuesPublication",
    "DuesPublicationLine",
    "DuesRelief",
    "FundApprover",
    "FundBudget",
    "IncomeChange",
    "MemberDues",
    "PaymentKind",
    "PlanSignature",
    "ReliefKind",
    "ReliefStatus",
    "SpendingItem",
    "SpendingPlan",
]
