"""报表中心 (report center): one page listing every printable the apps declared
(common/printables.py) that its form can make: those needing only an organization and a period
(one about a plan or a meeting is made from that object's page). Each is rendered in the background by a
Celery worker (common/tasks.py); the page shows its progress, a download link when it is ready,
and the reason in Chinese when it failed (never a half file: a failed document keeps no file).

Mounted at admin/reports/ (config/urls.py) behind the admin's staff check; `admin_link()` gives the
workbench or the side bar its entry.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from kit.forms import ThemedForm
from kit.periods import period_code, period_text, recent_periods
from kit.printables import Printable
from organizations.models import Organization

from .documents import document_request
from .models import Document, DocumentStatus
from .printables import printable_get, printable_permitted_list

TITLE = "报表中心"
MONTH = re.compile(r"^\d{4}-\d{2}$")
RECENT = 20


def admin_link() -> tuple[str, str]:
    """(label, url) of the report center, for config/admin.py to show."""
    return TITLE, reverse("report_center")


class ReportCenterForm(ThemedForm):
    organization = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none())
    period = forms.CharField(
        label="期间",
        max_length=16,
        required=False,
        help_text="如2026年、2026年11月、2026年下半年、2026年第三季度（可从下拉建议中选）；"
        "不需要期间的台账可不填。",
        widget=forms.TextInput(attrs={"list": "period-choices", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = Organization.objects.visible_to(user).order_by("code")  # type: ignore[attr-defined]

    def clean_period(self) -> str:
        """The period as the ledgers read it (2026H2), typed either way (2026年下半年)."""
        return period_code(self.cleaned_data.get("period", ""))


def offered_kinds(user: Any) -> list[Printable]:
    """The printables this page can make for the user: those whose permission they hold and
    that need nothing but an organization and a period (a spending plan is made from its page)."""
    kinds = [kind for kind in printable_permitted_list(user) if kind.is_form_made]
    return sorted(kinds, key=lambda kind: kind.label)


def error_reason(document: Document) -> str:
    """The stored error without the exception's class name (`ValueError: 没有…` → `没有…`); a
    missing parameter (a ledger that needs more than an organization and a period) in Chinese."""
    name, _, reason = document.error.partition(": ")
    if name == "KeyError":
        return f"该台账需从其业务页面生成（缺少参数{reason}）。"
    return reason if reason and name.isidentifier() else document.error


def document_params(period: str) -> dict[str, str]:
    """The parameters a ledger is asked with: `period` for every kind; a month (YYYY-MM) also
    as `month`, the name the dues ledger (finance) reads."""
    params = {"period": period}
    if MONTH.fullmatch(period):
        params["month"] = period
    return params


def _recent(user: Any) -> list[Document]:
    queryset = Document.objects.visible_to(user).filter(requested_by=user)
    documents = list(queryset.select_related("organization").order_by("-created_at")[:RECENT])
    for document in documents:
        document.reason = error_reason(document)  # type: ignore[attr-defined]
    return documents


FORMAT_LABELS = {"pdf": "生成PDF", "xlsx": "生成Excel", "html": "生成网页"}


def _buttons(kind: Printable) -> list[tuple[str, str]]:
    """(value, label) of each format's button: the first format is the printable's name alone."""
    return [
        (kind.name if n == 0 else f"{kind.name}:{fmt}", FORMAT_LABELS.get(fmt, fmt))
        for n, fmt in enumerate(kind.formats)
    ]


def _request(request: HttpRequest, form: ReportCenterForm) -> None:
    kind, _, format = request.POST.get("kind", "").partition(":")
    offered = {offered.name: offered for offered in offered_kinds(request.user)}
    if kind not in offered or (format and format not in offered[kind].formats):
        messages.error(request, "请选择要生成的台账。")
        return
    params = document_params(form.cleaned_data["period"].strip())
    try:
        document_request(
            organization=form.cleaned_data["organization"],
            kind=kind,
            actor=request.user,
            params={**params, "format": format} if format else params,
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        label = printable_get(kind).label  # type: ignore[union-attr]
        messages.success(request, f"已开始生成“{label}”，完成后可在下方下载。")


def report_center(request: HttpRequest) -> HttpResponse:
    """GET: the ledgers and the user's recent documents; POST: queue one ledger."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = ReportCenterForm(data, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            _request(request, form)
            query = {"organization": form.cleaned_data["organization"].pk}
            query["period"] = period_text(form.cleaned_data["period"])
            return redirect(f"{reverse('report_center')}?{urlencode(query)}")
        messages.error(request, "请选择党组织。")
    documents = _recent(request.user)
    context = {
        **admin.site.each_context(request),
        "title": TITLE,
        "form": form,
        "kinds": [(kind, _buttons(kind)) for kind in offered_kinds(request.user)],
        "documents": documents,
        "period_choices": recent_periods(timezone.localdate()),
        "working": any(
            d.status in (DocumentStatus.PENDING, DocumentStatus.RUNNING) for d in documents
        ),
        "done": DocumentStatus.DONE,
        "failed": DocumentStatus.FAILED,
    }
    return TemplateResponse(request, "admin/report_center.html", context)
