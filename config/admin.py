"""The admin site: Chinese names, the 工作台 of every app's panels on the first page, and a login
that tells a member with the right password why the back office is not for them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from unfold.sites import UnfoldAdminSite

from common.dashboard import panel_list


class PartyAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。",
        "inactive": "该账号已停用，请联系街道党工委工作人员。",
    }

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        if not user.is_staff:
            raise forms.ValidationError(
                "密码正确，但这是党员个人账号，不能进入党务工作后台。"
                "党员本人的报到、活动和反馈卡请在党员自助页面（/portal/）查看。",
                code="not_staff",
            )


# The sidebar and the 工作台's list, grouped by the secretary's work rather than by app. A model
# not named here keeps its app's group, after these.
WORK_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "党员队伍",
        (
            "members.member",
            "members.floatingrecord",
            "members.membershiptransfer",
            "members.review",
            "members.assessment",
        ),
    ),
    (
        "在职党员双联双管",
        (
            "members.registrationcampaign",
            "members.registration",
            "members.postkind",
            "members.postclaim",
            "members.activityrecord",
            "activities.feedbackcard",
        ),
    ),
    ("组织生活", ("activities.meeting", "activities.notification")),
    (
        "发展党员与公示",
        (
            "publicity.developmentcase",
            "publicity.branchvote",
            "publicity.notice",
            "publicity.opinion",
            "publicity.boarditem",
        ),
    ),
    (
        "党费与经费",
        (
            "finance.memberdues",
            "finance.duespayment",
            "finance.duesassessment",
            "finance.incomechange",
            "finance.duesrelief",
            "finance.duespublication",
            "finance.spendingplan",
            "finance.fundbudget",
            "finance.fundapprover",
        ),
    ),
    (
        "组织建设",
        (
            "organizations.organization",
            "organizations.position",
            "organizations.unit",
            "organizations.jointcommittee",
            "organizations.committeemember",
        ),
    ),
    ("台账与记录", ("common.document", "members.personaldataaccess")),
    (
        "系统管理",
        (
            "organizations.organizationaccess",
            "auth.user",
            "auth.group",
            "axes.accessattempt",
            "otp_totp.totpdevice",  # two-factor devices, superusers only (common/twofactor.py)
        ),
    ),
)


def work_groups(app_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Django's app list regrouped by WORK_GROUPS (each group shaped like an app)."""
    models = {
        f"{app['app_label']}.{m['object_name'].lower()}": (app, m)
        for app in app_list
        for m in app["models"]
    }
    groups = []
    for title, labels in WORK_GROUPS:
        found = [models.pop(label) for label in labels if label in models]
        if found:
            first_app = found[0][0]
            groups.append({**first_app, "name": title, "models": [m for _, m in found]})
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


# Pages that are not a model's list, first in the sidebar: (title, icon, URL name, permission).
WORK_PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("工作台", "dashboard", "admin:index", ""),
    (
        "组织架构图",
        "account_tree",
        "admin:organizations_organization_tree",
        "organizations.view_organization",
    ),
    (
        "三会一课落实情况",
        "event_available",
        "admin:activities_meeting_compliance",
        "activities.view_meeting",
    ),
    ("报表中心", "print", "report_center", "common.view_document"),
)

# Material Symbols names (bundled with django-unfold) for each group of WORK_GROUPS.
GROUP_ICONS = {
    "组织生活": "event",
    "发展党员与公示": "campaign",
    "党费与经费": "payments",
    "党员队伍": "groups",
    "在职党员双联双管": "handshake",
    "组织建设": "corporate_fare",
    "台账与记录": "folder_open",
    "系统管理": "settings",
}


# An icon per list where the group's would not tell them apart.
MODEL_ICONS = {
    "members.member": "person",
    "members.floatingrecord": "directions_walk",
    "members.membershiptransfer": "swap_horiz",
    "members.review": "fact_check",
    "members.assessment": "scoreboard",
    "members.registrationcampaign": "campaign",
    "members.registration": "how_to_reg",
    "members.postkind": "work",
    "members.postclaim": "assignment_ind",
    "members.activityrecord": "volunteer_activism",
    "organizations.organization": "account_tree",
    "organizations.position": "badge",
    "organizations.unit": "apartment",
    "organizations.jointcommittee": "diversity_3",
    "organizations.committeemember": "group",
    "common.document": "picture_as_pdf",
    "members.personaldataaccess": "policy",
    "organizations.organizationaccess": "key",
    "auth.user": "manage_accounts",
    "auth.group": "groups",
    "axes.accessattempt": "lock_person",
    "otp_totp.totpdevice": "phonelink_lock",
    "activities.meeting": "event",
    "activities.notification": "notifications",
    "activities.feedbackcard": "rate_review",
    "publicity.developmentcase": "person_add",
    "publicity.branchvote": "how_to_vote",
    "publicity.notice": "campaign",
    "publicity.opinion": "forum",
    "publicity.boarditem": "article",
    "finance.memberdues": "account_balance_wallet",
    "finance.duespayment": "payments",
    "finance.duesassessment": "calculate",
    "finance.incomechange": "trending_up",
    "finance.duesrelief": "volunteer_activism",
    "finance.duespublication": "campaign",
    "finance.spendingplan": "request_quote",
    "finance.fundbudget": "savings",
    "finance.fundapprover": "approval",
}


def sidebar_navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The sidebar (UNFOLD["SIDEBAR"]["navigation"]): the work pages, then WORK_GROUPS, each
    holding only the lists this user may open."""
    pages = []
    for title, icon, name, permission in WORK_PAGES:
        if permission and not request.user.has_perm(permission):
            continue
        try:
            link = reverse(name)
        except NoReverseMatch:
            continue
        pages.append({"title": title, "icon": icon, "link": link})
    groups: list[dict[str, Any]] = [{"title": "工作", "items": pages}]
    for group in admin.site.get_app_list(request):
        items = [
            {
                "title": m["name"],
                "link": m["admin_url"],
                "icon": GROUP_ICONS.get(group["name"], "list"),
            }
            for m in group["models"]
            if m.get("admin_url")
        ]
        if items:
            groups.append(
                {"title": group["name"], "separator": True, "collapsible": True, "items": items}
            )
    return groups


class PartyAdminSite(UnfoldAdminSite):
    site_header = "社区党建管理系统"
    site_title = "社区党建管理系统"
    index_title = "工作台"
    login_form = PartyAuthenticationForm

    def autocomplete_view(self, request: HttpRequest) -> Any:
        return LabelledAutocompleteView.as_view(admin_site=self)(request)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        app_list = super().get_app_list(request, app_label)
        return app_list if app_label else work_groups(app_list)

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        context = {"panels": panel_list(request), **(extra_context or {})}
        return super().index(request, context)


def workbench_styles(request: HttpRequest) -> str:
    """The 工作台's and the lists' own styles, after the theme's (UNFOLD["STYLES"])."""
    from django.templatetags.static import static

    return static("css/workbench.css")
