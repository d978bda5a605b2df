"""A member's record is checked against its own citizen ID and the membership rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.rules import Gender, MemberStatus
from tests.members.factories import MemberFactory, make_citizen_id


def errors_of(member) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        member.full_clean()
    return info.value.message_dict


@pytest.fixture
def member(tree):
    return MemberFactory.build(
        branch=tree.branch_a, birth_date=dt.date(1980, 5, 20), gender=Gender.FEMALE
    )


def test_a_consistent_member_is_valid(member) -> None:
    member.full_clean()


def test_birth_date_must_match_the_id(member) -> None:
    member.birth_date = dt.date(1980, 5, 21)
    assert errors_of(member)["birth_date"] == ["出生日期与公民身份号码不符"]


def test_gender_must_match_the_id(member) -> None:
    member.gender = Gender.MALE
    assert errors_of(member)["gender"] == ["性别与公民身份号码不符"]


def test_bad_check_digit_is_named(member) -> None:
    last = member.citizen_id[17]
    member.citizen_id = member.citizen_id[:17] + ("0" if last != "0" else "1")
    assert errors_of(member)["citizen_id"] == ["公民身份号码校验位错误"]


def test_lower_case_x_is_accepted_and_stored_upper_case(tree) -> None:
    for serial in range(50):
        citizen_id = make_citizen_id(dt.date(1980, 5, 20), Gender.FEMALE, serial)
        if citizen_id.endswith("X"):
            break
    member = MemberFactory.build(
        branch=tree.branch_a,
        birth_date=dt.date(1980, 5, 20),
        gender=Gender.FEMALE,
        citizen_id=citizen_id.lower(),
    )
    member.full_clean()
    assert member.citizen_id == citizen_id


def test_probationary_member_has_no_full_membership_date(member) -> None:
    member.status = MemberStatus.PROBATIONARY
    member.full_member_on = dt.date(2010, 1, 1)
    assert errors_of(member)["full_member_on"] == ["预备党员不应有转正日期"]


def test_join_date_before_18th_birthday_is_refused(member) -> None:
    member.joined_on = dt.date(1998, 5, 19)
    member.full_member_on = dt.date(1999, 5, 19)
    assert errors_of(member)["joined_on"] == ["入党日期早于本人年满18周岁的日期"]
    member.joined_on = dt.date(1998, 5, 20)
    member.full_member_on = dt.date(1999, 5, 20)  # one year after (issue 9.9)
    member.full_clean()


def test_full_membership_cannot_precede_joining(member) -> None:
    member.full_member_on = member.joined_on - dt.timedelta(days=1)
    assert errors_of(member)["full_member_on"] == ["转正日期不能早于入党日期"]


def test_residence_must_be_a_community(member, tree) -> None:
    member.residence_community = tree.branch_b
    assert "居住社区必须是社区党委或社区党总支" in errors_of(member)["residence_community"]


def test_member_changes_are_audited(tree, secretary_a) -> None:
    from kit.services import model_save

    member = MemberFactory(branch=tree.branch_a)
    member.phone = "13700000000"
    model_save(member, actor=secretary_a, update_fields=["phone"])
    latest = member.history.first()
    assert latest.history_user == secretary_a
    assert latest.phone == "13700000000"
    assert latest.diff_against(latest.prev_record).changed_fields == ["phone"]


def test_masked_values_keep_only_what_identifies(member) -> None:
    assert member.masked_citizen_id == member.citizen_id[:4] + "*" * 10 + member.citizen_id[-4:]
    assert member.masked_phone.count("*") == 4


def test_same_id_in_full_width_is_the_same_member(tree) -> None:
    """A full-width copy of an existing ID is that ID: refused as a duplicate, not stored twice."""
    import pytest
    from django.core.exceptions import ValidationError

    from members.models import Member
    from tests.members.factories import MemberFactory

    existing = MemberFactory(branch=tree.branch_a)
    twin = MemberFactory.build(branch=tree.branch_a, birth_date=existing.birth_date)
    twin.citizen_id = "".join(chr(ord(c) + 0xFEE0) for c in existing.citizen_id)
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert "citizen_id" in error.value.message_dict
    assert Member.objects.filter(citizen_id=existing.citizen_id).count() == 1
