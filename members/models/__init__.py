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
from .floating import (
    ReviewHandling,
    StandingSuspension,
    TemporaryGroup,
    TemporaryGroupReport,
)
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
from .work import (
    DutyPost,
    DutyReview,
    Household,
    MemberDeed,
    UnitDeed,
    UnitPledge,
    Visit,
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
    "ReviewHandling",
    "StandingSuspension",
    "TemporaryGroup",
    "TemporaryGroupReport",
    "ShowcaseApplication",
    "ShowcaseRound",
    "ShowcaseScore",
    "TransferDirection",
    "TransferState",
    "DutyPost",
    "DutyReview",
    "Household",
    "MemberDeed",
    "UnitDeed",
    "UnitPledge",
    "Visit",
]
