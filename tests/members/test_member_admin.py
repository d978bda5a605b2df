"""The member admin as each user sees it: masked lists, scoped search and filters, logged reads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Member, MemberCategory, PersonalDataAccess
from organizations.rules import OrganizationKind as K
from tests.members.factories import MemberFactory
from tests.organizations.factories import OrganizationFactory

CHANGELIST = "admin:members_member_changelist"


def change(member: Member) -> str:
    return reverse("admin:members_member_change", args=[member.pk])


@pytest.fixture
def member_a(tree) -> Member:
    return MemberFactory(
        name="甲党员", branch=tree.branch_a, phone="13812345678", categories=["retired"]
    )


@pytest.fixture
def member_b(tree) -> Member:
    return MemberFactory(name="乙党员", branch=tree.branch_b, phone="13987654321")


@pytest.fixture
def member_ub(tree) -> Member:
    """Held by unit B's party organization."""
    return MemberFactory(
        name="乙医院党员", branch=tree.unit_b.party_organization, categories=["in_service"]
    )


@pytest.mark.parametrize(
    "who", ["superuser", "secretary_a", "sub_district_officer", "branch_officer_a", "reviewer_b"]
)
def test_changelist_opens_for_every_role(client, request, member_a, member_ub, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(CHANGELIST)).status_code == 200


@pytest.mark.parametrize("page", ["add", "import", "export"])
def test_secretary_pages_open(client, secretary_a, page) -> None:
    client.force_login(secretary_a)
    assert client.get(reverse(f"admin:members_member_{page}")).status_code == 200


def test_list_masks_citizen_id_and_phone_and_shows_categories(client, secretary_a, member_a):
    client.force_login(secretary_a)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert member_a.masked_citizen_id in page
    assert member_a.citizen_id not in page
    assert "13812345678" not in page
    assert "离退休" in page
    assert "甲社区第一党支部" in page


def test_search_by_last_digits_full_id_name_and_phone(client, secretary_a, member_a, tree):
    other = MemberFactory(name="另一党员", branch=tree.branch_a)
    client.force_login(secretary_a)

    def found(term: str) -> set[str]:
        response = client.get(reverse(CHANGELIST), {"q": term})
        return {m.name for m in response.context["cl"].result_list}

    assert found(member_a.citizen_id[-4:]) == {"甲党员"}
    assert found(member_a.citizen_id) == {"甲党员"}
    assert found(member_a.citizen_id.lower()) == {"甲党员"}
    assert found("甲党") == {"甲党员"}
    assert found("13812345678") == {"甲党员"}
    assert found(other.citizen_id[-6:]) == {"另一党员"}


def test_one_character_finds_the_surname_the_work_unit_and_the_branch(
    client, secretary_a, secretary_b, tree
) -> None:
    """One Chinese character is a surname: names and work units beginning with it, and members
    of branches whose name holds it; within the user's scope. Two characters: anywhere."""
    MemberFactory(name="王小明", branch=tree.branch_a)
    MemberFactory(name="李王芳", branch=tree.branch_a)  # 王 inside the name: not a surname
    MemberFactory(name="张三", branch=tree.branch_a, work_unit="王府井百货")
    MemberFactory(name="赵四", branch=tree.branch_a, work_unit="东王庄小学")
    MemberFactory(name="王五", branch=tree.branch_b)  # community B's
    lane = OrganizationFactory(
        name="王家胡同党支部", code="SD-A-W", kind=K.BRANCH, parent=tree.community_a
    )
    grouped = MemberFactory(name="钱六", branch=lane)
    client.force_login(secretary_a)

    def found(term: str) -> set[str]:
        response = client.get(reverse(CHANGELIST), {"q": term})
        return {m.name for m in response.context["cl"].result_list}

    assert found("王") == {"王小明", "张三", grouped.name}
    assert found(" 王 ") == {"王小明", "张三", grouped.name}
    assert found("王芳") == {"李王芳"}
    assert found("王庄") == {"赵四"}
    client.force_login(secretary_b)
    assert found("王") == {"王五"}


def test_secretary_b_never_sees_community_a_members(client, secretary_b, member_a, member_b):
    client.force_login(secretary_b)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "乙党员" in page
    assert "甲党员" not in page
    searched = client.get(reverse(CHANGELIST), {"q": member_a.citizen_id[-4:]})
    assert list(searched.context["cl"].result_list) == []
    assert client.get(change(member_a)).status_code == 404
    history = reverse("admin:members_member_history", args=[member_a.pk])
    assert client.get(history).status_code == 404


def test_unit_reviewer_sees_only_its_units_members_masked(
    client, reviewer_b, member_a, member_b, member_ub
) -> None:
    client.force_login(reviewer_b)
    names = {m.name for m in client.get(reverse(CHANGELIST)).context["cl"].result_list}
    assert names == {"乙医院党员"}
    page = client.get(change(member_ub))
    assert page.status_code == 200
    assert member_ub.citizen_id not in page.content.decode()
    assert member_ub.masked_citizen_id in page.content.decode()
    assert not page.context["has_change_permission"]
    assert client.get(change(member_b)).status_code == 404


def test_branch_officer_sees_masked_id_and_cannot_change_it(client, branch_officer_a, member_a):
    client.force_login(branch_officer_a)
    response = client.get(change(member_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert member_a.masked_citizen_id in page
    assert member_a.citizen_id not in page
    assert "13812345678" not in page
    form = response.context["adminform"].form
    assert "citizen_id" not in form.fields
    assert "phone" not in form.fields
    assert not PersonalDataAccess.objects.exists()


def test_secretary_sees_full_id_and_the_view_is_logged(client, secretary_a, member_a) -> None:
    client.force_login(secretary_a)
    page = client.get(change(member_a)).content.decode()
    assert member_a.citizen_id in page
    assert "13812345678" in page
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.member, log.action) == (secretary_a, member_a, "view")


def _post_data(member: Member, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": member.name,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": f"{member.birth_date:%Y-%m-%d}",
        "citizen_id": member.citizen_id,
        "education": member.education,
        "phone": member.phone,
        "address": member.address,
        "status": member.status,
        "joined_on": f"{member.joined_on:%Y-%m-%d}",
        "full_member_on": f"{member.full_member_on:%Y-%m-%d}" if member.full_member_on else "",
        "branch": member.branch_id,
        "categories": list(member.categories.values_list("pk", flat=True)),
        "work_unit": member.work_unit,
        "residence_community": member.residence_community_id or "",
        "monthly_income": member.monthly_income or "",
    }
    data.update(changes)
    return data


def test_secretary_changes_categories_with_checkboxes(client, secretary_a, member_a) -> None:
    client.force_login(secretary_a)
    form = client.get(change(member_a)).context["adminform"].form
    assert form.fields["categories"].widget.widget.input_type == "checkbox"
    floating = MemberCategory.objects.get(code="floating")
    response = client.post(change(member_a), _post_data(member_a, categories=[floating.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(member_a.categories.values_list("code", flat=True)) == ["floating"]
    assert member_a.history.first().history_user == secretary_a


def test_branch_officer_post_cannot_change_citizen_id(client, branch_officer_a, member_a):
    client.force_login(branch_officer_a)
    data = _post_data(member_a, citizen_id="110101199001011237", phone="13000000000")
    data["name"] = "改名"
    assert client.post(change(member_a), data).status_code == 302
    member_a.refresh_from_db()
    assert member_a.name == "改名"
    assert member_a.phone == "13812345678"
    assert member_a.citizen_id != "110101199001011237"


def test_form_choices_are_the_users_organizations(client, tree, secretary_a, member_a) -> None:
    client.force_login(secretary_a)
    form = client.get(reverse("admin:members_member_add")).context["adminform"].form
    branches = set(form.fields["branch"].queryset.values_list("code", flat=True))
    assert branches == {"SD-A-1"}  # a branch holds members, not the community or a group (9.5)
    groups = set(form.fields["group"].queryset.values_list("code", flat=True))
    assert groups == {"SD-A-1-1"}
    communities = set(form.fields["residence_community"].queryset.values_list("code", flat=True))
    assert communities == {"SD-A", "SD-B"}  # where a member lives is not a matter of scope


def test_posting_an_out_of_scope_branch_saves_nothing(client, tree, secretary_a, member_a):
    client.force_login(secretary_a)
    response = client.post(change(member_a), _post_data(member_a, branch=tree.branch_b.pk))
    assert response.status_code == 200
    assert Member.objects.get(pk=member_a.pk).branch == tree.branch_a


def test_branch_filter_offers_only_visible_organizations(
    client, tree, secretary_a, member_a, member_b
) -> None:
    """The 所在党组织 filter is a picker (a sub-district has thousands of branches): what it
    offers comes from the autocomplete, within the user's scope; the page does not list them."""
    client.force_login(secretary_a)
    response = client.get(reverse(CHANGELIST))
    spec = next(
        s for s in response.context["cl"].filter_specs if getattr(s, "field_path", "") == "branch"
    )
    assert [value for value, _ in spec.lookup_choices] == [""]  # nothing rendered up front
    params = {"app_label": "members", "model_name": "member", "field_name": "branch", "term": ""}
    offered = {
        r["text"] for r in client.get(reverse("admin:autocomplete"), params).json()["results"]
    }
    assert any("甲社区第一党支部" in text for text in offered)
    assert not any("乙社区" in text for text in offered)
    chosen = client.get(reverse(CHANGELIST), {"branch__id__exact": tree.branch_a.pk})
    assert list(chosen.context["cl"].result_list) == [member_a]


def test_personal_data_log_is_read_only_and_scoped(
    client, superuser, secretary_a, secretary_b, member_a
) -> None:
    client.force_login(secretary_a)
    client.get(change(member_a))
    url = reverse("admin:members_personaldataaccess_changelist")
    assert "甲党员" in client.get(url).content.decode()
    assert client.get(reverse("admin:members_personaldataaccess_add")).status_code == 403
    client.force_login(secretary_b)
    assert "甲党员" not in client.get(url).content.decode()
    client.force_login(superuser)
    assert "甲党员" in client.get(url).content.decode()


def test_history_page_masks_personal_changes_for_branch_officer(
    client, secretary_a, branch_officer_a, member_a
) -> None:
    client.force_login(secretary_a)
    response = client.post(change(member_a), _post_data(member_a, phone="13011112222"))
    assert response.status_code == 302
    history = reverse("admin:members_member_history", args=[member_a.pk])
    assert "13011112222" in client.get(history).content.decode()
    client.force_login(branch_officer_a)
    page = client.get(history).content.decode()
    assert "13812345678" not in page
    assert "13011112222" not in page
    assert "130****2222" in page


# --- the member page (issue 8) --------------------------------------------------------------------
def test_member_page_shows_age_standing_and_a_tab_per_record_kind(
    client, tree, secretary_a, member_a
) -> None:
    import datetime as dt

    from django.utils import timezone

    from members.rules import age_on
    from tests.members.factories import FloatingRecordFactory, ReviewFactory

    FloatingRecordFactory(member=member_a, place="广东省深圳市")
    ReviewFactory(member=member_a, year=2025)
    client.force_login(secretary_a)
    page = client.get(change(member_a))
    html = page.content.decode()
    assert f"{age_on(member_a.birth_date, timezone.localdate())}岁" in html
    assert f"自{member_a.full_member_on:%Y年%m月%d日}转正起" in html
    titles = [tab.title for tab in page.context["record_tabs"]]
    assert titles == [
        "会议出席",
        "党费",
        "发展党员",
        "报到登记",
        "服务岗位",
        "社区活动",
        "民主评议",
        "量化考核",
        "流动党员",
        "组织关系接转",
        "设岗定责",
        "为社区办实事",
    ]
    assert "广东省深圳市" in html
    assert "查看修改历史" in html
    assert dt.date  # (the module is used above)


def test_member_page_tabs_hold_only_what_the_user_may_see(
    client, tree, reviewer_b, member_ub
) -> None:
    from tests.members.factories import FloatingRecordFactory

    FloatingRecordFactory(member=member_ub, place="不该看到的地点")
    client.force_login(reviewer_b)
    html = client.get(change(member_ub)).content.decode()
    assert "不该看到的地点" not in html


def test_sex_and_birth_date_come_from_the_id_when_left_empty(client, tree, secretary_a) -> None:
    import datetime as dt

    from members.rules import Gender
    from tests.members.factories import make_citizen_id

    citizen_id = make_citizen_id(dt.date(1985, 6, 7), Gender.FEMALE, 11)
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_member_add"),
        {"name": "新党员", "ethnicity": "汉族", "citizen_id": citizen_id, "status": "full",
         "joined_on": "2010-07-01", "full_member_on": "2011-07-01", "branch": tree.branch_a.pk},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    member = Member.objects.get(citizen_id=citizen_id)
    assert (member.gender, member.birth_date) == (Gender.FEMALE, dt.date(1985, 6, 7))
