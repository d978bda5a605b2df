"""党内统计's page (`/admin/members/member/statistics/`, the 工作台's sidebar entry): the year's
figures for the organization chosen among those whose members the user sees, as a table and as
charts (Chart.js, kit.dashboard.Chart), with the printable's PDF and Excel links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from common.printables import print_url
from kit.dashboard import Chart
from organizations.models import Organization
from organizations.rules import COMMUNITY_KINDS, OrganizationKind
from organizations.scope import filter_by, scope_of, within

from ..printables import STATISTICS
from ..rules import AGE_BANDS, CATEGORY_ROWS, EDUCATION_ROWS
from ..selectors.statistics import PartyStatistics, party_statistics_get

# The organizations a statistics page is made for (a group holds no member).
STATISTICS_KINDS = (
    OrganizationKind.SUB_DISTRICT,
    *sorted(COMMUNITY_KINDS),
    OrganizationKind.BRANCH,
    OrganizationKind.UNIT_ORG,
)
FIRST_YEAR = 2000


class MemberStatisticsAdminMixin:
    """Adds the page to the member list's admin."""

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.statistics_view)  # type: ignore[attr-defined]
        own = [path("statistics/", view, name="members_member_statistics")]
        return [*own, *super().get_urls()]  # type: ignore[misc]

    def statistics_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        user = request.user
        choices = statistics_organizations(user)
        year = _year(request.GET.get("year"))
        organization = _chosen(request.GET.get("organization"), choices, user)
        statistics = party_statistics_get(year=year, reader=user, organization=organization)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": "党内统计",
            "opts": self.model._meta,  # type: ignore[attr-defined]
            "statistics": statistics,
            "organizations": choices,
            "chosen": organization,
            "charts": statistics_charts(statistics),
            "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1),
        }
        if organization is not None:
            query = {"organization": organization.pk, "period": year}
            context["pdf_url"] = print_url(STATISTICS, **query)
            context["xlsx_url"] = print_url(STATISTICS, **query, format="xlsx")
        return TemplateResponse(request, "admin/members/member/statistics.html", context)


def statistics_organizations(user: Any) -> list[Organization]:
    """The organizations whose members the user sees (the people scope), of the kinds that
    report statistics, in code order."""
    organizations = Organization.objects.filter(kind__in=STATISTICS_KINDS)
    return list(filter_by(organizations, within("pk", scope_of(user).people)).order_by("code"))


def _year(text: str | None) -> int:
    this_year = timezone.localdate().year
    value = (text or "").strip()
    year = int(value) if value.isdigit() else this_year
    return year if FIRST_YEAR <= year <= this_year else this_year


def _chosen(text: str | None, choices: list[Organization], user: Any) -> Organization | None:
    """The chosen organization among `choices`; by default the user's own (none for a superuser:
    everything)."""
    by_pk = {str(organization.pk): organization for organization in choices}
    if text is not None:
        if not text.strip():
            return None  # 全部
        if text.strip() not in by_pk:
            raise Http404("没有找到该党组织，或您无权查看其党员。")
        return by_pk[text.strip()]
    own = [str(pk) for pk in user.organization_accesses.values_list("organization_id", flat=True)]
    return next((by_pk[pk] for pk in own if pk in by_pk), None)


def statistics_charts(statistics: PartyStatistics) -> list[Chart]:
    """The figures in five bar charts: make-up, age, education, category and the year's moves."""

    def bars(labels: Any) -> list[tuple[str, int]]:
        return [(label, statistics[label]) for label in labels]

    return [
        Chart("党员构成", bars(("正式党员", "预备党员", "女党员", "少数民族党员"))),
        Chart("年龄结构", bars(label for label, _, _ in AGE_BANDS), note="按12月31日的周岁计算"),
        Chart("学历", bars(label for label, _ in EDUCATION_ROWS), note="学历未填写的不计"),
        Chart("人员类别", bars(label for label, _ in CATEGORY_ROWS), note="一人可属多个类别"),
        Chart("年内变动", bars(("年内发展党员", "年内转为正式党员", "年内转入", "年内转出"))),
    ]
