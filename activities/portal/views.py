"""Views of the portal. Every list comes from a selector that shows the user only what was
delivered to them; any other card or document answers 404, as if it did not exist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.admin import document_file_response
from common.documents import document_request
from common.models import Document, DocumentStatus
from common.reportcenter import error_reason
from kit.admin import error_text
from members.models import Member
from organizations.models import Organization
from organizations.roles import Role

from ..feedback import selectors, services
from ..feedback.rules import period_parse
from ..printables import FEEDBACK_CARDS
from .forms import AcknowledgeForm, BatchPdfForm, PortalLoginForm

portal_login_required = login_required(login_url="portal:login")


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Without a safe `next`: the user's portal home, or the 工作台 for a staff user who has
        no portal page (a community secretary who came to the wrong door)."""
        user = self.request.user
        if not portal_links(user) and user.is_staff:
            return reverse("admin:index")
        return reverse("portal:home")


def _label(code: str) -> str:
    try:
        return period_parse(code, settings.FEEDBACK_PERIOD_MONTHS).label
    except ValidationError:
        return code


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)  # the views below require a login


def _roles(user: Any) -> set[str]:
    return set(user.organization_accesses.values_list("role", flat=True))


def portal_links(user: Any) -> list[tuple[str, str]]:
    """The portal pages `user` has: (URL, label)."""
    roles = _roles(user)
    has_member = Member.objects.filter(user_id=user.pk or 0).exists()
    pages = [
        ("portal:unit", "本单位党员社区表现反馈卡", Role.UNIT_REVIEWER in roles),
        ("portal:cadres", "副科级及以上干部社区表现反馈卡", Role.SUB_DISTRICT_OFFICER in roles),
        ("portal:me", "我的党员信息", has_member),
    ]
    return [(reverse(name), label) for name, label, shown in pages if shown]


@portal_login_required
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the user's own page when they have one kind of it."""
    links = portal_links(request.user)
    if len(links) == 1:
        return redirect(links[0][0])
    return render(request, "portal/home.html", {"links": links, "title": "党建服务门户"})


# --- The unit party organization ----------------------------------------------------------------
def _reviewed_organizations(request: HttpRequest) -> list[Organization]:
    ids = selectors.reviewed_organization_ids(request.user)
    if not ids:
        raise PermissionDenied("本页面供驻区单位党组织使用。")
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


@portal_login_required
def unit_cards(request: HttpRequest) -> HttpResponse:
    organizations = _reviewed_organizations(request)
    cards = list(selectors.unit_card_list(request.user))
    groups = selectors.card_groups(cards, _label)
    periods = [(code, _label(code)) for code in dict.fromkeys(card.period for card in cards)]
    context = {
        "title": "本单位党员社区表现反馈卡",
        "organizations": organizations,
        "groups": groups,
        "pdf_form": BatchPdfForm(periods=periods, organizations=organizations) if periods else None,
        "pending": sum(1 for card in cards if not card.acknowledged_at),
        "documents": _recent_documents(request.user, organizations),
    }
    return render(request, "portal/unit_cards.html", context)


def _recent_documents(user: Any, organizations: list[Organization]) -> list[Document]:
    queryset = Document.objects.visible_to(user).filter(
        kind=FEEDBACK_CARDS, organization__in=organizations, requested_by=user
    )
    return list(queryset.select_related("organization").order_by("-created_at")[:5])


@portal_login_required
def unit_card(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(selectors.unit_card_list(request.user), pk=pk)
    form = AcknowledgeForm(request.POST or None, initial={"unit_comment": card.unit_comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_card_acknowledge(
                card=card, unit_comment=form.cleaned_data["unit_comment"], actor=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"已签收{card.member.name}的反馈卡。")
            return redirect("portal:unit")
    context = {"title": f"{card.member.name}的社区表现反馈卡", "card": card, "form": form}
    context["period_label"] = _label(card.period)
    return render(request, "portal/card.html", context)


@require_POST
@portal_login_required
def unit_pdf(request: HttpRequest) -> HttpResponse:
    """All the unit's cards of one period as one PDF, rendered in the background."""
    organizations = _reviewed_organizations(request)
    cards = selectors.unit_card_list(request.user)
    periods = [(code, _label(code)) for code in cards.values_list("period", flat=True).distinct()]
    form = BatchPdfForm(request.POST, periods=periods, organizations=organizations)
    if not form.is_valid():
        messages.error(request, "请选择要打印的期间。")
        return redirect("portal:unit")
    document = document_request(
        organization=form.cleaned_data["organization"],
        kind=FEEDBACK_CARDS,
        actor=request.user,
        params={"period": form.cleaned_data["period"]},
    )
    return redirect("portal:document", token=document.token)


# --- Background documents (shared by the report center) -----------------------------------------
def _document(request: HttpRequest, token: Any) -> Document:
    queryset = Document.objects.visible_to(request.user).select_related("organization")
    return get_object_or_404(queryset, token=token, requested_by=request.user)


@portal_login_required
def document(request: HttpRequest, token: Any) -> HttpResponse:
    found = _document(request, token)
    context = {"title": found.kind_label, "document": found, "done": DocumentStatus.DONE}
    context["working"] = found.status in (DocumentStatus.PENDING, DocumentStatus.RUNNING)
    context["reason"] = error_reason(found)
    return render(request, "portal/document.html", context)


@portal_login_required
def document_status(request: HttpRequest, token: Any) -> JsonResponse:
    found = _document(request, token)
    return JsonResponse(
        {"status": found.status, "label": found.get_status_display(), "progress": found.progress}
    )


@portal_login_required
def document_download(request: HttpRequest, token: Any) -> FileResponse:
    found = _document(request, token)
    if found.status != DocumentStatus.DONE:
        raise Http404("文件尚未生成。")
    return document_file_response(found)


# --- The sub-district's organization office -----------------------------------------------------
@portal_login_required
def cadre_cards(request: HttpRequest) -> HttpResponse:
    if Role.SUB_DISTRICT_OFFICER not in _roles(request.user) and not request.user.is_superuser:
        raise PermissionDenied("本页面供街道党工委组织部门使用。")
    cards = list(selectors.cadre_card_list(request.user))
    context = {
        "title": "副科级及以上干部社区表现反馈卡",
        "groups": selectors.card_groups(cards, _label),
    }
    return render(request, "portal/cadre_cards.html", context)


@portal_login_required
def cadre_card(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(selectors.cadre_card_list(request.user), pk=pk)
    context = {"title": f"{card.member.name}的社区表现反馈卡", "card": card, "form": None}
    context["period_label"] = _label(card.period)
    return render(request, "portal/card.html", context)


# --- The member ---------------------------------------------------------------------------------
@portal_login_required
def me(request: HttpRequest) -> HttpResponse:
    member = Member.objects.filter(user_id=_user_id(request)).select_related("branch").first()
    if member is None:
        raise Http404("您的账号尚未关联党员信息，请联系所在党支部。")
    context = {"title": "我的党员信息", "member": member, **selectors.member_page(member)}
    context["cards"] = [(card, _label(card.period)) for card in context.pop("card_list")]
    return render(request, "portal/me.html", context)
