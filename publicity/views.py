"""The public site at the root of the address (no login): communities, each community's board
(running 公示 with a countdown, 在职党员监督台, 党务公开), a notice's page with the opinion form.

What it shows comes from publicity.selectors, which read only what is published and running and
only the public fields. The list pages are kept rendered in the cache under the public version
(publicity/signals.py: any change to a notice, an item, a registration, a post or a member starts a
new one) and today's date (a notice comes down at midnight), and answer conditional requests with
304 by an ETag of the same key. The notice page holds a fresh captcha, so it is rendered each time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.security import client_ip

from . import selectors, services
from .forms import OpinionForm, challenge_new, rate_limited
from .signals import public_version

NOT_FOUND = "没有找到该页面，或该公示已经结束。"


def _cached(request: HttpRequest, name: str, render: Callable[[], str | None]) -> HttpResponse:
    today = timezone.localdate()
    key = f"publicity:public:{public_version()}:{today:%Y%m%d}:{name}"
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    html = cache.get(key)
    if html is None:
        html = render()
        if html is None:
            raise Http404(NOT_FOUND)
        cache.set(key, html, settings.PUBLICITY_PUBLIC_CACHE_SECONDS)
    response = HttpResponse(html)
    response["ETag"] = etag
    response["Cache-Control"] = (
        f"public, max-age=60, s-maxage={settings.PUBLICITY_PUBLIC_CACHE_SECONDS}"
    )
    return response


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    def render() -> str:
        today = timezone.localdate()
        communities = selectors.public_community_list(today)
        return render_to_string("public/home.html", {"communities": communities, "today": today})

    return _cached(request, "home", render)


@require_http_methods(["GET", "HEAD"])
def board(request: HttpRequest, code: str) -> HttpResponse:
    def render() -> str | None:
        community = selectors.public_community_get(code)
        if community is None:
            return None
        today = timezone.localdate()
        board = selectors.public_board_get(community, today)
        return render_to_string("public/board.html", {"board": board, "today": today})

    return _cached(request, f"board:{code}", render)


@require_http_methods(["GET", "HEAD", "POST"])
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    found = selectors.public_notice_get(pk, today)
    if found is None:
        raise Http404(NOT_FOUND)
    form = OpinionForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST":
        if rate_limited(client_ip(request)):  # the login throttle's address, proxies counted
            status, error = 429, "您提交得太频繁了，请稍后再试。"
        elif form.is_valid():
            try:
                services.opinion_submit(
                    notice=found,
                    text=form.cleaned_data["text"],
                    sender_name=form.cleaned_data["sender_name"],
                    sender_phone=form.cleaned_data["sender_phone"],
                )
            except ValidationError as exc:
                status, error = 400, "；".join(exc.messages)
            else:
                return redirect(reverse("public:notice", args=[pk]) + "?sent=1#opinion")
        else:
            status = 400
    challenge = challenge_new()  # a fresh question each time: the template renders its token
    context = {
        "notice": found,
        "community": found.community,
        "days_left": found.days_left(today),
        "form": form,
        "challenge": challenge,
        "error": error,
        "sent": request.GET.get("sent") == "1",
        "today": today,
    }
    html = render_to_string("public/notice.html", context, request=request)
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response
