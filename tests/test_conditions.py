"""kit.conditions: one evaluator of query conditions, as the database's WHERE and CHECK say."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F, Q

from kit.conditions import UnsupportedCondition, condition_holds, condition_lookups
from members.models import Member
from organizations.models import Organization
from organizations.scope import ANY, NONE, IdSet, within


def member(**values: object) -> Member:
    return Member(name="张三", birth_date=dt.date(1980, 1, 1), **values)  # type: ignore[arg-type]


def test_a_comparison_with_null_is_unknown_false_in_a_where_true_in_a_check() -> None:
    row = member(full_member_on=None)
    condition = Q(full_member_on__gte=dt.date(2000, 1, 1))
    assert condition_holds(condition, row) is False
    assert condition_holds(condition, row, unknown=True) is True


def test_or_and_not_follow_three_valued_logic() -> None:
    row = member(status="full", full_member_on=None)
    assert condition_holds(Q(status="full") | Q(full_member_on__gt=dt.date(2000, 1, 1)), row)
    assert not condition_holds(Q(status="probationary") | Q(full_member_on__isnull=False), row)
    # NOT of UNKNOWN stays UNKNOWN: a WHERE drops the row, a CHECK lets it pass
    negated = ~Q(full_member_on__lt=dt.date(2000, 1, 1))
    assert condition_holds(negated, row) is False
    assert condition_holds(negated, row, unknown=True) is True
    assert condition_holds(~Q(status="probationary"), row)


def test_a_lookup_through_a_relation_and_a_foreign_key_named_last() -> None:
    branch = Organization(pk=7, name="第一党支部")
    row = member(branch=branch)
    assert condition_holds(Q(branch__pk__in={7, 8}), row)
    assert condition_holds(Q(branch=7), row)  # the foreign key reads as its id
    assert not condition_holds(Q(branch_id__in={8}), row)
    assert not condition_holds(Q(group_id__in={7}), row)  # no group: NULL


def test_the_scope_helpers_evaluate_as_their_queries() -> None:
    row = member(branch=Organization(pk=7))
    assert condition_holds(ANY, row)
    assert not condition_holds(NONE, member())
    many = frozenset(range(1, 500))
    assert isinstance(within("branch_id", many).children[0][1], IdSet)  # type: ignore[index]
    assert condition_holds(within("branch_id", many), row)
    assert not condition_holds(within("branch_id", frozenset(range(100, 600))), row)


@pytest.mark.parametrize(
    "condition",
    [Q(joined_on__gte=F("birth_date")), Q(name__startswith="张"), Q(name__regex="^张")],
)
def test_what_only_the_database_can_evaluate_is_refused(condition: Q) -> None:
    with pytest.raises(UnsupportedCondition):
        condition_holds(condition, member())


def test_the_lookups_of_a_condition_with_their_operations() -> None:
    condition = Q(status="full") | Q(full_member_on=None, branch__code__in=["A"])
    assert sorted(condition_lookups(condition)) == [
        ("branch__code", "in", ["A"]),
        ("full_member_on", "isnull", True),
        ("status", "exact", "full"),
    ]
    with pytest.raises(UnsupportedCondition):
        list(condition_lookups(Q(joined_on__gte=F("birth_date"))))
