"""代表选举 import and export (members/resources_congress.py): the delegates of a conference with
their elections, as the secretary keeps them in a spreadsheet; row-numbered Chinese errors,
nothing written while any row is bad, the importing user's scope, the ID masked in the preview."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from kit.imports import read_spreadsheet
from kit.masking import mask_citizen_id
from members.admin.congress import DelegateNomineeAdmin
from members.models import DelegateConference, DelegateElection, DelegateNominee
from members.resources_congress import DELEGATE_HEADERS, DelegateResource
from members.selectors.congress import seat_table
from members.services import congress as services
from tests.members import factories as mf

pytestmark = pytest.mark.django_db

NAME_A, NAME_B = "甲社区第一届党员代表会议", "乙社区第一届党员代表会议"


def _conference(community: Any, name: str, actor: Any, **seats: int) -> DelegateConference:
    return services.delegate_conference_save(
        conference=DelegateConference(
            community=community,
            name=name,
            term_starts_on=dt.date(2025, 7, 1),
            term_ends_on=dt.date(2030, 6, 30),
            **seats,
        ),  # fmt: skip
        actor=actor,
    )


@pytest.fixture
def setting(tree: SimpleNamespace, superuser: Any) -> SimpleNamespace:
    def direct(name: str, branch: Any, community: Any) -> Any:
        return mf.MemberFactory(
            name=name, birth_date=dt.date(1970, 3, 3), branch=branch,
            residence_community=community,
        )  # fmt: skip

    return SimpleNamespace(
        a=_conference(tree.community_a, NAME_A, superuser, seats_direct=1),
        b=_conference(tree.community_b, NAME_B, superuser),
        zhang=direct("张明", tree.branch_a, tree.community_a),
        li=direct("李华", tree.branch_a, tree.community_a),
        wang=direct("王芳", tree.branch_b, tree.community_b),
    )


def _row(conference: str, member: Any, votes: Any, **overrides: Any) -> list[Any]:
    values = {
        "党员代表会议": conference, "席位类别": "社区直管党员", "选举日期": "2025-06-20",
        "补选": "否", "参加投票人数": 40, "姓名": member.name,
        "公民身份号码": member.citizen_id, "得票数": votes, **overrides,
    }  # fmt: skip
    return [values[h] for h in DELEGATE_HEADERS]


def write(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(list(DELEGATE_HEADERS))
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def run(path: Path, user: Any) -> tuple[Any, list[str]]:
    resource = DelegateResource(user=user)
    result = resource.import_data(read_spreadsheet(path), dry_run=False)
    return result, resource.error_lines(result)


def test_headers_are_the_spreadsheet_the_secretary_keeps() -> None:
    assert DELEGATE_HEADERS == (
        "党员代表会议", "席位类别", "选举日期", "补选", "参加投票人数", "姓名", "公民身份号码", "得票数",
    )  # fmt: skip


def test_a_good_file_records_the_election_and_its_nominees_once(
    setting: SimpleNamespace, secretary_a: Any, tmp_path: Path
) -> None:
    rows = [_row(NAME_A, setting.zhang, 21), _row(NAME_A, setting.li, 19)]
    path = write(tmp_path / "d.xlsx", rows)
    result, errors = run(path, secretary_a)
    assert errors == []
    election = DelegateElection.objects.get()
    assert (election.conference, election.voters, election.is_by_election) == (
        setting.a, 40, False,
    )  # fmt: skip
    assert election.history.get().history_user == secretary_a
    seated = seat_table(setting.a, dt.date(2025, 7, 1)).groups[0].seated
    assert [d.member.name for d in seated] == ["张明"]  # 21 of 40; 19 is not more than half
    again, errors = run(path, secretary_a)
    assert errors == []
    assert (again.totals["new"], again.totals["update"], again.totals["skip"]) == (0, 0, 2)


def test_a_conference_outside_the_scope_is_refused_and_nothing_written(
    setting: SimpleNamespace, secretary_a: Any, tmp_path: Path
) -> None:
    rows = [_row(NAME_A, setting.zhang, 21), _row(NAME_B, setting.wang, 30)]
    _, errors = run(write(tmp_path / "d.xlsx", rows), secretary_a)
    assert errors == [
        f"第3行: 党员代表会议“{NAME_B}”不存在或不在您的管理范围内",
        "第3行: 没有该公民身份号码的党员，或其不在您的管理范围内",
    ]
    assert not DelegateElection.objects.exists()
    assert not DelegateNominee.objects.exists()


def test_a_bad_row_says_why_in_chinese_and_nothing_is_half_saved(
    setting: SimpleNamespace, secretary_a: Any, tmp_path: Path
) -> None:
    rows = [
        _row(NAME_A, setting.zhang, 21),
        _row(NAME_A, setting.li, 41),
        _row(NAME_A, setting.li, 10, 姓名="李四"),
        _row(NAME_A, setting.li, 10, 参加投票人数=45),
    ]
    _, errors = run(write(tmp_path / "d.xlsx", rows), secretary_a)
    assert errors == [
        "第3行: 得票数（41）不能超过参加投票的人数（40）",
        "第4行: 姓名“李四”与该公民身份号码登记的姓名“李华”不符",
        "第5行: 参加投票人数45与同一次选举登记的40人不一致",
    ]
    assert not DelegateElection.objects.exists()
    assert not DelegateNominee.objects.exists()


def test_more_elected_than_the_vacant_seats_is_refused_whole(
    setting: SimpleNamespace, secretary_a: Any, tmp_path: Path
) -> None:
    rows = [_row(NAME_A, setting.zhang, 21), _row(NAME_A, setting.li, 30)]
    _, errors = run(write(tmp_path / "d.xlsx", rows), secretary_a)
    assert len(errors) == 1
    assert errors[0].startswith("第3行: ")
    assert "只有1个空缺席位，本次已有2人得票过半数" in errors[0]
    assert not DelegateElection.objects.exists()


def test_the_export_imports_back_unchanged(
    setting: SimpleNamespace, secretary_a: Any, tmp_path: Path
) -> None:
    run(write(tmp_path / "d.xlsx", [_row(NAME_A, setting.zhang, 21)]), secretary_a)
    dataset = DelegateResource(user=secretary_a).export()
    assert list(dataset.headers) == list(DELEGATE_HEADERS)
    assert list(dataset[0]) == _row(NAME_A, setting.zhang, "21", 参加投票人数="40")
    path = tmp_path / "back.xlsx"
    write(path, [list(row) for row in dataset])
    again, errors = run(path, secretary_a)
    assert (errors, again.totals["skip"]) == ([], 1)


def test_the_template_has_the_headers_and_an_example_row(
    setting: SimpleNamespace, secretary_a: Any
) -> None:
    client = Client()
    client.force_login(secretary_a)
    response = client.get(reverse("admin:members_delegatenominee_import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(DELEGATE_HEADERS)
    assert str(rows[1][0]).startswith("示例：")


def test_the_preview_masks_the_id_for_a_user_who_sees_it_masked(
    setting: SimpleNamespace, secretary_a: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = write(tmp_path / "d.xlsx", [_row(NAME_A, setting.zhang, 21)])
    client = Client()
    client.force_login(secretary_a)

    def preview() -> str:
        with path.open("rb") as upload:
            url = reverse("admin:members_delegatenominee_import")
            response = client.post(url, {"import_file": upload, "format": "0"})
        return str(response.content.decode())

    citizen_id = setting.zhang.citizen_id
    assert citizen_id in preview()  # the secretary sees personal data in full
    monkeypatch.setattr(DelegateNomineeAdmin, "may_see_personal_data", lambda self, r: False)
    masked = preview()
    assert mask_citizen_id(citizen_id) in masked
    assert citizen_id not in masked
    assert not DelegateNominee.objects.exists()  # a preview writes nothing


def test_the_command_imports_and_refuses_in_chinese(
    setting: SimpleNamespace, secretary_a: Any, tmp_path: Path, capsys: Any
) -> None:
    from django.core.management import CommandError, call_command

    path = write(tmp_path / "d.xlsx", [_row(NAME_B, setting.wang, 30)])
    with pytest.raises(CommandError, match="代表选举表有2处错误，没有导入任何数据"):
        call_command("import_delegates", str(path), "--user", "secretary_a")
    call_command("import_delegates", str(path))
    assert "新增 1 名候选人" in capsys.readouterr().out
    assert DelegateNominee.objects.get().member == setting.wang
