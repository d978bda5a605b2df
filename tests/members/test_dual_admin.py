"""The 双联双管 admin as each user sees it: lists, forms, actions, filters and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import (
    PostClaim,
    PostClaimStatus,
    PostKind,
    Registration,
    RegistrationCampaign,
)
from members.rules import months_before, quarter_start
from tests.members.factories import ActivityRecordFactory, MemberFactory, RegistrationFactory
from tests.organizations.factories import UnitFactory

MODELS = ["registrationcampaign", "registration", "postkind", "postclaim", "activityrecord"]


def changelist(model: str) -> str:
    return reverse(f"admin:members_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:members_{obj._meta.model_name}_change", args=[obj.pk])


def resident(tree, name: str, branch=None, **kwargs):
    return MemberFactory(
        name=name,
        categories=["in_service"],
        branch=branch or tree.unit_b.party_organization,
        residence_community=tree.community_a,
        **kwargs,
    )


@pytest.fixture
def records(tree):
    """In community A: 乙医院's 张 (registered, one record, an approved claim) and 甲小学's 李."""
    zhang = resident(tree, "张乙医")
    li = resident(tree, "李甲校", branch=tree.unit_a.party_organization)
    campaign = RegistrationCampaign.objects.create(
        community=tree.community_a,
        name="春季报到",
        starts_on=dt.date(2026, 3, 1),
        deadline=dt.date(2026, 3, 31),
    )
    reg_zhang = RegistrationFactory(
        member=zhang, community=tree.community_a, unit=tree.unit_b, campaign=campaign
    )
    reg_li = RegistrationFactory(member=li, community=tree.community_a, unit=tree.unit_a)
    ActivityRecordFactory(member=zhang, community=tree.community_a, title="张的活动")
    ActivityRecordFactory(member=li, community=tree.community_a, title="李的活动")
    claim = PostClaim.objects.create(
        member=zhang,
        community=tree.community_a,
        kind=PostKind.objects.get(name="政策宣传岗"),
        commitment="张的承诺",
        claimed_on=dt.date(2026, 4, 1),
    )
    return type("Records", (), locals())


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("who", ["superuser", "secretary_a", "sub_district_officer"])
def test_changelists_and_add_pages_open(client, request, records, model, who) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(changelist(model)).status_code == 200
    assert client.get(reverse(f"admin:members_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", ["registration", "postclaim", "activityrecord"])
def test_unit_reviewer_reads_but_cannot_add(client, records, reviewer_b, model) -> None:
    client.force_login(reviewer_b)
    assert client.get(changelist(model)).status_code == 200
    assert client.get(reverse(f"admin:members_{model}_add")).status_code == 403


def test_change_pages_open_with_print_buttons(client, records, secretary_a) -> None:
    client.force_login(secretary_a)
    page = client.get(change(records.reg_zhang)).content.decode()
    assert "打印报到登记卡" in page
    record = records.zhang.activity_records.get()
    assert "参与社区活动记录卡" in client.get(change(record)).content.decode()
    assert "未报到名单" in client.get(change(records.campaign)).content.decode()


@pytest.mark.parametrize("model", ["registrationcampaign", "registration", "postclaim"])
def test_history_pages_open(client, records, secretary_a, model) -> None:
    obj = {"registrationcampaign": records.campaign, "registration": records.reg_zhang}.get(
        model, records.claim
    )
    client.force_login(secretary_a)
    url = reverse(f"admin:members_{model}_history", args=[obj.pk])
    assert client.get(url).status_code == 200


def test_activity_record_history_page_opens(client, records, secretary_a) -> None:
    record = records.zhang.activity_records.get()
    client.force_login(secretary_a)
    url = reverse("admin:members_activityrecord_history", args=[record.pk])
    assert client.get(url).status_code == 200


def test_post_kind_change_page_opens_for_superuser(client, tree, superuser) -> None:
    client.force_login(superuser)
    kind = PostKind.objects.get(name="党建联络岗")
    page = client.get(change(kind)).content.decode()
    assert "党建联络岗" in page
    assert client.get(reverse("admin:members_postkind_history", args=[kind.pk])).status_code == 200


def test_member_autocomplete_offers_only_visible_members(client, tree, secretary_a) -> None:
    resident(tree, "王在职")
    MemberFactory(name="王乙社区", categories=["in_service"], branch=tree.branch_b)
    client.force_login(secretary_a)
    page = client.get(reverse("admin:members_registration_add")).content.decode()
    assert "admin-autocomplete" in page
    params = {"app_label": "members", "model_name": "registration", "field_name": "member"}
    response = client.get(reverse("admin:autocomplete"), {**params, "term": "王"})
    assert {r["text"].split("（")[0] for r in response.json()["results"]} == {"王在职"}


def test_other_community_gets_404(client, records, secretary_b) -> None:
    client.force_login(secretary_b)
    for obj in (
        records.reg_zhang,
        records.claim,
        records.campaign,
        records.zhang.activity_records.get(),
    ):
        assert client.get(change(obj)).status_code == 404
    history = reverse("admin:members_registration_history", args=[records.reg_zhang.pk])
    assert client.get(history).status_code == 404
    unregistered = reverse(
        "admin:members_registrationcampaign_unregistered", args=[records.campaign.pk]
    )
    assert client.get(unregistered).status_code == 404
    assert "张乙医" not in client.get(changelist("registration")).content.decode()


def test_unit_reviewer_sees_only_its_own_units_members(client, records, reviewer_b) -> None:
    client.force_login(reviewer_b)
    for model in ("registration", "activityrecord", "postclaim"):
        page = client.get(changelist(model)).content.decode()
        assert "张乙医" in page, model
        assert "李甲校" not in page, model
    assert client.get(change(records.reg_li)).status_code == 404
    page = client.get(change(records.reg_zhang))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]


def test_registration_list_shows_unit_party_org_and_receipt(client, records, secretary_a) -> None:
    Registration.objects.filter(pk=records.reg_zhang.pk).update(
        receipt_returned_on=dt.date(2026, 3, 20)
    )
    client.force_login(secretary_a)
    page = client.get(changelist("registration"))
    content = page.content.decode()
    assert "乙医院党委" in content
    assert "甲小学党支部" in content
    rows = {r.member.name: r for r in page.context["cl"].result_list}
    assert rows["张乙医"].receipt_returned_on == dt.date(2026, 3, 20)


def test_registration_search_and_filters(client, records, secretary_a) -> None:
    client.force_login(secretary_a)
    found = client.get(changelist("registration"), {"q": "张乙"}).context["cl"].result_list
    assert [r.member.name for r in found] == ["张乙医"]
    by_unit = client.get(changelist("registration"), {"unit__id__exact": records.tree.unit_a.pk})
    assert [r.member.name for r in by_unit.context["cl"].result_list] == ["李甲校"]
    by_campaign = client.get(
        changelist("registration"), {"campaign__id__exact": records.campaign.pk}
    )
    assert [r.member.name for r in by_campaign.context["cl"].result_list] == ["张乙医"]


def registration_post(tree, member, **overrides) -> dict:
    return {
        "member": member.pk,
        "community": tree.community_a.pk,
        "unit": tree.unit_b.pk,
        "residence": "甲小区1栋",
        "speciality": "会计",
        "service_offer": "帮居民报税",
        "registered_on": "2026-05-01",
        **overrides,
    }


def test_secretary_registers_through_admin(client, tree, secretary_a) -> None:
    wang = resident(tree, "王新来")
    client.force_login(secretary_a)
    response = client.post(reverse("admin:members_registration_add"), registration_post(tree, wang))
    assert response.status_code == 302, response.content.decode()[:3000]
    registration = Registration.objects.get(member=wang)
    assert registration.history.get().history_user == secretary_a


def test_member_and_unit_choices_are_scoped(client, tree, secretary_a) -> None:
    resident(tree, "王在职")
    MemberFactory(name="赵退休", categories=["retired"], branch=tree.branch_a)
    MemberFactory(name="钱乙社区", categories=["in_service"], branch=tree.branch_b)
    client.force_login(secretary_a)
    form = client.get(reverse("admin:members_registration_add")).context["adminform"].form
    members = set(form.fields["member"].queryset.values_list("name", flat=True))
    assert members == {"王在职"}
    units = set(form.fields["unit"].queryset.values_list("name", flat=True))
    assert units == {"甲小学", "乙医院"}
    assert form.initial["community"] == tree.community_a.pk


def test_posting_a_member_out_of_scope_saves_nothing(client, tree, secretary_a) -> None:
    stranger = MemberFactory(name="钱乙社区", categories=["in_service"], branch=tree.branch_b)
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_registration_add"), registration_post(tree, stranger)
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Registration.objects.exists()


def test_duplicate_registration_shows_chinese_error(client, records, secretary_a) -> None:
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_registration_add"), registration_post(records.tree, records.zhang)
    )
    assert "该党员已在本社区报到登记" in response.content.decode()


def test_campaign_of_other_community_is_refused_in_form(client, tree, secretary_a) -> None:
    other = RegistrationCampaign.objects.create(
        community=tree.community_b, name="乙活动", starts_on=dt.date(2026, 1, 1),
        deadline=dt.date(2026, 2, 1),
    )  # fmt: skip
    wang = resident(tree, "王新来")
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_registration_add"),
        registration_post(tree, wang, campaign=other.pk),
    )
    assert response.status_code == 200
    assert not Registration.objects.exists()


# --- 需联系单位党组织 -------------------------------------------------------------------------------
def test_contact_filter_flags_inactive_and_unreported(client, tree, secretary_a) -> None:
    today = timezone.localdate()
    cutoff = months_before(today, 6)
    long_ago = today - dt.timedelta(days=800)
    for name, last in (("整半年", cutoff), ("差一天", cutoff + dt.timedelta(days=1))):
        member = resident(tree, name)
        RegistrationFactory(member=member, community=tree.community_a, unit=tree.unit_b,
                            registered_on=long_ago)  # fmt: skip
        ActivityRecordFactory(member=member, community=tree.community_a, date=last)
    reporter = resident(tree, "本季度报到")
    RegistrationFactory(member=reporter, community=tree.community_a, unit=tree.unit_b,
                        registered_on=long_ago)  # fmt: skip
    ActivityRecordFactory(
        member=reporter, community=tree.community_a, date=quarter_start(today), kind="report"
    )
    client.force_login(secretary_a)

    def names(value: str) -> set[str]:
        page = client.get(changelist("registration"), {"contact": value})
        return {r.member.name for r in page.context["cl"].result_list}

    assert names("inactive") == {"整半年"}
    assert names("not_reported") == {"整半年", "差一天"}
    page = client.get(changelist("registration")).content.decode()
    assert "需联系单位党组织" in page
    assert "6个月未参加活动" in page
    assert "本季度未报到" in page


# --- 未报到名单 ------------------------------------------------------------------------------------
def test_unregistered_page_lists_members_by_unit(client, records, secretary_a) -> None:
    resident(records.tree, "刘未报到")
    resident(records.tree, "陈未报到", branch=records.tree.unit_a.party_organization)
    client.force_login(secretary_a)
    url = reverse("admin:members_registrationcampaign_unregistered", args=[records.campaign.pk])
    page = client.get(url).content.decode()
    assert "刘未报到" in page
    assert "陈未报到" in page
    assert "乙医院（乙医院党委）" in page
    assert "张乙医" not in page  # registered before the deadline


# --- 设岗定责 -------------------------------------------------------------------------------------
def test_default_post_kinds_are_read_only_for_secretary(
    client, tree, secretary_a, superuser
) -> None:
    default = PostKind.objects.get(name="党建联络岗")
    client.force_login(secretary_a)
    page = client.get(change(default))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(change(default), {"name": "改名", "duties": ""})
    assert response.status_code == 403
    assert PostKind.objects.get(pk=default.pk).name == "党建联络岗"
    client.force_login(superuser)
    assert client.get(change(default)).context["has_change_permission"]


def test_secretary_adds_a_local_post_kind(client, tree, secretary_a, secretary_b) -> None:
    client.force_login(secretary_a)
    url = reverse("admin:members_postkind_add")
    assert client.post(url, {"name": "助老岗", "duties": "陪老人就医"}).status_code == 200
    response = client.post(url, {"name": "助老岗", "community": tree.community_a.pk, "duties": ""})
    assert response.status_code == 302
    kind = PostKind.objects.get(name="助老岗")
    page = client.get(changelist("postkind")).content.decode()
    assert "甲社区党委增设" in page
    assert "全街道通用" in page
    client.force_login(secretary_b)
    assert "助老岗" not in client.get(changelist("postkind")).content.decode()
    assert client.get(change(kind)).status_code == 404


def test_claim_is_added_pending_and_approved_by_action(client, tree, records, secretary_a) -> None:
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_postclaim_add"),
        {
            "member": records.li.pk,
            "community": tree.community_a.pk,
            "kind": PostKind.objects.get(name="文明示范岗").pk,
            "commitment": "带头文明养犬",
            "claimed_on": "2026-04-02",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    claims = PostClaim.objects.order_by("pk")
    assert all(c.status == PostClaimStatus.PENDING for c in claims)
    response = client.post(
        changelist("postclaim"),
        {"action": "approve", "_selected_action": [c.pk for c in claims]},
        follow=True,
    )
    assert "已批准2项岗位认领。" in response.content.decode()
    approved = PostClaim.objects.get(pk=records.claim.pk)
    assert (approved.status, approved.decided_by) == (PostClaimStatus.APPROVED, secretary_a)
    assert approved.decided_on == timezone.localdate()


def test_deciding_a_decided_claim_is_refused_with_a_message(client, records, secretary_a) -> None:
    client.force_login(secretary_a)
    url = changelist("postclaim")
    client.post(url, {"action": "reject", "_selected_action": [records.claim.pk]})
    response = client.post(
        url, {"action": "approve", "_selected_action": [records.claim.pk]}, follow=True
    )
    content = response.content.decode()
    assert "只有待审核的认领可以审核" in content
    assert PostClaim.objects.get().status == PostClaimStatus.REJECTED
    assert not client.get(change(records.claim)).context["has_change_permission"]


def test_reviewer_has_no_decision_actions(client, records, reviewer_b) -> None:
    client.force_login(reviewer_b)
    response = client.post(
        changelist("postclaim"), {"action": "approve", "_selected_action": [records.claim.pk]}
    )
    assert PostClaim.objects.get().status == PostClaimStatus.PENDING
    assert response.status_code in (200, 302, 403)


# --- Query counts ---------------------------------------------------------------------------------
def _grow(tree, start: int, n: int) -> None:
    """n more rows in every list of community A."""
    units = [UnitFactory(community=tree.community_a) for _ in range(3)]
    kinds = [
        PostKind.objects.create(name=f"岗位{start}-{i}", community=tree.community_a)
        for i in range(3)
    ]
    for i in range(start, start + n):
        member = resident(tree, f"党员{i}", branch=units[i % 3].party_organization)
        campaign = RegistrationCampaign.objects.create(
            community=tree.community_a, name=f"活动{i}", starts_on=dt.date(2026, 1, 1),
            deadline=dt.date(2026, 3, 1),
        )  # fmt: skip
        RegistrationFactory(
            member=member, community=tree.community_a, unit=units[i % 3], campaign=campaign
        )
        ActivityRecordFactory(member=member, community=tree.community_a)
        PostClaim.objects.create(
            member=member, community=tree.community_a, kind=kinds[i % 3], commitment="承诺",
            claimed_on=dt.date(2026, 4, 1),
        )  # fmt: skip
        PostKind.objects.create(name=f"增设岗{i}", community=tree.community_a)


def test_contact_filter_query_count_does_not_grow(
    client, tree, secretary_a, django_assert_max_num_queries
) -> None:
    client.force_login(secretary_a)
    _grow(tree, 0, 10)
    url = changelist("registration") + "?contact=not_reported&all="
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    _grow(tree, 10, 190)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- the 未报到名单 as a call list (issue 8) --------------------------------------------------------
def _campaign_with_one_unregistered(tree):
    import datetime as dt

    from tests.members.factories import RegistrationCampaignFactory

    campaign = RegistrationCampaignFactory(
        community=tree.community_a, starts_on=dt.date(2026, 3, 1), deadline=dt.date(2026, 4, 30)
    )
    member = MemberFactory(
        name="未报到者", branch=tree.unit_b.party_organization, categories=["in_service"],
        residence_community=tree.community_a, phone="13700001234",
    )  # fmt: skip
    return campaign, member


def test_call_list_shows_full_phones_to_the_secretary_and_logs_it(client, tree, secretary_a):
    from members.models import PersonalDataAccess

    campaign, member = _campaign_with_one_unregistered(tree)
    client.force_login(secretary_a)
    url = reverse("admin:members_registrationcampaign_unregistered", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "未报到者" in page
    assert "13700001234" in page
    assert PersonalDataAccess.objects.filter(user=secretary_a, member=member).exists()


def test_call_list_prints_and_exports(client, tree, secretary_a):
    import io

    import openpyxl

    from common.printables import print_url
    from members.models import PersonalDataAccess
    from tests.organizations.test_reports import pdf_text

    campaign, member = _campaign_with_one_unregistered(tree)
    client.force_login(secretary_a)
    page = reverse("admin:members_registrationcampaign_unregistered", args=[campaign.pk])
    url = print_url("campaign_unregistered", campaign=campaign.pk)
    assert url in client.get(page).content.decode()  # the page's print button
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf"
    _, text = pdf_text(pdf.content)
    assert "未报到者" in text
    assert "13700001234" in text
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content)).active
    assert [c.value for c in sheet[1]] == ["单位", "姓名", "所在党组织", "工作单位", "联系电话"]
    assert (sheet["B2"].value, sheet["E2"].value) == ("未报到者", "13700001234")
    logged = PersonalDataAccess.objects.filter(user=secretary_a, member=member)
    assert set(logged.values_list("action", flat=True)) == {"view", "print", "export"}


def test_call_list_printed_by_another_community_is_refused(client, tree, secretary_b):
    from common.printables import print_url

    campaign, _ = _campaign_with_one_unregistered(tree)
    client.force_login(secretary_b)
    for format in ("pdf", "xlsx"):
        url = print_url("campaign_unregistered", campaign=campaign.pk, format=format)
        assert client.get(url).status_code == 404
