"""A person's identity is checked once (members.person): the same citizen-ID boundaries give the
same answer through the member's and the candidate's admin forms and through both imports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Member
from members.rules import Gender
from publicity.models import DevelopmentCase
from tests.members.factories import MemberFactory, make_citizen_id
from tests.members.test_import_export import roster_row, run_import, write_roster
from tests.publicity import test_import as development_import

BIRTH = dt.date(1980, 5, 20)


def valid_id(serial: int = 7) -> str:
    return make_citizen_id(BIRTH, Gender.FEMALE, serial)


def ids_ending_in_x() -> list[str]:
    return [i for i in map(valid_id, range(200)) if i.endswith("X")]


def wrong_check(citizen_id: str) -> str:
    return citizen_id[:17] + ("0" if citizen_id[17] != "0" else "1")


def impossible_date() -> str:
    """Right length and check character, but born on 30 February."""
    from members.rules import citizen_id_check_character

    first17 = "330102" + "19800230" + "124"
    return first17 + citizen_id_check_character(first17)


# (what is typed as the ID, the field, the message); a 15-digit ID of before 1999 is refused.
REFUSED = [
    pytest.param(wrong_check(valid_id()), "公民身份号码校验位错误", id="check"),
    pytest.param(valid_id()[:6] + valid_id()[8:17], "公民身份号码应为18位，现为15位", id="15"),
    pytest.param(impossible_date(), "公民身份号码中的出生日期不存在", id="date"),
    pytest.param(
        valid_id()[:17] + "Y", "公民身份号码前17位应为数字，最后一位为数字或大写X", id="Y"
    ),
]


# --- the forms -----------------------------------------------------------------------------------
def member_form(tree: SimpleNamespace, **changes: str) -> dict[str, Any]:
    data = {"name": "新党员", "ethnicity": "汉族", "citizen_id": valid_id(), "status": "full",
            "joined_on": "2010-07-01", "full_member_on": "2011-07-01",
            "branch": tree.branch_a.pk}  # fmt: skip
    return data | changes


def case_form(tree: SimpleNamespace, **changes: str) -> dict[str, Any]:
    data = {"name": "林晓雨", "ethnicity": "汉族", "citizen_id": valid_id(), "position": "",
            "education": "", "phone": "", "address": "", "work_unit": "",
            "residence_community": str(tree.community_a.pk), "branch": str(tree.branch_a.pk),
            "assessment": "", "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for prefix in ("observers", "reports", "assessments"):  # the registers' inlines, left empty
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip
    return data | changes


FORMS = {
    "member": ("admin:members_member_add", member_form, Member),
    "case": ("admin:publicity_developmentcase_add", case_form, DevelopmentCase),
}


def post(client: Client, tree: SimpleNamespace, which: str, **changes: str) -> Any:
    url, data, _ = FORMS[which]
    return client.post(reverse(url), data(tree, **changes))


def form_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form was saved"
    return dict(response.context["adminform"].form.errors)


@pytest.mark.parametrize("which", FORMS)
@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_a_bad_citizen_id_is_refused_by_both_forms(
    client: Client, tree: SimpleNamespace, secretary_a: Any, which: str, typed: str, message: str
) -> None:
    client.force_login(secretary_a)
    response = post(client, tree, which, citizen_id=typed)
    assert form_errors(response)["citizen_id"] == [message]
    assert not FORMS[which][2].objects.exists()


@pytest.mark.parametrize("which", FORMS)
def test_both_forms_take_sex_and_birth_date_from_a_lower_case_x(
    client: Client, tree: SimpleNamespace, secretary_a: Any, which: str
) -> None:
    client.force_login(secretary_a)
    citizen_id = ids_ending_in_x()[0]
    response = post(client, tree, which, citizen_id=f" {citizen_id.lower()} ")
    assert response.status_code == 302, response.content.decode()[-2000:]
    person = FORMS[which][2].objects.get()
    assert (person.citizen_id, person.gender, person.birth_date) == (
        citizen_id,
        Gender.FEMALE,
        BIRTH,
    )


@pytest.mark.parametrize("which", FORMS)
@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"birth_date": "1980-05-21"}, "birth_date", "出生日期与公民身份号码不符"),
        ({"birth_date": "1980-05-19"}, "birth_date", "出生日期与公民身份号码不符"),
        ({"gender": Gender.MALE}, "gender", "性别与公民身份号码不符"),
    ],
)
def test_a_birth_date_or_sex_that_disagrees_with_the_id_is_refused_by_both_forms(
    client: Client,
    tree: SimpleNamespace,
    secretary_a: Any,
    which: str,
    typed: dict[str, str],
    field: str,
    message: str,
) -> None:
    client.force_login(secretary_a)
    assert form_errors(post(client, tree, which, **typed))[field] == [message]


# --- the imports ---------------------------------------------------------------------------------
def import_member(tmp_path: Path, user: Any, **changes: Any) -> list[str]:
    row = roster_row(1, **({"出生日期": f"{BIRTH:%Y-%m-%d}", "性别": "女"} | changes))
    return run_import(write_roster(tmp_path / "r.xlsx", [row]), user)[1]


def import_case(tmp_path: Path, user: Any, citizen_id: Any) -> list[str]:
    rows = [development_import.row(公民身份号码=citizen_id)]
    return development_import.run(development_import.write(tmp_path / "d.xlsx", rows), user)


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_a_bad_citizen_id_is_refused_by_both_imports(
    tree: SimpleNamespace,
    secretary_a: Any,
    development_members: None,
    tmp_path: Path,
    typed: str,
    message: str,
) -> None:
    assert import_member(tmp_path, secretary_a, 公民身份号码=typed) == [f"第2行: {message}"]
    assert import_case(tmp_path, secretary_a, typed) == [f"第2行: {message}"]
    assert not Member.objects.filter(name="张1").exists()
    assert not DevelopmentCase.objects.exists()


@pytest.mark.parametrize("typed", ["", 330102198005201245.0])
def test_an_empty_id_or_one_typed_as_a_number_is_named_by_both_imports(
    tree: SimpleNamespace, secretary_a: Any, development_members: None, tmp_path: Path, typed: Any
) -> None:
    expected = (
        "公民身份号码不能为空"
        if typed == ""
        else "公民身份号码是数字格式，Excel 会改动其末几位：请将公民身份号码列设为文本后重新填写"
    )
    assert import_member(tmp_path, secretary_a, 公民身份号码=typed) == [f"第2行: {expected}"]
    assert import_case(tmp_path, secretary_a, typed) == [f"第2行: {expected}"]


def test_both_imports_store_a_lower_case_x_upper_case(
    tree: SimpleNamespace, secretary_a: Any, development_members: None, tmp_path: Path
) -> None:
    member_id, case_id = ids_ending_in_x()[:2]
    assert import_member(tmp_path, secretary_a, 公民身份号码=member_id.lower()) == []
    assert import_case(tmp_path, secretary_a, case_id.lower()) == []
    assert Member.objects.get(name="张1").citizen_id == member_id
    case = DevelopmentCase.objects.get()
    assert (case.citizen_id, case.gender, case.birth_date) == (case_id, Gender.FEMALE, BIRTH)


def test_the_roster_import_refuses_a_birth_date_that_disagrees_with_the_id(
    tree: SimpleNamespace, secretary_a: Any, tmp_path: Path
) -> None:
    """The development import has no birth-date or sex column: both come from the ID."""
    errors = import_member(tmp_path, secretary_a, 公民身份号码=valid_id(), 出生日期="1980-05-21")
    assert errors == ["第2行: 出生日期与公民身份号码不符"]


@pytest.fixture
def development_members(tree: SimpleNamespace) -> None:
    """The cultivators and introducers the development rows name: 正式党员 of the branch."""
    for name in ("王一", "王二", "张三", "李四"):
        MemberFactory(name=name, branch=tree.branch_a, joined_on=dt.date(1990, 7, 1))
