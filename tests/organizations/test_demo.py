"""python manage.py demo: a realistic sub-district, the same logins every time.

The demo is built once per run by the command itself (tests/demo_template.py, into a template
database); these tests read a clone of it and the logins that first run printed, and run the
command a second time where the test is about running it again."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.http import HttpRequest

from organizations.models import CommitteeMember, Organization, OrganizationAccess, Position, Unit
from organizations.rules import COMMUNITY_KINDS, OrganizationKind
from tests.demo_template import DemoDatabase

ROLES = {
    "superuser",
    "sub_district",
    "community_secretary",
    "branch_officer",
    "unit_reviewer",
    "member",
    "district",
}


@pytest.fixture(autouse=True)
def _development(settings) -> None:
    settings.DEBUG = True  # pytest-django turns DEBUG off; the demo is for development machines


@pytest.fixture(scope="module")
def logins(demo_db: DemoDatabase) -> list[list[str]]:
    """What the demo's first run printed, and its data in the database of the module's tests."""
    return demo_db.logins


def run_demo() -> list[list[str]]:
    out = io.StringIO()
    call_command("demo", stdout=out, stderr=io.StringIO())
    return [line.split("\t") for line in out.getvalue().splitlines()]


def counts() -> tuple[int, ...]:
    from members.models import (
        ActivityRecord,
        FloatingRecord,
        Member,
        PostClaim,
        Registration,
        Review,
    )

    models = (
        Organization,
        Position,
        Unit,
        CommitteeMember,
        OrganizationAccess,
        Member,
        Registration,
        PostClaim,
        ActivityRecord,
        FloatingRecord,
        Review,
    )
    audited = (Organization, Position, Unit, CommitteeMember, Member, Registration, ActivityRecord)
    return tuple(m.objects.count() for m in models) + tuple(m.history.count() for m in audited)


@pytest.mark.django_db
def test_demo_prints_one_login_per_line_for_every_role(logins: list[list[str]]) -> None:
    assert all(len(line) == 4 for line in logins)
    assert {line[0] for line in logins} == ROLES
    codes = set(Organization.objects.values_list("code", flat=True))
    assert all(line[3] in codes for line in logins)
    secretaries = [line[3] for line in logins if line[0] == "community_secretary"]
    reviewers = [line[3] for line in logins if line[0] == "unit_reviewer"]
    assert len(set(secretaries)) >= 2
    assert len(set(reviewers)) >= 2


@pytest.mark.django_db
def test_demo_logins_work(client, logins: list[list[str]]) -> None:
    for role, username, password, _code in logins:
        # django-axes counts failures per request, so a login needs one (as a browser's has).
        assert client.login(request=HttpRequest(), username=username, password=password)
        expected = 302 if role == "member" else 200  # members have no admin access
        assert client.get("/admin/").status_code == expected, username


@pytest.mark.django_db
def test_demo_again_changes_nothing_and_prints_the_same(logins: list[list[str]]) -> None:
    before = counts()
    assert before[0] > 0  # the first run's data is there
    assert run_demo() == logins
    assert counts() == before


@pytest.mark.django_db
def test_demo_is_a_realistic_sub_district(logins: list[list[str]]) -> None:
    assert Organization.objects.filter(kind__in=COMMUNITY_KINDS).count() == 3
    assert 10 <= Organization.objects.filter(kind=OrganizationKind.BRANCH).count() <= 14
    assert Organization.objects.filter(kind=OrganizationKind.GROUP).exists()
    assert Unit.objects.filter(party_organization__isnull=False).count() == 8
    # 春晖's 大党委 (9) and 锦绣's 联席会 (4 named members, for its quarterly meetings)
    assert CommitteeMember.objects.current().count() == 13


@pytest.mark.django_db
def test_demo_has_the_district_above_its_sub_district_with_a_login(
    logins: list[list[str]],
) -> None:
    """Issue 25: the 区委组织部 over the demo sub-district; `quwei` sees all of it, writes none."""
    from organizations.models import OrganizationAccess as Access

    sub_district = Organization.objects.get(code="CN")
    assert sub_district.parent.kind == OrganizationKind.DISTRICT
    assert ["district", "quwei", "dangjian2026", sub_district.parent.code] in logins
    officer = Access.objects.get(user__username="quwei").user
    assert Organization.objects.visible_to(officer).count() == Organization.objects.count()
    assert not Organization.objects.editable_by(officer).exists()


@pytest.mark.django_db
def test_demo_has_members_of_every_category_and_dual_registration(
    logins: list[list[str]],
) -> None:
    from members.models import (
        ActivityRecord,
        Member,
        MemberCategory,
        PostClaim,
        Registration,
        Review,
    )
    from members.rules import Category

    assert 250 <= Member.objects.count() <= 350
    for category in MemberCategory.objects.all():
        assert category.members.exists(), category.name
    unit_members = Member.objects.in_service().filter(branch__kind=OrganizationKind.UNIT_ORG)
    assert unit_members.count() == 80
    assert 60 <= Registration.objects.count() < 80  # a few have not reported yet
    assert PostClaim.objects.filter(status="approved").exists()
    assert ActivityRecord.objects.count() > 200
    assert Review.objects.exclude(grade="").exists()
    assert Member.objects.filter(user__username="dangyuan").exists()
    assert Member.objects.in_category(Category.FLOATING).exists()


@pytest.mark.django_db
def test_demo_secretary_bears_the_name_of_the_trees_secretary(
    client, logins: list[list[str]]
) -> None:
    """Issue 22.14: the name in a secretary's header is the 书记 that the organization's list
    shows for their organization."""
    from django.urls import reverse

    from organizations.rules import PositionTitle

    checked = 0
    for role, username, password, code in logins:
        if role not in ("community_secretary", "branch_officer"):
            continue
        secretary = Position.objects.current().get(
            organization__code=code, title=PositionTitle.SECRETARY
        )
        assert client.login(request=HttpRequest(), username=username, password=password)
        header = client.get(reverse("admin:index")).content.decode()
        listed = client.get(reverse("admin:organizations_organization_changelist"), {"q": code})
        assert secretary.holder_name in header, username
        assert secretary.holder_name in listed.content.decode(), username
        checked += 1
    assert checked == 4
