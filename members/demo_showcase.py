"""Demo of the 社区党建示范小区 (`manage.py demo`, MembersConfig.demo_builders), in two steps:

- `build_people` (after the members demo, before meetings and dues are made for everyone): the 小区
  of each demo community with the party members living there (their 居住小区), and the member
  records of the 和平 and 锦绣 communities' 书记 (a 书记 is a party member of the community; the
  record is what the evaluation reads her education and age from);
- `build` (after every other app's demo): this year's round of 城南街道 with two applicants, 和平里
  (和平社区) and 锦绣家园 (锦绣社区), pre-filled from whatever the demo's records show, and a few
  standards scored by hand.

Deterministic and idempotent: what exists (by name, by citizen ID, by round and compound) is
left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from organizations import services as organization_services
from organizations.models import Compound, Organization, Position
from organizations.rules import OrganizationKind, PositionTitle

from .models import Member, ShowcaseApplication, ShowcaseRound
from .rules import Education, Gender, MemberStatus, ShowcaseResult, citizen_id_check_character
from .services.member import member_save
from .services.showcase import (
    showcase_application_save,
    showcase_evaluation_prefill,
    showcase_round_save,
    showcase_score_save,
)

COMPOUNDS = {
    "CN-CH": (("春晖花园", 620, "春晖路18号"), ("春晖新村", 410, "春晖路66号")),
    "CN-JX": (("锦绣家园", 540, "锦绣街9号"),),
    "CN-HP": (("和平里", 380, "和平巷12号"), ("和平东苑", 260, "和平巷40号")),
}
# The 书记 of these communities, as their member records hold them: (code, age, education).
SECRETARIES = (("CN-HP", 41, Education.BACHELOR), ("CN-JX", 51, Education.COLLEGE))
APPLICANTS = (("CN-HP", "和平里"), ("CN-JX", "锦绣家园"))
HAND_SCORES = {
    1: "班子讲学习、讲政治、讲正气，年度述职测评满意率96%",
    4: "居委会工作例会由党组织书记主持，每月一次",
    11: "党群服务中心420平方米，配备电脑6台",
}


def _actor() -> Any:
    return get_user_model().objects.get(username="admin")


def build_people() -> list[Any]:
    actor = _actor()
    today = timezone.localdate()
    for code, compounds in COMPOUNDS.items():
        community = Organization.objects.get(code=code)
        if Compound.objects.filter(community=community).exists():
            continue  # made by an earlier run, residents with them (later members have none)
        made = [_compound(community, *row, actor=actor) for row in compounds]
        residents = Member.objects.current().filter(
            residence_community=community, compound__isnull=True
        )
        for index, member in enumerate(residents.order_by("pk")):
            member.compound = made[index % len(made)]
            member_save(member=member, actor=actor, update_fields=["compound"])
    for serial, (code, age, education) in enumerate(SECRETARIES, start=1):
        _secretary_record(Organization.objects.get(code=code), age, education, serial, today, actor)
    return []


def _compound(
    community: Organization, name: str, households: int, address: str, *, actor: Any
) -> Compound:
    found = Compound.objects.filter(community=community, name=name).first()
    if found is not None:
        return found
    return organization_services.compound_save(
        compound=Compound(community=community, name=name, households=households, address=address),
        actor=actor,
    )


def _secretary_record(
    community: Organization, age: int, education: str, serial: int, today: dt.date, actor: Any
) -> None:
    position = Position.objects.filter(
        organization=community, title=PositionTitle.SECRETARY
    ).first()
    branch = community.children.filter(kind=OrganizationKind.BRANCH).order_by("code").first()
    if position is None or branch is None:
        return
    birth = dt.date(today.year - age, 3, 8)
    first17 = f"330106{birth:%Y%m%d}{900 + serial * 2:03d}"  # an even sequence: female
    citizen_id = first17 + citizen_id_check_character(first17)
    if Member.objects.filter(citizen_id=citizen_id).exists():
        return
    joined = dt.date(birth.year + 24, 7, 1)
    member = Member(
        name=position.holder_name, gender=Gender.FEMALE, birth_date=birth,
        citizen_id=citizen_id, ethnicity="汉族", education=education,
        phone=f"1390571{serial:04d}", address=f"城南街道和平巷{serial}号",
        status=MemberStatus.FULL, joined_on=joined, full_member_on=dt.date(joined.year + 1, 7, 1),
        branch=branch, work_unit=f"{community.name}", residence_community=community,
    )  # fmt: skip
    member_save(member=member, actor=actor)


def build() -> list[Any]:
    actor = _actor()
    today = timezone.localdate()
    sub_district = Organization.objects.get(code="CN-CH").parent
    showcase_round = ShowcaseRound.objects.filter(
        sub_district=sub_district, year=today.year
    ).first()
    if showcase_round is None:
        showcase_round = showcase_round_save(
            showcase_round=ShowcaseRound(
                sub_district=sub_district,
                year=today.year,
                planned=2,
                note="以点带面，整体推进：和平里、锦绣家园两个小区申报创建，年底检查验收。",
            ),  # fmt: skip
            actor=actor,
        )
    applications = [_application(showcase_round, code, name, actor) for code, name in APPLICANTS]
    showcase_evaluation_prefill(applications=applications, actor=actor)
    for number, note in HAND_SCORES.items():
        score = applications[0].scores.get(number=number)
        if not score.result:
            score.result, score.note = ShowcaseResult.MET, note
            showcase_score_save(score=score, actor=actor, update_fields=["result", "note"])
    return []


def _application(showcase_round: ShowcaseRound, code: str, name: str, actor: Any) -> Any:
    compound = Compound.objects.get(community__code=code, name=name)
    found = ShowcaseApplication.objects.filter(round=showcase_round, compound=compound).first()
    if found is not None:
        return found
    return showcase_application_save(
        application=ShowcaseApplication(
            round=showcase_round,
            compound=compound,
            applied_on=dt.date(showcase_round.year, 1, 20),
            plan="党员责任区包楼到户，设立党员示范岗，联合驻区单位开展共建项目。",
        ),  # fmt: skip
        actor=actor,
    )
