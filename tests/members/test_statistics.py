"""党内统计 (members/selectors/statistics.py, `manage.py party_statistics`, the printable and the
page): a roster built for the test and counted by hand, ages at every band's edge, transfers
and 预备党员 at the year's edges, scope, the constant number of queries and the file's rows."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from common.printables import print_url
from members.models import MembershipTransfer
from members.printables import STATISTICS
from members.rules import (
    AGE_BANDS,
    STATISTICS_HEADERS,
    STATISTICS_ROWS,
    Education,
    Gender,
    MemberStatus,
    TransferDirection,
    TransferState,
    age_on,
    birth_date_bounds,
)
from members.selectors.statistics import party_statistics_get
from organizations.models import Organization
from organizations.rules import OrganizationKind as K
from organizations.scope import scope_of
from tests.members.factories import MemberFactory, MembershipTransferFactory
from tests.organizations.factories import OrganizationFactory

YEAR = 2025
DAY = dt.date(YEAR, 12, 31)
# Each band's upper edge: one aged `edge` on 31 December (31 December is the day before their
# next birthday) and one aged `edge + 1` (31 December is that birthday).
EDGES = (30, 35, 40, 45, 50, 55, 60, 70, 80)
SPECIAL_BIRTH = dt.date(1985, 6, 15)  # aged 40 on the day: 36至40岁


def test_the_rows_are_the_formats_33_in_its_order() -> None:
    """DOMAIN.md's 党内统计 columns and rows, copied as written there."""
    listed = (
        "党员总数, 正式党员, 预备党员, 女党员, 少数民族党员, 30岁及以下, 31至35岁, 36至40岁, 41至45岁, "
        "46至50岁, 51至55岁, 56至60岁, 61至70岁, 71至80岁, 81岁及以上, 研究生, 大学本科, 大学专科, "
        "中专, 高中, 初中及以下, 在职, 离退休, 流动, 下岗失业, 学生, 农民, 年内发展党员, "
        "年内转为正式党员, 年内转入, 年内转出, 党支部, 党小组"
    )
    assert STATISTICS_HEADERS == ("指标", "数量")
    assert tuple(listed.split(", ")) == STATISTICS_ROWS
    assert len(STATISTICS_ROWS) == 33


@pytest.mark.parametrize(
    ("birth", "age"),
    [
        (dt.date(1995, 1, 1), 30),  # 31 December is the day before the 31st birthday
        (dt.date(1994, 12, 31), 31),  # 31 December is the 31st birthday
        (dt.date(1995, 12, 31), 30),
        (dt.date(1944, 12, 31), 81),
    ],
)
def test_age_on_31_december_counts_the_birthday_itself(birth: dt.date, age: int) -> None:
    assert age_on(birth, DAY) == age


def test_age_bounds_agree_with_age_on_around_29_february() -> None:
    leap_born = dt.date(2000, 2, 29)
    for day in (dt.date(2021, 2, 28), dt.date(2021, 3, 1), dt.date(2024, 2, 29)):
        for lowest, highest in ((None, 20), (21, 21), (20, None), (1, 24)):
            after, upto = birth_date_bounds(day, lowest, highest)
            inside = (after is None or leap_born > after) and (upto is None or leap_born <= upto)
            age = age_on(leap_born, day)
            expected = (lowest is None or age >= lowest) and (highest is None or age <= highest)
            assert inside == expected, (day, lowest, highest)


def _edge_members(branch: Organization) -> None:
    for edge in EDGES:
        MemberFactory(branch=branch, birth_date=dt.date(YEAR - edge, 1, 1))  # aged edge
        MemberFactory(branch=branch, birth_date=dt.date(YEAR - edge - 1, 12, 31))  # edge + 1


def _special(branch: Organization, **kwargs: Any) -> Any:
    kwargs.setdefault("birth_date", SPECIAL_BIRTH)
    return MemberFactory(branch=branch, **kwargs)


def _received(member: Any, direction: str, on: dt.date, branch: Organization) -> Any:
    return MembershipTransferFactory(
        member=member, direction=direction, branch=branch, issued_on=on,
        received_on=on, state=TransferState.RECEIVED,
    )  # fmt: skip


def _transferred_out(branch: Organization, on: dt.date, **kwargs: Any) -> Any:
    member = _special(branch, transferred_out_on=on, **kwargs)
    _received(member, TransferDirection.OUT, on, branch)
    return member


def _organizations(t: SimpleNamespace) -> None:
    """Branches and groups of community A around the day: founded after it, with no founding
    date, marked 撤销 after it (today), marked 撤销 during the year, 撤销 with no history."""
    a = t.community_a
    OrganizationFactory(kind=K.BRANCH, parent=a, established_on=dt.date(YEAR + 1, 1, 1))
    OrganizationFactory(kind=K.BRANCH, parent=a, established_on=None)
    later: Any = OrganizationFactory(kind=K.BRANCH, parent=a, established_on=dt.date(2010, 1, 1))
    later.is_active = False
    later.save()  # marked 撤销 today: it stood on 31 December of last year
    during: Any = OrganizationFactory(kind=K.BRANCH, parent=a, established_on=dt.date(2010, 1, 1))
    during.is_active = False
    during.save()
    during.history.filter(is_active=False).update(
        history_date=dt.datetime(YEAR, 6, 1, tzinfo=dt.UTC)
    )
    unknown: Any = OrganizationFactory(kind=K.BRANCH, parent=a, is_active=False)
    unknown.history.all().delete()
    OrganizationFactory(kind=K.GROUP, parent=t.branch_a, established_on=DAY)
    OrganizationFactory(kind=K.GROUP, parent=t.branch_a, established_on=DAY + dt.timedelta(1))


@pytest.fixture
def roster(tree: SimpleNamespace) -> SimpleNamespace:
    """Community A's roster, counted by hand in `EXPECTED_A`; the others never count for A."""
    a = tree.branch_a
    _edge_members(a)
    _special(a, gender=Gender.FEMALE, ethnicity="回族", education=Education.POSTGRADUATE,
             categories=["in_service", "floating"])  # fmt: skip
    _special(a, gender=Gender.FEMALE, ethnicity="蒙古族", education=Education.COLLEGE,
             categories=["retired", "aged_or_ill"])  # fmt: skip
    _special(a, ethnicity="", education=Education.SECONDARY_VOCATIONAL, categories=["student"])
    _special(a, education=Education.HIGH_SCHOOL, categories=["farmer"])
    _special(a, education=Education.JUNIOR_HIGH, categories=["unemployed", "low_income"])
    _special(a, education=Education.PRIMARY)
    _special(a, education="")
    # 预备党员 who joined in the year; full in the year; full only after the day.
    _special(a, status=MemberStatus.PROBATIONARY, joined_on=dt.date(YEAR, 3, 1))
    _special(a, joined_on=dt.date(YEAR - 1, 5, 1), full_member_on=dt.date(YEAR, 5, 1))
    _special(a, joined_on=dt.date(YEAR, 1, 10), full_member_on=dt.date(YEAR + 1, 2, 1))
    # Transferred out after the day (counted); came in during the year (counted).
    _transferred_out(a, dt.date(YEAR + 1, 3, 1))
    came = _special(a, categories=["in_service", "retired"])
    _received(came, TransferDirection.IN, dt.date(YEAR, 4, 1), a)
    # Never counted: joined after the day, out in the year, out on the day, came after the day.
    _special(a, status=MemberStatus.PROBATIONARY, joined_on=dt.date(YEAR + 1, 1, 5))
    _transferred_out(a, dt.date(YEAR, 6, 30), categories=["in_service"])
    _transferred_out(a, DAY)
    late = _special(a)
    _received(late, TransferDirection.IN, dt.date(YEAR + 1, 2, 1), a)
    # A letter sent but not received, and one cancelled: the member stays, no transfer counted.
    for state in (TransferState.SENT, TransferState.CANCELLED):
        MembershipTransferFactory(member=_special(a), issued_on=dt.date(YEAR, 9, 1), state=state)
    # Community B's member and a unit's member living in A: another community's, a unit's.
    other = _special(tree.branch_b, categories=["in_service"], gender=Gender.FEMALE)
    _received(other, TransferDirection.IN, dt.date(YEAR, 5, 1), tree.branch_b)
    _special(tree.unit_a.party_organization, residence_community=tree.community_a,
             categories=["in_service"])  # fmt: skip
    _organizations(tree)
    return tree


EXPECTED_A = {
    "党员总数": 32, "正式党员": 30, "预备党员": 2, "女党员": 2, "少数民族党员": 2,
    "30岁及以下": 1, "31至35岁": 2, "36至40岁": 16, "41至45岁": 2, "46至50岁": 2,
    "51至55岁": 2, "56至60岁": 2, "61至70岁": 2, "71至80岁": 2, "81岁及以上": 1,
    "研究生": 1, "大学本科": 25, "大学专科": 1, "中专": 1, "高中": 1, "初中及以下": 2,
    "在职": 2, "离退休": 2, "流动": 1, "下岗失业": 1, "学生": 1, "农民": 1,
    "年内发展党员": 2, "年内转为正式党员": 1, "年内转入": 1, "年内转出": 2,
    "党支部": 3, "党小组": 2,
}  # fmt: skip


def test_a_secretary_gets_the_hand_count_of_their_community(
    roster: SimpleNamespace, secretary_a: Any
) -> None:
    statistics = party_statistics_get(year=YEAR, reader=secretary_a)
    assert statistics.figures == EXPECTED_A
    assert [row[0] for row in statistics.rows()] == list(STATISTICS_ROWS)
    assert sum(statistics[label] for label, _, _ in AGE_BANDS) == statistics["党员总数"]


def test_the_other_community_and_the_sub_district_see_their_own(
    roster: SimpleNamespace, secretary_b: Any, sub_district_officer: Any
) -> None:
    b = party_statistics_get(year=YEAR, reader=secretary_b)
    assert (b["党员总数"], b["女党员"], b["在职"], b["年内转入"]) == (1, 1, 1, 1)
    assert (b["党支部"], b["党小组"]) == (1, 1)
    whole = party_statistics_get(year=YEAR, reader=sub_district_officer)
    assert whole["党员总数"] == EXPECTED_A["党员总数"] + 1  # the unit's member is not in its tree
    chosen = party_statistics_get(
        year=YEAR, reader=sub_district_officer, organization=roster.branch_b
    )
    assert chosen.figures == b.figures


def test_a_secretary_asking_for_another_community_gets_nothing_of_it(
    roster: SimpleNamespace, secretary_a: Any
) -> None:
    other = party_statistics_get(year=YEAR, reader=secretary_a, organization=roster.community_b)
    assert set(other.figures.values()) == {0}


def test_the_year_before_and_after_move_the_edges(
    roster: SimpleNamespace, secretary_a: Any
) -> None:
    """In the next year the member out on 1 March has gone and the late arrival has come; the
    年内 rows follow the dates."""
    following = party_statistics_get(year=YEAR + 1, reader=secretary_a)
    # Out: the one transferred out on 1 March. In: joined 5 January, came 1 February.
    assert following["党员总数"] == EXPECTED_A["党员总数"] - 1 + 2
    assert following["年内发展党员"] == 1
    assert following["年内转为正式党员"] == 1  # full on 1 February
    assert (following["年内转入"], following["年内转出"]) == (1, 1)
    assert following["预备党员"] == 2  # joined in March of the year before, and 5 January


def test_the_number_of_queries_does_not_grow_with_the_members(
    tree: SimpleNamespace, secretary_a: Any, django_assert_num_queries: Any
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        scope_of(secretary_a)  # the scope is computed once per user and kept
        with CaptureQueriesContext(connection) as captured:
            party_statistics_get(year=YEAR, reader=secretary_a, organization=tree.community_a)
        return len(captured)

    for i in range(10):
        MemberFactory(branch=tree.branch_a, categories=["in_service"] if i % 2 else ["retired"])
    ten = count()
    for _ in range(30):
        member = MemberFactory(branch=tree.branch_a, categories=["in_service", "floating"])
        _received(member, TransferDirection.IN, dt.date(YEAR, 3, 1), tree.branch_a)
    with django_assert_num_queries(ten):
        party_statistics_get(year=YEAR, reader=secretary_a, organization=tree.community_a)
    assert ten <= 4  # members, transfers, organizations and the chosen organization's descent


def _sheet_rows(data: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_command_writes_the_rows_in_order(
    roster: SimpleNamespace, secretary_a: Any, tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "统计.xlsx"
    call_command("party_statistics", str(YEAR), str(path), "--user", "secretary_a")
    rows = _sheet_rows(path.read_bytes())
    assert rows[0] == list(STATISTICS_HEADERS)
    assert [row[0] for row in rows[1:]] == list(STATISTICS_ROWS)
    assert [int(row[1]) for row in rows[1:]] == [EXPECTED_A[label] for label in STATISTICS_ROWS]
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "党员32名" in out


def test_the_command_for_an_organization_and_everything(
    roster: SimpleNamespace, tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "b.xlsx"
    call_command("party_statistics", str(YEAR), str(path), "--organization", "SD-B")
    assert _total(path) == 1
    call_command("party_statistics", str(YEAR), str(path))  # the whole tree, and the unit's
    assert _total(path) == EXPECTED_A["党员总数"] + 2


def _total(path: Any) -> int:
    label, value = _sheet_rows(path.read_bytes())[1]
    assert label == "党员总数"
    return int(value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1999", "x.xlsx"], "年度"),
        ([str(YEAR), "x.txt"], "不支持的文件类型"),
        ([str(YEAR), "x.xlsx", "--user", "nobody"], "不存在"),
        ([str(YEAR), "x.xlsx", "--organization", "NOPE"], "不存在"),
        ([str(YEAR), "x.xlsx", "--user", "secretary_a", "--organization", "SD-B"], "无权"),
    ],
)
def test_the_command_refuses_in_chinese(
    tree: SimpleNamespace, secretary_a: Any, tmp_path: Any, args: list[str], message: str
) -> None:
    given = [*args[:1], str(tmp_path / args[1]), *args[2:]]
    with pytest.raises(CommandError, match=message):
        call_command("party_statistics", *given)
    assert not (tmp_path / "x.xlsx").exists()


def test_the_printable_gives_the_same_rows_and_refuses_another_community(
    roster: SimpleNamespace, secretary_a: Any
) -> None:
    client = Client()
    client.force_login(secretary_a)
    url = print_url(STATISTICS, organization=roster.community_a.pk, period=YEAR, format="xlsx")
    response = client.get(url)
    assert response.status_code == 200
    rows = _sheet_rows(response.content)
    assert rows[1:] == [[label, str(EXPECTED_A[label])] for label in STATISTICS_ROWS]
    other = print_url(STATISTICS, organization=roster.community_b.pk, period=YEAR, format="xlsx")
    assert client.get(other).status_code in (403, 404)


def test_the_printable_asks_for_a_year(roster: SimpleNamespace, secretary_a: Any) -> None:
    from kit.printables import Job, PrintError
    from members.printables import statistics_context

    for bad in ("2025-11", "", "25"):
        with pytest.raises(PrintError, match="请填写年度"):
            statistics_context(
                Job({"organization": roster.community_a, "period": bad}, secretary_a)
            )


def test_the_pdf_names_the_organization_and_the_day(
    roster: SimpleNamespace, secretary_a: Any, monkeypatch: Any
) -> None:
    seen: list[str] = []

    def html_to_pdf(html: str) -> bytes:
        seen.append(html)
        return b"%PDF-1.7"

    monkeypatch.setattr("kit.pdf.html_to_pdf", html_to_pdf)
    client = Client()
    client.force_login(secretary_a)
    url = print_url(STATISTICS, organization=roster.community_a.pk, period=YEAR, format="pdf")
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert "甲社区党委" in seen[0]
    assert "2025年12月31日" in seen[0]
    assert "初中及以下" in seen[0]


def test_the_page_shows_the_figures_and_charts_of_the_users_own_community(
    roster: SimpleNamespace, secretary_a: Any
) -> None:
    client = Client()
    client.force_login(secretary_a)
    page = reverse("admin:members_member_statistics")
    response = client.get(page, {"year": YEAR})
    assert response.status_code == 200
    assert response.context["chosen"] == roster.community_a
    assert response.context["statistics"].figures == EXPECTED_A
    assert [chart.title for chart in response.context["charts"]][:2] == ["党员构成", "年龄结构"]
    assert b'class="chart"' in response.content
    assert client.get(page, {"organization": roster.community_b.pk}).status_code == 404
    organizations = response.context["organizations"]
    assert roster.community_b not in organizations
    assert roster.branch_a in organizations


def test_the_page_is_in_the_sidebar_for_those_who_see_members(secretary_a: Any) -> None:
    from kit.apps import declared

    pages = [page for _, pages in declared("work_pages") for page in pages]
    found = [page for page in pages if page.url_name == "admin:members_member_statistics"]
    assert found
    assert found[0].title == "党内统计"
    assert found[0].permission == "members.view_member"


def test_no_transfer_is_counted_twice_for_one_letter(roster: SimpleNamespace) -> None:
    received = MembershipTransfer.objects.filter(state=TransferState.RECEIVED)
    assert received.count() == len(set(received.values_list("letter_number", "direction")))
