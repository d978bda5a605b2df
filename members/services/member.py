"""Writes of the member registry: a member and its categories, and the log of personal-data reads.

A member is written only by an actor who manages the branch that holds the membership record,
both before and after the change (`require_editable`, by MemberQuerySet's declaration): the
managed tree, never a unit party organization the actor only sees. Changing the citizen ID or
phone of an existing member needs the permission to see them (members.view_personal_data).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils import timezone

from kit.services import history_copy, model_save
from organizations.models import Organization
from organizations.rules import OrganizationKind
from organizations.scope import Ids, require_editable, scope_of

from ..models import Member, MemberCategory, PersonalDataAccess

PERSONAL_DATA_PERMISSION = "members.view_personal_data"
ROSTER_PERMISSION = "members.exchange_roster"
PERSONAL_FIELDS = ("citizen_id", "phone")


def may_exchange_roster(user: Any) -> bool:
    """Whether a user may export, print and import the 党员花名册 of the members they manage: the
    file carries full IDs and phones, so it takes the personal-data permission or the roster's
    own (a branch officer's: its branch's roster, without the full values on the pages). Each
    export and import is logged (personal_data_access_record)."""
    return bool(
        user.has_perm("members.view_member")
        and (user.has_perm(PERSONAL_DATA_PERMISSION) or user.has_perm(ROSTER_PERMISSION))
    )


def member_branch_ids(actor: Any) -> Ids | None:
    """Organizations where the actor may hold members (None: anywhere): their managed tree, the
    keeper MemberQuerySet declares, so a member written by the actor stays visible to them."""
    return None if actor is None else scope_of(actor).managed


def _require_personal_permission(actor: Any, before: Member, member: Member) -> None:
    changed = [f for f in PERSONAL_FIELDS if getattr(before, f) != getattr(member, f)]
    if changed and actor is not None and not actor.has_perm(PERSONAL_DATA_PERMISSION):
        raise PermissionDenied("您无权修改党员的公民身份号码和联系电话。")


def _original(member: Member) -> Member | None:
    return Member.objects.filter(pk=member.pk).first() if member.pk else None


def _set_categories(member: Member, categories: Iterable[MemberCategory]) -> None:
    wanted = {category.pk for category in categories}
    if wanted != set(member.categories.values_list("pk", flat=True)):
        member.categories.set(wanted)


def member_check(*, member: Member, stored: Member | None, actor: Any) -> None:
    """What member_save refuses before it writes (ScopeError, PermissionDenied): the actor's
    scope before and after the change, and the permission to change personal data. `stored` is
    the member as stored (None: a new member); given it, no query (a bulk import)."""
    what = "修改该党员的信息" if stored is not None else "在该党组织登记党员"
    require_editable(actor, member, what, stored=stored)
    if stored is not None:
        _require_personal_permission(actor, stored, member)


@transaction.atomic
def member_save(
    *,
    member: Member,
    actor: Any,
    categories: Iterable[MemberCategory] | None = None,
    update_fields: list[str] | None = None,
) -> Member:
    """Create or change a member (and, if given, set its categories) inside the actor's scope.

    `actor` None is the command line without a user: no scope limit.
    """
    member_check(member=member, stored=_original(member), actor=actor)
    model_save(member, actor=actor, update_fields=update_fields)
    if categories is not None:
        _set_categories(member, categories)
    return member


def member_group_place(*, member: Member, group: Organization, actor: Any) -> Member:
    """编入党小组: place a member in a 党小组 of the branch that holds them (a group is a part of
    its branch, never the holder). A group of another branch is refused, naming both."""
    if group.kind != OrganizationKind.GROUP:
        raise ValidationError(f"“{group.name}”不是党小组，请选择党小组。")
    if group.parent_id != member.branch_id:
        raise ValidationError(
            f"{member.name}的组织关系在{member.branch.name}，不能编入其他支部的党小组“{group.name}”。"
        )
    if member.group_id == group.pk:
        return member
    member.group = group
    return member_save(member=member, actor=actor, update_fields=["group"])


@dataclass
class MemberWrite:
    """One member of member_bulk_save: new (`update_fields` None) or changed."""

    member: Member
    update_fields: list[str] | None = None  # the changed fields of a stored member
    categories: list[MemberCategory] | None = None  # None: leave them as they are


@transaction.atomic
def member_bulk_save(*, writes: Sequence[MemberWrite], actor: Any) -> None:
    """Create and change many members in a few queries, writing what member_save writes: the
    rows (changed ones only in their changed fields), their categories, and a history record
    per member by the actor (with its categories, as the record of member_save's last step).

    The caller has checked every member as member_save does, before calling this: the model's
    checks (`full_clean()`, or kit.imports' bulk twin of it) and member_check.
    """
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    created = [w.member for w in writes if w.update_fields is None]
    Member.objects.bulk_create(created)
    _bulk_update([w for w in writes if w.update_fields is not None])
    _bulk_set_categories(writes)
    _bulk_history(writes, user)
    # bulk_create sends no signal: one post_save tells the caches that follow members (the
    # 工作台, the public site) that members changed; raw, as loaddata's, so that
    # django-simple-history does not record it again.
    if writes:
        sample = writes[0].member
        transaction.on_commit(
            lambda: post_save.send(
                sender=Member, instance=sample, created=True, update_fields=None, raw=True,
                using=Member.objects.db,
            )
        )  # fmt: skip


def _bulk_update(writes: Sequence[MemberWrite]) -> None:
    """Each member in its own changed fields only: a concurrent change elsewhere is kept."""
    by_fields: dict[tuple[str, ...], list[Member]] = {}
    for write in writes:
        if write.update_fields:
            by_fields.setdefault(tuple(sorted(write.update_fields)), []).append(write.member)
    for names, members in by_fields.items():
        Member.objects.bulk_update(members, list(names))


def _bulk_set_categories(writes: Sequence[MemberWrite]) -> None:
    through = Member.categories.through
    wanted = {w.member.pk: {c.pk for c in w.categories} for w in writes if w.categories is not None}
    changed = [w.member.pk for w in writes if w.update_fields is not None and w.member.pk in wanted]
    stored: dict[int, set[int]] = {pk: set() for pk in wanted}
    for member_id, category_id in through.objects.filter(member_id__in=changed).values_list(
        "member_id", "membercategory_id"
    ):
        stored[member_id].add(category_id)
    gone = Q()
    for member_id, categories in stored.items():
        if removed := categories - wanted[member_id]:
            gone |= Q(member_id=member_id, membercategory_id__in=removed)
    if gone:
        through.objects.filter(gone).delete()
    through.objects.bulk_create(
        through(member_id=member_id, membercategory_id=category_id)
        for member_id, categories in wanted.items()
        for category_id in sorted(categories - stored[member_id])
    )


HISTORY_CHUNK = 5000  # ids per statement


def _bulk_history(writes: Sequence[MemberWrite], user: Any) -> None:
    """One record per member ("+" new, "~" changed) by `user`, with its categories as they now
    are: what django-simple-history's bulk_history_create and its m2m records write, but copied
    from the stored rows inside the database (bulk_create would build every row in Python)."""
    now = timezone.now()
    for history_type, ids in (
        ("+", [w.member.pk for w in writes if w.update_fields is None]),
        ("~", [w.member.pk for w in writes if w.update_fields is not None]),
    ):
        for chunk in (ids[i : i + HISTORY_CHUNK] for i in range(0, len(ids), HISTORY_CHUNK)):
            _history_insert(chunk, history_type, now, user)


def _history_insert(ids: list[int], history_type: str, now: Any, user: Any) -> None:
    members = Member.objects.filter(pk__in=ids)
    history_copy(members, history_type=history_type, user=user, when=now)
    _m2m_history_insert(ids, history_type, now)


def _m2m_history_insert(ids: list[int], history_type: str, now: Any) -> None:
    """The categories of the records just written: each through row, with its record's id (a
    join: a subquery per row would scan the records of that moment for every row)."""
    historical = Member.history.model
    m2m_historical = historical.categories.model
    through = Member.categories.through
    connection = connections[Member.objects.db]
    quote = connection.ops.quote_name

    def column(model: Any, name: str) -> str:
        return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"

    names = ["id", "member", "membercategory", "history"]
    targets = ", ".join(quote(m2m_historical._meta.get_field(n).column) for n in names)
    date = models.DateTimeField().get_db_prep_value(now, connection)
    sql = (
        f"INSERT INTO {quote(m2m_historical._meta.db_table)} ({targets}) "  # noqa: S608
        f"SELECT {column(through, 'id')}, {column(through, 'member')}, "
        f"{column(through, 'membercategory')}, {column(historical, 'history_id')} "
        f"FROM {quote(through._meta.db_table)} INNER JOIN {quote(historical._meta.db_table)} "
        f"ON {column(historical, 'id')} = {column(through, 'member')} "
        f"WHERE {column(historical, 'history_date')} = %s "
        f"AND {column(historical, 'history_type')} = %s "
        f"AND {column(through, 'member')} IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, history_type, *ids])


def personal_data_access_record(
    *, actor: Any, action: str, member: Member | None = None, detail: str = ""
) -> PersonalDataAccess | None:
    """Log that `actor` read members' personal data; an anonymous command line run is not logged."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    label = f"{member.name}（{member.masked_citizen_id}）" if member is not None else ""
    return PersonalDataAccess.objects.create(
        user=actor, member=member, member_label=label[:80], action=action, detail=detail[:200]
    )


def personal_data_access_bulk_record(
    *, actor: Any, action: str, members: Iterable[Member], detail: str
) -> int:
    """Log one read of personal data per member (a list shown, printed or exported in full)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    rows = [
        PersonalDataAccess(
            user=actor,
            member=member,
            member_label=f"{member.name}（{member.masked_citizen_id}）"[:80],
            action=action,
            detail=detail[:200],
        )
        for member in members
    ]
    PersonalDataAccess.objects.bulk_create(rows)
    return len(rows)
