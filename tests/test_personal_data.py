"""Personal data and access, probed as an attacker with a login would (issue 6).

Each test reproduces one finding of the probe: history pages that write, lookups that recover a
masked value, personal data shown without a log row, an add form that says where an ID lives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from members.models import FloatingRecord, Member, PersonalDataAccess
from members.rules import FloatingDirection
from organizations.models import OrganizationAccess
from organizations.roles import Role
from tests.members.factories import MemberFactory

MEMBERS = "admin:members_member_changelist"


@pytest.fixture
def member_a(tree: Any) -> Member:
    return MemberFactory(name="甲党员", branch=tree.branch_a, phone="13812345678")


@pytest.fixture
def floating_a(member_a: Member) -> FloatingRecord:
    return FloatingRecord.objects.create(
        member=member_a,
        direction=FloatingDirection.OUTFLOW,
        place="广东省深圳市",
        since=dt.date(2026, 1, 1),
        contact="13712345678",
        last_contact_on=dt.date(2026, 6, 1),
    )


def _history_pages(client: Any, name: str, obj: Any) -> tuple[str, str]:
    history = reverse(f"admin:{name}_history", args=[obj.pk])
    version = obj.history.latest().history_id
    return history, reverse(f"admin:{name}_simple_history", args=[obj.pk, version])


# --- 1. No history page may write ----------------------------------------------------------------
def test_read_only_user_cannot_rewrite_access_grant_through_history(
    client: Any, tree: Any, sub_district_officer: Any, branch_officer_a: Any
) -> None:
    access = OrganizationAccess.objects.get(user=branch_officer_a)
    client.force_login(sub_district_officer)
    _, version_url = _history_pages(client, "organizations_organizationaccess", access)
    response = client.post(
        version_url,
        {
            "user": branch_officer_a.pk,
            "organization": tree.sub_district.pk,
            "role": Role.SUB_DISTRICT_OFFICER,
        },
    )
    assert response.status_code == 403
    access.refresh_from_db()
    assert (access.organization_id, access.role) == (tree.branch_a.pk, Role.BRANCH_OFFICER)


def test_history_form_never_saves_even_for_a_superuser(
    client: Any, tree: Any, superuser: Any
) -> None:
    branch = tree.branch_a
    client.force_login(superuser)
    _, version_url = _history_pages(client, "organizations_organization", branch)
    response = client.post(version_url, {"name": "改名", "code": branch.code, "kind": branch.kind})
    assert response.status_code == 403
    branch.refresh_from_db()
    assert branch.name == "甲社区第一党支部"


def test_history_version_page_is_read_only(client: Any, tree: Any, secretary_a: Any) -> None:
    client.force_login(secretary_a)
    _, version_url = _history_pages(client, "organizations_organization", tree.branch_a)
    page = client.get(version_url)
    assert page.status_code == 200
    assert b'name="name"' not in page.content  # shown as text, not as an input that could post
    assert "甲社区第一党支部" in page.content.decode()


# --- 2. Masked fields cannot be looked up --------------------------------------------------------
@pytest.mark.parametrize(
    "lookup",
    [
        "citizen_id__startswith",
        "citizen_id__regex",
        "citizen_id__contains",
        "citizen_id__iexact",
        "citizen_id__gt",
        "citizen_id",
        "phone__startswith",
        "phone__regex",
        "phone",
        "address__contains",
    ],
)
def test_lookup_on_masked_member_field_is_refused(
    client: Any, member_a: Member, branch_officer_a: Any, lookup: str
) -> None:
    client.force_login(branch_officer_a)
    value = {"citizen_id": member_a.citizen_id[:6], "phone": "138"}.get(lookup.split("__")[0], "测")
    response = client.get(reverse(MEMBERS), {lookup: value})
    assert response.status_code == 400 or "e=1" in response.get("Location", "")


@pytest.mark.parametrize(
    ("name", "lookup"),
    [
        ("members_registration", "member__citizen_id__startswith"),
        ("members_floatingrecord", "contact__startswith"),
        ("members_floatingrecord", "member__phone__startswith"),
        ("members_review", "member__citizen_id__regex"),
    ],
)
def test_lookup_through_relations_on_masked_field_is_refused(
    client: Any, floating_a: FloatingRecord, branch_officer_a: Any, name: str, lookup: str
) -> None:
    client.force_login(branch_officer_a)
    response = client.get(reverse(f"admin:{name}_changelist"), {lookup: "13"})
    assert response.status_code == 400 or "e=1" in response.get("Location", "")


LOOKUPS = ("", "__exact", "__iexact", "__startswith", "__istartswith", "__endswith", "__contains",
           "__icontains", "__regex", "__iregex", "__gt", "__lt", "__range", "__in", "__isnull")  # fmt: skip


def _personal_paths() -> list[tuple[str, str]]:
    """(admin URL name, field path) for every personal field every admin could reach, own or one
    relation away."""
    found = []
    for model, _ in site._registry.items():
        paths = [("", model)] + [
            (f"{f.name}__", f.related_model)
            for f in model._meta.get_fields()
            if f.is_relation and f.related_model is not None and not f.auto_created
        ]
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        for prefix, target in paths:
            for field in getattr(target, "PERSONAL_FIELDS", ()):
                found.append((name, f"{prefix}{field}"))
    return found


@pytest.mark.parametrize(("name", "path"), _personal_paths())
def test_no_admin_accepts_a_lookup_on_a_personal_field(
    client: Any, floating_a: FloatingRecord, branch_officer_a: Any, secretary_a: Any,
    name: str, path: str,
) -> None:  # fmt: skip
    """Each lookup is put to the admin's own gate (`lookup_allowed`, what the change list asks of
    every parameter); the bare one also goes through the list's address, which proves the list
    asks it (a request renders the refusal page: fifteen of them per field cost seconds)."""
    model_admin = next(
        a for m, a in site._registry.items() if f"{m._meta.app_label}_{m._meta.model_name}" == name
    )
    for user in (branch_officer_a, secretary_a):  # without and with the permission
        client.force_login(user)
        response = client.get(reverse(f"admin:{name}_changelist"), {path: "1"})
        assert response.status_code in (400, 403), (path, response.status_code)
        request = RequestFactory().get("/")
        request.user = user
        for lookup in LOOKUPS:
            value = "1,2" if lookup in ("__range", "__in") else "1"
            assert not model_admin.lookup_allowed(path + lookup, value, request), path + lookup


def test_every_admin_of_a_model_with_personal_fields_masks_them() -> None:
    from kit.admin import PersonalFieldsMixin

    for model, model_admin in site._registry.items():
        if getattr(model, "PERSONAL_FIELDS", None):
            assert isinstance(model_admin, PersonalFieldsMixin), model


def test_ordering_by_a_masked_field_is_not_offered(branch_officer_a: Any) -> None:
    """Sorting by a hidden column is an oracle too: no admin may sort by a masked field."""
    for model, model_admin in site._registry.items():
        personal = set(getattr(model, "PERSONAL_FIELDS", ()))
        for column in model_admin.list_display:
            attr = getattr(model_admin, column, None) if isinstance(column, str) else column
            order = getattr(attr, "admin_order_field", column if isinstance(column, str) else "")
            assert str(order).lstrip("-").split("__")[-1] not in personal, (model, column)


def test_search_without_permission_matches_only_the_digits_the_mask_shows(
    client: Any, tree: Any, member_a: Member, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)

    def found(term: str) -> list[str]:
        response = client.get(reverse(MEMBERS), {"q": term})
        return [m.name for m in response.context["cl"].result_list]

    assert found(member_a.citizen_id[-4:]) == ["甲党员"]
    assert found(member_a.citizen_id[-6:]) == []  # more than the mask shows
    assert found(member_a.citizen_id) == []  # a full-ID oracle
    assert found("13812345678") == []  # a full-phone oracle
    assert found("1234") == []  # phone digits the mask hides
    assert found("5678") == ["甲党员"]  # the phone's last four, shown by the mask


def test_last_digit_search_without_permission_is_logged(
    client: Any, member_a: Member, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    client.get(reverse(MEMBERS), {"q": member_a.citizen_id[-4:]})
    log = PersonalDataAccess.objects.get(user=branch_officer_a)
    assert log.action == PersonalDataAccess.Action.SEARCH


def test_search_by_personal_data_is_logged(client: Any, member_a: Member, secretary_a: Any) -> None:
    client.force_login(secretary_a)
    response = client.get(reverse(MEMBERS), {"q": member_a.citizen_id})
    assert [m.name for m in response.context["cl"].result_list] == ["甲党员"]
    log = PersonalDataAccess.objects.get(user=secretary_a, action=PersonalDataAccess.Action.SEARCH)
    assert member_a.citizen_id not in log.detail  # the log keeps the term masked


# --- 4. Full values only with the permission, and logged -----------------------------------------
def test_member_history_masks_for_user_without_permission(
    client: Any, member_a: Member, branch_officer_a: Any, secretary_a: Any
) -> None:
    from members.services.member import member_save

    member_a.phone = "13800001111"
    member_save(member=member_a, actor=secretary_a, update_fields=["phone"])
    client.force_login(branch_officer_a)
    history, version = _history_pages(client, "members_member", member_a)
    for url in (history, version):
        page = client.get(url).content.decode()
        assert member_a.citizen_id not in page
        assert "13800001111" not in page
        assert "13812345678" not in page


def test_member_history_shows_full_values_to_permitted_user_and_logs_it(
    client: Any, member_a: Member, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    history, version = _history_pages(client, "members_member", member_a)
    before = PersonalDataAccess.objects.filter(user=secretary_a, member=member_a).count()
    assert member_a.citizen_id in client.get(version).content.decode()
    client.get(history)
    assert (
        PersonalDataAccess.objects.filter(user=secretary_a, member=member_a).count() == before + 2
    )


def test_floating_contact_is_masked_without_permission(
    client: Any, floating_a: FloatingRecord, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    change = reverse("admin:members_floatingrecord_change", args=[floating_a.pk])
    for url in (reverse("admin:members_floatingrecord_changelist"), change):
        page = client.get(url).content.decode()
        assert "13712345678" not in page
    assert "137****5678" in client.get(change).content.decode()


def test_floating_contact_shown_to_permitted_user_is_logged(
    client: Any, floating_a: FloatingRecord, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    change = reverse("admin:members_floatingrecord_change", args=[floating_a.pk])
    assert "13712345678" in client.get(change).content.decode()
    assert PersonalDataAccess.objects.filter(
        user=secretary_a, member=floating_a.member, action=PersonalDataAccess.Action.VIEW
    ).exists()


def test_member_page_masks_address_without_permission(
    client: Any, member_a: Member, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    page = client.get(reverse("admin:members_member_change", args=[member_a.pk])).content.decode()
    assert member_a.address not in page


# --- 8. The add form and the log ----------------------------------------------------------------
def test_add_form_does_not_say_where_an_existing_id_is(
    client: Any, tree: Any, secretary_b: Any, member_a: Member
) -> None:
    client.force_login(secretary_b)
    response = client.post(
        reverse("admin:members_member_add"),
        {
            "name": "冒名",
            "gender": member_a.gender,
            "ethnicity": "汉族",
            "birth_date": member_a.birth_date.isoformat(),
            "citizen_id": member_a.citizen_id,
            "status": "full",
            "joined_on": member_a.joined_on.isoformat(),
            "full_member_on": member_a.full_member_on.isoformat(),
            "branch": tree.branch_b.pk,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "组织关系转接" in page
    # (Every community is offered as a residence: their names are public, the branch is not.)
    for secret in (tree.branch_a.name, member_a.name, tree.branch_a.code):
        assert secret not in page
    assert Member.objects.filter(citizen_id=member_a.citizen_id).count() == 1


def test_access_log_outlives_its_member(member_a: Member, secretary_a: Any) -> None:
    from members.services.member import personal_data_access_record

    personal_data_access_record(
        actor=secretary_a, action=PersonalDataAccess.Action.VIEW, member=member_a, detail="查看"
    )
    label = member_a.masked_citizen_id
    member_a.delete()
    log = PersonalDataAccess.objects.get(user=secretary_a)
    assert log.member is None
    assert "甲党员" in log.member_label
    assert label in log.member_label


def test_autocomplete_is_no_way_around_the_search_limits(
    client: Any, member_a: Member, branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)

    def found(term: str) -> list[str]:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "term": term,
                "app_label": "members",
                "model_name": "floatingrecord",
                "field_name": "member",
            },
        )
        assert response.status_code == 200
        return [r["text"].split("（")[0] for r in response.json()["results"]]

    assert found(member_a.citizen_id[-4:]) == ["甲党员"]
    assert found(member_a.citizen_id) == []
    assert found("13812345678") == []


def test_member_picker_tells_namesakes_apart_without_the_full_id(
    client: Any, tree: Any, member_a: Member, branch_officer_a: Any
) -> None:
    twin = MemberFactory(name="甲党员", branch=tree.branch_a)
    client.force_login(branch_officer_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "甲党员", "app_label": "members", "model_name": "floatingrecord",
         "field_name": "member"},
    )  # fmt: skip
    texts = sorted(r["text"] for r in response.json()["results"])
    assert texts == sorted(
        f"甲党员（甲社区第一党支部，{m.masked_citizen_id}）" for m in (member_a, twin)
    )
    assert member_a.citizen_id not in "".join(texts)
