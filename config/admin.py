"""The admin site: Chinese names, the 工作台 of every app's panels on the first page, and a login
that tells a member with the right password why the back office is not for them."""

from __future__ import annotations

import hashlib
from time import monotonic
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.cache import cache
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.encoding import force_bytes
from unfold.sites import UnfoldAdminSite

from common.dashboard import workbench
from kit.apps import menu_groups, work_pages
from kit.progress import demo_loading

DEMO_LOADING = "演示数据载入中，载入完成后即可用演示账号登录，请稍候再试。"


class PartyAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。",
        "inactive": "该账号已停用，请联系街道党工委工作人员。",
    }

    def clean(self) -> dict[str, Any]:
        if demo_loading() is not None:  # its users are not committed yet: say why, check nothing
            raise forms.ValidationError(DEMO_LOADING, code="demo_loading")
        return super().clean()

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        if not user.is_staff:
            raise forms.ValidationError(
                "密码正确，但这是党员个人账号，不能进入党务工作后台。"
                "党员本人的报到、活动和反馈卡请在党员自助页面（/portal/）查看。",
                code="not_staff",
            )


def work_groups(app_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Django's app list regrouped by the apps' declared work groups (kit/apps.py), each group
    shaped like an app and each model carrying its icon."""
    models = {
        f"{app['app_label']}.{m['object_name'].lower()}": (app, m)
        for app in app_list
        for m in app["models"]
    }
    groups = []
    for group in menu_groups():
        found = [
            (*models.pop(label), icon or group.icon)
            for label, icon in group.models
            if label in models
        ]
        if found:
            first_app = found[0][0]
            listed = [{**m, "icon": icon} for _, m, icon in found]
            groups.append({**first_app, "name": group.title, "icon": group.icon, "models": listed})
    for app in app_list:  # what no group names, in its own app
        rest = [
            m for m in app["models"] if f"{app['app_label']}.{m['object_name'].lower()}" in models
        ]
        if rest:
            groups.append({**app, "models": rest})
    return groups


class LabelledAutocompleteView(AutocompleteJsonView):
    """A picker's option says what tells two people apart: an admin may define
    `autocomplete_label(obj)` (e.g. 何丽（第一党支部，3301**********123X）) and
    `autocomplete_select_related` for what that label reads."""

    def get_queryset(self) -> Any:
        related = getattr(self.model_admin, "autocomplete_select_related", ())
        queryset = super().get_queryset()
        return queryset.select_related(*related) if related else queryset

    def serialize_result(self, obj: Any, to_field_name: str) -> dict[str, str]:
        label = getattr(self.model_admin, "autocomplete_label", str)
        return {"id": str(getattr(obj, to_field_name)), "text": label(obj)}


def sidebar_navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The sidebar (UNFOLD["SIDEBAR"]["navigation"]): the apps' work pages, then their work
    groups, each holding only the lists this user may open."""
    pages = []
    for page in work_pages():
        if page.permission and not request.user.has_perm(page.permission):
            continue
        try:
            link = reverse(page.url_name)
        except NoReverseMatch:
            continue
        pages.append({"title": page.title, "icon": page.icon, "link": link})
    groups: list[dict[str, Any]] = [{"title": "工作", "items": pages}]
    for group in admin.site.get_app_list(request):
        items = [
            {
                "title": m["name"],
                "link": m["admin_url"],
                "icon": m.get("icon") or group.get("icon") or "list",
            }
            for m in group["models"]
            if m.get("admin_url")
        ]
        if items:
            groups.append(
                {"title": group["name"], "separator": True, "collapsible": True, "items": items}
            )
    return groups


# The sidebar's app lists this process keeps (PartyAdminSite.get_app_list): per permission set,
# for at most a minute, a few hundred of them at most (a user's list is a few KB).
APP_LIST_SECONDS = 60
APP_LISTS_KEPT = 500
APP_LISTS: dict[tuple[Any, ...], tuple[float, list[Any]]] = {}


def _permission_key(user: Any) -> tuple[Any, ...]:
    """What an app list follows from: who may enter the admin and every permission they hold
    (ModelBackend's and the roles' own, each read once per request and kept on the user)."""
    return (
        user.is_active,
        user.is_staff,
        user.is_superuser,
        # A superuser holds every permission (ModelBackend would read them all to say so).
        frozenset(user.get_all_permissions())
        if user.is_active and not user.is_superuser
        else frozenset(),
    )


class PartyAdminSite(UnfoldAdminSite):
    site_header = "社区党建管理系统"
    site_title = "社区党建管理系统"
    index_title = "工作台"
    login_form = PartyAuthenticationForm
    login_template = "admin/party_login.html"

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return super().login(request, {"demo_loading": demo_loading(), **(extra_context or {})})

    def autocomplete_view(self, request: HttpRequest) -> Any:
        return LabelledAutocompleteView.as_view(admin_site=self)(request)

    def search(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """unfold's search keeps a user's results for 5 minutes, under one key for the sidebar's
        menu search and the record search alike: a record deleted or moved out of the user's
        scope would still be listed, and a record search could be answered with menu entries.
        Records are searched afresh each time (each kind is one query, common/search.py)."""
        term = request.GET.get("s")
        if term:
            base = f"{request.user.pk}_{term.lower()}"
            cache.delete(f"unfold_search_{hashlib.sha256(force_bytes(base)).hexdigest()}")
        return super().search(request, extra_context)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """Built once per request (Django's page context and the sidebar both ask for it), and
        kept for APP_LIST_SECONDS per permission set: a build asks every admin for its
        permissions and reverses every list's URL, a fifth of an admin page's time, and what it
        gives follows from the user's permissions. A role granted or taken away changes the
        permission set, so the next page is built afresh; a permission that also reads rows
        (a fund approver may not add approvers) is at most that old on the sidebar, and the
        view itself checks it again."""
        built: dict[str | None, list[Any]] = request.__dict__.setdefault("_party_app_list", {})
        if app_label not in built:
            key = (app_label, get_script_prefix(), *_permission_key(request.user))
            kept = APP_LISTS.get(key)
            if kept is None or kept[0] < monotonic():
                app_list = super().get_app_list(request, app_label)
                app_list = app_list if app_label else work_groups(app_list)
                if len(APP_LISTS) >= APP_LISTS_KEPT:
                    APP_LISTS.clear()
                kept = APP_LISTS[key] = (monotonic() + APP_LIST_SECONDS, app_list)
            built[app_label] = kept[1]
        return built[app_label]

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        found = workbench(request)
        context = {
            "panels": found.panels,
            "computed_at": found.computed_at,
            "is_current": found.is_current,
            **(extra_context or {}),
        }
        return super().index(request, context)


def workbench_styles(request: HttpRequest) -> str:
    """The 工作台's and the lists' own styles, after the theme's (UNFOLD["STYLES"])."""
    from django.templatetags.static import static

    return static("css/workbench.css")


def page_styles(request: HttpRequest) -> str:
    """The apps' own pages drawn like the theme's lists and forms (static/css/pages.css)."""
    from django.templatetags.static import static

    return static("css/pages.css")
