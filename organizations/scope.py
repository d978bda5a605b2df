"""Which organizations a user may see and change, and which rows of each model that reaches.

A user's scope follows from their OrganizationAccess rows:
- a managing role (sub-district, community, branch) reaches its organization and everything below
  it (the managed tree), plus the party organizations of the workplace units located in those
  communities;
- it also sees (without changing) the party organizations of units linked to its communities for
  双联双管;
- a unit reviewer sees its unit's party organization and what is below it, and changes nothing;
- a district officer (区委组织部) sees its whole tree, every sub-district below it, as a
  sub-district officer sees theirs (the units located there and linked to it included), and
  changes nothing (`Scope.supervised`);
- a member sees the organization they belong to.
A superuser reaches everything; `actor=None` in a service is the command line: no limit.

Each model declares once, on its QuerySet, how its rows reach organizations (`ScopedQuerySet`):
`visible_to(user)`, `editable_by(user)` and the services' `require_editable(actor, instance, what)`
all derive from that one declaration. Rows about people (members, reviews, score sheets, transfers,
floating records) are written only where the keeping organization is in the managed tree.

In Python a scope is sets of organization ids (`in` checks: require_editable), a big one kept as
runs of consecutive ids (`OrgIds`: what the cache holds and a request loads); in SQL a big set
is not its ids but its form (`OrgIds.form`, a `Reach`): a few subtrees matched by the indexed
prefix of Organization.tree_path, and the party organizations of the units located in or linked
to their communities, as one subquery on the organization table (`InTree`). When a scope is
computed, each form is run once beside the recursive walk of the tree, and what it selects
differently from the set (a member's own organization, a unit organization's branches, a path
a bulk write left stale) is added to it or taken out of it: the form selects the set exactly.

A scope is cached (the Django cache: Redis in production, locmem in development and tests) per
user and per scope version; any change to an Organization, a Unit (and its linked communities) or
an OrganizationAccess starts a new version (signals connected in OrganizationsConfig.ready()).
"""

from __future__ import annotations

import itertools
import json
import uuid
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import reduce
from operator import and_, or_
from operator import index as as_index
from typing import Any, ClassVar, Self, TypeVar

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connections, models, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save

from kit.conditions import condition_holds

from .roles import MANAGING_ROLES, SUPERVISING_ROLES, Role

M = TypeVar("M", bound=models.Model)
# A set of organization ids: a frozenset, or for a big one its compact form with its SQL (OrgIds).
Ids = AbstractSet[int]

# How long a computed scope is kept when nothing changes (a change starts a new version anyway).
SCOPE_CACHE_SECONDS = 24 * 60 * 60
_VERSION_KEY = "organizations:scope:version"


class ScopeError(PermissionDenied):
    """The actor tried to change something outside the organizations they manage."""


@dataclass(frozen=True)
class Scope:
    """Organization ids; None means no limit (a superuser).

    `visible` and `editable` are organizations. `people` are the organizations whose members'
    personal records the user may see: the managed tree and the reviewed unit trees, but not the
    unit organizations a community merely sees for 双联双管 (their members living elsewhere are
    none of the community's business). `managed` is the managed tree alone: the only place where
    the user writes records about people, and a member who lives in one of its communities is
    visible there too. `supervised` is the tree a district officer reads without writing: its
    organizations are among `visible` and `people`, and a member living in one of its
    communities is visible too, as in the managed tree.
    """

    visible: Ids | None
    editable: Ids | None
    people: Ids | None = None
    managed: Ids | None = None
    supervised: Ids = frozenset()

    @property
    def residents(self) -> Ids | None:
        """The organizations (communities) whose residents' records the user sees."""
        if self.managed is None or not self.supervised:
            return self.managed
        return self.managed | self.supervised if self.managed else self.supervised

    def __and__(self, other: Scope) -> Scope:
        """What both scopes allow (a user's scope narrowed to one subtree)."""
        return Scope(
            visible=_both(self.visible, other.visible),
            editable=_both(self.editable, other.editable),
            people=_both(self.people, other.people),
            managed=_both(self.managed, other.managed),
            supervised=self.supervised & other.supervised,
        )


def _both(a: Ids | None, b: Ids | None) -> Ids | None:
    if a is None:
        return b
    return a if b is None else a & b


EVERYTHING = Scope(visible=None, editable=None)
NOTHING = Scope(visible=frozenset(), editable=frozenset(), people=frozenset(), managed=frozenset())

# Conditions: ANY (the empty Q) lets every row through, NONE none.
ANY = Q()
NONE = Q(pk__in=())


# --- One declaration per model ------------------------------------------------------------------
@dataclass(frozen=True)
class People:
    """How a row about a person reaches organizations.

    `branch`: the organization that holds the person's membership record; `residence`: the
    community where the person lives or reported (optional). A row is visible where its branch is
    among the user's people organizations or its residence is a community the user manages.
    `keeper`: the organization that keeps (writes) the row, the first non-empty of these lookups;
    by default the branch. It must be in the user's managed tree.
    """

    branch: str
    residence: str | None = None
    keeper: tuple[str, ...] = ()

    @property
    def keepers(self) -> tuple[str, ...]:
        return self.keeper or (self.branch,)


class ScopedMixin:
    """A QuerySet whose scope is declared in one line of class attributes:

        scope_lookups = ("community_id",)       # rows of an organization
        scope_people = People(branch="member__branch_id", residence="community_id")

    With `scope_lookups`, a row is visible when any lookup reaches a visible organization and
    editable when every non-empty lookup reaches an editable one. Special cases override
    `visible_condition` / `editable_condition` (both from a Scope) or `visible_to`; what a user
    may write they must also be able to read (tests/test_scope_consistency.py).
    """

    scope_lookups: ClassVar[tuple[str, ...]] = ()
    scope_people: ClassVar[People | None] = None

    def visible_to(self, user: Any) -> Self:
        return filter_by(self, self.visible_condition(scope_of(user)))

    def editable_by(self, user: Any) -> Self:
        return filter_by(self, self.editable_condition(scope_of(user)))

    @classmethod
    def visible_condition(cls, scope: Scope) -> Q:
        people = cls.scope_people
        if people is None:
            return any_of(*(within(lookup, scope.visible) for lookup in cls.scope_lookups))
        if scope.people is None:
            return ANY
        residence = within(people.residence, scope.residents) if people.residence else NONE
        return any_of(within(people.branch, scope.people), residence)

    @classmethod
    def editable_condition(cls, scope: Scope) -> Q:
        if cls.scope_people is not None:
            return first_within(cls.scope_people.keepers, scope.managed)
        return all_within(cls.scope_lookups, scope.editable)

    @classmethod
    def write_targets(cls, instance: Any, before: Any) -> list[Any]:
        """The objects whose editability decides a write of `instance` besides the stored row
        `before` (None for a new one); None in the list stands for no organization at all.
        By default the instance itself, as it is about to be saved."""
        return [instance]


class ScopedQuerySet(ScopedMixin, QuerySet[M]):
    """The base QuerySet of a model with a scope; a QuerySet that needs another base (the tree's
    TreeQuerySet) mixes ScopedMixin in instead."""


def scoped_queryset_class(model: type[models.Model]) -> type[ScopedMixin] | None:
    """The scoped QuerySet class of a model's default manager, if it has one."""
    queryset_class = getattr(model._default_manager, "_queryset_class", None)
    if isinstance(queryset_class, type) and issubclass(queryset_class, ScopedMixin):
        return queryset_class
    return None


_LOAD: Any = object()


def require_editable(actor: Any, instance: models.Model, what: str, *, stored: Any = _LOAD) -> None:
    """Refuse (ScopeError) a write of `instance` that the actor's scope does not allow, judged on
    the row as stored (if it exists) and as it is about to be saved. `what` completes "您无权…".
    `stored`: the row as stored, when the caller has it already (a bulk import: no query)."""
    if actor is None:
        return
    queryset_class = scoped_queryset_class(type(instance))
    if queryset_class is None:
        raise TypeError(f"{type(instance).__name__} has no ScopedQuerySet")
    condition = queryset_class.editable_condition(scope_of(actor))
    if condition is ANY:
        return
    before = None if stored is _LOAD else stored
    if stored is _LOAD and instance.pk is not None:
        before = type(instance)._base_manager.filter(pk=instance.pk).first()
    targets = [before] if before is not None else []
    targets += queryset_class.write_targets(instance, before)
    if not all(target is not None and condition_holds(condition, target) for target in targets):
        raise ScopeError(f"您无权{what}：{_refusal_reason(queryset_class)}。")


def _refusal_reason(queryset_class: type[ScopedMixin]) -> str:
    people = queryset_class.scope_people
    lookups = people.keepers if people else queryset_class.scope_lookups
    if lookups and lookups[0].endswith("community_id"):
        return "该社区不在您的管理范围内"
    if people is not None and lookups[0] == people.branch:
        return "其组织关系不在您管理的党组织"
    return "该党组织不在您的管理范围内"


# --- Conditions (evaluated on an instance by kit.conditions) ---------------------------------
def filter_by(queryset: Any, condition: Q) -> Any:
    if condition is ANY:
        return queryset
    if condition is NONE:
        return queryset.none()
    return queryset.filter(condition)


class IdSet(RawSQL):
    """Many ids sent to the database as one parameter and unpacked there, rather than one
    placeholder each: a sub-district's thousands of organizations cost Django a few
    milliseconds per query to compile otherwise. `in` works on it as on the set."""

    def __init__(self, ids: Ids) -> None:
        self.ids = ids
        super().__init__("", (), output_field=models.BigIntegerField())

    def __contains__(self, value: object) -> bool:
        return value in self.ids

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor == "postgresql":
            return "(SELECT unnest(%s::bigint[]))", [sorted(self.ids)]
        if connection.vendor == "sqlite":
            return "(SELECT value FROM json_each(%s))", [json.dumps(sorted(self.ids))]
        return f"({', '.join(['%s'] * len(self.ids))})", sorted(self.ids)


# Above this many ids a condition sends them as one IdSet parameter, or, when the set knows its
# place in the tree (OrgIds), as a subquery on the tree paths.
ID_SET_THRESHOLD = 100


def within(lookup: str, ids: Ids | None) -> Q:
    """`lookup` reaches one of `ids` (None: anything)."""
    if ids is None:
        return ANY
    if not ids:
        return NONE
    if len(ids) <= ID_SET_THRESHOLD:
        return Q(**{f"{lookup}__in": frozenset(ids)})
    form = getattr(ids, "form", None)
    return Q(**{f"{lookup}__in": InTree(ids, form) if form is not None else IdSet(ids)})


# --- A scope's SQL form: a few subtrees by tree path, not every id ------------------------------
Roots = tuple[tuple[int, str], ...]  # (id, the tree-path prefix of the organizations below it)


@dataclass(frozen=True)
class Reach:
    """Organizations as one condition on the organization table finds them: the subtrees of
    `roots`; the party organizations of the units located in the communities of the subtrees
    of `located`; those of the units located in or linked to (双联双管) the communities of the
    subtrees of `reached`. Then without `minus` and with `plus`: what these missed or added
    when the scope was computed (a member's own organization, a unit organization's branches,
    a tree path not kept up to date), so that the condition selects exactly the scope's set."""

    roots: Roots = ()
    located: Roots = ()
    reached: Roots = ()
    minus: frozenset[int] = frozenset()
    plus: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Both:
    """What two forms both select."""

    left: Form
    right: Form


@dataclass(frozen=True)
class Either:
    """What either of two forms selects."""

    left: Form
    right: Form


Form = Reach | Both | Either


class OrgIds(AbstractSet[int]):
    """A set of organization ids (a scope's, more than ID_SET_THRESHOLD) that also carries its SQL
    form (`Reach`): the ids answer `in` in Python, the form goes into queries (`within`), so the
    size of a query does not grow with the tree.

    The ids are kept as runs of consecutive ids (two sorted arrays: where each run starts and
    ends), not as a Python set: a district officer's scope is tens of thousands of ids, mostly
    in long runs (a tree is created branch after branch), which a set pickles, sends and
    unpickles on every request one int at a time; the arrays are a few kilobytes copied whole.
    `in` is a binary search (O(log runs)). The union or intersection of two keeps a form; other
    operations give a plain frozenset (sent as an IdSet)."""

    __slots__ = ("_starts", "_ends", "_count", "_hashed", "form")

    def __init__(self, ids: Iterable[int], form: Form) -> None:
        ordered = sorted(set(ids))
        typecode = "i" if not ordered or ordered[-1] < 2**31 else "q"
        starts, ends = array(typecode), array(typecode)
        for pk in ordered:
            if ends and ends[-1] == pk:
                ends[-1] = pk + 1
            else:
                starts.append(pk)
                ends.append(pk + 1)
        self._starts, self._ends, self._count = starts, ends, len(ordered)
        self._hashed: int | None = None
        self.form = form

    @classmethod
    def _from_runs(
        cls, typecode: str, starts: bytes, ends: bytes, count: int, form: Form
    ) -> OrgIds:
        made = cls.__new__(cls)
        made._starts, made._ends = array(typecode, starts), array(typecode, ends)
        made._count, made._hashed, made.form = count, None, form
        return made

    def __reduce__(self) -> Any:
        runs = (self._starts.typecode, self._starts.tobytes(), self._ends.tobytes())
        return (_org_ids_from_runs, (*runs, self._count, self.form))

    @property
    def runs(self) -> int:
        return len(self._starts)

    def __contains__(self, value: object) -> bool:
        try:
            pk = as_index(value)  # type: ignore[arg-type]
        except TypeError:  # not an id (None, a string): in no set of ids
            return False
        found = bisect_right(self._starts, pk) - 1
        return found >= 0 and pk < self._ends[found]

    def __iter__(self) -> Iterator[int]:
        for start, end in zip(self._starts, self._ends, strict=True):
            yield from range(start, end)

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return f"OrgIds({self._count} ids in {self.runs} runs, {self.form!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OrgIds):
            return self._starts == other._starts and self._ends == other._ends
        return super().__eq__(other)

    def __hash__(self) -> int:
        # As a frozenset of the same ids hashes (equal sets, equal hashes); computed once.
        if self._hashed is None:
            self._hashed = hash(frozenset(self))
        return self._hashed

    @classmethod
    def _from_iterable(cls, ids: Iterable[int]) -> frozenset[int]:  # type: ignore[override]
        return frozenset(ids)  # what the Set mixin's other operations (-, ^) give

    def covers(self, ids: Iterable[int]) -> bool:
        """Every one of `ids` is in this set (for another OrgIds: run by run)."""
        if not isinstance(ids, OrgIds):
            return all(pk in self for pk in ids)
        for start, end in zip(ids._starts, ids._ends, strict=True):
            found = bisect_right(self._starts, start) - 1
            if found < 0 or end > self._ends[found]:
                return False
        return True

    def __or__(self, other: Any) -> Any:
        if not isinstance(other, AbstractSet):
            return NotImplemented
        if self.covers(other):  # nothing more (managed | supervised with one of them empty)
            return self
        if isinstance(other, OrgIds):
            if other.covers(self):
                return other
            return OrgIds(itertools.chain(self, other), Either(self.form, other.form))
        if len(other) <= ID_SET_THRESHOLD:  # a few ids more
            more = frozenset(other)
            return OrgIds(itertools.chain(self, more), Either(self.form, Reach(plus=more)))
        return frozenset(self) | frozenset(other)

    __ror__ = __or__

    def __and__(self, other: Any) -> Any:
        if not isinstance(other, AbstractSet):
            return NotImplemented
        if isinstance(other, OrgIds):
            both = (pk for pk in self if pk in other)
            return OrgIds(both, Both(self.form, other.form))
        return frozenset(pk for pk in other if pk in self)

    __rand__ = __and__


def _org_ids_from_runs(typecode: str, starts: bytes, ends: bytes, count: int, form: Form) -> OrgIds:
    """Unpickles an OrgIds (a module-level name, as pickle needs)."""
    return OrgIds._from_runs(typecode, starts, ends, count, form)


# Up to this many ids a form goes into SQL as a UNION of its parts (estimated by the planner at
# their own size, 200 rows for the union: the plan of a small set), above as one condition
# (at 10,000 a sub-district officer's meeting list, which joins the organization, was planned
# as a non-hashed semi-join: 17.8 s on 536,197 meetings).
UNION_FORM_MAX = 1_000


class InTree(RawSQL):
    """A scope's set of organizations as a subquery on the organization table (its `Reach`):
    an indexed prefix match on the tree path per subtree, whatever the number of ids. `in`
    works on it as on the set."""

    def __init__(self, ids: Ids, form: Form) -> None:
        self.ids, self.form = ids, form
        super().__init__("", (), output_field=models.BigIntegerField())

    def __contains__(self, value: object) -> bool:
        return value in self.ids

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # Only names from _meta are formatted in; ids and prefixes are parameters.
        names = _TreeNames(connection)
        if len(self.ids) <= UNION_FORM_MAX:
            sql, params = _form_sql(self.form, names, connection)
            return f"({sql})", params
        # Most of the tree (a district officer's): one condition on one scan of the
        # organizations, which the planner estimates as half of them or more (the unit part is
        # a subquery it guesses at half): it then walks a list's index and tests each row.
        condition, params = _form_condition(self.form, "scope_o", names, connection)
        sql = f"(SELECT scope_o.{names.pk} FROM {names.org} scope_o WHERE {condition})"  # noqa: S608
        return sql, params


class _TreeNames:
    """The quoted table and column names the forms' SQL uses (all from _meta)."""

    def __init__(self, connection: Any) -> None:
        from .models import Organization, Unit
        from .rules import COMMUNITY_KINDS

        quote = connection.ops.quote_name
        org, unit = Organization._meta, Unit._meta
        link = Unit.linked_communities.field
        self.org, self.pk = quote(org.db_table), quote(org.pk.column)
        self.kind, self.path = quote(org.get_field("kind").column), quote("tree_path")
        self.unit, self.unit_pk = quote(unit.db_table), quote(unit.pk.column)
        self.unit_org = quote(unit.get_field("party_organization").column)
        self.unit_community = quote(unit.get_field("community").column)
        self.link = quote(Unit.linked_communities.through._meta.db_table)
        self.link_unit, self.link_org = (
            quote(link.m2m_column_name()),
            quote(link.m2m_reverse_name()),
        )
        self.community_kinds = sorted(str(kind) for kind in COMMUNITY_KINDS)


def _ids_sql(ids: Iterable[int], connection: Any) -> tuple[str, list[Any]]:
    """`(…)` for an IN: placeholders for a few ids, one parameter for many."""
    ids = sorted(ids)
    if len(ids) > ID_SET_THRESHOLD and connection.vendor in ("postgresql", "sqlite"):
        return IdSet(frozenset(ids)).as_sql(None, connection)
    return f"({', '.join(['%s'] * len(ids))})", list(ids)


def _subtrees_sql(roots: Roots, alias: str, names: _TreeNames) -> tuple[str, list[Any]]:
    """The organizations `alias` in the subtrees of `roots`: the roots by id, the rest by the
    prefix of their tree path (an index range scan each)."""
    if not roots:
        return "1 = 0", []
    parts = [f"{alias}.{names.pk} IN ({', '.join(['%s'] * len(roots))})"]
    parts += [f"{alias}.{names.path} LIKE %s"] * len(roots)
    return "(" + " OR ".join(parts) + ")", [pk for pk, _ in roots] + [f"{p}%" for _, p in roots]


def _unit_organizations_sql(
    roots: Roots, linked: bool, names: _TreeNames, prefix: str, suffix: str = ""
) -> tuple[str, list[Any]]:
    """One SELECT (a column `id`) of the party organizations of the units located in the
    communities of the subtrees of `roots`, and with `linked` of those linked to them (双联双管);
    its tables are aliased `<prefix>u<suffix>`, `<prefix>c<suffix>`, `<prefix>l<suffix>`. The
    one writing of a scope's units, for both forms: the UNION's part and the row's condition."""
    unit, place, link = (f"{prefix}{letter}{suffix}" for letter in "ucl")
    kinds = ", ".join(["%s"] * len(names.community_kinds))
    inner, inner_params = _subtrees_sql(roots, place, names)
    communities = (
        f"SELECT {place}.{names.pk} FROM {names.org} {place} "  # noqa: S608
        f"WHERE {place}.{names.kind} IN ({kinds}) AND {inner}"
    )
    where = f"{unit}.{names.unit_community} IN ({communities})"
    params = [*names.community_kinds, *inner_params]
    if linked:
        where += (
            f" OR {unit}.{names.unit_pk} IN (SELECT {link}.{names.link_unit} "  # noqa: S608
            f"FROM {names.link} {link} WHERE {link}.{names.link_org} IN ({communities}))"
        )
        params += [*names.community_kinds, *inner_params]
    sql = (
        f"SELECT {unit}.{names.unit_org} AS id FROM {names.unit} {unit} "  # noqa: S608
        f"WHERE {unit}.{names.unit_org} IS NOT NULL AND ({where})"
    )
    return sql, params


def _form_sql(
    form: Form, names: _TreeNames, connection: Any, tag: str = "s"
) -> tuple[str, list[Any]]:
    """One SELECT of the ids `form` selects (a column `id`; repeats possible). Each part is its
    own SELECT joined by UNION ALL, so that the planner estimates each (a subtree by its prefix,
    the units by their communities) rather than guessing half the table for an OR of subqueries."""
    out = f"{tag}_r"
    if isinstance(form, Both | Either):
        left, left_params = _form_sql(form.left, names, connection, f"{tag}l")
        right, right_params = _form_sql(form.right, names, connection, f"{tag}r")
        if isinstance(form, Either):
            sql = f"SELECT {out}.id FROM ({left} UNION ALL {right}) {out}"  # noqa: S608
        else:
            sql = f"SELECT {out}.id FROM ({left}) {out} WHERE {out}.id IN ({right})"  # noqa: S608
        return sql, left_params + right_params
    parts, params = [], []
    org = f"{tag}_o"
    if form.roots:
        where, more = _subtrees_sql(form.roots, org, names)
        parts.append(f"SELECT {org}.{names.pk} AS id FROM {names.org} {org} WHERE {where}")  # noqa: S608
        params += more
    for index, (roots, linked) in enumerate(((form.located, False), (form.reached, True))):
        if not roots:
            continue
        units, more = _unit_organizations_sql(roots, linked, names, f"{tag}_", str(index))
        parts.append(units)
        params += more
    if form.plus:
        plus, plus_params = _ids_sql(form.plus, connection)
        parts.append(
            f"SELECT {org}p.{names.pk} AS id FROM {names.org} {org}p "  # noqa: S608
            f"WHERE {org}p.{names.pk} IN {plus}"
        )
        params += plus_params
    if not parts:
        parts.append(f"SELECT {org}.{names.pk} AS id FROM {names.org} {org} WHERE 1 = 0")  # noqa: S608
    sql = f"SELECT {out}.id FROM ({' UNION ALL '.join(parts)}) {out}"  # noqa: S608
    if form.minus:  # disjoint from plus
        minus, minus_params = _ids_sql(form.minus, connection)
        sql, params = f"{sql} WHERE NOT {out}.id IN {minus}", params + minus_params
    return sql, params


def _form_condition(
    form: Form, alias: str, names: _TreeNames, connection: Any
) -> tuple[str, list[Any]]:
    """A condition on the organization row `alias`: it is among what `form` selects (the form
    of a big set, `InTree`: one scan of the organizations whose statistics the planner knows)."""
    if isinstance(form, Both | Either):
        left, left_params = _form_condition(form.left, alias, names, connection)
        right, right_params = _form_condition(form.right, alias, names, connection)
        joint = "AND" if isinstance(form, Both) else "OR"
        return f"({left} {joint} {right})", left_params + right_params
    parts, params = [], []
    if form.roots:
        sql, more = _subtrees_sql(form.roots, alias, names)
        parts.append(sql)
        params += more
    for roots, linked in ((form.located, False), (form.reached, True)):
        if not roots:
            continue
        units, more = _unit_organizations_sql(roots, linked, names, f"{alias}_")
        parts.append(f"{alias}.{names.pk} IN ({units})")
        params += more
    sql = "(" + " OR ".join(parts) + ")" if parts else "1 = 0"
    if form.minus:
        minus, minus_params = _ids_sql(form.minus, connection)
        sql, params = f"({sql} AND NOT {alias}.{names.pk} IN {minus})", params + minus_params
    if form.plus:
        plus, plus_params = _ids_sql(form.plus, connection)
        sql, params = f"({sql} OR {alias}.{names.pk} IN {plus})", params + plus_params
    return sql, params


def any_of(*conditions: Q) -> Q:
    if any(c is ANY for c in conditions):
        return ANY
    real = [c for c in conditions if c is not NONE]
    return reduce(or_, real) if real else NONE


def all_of(*conditions: Q) -> Q:
    if any(c is NONE for c in conditions):
        return NONE
    real = [c for c in conditions if c is not ANY]
    return reduce(and_, real) if real else ANY


def all_within(lookups: Iterable[str], ids: Ids | None) -> Q:
    """Every non-empty lookup reaches one of `ids`, and at least one is non-empty."""
    lookups = tuple(lookups)
    if ids is None or len(lookups) < 2:
        return any_of(*(within(lookup, ids) for lookup in lookups))
    return all_of(
        any_of(*(within(lookup, ids) for lookup in lookups)),
        *(any_of(within(lookup, ids), Q(**{f"{lookup}__isnull": True})) for lookup in lookups),
    )


def first_within(lookups: Iterable[str], ids: Ids | None) -> Q:
    """The first non-empty lookup reaches one of `ids` (a coalesce of the lookups)."""
    if ids is None:
        return ANY
    conditions, earlier_empty = [], ANY
    for lookup in lookups:
        conditions.append(all_of(earlier_empty, within(lookup, ids)))
        earlier_empty = all_of(earlier_empty, Q(**{f"{lookup}__isnull": True}))
    return any_of(*conditions)


# --- Computing and caching a user's scope ---------------------------------------------------------
_generation = itertools.count()
_current_generation = next(_generation)


def scope_of(user: Any) -> Scope:
    """The user's scope: kept on the user object (a request), then in the cache (every request
    until the tree or an access changes), computed only when both miss."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser and _narrowed_root(user) is None:
        return EVERYTHING
    kept = getattr(user, "_organization_scope", None)
    if kept is not None and kept[0] == _current_generation:
        return kept[1]
    scope = _cached_scope(user)
    user._organization_scope = (_current_generation, scope)
    return scope


def _user_key(user: Any) -> str:
    # date_joined guards against a reused id (SQLite reuses the ids of rolled-back rows).
    joined = getattr(user, "date_joined", None)
    stamp = f"{joined.timestamp():.6f}" if joined is not None else ""
    root = _narrowed_root(user)
    narrowed = f":in:{root}" if root is not None else ""
    # "runs": the kept value's format (OrgIds as runs of ids). A process of the code before it
    # (a worker during a deploy) cannot unpickle it, so the two never share an entry.
    return f"organizations:scope:runs:user:{user.pk}:{stamp}{narrowed}"


def narrowed(user: Any, organization_id: int) -> Any:
    """The user seen through one subtree of their scope (a district officer's view of one
    sub-district: its 工作台 row, its compliance page): a copy of the user object whose scope is
    their own narrowed to that organization and what its tree reaches. Its scope and everything
    kept by user (the 工作台's figures) are cached apart from the user's whole scope."""
    import copy

    seen = copy.copy(user)
    for attr in ("_organization_scope", "_scope_root"):
        seen.__dict__.pop(attr, None)
    seen._scope_root = organization_id
    return seen


def _narrowed_root(user: Any) -> int | None:
    return getattr(user, "_scope_root", None)


def _cached_scope(user: Any) -> Scope:
    key = _user_key(user)
    found = cache.get_many([_VERSION_KEY, key])
    version = found.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        # If it is gone again at once, store under a version that nothing will match.
        version = cache.get(_VERSION_KEY) or f"unversioned-{uuid.uuid4().hex}"
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    scope = compute_scope(user)
    cache.set(key, (version, scope), timeout=SCOPE_CACHE_SECONDS)
    return scope


def compute_scope(user: Any) -> Scope:
    """The scope from the database, in four queries whatever the size of the tree (three more
    for a user narrowed to one subtree, `narrowed`); the fourth also checks the SQL forms."""
    if user.is_superuser:
        whole = EVERYTHING
    else:
        accesses = list(user.organization_accesses.values_list("role", "organization_id"))
        whole = _scope_from(
            managed={org for role, org in accesses if role in MANAGING_ROLES},
            reviewed={org for role, org in accesses if role == Role.UNIT_REVIEWER},
            supervised={org for role, org in accesses if role in SUPERVISING_ROLES},
            own_nodes={org for role, org in accesses if role == Role.MEMBER},
        )
    root = _narrowed_root(user)
    if root is None:
        return whole
    # Everything the subtree reaches, as if it were supervised: the user's own rights within it.
    return whole & _scope_from(managed={root}, reviewed=set(), supervised={root}, own_nodes=set())


def _scope_from(
    *, managed: set[int], reviewed: set[int], supervised: set[int], own_nodes: set[int]
) -> Scope:
    """The scope of these root organizations, in three queries: the tree walked down from them
    (with their tree paths), the units there, and the units' trees with what each form selects."""
    from .models import Unit

    trees, communities, paths, _ = _walk(
        {"managed": managed, "reviewed": reviewed, "supervised": supervised}
    )
    managed_communities = communities["managed"]
    reached = managed_communities | communities["supervised"]
    # A unit's party organization: editable where its community is managed, seen where it is
    # supervised or the unit is linked to a managed or supervised community (双联双管).
    units_by_kind: dict[str, set[int]] = {"located": set(), "seen": set()}
    if reached:
        units = Unit.objects.filter(
            Q(community_id__in=reached) | Q(linked_communities__in=reached),
            party_organization__isnull=False,
        ).values_list("party_organization_id", "community_id")
        for org_id, community_id in units:
            kind = "located" if community_id in managed_communities else "seen"
            units_by_kind[kind].add(org_id)
    editable = frozenset(trees["managed"])  # completed below, once the unit trees are known
    sets = {
        "visible": frozenset(trees["reviewed"] | trees["supervised"] | own_nodes),
        "editable": editable,
        "people": frozenset(trees["managed"] | trees["reviewed"] | trees["supervised"]),
        "managed": frozenset(trees["managed"]),
        "supervised": frozenset(trees["supervised"]),
    }

    def roots(*groups: set[int]) -> Roots:
        ids = sorted(set().union(*groups))
        return tuple((pk, f"{paths[pk]}{pk}/") for pk in ids if pk in paths)

    anywhere = roots(managed, reviewed, supervised)
    forms = {
        "visible": Reach(roots=anywhere, reached=roots(managed, supervised)),
        "editable": Reach(roots=roots(managed), located=roots(managed)),
        "people": Reach(roots=anywhere),
        "managed": Reach(roots=roots(managed)),
        "supervised": Reach(roots=roots(supervised)),
    }
    # The unit trees and, in the same query, what each form selects (compared with the sets
    # below: the differences become the form's `minus` and `plus`).
    unit_trees, _, _, found = _walk(units_by_kind, checks=forms)
    sets["editable"] = editable | unit_trees["located"]
    sets["visible"] = sets["visible"] | sets["editable"] | unit_trees["seen"] | sets["people"]
    made = {name: _with_form(ids, forms[name], found.get(name)) for name, ids in sets.items()}
    shared = _shared(made["visible"], made["people"], made["managed"], made["supervised"])
    return Scope(
        visible=shared[0], editable=made["editable"], people=shared[1], managed=shared[2],
        supervised=shared[3],
    )  # fmt: skip


def _with_form(ids: frozenset[int], form: Reach, found: set[int] | None) -> Ids:
    """The set with its SQL form made exact (OrgIds), if it is big enough to need one."""
    if found is None or len(ids) <= ID_SET_THRESHOLD:
        return ids
    return OrgIds(ids, replace(form, minus=frozenset(found - ids), plus=frozenset(ids - found)))


def _shared(*sets: Ids) -> list[Ids]:
    """Equal sets as one object: the cache pickles it once (a district officer's people and
    supervised trees are the same tens of thousands of ids)."""
    found: list[Ids] = []
    for ids in sets:
        found.append(next((seen for seen in found if seen == ids), ids))
    return found


def subtrees(
    roots: Mapping[str, Iterable[int]],
) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """For each named group of root organizations: the roots and everything below them, and the
    communities among those; in one recursive query that walks only these subtrees."""
    trees, communities, _, _ = _walk(roots)
    return trees, communities


def _walk(
    roots: Mapping[str, Iterable[int]], checks: Mapping[str, Reach] | None = None
) -> tuple[dict[str, set[int]], dict[str, set[int]], dict[int, str], dict[str, set[int]]]:
    """`subtrees`, plus the tree path of each root, and, in the same query, the organizations
    each of `checks` selects (only for the checks whose set is big enough for a form; their
    sets must follow from the same roots)."""
    from .models import Organization
    from .rules import COMMUNITY_KINDS

    names = list(roots)
    trees: dict[str, set[int]] = {name: set() for name in names}
    communities: dict[str, set[int]] = {name: set() for name in names}
    paths: dict[int, str] = {}
    seeds = [(index, sorted(set(roots[name]))) for index, name in enumerate(names)]
    seeds = [(index, ids) for index, ids in seeds if ids]
    if not seeds and not checks:
        return trees, communities, paths, {}
    connection = connections[Organization.objects.db]
    sql = _subtree_sql([len(ids) for _, ids in seeds], [i for i, _ in seeds]) if seeds else ""
    params = [pk for _, ids in seeds for pk in ids]
    # Equal forms are selected once (a district officer's people and supervised trees).
    distinct = list(dict.fromkeys((checks or {}).values()))
    if distinct:
        tree_names = _TreeNames(connection)
        selects = []
        for index, form in enumerate(distinct):
            selected, more = _form_sql(form, tree_names, connection)
            selects.append(
                f"SELECT checked.id, {_CHECK_TAG + index}, NULL, NULL FROM ({selected}) checked"  # noqa: S608
            )
            params += more
        sql = " UNION ALL ".join(([sql] if sql else []) + selects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_form: list[set[int]] = [set() for _ in distinct]
    for org_id, tag, org_kind, path in rows:
        if tag >= _CHECK_TAG:
            by_form[tag - _CHECK_TAG].add(org_id)
            continue
        trees[names[tag]].add(org_id)
        if org_kind in COMMUNITY_KINDS:
            communities[names[tag]].add(org_id)
        if path is not None:
            paths[org_id] = path
    found = {name: by_form[distinct.index(form)] for name, form in (checks or {}).items()}
    return trees, communities, paths, found


_CHECK_TAG = 1000


def _subtree_sql(sizes: list[int], tags: list[int]) -> str:
    """A recursive query from seed rows (tagged by integers) down through `parent`; UNION (not
    ALL) drops repeats, so it ends even on a cycle. The seeds come with their tree path."""
    from .models import Organization

    meta = Organization._meta
    quote = connections[Organization.objects.db].ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    parent, kind = quote(meta.get_field("parent").column), quote(meta.get_field("kind").column)
    path = quote(meta.get_field("tree_path").column)
    # Only names from _meta and integers are formatted in; the ids are parameters.
    seeds = " UNION ALL ".join(
        f"SELECT {pk}, {tag}, {kind}, {path} FROM {table} WHERE {pk} IN ({', '.join(['%s'] * size)})"  # noqa: S608
        for size, tag in zip(sizes, tags, strict=True)
    )
    return (
        f"WITH RECURSIVE subtree(id, tag, kind, path) AS ({seeds} UNION "  # noqa: S608
        f"SELECT child.{pk}, subtree.tag, child.{kind}, CAST(NULL AS VARCHAR(255)) FROM {table} child "
        f"JOIN subtree ON child.{parent} = subtree.id) SELECT id, tag, kind, path FROM subtree"
    )


def forget_scope(user: Any) -> None:
    """Drop the user's cached scope and permissions, after their accesses or the tree changed."""
    for attr in ("_organization_scope", "_role_perm_cache", "_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
    if user is not None and getattr(user, "pk", None) is not None:
        cache.delete(_user_key(user))


def forget_all_scopes() -> None:
    """Start a new scope version: every user's scope is computed afresh on next use. Called by
    the signals below; a bulk write that sends no signals (bulk_create, update) calls it itself."""
    global _current_generation
    _current_generation = next(_generation)
    cache.set(_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _tree_changed(**kwargs: Any) -> None:
    if str(kwargs.get("action", "")).startswith("pre_"):
        return
    # Now, for this transaction's own reads; again after commit, because a request that read
    # the new version before the commit may have cached the old tree under it (once per
    # transaction, however many rows it writes).
    forget_all_scopes()
    using = kwargs.get("using")
    connection = transaction.get_connection(using)
    pending = (entry[1] for entry in connection.run_on_commit)
    if connection.in_atomic_block and forget_all_scopes not in pending:
        transaction.on_commit(forget_all_scopes, using=using)


def connect_scope_signals() -> None:
    """Every change to the tree, the units or the accesses starts a new scope version."""
    from .models import Organization, OrganizationAccess, Unit

    for model in (Organization, Unit, OrganizationAccess):
        post_save.connect(_tree_changed, sender=model, dispatch_uid=f"scope-save-{model.__name__}")
        post_delete.connect(
            _tree_changed, sender=model, dispatch_uid=f"scope-delete-{model.__name__}"
        )
    m2m_changed.connect(
        _tree_changed, sender=Unit.linked_communities.through, dispatch_uid="scope-unit-links"
    )
