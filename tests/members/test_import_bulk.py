"""党员花名册 import, the bulk path: every row checked before any is written, then all written at
once. The queries of an import do not grow with its rows; one bad row writes nothing; the audit
trail records who imported every member."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CheckConstraint, Q
from django.test.utils import CaptureQueriesContext

from kit.imports.bulk import _check_in_python, bulk_full_clean
from members.models import Member, PersonalDataAccess
from members.resources import MemberRosterResource, read_roster_file
from members.rules import Gender, MemberStatus
from organizations.scope import scope_of
from tests.members.factories import MemberFactory, make_citizen_id
from tests.members.test_import_export import WRONG_CHECK, roster_row, run_import, write_roster


def rows(count: int, **changes: Any) -> list[dict[str, Any]]:
    # 在职、流动 and 离退休 alternate, so that categories are written for every row
    return [
        roster_row(i, 人员类别="在职、流动" if i % 2 else "离退休", **changes)
        for i in range(1, count + 1)
    ]


def insert_batches(rows: int) -> int:
    """INSERT statements of `rows` members (SQLite caps a statement's parameters)."""
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))


def import_queries(path: Path, user: Any, dry_run: bool = False) -> tuple[int, list[str]]:
    if user is not None:
        scope_of(user)  # computed once and cached: not the import's
    resource = MemberRosterResource(user=user)
    dataset = read_roster_file(path)
    with CaptureQueriesContext(connection) as queries:
        result = resource.import_data(dataset, dry_run=dry_run)
    return len(queries.captured_queries), resource.error_lines(result)


# --- (a) the queries do not grow with the rows ---------------------------------------------------
@pytest.mark.parametrize("dry_run", [False, True])
def test_queries_of_a_new_roster_do_not_grow_with_its_rows(
    tree, secretary_a, tmp_path, dry_run
) -> None:
    small = write_roster(tmp_path / "small.xlsx", rows(10))
    large = write_roster(tmp_path / "large.xlsx", rows(60))
    small_count, errors = import_queries(small, secretary_a, dry_run)
    assert errors == []
    Member.objects.all().delete()  # the large file is new again
    Member.history.all().delete()
    large_count, errors = import_queries(large, secretary_a, dry_run)
    assert errors == []
    assert large_count == small_count + insert_batches(60) - insert_batches(10)
    assert Member.objects.count() == (0 if dry_run else 60)


def test_queries_of_changes_do_not_grow_with_the_rows(tree, secretary_a, tmp_path) -> None:
    counts = []
    for count in (10, 60):
        Member.objects.all().delete()
        assert (
            run_import(write_roster(tmp_path / f"{count}.xlsx", rows(count)), secretary_a)[1] == []
        )
        # every member changes: a field, and (for half of them) the categories
        changed = [roster_row(i, 人员类别="离退休", 工作单位="乙中学") for i in range(1, count + 1)]
        queries, errors = import_queries(write_roster(tmp_path / "c.xlsx", changed), secretary_a)
        assert errors == []
        counts.append(queries)
    assert counts[0] == counts[1]  # bulk_update writes a batch per changed field set
    assert set(Member.objects.values_list("work_unit", flat=True)) == {"乙中学"}


def test_queries_of_a_file_with_errors_do_not_grow_with_its_rows(
    tree, secretary_a, tmp_path
) -> None:
    counts = []
    for count in (10, 60):
        bad = rows(count, 所在党组织="SD-B-1")  # outside the scope: every row is refused
        queries, errors = import_queries(write_roster(tmp_path / f"{count}.xlsx", bad), secretary_a)
        assert len(errors) == count
        counts.append(queries)
    assert counts[0] == counts[1]


# --- (b) one bad row among many writes nothing, and is named ---------------------------------------
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"公民身份号码": WRONG_CHECK}, "第38行: 公民身份号码校验位错误"),
        ({"所在党组织": "SD-B-1"}, "第38行: 所在党组织代码“SD-B-1”不存在或不在您管理的范围内"),
        ({"入党日期": "2030-07-01", "转正日期": ""}, "第38行: 入党日期不能晚于今天"),
    ],
)
def test_one_bad_row_among_many_writes_nothing_and_is_named(
    tree, secretary_a, tmp_path, changes, message
) -> None:
    file_rows = rows(60)
    file_rows[36] = roster_row(2, **changes)  # line 38 of the sheet (the header is line 1)
    if "公民身份号码" not in changes:
        file_rows[36] = roster_row(37, **changes)
    result, errors = run_import(write_roster(tmp_path / "r.xlsx", file_rows), secretary_a)
    assert errors == [message]
    assert not Member.objects.exists()
    assert not Member.history.exists()
    assert not Member.categories.through.objects.exists()
    assert not PersonalDataAccess.objects.exists()


def test_a_citizen_id_held_elsewhere_among_many_rows_writes_nothing(
    tree, secretary_a, tmp_path
) -> None:
    # A serial no row of the file uses (the factory's sequence depends on the tests run before).
    born = dt.date(1980, 5, 6)
    other = MemberFactory(
        branch=tree.branch_b, birth_date=born, citizen_id=make_citizen_id(born, Gender.MALE, 400)
    )
    file_rows = rows(30)
    file_rows[20]["公民身份号码"] = other.citizen_id
    errors = run_import(write_roster(tmp_path / "r.xlsx", file_rows), secretary_a)[1]
    assert errors == ["第22行: 公民身份号码已在其他党组织登记，请先办理组织关系转接"]
    assert list(Member.objects.all()) == [other]


# --- (c) the audit trail ---------------------------------------------------------------------------
def test_bulk_imported_members_have_history_by_the_importing_user(
    tree, secretary_a, tmp_path
) -> None:
    assert run_import(write_roster(tmp_path / "r.xlsx", rows(12)), secretary_a)[1] == []
    assert Member.objects.count() == 12
    for member in Member.objects.prefetch_related("categories"):
        [record] = member.history.all()
        assert (record.history_type, record.history_user) == ("+", secretary_a)
        assert record.name == member.name
        assert record.branch_id == tree.branch_a.pk
        recorded = {c.membercategory.name for c in record.categories.all()}
        assert recorded == {c.name for c in member.categories.all()}
        assert recorded == ({"在职", "流动"} if int(member.name[1:]) % 2 else {"离退休"})
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.detail) == (
        secretary_a,
        PersonalDataAccess.Action.IMPORT,
        "导入党员花名册：新增 12 人，更新 0 人，未变 0 人",
    )


def test_bulk_changes_are_recorded_with_the_importing_user(tree, secretary_a, tmp_path) -> None:
    assert run_import(write_roster(tmp_path / "r.xlsx", rows(4)), secretary_a)[1] == []
    changed = rows(4)
    changed[0]["联系电话"] = "13900000000"  # a field
    changed[1]["人员类别"] = "离退休、年老病重"  # the categories only
    result, errors = run_import(write_roster(tmp_path / "c.xlsx", changed), secretary_a)
    assert errors == []
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 2, 2)
    first, second = Member.objects.get(name="张1"), Member.objects.get(name="张2")
    assert first.phone == "13900000000"
    assert set(second.categories.values_list("name", flat=True)) == {"离退休", "年老病重"}
    for member in (first, second):
        latest = member.history.first()
        assert (latest.history_type, latest.history_user) == ("~", secretary_a)
        assert {c.membercategory_id for c in latest.categories.all()} == set(
            member.categories.values_list("pk", flat=True)
        )
    assert first.history.first().phone == "13900000000"
    assert Member.objects.get(name="张3").history.count() == 1  # unchanged: nothing recorded


def test_the_command_line_import_writes_history_without_a_user(tree, tmp_path) -> None:
    assert run_import(write_roster(tmp_path / "r.xlsx", rows(3)), None)[1] == []
    assert list(Member.history.values_list("history_type", "history_user")) == [("+", None)] * 3
    assert not PersonalDataAccess.objects.exists()  # an anonymous command line run


def test_a_dry_run_shows_every_row_and_writes_nothing(tree, secretary_a, tmp_path) -> None:
    resource = MemberRosterResource(user=secretary_a)
    dataset = read_roster_file(write_roster(tmp_path / "r.xlsx", rows(5)))
    result = resource.import_data(dataset, dry_run=True)
    assert resource.error_lines(result) == []
    assert [row.import_type for row in result.valid_rows()] == ["new"] * 5
    assert "在职、流动" in "".join(str(cell) for cell in result.valid_rows()[0].diff)
    assert not Member.objects.exists()
    assert not Member.history.exists()


# --- the model's checks for many rows --------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"group_id": "branch_b"}, "group"),  # not a 党小组 (and not of this branch)
        ({"residence_community_id": "branch_b"}, "residence_community"),  # not a community
        ({"citizen_id": "taken"}, "citizen_id"),  # another member's
    ],
)
def test_bulk_full_clean_says_what_full_clean_says(tree, changes, key) -> None:
    taken = MemberFactory(branch=tree.branch_a)
    values = {
        name: {"branch_b": tree.branch_b.pk, "taken": taken.citizen_id}.get(value, value)
        for name, value in changes.items()
    }
    member = MemberFactory.build(branch=tree.branch_a, **values)
    with pytest.raises(ValidationError) as full_clean:
        member.full_clean()
    errors: dict[str, Any] = {}
    bulk_full_clean([(member, errors)])
    got = {field: [m for e in items for m in e.messages] for field, items in errors.items()}
    assert got == full_clean.value.message_dict


@pytest.mark.parametrize("status", [MemberStatus.FULL, MemberStatus.PROBATIONARY, None])
@pytest.mark.parametrize("full_member_on", [None, dt.date(2006, 7, 1)])
def test_check_constraints_are_evaluated_as_the_database_does(db, status, full_member_on) -> None:
    member = Member(status=status, full_member_on=full_member_on)
    [constraint] = Member._meta.constraints
    assert isinstance(constraint, CheckConstraint)
    try:
        cast(Any, constraint).validate(Member, member)  # the database's verdict
        holds = True
    except ValidationError:
        holds = False
    assert _check_in_python(Q(constraint.condition), member, set()) is holds
    assert _check_in_python(Q(constraint.condition), member, {"status"}) is True
