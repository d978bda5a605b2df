"""The forms outside the admin are rendered by django-crispy-forms (issue 21, item 7): the portal's
login, a unit's acknowledgement and its PDF request, and the QR sign-in. Each shows its fields in
crispy's markup, each error in Chinese next to its field (or above the fields when it is the
form's own), and still posts."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities import services as meeting_services
from activities.models import Meeting
from activities.rules import MeetingKind
from organizations import services as organization_services
from organizations.roles import Role
from tests.activities.test_portal import cards, logged_in  # noqa: F401  (the fixture)
from tests.organizations.factories import UserFactory


def _block(page: str, name: str) -> str:
    """Crispy's markup of one field: from its wrapper `div_id_<name>` to the next field's."""
    start = page.index(f'id="div_id_{name}"')
    following = page.find('id="div_id_', start + 1)
    return page[start : following if following > 0 else page.index("</form>", start)]


def test_the_portal_login_is_rendered_by_crispy(db: None) -> None:
    page = Client().get(reverse("portal:login")).content.decode()
    username = _block(page, "username")
    assert re.search(
        r'<label\s+for="id_username" class="form-label requiredField">\s*用户名', username
    )
    assert re.search(r'<input [^>]*class="textinput form-control"', username)
    assert re.search(r'<input [^>]*type="password"[^>]*class="passwordinput form-control"', page)
    assert 'href="/static/css/forms.css"' in page
    assert "<style" not in page  # the portal's styles are static files (CSP)


def test_a_wrong_password_is_said_above_the_fields_and_an_empty_name_under_its_field(
    make_user: Any, tree: SimpleNamespace
) -> None:
    user = make_user(Role.MEMBER, tree.branch_a, "member_a")
    user.set_password("dangjian2026")
    user.save()
    client = Client()
    wrong = client.post(reverse("portal:login"), {"username": "member_a", "password": "x"})
    assert re.search(
        r'class="alert alert-block alert-danger">\s*<ul class="m-0">\s*<li>用户名或密码不正确',
        wrong.content.decode(),
    )
    empty = client.post(reverse("portal:login"), {"username": "", "password": "x"}).content.decode()
    assert re.search(r'class="textinput form-control is-invalid"', _block(empty, "username"))
    assert "<strong>请输入用户名</strong>" in _block(empty, "username")
    right = client.post(
        reverse("portal:login"), {"username": "member_a", "password": "dangjian2026"}
    )
    assert right.status_code == 302


def test_the_acknowledgement_is_rendered_by_crispy_and_a_long_comment_is_refused_under_it(
    cards: SimpleNamespace,  # noqa: F811
    reviewer_b: Any,
) -> None:
    client = logged_in(reviewer_b)
    url = reverse("portal:unit_card", args=[cards.li.pk])
    comment = _block(client.get(url).content.decode(), "unit_comment")
    assert re.search(r'class="form-label">\s*单位意见（党员在单位的工作表现）', comment)
    assert re.search(r'<textarea [^>]*class="textarea form-control"', comment)
    refused = _block(
        client.post(url, {"unit_comment": "好" * 2001}).content.decode(), "unit_comment"
    )
    assert "is-invalid" in refused
    assert "<strong>单位意见最多2000个字（现为2001个字）</strong>" in refused
    assert cards.li.__class__.objects.get(pk=cards.li.pk).acknowledged_at is None


def test_the_pdf_request_asks_the_period_through_crispy(
    cards: SimpleNamespace,  # noqa: F811
    reviewer_b: Any,
) -> None:
    page = logged_in(reviewer_b).get(reverse("portal:unit")).content.decode()
    period = _block(page, "period")
    assert re.search(r'<select [^>]*class="select form-select"', period)
    assert '<option value="2026H1">2026年上半年</option>' in period
    # One unit: nothing to choose, the organization goes as a hidden value.
    assert 'id="div_id_organization"' not in page
    assert re.search(r'<input type="hidden" name="organization"', page)


def test_a_reviewer_of_two_units_chooses_the_organization(
    cards: SimpleNamespace,  # noqa: F811
    reviewer_b: Any,
    tree: SimpleNamespace,
    superuser: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from common.models import Document

    organization_services.organization_access_grant(
        user=reviewer_b,
        organization=tree.unit_c.party_organization,
        role=Role.UNIT_REVIEWER,
        actor=superuser,
    )
    client = logged_in(reviewer_b)
    choice = _block(client.get(reverse("portal:unit")).content.decode(), "organization")
    assert re.search(r'<select [^>]*class="select form-select"', choice)
    for unit in (tree.unit_b, tree.unit_c):
        assert f">{unit.party_organization.name}</option>" in choice
    wanted = tree.unit_c.party_organization
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:unit_pdf"), {"period": "2026H1", "organization": wanted.pk})
    assert Document.objects.get().organization == wanted


def _open_meeting(tree: SimpleNamespace, secretary: Any) -> Meeting:
    """Held today without a start time: its sign-in is open all day."""
    return meeting_services.meeting_save(
        meeting=Meeting(
            organization=tree.branch_a,
            kind=MeetingKind.THEME_DAY,
            held_on=timezone.localdate(),
            topic="主题党日",
        ),
        actor=secretary,
    )


def test_a_refused_sign_in_is_said_by_the_form_in_chinese(
    tree: SimpleNamespace, secretary_a: Any
) -> None:
    meeting = _open_meeting(tree, secretary_a)
    client = Client()
    client.force_login(UserFactory(username="not_a_member"))
    url = reverse("admin:activities_meeting_sign_in", args=[meeting.sign_in_token])
    response = client.post(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(
        r'class="alert alert-block alert-danger">\s*<ul class="m-0">\s*<li>[^<]*没有关联党员档案',
        page,
    )
    assert "您已签到" not in page
    assert "<style" not in page
