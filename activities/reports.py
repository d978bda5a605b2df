"""The QR code of a meeting's optional sign-in (what meetings print: activities/printables.py)."""

from __future__ import annotations

import io

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from .models import Meeting


# --- the optional QR sign-in ---------------------------------------------------------------------
def sign_in_url(request: HttpRequest, meeting: Meeting) -> str:
    return request.build_absolute_uri(
        reverse("admin:activities_meeting_sign_in", args=[meeting.sign_in_token])
    )


def sign_in_qr_svg(request: HttpRequest, meeting: Meeting) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(sign_in_url(request, meeting), error="m").save(buffer, kind="svg", scale=4)
    return buffer.getvalue()


def sign_in_printed_url(meeting: Meeting) -> str:
    """The sign-in address printed on the 签到表 (no request: the configured site address)."""
    base = settings.ACTIVITIES_SIGN_IN_BASE_URL.rstrip("/")
    return base + reverse("admin:activities_meeting_sign_in", args=[meeting.sign_in_token])


def sign_in_qr_data_uri(meeting: Meeting) -> str:
    """The printed sign-in code, as an SVG data URI for the PDF."""
    import segno

    return str(segno.make(sign_in_printed_url(meeting), error="m").svg_data_uri(scale=4, border=2))
