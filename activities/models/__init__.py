"""Models of the activities app: meetings and attendance (meetings.py), feedback cards (feedback.py)."""

from .feedback import FeedbackCard, FeedbackRating, FeedbackStatus  # noqa: F401
from .meetings import (  # noqa: F401
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingAttachment,
    MeetingSource,
    Notification,
)
