"""Models of the members app, one module per part of the domain."""

from .congress import (
    DelegateConference,
    DelegateElection,
    DelegateNominee,
    RegionalBranch,
    RegionalBranchMember,
)
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

__all__ = [
    "ActivityKind",
    "ActivityRecord",
    "Assessment",
    "AssessmentDeduction",
    "CommunityEvent",
    "DelegateConference",
    "DelegateElection",
    "DelegateNominee",
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
    "RegionalBranch",
    "RegionalBranchMember",
    "Registration",
    "RegistrationCampaign",
    "Review",
    "TransferDirection",
    "TransferState",
]
