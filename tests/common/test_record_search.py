"""记录搜索 (issue 22.11): the admin's command search finds members, organizations, units,
meetings and development cases, each through its own admin: only what the user may see, personal
data masked, a citizen ID or phone matched only as the member list allows; a few queries
whatever the number of matches."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.search import RESULTS_PER_MODEL
from kit.admin import touches_personal_field
from kit.apps import searchable_labels
from members.models import Member, PersonalDataAccess
from tests.activities.factories import MeetingFactory
from tests.members.factories import MemberFactory
from tests.publicity.factories import DevelopmentCaseFactory


def search(client: Any, term: str) -> list[Any]:
    response = client.get(reverse("admin:search"), {"s": term, "extended": "1"})
    assert response.status_code == 200
    return list(response.context["results"].object_list)


def titles(client: Any, term: str) -> list[str]:
    return [result.title for result in search(client, term)]


@pytest.fixture
def people(tree: Any) -> dict[str, Member]:
    return {
        "a": MemberFactory(name="王甲党员", branch=tree.branch_a, phone="13812345678"),
        "b": MemberFactory(name="王乙党员", branch=tree.branch_b, phone="13887654321"),
    }


def test_secretary_finds_own_communitys_member_and_not_another_communitys(
    client: Any, people: dict[str, Member], secretary_a: Any, secretary_b: Any
) -> None:
    client.force_login(secretary_a)
    found = titles(client, "王")
    assert [t for t in found if t.startswith("王甲党员")], found
    assert not [t for t in found if t.startswith("王乙党员")], found
    client.force_login(secretary_b)
    found = titles(client, "王")
    assert [t for t in found if t.startswith("王乙党员")], found
    assert not [t for t in found if t.startswith("王甲党员")], found


def test_a_result_links_to_the_record_and_shows_the_masked_id_only(
    client: Any, people: dict[str, Member], secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    response = client.get(reverse("admin:search"), {"s": "王甲", "extended": "1"})
    member = people["a"]
    result = next(r for r in response.context["results"].object_list if r.description == "党员")
    assert result.title == f"王甲党员（甲社区第一党支部，{member.masked_citizen_id}）"
    assert result.link == reverse("admin:members_member_change", args=[member.pk])
    page = response.content.decode()
    assert member.citizen_id not in page
    assert member.phone not in page


def test_phone_search_without_the_permission_finds_nothing(
    client: Any, people: dict[str, Member], branch_officer_a: Any
) -> None:
    client.force_login(branch_officer_a)
    assert titles(client, "13812345678") == []
    assert titles(client, people["a"].citizen_id) == []
    # what the list's mask shows may be searched (so the search itself works)
    assert [t for t in titles(client, "5678") if t.startswith("王甲党员")]


def test_phone_search_with_the_permission_finds_the_member_and_is_logged(
    client: Any, people: dict[str, Member], secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    found = titles(client, "13812345678")
    assert [t for t in found if t.startswith("王甲党员")], found
    assert PersonalDataAccess.objects.filter(user=secretary_a, action="search").exists()
    assert titles(client, "13887654321") == []  # community B's member: outside the scope


def test_organizations_meetings_and_cases_are_found_within_the_scope(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    MeetingFactory(organization=tree.branch_a, topic="学习二十大精神甲")
    MeetingFactory(organization=tree.branch_b, topic="学习二十大精神乙")
    DevelopmentCaseFactory(name="赵申请甲", branch=tree.branch_a)
    DevelopmentCaseFactory(name="赵申请乙", branch=tree.branch_b)
    client.force_login(secretary_a)
    meetings = titles(client, "学习二十大")
    assert meetings == ["2026-03-10 甲社区第一党支部 支部党员大会：学习二十大精神甲"]
    assert titles(client, "赵申请") == ["赵申请甲"]
    organizations = [r.title for r in search(client, "社区第一党支部") if r.description == "党组织"]
    assert organizations == ["甲社区第一党支部"]
    assert titles(client, "乙社区") == []


def test_a_member_out_of_the_scope_leaves_the_results_at_once(
    client: Any, tree: Any, people: dict[str, Member], secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    assert [t for t in titles(client, "王甲") if t.startswith("王甲党员")]
    Member.objects.filter(pk=people["a"].pk).update(branch=tree.branch_b)
    assert [t for t in titles(client, "王甲") if t.startswith("王甲党员")] == []


def test_many_matches_are_cut_with_a_link_to_the_list(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    for _ in range(RESULTS_PER_MODEL + 2):
        MemberFactory(name="李多", branch=tree.branch_a)
    client.force_login(secretary_a)
    results = search(client, "李多")
    members = [r for r in results if r.description == "党员"]
    assert len(members) == RESULTS_PER_MODEL
    more = results[-1]
    assert more.link == reverse("admin:members_member_changelist") + "?q=%E6%9D%8E%E5%A4%9A"


def test_queries_do_not_grow_with_the_matches(client: Any, tree: Any, secretary_a: Any) -> None:
    client.force_login(secretary_a)
    counts = []
    for name, many in (("周少", 1), ("周多", RESULTS_PER_MODEL)):
        for i in range(many):
            MemberFactory(name=name, branch=tree.branch_a)
            MeetingFactory(organization=tree.branch_a, topic=f"{name}{i}")
        client.get(reverse("admin:search"), {"s": name, "extended": "1"})  # warm the scope cache
        with CaptureQueriesContext(connection) as queries:
            assert len(search(client, name)) >= 2 * many
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_unit_reviewer_finds_only_its_own_units_members(
    client: Any, tree: Any, reviewer_b: Any
) -> None:
    MemberFactory(name="钱医生", branch=tree.unit_b.party_organization)
    MemberFactory(name="钱老师", branch=tree.unit_a.party_organization)
    client.force_login(reviewer_b)
    found = [t.split("（")[0] for t in titles(client, "钱")]
    assert found == ["钱医生"]


def test_every_searchable_model_searches_through_its_admin_and_no_personal_field() -> None:
    assert "members.member" in searchable_labels()
    from django.apps import apps

    for label in searchable_labels():
        model_admin = admin.site._registry[apps.get_model(label)]
        fields = [f.lstrip("^=@") for f in model_admin.search_fields]
        assert fields, label
        assert [f for f in fields if touches_personal_field(model_admin.model, f)] == [], label


def test_the_sidebar_search_opens_the_record_search(client: Any, secretary_a: Any) -> None:
    client.force_login(secretary_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert "$dispatch('opencommand')" in page
    assert "搜索党员、党组织、会议、发展党员…" in page  # says it finds records, in Chinese
