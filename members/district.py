"""The generated district's members (kit/district.py): members of the community branches
with a realistic mix of categories and incomes, in-service members held by the workplace units'
organizations and registered where they live, and their community activity records."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kit.district import District, bulk_insert, copy_insert
from organizations.models import Organization, Unit
from organizations.rules import OrganizationKind as K

from .demo import ACTIVITIES, GIVEN, REGIONS, STREETS, SURNAMES
from .models import ActivityRecord, Member, MemberCategory, Registration
from .rules import Category, Gender, MemberStatus, citizen_id_check_character

# The community's own members: share of each main category, by cumulative threshold.
MIX = (
    (0.50, Category.RETIRED),
    (0.72, Category.IN_SERVICE),
    (0.78, Category.UNEMPLOYED),
    (0.82, Category.STUDENT),
    (0.86, Category.FARMER),
    (0.94, Category.FLOATING),
    (1.00, Category.LOW_INCOME),
)
BIRTH_DAYS = 15_000  # birth dates spread over ~41 years; with the serial the IDs never repeat
ACTIVITIES_PER_REGISTERED_MEMBER = 4  # over the last two years


def generate(district: District) -> None:
    prefix = f"{district.code}-"
    if Member.objects.filter(branch__code__startswith=prefix).exists():
        district.say(f"党员：{district.code} 已生成，跳过")
        return
    rng = district.rng("members")
    branches = list(
        Organization.objects.filter(code__startswith=prefix, kind=K.BRANCH).order_by("code")
    )
    units = list(
        Unit.objects.filter(party_organization__code__startswith=prefix)
        .select_related("party_organization", "community")
        .order_by("party_organization__code")
    )
    in_service = int(district.members * district.in_service_share)
    first = district.first_serial
    rows = [
        *_held_by_branches(rng, branches, district.members - in_service, first),
        *_held_by_units(rng, units, in_service, offset=first + district.members - in_service),
    ]
    bulk_insert(district, "党员", Member, (m for m, _ in rows), len(rows))
    members = dict(
        Member.objects.filter(branch__code__startswith=prefix).values_list("citizen_id", "pk")
    )
    _categories(district, [(members[m.citizen_id], c) for m, c in rows])
    _registrations(district, rng, units, members, rows)


def _person(rng: random.Random, serial: int) -> dict[str, Any]:
    gender = Gender.MALE if serial % 2 else Gender.FEMALE
    birth = dt.date(1945, 1, 1) + dt.timedelta(days=serial % BIRTH_DAYS)
    sequence = (serial // BIRTH_DAYS) * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"{REGIONS[serial % len(REGIONS)]}{birth:%Y%m%d}{sequence:03d}"
    joined = min(birth + dt.timedelta(days=25 * 365 + 6), timezone.localdate() - dt.timedelta(400))
    return {
        "name": rng.choice(SURNAMES)
        + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
        "gender": gender,
        "birth_date": birth,
        "citizen_id": first17 + citizen_id_check_character(first17),
        "phone": f"13{serial:09d}",
        "address": f"{rng.choice(STREETS)}{serial % 300 + 1}号",
        "status": MemberStatus.FULL,
        "joined_on": joined,
        "full_member_on": joined + dt.timedelta(days=365),
    }


def _income(rng: random.Random, category: str) -> Decimal | None:
    if category == Category.IN_SERVICE:
        return Decimal(rng.randrange(2500, 16000, 50))
    if category == Category.RETIRED:
        return Decimal(rng.randrange(2000, 9000, 50))
    return None


def _held_by_branches(
    rng: random.Random, branches: list[Organization], count: int, first: int
) -> list[tuple[Member, str]]:
    rows: list[tuple[Member, str]] = []
    for i in range(count):
        branch = branches[i % len(branches)]
        draw = rng.random()
        category = next(c for limit, c in MIX if draw <= limit)
        member = Member(
            **_person(rng, first + i),
            branch=branch,
            residence_community_id=branch.parent_id,
            monthly_income=_income(rng, category),
        )
        rows.append((member, category))
    return rows


def _held_by_units(
    rng: random.Random, units: list[Unit], count: int, offset: int
) -> list[tuple[Member, str]]:
    rows: list[tuple[Member, str]] = []
    for i in range(count):
        unit = units[i % len(units)]
        member = Member(
            **_person(rng, offset + i),
            branch=unit.party_organization,
            work_unit=unit.name,
            residence_community_id=unit.community_id,
            monthly_income=_income(rng, Category.IN_SERVICE),
        )
        rows.append((member, Category.IN_SERVICE))
    return rows


def _categories(district: District, pairs: list[tuple[int, str]]) -> None:
    through = Member.categories.through
    codes = dict(MemberCategory.objects.values_list("code", "pk"))
    rows = ((m, codes[c]) for m, c in pairs)
    columns = ("member_id", "membercategory_id")
    copy_insert(district, "人员类别", through, columns, rows, len(pairs))


def _registrations(
    district: District,
    rng: random.Random,
    units: list[Unit],
    members: dict[str, int],
    rows: list[tuple[Member, str]],
) -> None:
    unit_by_name = {u.name: u for u in units}
    held = [(m, unit_by_name[m.work_unit]) for m, _ in rows if m.work_unit in unit_by_name]
    today = timezone.localdate()
    registrations = (
        Registration(
            member_id=members[m.citizen_id],
            community_id=unit.community_id,
            unit=unit,
            residence=m.address,
            registered_on=today - dt.timedelta(days=rng.randrange(30, 1500)),
        )
        for m, unit in held
    )
    bulk_insert(district, "报到登记", Registration, registrations, len(held))
    records = (
        (
            members[m.citizen_id],
            unit.community_id,
            today - dt.timedelta(days=rng.randrange(1, 730)),
            rng.choice(ACTIVITIES),
            Decimal(rng.choice((1, 2, 3))),
        )
        for m, unit in held
        for _ in range(ACTIVITIES_PER_REGISTERED_MEMBER)
    )
    total = len(held) * ACTIVITIES_PER_REGISTERED_MEMBER
    columns = ("member_id", "community_id", "date", "title", "hours")
    copy_insert(district, "社区活动记录", ActivityRecord, columns, records, total)
