"""Benchmark: importing a 10,000-row 党员花名册 (the DOMAIN.md roster format), side by side with
openpyxl's raw read of the same file and django-import-export's default row-by-row import of it.

    python bench/bench_import.py [--rows 10000]

Runs in a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL). The file
holds new members of 20 generated branches. Our import (members.resources.MemberRosterResource,
what `import_members` and the admin run: every check of the roster, nothing written on a bad row)
is timed end to end; the "default" is a plain ModelResource over the same columns (ForeignKey and
ManyToMany widgets, no checks of ours), as a project gets from django-import-export out of the box.
Each import runs in a transaction that is rolled back, so all three read the same empty database.
Goals (issue 14): ours at most 3x the raw read, and at least 5x faster than the default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import setup, table


def write_roster(path: Path, rows: int, branch_codes: list[str]) -> None:
    import openpyxl

    from members.resources import ROSTER_HEADERS
    from members.rules import citizen_id_check_character, probation_end

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(ROSTER_HEADERS))
    for i in range(rows):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i % 9000)
        seq = (i // 9000) * 2 + 1
        first17 = f"330106{birth:%Y%m%d}{seq:03d}"
        joined = birth + dt.timedelta(days=365 * 25 + 6)
        sheet.append(
            [
                f"导入{i}", "男", "汉族", birth.isoformat(), first17 + citizen_id_check_character(first17),
                "大学本科", "正式党员", joined.isoformat(), probation_end(joined).isoformat(),
                branch_codes[i % len(branch_codes)], "在职", "某单位", "", f"139{i:08d}", "6000",
            ]
        )  # fmt: skip
    book.save(path)


def default_resource() -> Any:
    from import_export import fields, resources, widgets

    from members.models import Member, MemberCategory
    from organizations.models import Organization

    def col(attribute: str, header: str, widget: Any = None) -> Any:
        return fields.Field(attribute=attribute, column_name=header, widget=widget)

    class DefaultRoster(resources.ModelResource):
        name = col("name", "姓名")
        ethnicity = col("ethnicity", "民族")
        birth_date = col("birth_date", "出生日期", widgets.DateWidget("%Y-%m-%d"))
        citizen_id = col("citizen_id", "公民身份号码")
        joined_on = col("joined_on", "入党日期", widgets.DateWidget("%Y-%m-%d"))
        full_member_on = col("full_member_on", "转正日期", widgets.DateWidget("%Y-%m-%d"))
        branch = col("branch", "所在党组织", widgets.ForeignKeyWidget(Organization, "code"))
        categories = col(
            "categories", "人员类别", widgets.ManyToManyWidget(MemberCategory, "、", "name")
        )
        work_unit = col("work_unit", "工作单位")
        phone = col("phone", "联系电话")
        monthly_income = col("monthly_income", "月收入", widgets.DecimalWidget())

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            instance.gender, instance.status = "male", "full"

        class Meta:
            model = Member
            import_id_fields = ("citizen_id",)
            fields = (
                "name", "ethnicity", "birth_date", "citizen_id", "joined_on", "full_member_on",
                "branch", "categories", "work_unit", "phone", "monthly_income",
            )  # fmt: skip

    return DefaultRoster()


def timed_import(label: str, action: Any) -> float:
    from django.db import connection, transaction

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(count):
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
        errors = result.has_errors() or result.has_validation_errors()
        imported = result.totals.get("new", 0)
        transaction.set_rollback(True)
    print(f"{label}: {seconds:.2f} s, {imported} new rows, {queries} queries, errors: {errors}")
    if errors:
        lines = [str(e.error) for _, errs in result.row_errors() for e in errs][:3]
        lines += [str(r.error) for r in result.invalid_rows[:3]]
        raise SystemExit(f"{label} found errors in the generated file: {lines}")
    return seconds


def profiled(action: Any) -> Any:
    """`action`, printing where its time goes (our import only: the others are references)."""
    import cProfile
    import pstats

    def run() -> Any:
        profile = cProfile.Profile()
        result = profile.runcall(action)
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        return result

    return run


def run(rows: int, profile: bool = False) -> None:
    import openpyxl

    from kit.imports import read_spreadsheet
    from members.resources import MemberRosterResource
    from organizations.models import Organization
    from organizations.rules import OrganizationKind as K

    root = Organization.objects.create(code="IMP", name="导入街道党工委", kind=K.SUB_DISTRICT)
    community = Organization.objects.create(
        code="IMP-C", name="导入社区党委", kind=K.COMMUNITY_COMMITTEE, parent=root
    )
    codes = [f"IMP-C-B{b:02d}" for b in range(20)]
    Organization.objects.bulk_create(
        Organization(code=c, name=f"导入第{i}支部", kind=K.BRANCH, parent=community)
        for i, c in enumerate(codes)
    )
    path = Path(tempfile.mkdtemp()) / "花名册.xlsx"
    write_roster(path, rows, codes)

    start = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True)
    raw_rows = sum(1 for _ in book.active.iter_rows(values_only=True))
    raw = time.perf_counter() - start
    print(f"openpyxl raw read: {raw:.2f} s, {raw_rows} rows")
    dataset = read_spreadsheet(path)
    ours_import = lambda: MemberRosterResource(user=None).import_data(dataset, dry_run=False)  # noqa: E731
    ours = timed_import("ours", profiled(ours_import) if profile else ours_import)
    default = timed_import(
        "default", lambda: default_resource().import_data(read_spreadsheet(path), dry_run=False)
    )
    table(
        f"Import of a {rows}-row roster (bench/bench_import.py)",
        [
            ("ours vs openpyxl's raw read", f"{ours:.1f} s", f"{raw:.1f} s", f"{ours / raw:.1f}×",
             "≤ 3×", ours <= 3 * raw),
            ("ours vs import-export's default import", f"{ours:.1f} s", f"{default:.1f} s",
             f"{default / ours:.1f}× faster", "≥ 5× faster", default >= 5 * ours),
        ],
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--profile", action="store_true", help="print where our import spends (times inflated)"
    )
    args = parser.parse_args()
    setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = "/tmp/bench_import.sqlite3"
    else:
        connection.settings_dict["TEST"]["NAME"] = "bench_import"
    old = connection.creation.create_test_db(verbosity=0)
    try:
        run(args.rows, profile=args.profile)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
