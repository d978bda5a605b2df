"""Views of the portal. Every list comes from a selector that shows the user only what was
delivered to them; any other card or document answers 404, as if it did not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from common.admin import document_file_response
from common.documents import document_request
from common.models import Document, DocumentStatus
from common.reportcenter import error_reason
from finance.selectors import member_dues_page, member_payment_list, paid_months
from kit.admin import error_text
from members.models import CommunityEvent, Member
from members.selectors import dual as member_selectors
from members.selectors.events import member_event_list
from members.services import dual as member_services
from members.services import events as event_services
from members.services import logins as login_services
from organizations.models import Organization
from organizations.roles import CADRE_CARD_ROLES, Role

from ..feedback import selectors, services
from ..feedback.rules import period_parse
from ..printables import FEEDBACK_CARDS
from ..selectors import attendance_summary
from ..selectors.attendance import member_attendance_list
from .forms import (
    AcknowledgeForm,
    BatchPdfForm,
    PortalLoginForm,
    PortalPasswordChangeForm,
    PostClaimForm,
)

portal_login_required = login_required(login_url="portal:login")


def member_portal_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and a member with a printed initial password sets their own one first."""

    return portal_login_required(own_password_first(view))


def own_password_first(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A member who still has the printed initial password sets their own one before any page
    of theirs (the portal, the QR sign-in), then comes back to the page they asked for."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        must_change = Member.objects.filter(
            user_id=_user_id(request), must_change_password=True
        ).exists()
        if must_change:
            messages.info(request, "这是您第一次登录，请先把初始密码改成您自己的密码。")
            back = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('portal:password')}?{back}")
        return view(request, *args, **kwargs)

    return wrapped


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
        (
            "portal:cadres",
            "副科级及以上干部社区表现反馈卡",
            any(role in roles for role in CADRE_CARD_ROLES),
        ),
        ("portal:me", "我的党员信息", has_member),
    ]
    return [(reverse(name), label) for name, label, shown in pages if shown]


@member_portal_required
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
    roles = _roles(request.user)
    if not any(role in roles for role in CADRE_CARD_ROLES) and not request.user.is_superuser:
        raise PermissionDenied("本页面供街道党工委和区委组织部使用。")
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
def _own_member(request: HttpRequest) -> Member:
    member = (
        Member.objects.filter(user_id=_user_id(request))
        .select_related("branch", "branch__parent")
        .first()
    )
    if member is None:
        raise Http404("您的账号尚未关联党员信息，请联系所在党支部。")
    return member


def _post_key(post: member_selectors.OpenPost) -> str:
    return f"{post.community.pk}-{post.kind.pk}"


def _post_choices(member: Member) -> dict[str, member_selectors.OpenPost]:
    return {_post_key(post): post for post in member_selectors.member_open_post_list(member)}


def _me_context(member: Member, claim_form: PostClaimForm | None) -> dict[str, Any]:
    """Everything on the member's page, each read by its app's selector, only their own."""
    today = timezone.localdate()
    context = {"title": "我的党员信息", "member": member, **selectors.member_page(member)}
    context["cards"] = [(card, _label(card.period)) for card in context.pop("card_list")]
    # The same computation as the admin's 党费 page: what is owed is the unpaid months only (a
    # month paid late is no longer owed, though a run of six stays flagged until decided).
    context["dues"] = member_dues_page(member, year=today.year, today=today)
    context["payments"] = member_payment_list(member)
    context["paid_months"] = paid_months(context["payments"], today.year)
    context["attendances"] = member_attendance_list(member.pk)
    year_start = today.replace(month=1, day=1)
    context["attendance_year"] = attendance_summary([member.pk], year_start, today).get(member.pk)
    posts = _post_choices(member)
    if claim_form is None:
        choices = [(key, f"{p.kind.name}（{p.community.name}）") for key, p in posts.items()]
        claim_form = PostClaimForm(choices=choices)
    context["claim_form"] = claim_form if posts else None
    context["events"] = member_event_list(member)
    return context


@member_portal_required
def me(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    return render(request, "portal/me.html", _me_context(member, None))


@require_POST
@member_portal_required
def me_claim(request: HttpRequest) -> HttpResponse:
    """认领 a service post: pending until the community approves it."""
    member = _own_member(request)
    posts = _post_choices(member)
    choices = [(key, f"{p.kind.name}（{p.community.name}）") for key, p in posts.items()]
    form = PostClaimForm(request.POST, choices=choices)
    if form.is_valid():
        post = posts[form.cleaned_data["post"]]
        try:
            member_services.post_claim_submit(
                member=member, kind=post.kind, community=post.community,
                commitment=form.cleaned_data["commitment"], actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, f"已认领“{post.kind.name}”，待{post.community.name}审核。")
            return redirect(reverse("portal:me") + "#posts")
    return render(request, "portal/me.html", _me_context(member, form), status=400)


@require_POST
@member_portal_required
def me_signup(request: HttpRequest, pk: int) -> HttpResponse:
    """报名 a coming activity of the member's community, within its places and deadline."""
    member = _own_member(request)
    communities = member_selectors.member_communities(member)
    event = get_object_or_404(CommunityEvent.objects.filter(community__in=communities), pk=pk)
    try:
        event_services.event_signup_create(event=event, member=member, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已报名“{event.title}”（{event.held_on:%Y-%m-%d}）。")
    return redirect(reverse("portal:me") + "#events")


@require_POST
@member_portal_required
def me_signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """取消报名: the member's own sign-up, before the activity's day."""
    member = _own_member(request)
    signup = get_object_or_404(member.event_signups.select_related("event", "member"), event_id=pk)
    try:
        event_services.event_signup_cancel(signup=signup, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        event = signup.event
        messages.success(request, f"已取消“{event.title}”（{event.held_on:%Y-%m-%d}）的报名。")
    return redirect(reverse("portal:me") + "#events")


class MemberPasswordChangeView(auth_views.PasswordChangeView):
    """The member sets their own password; required at the first login with a printed one."""

    template_name = "portal/password.html"
    form_class = PortalPasswordChangeForm
    success_url = reverse_lazy("portal:home")
    extra_context = {"title": "修改密码"}

    def get_success_url(self) -> str:
        """Back to the page that asked for the new password (a QR sign-in), when it is ours."""
        wanted = self.request.POST.get("next") or self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return wanted
        return str(self.success_url)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.GET.get("next", "")
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        member = Member.objects.filter(user_id=_user_id(self.request)).first()
        if member is not None:
            login_services.member_password_changed(member=member, actor=self.request.user)
        messages.success(self.request, "密码已修改，请牢记新密码。")
        return response
