"""The member list's bulk actions (issue 22.11): 导出所选, 打印所选党员的报到登记卡, 编入党小组 —
each within the user's scope, an id from outside it never acted on."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from members.models import Member, PersonalDataAccess
from organizations.rules import OrganizationKind
from tests.members.factories import MemberFactory, RegistrationFactory
from tests.organizations.factories import OrganizationFactory

LIST = "admin:members_member_changelist"


def act(client: Any, action: str, members: list[Member], **extra: Any) -> Any:
    data = {"action": action, "_selected_action": [m.pk for m in members], "index": 0, **extra}
    return client.post(reverse(LIST), data)


def offered(client: Any) -> set[str]:
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    return {name for name, _ in response.context["action_form"].fields["action"].choices}


@pytest.fixture
def people(tree: Any) -> Any:
    """Two members of 甲's first branch, one of 甲's second branch, one of 乙 (outside 甲)."""
    second = OrganizationFactory(
        name="甲社区第二党支部", code="SD-A-2", kind=OrganizationKind.BRANCH,
        parent=tree.community_a,
    )  # fmt: skip
    return {
        "one": MemberFactory(name="甲一", branch=tree.branch_a),
        "two": MemberFactory(name="甲二", branch=tree.branch_a),
        "other_branch": MemberFactory(name="甲支部二", branch=second),
        "outside": MemberFactory(name="乙一", branch=tree.branch_b),
    }


# --- 导出所选 ---------------------------------------------------------------------------------------
def _sheet_names(response: Any) -> list[str]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("姓名", "性别", "民族", "出生日期", "公民身份号码")  # the roster's
    return [row[0] for row in rows[1:]]


def test_export_selected_is_the_roster_of_exactly_the_selected_members(
    client: Any, people: dict[str, Member], secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    response = act(client, "export_selected", [people["one"], people["other_branch"]])
    assert sorted(_sheet_names(response)) == ["甲一", "甲支部二"]
    assert PersonalDataAccess.objects.filter(user=secretary_a, action="export").count() == 1


def test_export_selected_ignores_an_id_from_outside_the_scope(
    client: Any, people: dict[str, Member], secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    response = act(client, "export_selected", [people["one"], people["outside"]])
    assert _sheet_names(response) == ["甲一"]


def test_export_selected_is_offered_only_with_a_roster_permission(
    client: Any, people: dict[str, Member], branch_officer_a: Any, reviewer_b: Any
) -> None:
    client.force_login(branch_officer_a)
    assert "export_selected" in offered(client)
    client.force_login(reviewer_b)
    assert "export_selected" not in offered(client)
    assert "place_in_group" not in offered(client)
    response = act(client, "export_selected", [people["outside"]])
    assert not response.get("Content-Type", "").startswith("application/vnd")


# --- 打印所选党员的报到登记卡 -----------------------------------------------------------------------
@pytest.fixture
def quick_pdfs(monkeypatch: Any) -> None:
    monkeypatch.setattr("kit.pdf.html_to_pdf", lambda html: b"%PDF-1.7 stub")


def test_print_cards_of_selected_members_gives_their_registration_cards(
    client: Any, tree: Any, people: dict[str, Member], secretary_a: Any, quick_pdfs: None
) -> None:
    card = RegistrationFactory(
        member__branch=tree.branch_a, member__name="报到党员", community=tree.community_a,
        unit=tree.unit_a,
    )  # fmt: skip
    client.force_login(secretary_a)
    response = act(client, "print_registration_cards", [card.member, people["one"]])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert PersonalDataAccess.objects.filter(user=secretary_a, member=card.member).exists()


def test_print_cards_says_why_when_no_selected_member_has_a_card(
    client: Any, people: dict[str, Member], secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    response = act(client, "print_registration_cards", [people["one"]])
    page = client.get(response["Location"]).content.decode()
    assert "所选党员都没有报到登记卡" in page


def test_print_cards_never_prints_a_card_from_outside_the_scope(
    client: Any, tree: Any, secretary_a: Any, quick_pdfs: None
) -> None:
    card = RegistrationFactory(
        member__branch=tree.branch_b, community=tree.community_b, unit=tree.unit_c
    )
    client.force_login(secretary_a)
    response = act(client, "print_registration_cards", [card.member])
    assert response.get("Content-Type") != "application/pdf"


# --- 编入党小组 ---------------------------------------------------------------------------------------
def test_place_in_group_asks_for_a_group_of_the_selected_members_branches(
    client: Any, tree: Any, people: dict[str, Member], secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    response = act(client, "place_in_group", [people["one"], people["two"]])
    page = response.content.decode()
    assert response.status_code == 200
    assert "甲一" in page
    assert "甲二" in page
    groups = list(response.context["form"].fields["group"].queryset)
    assert groups == [tree.group_a]


def test_place_in_group_places_own_branch_and_refuses_another_branch_in_chinese(
    client: Any, tree: Any, people: dict[str, Member], secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    chosen = [people["one"], people["two"], people["other_branch"]]
    response = act(client, "place_in_group", chosen, apply="1", group=tree.group_a.pk)
    page = client.get(response["Location"]).content.decode()
    assert "已将2名党员编入甲社区第一党小组" in page
    assert "甲支部二的组织关系在甲社区第二党支部，不能编入其他支部的党小组" in page
    placed = dict(Member.objects.values_list("name", "group__code"))
    assert placed["甲一"] == placed["甲二"] == "SD-A-1-1"
    assert placed["甲支部二"] is None
    history = people["one"].history.first()
    assert history.history_user == secretary_a


def test_place_in_group_never_touches_a_member_or_group_outside_the_scope(
    client: Any, tree: Any, people: dict[str, Member], secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    act(client, "place_in_group", [people["outside"]], apply="1", group=tree.group_a.pk)
    response = act(client, "place_in_group", [people["one"]], apply="1", group=tree.group_b.pk)
    assert "请选择列出的党小组" in response.content.decode()
    assert not Member.objects.filter(group__isnull=False).exists()


def test_branch_officer_places_its_members_in_its_groups(
    client: Any, tree: Any, people: dict[str, Member], branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    act(client, "place_in_group", [people["one"]], apply="1", group=tree.group_a.pk)
    assert Member.objects.get(name="甲一").group == tree.group_a
