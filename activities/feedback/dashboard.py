"""The feedback cards' panel on the 工作台 (common/dashboard.py): the community's cards still to
rate and send, and how many the units have acknowledged; one query through the user's scope."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest

from kit.dashboard import Figure, Panel, Todo, changelist_url

from ..models import FeedbackCard, FeedbackStatus

LABEL = "activities.feedbackcard"


def feedback_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("activities.view_feedbackcard"):
        return None
    counts = FeedbackCard.objects.visible_to(user).aggregate(
        draft=Count("pk", filter=Q(status=FeedbackStatus.DRAFT)),
        sent=Count("pk", filter=Q(status=FeedbackStatus.SENT)),
        acknowledged=Count("pk", filter=Q(status=FeedbackStatus.ACKNOWLEDGED)),
    )
    panel = Panel(title="在职党员社区表现反馈卡", order=40)
    panel.todos.append(
        Todo(
            "反馈卡待评价、待送达单位",
            counts["draft"],
            changelist_url(LABEL, status=FeedbackStatus.DRAFT),
            hint="评价四项表现并填写评语后，勾选送达单位党组织",
        )
    )
    panel.figures += [
        Figure("已送达、待单位签收", counts["sent"], changelist_url(LABEL, status="sent")),
        Figure("单位已签收", counts["acknowledged"], changelist_url(LABEL, status="acknowledged")),
    ]
    return panel
