"""Demo sub-district: 城南街道 (under the 区委组织部, issue 25) with three communities, their branches and groups, eight workplace
units with their party organizations, a 大党委 and a 联席会, and one login per role.

Every step looks up before it creates, so running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import CommitteeMember, JointCommittee, Organization, Position, Unit
from .roles import Role
from .rules import OrganizationKind as K
from .rules import PositionTitle as T

DISTRICT = ("QW", "区委组织部")
SUB_DISTRICT = ("CN", "城南街道党工委")
COMMUNITIES = [
    ("CN-CH", "春晖社区党委", K.COMMUNITY_COMMITTEE),
    ("CN-JX", "锦绣社区党委", K.COMMUNITY_COMMITTEE),
    ("CN-HP", "和平社区党总支", K.COMMUNITY_GENERAL_BRANCH),
]
BRANCHES = {
    "CN-CH": [
        "第一党支部（离退休）",
        "第二党支部（楼院）",
        "第三党支部（在职党员）",
        "流动党员党支部",
    ],
    "CN-JX": ["第一党支部（离退休）", "第二党支部（楼院）", "非公企业联合党支部", "流动党员党支部"],
    "CN-HP": ["第一党支部", "第二党支部", "第三党支部"],
}
GROUPS_PER_BRANCH = 2
SUB_DISTRICT_BRANCH = ("CN-JG", "城南街道机关党支部")

# (name, kind, community code, linked community codes, party org code, party org name)
UNITS = [
    ("区人民医院", "institution", "CN-CH", ["CN-JX"], "U-RMYY", "区人民医院党委"),
    ("城南实验小学", "school", "CN-CH", [], "U-SYXX", "城南实验小学党支部"),
    ("区税务局城南税务所", "agency", "CN-CH", ["CN-HP"], "U-SWS", "城南税务所党支部"),
    ("城南供电所", "state_enterprise", "CN-JX", [], "U-GDS", "城南供电所党支部"),
    ("城南派出所", "agency", "CN-JX", ["CN-CH"], "U-PCS", "城南派出所党支部"),
    ("农商银行城南支行", "state_enterprise", "CN-JX", [], "U-NSYH", "农商银行城南支行党支部"),
    ("安居物业服务有限公司", "private_enterprise", "CN-HP", [], "U-AJWY", "安居物业党支部"),
    ("区图书馆", "institution", "CN-HP", ["CN-CH"], "U-TSG", "区图书馆党支部"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "建华",
    "丽萍",
    "志强",
    "秀英",
    "海涛",
    "桂兰",
    "国庆",
    "晓燕",
    "卫东",
    "春梅",
    "文杰",
    "玉兰",
]

# Published on purpose: the demo is for trying the system; `demo` refuses to run with DEBUG off.
DEMO_PASSWORD = "dangjian2026"  # noqa: S105


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str
    organization_code: str


LOGINS: list[tuple[str, str, str]] = [
    ("superuser", "admin", "CN"),
    (Role.SUB_DISTRICT_OFFICER, "jiedao", "CN"),
    (Role.COMMUNITY_SECRETARY, "chunhui", "CN-CH"),
    (Role.COMMUNITY_SECRETARY, "jinxiu", "CN-JX"),
    (Role.COMMUNITY_SECRETARY, "heping", "CN-HP"),
    (Role.BRANCH_OFFICER, "chunhui_zb1", "CN-CH-ZB1"),
    (Role.UNIT_REVIEWER, "yiyuan", "U-RMYY"),
    (Role.UNIT_REVIEWER, "paichusuo", "U-PCS"),
    (Role.MEMBER, "dangyuan", "U-RMYY"),
    (Role.DISTRICT_OFFICER, "quwei", "QW"),
]
ROLE_LABELS: dict[str, str] = {
    Role.SUB_DISTRICT_OFFICER: "sub_district",
    Role.DISTRICT_OFFICER: "district",
}
# A secretary's login bears the name of the 书记 the tree shows for their organization (issue 22.14:
# the header said 孙晓燕 while the organization's page said 何丽萍).
SECRETARY_ROLES = frozenset({Role.COMMUNITY_SECRETARY, Role.BRANCH_OFFICER})


def person(seed: int) -> str:
    return SURNAMES[seed % len(SURNAMES)] + GIVEN[(seed * 7) % len(GIVEN)]


def _org(actor: Any, code: str, name: str, kind: str, parent: Organization | None) -> Organization:
    existing = Organization.objects.filter(code=code).first()
    if existing:
        return existing
    org = Organization(
        code=code, name=name, kind=kind, parent=parent, established_on=dt.date(2015, 7, 1)
    )
    return services.organization_save(organization=org, actor=actor)


def _positions(actor: Any, org: Organization, seed: int, titles: Sequence[str]) -> None:
    for offset, title in enumerate(titles):
        if not Position.objects.filter(organization=org, title=title).exists():
            position = Position(
                organization=org,
                title=title,
                holder_name=person(seed + offset),
                start_date=dt.date(2021 + offset % 3, 3, 1),
            )
            services.position_save(position=position, actor=actor)


def _tree(actor: Any) -> Organization:
    committee_titles = [
        T.SECRETARY,
        T.DEPUTY_SECRETARY,
        T.ORGANIZATION_MEMBER,
        T.PUBLICITY_MEMBER,
        T.DISCIPLINE_MEMBER,
    ]
    district = _org(actor, *DISTRICT, K.DISTRICT, None)
    root = _org(actor, SUB_DISTRICT[0], SUB_DISTRICT[1], K.SUB_DISTRICT, district)
    if root.parent_id is None:  # a demo loaded before the 区委组织部 was added above it
        root.parent = district
        services.organization_save(organization=root, actor=actor, update_fields=["parent"])
    _positions(actor, root, 1, committee_titles)
    office = _org(actor, *SUB_DISTRICT_BRANCH, K.BRANCH, root)
    _positions(actor, office, 40, [T.SECRETARY])
    for c_index, (code, name, kind) in enumerate(COMMUNITIES):
        community = _org(actor, code, name, kind, root)
        _positions(actor, community, 10 * (c_index + 1), committee_titles)
        for b_index, branch_name in enumerate(BRANCHES[code], start=1):
            community_short = name.removesuffix("党委").removesuffix("党总支")
            branch_name = f"{community_short}{branch_name}"
            branch = _org(actor, f"{code}-ZB{b_index}", branch_name, K.BRANCH, community)
            _positions(
                actor, branch, 50 + 10 * c_index + b_index, [T.SECRETARY, T.ORGANIZATION_MEMBER]
            )
            for g in range(1, GROUPS_PER_BRANCH + 1):
                _org(
                    actor,
                    f"{code}-ZB{b_index}-XZ{g}",
                    f"{branch_name.split('（')[0]}第{'一二三四'[g - 1]}党小组",
                    K.GROUP,
                    branch,
                )
    return root


def _units(actor: Any) -> list[Unit]:
    units = []
    for index, (name, kind, community_code, linked, org_code, org_name) in enumerate(UNITS):
        community = Organization.objects.get(code=community_code)
        unit = Unit.objects.filter(community=community, name=name).first()
        if unit is None:
            unit = Unit(
                name=name,
                kind=kind,
                community=community,
                address=f"城南街道{community.name[:2]}路{10 + index * 3}号",
                contact_name=person(100 + index),
                contact_phone=f"1380571{index:04d}",
            )
            services.unit_save(
                unit=unit, actor=actor, party_org_name=org_name, party_org_code=org_code
            )
            unit.linked_communities.set(Organization.objects.filter(code__in=linked))
            _positions(actor, unit.party_organization, 120 + index, [T.SECRETARY])  # type: ignore[arg-type]
        units.append(unit)
    return units


def _joint_committees(actor: Any, units: list[Unit]) -> None:
    start = dt.date(timezone.localdate().year - 1, 1, 1)
    end = dt.date(start.year + 3, 1, 1) - dt.timedelta(days=1)
    chunhui = Organization.objects.get(code="CN-CH")
    big = JointCommittee.objects.filter(community=chunhui, kind="big_committee").first()
    if big is None:
        big = services.joint_committee_save(
            committee=JointCommittee(
                community=chunhui, kind="big_committee", name="春晖社区大党委", established_on=start
            ),
            actor=actor,
        )
        big.member_units.set(units[:7])
        secretary = chunhui.positions.get(title=T.SECRETARY).holder_name
        deputy = chunhui.positions.filter(title=T.DEPUTY_SECRETARY).first()
        roster: list[tuple[str, str, Unit | None]] = [
            (secretary, "secretary", None),
            # 004: the 大党委's 副书记 is the community's own 副书记 (兼任)
            (deputy.holder_name if deputy else person(200), "deputy_secretary", None),
        ]
        roster += [(f"{person(210 + i)}", "member", unit) for i, unit in enumerate(units[:7])]
        for name, role, unit in roster:
            member = CommitteeMember(
                committee=big,
                person_name=name,
                role=role,
                unit=unit,
                term_start=start,
                term_end=end,
            )
            services.committee_member_save(member=member, actor=actor)
    jinxiu = Organization.objects.get(code="CN-JX")
    if not JointCommittee.objects.filter(community=jinxiu, kind="joint_meeting").exists():
        meeting = services.joint_committee_save(
            committee=JointCommittee(
                community=jinxiu,
                kind="joint_meeting",
                name="锦绣社区党建联席会",
                established_on=start,
            ),
            actor=actor,
        )
        meeting.member_units.set([u for u in units if u.community_id == jinxiu.pk])


def _logins(admin: Any) -> list[Login]:
    User = get_user_model()
    logins = []
    for role, username, code in LOGINS:
        logins.append(Login(ROLE_LABELS.get(role, str(role)), username, DEMO_PASSWORD, code))
        if role == "superuser":
            continue
        organization = Organization.objects.get(code=code)
        name = _secretary_name(organization) if role in SECRETARY_ROLES else None
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username, password=DEMO_PASSWORD, first_name=name or person(len(logins) + 300)
            )
        elif name and user.first_name != name:  # a demo loaded before the names matched
            user.first_name = name
            user.save(update_fields=["first_name"])
        services.organization_access_grant(
            user=user, organization=organization, role=role, actor=admin
        )
    return logins


def _secretary_name(organization: Organization) -> str | None:
    secretary = Position.objects.current().filter(organization=organization, title=T.SECRETARY)
    return secretary.values_list("holder_name", flat=True).first()


def build() -> list[Login]:
    """Create what is missing of the demo and return its logins."""
    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
    _tree(admin)
    _joint_committees(admin, _units(admin))
    return _logins(admin)
