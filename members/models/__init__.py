"""Models of the members app, one module per part of the domain."""

from .dual import (
    ActivityKind,
    ActivityRecord,
    PostClaim,
    PostClaimStatus,
    PostKind,
    Registration,
    RegistrationCampaign,
)
from .events import CommunityEvent, EventSignup
from .member import Member, MemberCategory, PersonalDataAccess
from .records import (
    Assessment,
    AssessmentDeduction,
    FloatingLifeEntry,
    FloatingRecord,
    LapseDecision,
    MembershipTransfer,
    Review,
    TransferDirection,
    TransferState,
)
from .showcase import ShowcaseApplication, ShowcaseRound, ShowcaseScore

__all__ = [
    "ActivityKind",
    "ActivityRecord",
    "Assessment",
    "AssessmentDeduction",
    "CommunityEvent",
    "EventSignup",
    "FloatingLifeEntry",
    "FloatingRecord",
    "LapseDecision",
    "Member",
    "MemberCategory",
    "MembershipTransfer",
    "PersonalDataAccess",
    "PostClaim",
    "PostClaimStatus",
    "PostKind",
    "Registration",
    "RegistrationCampaign",
    "Review",
    "ShowcaseApplication",
    "ShowcaseRound",
    "ShowcaseScore",
    "TransferDirection",
    "TransferState",
]
