"""Error pages (issue 22, point 3): every 400, 403, 404 and 500 is a Chinese page in the layout
of the site it happened on: the admin's theme under /admin/, the portal's under /portal/, the
public site's anywhere else. The status code is kept.

Django calls these handlers (config/urls.py: handler400 … handler500, and CSRF_FAILURE_VIEW)
when DEBUG is off. With DEBUG on it answers a 404, a 400 and a 500 with its technical pages
instead (English, the URL list, the settings); `make run` runs with DEBUG on and secretaries use
it, so ErrorPageMiddleware turns those into the same pages. A developer who wants Django's
technical pages back sets DJANGO_TECHNICAL_ERROR_PAGES=true.

A 500 is rendered without the request's context (no user, no session, no messages) and with the
admin's theme as an anonymous visitor sees it, so that its page needs no database: the error may
be the database.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.log import log_response
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("django.request")

ADMIN, PORTAL, PUBLIC = "admin", "portal", "public"
AREAS: tuple[tuple[str, str], ...] = (("/admin/", ADMIN), ("/portal/", PORTAL))
HOMES = {
    ADMIN: ("admin:index", "返回工作台"),
    PORTAL: ("portal:home", "返回门户首页"),
    PUBLIC: ("public:home", "返回首页"),
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class ErrorText:
    title: str
    message: str


TEXTS = {
    400: ErrorText(
        "请求无法处理",
        "您提交的内容不完整或格式有误，也可能是页面已经过期。请返回上一页，刷新后重试。",
    ),
    403: ErrorText(
        "您无权进行此操作",
        "这项操作超出了您账号的权限范围。如需办理，请联系上级党组织或系统管理员。",
    ),
    404: ErrorText(
        "没有找到该页面",
        "您要找的页面或记录不存在，或不在您的查看范围内。请检查网址是否完整。",
    ),
    500: ErrorText(
        "系统出错了",
        "刚才的操作没有完成，错误已经记录。请稍后重试；如果一直出现，请联系系统管理员。",
    ),
}
CSRF_TEXT = ErrorText(
    "页面已过期",
    "为保护您的账号，这次提交没有被受理：页面打开的时间太长，或已经在别处退出登录。"
    "请返回上一页，刷新后重新提交。",
)


def area_of(path: str) -> str:
    """Which site `path` belongs to: its layout and its home."""
    return next((area for prefix, area in AREAS if path.startswith(prefix)), PUBLIC)


def _detail(exception: Exception | None) -> str:
    """The exception's own message when it was written for the user (in Chinese); Django's and
    the libraries' (English, or a resolver's dict of tried patterns) are not shown."""
    args = getattr(exception, "args", ())
    text = args[0] if args and isinstance(args[0], str) else ""
    return text if CHINESE.search(text) else ""


def _admin_context(request: HttpRequest, full: bool) -> dict[str, Any]:
    """The admin theme's context: with the sidebar for a staff user (`full`), else the login
    page's frame as an anonymous visitor sees it (no query; see the module's docstring)."""
    user = getattr(request, "user", None) if full else None
    if user is not None and user.is_authenticated and user.is_staff:
        return {**admin.site.each_context(request), "layout": "admin/base_site.html"}
    anonymous = copy.copy(request)
    anonymous.user = AnonymousUser()
    try:
        context = admin.site.each_context(anonymous)
    except Exception:  # the theme is a nicety; the page must render whatever failed
        logger.exception("The admin theme's context failed on an error page")
        context = {"site_title": "社区党建管理系统"}
    return {**context, "layout": "unfold/layouts/unauthenticated.html"}


def error_page(
    request: HttpRequest, status: int, text: ErrorText, exception: Exception | None = None
) -> HttpResponse:
    """The Chinese page of `status` in the layout of the request's site."""
    area = area_of(request.path_info)
    name, label = HOMES[area]
    context: dict[str, Any] = {
        "status": status,
        "title": text.title,
        "message": text.message,
        "detail": _detail(exception),
        "home_url": reverse(name),
        "home_label": label,
    }
    full = status != 500
    if area == ADMIN:
        context = {**_admin_context(request, full), **context}
    html = render_to_string(f"errors/{area}.html", context, request=request if full else None)
    response = HttpResponse(html, status=status)
    response.csp_even_in_debug = True  # type: ignore[attr-defined]  # kit/middleware.py
    return response


# --- Django's handlers (config/urls.py) ---------------------------------------------------------
@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 400, TEXTS[400], exception)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 403, TEXTS[403], exception)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 404, TEXTS[404], exception)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500, TEXTS[500])


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: Django's own page is English and explains CSRF to developers."""
    return error_page(request, 403, CSRF_TEXT)


# --- with DEBUG on ------------------------------------------------------------------------------
def _technical() -> bool:
    """Whether Django's technical pages show: DEBUG on and asked for."""
    return not settings.DEBUG or settings.TECHNICAL_ERROR_PAGES


class ErrorPageMiddleware:
    """With DEBUG on, the same pages as without it (the handlers above) instead of Django's
    technical ones. Right after the security headers' middleware, so that its pages get them.

    A view's exception arrives in process_exception. An address no URL matches never reaches a
    view (Django answers it while resolving); its 404 is recognised afterwards by the request
    having no resolver_match, after CommonMiddleware had its chance to add the slash."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None and not _technical():
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if _technical():
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation | MultiPartParserError):
            return bad_request(request, exception)
        # An uncaught error: reported as Django reports it (the log with its traceback, and the
        # signal the test client re-raises it from), then the Chinese page.
        signals.got_request_exception.send(sender=None, request=request)
        response = server_error(request)
        log_response(
            "%s: %s", "Internal Server Error", request.path,
            response=response, request=request, exception=exception,
        )  # fmt: skip
        return response
