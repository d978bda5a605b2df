"""A community secretary imports the member roster (党员花名册) in a real browser: a file with a
bad citizen ID is refused with the row's number and nothing is written; the corrected file is
previewed, confirmed, and the new member is found by the last digits of the ID."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from members.models import Member
from members.resources import ROSTER_HEADERS
from members.rules import Gender
from organizations.demo import DEMO_PASSWORD
from organizations.models import Organization
from organizations.rules import OrganizationKind
from tests.members.factories import make_citizen_id

pytestmark = pytest.mark.browser

IMPORT = "/admin/members/member/import/"
MEMBERS = "/admin/members/member/"
BIRTH = dt.date(1979, 3, 14)


def _rows(branch_code: str) -> list[dict[str, Any]]:
    people = [("林晓梅", Gender.FEMALE, "女"), ("周建国", Gender.MALE, "男")]
    people.append(("陈志强", Gender.MALE, "男"))
    return [
        {
            "姓名": name,
            "性别": label,
            "民族": "汉族",
            "出生日期": f"{BIRTH:%Y-%m-%d}",
            "公民身份号码": make_citizen_id(BIRTH, gender, 700 + i, region="330104"),
            "学历": "大学本科",
            "党员状态": "正式党员",
            "入党日期": "2003-07-01",
            "转正日期": "2004-07-01",
            "所在党组织": branch_code,
            "人员类别": "在职" if i else "离退休、年老病重",
            "工作单位": "城南实验小学",
            "居住社区": "春晖社区党委",
            "联系电话": f"1365710{i:04d}",
            "月收入": "" if i == 0 else "4800",
        }
        for i, (name, gender, label) in enumerate(people)
    ]


# The preview's "确认导入" button.
CONFIRM = "form[action$='/process_import/'] button[type=submit]"


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(list(ROSTER_HEADERS))
    for row in rows:
        book.active.append([row[h] for h in ROSTER_HEADERS])
    book.save(path)
    return path


def _upload(page: Page, path: Path) -> None:
    page.goto(IMPORT)
    page.locator("#id_import_file").set_input_files(str(path))
    page.locator("#id_format").select_option(label="xlsx")
    page.locator("#content form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_secretary_imports_roster_and_finds_member(
    demo: Any, login: Callable[[str, str], Page], results_dir: Path, tmp_path: Path
) -> None:
    branch = Organization.objects.filter(parent__code="CN-CH", kind=OrganizationKind.BRANCH).first()
    assert branch is not None
    rows = _rows(branch.code)
    good_id = rows[1]["公民身份号码"]
    bad = [dict(row) for row in rows]
    bad[1]["公民身份号码"] = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    page = login("chunhui", DEMO_PASSWORD)

    _upload(page, _write(tmp_path / "花名册-有误.xlsx", bad))

    errors = page.locator("ul.roster-errors li")
    expect(errors).to_have_text(["第3行: 公民身份号码校验位错误"])  # shows every error if not
    expect(page.locator(CONFIRM)).to_have_count(0)
    page.screenshot(path=str(results_dir / "roster-import-error.png"), full_page=True)
    assert not Member.objects.filter(name__in=[r["姓名"] for r in rows]).exists()

    _upload(page, _write(tmp_path / "花名册.xlsx", rows))
    expect(page.locator("ul.roster-errors")).to_have_count(0)
    expect(page.locator(".import-preview table")).to_contain_text("周建国")
    assert not Member.objects.filter(name="周建国").exists()
    page.locator(CONFIRM).click()
    page.wait_for_load_state()
    expect(page.locator(".bg-green-100").first).to_contain_text("3")  # the success message
    assert Member.objects.filter(branch=branch, name__in=[r["姓名"] for r in rows]).count() == 3

    page.goto(MEMBERS)
    page.locator("#searchbar").fill(good_id[-4:])
    page.locator("#searchbar").press("Enter")
    page.wait_for_load_state()
    result = page.locator("#result_list tbody tr")
    expect(result).to_have_count(1)
    expect(result.first).to_contain_text(f"{good_id[:4]}**********{good_id[-4:]}")
    expect(result.first).not_to_contain_text(good_id)
    result.first.get_by_role("link", name="周建国").click()
    expect(page).to_have_url(re.compile(r"/admin/members/member/\d+/change/"))
    expect(page.locator("#id_citizen_id")).to_have_value(good_id)
    expect(page.locator("#id_categories input:checked")).to_have_count(1)
    page.screenshot(path=str(results_dir / "roster-import-member.png"), full_page=True)
