"""Request guards that hold for every admin, registered or still to come."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

READ_METHODS = frozenset({"GET", "HEAD"})
HISTORY_VIEWS = ("_history", "_simple_history")
ADMIN_PREFIX = "/admin/"


class ReadOnlyHistoryMiddleware:
    """History pages only read. django-simple-history's version page saves whatever is posted to
    it (whatever SIMPLE_HISTORY_REVERT_DISABLED says), which would bypass the services, their
    checks and a user's read-only rights; so no method but GET reaches any history view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        name = getattr(request.resolver_match, "url_name", "") or ""
        if request.method not in READ_METHODS and name.endswith(HISTORY_VIEWS):
            raise PermissionDenied("修改历史只能查看，不能通过历史页面修改或恢复数据。")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), with one addition for the admin:
    django-unfold drives its pages with Alpine.js, whose standard build evaluates the `x-data`
    and `@click` expressions written in unfold's templates with `new Function`, so the admin
    alone also allows 'unsafe-eval' (still no inline script: those need the nonce)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """django-csp sends no policy on a 404 or a 500 under DEBUG (Django's technical pages
        use inline script); a page marked `csp_even_in_debug` (the site's own error pages,
        config/errors.py) is none of those, and gets the policy like any other page."""
        if not (settings.DEBUG and getattr(response, "csp_even_in_debug", False)):
            return super().process_response(request, response)
        status, response.status_code = response.status_code, 200  # past django-csp's exemption
        try:
            return super().process_response(request, response)
        finally:
            response.status_code = status

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            extra = settings.ADMIN_SCRIPT_SRC_EXTRA
            parts.update = {**(parts.update or {}), "script-src": list(extra)}
        return parts
