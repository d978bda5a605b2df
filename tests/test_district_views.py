"""The 区委组织部's own pages (issue 25 point 1): its 工作台 has one panel per sub-district below
it (members, to-dos panel by panel, the compliance link), and its 三会一课落实情况 opens on one
sub-district at a time; nobody else may ask for a sub-district there."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse

from common.dashboard import panel_list
from tests.members import factories as mf

COMPLIANCE = "admin:activities_meeting_compliance"


def _panels(rf: Any, user: Any) -> dict[str, Any]:
    request = rf.get("/admin/")
    request.user = user
    return {panel.title: panel for panel in panel_list(request)}


def _figures(panel: Any) -> dict[str, Any]:
    return {figure.label: figure for figure in panel.figures}


def test_the_district_workbench_has_one_panel_per_sub_district(
    rf: Any, tree: SimpleNamespace, district_officer: Any
) -> None:
    for _ in range(3):
        mf.MemberFactory(branch=tree.branch_a)
    mf.MemberFactory(branch=tree.branch_c)
    panels = _panels(rf, district_officer)
    assert list(panels) == ["第二街道党工委", "测试街道党工委"]  # in code order: QW-2, SD
    first, second = panels["测试街道党工委"], panels["第二街道党工委"]
    assert (_figures(first)["党员"].value, _figures(second)["党员"].value) == (3, 1)
    compliance = _figures(second)["三会一课落实情况"].url
    assert compliance == f"{reverse(COMPLIANCE)}?sub_district={tree.sub_district_2.pk}"
    labels = {todo.label for todo in first.todos}
    assert {"项待办：三会一课", "项待办：党费与经费", "项待办：党员队伍"} <= labels


def test_a_sub_districts_to_dos_count_only_its_own(
    rf: Any, tree: SimpleNamespace, district_officer: Any, sub_district_officer: Any
) -> None:
    """The panel of a sub-district sums the to-dos its own officer's 工作台 shows of what both
    read (those about acting, e.g. a budget to set up, are the sub-district's own), and none of
    the other sub-district's."""
    panels = _panels(rf, district_officer)
    own = _panels(rf, sub_district_officer)
    for title in ("三会一课", "党员队伍"):
        due = sum(todo.count for todo in own[title].todos if todo.is_due)
        row = next(t for t in panels["测试街道党工委"].todos if t.label == f"项待办：{title}")
        assert row.count == due, title
    meetings = next(t for t in panels["测试街道党工委"].todos if t.label == "项待办：三会一课")
    assert meetings.count > 0
    assert meetings.url.endswith(f"sub_district={tree.sub_district.pk}")


def test_the_sub_district_officers_workbench_is_unchanged(
    rf: Any, tree: SimpleNamespace, district: Any, sub_district_officer: Any
) -> None:
    assert "党员队伍" in _panels(rf, sub_district_officer)


def test_the_district_compliance_page_opens_on_one_sub_district(
    client: Client, tree: SimpleNamespace, district_officer: Any
) -> None:
    client.force_login(district_officer)
    url = reverse(COMPLIANCE)
    whole = client.get(url)
    assert whole.status_code == 200
    assert [s.code for s in whole.context["sub_districts"]] == ["QW-2", "SD"]
    one = client.get(url, {"sub_district": tree.sub_district_2.pk, "year": 2026})
    assert one.status_code == 200
    assert one.context["sub_district"] == tree.sub_district_2
    assert one.context["organization_count"] < whole.context["organization_count"]
    shown = {entry.organization.code for entry in one.context["entries"]}
    assert shown
    assert shown <= {"QW-2", "QW-2-C", "QW-2-C-1"}
    assert f"organization={tree.sub_district_2.pk}" in one.context["export_url"]
    assert "第二街道党工委三会一课落实情况" in one.content.decode()


def test_a_sub_district_outside_the_officers_view_is_not_found(
    client: Client, tree: SimpleNamespace, district_officer: Any, sub_district_officer: Any
) -> None:
    client.force_login(district_officer)
    url = reverse(COMPLIANCE)
    assert client.get(url, {"sub_district": tree.community_a.pk}).status_code == 404
    assert client.get(url, {"sub_district": "x"}).status_code == 404
    client.force_login(sub_district_officer)  # a sub-district officer has no sub-districts
    assert client.get(url, {"sub_district": tree.sub_district.pk}).status_code == 404
    assert client.get(url).status_code == 200


def test_the_whole_district_compliance_page_adds_up_each_sub_district(
    client: Client, tree: SimpleNamespace, district_officer: Any
) -> None:
    """The whole district is one row per sub-district, its organizations' counts added up and
    a link to its own page, which lists the same counts organization by organization; no
    organization of the district is listed on the whole district's page."""
    client.force_login(district_officer)
    url = reverse(COMPLIANCE)
    query = {"year": 2026, "as_of": "2026-05-20"}
    whole = client.get(url, query)
    assert whole.context["entries"] == []
    rows = {row.sub_district.code: row for row in whole.context["district_rows"]}
    assert list(rows) == ["QW-2", "SD"]
    for code, sub_district in (("QW-2", tree.sub_district_2), ("SD", tree.sub_district)):
        one = client.get(url, {**query, "sub_district": sub_district.pk}).context
        assert rows[code].organizations == one["organization_count"]
        assert rows[code].totals == one["totals"]
    assert whole.context["totals"]["overdue"] == sum(r.totals["overdue"] for r in rows.values())
    assert whole.context["totals"]["overdue"] > 0
    html = whole.content.decode()
    assert f"sub_district={tree.sub_district_2.pk}&amp;status=" in html
    assert 'class="compliance-organization"' not in html
    overdue = client.get(url, {**query, "status": "overdue"}).context
    assert overdue["cl"].result_count == whole.context["totals"]["overdue"]
