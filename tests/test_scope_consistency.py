"""One scope per model: lists (`visible_to`, `editable_by`) and services (`require_editable`) give
the same answer, because both derive from the declaration on the model's ScopedQuerySet.

The models are discovered from the app registry, so a new model with a ScopedQuerySet is covered
as soon as it exists (and fails `test_every_scoped_model_is_populated` until its app's
`scope_rows` in tests/<app>/admin_registry.py creates rows of it in and out of a secretary's
scope; `populated` below makes the people they are about).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction

from members.models import Assessment, Member, MembershipTransfer, Review, TransferDirection
from members.rules import ReviewGrade
from members.services import records
from organizations import scope as scope_module
from organizations.models import Organization, Position
from organizations.roles import Role
from organizations.scope import (
    OrgIds,
    Scope,
    ScopeError,
    compute_scope,
    filter_by,
    require_editable,
    scoped_queryset_class,
)
from tests.conftest import build_district, build_tree, grant_user
from tests.members.factories import (
    MemberFactory,
)
from tests.organizations.factories import UserFactory
from tests.registries import app_registries

SCOPED_MODELS = sorted(
    (model for model in apps.get_models() if scoped_queryset_class(model) is not None),
    key=lambda model: model._meta.label,
)
ROLES = [
    "secretary_a",
    "secretary_b",
    "sub_district_officer",
    "branch_officer_a",
    "reviewer_b",
    "member_user",
    "superuser",
    "district_officer",
]


def test_the_registry_finds_the_scoped_models() -> None:
    labels = {model._meta.label for model in SCOPED_MODELS}
    assert {"organizations.Organization", "members.Member", "members.Assessment"} <= labels
    assert not any(
        label.startswith(("members.Historical", "organizations.Historical")) for label in labels
    )


def _people(tree: SimpleNamespace) -> SimpleNamespace:
    in_service = ["in_service"]
    return SimpleNamespace(
        a=MemberFactory(name="甲支部党员", branch=tree.branch_a),
        b=MemberFactory(name="乙支部党员", branch=tree.branch_b),
        unit_a=MemberFactory(
            name="甲小学党员住甲社区",
            branch=tree.unit_a.party_organization,
            residence_community=tree.community_a,
            categories=in_service,
        ),
        unit_b_in_a=MemberFactory(
            name="乙医院党员住甲社区",
            branch=tree.unit_b.party_organization,
            residence_community=tree.community_a,
            categories=in_service,
        ),
        unit_b_in_b=MemberFactory(
            name="乙医院党员住乙社区",
            branch=tree.unit_b.party_organization,
            residence_community=tree.community_b,
            categories=in_service,
        ),
    )


# Every role's username and where it works (conftest's fixtures of the same names make the same).
GRANTS = {
    "secretary_a": (Role.COMMUNITY_SECRETARY, "community_a", "secretary_a"),
    "secretary_b": (Role.COMMUNITY_SECRETARY, "community_b", "secretary_b"),
    "sub_district_officer": (Role.SUB_DISTRICT_OFFICER, "sub_district", "jiedao"),
    "branch_officer_a": (Role.BRANCH_OFFICER, "branch_a", "branch_a"),
    "reviewer_b": (Role.UNIT_REVIEWER, "unit_b", "reviewer_b"),
    "member_user": (Role.MEMBER, "branch_a", "member_a"),
    "district_officer": (Role.DISTRICT_OFFICER, "district", "quwei"),
}


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """Rows of every scoped model in both communities, in their branches, in located and linked
    unit organizations, and about residents held elsewhere, the 区委组织部 above them all; and
    the users of every role. Made
    once for the module and rolled back after it; each test runs in a transaction inside this
    one, so what a test writes is gone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        root = UserFactory(username="root", is_superuser=True, is_staff=True)
        tree = build_tree()
        build_district(tree, root)  # the 区委组织部 above them all
        users = {
            name: grant_user(
                role,
                tree.unit_b.party_organization if place == "unit_b" else getattr(tree, place),
                username,
                root,
            )
            for name, (role, place, username) in GRANTS.items()
        }
        users["superuser"] = root
        people = _people(tree)
        Member.objects.filter(pk=people.a.pk).update(user=users["member_user"])
        writers = tuple(users[name] for name in ROLES[:5])
        for registry in app_registries():  # each app's rows (tests/<app>/admin_registry.py)
            if hasattr(registry, "scope_rows"):
                registry.scope_rows(tree, people, writers)
        yield SimpleNamespace(tree=tree, people=people, users=users)
        transaction.set_rollback(True)


def _fresh(world: SimpleNamespace, role: str) -> Any:
    """The role's user as a new object (no scope kept on it from an earlier test)."""
    return get_user_model().objects.get(pk=world.users[role].pk)


@pytest.fixture
def populated(world: SimpleNamespace, db: None) -> SimpleNamespace:
    return SimpleNamespace(tree=world.tree, people=world.people)


@pytest.fixture
def users(world: SimpleNamespace, db: None) -> dict[str, Any]:
    return {role: _fresh(world, role) for role in ROLES}


@pytest.fixture
def secretary_a(world: SimpleNamespace, db: None) -> Any:
    return _fresh(world, "secretary_a")


@pytest.fixture
def reviewer_b(world: SimpleNamespace, db: None) -> Any:
    return _fresh(world, "reviewer_b")


@pytest.fixture
def sub_district_officer(world: SimpleNamespace, db: None) -> Any:
    return _fresh(world, "sub_district_officer")


@pytest.fixture
def district_officer(world: SimpleNamespace, db: None) -> Any:
    return _fresh(world, "district_officer")


def _pks(queryset: models.QuerySet[Any]) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_every_scoped_model_is_populated(
    populated: SimpleNamespace, secretary_a: Any, model: type[models.Model]
) -> None:
    """Otherwise the tests below prove nothing for it: add its rows to `populated`."""
    manager: Any = model._default_manager
    total = manager.count()
    visible = manager.visible_to(secretary_a).count()
    assert 0 < visible < total, f"{model._meta.label}: {visible} of {total} rows visible"


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_what_a_user_may_write_they_may_read(
    populated: SimpleNamespace, users: dict[str, Any], model: type[models.Model]
) -> None:
    manager: Any = model._default_manager
    for role, user in users.items():
        editable, visible = _pks(manager.editable_by(user)), _pks(manager.visible_to(user))
        assert editable <= visible, (
            f"{role} may write {model._meta.label} {editable - visible} unseen"
        )


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_services_and_lists_agree_on_every_row(
    populated: SimpleNamespace, users: dict[str, Any], model: type[models.Model]
) -> None:
    """`require_editable` (what every service calls) passes exactly for the rows of
    `editable_by` (what the admin offers)."""
    manager: Any = model._default_manager
    rows = list(manager.all())
    for role, user in users.items():
        editable = _pks(manager.editable_by(user))
        for row in rows:
            try:
                require_editable(user, row, "修改")
                allowed = True
            except ScopeError:
                allowed = False
            assert allowed == (row.pk in editable), f"{role}, {model._meta.label} {row}"


def test_the_command_line_is_unlimited(populated: SimpleNamespace) -> None:
    assessment = Assessment.objects.filter(member=populated.people.unit_a).get()
    require_editable(None, assessment, "修改")  # the command line: no limit


# --- The defect of issue 7: a community wrote records about a unit's member it cannot see ----------
def test_secretary_cannot_score_a_located_unit_orgs_member(
    populated: SimpleNamespace, secretary_a: Any
) -> None:
    member = populated.people.unit_a  # held by 甲小学党支部, located in community A
    with pytest.raises(ScopeError, match="其组织关系不在您管理的党组织"):
        records.assessment_save(assessment=Assessment(member=member, year=2025), actor=secretary_a)
    assert not Assessment.objects.filter(member=member, year=2025).exists()


def test_secretary_cannot_review_a_located_unit_orgs_member(
    populated: SimpleNamespace, secretary_a: Any
) -> None:
    member = populated.people.unit_a
    review = Review(member=member, year=2025, grade=ReviewGrade.QUALIFIED)
    with pytest.raises(ScopeError):
        records.review_save(review=review, actor=secretary_a)
    assert not Review.objects.filter(member=member, year=2025).exists()


def test_secretary_cannot_transfer_a_located_unit_orgs_member(
    populated: SimpleNamespace, secretary_a: Any
) -> None:
    member = populated.people.unit_a
    transfer = MembershipTransfer(
        member=member,
        direction=TransferDirection.OUT,
        branch=member.branch,
        other_organization="某县某镇党委",
        letter_number="JS-UNIT-A",
        issued_on=dt.date(2026, 3, 1),
    )
    with pytest.raises(ScopeError):
        records.membership_transfer_save(transfer=transfer, actor=secretary_a)
    assert not MembershipTransfer.objects.filter(letter_number="JS-UNIT-A").exists()


def test_what_the_secretary_may_write_about_their_member_they_then_see(
    populated: SimpleNamespace, secretary_a: Any
) -> None:
    member = populated.people.a
    assessment = records.assessment_save(
        assessment=Assessment(member=member, year=2025), actor=secretary_a
    )
    review = records.review_save(
        review=Review(member=member, year=2025, grade=ReviewGrade.QUALIFIED), actor=secretary_a
    )
    assert Assessment.objects.visible_to(secretary_a).filter(pk=assessment.pk).exists()
    assert Review.objects.visible_to(secretary_a).filter(pk=review.pk).exists()
    assert Member.objects.visible_to(secretary_a).filter(pk=member.pk).exists()


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_the_district_officer_reads_what_the_sub_district_reads_and_writes_none(
    populated: SimpleNamespace,
    district_officer: Any,
    sub_district_officer: Any,
    model: type[models.Model],
) -> None:
    """The 区委组织部 above the test sub-district sees every row its officer sees (and, of the
    tree and its accesses, its own node, the second sub-district and their accesses), and may
    write no row of any scoped model."""
    manager: Any = model._default_manager
    assert not manager.editable_by(district_officer).exists()
    seen = _pks(manager.visible_to(district_officer))
    below = _pks(manager.visible_to(sub_district_officer))
    if model._meta.label in ("organizations.Organization", "organizations.OrganizationAccess"):
        assert seen > below
    else:
        assert seen == below


def test_unit_reviewer_reads_its_members_records_and_writes_none(
    populated: SimpleNamespace, reviewer_b: Any
) -> None:
    member = populated.people.unit_b_in_a
    assert Assessment.objects.visible_to(reviewer_b).filter(member=member).exists()
    assert not Assessment.objects.editable_by(reviewer_b).exists()
    with pytest.raises(ScopeError):
        records.assessment_save(assessment=Assessment(member=member, year=2025), actor=reviewer_b)


def test_moving_a_record_out_of_scope_is_refused(
    populated: SimpleNamespace, secretary_a: Any
) -> None:
    """The row as it is about to be saved counts too, not only the stored one."""
    position = Position.objects.get(organization=populated.tree.branch_a)
    position.organization = populated.tree.branch_b
    with pytest.raises(ScopeError, match="该党组织不在您的管理范围内"):
        require_editable(secretary_a, position, "任免该党组织的班子成员")


# --- Issue 25: a big scope goes into a query as a few subtrees by tree path, not as every id ---
def _as_ids(scope: Scope) -> Scope:
    """The same scope with plain id sets: sent as one array of ids (the condition before)."""

    def plain(ids: frozenset[int] | None) -> frozenset[int] | None:
        return None if ids is None else frozenset(ids)

    return Scope(
        visible=plain(scope.visible), editable=plain(scope.editable), people=plain(scope.people),
        managed=plain(scope.managed), supervised=frozenset(scope.supervised),
    )  # fmt: skip


@pytest.mark.parametrize("style", ["union", "condition"])
@pytest.mark.parametrize("paths", ["kept", "stale"])
@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_the_tree_condition_selects_the_rows_the_ids_select(
    populated: SimpleNamespace,
    users: dict[str, Any],
    model: type[models.Model],
    paths: str,
    style: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every set of every role's scope in its SQL form (the tree paths: every set here, however
    small), against the same sets sent as ids: the same rows of every scoped model, visible
    and editable. "stale": tree paths a bulk write left wrong (a branch moved by update(), a
    path never filled), which the scope's check when it is computed makes good. Both SQL
    styles of a form: a UNION of its parts (a small set) and one condition (a big one)."""
    monkeypatch.setattr(scope_module, "ID_SET_THRESHOLD", 0)
    monkeypatch.setattr(scope_module, "UNION_FORM_MAX", 10**9 if style == "union" else 0)
    tree = populated.tree
    if paths == "stale":
        Organization.objects.filter(pk=tree.branch_a.pk).update(parent=tree.community_b)
        Organization.objects.filter(pk=tree.group_b.pk).update(tree_path="")
    queryset_class: Any = scoped_queryset_class(model)
    manager: Any = model._default_manager
    for role, user in users.items():
        if role == "superuser":
            continue
        scope = compute_scope(user)
        assert isinstance(scope.visible, OrgIds), role
        by_ids = _as_ids(scope)
        for condition in (queryset_class.visible_condition, queryset_class.editable_condition):
            in_tree = _pks(filter_by(manager.all(), condition(scope)))
            assert in_tree == _pks(filter_by(manager.all(), condition(by_ids))), (
                f"{role}: {model._meta.label} {condition.__name__}"
            )
        if paths == "stale" and role == "sub_district_officer":
            form: Any = scope.visible.form
            assert form.plus or form.minus  # the check did correct the paths
