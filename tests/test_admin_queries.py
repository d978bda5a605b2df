"""Every registered admin's change list runs exactly as many queries at 40 rows as at 10, for the
superuser and for a community secretary (a query per row would add 30 at 40 rows; 40 rows cost a
tenth of the 500 this test used to make, and prove the same). An admin registered without a row
maker below fails.

Each maker adds row number `i` of its model inside community A of the shared test tree (so that
the secretary sees it), with whatever related rows it needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_celery_beat import models as beat

from common.models import Document
from members.models import PersonalDataAccess
from organizations.rules import OrganizationKind as K
from tests.members import factories as mf
from tests.organizations import factories as of
from tests.registries import app_registries

Maker = Callable[[SimpleNamespace, int], Any]


def _member(t: SimpleNamespace, i: int, **kwargs: Any) -> Any:
    return mf.MemberFactory(branch=t.branch_a, residence_community=t.community_a, **kwargs)


def _in_service(t: SimpleNamespace, i: int) -> Any:
    return _member(t, i, categories=["in_service"], work_unit="甲小学")


def _branch(t: SimpleNamespace, i: int) -> Any:
    return of.OrganizationFactory(kind=K.BRANCH, parent=t.community_a, code=f"SD-A-Q{i}")


def _committee(t: SimpleNamespace, i: int) -> Any:
    """One committee of each kind per community: a new community each (under the sub-district,
    so only the superuser's list grows; the secretary's query count must stay flat all the same)."""
    community = of.OrganizationFactory(
        kind=K.COMMUNITY_COMMITTEE, parent=t.sub_district, code=f"SD-Q{i}"
    )
    return of.JointCommitteeFactory(community=community)


def _community_committee(t: SimpleNamespace) -> Any:
    return t.community_a.joint_committees.first() or of.JointCommitteeFactory(
        community=t.community_a
    )


MAKERS: dict[str, Maker] = {
    "auth.group": lambda t, i: Group.objects.create(name=f"组{i}"),
    "auth.user": lambda t, i: of.UserFactory(),
    "axes.accessattempt": lambda t, i: AccessAttempt.objects.create(
        username=f"guess{i}",
        ip_address="10.0.0.1",
        failures_since_start=1,
        user_agent="",
        http_accept="",
        path_info="",
        get_data="",
        post_data="",
    ),  # fmt: skip
    "common.document": lambda t, i: Document.objects.create(
        kind="organization_tree", organization=t.community_a
    ),
    "django_celery_beat.clockedschedule": lambda t, i: beat.ClockedSchedule.objects.create(
        clocked_time=timezone.now() + dt.timedelta(days=i)
    ),
    "django_celery_beat.crontabschedule": lambda t, i: beat.CrontabSchedule.objects.create(
        minute=str(i % 60), hour=str(i % 24), day_of_month=str(1 + i % 28)
    ),
    "django_celery_beat.intervalschedule": lambda t, i: beat.IntervalSchedule.objects.create(
        every=i + 1, period="days"
    ),
    "django_celery_beat.periodictask": lambda t, i: beat.PeriodicTask.objects.create(
        name=f"任务{i}",
        task="celery.backend_cleanup",
        interval=beat.IntervalSchedule.objects.get_or_create(every=1, period="days")[0],
    ),
    "django_celery_beat.solarschedule": lambda t, i: beat.SolarSchedule.objects.create(
        event="sunrise", latitude=30 + i / 100, longitude=120
    ),
    "members.activityrecord": lambda t, i: mf.ActivityRecordFactory(
        member=_in_service(t, i), community=t.community_a
    ),
    "members.assessment": lambda t, i: mf.AssessmentDeductionFactory(
        assessment=mf.AssessmentFactory(member=_member(t, i))
    ),
    "members.floatingrecord": lambda t, i: mf.FloatingLifeEntryFactory(
        floating_record=mf.FloatingRecordFactory(member=_member(t, i))
    ),
    "members.lapsedecision": lambda t, i: mf.LapseDecisionFactory(member=_member(t, i)),
    "members.member": lambda t, i: _member(t, i, categories=["retired", "floating"]),
    "members.membershiptransfer": lambda t, i: mf.MembershipTransferFactory(member=_member(t, i)),
    "members.personaldataaccess": lambda t, i: PersonalDataAccess.objects.create(
        user=t.secretary, member=_member(t, i), action="view"
    ),
    "members.postclaim": lambda t, i: mf.PostClaimFactory(
        member=_in_service(t, i), community=t.community_a
    ),
    "members.postkind": lambda t, i: mf.PostKindFactory(community=t.community_a),
    "members.registration": lambda t, i: mf.RegistrationFactory(
        member=_in_service(t, i), community=t.community_a, unit=t.unit_a
    ),
    "members.registrationcampaign": lambda t, i: mf.RegistrationCampaignFactory(
        community=t.community_a
    ),
    "members.review": lambda t, i: mf.ReviewFactory(member=_member(t, i)),
    "organizations.committeemember": lambda t, i: of.CommitteeMemberFactory(
        committee=_community_committee(t), unit=t.unit_a
    ),
    "organizations.jointcommittee": _committee,
    "organizations.organization": _branch,
    "organizations.organizationaccess": lambda t, i: of.OrganizationAccessFactory(
        organization=_branch(t, i)
    ),
    "organizations.position": lambda t, i: of.PositionFactory(organization=_branch(t, i)),
    "organizations.unit": lambda t, i: of.UnitFactory(community=t.community_a),
}
for _registry in app_registries():
    MAKERS.update(getattr(_registry, "MAKERS", {}))

ADMINS = sorted(site._registry.items(), key=lambda item: item[0]._meta.label_lower)
SMALL, LARGE = 10, 40


def test_every_registered_admin_has_a_row_maker() -> None:
    assert sorted(m._meta.label_lower for m, _ in ADMINS) == sorted(MAKERS)


def _grow(t: SimpleNamespace, label: str, start: int, stop: int) -> None:
    for i in range(start, stop):
        MAKERS[label](t, i)


def _queries(client: Any, user: Any, url: str, assert_max_queries: Any) -> tuple[Any, int]:
    """The page and its queries, once the first visit has filled what is cached (the scope, the
    dashboard's version), which the rows made in between may have renewed."""
    client.force_login(user)
    client.get(url)
    with assert_max_queries(60) as queries:
        page = client.get(url)
    return page, len(queries)


@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[m._meta.label_lower for m, _ in ADMINS]
)
def test_changelist_queries_do_not_grow_with_rows(
    client: Any, request: Any, tree: SimpleNamespace, django_assert_max_num_queries: Any,
    model: Any, model_admin: Any, monkeypatch: Any,
) -> None:  # fmt: skip
    label = model._meta.label_lower
    # ?all= draws every row: the 40 made here and those of the tree.
    monkeypatch.setattr(site._registry[model], "list_max_show_all", 2 * LARGE)
    t = SimpleNamespace(**vars(tree), secretary=request.getfixturevalue("secretary_a"))
    users = {"superuser": request.getfixturevalue("superuser"), "secretary_a": t.secretary}
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + "?all="
    _grow(t, label, 0, SMALL)
    small: dict[str, int] = {}
    for who, user in users.items():
        page, count = _queries(client, user, url, django_assert_max_num_queries)
        if page.status_code == 403:  # the secretary may not open it (tests/test_admin_access)
            continue
        assert page.status_code == 200, who
        small[who] = count
    _grow(t, label, SMALL, LARGE)  # the rows made once, for both users
    for who, count in small.items():
        page, large = _queries(client, users[who], url, django_assert_max_num_queries)
        assert page.status_code == 200
        assert large == count, f"{who}: {count} queries at {SMALL} rows, {large} at {LARGE}"
        if who == "superuser":
            assert len(page.context["cl"].result_list) >= LARGE
