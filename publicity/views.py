"""The public site at the root of the address (no login): communities, each community's board
(running 公示 with a countdown, 在职党员监督台, 党务公开), a notice's page with the opinion form.

What it shows comes from publicity.selectors, which read only what is published and running and
only the public fields. The list pages are kept rendered in the cache under the public version
(publicity/signals.py: any change to a notice, an item, a registration, a post or a member starts a
new one) and today's date (a notice comes down at midnight), and answer conditional requests with
304 by an ETag of the same key. A notice's page is kept and answered the same way: it is the same
for every visitor, and holds nothing of one (no CSRF token, no captcha, no cookie). The opinion
form, which is per visitor (a fresh captcha question and Django's CSRF token), is a small page of
its own, `n/<pk>/form/`, fetched when the resident asks for it (static/public/opinion.js); without
script the same link opens the notice's page with the form (`?form=1`). A posted opinion's page,
and that one, are rendered each time and never kept.
A notice that has ended or was withdrawn answers 410 Gone with a page that says so, with its
period (residents scan the poster's code after the end too), never its person or the reason.

The hot path asks the shared cache for nothing (bench/bench_public_board.py): each process keeps
the pages it served under their key, and trusts the version it last read for VERSION_SECONDS, or
until a row is saved or deleted in the process. A change made in another process (the admin's
worker, Celery) shows within that second; one made in this process shows at once. Browsers and
proxies revalidate every time (no-cache with the ETag), so a withdrawn notice leaves at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kit.security import client_ip

from . import selectors, services
from .forms import Challenge, OpinionForm, challenge_new, rate_limited
from .signals import public_version

NOT_FOUND = "没有找到该社区或公示。公示在公示期开始之日才会显示。"
VERSION_SECONDS = 1.0

# The public version as this process last read it, and until when it trusts it.
_version: dict[str, tuple[float, str]] = {}


def _public_version() -> str:
    now = time.monotonic()
    known = _version.get("public")
    if known is not None and known[0] > now:
        return known[1]
    version = public_version()
    _version["public"] = (now + VERSION_SECONDS, version)
    return version


def _version_forget(**kwargs: Any) -> None:
    """Any row saved or deleted in this process: read the version again once it is committed
    (signals.py moves it on then; cheaper than telling its models apart)."""
    transaction.on_commit(_version.clear)


post_save.connect(_version_forget, dispatch_uid="publicity-views-version-save")
post_delete.connect(_version_forget, dispatch_uid="publicity-views-version-delete")


# The pages this process has served, by their cache key: the key holds the public version and the
# day, so an entry is never out of date, only unused (cleared when full). Kept as the shared cache
# keeps them, for PUBLICITY_PUBLIC_CACHE_SECONDS.
_SERVED: dict[str, tuple[float, bytes, str]] = {}
_SERVED_MAX = 256


def _etag(key: str) -> str:
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _page(key: str, render: Callable[[], str | None]) -> tuple[bytes, str]:
    """The page's bytes and ETag: this process's copy, else the shared cache's, else rendered."""
    now = time.monotonic()
    served = _SERVED.get(key)
    if served is not None and served[0] > now:
        return served[1], served[2]
    html = cache.get(key)
    if html is None:
        html = render()
        if html is None:
            raise Http404(NOT_FOUND)
        cache.set(key, html, settings.PUBLICITY_PUBLIC_CACHE_SECONDS)
    etag = _etag(key)
    if len(_SERVED) >= _SERVED_MAX:
        _SERVED.clear()
    content = html.encode()
    _SERVED[key] = (now + settings.PUBLICITY_PUBLIC_CACHE_SECONDS, content, etag)
    return content, etag


def _cached(request: HttpRequest, name: str, render: Callable[[], str | None]) -> HttpResponse:
    today = timezone.localdate()
    key = f"publicity:public:{_public_version()}:{today:%Y%m%d}:{name}"
    served = _SERVED.get(key)
    etag = served[2] if served else _etag(key)
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    content, etag = _page(key, render)
    response = HttpResponse(content)
    response["ETag"] = etag
    # Browsers and proxies ask again each time (a 304 by the ETag when nothing changed): a
    # withdrawn notice, or a deferred case's, leaves the board at once, not a minute later.
    response["Cache-Control"] = "public, no-cache"
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
    if request.method == "POST" or request.GET:  # an opinion, the page with the form, or "sent"
        return _notice_answer(request, pk)
    try:
        return _cached(request, f"notice:{pk}", lambda: _notice_html(pk, timezone.localdate()))
    except Http404:
        return _notice_closed(pk, timezone.localdate())


@require_http_methods(["GET", "HEAD"])
def notice_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The opinion form alone, for this visitor: a new captcha question and the CSRF token (its
    cookie set with it). Asked only for a running notice, as its kept page knows (no query)."""
    today = timezone.localdate()
    key = f"publicity:public:{_public_version()}:{today:%Y%m%d}:notice:{pk}"
    try:
        _page(key, lambda: _notice_html(pk, today))
    except Http404:
        return _notice_closed(pk, today)
    challenge = challenge_new()  # a fresh question each time
    content = _form_html(pk)
    for slot, value in (
        (QUESTION_SLOT, challenge.question),
        (TOKEN_SLOT, challenge.token),
        (CSRF_SLOT, get_token(request)),
    ):
        content = content.replace(slot.encode(), value.encode())
    return _no_store(HttpResponse(content))


# The empty form differs from one visitor to the next only by the captcha and the CSRF token: this
# process keeps it rendered (by notice) with slots for them, filled in for each visitor (letters
# only, which escaping leaves as they are; the values are digits and Chinese, URL-safe base64 and
# letters). Rendering it through crispy each time would cost three times what filling it does.
QUESTION_SLOT, TOKEN_SLOT, CSRF_SLOT = "zqslotquestionz", "zqslottokenz", "zqslotcsrfz"
_FORMS: dict[int, bytes] = {}


def _form_html(pk: int) -> bytes:
    kept = _FORMS.get(pk)
    if kept is None:
        challenge = Challenge(QUESTION_SLOT, TOKEN_SLOT)
        context = {
            "form": OpinionForm(challenge=challenge),
            "challenge": challenge,
            "notice_pk": pk,
            "csrf_token": CSRF_SLOT,
        }
        kept = render_to_string("public/opinion_form.html", context).encode()
        if len(_FORMS) >= _SERVED_MAX:
            _FORMS.clear()
        _FORMS[pk] = kept
    return kept


def _notice_html(pk: int, today: dt.date) -> str | None:
    """The page of a running notice, the same for every visitor: the form is fetched apart."""
    found = selectors.public_notice_get(pk, today)
    if found is None:
        return None
    return render_to_string("public/notice.html", _notice_context(found, None, None, today))


def _notice_closed(pk: int, today: dt.date) -> HttpResponse:
    """A notice that has ended or was withdrawn: 410 Gone (the resident who scans its poster's
    code learns it is over, with its period) and a page that says so; kept like the others."""
    key = f"publicity:public:{_public_version()}:{today:%Y%m%d}:notice-closed:{pk}"
    content, _ = _page(key, lambda: _closed_html(pk, today))
    response = HttpResponse(content, status=410)
    response["Cache-Control"] = "public, no-cache"
    return response


def _closed_html(pk: int, today: dt.date) -> str | None:
    closed = selectors.public_closed_notice_get(pk, today)
    if closed is None:
        return None
    return render_to_string("public/notice_closed.html", {"closed": closed, "today": today})


def _notice_context(
    found: Any,
    form: OpinionForm | None,
    challenge: Challenge | None,
    today: dt.date,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "notice": found,
        "notice_pk": found.pk,
        "community": found.community,
        "days_left": found.days_left(today),
        "form": form,
        "challenge": challenge,
        "error": "",
        "sent": False,
        "today": today,
        **extra,
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _notice_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A posted opinion (taken, refused or throttled), or the page that says it was sent."""
    today = timezone.localdate()
    found = selectors.public_notice_get(pk, today)
    if found is None:  # an opinion on a notice that has ended is not taken
        return _notice_closed(pk, today)
    challenge = challenge_new()  # a refused opinion is answered with a new question
    form = OpinionForm(request.POST or None, challenge=challenge)
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
    context = _notice_context(
        found, form, challenge, today, error=error, sent=request.GET.get("sent") == "1"
    )
    html = render_to_string("public/notice.html", context, request=request)
    return _no_store(HttpResponse(html, status=status))
