"""The generated district's tree: one sub-district, its communities, branches and groups, and the
workplace units with their party organizations (kit/district.py)."""

from __future__ import annotations

import datetime as dt

from kit.district import District, bulk_insert

from .models import Organization, Position, Unit, UnitKind
from .rules import ALLOWED_PARENT_KINDS, PositionTitle
from .rules import OrganizationKind as K

GROUPS_PER_BRANCH = 2
UNIT_KINDS = [k for k, _ in UnitKind.choices]


def city_root(seed: int) -> Organization | None:
    """The organization a generated city's sub-districts sit under: one of the kind the tree
    allows above a 街道党工委 (organizations/rules.py ALLOWED_PARENT_KINDS), made once; None while
    there is no such kind (the sub-districts are then roots of their own)."""
    kinds = sorted(k for k in ALLOWED_PARENT_KINDS[K.SUB_DISTRICT] if k is not None)
    if not kinds:
        return None
    root, _ = Organization.objects.get_or_create(
        code=f"GC{seed}", defaults={"name": f"生成区委组织部{seed}", "kind": kinds[0]}
    )
    return root


def generate(district: District) -> None:
    name = f"生成街道党工委{district.seed}"
    if district.index:
        name += f"第{district.index}街道"
    root, created = Organization.objects.get_or_create(
        code=district.code,
        defaults={"name": name, "kind": K.SUB_DISTRICT, "parent": district.parent},
    )
    if district.parent is not None and root.parent_id != district.parent.pk:
        root.parent = district.parent  # made before the city had a root: hung under it now
        root.save(update_fields=["parent"])
    district.shared["root"] = root
    if not created and Organization.objects.filter(code__startswith=f"{district.code}-").exists():
        district.say(f"党组织：{district.code} 已生成，跳过")
        return
    communities = _communities(district, root)
    branches = _branches(district, communities)
    _groups(district, branches)
    _units(district, communities)
    _secretaries(district, [root, *communities, *branches])


def _communities(district: District, root: Organization) -> list[Organization]:
    rows = [
        Organization(
            parent=root,
            code=f"{district.code}-C{c:02d}",
            name=f"第{c + 1}社区党委",
            kind=K.COMMUNITY_COMMITTEE,
            established_on=dt.date(2000, 1, 1),
        )
        for c in range(district.communities)
    ]
    bulk_insert(district, "社区", Organization, rows, len(rows))
    return list(Organization.objects.filter(parent=root).order_by("code"))


def _branches(district: District, communities: list[Organization]) -> list[Organization]:
    per = max(1, district.branches // len(communities))
    rows = [
        Organization(
            parent=community,
            code=f"{community.code}-B{b:02d}",
            name=f"{community.name}第{b + 1}党支部",
            kind=K.BRANCH,
        )
        for community in communities
        for b in range(per)
    ]
    bulk_insert(district, "党支部", Organization, rows, len(rows))
    return list(Organization.objects.filter(parent__in=communities, kind=K.BRANCH).order_by("code"))


def _groups(district: District, branches: list[Organization]) -> None:
    rows = [
        Organization(
            parent=branch,
            code=f"{branch.code}-G{g}",
            name=f"{branch.name}第{g + 1}党小组",
            kind=K.GROUP,
        )
        for branch in branches
        for g in range(GROUPS_PER_BRANCH)
    ]
    bulk_insert(district, "党小组", Organization, rows, len(rows))


def _units(district: District, communities: list[Organization]) -> None:
    rng = district.rng("units")
    orgs = [
        Organization(code=f"{district.code}-U{u:04d}", name=f"单位{u + 1}党支部", kind=K.UNIT_ORG)
        for u in range(district.units)
    ]
    bulk_insert(district, "单位党组织", Organization, orgs, len(orgs))
    by_code = dict(
        Organization.objects.filter(code__startswith=f"{district.code}-U").values_list("code", "pk")
    )
    units = [
        Unit(
            name=f"生成单位{u + 1}",
            kind=rng.choice(UNIT_KINDS),
            community=communities[u % len(communities)],
            party_organization_id=by_code[f"{district.code}-U{u:04d}"],
        )
        for u in range(district.units)
    ]
    bulk_insert(district, "驻区单位", Unit, units, len(units))


def _secretaries(district: District, organizations: list[Organization]) -> None:
    rows = [
        Position(
            organization=org,
            title=PositionTitle.SECRETARY,
            holder_name=f"书记{i}",
            start_date=dt.date(2023, 1, 1),
        )
        for i, org in enumerate(organizations)
    ]
    bulk_insert(district, "书记", Position, rows, len(rows))
