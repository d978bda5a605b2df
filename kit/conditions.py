"""One evaluator of query conditions (`Q`) on an instance in Python, as the database would.

Used where asking the database would cost a query per row: a scope's condition on the row a
service is about to write (`organizations.scope.require_editable`), and a check constraint on
each row of a bulk import (`kit.imports.bulk`). It knows plain lookups only: `exact` (also
written without an operator, and `None` meaning `isnull`), `gt`, `gte`, `lt`, `lte`, `in` and
`isnull`, on a model's own fields or through relations (`member__branch_id`). Anything else
(expressions such as `F()`, other lookups) raises UnsupportedCondition: the caller asks the
database instead.

SQL's three-valued logic: a comparison with NULL is UNKNOWN. A query's WHERE keeps a row only
when the condition is true; a CHECK constraint refuses a row only when it is false. Hence
`condition_holds(..., unknown=...)` says which of the two the caller means.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
OPERATIONS = (*COMPARISONS, "in", "isnull")
UNKNOWN: Any = object()  # SQL's NULL truth value


class UnsupportedCondition(Exception):
    """A condition that only the database can evaluate."""


def condition_lookups(condition: Any) -> Iterator[tuple[str, str, Any]]:
    """(path, operation, expected) of every leaf of `condition`; UnsupportedCondition for a leaf
    that is not a plain lookup."""
    if isinstance(condition, Q):
        for child in condition.children:
            yield from condition_lookups(child)
        return
    if not isinstance(condition, tuple):
        raise UnsupportedCondition(repr(condition))
    yield _parse(*condition)


def _parse(lookup: str, expected: Any) -> tuple[str, str, Any]:
    path, _, operation = lookup.rpartition(LOOKUP_SEP)
    if operation not in OPERATIONS:
        path, operation = lookup, "exact"
    if expected is None and operation == "exact":
        operation, expected = "isnull", True
    # A value computed by the database (F(), a subquery); a set of ids sent as one parameter
    # (organizations.scope.IdSet) still answers `in`.
    if hasattr(expected, "resolve_expression") and not (
        operation == "in" and hasattr(expected, "__contains__")
    ):
        raise UnsupportedCondition(lookup)
    return path, operation, expected


def condition_truth(condition: Any, instance: Any) -> Any:
    """True, False or UNKNOWN, by SQL's three-valued logic."""
    if not isinstance(condition, Q):
        return _leaf_truth(instance, *_parse(*condition))
    values = [condition_truth(child, instance) for child in condition.children]
    decisive = condition.connector == Q.OR  # True decides an OR, False an AND
    if decisive in values:
        value: Any = decisive
    elif UNKNOWN in values:
        value = UNKNOWN
    else:
        value = not decisive
    if condition.negated and value is not UNKNOWN:
        value = not value
    return value


def condition_holds(condition: Q, instance: Any, *, unknown: bool = False) -> bool:
    """Whether `condition` holds on `instance`. `unknown`: the answer when SQL's is UNKNOWN
    (False for a query's WHERE, the default; True for a CHECK constraint)."""
    value = condition_truth(condition, instance)
    return unknown if value is UNKNOWN else bool(value)


def _leaf_truth(instance: Any, path: str, operation: str, expected: Any) -> Any:
    actual = resolve(instance, path)
    if operation == "isnull":
        return (actual is None) == bool(expected)
    if actual is None:
        return UNKNOWN
    if operation == "in":
        return actual in expected
    return COMPARISONS[operation](actual, expected)


def resolve(instance: Any, path: str) -> Any:
    """The value a lookup path (`member__branch_id`) reaches on an instance, or None (a missing
    relation is NULL, as a join would give). A foreign key named last gives its id, as in SQL."""
    value = instance
    parts = path.split(LOOKUP_SEP)
    for index, part in enumerate(parts):
        if not hasattr(value, "_meta"):  # past a field's value: a lookup (`__startswith`)
            raise UnsupportedCondition(path)
        if index == len(parts) - 1:
            part = _attname(value, part)
        try:
            value = getattr(value, part)
        except ObjectDoesNotExist:
            return None
        except AttributeError:
            raise UnsupportedCondition(path) from None
        if value is None:
            return None
    return value


def _attname(value: Any, name: str) -> str:
    meta = getattr(value, "_meta", None)
    if meta is None:
        return name
    try:
        return str(meta.get_field(name).attname)
    except Exception:  # a property or `pk`: read as it is
        return name
