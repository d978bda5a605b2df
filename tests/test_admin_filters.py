"""The organization filter of the admin lists (common.admin.OrganizationFilter): one link per
organization for a secretary who sees a handful, a typed picker for a sub-district that sees
thousands, the same URL parameter and the same scope either way."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from common.admin import OrganizationFilter
from organizations.rules import OrganizationKind as K
from tests.activities.factories import MeetingFactory
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
MEETINGS = reverse("admin:activities_meeting_changelist")


def _branches(parent: Any, count: int) -> list[Any]:
    return [
        OrganizationFactory(
            name=f"{parent.name}第{i + 2}支部",
            code=f"{parent.code}-X{i}",
            kind=K.BRANCH,
            parent=parent,
        )
        for i in range(count)
    ]


def test_a_secretary_picks_a_branch_with_one_click(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    page = client.get(MEETINGS).content.decode()
    assert f"?organization={tree.branch_a.pk}" in page
    assert tree.branch_b.name not in page  # another community's branch is not offered
    assert 'name="organization"' not in page  # links, no picker


def test_above_the_limit_the_filter_is_a_picker_and_still_filters(
    client: Any, tree: Any, sub_district_officer: Any
) -> None:
    extra = _branches(tree.community_a, OrganizationFilter.PICKER_ABOVE)
    MeetingFactory(organization=tree.branch_a, topic="甲支部的会")
    MeetingFactory(organization=extra[0], topic="新支部的会")
    client.force_login(sub_district_officer)
    page = client.get(MEETINGS).content.decode()
    assert 'name="organization"' in page
    assert "admin/autocomplete/" in page
    assert "select2" in page  # the picker's script is on the page
    assert f"?organization={extra[5].pk}" not in page  # no link per organization
    assert 'id="filter-form"' in page  # applied with the filter form's button
    chosen = client.get(MEETINGS, {"organization": extra[0].pk}).content.decode()
    assert "新支部的会" in chosen
    assert "甲支部的会" not in chosen
    assert f'<option value="{extra[0].pk}" selected>{extra[0].name}</option>' in chosen


def test_the_picker_never_names_an_organization_outside_the_scope(
    client: Any, tree: Any, make_user: Any
) -> None:
    from organizations.roles import Role

    _branches(tree.community_a, OrganizationFilter.PICKER_ABOVE)
    secretary = make_user(Role.COMMUNITY_SECRETARY, tree.community_a, "many_branches")
    client.force_login(secretary)
    page = client.get(MEETINGS, {"organization": tree.branch_b.pk}).content.decode()
    assert 'name="organization"' in page
    assert tree.branch_b.name not in page


def test_the_pickers_queries_do_not_grow_with_the_organizations(
    client: Any, tree: Any, sub_district_officer: Any, django_assert_num_queries: Any
) -> None:
    _branches(tree.community_a, OrganizationFilter.PICKER_ABOVE + 1)
    client.force_login(sub_district_officer)
    client.get(MEETINGS)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log keeps 9,000 queries; making the branches filled it
    with CaptureQueriesContext(connection) as few:
        client.get(MEETINGS)
    queries = len(few)
    _branches(tree.community_b, 200)
    client.get(MEETINGS)  # the scope is computed again once
    reset_queries()
    with django_assert_num_queries(queries):
        client.get(MEETINGS)


def _suggested(client: Any, kinds: str, term: str = "") -> set[str]:
    answer = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "activities",
            "model_name": "meeting",
            "field_name": "organization",
            "filter_kinds": kinds,
            "term": term,
        },
    )
    assert answer.status_code == 200
    return {row["text"] for row in answer.json()["results"]}


def test_the_pickers_suggestions_are_what_the_user_sees_of_its_kinds(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    branches = _suggested(client, "branch,unit_org")
    assert tree.branch_a.name in branches
    assert tree.branch_b.name not in branches  # another community's
    assert tree.community_a.name not in branches  # not of the filter's kinds
    assert _suggested(client, "branch", term="乙") == set()


def test_a_unit_reviewer_finds_its_own_organization_in_the_picker(
    client: Any, tree: Any, reviewer_b: Any
) -> None:
    """A reviewer manages no organization but sees its own: the picker offers what is seen."""
    client.force_login(reviewer_b)
    seen = _suggested(client, "branch,unit_org")
    assert tree.unit_b.party_organization.name in seen
    assert tree.branch_a.name not in seen


def test_a_list_too_long_to_count_says_so_and_offers_no_select_all(
    client: Any, tree: Any, secretary_a: Any, monkeypatch: Any
) -> None:
    """Counted up to CAP rows: beyond, the list says "超过 CAP 条记录", and "select all N" (which
    would act on every row, counted or not) is not offered; below, both are as usual."""
    from django.contrib.admin.sites import site

    from activities.models import Meeting
    from kit.admin import CappedCountPaginator

    monkeypatch.setattr(site._registry[Meeting], "list_per_page", 3)
    for day in range(1, 9):
        MeetingFactory(organization=tree.branch_a, held_on=f"2026-03-{day:02d}")
    client.force_login(secretary_a)
    monkeypatch.setattr(CappedCountPaginator, "CAP", 50)
    counted = client.get(MEETINGS).content.decode()
    assert 'class="question hidden"' in counted  # select all 8 across the pages
    assert "超过" not in counted
    monkeypatch.setattr(CappedCountPaginator, "CAP", 5)
    capped = client.get(MEETINGS)
    assert "超过 5 条记录" in capped.content.decode()
    assert 'class="question hidden"' not in capped.content.decode()
    assert capped.context["cl"].paginator.num_pages == 2  # 5 rows counted, 3 a page


BOARD = reverse("admin:publicity_boarditem_changelist")


def test_the_board_items_filter_offers_communities_and_finds_their_items(
    client: Any, tree: Any, sub_district_officer: Any
) -> None:
    """党务公开 is filed by community: the filter offers communities (not branches, whose every
    choice emptied the list) and choosing one lists exactly that community's items."""
    from tests.publicity.factories import BoardItemFactory

    BoardItemFactory(community=tree.community_a, title="甲社区的公开事项")
    BoardItemFactory(community=tree.community_b, title="乙社区的公开事项")
    client.force_login(sub_district_officer)
    page = client.get(BOARD)
    offered = {name for spec in page.context["cl"].filter_specs
               if spec.title == "社区" for _, name in spec.lookup_choices}  # fmt: skip
    assert offered == {tree.community_a.name, tree.community_b.name}
    chosen = client.get(BOARD, {"community": tree.community_a.pk}).content.decode()
    assert "甲社区的公开事项" in chosen
    assert "乙社区的公开事项" not in chosen


def _organization_filters() -> list[tuple[Any, Any]]:
    from django.contrib.admin.sites import site

    found = []
    for model, model_admin in sorted(site._registry.items(), key=lambda i: i[0]._meta.label):
        for spec in model_admin.list_filter:
            if isinstance(spec, type) and issubclass(spec, OrganizationFilter):
                found.append(
                    pytest.param(model, spec, id=f"{model._meta.label_lower}:{spec.field}")
                )
    return found


@pytest.mark.parametrize(("model", "spec"), _organization_filters())
def test_every_organization_filter_offers_the_organizations_its_rows_are_filed_by(
    client: Any, tree: Any, secretary_a: Any, superuser: Any, model: Any, spec: Any
) -> None:
    """Each organization filter of each admin offers organizations of the kind its field holds:
    the organization of a row (made by the admin's row maker) is among its choices, and choosing
    it lists exactly that organization's rows."""
    from types import SimpleNamespace

    from tests.test_admin_queries import MAKERS

    MAKERS[model._meta.label_lower](SimpleNamespace(**vars(tree), secretary=secretary_a), 0)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.force_login(superuser)
    listing = client.get(url).context["cl"]
    shown = listing.queryset
    filed_by = set(shown.exclude(**{spec.field: None}).values_list(spec.field, flat=True))
    assert filed_by, "the row maker made no row filed by an organization"
    offered = next(s for s in listing.filter_specs if isinstance(s, spec)).lookup_choices
    assert {str(pk) for pk in filed_by} <= {value for value, _ in offered}
    for pk in filed_by:
        chosen = client.get(url, {spec.parameter_name: pk}).context["cl"].queryset
        expected = set(shown.filter(**{spec.field: pk}).values_list("pk", flat=True))
        assert set(chosen.values_list("pk", flat=True)) == expected


# --- filters whose choices are QuerySet methods (kit.admin.ChoiceFilter) ---------------------------
def _listed(client: Any, url: str, **params: Any) -> set[str]:
    return {str(row) for row in client.get(url, params).context["cl"].result_list}


def test_the_held_filter_lists_what_the_compliance_page_counts_as_held(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    """是否有效 and 三会一课落实情况 read one rule (MeetingQuerySet.held): a meeting counts when
    it was held, with its quorum; one without it, or still ahead, does not."""
    import datetime as dt

    from django.utils import timezone

    from activities.models import Meeting

    today = timezone.localdate()
    ahead = today + dt.timedelta(days=3)
    MeetingFactory(organization=tree.branch_a, topic="达到法定人数的会", held_on=today)
    MeetingFactory(organization=tree.branch_a, topic="人数不足的会", is_quorate=False)
    MeetingFactory(organization=tree.branch_a, topic="下周的会", held_on=ahead)
    client.force_login(secretary_a)
    held = {m.topic for m in Meeting.objects.held()}
    assert {
        m.topic for m in client.get(MEETINGS, {"held": "yes"}).context["cl"].result_list
    } == held
    assert held == {"达到法定人数的会"}
    assert "人数不足的会" in client.get(MEETINGS, {"held": "no"}).content.decode()
    planned = client.get(MEETINGS, {"held": "planned"}).context["cl"].result_list
    assert [m.topic for m in planned] == ["下周的会"]
    assert len(client.get(MEETINGS).context["cl"].result_list) == 3  # no choice: all


def test_the_roster_filter_applies_its_default_and_shows_it_chosen(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    """在册 when nothing is chosen (and marked as chosen); an unknown value is the default too."""
    import datetime as dt

    from tests.members.factories import MemberFactory

    MemberFactory(name="在册党员", branch=tree.branch_a)
    MemberFactory(name="转出党员", branch=tree.branch_a, transferred_out_on=dt.date(2026, 1, 5))
    url = reverse("admin:members_member_changelist")
    client.force_login(secretary_a)
    page = client.get(url)
    assert {m.name for m in page.context["cl"].result_list} == {"在册党员"}
    roster = next(s for s in page.context["cl"].filter_specs if s.parameter_name == "roster")
    chosen = [c["display"] for c in roster.choices(page.context["cl"]) if c["selected"]]
    assert chosen == ["在册"]
    assert {m.name for m in client.get(url, {"roster": "x"}).context["cl"].result_list} == {
        "在册党员"
    }
    everyone = client.get(url, {"roster": "all"}).context["cl"].result_list
    assert {m.name for m in everyone} == {"在册党员", "转出党员"}


def test_the_reversal_filter_separates_standing_payments_from_reversed_ones(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    from django.utils import timezone

    from finance.models import DuesPayment
    from tests.finance.factories import DuesPaymentFactory
    from tests.members.factories import MemberFactory

    member = MemberFactory(branch=tree.branch_a)
    kept = DuesPaymentFactory(member=member)
    gone = DuesPaymentFactory(member=member, reversed_at=timezone.now(), reversal_reason="重复")
    url = reverse("admin:finance_duespayment_changelist")
    client.force_login(secretary_a)
    standing = client.get(url, {"reversed": "no"}).context["cl"].result_list
    assert [p.pk for p in standing] == [kept.pk]
    assert list(DuesPayment.objects.standing()) == [kept]
    assert [p.pk for p in client.get(url, {"reversed": "yes"}).context["cl"].result_list] == [
        gone.pk
    ]


def test_the_floating_filter_separates_ongoing_records_from_ended_ones(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    import datetime as dt

    from tests.members.factories import FloatingRecordFactory, MemberFactory

    ongoing = FloatingRecordFactory(member=MemberFactory(branch=tree.branch_a))
    ended = FloatingRecordFactory(
        member=MemberFactory(branch=tree.branch_a), ended_on=dt.date(2026, 2, 1)
    )
    url = reverse("admin:members_floatingrecord_changelist")
    client.force_login(secretary_a)
    assert [r.pk for r in client.get(url, {"current": "yes"}).context["cl"].result_list] == [
        ongoing.pk
    ]
    assert [r.pk for r in client.get(url, {"current": "no"}).context["cl"].result_list] == [
        ended.pk
    ]
