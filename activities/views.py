"""The optional QR sign-in (mounted under the meeting admin's URLs, without its staff check):
a member scans the meeting's code and marks themself present during
the meeting's window. Never required: the paper sign-in sheet counts the same."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from kit.admin import error_text

from .forms import SignInForm
from .models import AttendanceStatus, Meeting
from .portal.views import own_password_first
from .services import SignInError, attendance_sign_in, sign_in_open


@login_required(login_url=settings.ACTIVITIES_SIGN_IN_LOGIN_URL)
@own_password_first
def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the meeting and a button; POST: the member's own attendance marked present."""
    meeting = get_object_or_404(Meeting.objects.select_related("organization"), sign_in_token=token)
    context = {
        "meeting": meeting,
        "title": "扫码签到",
        "open": sign_in_open(meeting, timezone.now()),
    }
    own = meeting.attendances.filter(member__user_id=request.user.pk or 0).first()
    context["signed"] = own is not None and own.status == AttendanceStatus.PRESENT
    posted = request.method == "POST"
    # Bound even to an empty POST: the form has no field, the button alone sends it.
    form = context["form"] = SignInForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            attendance_sign_in(meeting=meeting, user=request.user)
        except SignInError as error:
            form.add_error(None, error_text(error))
        else:
            context["signed"] = True
    status = 400 if form.errors else 200
    return render(request, "activities/sign_in.html", context, status=status)
