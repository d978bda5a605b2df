"""The logs of what users did, scoped by declaration like every list: 登录锁定 (django-axes'
attempts, scoped on its admin: common.admin.UserTraceAdmin) and 个人信息访问记录
(PersonalDataAccess.objects.visible_to). A community sees the traces of its own users only."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.urls import reverse

from members.models import PersonalDataAccess
from organizations.roles import Role
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
LOCKOUTS = reverse("admin:axes_accessattempt_changelist")
ACCESS_LOG = reverse("admin:members_personaldataaccess_changelist")


def _attempt(username: str) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=username, ip_address="10.0.0.9", failures_since_start=5, user_agent="",
        http_accept="", path_info="/admin/login/", get_data="", post_data="",
    )  # fmt: skip


def _with_lockout_permissions(user: Any) -> Any:
    """A community secretary given the lockout admin's permissions (by role, only the
    sub-district has them): what they see is then decided by the scope alone."""
    codenames = ("view_accessattempt", "delete_accessattempt")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)


def test_a_secretary_sees_and_lifts_only_the_lockouts_of_their_own_users(
    client: Any, tree: Any, secretary_a: Any, secretary_b: Any, branch_officer_a: Any,
    make_user: Any,
) -> None:  # fmt: skip
    linked = make_user(Role.UNIT_REVIEWER, tree.unit_b.party_organization, "linked_reviewer")
    own, other = _attempt(branch_officer_a.username), _attempt(secretary_b.username)
    _attempt(linked.username)  # a unit community A only sees for 双联双管
    unknown = _attempt("no_such_user")
    client.force_login(_with_lockout_permissions(secretary_a))
    listed = client.get(LOCKOUTS).context["cl"].result_list
    assert {a.username for a in listed} == {own.username, unknown.username}
    assert (
        client.get(reverse("admin:axes_accessattempt_change", args=[other.pk])).status_code == 404
    )
    client.post(LOCKOUTS, {"action": "unlock", "_selected_action": [own.pk, other.pk]})
    assert not AccessAttempt.objects.filter(pk=own.pk).exists()
    assert AccessAttempt.objects.filter(pk=other.pk).exists()  # another community's user


def test_the_sub_district_officer_lifts_the_lockouts_of_all_its_communities(
    client: Any, tree: Any, sub_district_officer: Any, secretary_a: Any, secretary_b: Any,
    make_user: Any,
) -> None:  # fmt: skip
    located = make_user(Role.UNIT_REVIEWER, tree.unit_b.party_organization, "located_reviewer")
    for user in (secretary_a, secretary_b, located):
        _attempt(user.username)
    client.force_login(sub_district_officer)
    listed = {a.username for a in client.get(LOCKOUTS).context["cl"].result_list}
    assert listed == {"secretary_a", "secretary_b", "located_reviewer"}


def test_a_secretary_without_the_permission_is_refused_the_lockouts(
    client: Any, tree: Any, secretary_a: Any
) -> None:
    client.force_login(secretary_a)
    assert client.get(LOCKOUTS).status_code == 403


def test_the_access_log_shows_a_secretary_only_the_traces_of_their_members_and_users(
    client: Any, tree: Any, secretary_a: Any, secretary_b: Any, branch_officer_a: Any
) -> None:
    member_a, member_b = MemberFactory(branch=tree.branch_a), MemberFactory(branch=tree.branch_b)
    log = PersonalDataAccess.objects.create
    seen = {
        log(user=secretary_b, member=member_a, action="view").pk,  # their member, read elsewhere
        log(user=branch_officer_a, action="export", detail="甲支部花名册").pk,  # their user
        log(user=secretary_a, action="probe", detail="本人查重").pk,
    }
    hidden = log(user=secretary_b, member=member_b, action="view")
    log(user=secretary_b, action="export", detail="乙社区花名册")
    client.force_login(secretary_a)
    page = client.get(ACCESS_LOG)
    assert {row.pk for row in page.context["cl"].result_list} == seen
    assert "乙社区花名册" not in page.content.decode()
    change = reverse("admin:members_personaldataaccess_change", args=[hidden.pk])
    assert client.get(change).status_code == 404
    client.force_login(secretary_b)
    assert hidden.pk in {row.pk for row in client.get(ACCESS_LOG).context["cl"].result_list}
