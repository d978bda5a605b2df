"""工作台 (issue 8): each role's to-dos on its first screen, each linking to exactly its rows,
read through the user's scope, in a number of queries that does not grow with the district."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from common.dashboard import (
    SEEN_KEY,
    _last_key,
    panel_list,
    workbench,
    workbench_compute,
    workbench_users_seen,
)
from common.tasks import workbench_refresh as real_workbench_refresh
from common.tasks import workbench_refresh_seen
from config.celery_app import app as celery_app
from kit.dashboard import Chart
from members.models import PostClaim
from members.models.dual import PostClaimStatus
from tests.members import factories as mf

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def busy_a(tree: Any) -> None:
    """Community A: two floating members who should transfer, one lost, a pending claim."""
    for _ in range(2):
        mf.FloatingRecordFactory(
            member=mf.MemberFactory(branch=tree.branch_a),
            since=dt.date(2025, 1, 1),
            has_fixed_place=True,
            last_contact_on=dt.date(2026, 11, 1),
        )
    mf.FloatingRecordFactory(
        member=mf.MemberFactory(branch=tree.branch_a),
        since=dt.date(2026, 10, 1),
        has_fixed_place=False,
        last_contact_on=dt.date(2026, 1, 1),
    )
    mf.PostClaimFactory(
        member=mf.MemberFactory(branch=tree.branch_a, categories=["in_service"]),
        community=tree.community_a,
    )
    mf.MemberFactory(
        branch=tree.branch_a, status="probationary", joined_on=dt.date(2024, 7, 1),
        birth_date=dt.date(1990, 1, 1),
    )  # fmt: skip


def _index(client: Any, user: Any) -> Any:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def _todos(response: Any) -> dict[str, Any]:
    return {t.label: t for p in response.context["panels"] for t in p.todos}


@pytest.mark.usefixtures("busy_a")
def test_secretary_sees_the_communitys_to_dos_first(client: Any, secretary_a: Any) -> None:
    page = _index(client, secretary_a)
    todos = _todos(page)
    assert todos["名流动党员应转移组织关系"].count == 2
    assert todos["名流动党员失联满6个月"].count == 1
    assert todos["项岗位认领待审核"].count == 1
    assert todos["名预备党员预备期已满一年未作决定"].count == 1
    last_year = [t for label, t in todos.items() if "年度民主评议结果" in label]
    assert last_year  # every member of the fixture took part last year and has no result
    assert last_year[0].count >= 4
    html = page.content.decode()
    # to-dos come before the key figures and the charts
    assert html.index("名流动党员应转移组织关系") < html.index("党员人员类别")
    assert 'class="todo due"' in html


@pytest.mark.usefixtures("busy_a")
def test_each_to_do_opens_exactly_its_rows(client: Any, secretary_a: Any) -> None:
    for todo in _todos(_index(client, secretary_a)).values():
        listing = client.get(todo.url)
        assert listing.status_code == 200, todo.url
        assert listing.context["cl"].result_count == todo.count, todo.label


@pytest.mark.usefixtures("busy_a")
def test_another_community_counts_none_of_them(
    client: Any, tree: Any, secretary_b: Any, settings: Any
) -> None:
    # Community B's own 党小组 owes its monthly meeting (every group does), and B its own
    # meetings (总支委员会 and the rest): closed and off here, so that whatever B counts could
    # only be A's.
    type(tree.group_b).objects.filter(pk=tree.group_b.pk).update(is_active=False)
    settings.ACTIVITIES_COMMUNITY_OWN_REQUIREMENTS = {}
    settings.ACTIVITIES_COMMUNITY_GENERAL_MEETING_WITH_GROUPS = ""
    settings.ACTIVITIES_COMMUNITY_GENERAL_MEETING_WITHOUT_GROUPS = ""
    counted = {title: t.count for title, t in _todos(_index(client, secretary_b)).items()}
    assert not {title: n for title, n in counted.items() if n}
    assert PostClaim.objects.filter(status=PostClaimStatus.PENDING).count() == 1


@pytest.mark.usefixtures("busy_a")
def test_unit_reviewer_and_branch_officer_get_their_own_workbench(
    client: Any, reviewer_b: Any, branch_officer_a: Any
) -> None:
    assert _todos(_index(client, branch_officer_a))["名流动党员应转移组织关系"].count == 2
    assert "名流动党员应转移组织关系" not in _todos(_index(client, reviewer_b))


def test_workbench_queries_do_not_grow_with_the_district(
    tree: Any,
    secretary_a: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """What the worker runs for a user (workbench_refresh): the panels and the figures they keep
    (the arrears read the month's ledger, the payments and each member's start in the branch; the
    daily registers, 两会一化, 示范小区 and the development registers a few each)."""
    mf.FloatingRecordFactory(member=mf.MemberFactory(branch=tree.branch_a))
    with django_assert_max_num_queries(110) as small:
        workbench_compute(secretary_a)
    for _ in range(40):
        member = mf.MemberFactory(branch=tree.branch_a, categories=["in_service", "retired"])
        mf.FloatingRecordFactory(member=member)
        mf.ActivityRecordFactory(member=member, community=tree.community_a)
        mf.RegistrationFactory(member=member, community=tree.community_a, unit=tree.unit_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        workbench_compute(secretary_a)


class _Queue:
    """A worker that has not run yet: what the page queued, run when the test says."""

    def __init__(self) -> None:
        self.queued: list[list[int]] = []

    def delay(self, user_ids: list[int]) -> None:
        self.queued.append(user_ids)

    def run(self) -> None:
        for user_ids in self.queued:
            real_workbench_refresh(user_ids)
        self.queued.clear()


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> _Queue:
    found = _Queue()
    monkeypatch.setattr("common.tasks.workbench_refresh", found)
    return found


@pytest.mark.usefixtures("busy_a")
def test_a_visit_never_computes_the_panels_a_worker_does(
    client: Any,
    tree: Any,
    secretary_a: Any,
    queue: _Queue,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The first visit finds nothing computed: it says so and queues the worker; once the worker
    ran, the page shows its figures and when they were computed."""
    client.force_login(secretary_a)
    # The page, the session, the scope and the cache (a table without Redis: 3 queries a write);
    # computing the panels takes about 100 more (test_workbench_queries_do_not_grow...).
    with django_assert_max_num_queries(30):
        page = client.get(reverse("admin:index"))
    assert "工作台正在后台统计" in page.content.decode()
    assert page.context["panels"] == []
    assert queue.queued == [[secretary_a.pk]]
    queue.run()
    page = client.get(reverse("admin:index"))
    assert _todos(page)["名流动党员应转移组织关系"].count == 2
    assert "统计于" in page.content.decode()
    assert "正在后台重新统计" not in page.content.decode()
    assert queue.queued == []  # current figures: nothing queued

    with django_capture_on_commit_callbacks(execute=True):  # a change is committed
        mf.FloatingRecordFactory(
            member=mf.MemberFactory(branch=tree.branch_a),
            since=dt.date(2024, 1, 1),
            has_fixed_place=True,
            last_contact_on=dt.date(2026, 11, 1),
        )
    with django_assert_max_num_queries(30):  # the first visit after it: the last figures
        page = client.get(reverse("admin:index"))
    assert _todos(page)["名流动党员应转移组织关系"].count == 2
    assert "数据已有变动，正在后台重新统计" in page.content.decode()
    client.get(reverse("admin:index"))  # a second visit within the minute queues nothing more
    assert queue.queued == [[secretary_a.pk]]
    queue.run()
    page = client.get(reverse("admin:index"))
    assert _todos(page)["名流动党员应转移组织关系"].count == 3
    assert "正在后台重新统计" not in page.content.decode()


@pytest.mark.usefixtures("busy_a")
def test_figures_older_than_the_setting_are_computed_again(
    client: Any, secretary_a: Any, queue: _Queue, settings: Any
) -> None:
    """A bulk write sends no signal: figures older than DASHBOARD_CACHE_SECONDS are overtaken."""
    workbench_compute(secretary_a)
    client.force_login(secretary_a)
    assert "正在后台重新统计" not in client.get(reverse("admin:index")).content.decode()
    settings.DASHBOARD_CACHE_SECONDS = 1
    cache.set(
        _last_key(secretary_a),
        {
            **cache.get(_last_key(secretary_a)),
            "computed_at": timezone.now() - dt.timedelta(seconds=1),
        },
    )
    assert "正在后台重新统计" in client.get(reverse("admin:index")).content.decode()
    assert queue.queued == [[secretary_a.pk]]


def test_after_changes_one_task_recomputes_the_users_who_opened_the_workbench(
    tree: Any,
    secretary_a: Any,
    secretary_b: Any,
    queue: _Queue,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """With a worker (not eager), the changes within DASHBOARD_REFRESH_DELAY seconds queue one
    task, which computes the panels of those who opened the 工作台 (not of the others)."""
    cache.delete(SEEN_KEY)  # the shared cache outlives the database rows of earlier tests
    request = RequestFactory().get("/admin/")
    request.user = secretary_a
    workbench(request)  # secretary A opened it; B did not
    queue.run()
    later: list[int] = []
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(
        workbench_refresh_seen, "apply_async", lambda countdown: later.append(countdown)
    )
    with django_capture_on_commit_callbacks(execute=True):
        mf.MemberFactory(branch=tree.branch_a)
    with django_capture_on_commit_callbacks(execute=True):
        mf.MemberFactory(branch=tree.branch_a)
    assert later == [settings.DASHBOARD_REFRESH_DELAY]
    assert workbench_users_seen() == [secretary_a.pk]
    assert not workbench(request).is_current
    monkeypatch.setattr("common.tasks.workbench_refresh", real_workbench_refresh)
    workbench_refresh_seen()
    assert workbench(request).is_current
    assert cache.get(_last_key(secretary_b)) is None


def test_chart_draws_its_values_on_a_scale_from_zero() -> None:
    """Chart.js draws the values themselves on an axis from 0 (no cap, no rescaling here);
    a percentage's axis ends at 100."""
    chart = Chart("类别", [("在职", 39), ("离退休", 34), ("学生", 0)])
    data = json.loads(chart.data_json)
    assert data["labels"] == ["在职", "离退休", "学生"]
    assert data["datasets"][0]["data"] == [39, 34, 0]
    options = json.loads(chart.options_json)
    assert options["scales"]["y"]["beginAtZero"] is True
    assert "max" not in options["scales"]["y"]
    rate = json.loads(Chart("收缴率", [("2026-11", 96)], unit="%").options_json)
    assert rate["scales"]["y"]["max"] == 100


def test_panels_come_in_their_order(rf: Any, superuser: Any) -> None:
    request = rf.get("/admin/")
    request.user = superuser
    titles = [p.title for p in panel_list(request)]
    assert titles.index("党员队伍") < titles.index("组织架构")


def test_member_with_the_right_password_is_told_why_not_wrong(client: Any, db: None) -> None:
    from tests.organizations.factories import UserFactory

    UserFactory(username="dangyuan_t", is_staff=False)
    response = client.post(
        reverse("admin:login"),
        {"username": "dangyuan_t", "password": "secret-pass-123", "next": "/admin/"},
    )
    page = response.content.decode()
    assert "密码正确，但这是党员个人账号" in page
    assert "请输入一个正确的" not in page


def test_a_refused_request_logs_one_line(client: Any, secretary_a: Any, caplog: Any) -> None:
    import logging

    from kit.logging import OneLineDenied

    client.force_login(secretary_a)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    for record in records:
        OneLineDenied().filter(record)
        assert record.exc_info is None
        assert "\n" not in logging.Formatter().format(record)


def test_category_chart_counts_each_category_once(tree: Any, secretary_a: Any, rf: Any) -> None:
    mf.MemberFactory(branch=tree.branch_a, categories=["in_service", "floating"])
    mf.MemberFactory(branch=tree.branch_a, categories=["retired"])
    mf.MemberFactory(branch=tree.branch_b, categories=["retired"])  # another community's
    request = rf.get("/admin/")
    request.user = secretary_a
    members = next(p for p in panel_list(request) if p.title == "党员队伍")
    bars = dict(members.charts[0].bars)
    assert len(members.charts[0].bars) == len(bars)
    assert (bars["在职"], bars["流动"], bars["离退休"], bars["学生"]) == (1, 1, 1, 0)


def test_category_chart_leaves_out_members_transferred_out(tree: Any, secretary_a: Any) -> None:
    from members.dashboard import _category_chart

    mf.MemberFactory(branch=tree.branch_a, categories=["retired"])
    mf.MemberFactory(branch=tree.branch_a)  # no category
    mf.MemberFactory(
        branch=tree.branch_a, categories=["retired"], transferred_out_on=dt.date(2026, 1, 5)
    )
    bars = dict(_category_chart(secretary_a).bars)
    assert bars["离退休"] == 1
    assert sum(bars.values()) == 1


def _category_chart_queries(user: Any) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.dashboard import _category_chart

    with CaptureQueriesContext(connection) as captured:
        _category_chart(user)
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("members", [10, 40])
def test_category_chart_counts_the_members_joined_to_their_categories(
    tree: Any, secretary_a: Any, members: int
) -> None:
    """One grouped count of the visible members joined to the through table (and the categories'
    names), whatever the members: no subquery run again for each of the through table's rows
    inside the count (on the city, minutes for a sub-district officer)."""
    _category_chart_queries(secretary_a)  # the scope, computed once
    for i in range(members):
        mf.MemberFactory(branch=tree.branch_a, categories=["in_service", "retired"][: 1 + i % 2])
    queries = _category_chart_queries(secretary_a)
    assert len(queries) == 2
    counted = next(sql for sql in queries if "members_member_categories" in sql)
    assert "GROUP BY" in counted
    assert "CASE WHEN" not in counted
    assert "FILTER" not in counted
    assert counted.count("SELECT") == 1


def test_sidebar_groups_models_by_the_secretarys_work(client: Any, secretary_a: Any) -> None:
    groups = _index(client, secretary_a).context["app_list"]
    names = [g["name"] for g in groups]
    assert names[:3] == ["党员队伍", "在职党员双联双管", "组织生活"]
    first = [m["object_name"] for m in groups[0]["models"]]
    assert first[:2] == ["Member", "FloatingRecord"]
    listed = [m["object_name"] for g in groups for m in g["models"]]
    assert len(listed) == len(set(listed))  # each model once


def test_sidebar_shows_the_work_pages_then_the_groups_the_user_may_open(
    client: Any, secretary_a: Any, branch_officer_a: Any
) -> None:
    sidebar = _index(client, secretary_a).context["sidebar_navigation"]
    assert [i["title"] for i in sidebar[0]["items"]] == [
        "工作台", "组织架构图", "三会一课落实情况", "党内统计", "报表中心",
    ]  # fmt: skip
    titles = [g["title"] for g in sidebar[1:]]
    assert titles[:3] == ["党员队伍", "在职党员双联双管", "组织生活"]
    links = [i["link"] for g in sidebar for i in g["items"]]
    assert reverse("admin:members_member_changelist") in links
    assert reverse("admin:auth_user_changelist") not in links  # only the superuser manages users
    officer = _index(client, branch_officer_a).context["sidebar_navigation"]
    officer_links = [i["link"] for g in officer for i in g["items"]]
    assert reverse("admin:members_personaldataaccess_changelist") not in officer_links


def test_lists_are_titled_by_what_they_list(client: Any, secretary_a: Any) -> None:
    client.force_login(secretary_a)
    page = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert re.search(r"<title>\s*党员 \| 社区党建管理系统</title>", page)
    assert "来修改" not in page


@pytest.mark.usefixtures("busy_a")
def test_panels_come_from_the_cache_until_a_row_changes(
    client: Any,
    tree: Any,
    secretary_a: Any,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A district's panels take a second of queries: they are kept, but never shown stale after
    a change made through the system."""
    first = _todos(_index(client, secretary_a))["名流动党员应转移组织关系"].count
    request = RequestFactory().get("/admin/")
    request.user = secretary_a
    with django_assert_max_num_queries(3):  # the cache (a table without Redis), not the panels
        cached = panel_list(request)
    assert {t.label: t.count for p in cached for t in p.todos}["名流动党员应转移组织关系"] == first
    with django_capture_on_commit_callbacks(execute=True):  # the change is committed
        mf.FloatingRecordFactory(
            member=mf.MemberFactory(branch=tree.branch_a),
            since=dt.date(2024, 1, 1),
            has_fixed_place=True,
            last_contact_on=dt.date(2026, 11, 1),
        )
    assert _todos(_index(client, secretary_a))["名流动党员应转移组织关系"].count == first + 1
