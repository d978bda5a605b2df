"""The browser admin as each user sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from organizations.models import CommitteeMember, JointCommittee, Organization, Position, Unit
from organizations.rules import OrganizationKind as K
from tests.organizations.factories import (
    CommitteeMemberFactory,
    JointCommitteeFactory,
    PositionFactory,
)

ADMIN_MODELS = [
    "organization",
    "position",
    "unit",
    "jointcommittee",
    "committeemember",
]


def changelist(model: str) -> str:
    return reverse(f"admin:organizations_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:organizations_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def committee_a(tree) -> JointCommittee:
    committee = JointCommitteeFactory(community=tree.community_a, name="甲社区大党委")
    committee.member_units.add(tree.unit_a)
    CommitteeMemberFactory(committee=committee, person_name="甲委员", unit=tree.unit_a)
    return committee


@pytest.fixture
def committee_b(tree) -> JointCommittee:
    committee = JointCommitteeFactory(community=tree.community_b, name="乙社区大党委")
    CommitteeMemberFactory(committee=committee, person_name="乙委员")
    return committee


@pytest.mark.parametrize("model", ADMIN_MODELS)
@pytest.mark.parametrize("who", ["superuser", "secretary_a", "sub_district_officer"])
def test_changelists_open(client, request, tree, committee_a, model, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(changelist(model)).status_code == 200


@pytest.mark.parametrize(
    "model", ["organization", "position", "unit", "jointcommittee", "committeemember"]
)
def test_add_pages_open_for_secretary(client, secretary_a, model) -> None:
    client.force_login(secretary_a)
    assert client.get(reverse(f"admin:organizations_{model}_add")).status_code == 200


def test_secretary_list_shows_own_community_only(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    page = client.get(changelist("organization")).content.decode()
    assert "甲社区第一党支部" in page
    assert "乙社区" not in page


def test_change_page_of_other_community_is_404(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    for obj in (tree.community_b, tree.branch_b, tree.unit_c):
        assert client.get(change(obj)).status_code == 404
    assert (
        client.get(
            reverse("admin:organizations_organization_history", args=[tree.branch_b.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("admin:organizations_organization_delete", args=[tree.branch_b.pk])
        ).status_code
        == 404
    )


def test_missing_and_hidden_objects_answer_the_same(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    hidden = client.get(change(tree.branch_b))
    missing = client.get(reverse("admin:organizations_organization_change", args=[999999]))
    assert hidden.status_code == missing.status_code == 404


def test_linked_unit_org_is_read_only_for_secretary(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    page = client.get(change(tree.unit_b.party_organization))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(
        change(tree.unit_b.party_organization), {"name": "改名", "code": "U-B", "kind": K.UNIT_ORG}
    )
    assert response.status_code == 403
    assert Organization.objects.get(code="U-B").name == "乙医院党委"


def test_parent_choices_are_the_secretarys_scope(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    form = client.get(reverse("admin:organizations_organization_add")).context["adminform"].form
    choices = set(form.fields["parent"].queryset.values_list("code", flat=True))
    assert choices == {"SD-A", "SD-A-1", "SD-A-1-1", "U-A"}


def test_autocomplete_offers_only_editable_parents(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    url = reverse("admin:autocomplete")
    params = {"app_label": "organizations", "model_name": "organization", "field_name": "parent"}
    found = {r["text"] for r in client.get(url, {**params, "term": "社区"}).json()["results"]}
    assert found == {"甲社区党委", "甲社区第一党支部", "甲社区第一党小组"}
    assert client.get(url, {**params, "term": "乙"}).json()["results"] == []


def test_posting_an_out_of_scope_parent_saves_nothing(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    data = {
        "name": "偷建的支部",
        "code": "SD-B-9",
        "kind": K.BRANCH,
        "parent": tree.community_b.pk,
        "is_active": "on",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:organizations_organization_add"), data)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Organization.objects.filter(code="SD-B-9").exists()


def test_secretary_adds_branch_with_secretary_through_admin(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    data = {
        "name": "甲社区第二党支部",
        "code": "SD-A-2",
        "kind": K.BRANCH,
        "parent": tree.community_a.pk,
        "is_active": "on",
        "positions-TOTAL_FORMS": "1",
        "positions-INITIAL_FORMS": "0",
        "positions-0-title": "secretary",
        "positions-0-holder_name": "赵书记",
        "positions-0-start_date": "2025-01-01",
    }
    response = client.post(reverse("admin:organizations_organization_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    branch = Organization.objects.get(code="SD-A-2")
    position = Position.objects.get(organization=branch)
    assert position.history.get().history_user == secretary_a
    assert branch.history.get().history_user == secretary_a


def test_wrong_parent_kind_shows_chinese_error_in_admin(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    data = {
        "name": "错位小组",
        "code": "SD-A-X",
        "kind": K.GROUP,
        "parent": tree.community_a.pk,
        "is_active": "on",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:organizations_organization_add"), data)
    assert "党小组不能设在社区党委之下，上级只能是党支部。" in response.content.decode()
    assert not Organization.objects.filter(code="SD-A-X").exists()


def test_top_of_scope_cannot_be_moved_by_its_secretary(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    form = client.get(change(tree.community_a)).context["adminform"].form
    assert "parent" not in form.fields
    assert "name" in form.fields


def test_history_page_shows_who_changed_what(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    data = {
        "name": "甲社区第一党支部（更名）",
        "code": "SD-A-1",
        "kind": K.BRANCH,
        "parent": tree.community_a.pk,
        "is_active": "on",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
    }
    assert client.post(change(tree.branch_a), data).status_code == 302
    page = client.get(
        reverse("admin:organizations_organization_history", args=[tree.branch_a.pk])
    ).content.decode()
    assert "secretary_a" in page
    assert "甲社区第一党支部（更名）" in page


def test_committee_term_error_shown_in_admin_inline(client, tree, secretary_a, committee_a) -> None:
    client.force_login(secretary_a)
    member = committee_a.members.get()
    data = {
        "community": tree.community_a.pk,
        "kind": committee_a.kind,
        "name": committee_a.name,
        "member_units": [tree.unit_a.pk],
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "1",
        "members-0-id": member.pk,
        "members-0-committee": committee_a.pk,
        "members-0-person_name": member.person_name,
        "members-0-role": "member",
        "members-0-unit": tree.unit_a.pk,
        "members-0-term_start": "2024-01-01",
        "members-0-term_end": "2026-12-31",
        "members-1-committee": committee_a.pk,
        "members-1-person_name": "新委员",
        "members-1-role": "member",
        "members-1-term_start": "2025-01-01",
        "members-1-term_end": "2028-06-30",
    }
    response = client.post(change(committee_a), data)
    assert "委员每届任期最长3年，本届最晚应于2028-01-01结束。" in response.content.decode()
    assert not CommitteeMember.objects.filter(person_name="新委员").exists()


def test_unit_list_masks_contact_phone(client, tree, secretary_a) -> None:
    Unit.objects.filter(pk=tree.unit_a.pk).update(contact_phone="13812345678")
    client.force_login(secretary_a)
    page = client.get(changelist("unit")).content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page


def test_unit_reviewer_sees_own_unit_only_and_cannot_add(client, tree, reviewer_b) -> None:
    client.force_login(reviewer_b)
    page = client.get(changelist("unit")).content.decode()
    assert "乙医院" in page
    assert "甲小学" not in page
    assert client.get(reverse("admin:organizations_organization_add")).status_code == 403


def test_export_contains_only_visible_organizations(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    url = reverse("admin:organizations_organization_export")
    csv = "1"  # the export formats are .xlsx, .csv (kit.spreadsheets)
    response = client.post(url, {"format": csv, **{f"resource_{f}": "on" for f in []}})
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        form = response.context["form"]
        data = {"format": csv}
        for name, _field in form.fields.items():
            if name.startswith("organizationresource_") or name.endswith("_export"):
                data[name] = "on"
        response = client.post(url, data)
    content = response.content.decode("utf-8-sig")
    assert "名称" in content
    assert "上级组织代码" in content
    assert "甲社区第一党支部" in content
    assert "乙社区" not in content


def test_tree_page_and_pdf_are_scoped(client, tree, secretary_a) -> None:
    PositionFactory(
        organization=tree.community_a, holder_name="甲书记", start_date=dt.date(2020, 1, 1)
    )
    client.force_login(secretary_a)
    page = client.get(reverse("admin:organizations_organization_tree")).content.decode()
    assert "甲社区第一党小组" in page
    assert "甲书记" in page
    assert "乙社区" not in page
    pdf = reverse("admin:common_document_print", args=["organization_tree"])
    assert client.get(pdf, {"organization": tree.community_b.pk}).status_code == 404
    own = client.get(pdf, {"organization": tree.community_a.pk})
    assert (own.status_code, own["Content-Type"]) == (200, "application/pdf")


def test_admin_action_queues_tree_pdf_for_download(
    client, tree, secretary_a, django_capture_on_commit_callbacks
) -> None:
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist("organization"),
            {"action": "print_organization_tree", "_selected_action": [tree.community_a.pk]},
            follow=True,
        )
    assert "已提交1份“组织架构及班子成员”" in response.content.decode()
    page = client.get(reverse("admin:common_document_changelist")).content.decode()
    assert "已完成" in page
    assert "下载PDF" in page


def test_every_admin_page_links_to_the_tree(client, tree, secretary_a) -> None:
    client.force_login(secretary_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:organizations_organization_tree") in page
    assert "社区党建管理系统" in page


def test_refusals_are_explained_in_chinese(client, tree, secretary_a, reviewer_b) -> None:
    client.force_login(secretary_a)
    not_found = client.get(change(tree.branch_b))
    assert "没有找到该页面" in not_found.content.decode()
    client.force_login(reviewer_b)
    forbidden = client.get(reverse("admin:organizations_organization_add"))
    assert forbidden.status_code == 403
    assert "您无权进行此操作" in forbidden.content.decode()


def test_adding_a_unit_with_a_new_party_organization_founds_it(client, tree, secretary_a) -> None:
    """The unit form's 单位党组织名称/代码 (not fields of the unit) reach unit_save, declared on
    the admin (Services(arguments=form_values(...))): the organization is founded with the unit."""
    from organizations.models import UnitKind

    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:organizations_unit_add"),
        {
            "name": "甲社区卫生院",
            "kind": UnitKind.values[0],
            "community": tree.community_a.pk,
            "party_org_name": "甲社区卫生院党支部",
            "party_org_code": "U-WSY",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = Unit.objects.get(name="甲社区卫生院")
    assert unit.party_organization.name == "甲社区卫生院党支部"
    assert unit.party_organization.kind == K.UNIT_ORG
    assert unit.party_organization.code == "U-WSY"
