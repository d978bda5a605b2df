"""Models of the publicity app: development cases with their steps and votes, 公示 and 党务公开
(development.py); the development registers (registers.py)."""

from .development import (  # noqa: F401
    CLOSED_OPINION_STATUSES,
    BoardItem,
    BoardItemQuerySet,
    BranchVote,
    DevelopmentCase,
    DevelopmentCaseQuerySet,
    DevelopmentStep,
    Notice,
    Opinion,
    OpinionStatus,
    Stage,
    VoteExclusion,
)
from .registers import (  # noqa: F401
    CaseAssessment,
    CaseObserver,
    DevelopmentReport,
    PoliticalReview,
    PoliticalReviewer,
)
